"""Pathways and compliance, end to end through the pages (frozen clock: 23 November 2026)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.factories import NOW, TODAY, make_staff
from tests.helpers import QueryCounter, page, sign_in, submit
from tests.test_query_counts import HOME_LIMIT
from wfld.catalogue.models import (
    Booking,
    BookingStatus,
    Completion,
    CompletionSource,
    CompletionStatus,
    DeliveryMode,
    LearningActivity,
    LearningSession,
    Provider,
)
from wfld.core import clock
from wfld.extensions import db
from wfld.learning import services
from wfld.learning.compliance import build_report, summarise
from wfld.learning.models import Pathway, PathwayRequirement, Stage
from wfld.learning.rules import Assessment, Status
from wfld.organisation.models import JobRole, StaffMember, Team
from wfld.organisation.scopes import system_scope


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _activity(title: str, validity: int | None = None) -> LearningActivity:
    activity = LearningActivity(
        title=title,
        category="Mandatory",
        delivery_mode=DeliveryMode.CLASSROOM,
        provider=Provider.IN_HOUSE,
        duration_hours=Decimal("3"),
        validity_months=validity,
        is_active=True,
        created_at=NOW,
    )
    db.session.add(activity)
    db.session.flush()
    return activity


def _complete(staff_id: int, activity: LearningActivity, on: dt.date) -> None:
    db.session.add(
        Completion(
            staff_id=staff_id,
            activity_id=activity.id,
            completed_on=on,
            source=CompletionSource.MANUAL,
            status=CompletionStatus.VERIFIED,
            recorded_at=NOW,
        )
    )


@pytest.fixture
def learning(app, org):  # noqa: ANN001, ANN201
    """A social worker pathway: Safeguarding L3 (renewed, due in 90 days), Recording (30 days)."""
    with app.app_context():
        safeguarding = _activity("Safeguarding Children Level 3", validity=36)
        recording = _activity("Effective Case Recording")
        court = _activity("Court Skills")
        social_worker = db.session.get(JobRole, org.role_social_worker)
        pathway = services.create_pathway(
            name="Social worker pathway",
            description=None,
            roles=[social_worker],
            actor=None,
            now=NOW,
        )
        services.add_requirement(
            pathway=pathway,
            stage=Stage.MANDATORY,
            activity=safeguarding,
            framework_item=None,
            is_mandatory=True,
            due_within_days=90,
            renewal_months=None,
            actor=None,
            now=NOW,
        )
        services.add_requirement(
            pathway=pathway,
            stage=Stage.INDUCTION,
            activity=recording,
            framework_item=None,
            is_mandatory=True,
            due_within_days=30,
            renewal_months=None,
            actor=None,
            now=NOW,
        )
        # The practitioner (in post since 2020): safeguarding expired last year, recording done.
        _complete(org.practitioner.staff_id, safeguarding, dt.date(2023, 6, 1))
        _complete(org.practitioner.staff_id, recording, dt.date(2020, 2, 1))
        db.session.commit()
        return {
            "safeguarding": safeguarding.id,
            "recording": recording.id,
            "court": court.id,
            "pathway": pathway.id,
        }


def test_my_learning_shows_each_stage_with_status_and_dates(client, org, learning):
    sign_in(client, org.practitioner.email)
    result = page(client.get("/learning/me"))
    assert result.h1.endswith("My learning")
    headings = [h.get_text(strip=True) for h in result.soup.select("main h2")]
    assert headings == ["Induction", "Mandatory"]
    rows = {
        tr.select("td")[0].get_text(" ", strip=True): tr.select("td")[1].get_text(" ", strip=True)
        for tr in result.soup.select("tbody tr")
    }
    assert rows == {
        "Effective Case Recording": "Complete",
        "Safeguarding Children Level 3": "Overdue",
    }
    assert "Expired 1 June 2026" in result.text()
    assert result.soup.select_one(f"a[href='/catalogue/activities/{learning['safeguarding']}']")


def test_home_tells_the_person_and_their_manager(client, org, learning):
    sign_in(client, org.practitioner.email)
    home = page(client.get("/"))
    assert "1 of your learning requirements is overdue" in home.text()
    client.delete_cookie("wfld_session")
    sign_in(client, org.line_manager.email)
    home = page(client.get("/"))
    link = home.soup.find("a", string="1 of your team is overdue Safeguarding Children Level 3")
    assert link is not None
    drill = page(client.get(link["href"]))
    assert [a.get_text(strip=True) for a in drill.soup.select("tbody a")] == ["Priya Sandhu"]


def test_team_view_counts_and_csv(client, org, learning):
    sign_in(client, org.line_manager.email)
    team = page(client.get("/learning/team"))
    cells = {
        tr.select_one("td a").get_text(strip=True): [
            td.get_text(strip=True) for td in tr.select("td")[1:]
        ]
        for tr in team.soup.select("table")[0].select("tbody tr")
    }
    # Complete, Booked, Due soon, Overdue, Not started, % complete
    assert cells["Safeguarding Children Level 3"] == ["0", "0", "0", "1", "0", "0%"]
    assert cells["Effective Case Recording"] == ["1", "0", "0", "0", "0", "100%"]

    response = client.get("/learning/team.csv")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {(r["Name"], r["Requirement"], r["Status"]) for r in rows} == {
        ("Priya Sandhu", "Safeguarding Children Level 3", "Overdue"),
        ("Priya Sandhu", "Effective Case Recording", "Complete"),
    }


def test_a_booking_shows_as_booked_and_late(app, client, org, learning):
    with app.app_context():
        session = LearningSession(
            activity_id=learning["safeguarding"],
            starts_at=NOW + dt.timedelta(days=14),
            ends_at=NOW + dt.timedelta(days=14, hours=3),
            venue="Civic Offices",
            capacity=10,
            created_at=NOW,
        )
        db.session.add(session)
        db.session.flush()
        db.session.add(
            Booking(
                session_id=session.id,
                staff_id=org.practitioner.staff_id,
                status=BookingStatus.BOOKED,
                requested_at=NOW,
            )
        )
        db.session.commit()
    sign_in(client, org.practitioner.email)
    result = page(client.get("/learning/me"))
    assert "Booked (late)" in result.text()
    assert "Booked for 7 December 2026" in result.text()


def test_changing_role_changes_requirements_from_that_day(app, client, org, learning):
    sign_in(client, org.other_practitioner.email)
    assert "no learning requirements" in page(client.get("/learning/me")).text()
    with app.app_context():
        from wfld.organisation import services as org_services

        staff = db.session.get(StaffMember, org.other_practitioner.staff_id)
        details = org_services.StaffDetails(
            employee_number=staff.employee_number,
            first_name=staff.first_name,
            last_name=staff.last_name,
            work_email=staff.work_email,
            team=staff.team,
            job_role=db.session.get(JobRole, org.role_social_worker),
            line_manager=staff.line_manager,
            employment_type=staff.employment_type,
            fte=staff.fte,
            start_date=staff.start_date,
            leaving_date=None,
            regulator=staff.job_role.regulator.__class__("swe"),
            registration_number="SW99001",
        )
        org_services.update_staff(staff=staff, details=details, actor=None, now=NOW, today=TODAY)
        db.session.commit()
        assert db.session.get(StaffMember, org.other_practitioner.staff_id).job_role_since == TODAY
    result = page(client.get("/learning/me"))
    assert "Due by 23 December 2026" in result.text(), "30 days from the role change, not from 2020"
    assert "Due by 21 February 2027" in result.text()


def test_service_view_by_team_and_leavers_left_out(app, client, org, learning):
    with app.app_context():
        team = db.session.get(Team, org.team_a)
        role = db.session.get(JobRole, org.role_social_worker)
        make_staff("Leah", "Gone", team=team, role=role, leaving_date=dt.date(2026, 1, 31))
        db.session.commit()
    sign_in(client, org.senior_manager.email)
    result = page(client.get("/learning/compliance"))
    first_table = result.soup.select("table")[0]
    teams = [tr.select_one("td a").get_text(strip=True) for tr in first_table.select("tbody tr")]
    assert teams == ["Access and Assessment", "Family Support"], "lowest compliance first"
    rows = list(
        csv.DictReader(io.StringIO(client.get("/learning/compliance.csv").get_data(as_text=True)))
    )
    assert "Leah Gone" not in {r["Name"] for r in rows}


def _table_after(result, heading: str):  # noqa: ANN001, ANN202
    h2 = next(h for h in result.soup.select("main h2") if h.get_text(strip=True) == heading)
    return [
        [td.get_text(strip=True) for td in tr.select("td")]
        for tr in h2.find_next("table").select("tbody tr")
    ]


def test_compliance_counts_mandatory_requirements_only(app, client, org, learning):
    """A recommended course nobody has done is shown apart, never leads "lowest first", and
    does not pull a team's percentage down."""
    with app.app_context():
        services.add_requirement(
            pathway=db.session.get(Pathway, learning["pathway"]),
            stage=Stage.PROGRESSION,
            activity=db.session.get(LearningActivity, learning["court"]),
            framework_item=None,
            is_mandatory=False,
            due_within_days=None,
            renewal_months=None,
            actor=None,
            now=NOW,
        )
        db.session.commit()
        scope = system_scope(TODAY, ids=select(StaffMember.id))
        full = build_report(scope, now=NOW, due_soon_days=60)
        counts = summarise(scope, now=NOW, due_soon_days=60)
        for report in (full, counts):
            assert "Court Skills" not in {s.title for s in report.by_requirement()}
            assert [s.title for s in report.recommended()] == ["Court Skills"]
            assert report.recommended()[0].count(Status.COMPLETE) == 0
        teams = {s.title: (s.percent_complete, s.total) for s in full.by_team()}
        assert teams == {s.title: (s.percent_complete, s.total) for s in counts.by_team()}
        mandatory_lines = [
            line
            for p in full.people
            if p.staff.team.name == "Access and Assessment"
            for line in p.lines
            if line.requirement.is_mandatory
        ]
        assert teams["Access and Assessment"][1] == len(mandatory_lines)

    sign_in(client, org.senior_manager.email)
    result = page(client.get("/learning/compliance"))
    by_requirement = _table_after(result, "By requirement")
    assert by_requirement[0][0] != "Court Skills"
    assert "Court Skills" not in [row[0] for row in by_requirement]
    recommended = _table_after(result, "Recommended (not counted in compliance)")
    assert [row[0] for row in recommended] == ["Court Skills"]
    by_team = _table_after(result, "By team")
    assert {row[0]: row[-1] for row in by_team} == {
        s.title: f"{s.percent_complete}%" for s in counts.by_team()
    }


def test_team_people_table_counts_mandatory_requirements_only(app, client, org, learning):
    """A recommended course nobody has done does not show as "1 of 3 complete" on the team
    page: the people table counts what the percentages count."""
    with app.app_context():
        everyone = system_scope(TODAY, ids=select(StaffMember.id))
        before = build_report(everyone, now=NOW, due_soon_days=60)
        mandatory = {
            p.staff.full_name: (p.mandatory_count(Status.COMPLETE), len(p.mandatory_lines))
            for p in before.people
        }
        services.add_requirement(
            pathway=db.session.get(Pathway, learning["pathway"]),
            stage=Stage.PROGRESSION,
            activity=db.session.get(LearningActivity, learning["court"]),
            framework_item=None,
            is_mandatory=False,
            due_within_days=0,
            renewal_months=None,
            actor=None,
            now=NOW,
        )
        db.session.commit()
    sign_in(client, org.line_manager.email)
    people = {row[0]: row for row in _table_after(page(client.get("/learning/team")), "People")}
    assert people
    for name, row in people.items():
        complete, total = mandatory[name]
        assert row[2] == f"{complete} of {total}", name


def test_compliance_pages_are_refused_to_those_without_a_team_or_service_role(
    client, org, learning
):
    sign_in(client, org.practitioner.email)
    assert client.get("/learning/team").status_code == 403
    assert client.get("/learning/compliance").status_code == 403
    assert client.get(f"/learning/people/{org.other_practitioner.staff_id}").status_code == 404
    client.delete_cookie("wfld_session")
    sign_in(client, org.line_manager.email)
    assert client.get(f"/learning/people/{org.practitioner.staff_id}").status_code == 200
    assert client.get(f"/learning/people/{org.other_practitioner.staff_id}").status_code == 404


def test_csv_cells_cannot_run_as_formulas(app, client, org, learning):
    with app.app_context():
        staff = db.session.get(StaffMember, org.practitioner.staff_id)
        staff.first_name = "=HYPERLINK(1)"
        db.session.commit()
    sign_in(client, org.line_manager.email)
    rows = list(
        csv.DictReader(io.StringIO(client.get("/learning/team.csv").get_data(as_text=True)))
    )
    assert all(r["Name"].startswith("'=") for r in rows)


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("senior_manager", "/learning/compliance"),
        ("senior_manager", "/learning/compliance.csv"),
        ("line_manager", "/learning/team"),
        ("line_manager", "/"),
        ("senior_manager", "/"),
        ("wfld_admin", "/"),
        ("system_admin", "/"),
        ("practitioner", "/"),
        ("practitioner", "/learning/me"),
    ],
)
def test_compliance_statements_do_not_grow_with_people(app, client, org, learning, persona, path):
    sign_in(client, getattr(org, persona).email)
    with QueryCounter(app) as small:
        assert client.get(path).status_code == 200
    with app.app_context():
        team = db.session.get(Team, org.team_a)
        role = db.session.get(JobRole, org.role_social_worker)
        safeguarding = db.session.get(LearningActivity, learning["safeguarding"])
        for i in range(40):
            manager = db.session.get(StaffMember, org.line_manager.staff_id)
            person = make_staff("Extra", f"Worker{i:02d}", team=team, role=role, manager=manager)
            _complete(person.id, safeguarding, dt.date(2025, 1, 1))
        db.session.commit()
    with QueryCounter(app) as large:
        assert client.get(path).status_code == 200
    assert large.count == small.count, large.statements
    # Compliance pages: at most 10 statements (the bound); the home page the budget
    # tests/test_query_counts.py explains (it also shows CPD readiness and feedback); other
    # person-level pages 15.
    if path.startswith(("/learning/compliance", "/learning/team")):
        limit = 10
    elif path == "/":
        limit = HOME_LIMIT
    else:
        limit = 15
    assert large.count <= limit, large.statements


# Pathway screens ---------------------------------------------------------------------------
def test_wfld_admin_builds_a_pathway_for_a_role(app, client, org, learning):
    sign_in(client, org.wfld_admin.email)
    response = submit(
        client,
        "/learning/pathways/new",
        {"name": "Family support induction", "roles": [str(org.role_family_worker)]},
    )
    assert response.status_code == 302
    pathway_path = response.headers["Location"]
    add = f"{pathway_path}/requirements/new"
    # What the form arrives with: applies from today, 90 days for people already in the role.
    form = page(client.get(add))
    assert [i["value"] for i in form.soup.select("input[name=applies_from]")] == [
        "23",
        "11",
        "2026",
    ]
    assert form.soup.select_one("input[name=grace_days]")["value"] == "90"
    prefilled = {"applies_from": ["23", "11", "2026"], "grace_days": "90"}
    neither = page(submit(client, add, {"stage": "induction", "is_mandatory": "yes", **prefilled}))
    assert neither.error_summary() == {
        "#activity": "Select a learning activity or a framework item (one of them)"
    }
    ok = submit(
        client,
        add,
        {
            "stage": "induction",
            "activity": str(learning["court"]),
            "is_mandatory": "yes",
            "due_within_days": "60",
            **prefilled,
        },
    )
    assert ok.status_code == 302
    duplicate = page(
        submit(
            client,
            add,
            {
                "stage": "mandatory",
                "activity": str(learning["court"]),
                "is_mandatory": "no",
                **prefilled,
            },
        )
    )
    assert duplicate.error_summary() == {"#activity": "This pathway already has this requirement"}
    view = page(client.get(pathway_path))
    court = next(tr for tr in view.soup.select("tbody tr") if "Court Skills" in tr.get_text())
    first_due = court.select("td")[2]
    assert first_due.get_text(" ", strip=True) == (
        "Within 60 days of starting the role "
        "People in the role before 23 November 2026: within 90 days of 23 November 2026"
    )

    client.delete_cookie("wfld_session")
    sign_in(client, org.other_practitioner.email)  # a family support worker
    mine = page(client.get("/learning/me"))
    assert "Court Skills" in mine.text()


def test_wfld_admin_sets_when_a_requirement_applies_from_and_the_grace(app, client, org, learning):
    """Added through the form for people in post for years: nobody is overdue at once."""
    sign_in(client, org.wfld_admin.email)
    add = f"/learning/pathways/{learning['pathway']}/requirements/new"
    wrong = page(
        submit(
            client,
            add,
            {
                "stage": "role_specific",
                "activity": str(learning["court"]),
                "is_mandatory": "yes",
                "due_within_days": "0",
                "applies_from": ["31", "2", "2027"],
                "grace_days": "-1",
            },
        )
    )
    errors = wrong.error_summary()
    assert errors[next(k for k in errors if k.startswith("#applies_from"))] == (
        "Date it applies from must be a real date"
    )
    assert errors["#grace_days"] == "Days must be between 0 and 3650"
    ok = submit(
        client,
        add,
        {
            "stage": "role_specific",
            "activity": str(learning["court"]),
            "is_mandatory": "yes",
            "due_within_days": "0",
            "applies_from": ["1", "12", "2026"],
            "grace_days": "45",
        },
    )
    assert ok.status_code == 302
    with app.app_context():
        [requirement] = db.session.scalars(
            select(PathwayRequirement).where(PathwayRequirement.activity_id == learning["court"])
        )
        assert (requirement.applies_from, requirement.grace_days) == (dt.date(2026, 12, 1), 45)
        everyone = system_scope(TODAY, ids=select(StaffMember.id))
        report = build_report(everyone, now=NOW, due_soon_days=60)
        court = [
            line.assessment
            for person in report.people
            for line in person.lines
            if line.target.key == f"activity-{learning['court']}"
        ]
        assert court
        assert {a.due_on for a in court} == {dt.date(2027, 1, 15)}
        assert not any(a.is_overdue_or_late for a in court)


def test_pathway_page_says_when_each_requirement_is_first_due_in_plain_words(
    app, client, org, learning
):
    with app.app_context():
        pathway = db.session.get(Pathway, learning["pathway"])
        services.add_requirement(
            pathway=pathway,
            stage=Stage.INDUCTION,
            activity=db.session.get(LearningActivity, learning["court"]),
            framework_item=None,
            is_mandatory=True,
            due_within_days=0,
            renewal_months=None,
            applies_from=dt.date(2026, 12, 1),
            grace_days=0,
            actor=None,
            now=NOW,
        )
        services.add_requirement(
            pathway=pathway,
            stage=Stage.PROGRESSION,
            activity=_activity("Chairing Meetings"),
            framework_item=None,
            is_mandatory=False,
            due_within_days=1,
            renewal_months=None,
            applies_from=TODAY,
            grace_days=1,
            actor=None,
            now=NOW,
        )
        db.session.commit()
    sign_in(client, org.wfld_admin.email)
    view = page(client.get(f"/learning/pathways/{learning['pathway']}"))
    first_due = {
        tr.select("td")[0].get_text(strip=True): tr.select("td")[2].get_text(" ", strip=True)
        for tr in view.soup.select("tbody tr")
    }
    assert first_due == {
        "Court Skills": "From the start of the role "
        "People in the role before 1 December 2026: from 1 December 2026",
        "Chairing Meetings": "Within 1 day of starting the role "
        "People in the role before 23 November 2026: within 1 day of 23 November 2026",
        # Set before applies-from dates existed: nothing extra to say.
        "Safeguarding Children Level 3": "Within 90 days of starting the role",
        "Effective Case Recording": "Within 30 days of starting the role",
    }


def test_pathway_given_to_one_person(app, client, org, learning):
    with app.app_context():
        pathway = Pathway(name="Aspiring managers", is_active=True, created_at=NOW)
        db.session.add(pathway)
        db.session.flush()
        services.add_requirement(
            pathway=pathway,
            stage=Stage.PROGRESSION,
            activity=db.session.get(LearningActivity, learning["court"]),
            framework_item=None,
            is_mandatory=False,
            due_within_days=None,
            renewal_months=None,
            actor=None,
            now=NOW,
        )
        db.session.commit()
        pathway_id = pathway.id
        number = db.session.scalar(
            select(StaffMember.employee_number).where(
                StaffMember.id == org.other_practitioner.staff_id
            )
        )
    sign_in(client, org.wfld_admin.email)
    unknown = page(
        submit(client, f"/learning/pathways/{pathway_id}/assign", {"employee_number": "NOPE1"})
    )
    assert unknown.error_summary() == {
        "#employee_number": "There is no member of staff with this employee number"
    }
    assert (
        submit(
            client, f"/learning/pathways/{pathway_id}/assign", {"employee_number": number}
        ).status_code
        == 302
    )
    client.delete_cookie("wfld_session")
    sign_in(client, org.other_practitioner.email)
    mine = page(client.get("/learning/me"))
    assert (
        "Progression" in mine.text()
        and "Court Skills" in mine.text()
        and "(recommended)" in mine.text()
    )


def test_expected_levels_by_role_show_on_my_learning(app, client, org):
    assert app.test_cli_runner().invoke(args=["seed", "frameworks"]).exit_code == 0
    from wfld.frameworks import queries as framework_queries

    with app.app_context():
        pcf = framework_queries.find_framework_by_code("PCF")
        level = next(lv for lv in pcf.versions[0].levels if lv.title == "Social worker")
        field = f"level-{org.role_social_worker}-{pcf.id}"
        level_id, other_level_id = (
            level.id,
            framework_queries.find_framework_by_code("PCF").versions[0].levels[0].id,
        )
    sign_in(client, org.wfld_admin.email)
    assert submit(client, "/learning/expected-levels", {field: str(level_id)}).status_code == 302
    # A level id from elsewhere (a tampered form) is refused and nothing changes.
    refused = page(submit(client, "/learning/expected-levels", {field: "999999"}))
    assert refused.error_summary() == {"#levels": "Choose a level from the list"}
    client.delete_cookie("wfld_session")
    sign_in(client, org.practitioner.email)
    assert (
        "Expected Professional Capabilities Framework level for this role: Social worker"
        in page(client.get("/learning/me")).text()
    )
    assert other_level_id != level_id


def test_counts_only_summary_agrees_with_the_full_report(app, org, learning):
    """The service view and home pages count without per-person lines: same answers."""
    with app.app_context():
        team = db.session.get(Team, org.team_a)
        role = db.session.get(JobRole, org.role_social_worker)
        safeguarding = db.session.get(LearningActivity, learning["safeguarding"])
        safeguarding_key = f"activity-{safeguarding.id}"
        for i, done_on in enumerate([None, dt.date(2025, 1, 1), dt.date(2023, 12, 20), None]):
            person = make_staff("Extra", f"Worker{i:02d}", team=team, role=role)
            if done_on:
                _complete(person.id, safeguarding, done_on)
        # Took the role on 1 October 2026: one renewal lapsed before (grace to 30 December),
        # one after (overdue from its expiry); one never done.
        for i, done_on in enumerate([dt.date(2022, 1, 1), dt.date(2023, 10, 15), None]):
            person = make_staff(
                "Changed", f"Role{i:02d}", team=team, role=role, start_date=dt.date(2026, 10, 1)
            )
            if done_on:
                _complete(person.id, safeguarding, done_on)
        # Added today for people in post for years: due in 30 days, not overdue at once.
        court = db.session.get(LearningActivity, learning["court"])
        services.add_requirement(
            pathway=db.session.get(Pathway, learning["pathway"]),
            stage=Stage.ROLE_SPECIFIC,
            activity=court,
            framework_item=None,
            is_mandatory=True,
            due_within_days=0,
            renewal_months=None,
            applies_from=TODAY,
            grace_days=30,
            actor=None,
            now=NOW,
        )
        db.session.commit()
        scope = system_scope(TODAY, ids=select(StaffMember.id))
        full = build_report(scope, now=NOW, due_soon_days=60)
        counts = summarise(scope, now=NOW, due_soon_days=60)
        assert counts.people_count == len(full.people)

        def table(summaries):  # noqa: ANN001, ANN202
            return {(s.key, s.title): dict(s.counts) for s in summaries}

        assert table(counts.by_requirement()) == table(full.by_requirement())
        assert table(counts.by_team()) == table(full.by_team())
        court_key = f"activity-{learning['court']}"
        assert counts.requirements[court_key].counts[Status.OVERDUE] == 0
        court_summary = counts.requirements[court_key]
        assert court_summary.count(Status.DUE_SOON) == court_summary.total > 0
        changed = {
            p.staff.last_name: next(
                line.assessment for line in p.lines if line.target.key == safeguarding_key
            )
            for p in full.people
            if p.staff.first_name == "Changed"
        }
        assert changed == {
            "Role00": Assessment(Status.DUE_SOON, due_on=dt.date(2026, 12, 30)),
            "Role01": Assessment(
                Status.OVERDUE,
                due_on=dt.date(2026, 10, 15),
                expires_on=dt.date(2026, 10, 15),
                expired=True,
            ),
            "Role02": Assessment(Status.DUE_SOON, due_on=dt.date(2026, 12, 30)),  # 90 days
        }
        late = {
            key: sum(
                1
                for p in full.people
                for line in p.lines
                if line.target.key == key and line.assessment.is_overdue_or_late
            )
            for key in counts.requirements
        }
        assert dict(counts.late) == {k: n for k, n in late.items() if n}

        apart = summarise(scope, now=NOW, due_soon_days=60, apart=org.practitioner.staff_id)
        mine = next(p for p in full.people if p.staff.id == org.practitioner.staff_id)
        assert dict(apart.apart) == dict(Counter(line.status for line in mine.lines))
        assert apart.apart_late == mine.late == 1


def test_one_requirements_people_worst_first_a_page_at_a_time(
    app, client, org, learning, monkeypatch
):
    """Drill-down from the service or team view: overdue first, then by name, paginated."""
    with app.app_context():
        team = db.session.get(Team, org.team_a)
        role = db.session.get(JobRole, org.role_social_worker)
        safeguarding = db.session.get(LearningActivity, learning["safeguarding"])
        for i in range(5):
            person = make_staff("Done", f"Worker{i}", team=team, role=role)
            _complete(person.id, safeguarding, dt.date(2026, 1, 1))
        db.session.commit()
    monkeypatch.setattr("wfld.learning.views.DRILL_PAGE_SIZE", 3)
    key = f"activity-{learning['safeguarding']}"
    sign_in(client, org.senior_manager.email)

    first = page(client.get(f"/learning/compliance?requirement={key}"))
    assert first.soup.h1.get_text(strip=True) == "Safeguarding Children Level 3"
    names = [a.get_text(strip=True) for a in first.soup.select("tbody td:first-child a")]
    statuses = [t.get_text(strip=True) for t in first.soup.select("tbody strong.govuk-tag")]
    assert len(names) == 3
    assert statuses[0].startswith("Overdue"), "the practitioner's expired certificate leads"
    assert first.soup.select_one("nav.govuk-pagination")

    everyone = []
    for n in (1, 2):
        result = page(client.get(f"/learning/compliance?requirement={key}&page={n}"))
        everyone += [a.get_text(strip=True) for a in result.soup.select("tbody td:first-child a")]
    assert len(everyone) == len(set(everyone)) == 6, "each person once over the two pages"
    completed = [name for name in everyone if name.startswith("Done")]
    assert completed == sorted(completed), "same status: by name"

    # Past the last page shows the last page; an unknown requirement is not found.
    assert client.get(f"/learning/compliance?requirement={key}&page=99").status_code == 200
    assert client.get("/learning/compliance?requirement=activity-999999").status_code == 404
    assert client.get("/learning/compliance?requirement=nonsense").status_code == 404


def test_drill_down_statements_do_not_grow_with_people(app, client, org, learning):
    key = f"activity-{learning['safeguarding']}"
    sign_in(client, org.senior_manager.email)
    path = f"/learning/compliance?requirement={key}"
    with QueryCounter(app) as small:
        assert client.get(path).status_code == 200
    with app.app_context():
        team = db.session.get(Team, org.team_b)
        role = db.session.get(JobRole, org.role_social_worker)
        for i in range(30):
            make_staff("Extra", f"Worker{i:02d}", team=team, role=role)
        db.session.commit()
    with QueryCounter(app) as large:
        assert client.get(path).status_code == 200
    assert large.count == small.count <= 12, large.statements
