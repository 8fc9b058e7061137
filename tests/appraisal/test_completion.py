"""The WFLD view of completion by team and the commonest development needs, and its CSV:
who may see it, the counts per status (the grouped SELECT agrees with ``rules.status_of``
person by person), the needs charts and their table alternative, and a constant number of
statements however many staff there are."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

import pytest
from flask import Flask

from tests.appraisal.builders import (
    TODAY,
    add_need,
    held,
    make_cycle,
    open_for,
    prepared,
    sign_both,
    signed_with_needs,
)
from tests.catalogue.builders import make_activity
from tests.factories import NOW, make_role, make_staff
from tests.helpers import QueryCounter, page, sign_in
from wfld.appraisal import completion as read_model
from wfld.appraisal import services
from wfld.appraisal.models import Appraisal, AppraisalCycle
from wfld.appraisal.rules import AppraisalKind, Stage, status_of
from wfld.core import clock
from wfld.extensions import db
from wfld.frameworks.models import FrameworkItem
from wfld.organisation.models import StaffMember, Team
from wfld.organisation.scopes import system_scope

PAST_DUE = {"due_from": dt.date(2026, 6, 1), "due_by": dt.date(2026, 10, 31)}


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _signed_in(app: Flask, email: str):  # noqa: ANN202
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def _items() -> list[FrameworkItem]:
    """A small published framework's two items."""
    from wfld.frameworks import services as framework_services
    from wfld.frameworks.documents import from_dict

    version = framework_services.import_document(
        from_dict(
            {
                "code": "TEST-PCF",
                "title": "Test capabilities",
                "custodian": "Test",
                "version": {
                    "label": "1",
                    "status": "published",
                    "items": [
                        {"code": "1", "kind": "statement", "title": "Professionalism"},
                        {"code": "2", "kind": "statement", "title": "Values and ethics"},
                    ],
                },
            }
        ),
        actor=None,
        now=NOW,
    ).version
    return sorted(version.items, key=lambda i: i.code)


def _states(org) -> tuple[int, int]:  # noqa: ANN001
    """Team A: P signed, M held, the head of service (no line manager) no record.
    Team B: Q prepared, the WFLD admin a record not started, the other two no record (one
    with a mid-year review only). A leaver in team A and Q's record in last year's cycle
    count for nothing. The ids of this year's cycle and last year's."""
    cycle = make_cycle()
    sign_both(held(prepared(cycle, org.practitioner.staff_id)))
    held(prepared(cycle, org.line_manager.staff_id))
    prepared(cycle, org.other_practitioner.staff_id)
    open_for(cycle, org.wfld_admin.staff_id)
    sysadmin = db.session.get(StaffMember, org.system_admin.staff_id)
    # A mid-year review only (the service refuses one before the annual is signed, and in a
    # cycle with no mid-year window: this record stands for data from elsewhere).
    db.session.add(
        Appraisal(
            cycle_id=cycle.id,
            staff_id=sysadmin.id,
            appraiser_id=sysadmin.line_manager_id,
            kind=AppraisalKind.MID_YEAR,
            stage=Stage.NOT_STARTED,
            record_version=1,
            needs_countersignature=False,
            aspirations=[],
            created_at=NOW,
            updated_at=NOW,
        )
    )
    team_a = db.session.get(Team, org.team_a)
    manager = db.session.get(StaffMember, org.line_manager.staff_id)
    leaver = make_staff(
        "Lee",
        "Gone",
        team=team_a,
        role=make_role("Leaver Role"),
        manager=manager,
        leaving_date=dt.date(2026, 9, 30),
    )
    open_for(cycle, leaver.id)
    earlier = _earlier_cycle()
    open_for(earlier, org.other_practitioner.staff_id)
    db.session.commit()
    return cycle.id, earlier.id


def _earlier_cycle() -> AppraisalCycle:
    """Last year's cycle (its window long closed)."""
    return services.create_cycle(
        details=services.CycleDetails(
            name="2025/26",
            starts_on=dt.date(2025, 4, 1),
            ends_on=dt.date(2026, 3, 31),
            due_from=dt.date(2025, 6, 1),
            due_by=dt.date(2025, 10, 31),
            mid_year_from=None,
            mid_year_by=None,
            needs_countersignature=False,
            priorities=(),
        ),
        actor=None,
        now=NOW,
    )


def _rows(response) -> dict[str, dict[str, str]]:  # noqa: ANN001
    """The team table: team name → {status value or column: figure}."""
    soup = page(response).soup
    found: dict[str, dict[str, str]] = {}
    for row in soup.select("#completion-table tbody tr"):
        name = " ".join(row.find("th").get_text().split())
        cells = {td["data-status"]: td.get_text(strip=True) for td in row.select("td[data-status]")}
        numbers = [td.get_text(strip=True) for td in row.select("td.govuk-table__cell--numeric")]
        cells["in_post"] = numbers[0]
        cells["percent"] = numbers[-1]
        found[name] = cells
    return found


# Access ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/appraisal/completion", "/appraisal/completion.csv"])
def test_anonymous_users_are_sent_to_sign_in(client, path) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("persona", ["practitioner", "line_manager", "other_practitioner"])
@pytest.mark.parametrize("path", ["/appraisal/completion", "/appraisal/completion.csv"])
def test_practitioners_and_managers_may_not_see_it(app, org, persona, path) -> None:
    assert _signed_in(app, getattr(org, persona).email).get(path).status_code == 403


@pytest.mark.parametrize("persona", ["wfld_admin", "senior_manager"])
def test_the_wfld_team_and_senior_managers_see_it(app, org, persona) -> None:
    with app.app_context():
        _states(org)
    client = _signed_in(app, getattr(org, persona).email)
    response = client.get("/appraisal/completion")
    assert response.status_code == 200
    assert page(response).h1 == "Appraisal completion"
    assert client.get("/appraisal/completion.csv").status_code == 200


def test_an_unknown_cycle_or_service_area_is_not_found(app, org) -> None:
    with app.app_context():
        _states(org)
    client = _signed_in(app, org.wfld_admin.email)
    for query in ["cycle=999", "cycle=abc", "area=999", "area=x"]:
        assert client.get(f"/appraisal/completion?{query}").status_code == 404, query
        assert client.get(f"/appraisal/completion.csv?{query}").status_code == 404, query


def test_with_no_cycle_the_page_says_so_and_there_is_no_csv(app, org) -> None:
    client = _signed_in(app, org.wfld_admin.email)
    response = client.get("/appraisal/completion")
    assert response.status_code == 200
    assert "There are no appraisal cycles yet" in page(response).text()
    assert client.get("/appraisal/completion.csv").status_code == 404


# Counts ---------------------------------------------------------------------------------------
def test_each_team_counts_its_people_by_status(app, org) -> None:
    with app.app_context():
        _states(org)
    response = _signed_in(app, org.wfld_admin.email).get("/appraisal/completion")
    rows = _rows(response)
    assert list(rows) == ["Access and Assessment", "Family Support", "All teams"]
    assert rows["Access and Assessment"] == {
        "in_post": "3",
        "not_started": "1",
        "prepared": "0",
        "held": "1",
        "signed": "1",
        "overdue": "0",
        "percent": "33%",
    }
    assert rows["Family Support"] == {
        "in_post": "4",
        "not_started": "3",
        "prepared": "1",
        "held": "0",
        "signed": "0",
        "overdue": "0",
        "percent": "0%",
    }
    assert rows["All teams"] == {
        "in_post": "7",
        "not_started": "4",
        "prepared": "1",
        "held": "1",
        "signed": "1",
        "overdue": "0",
        "percent": "14%",
    }
    text = page(response).text()
    assert "Signed: 1" in text and "Not started: 4" in text  # the tags say it in words


def test_once_the_window_has_closed_everyone_not_signed_is_overdue(app, org) -> None:
    with app.app_context():
        cycle = make_cycle(**PAST_DUE)
        sign_both(held(prepared(cycle, org.practitioner.staff_id)))
        held(prepared(cycle, org.line_manager.staff_id))
        prepared(cycle, org.other_practitioner.staff_id)
        db.session.commit()
    response = _signed_in(app, org.senior_manager.email).get("/appraisal/completion")
    rows = _rows(response)
    assert rows["Access and Assessment"] == {
        "in_post": "3",
        "not_started": "0",
        "prepared": "0",
        "held": "0",
        "signed": "1",
        "overdue": "2",
        "percent": "33%",
    }
    assert rows["All teams"]["overdue"] == "6"
    assert "that window has closed" in page(response).text()


def test_a_service_area_and_another_cycle_can_be_chosen(app, org) -> None:
    with app.app_context():
        current, earlier_id = _states(org)
    client = _signed_in(app, org.wfld_admin.email)
    only_a = _rows(client.get(f"/appraisal/completion?area={org.area_a}"))
    assert list(only_a) == ["Access and Assessment", "All teams"]
    assert only_a["All teams"]["in_post"] == "3"
    response = client.get(f"/appraisal/completion?cycle={earlier_id}")
    chosen = page(response).soup.select_one("#choose-cycle option[selected]")
    assert chosen.get_text() == "2025/26"
    assert _rows(response)["All teams"]["overdue"] == "7"  # Q's record there was never begun
    # The CSV link keeps what was chosen.
    link = page(client.get(f"/appraisal/completion?cycle={current}&area={org.area_b}"))
    href = link.soup.select_one("#download-csv")["href"]
    assert href == f"/appraisal/completion.csv?cycle={current}&area={org.area_b}"


def _python_counts(cycle_id: int, today: dt.date) -> dict[str, Counter]:
    """The same figures the slow way: every person in post through ``rules.status_of``."""
    from wfld.appraisal.queries import find_cycle
    from wfld.organisation.queries import in_post

    cycle = find_cycle(cycle_id)
    people = db.session.scalars(
        db.select(StaffMember).where(StaffMember.id.in_(in_post(today)))
    ).all()
    records = {
        a.staff_id: a
        for a in db.session.scalars(
            db.select(Appraisal).where(
                Appraisal.cycle_id == cycle_id, Appraisal.kind == AppraisalKind.ANNUAL
            )
        )
    }
    by_team: dict[str, Counter] = {}
    for person in people:
        record = records.get(person.id)
        status = status_of(record.stage if record else None, due_by=cycle.due_by, today=today)
        by_team.setdefault(person.team.name, Counter())[status] += 1
    return by_team


@pytest.mark.parametrize("window", ["open", "closed"])
@pytest.mark.parametrize("today", [TODAY, dt.date(2027, 3, 1)])
def test_the_grouped_select_agrees_with_status_of_person_by_person(app, org, window, today):
    with app.app_context():
        cycle = make_cycle(**(PAST_DUE if window == "closed" else {}))
        team_b = db.session.get(Team, org.team_b)
        boss = db.session.get(StaffMember, org.senior_manager.staff_id)
        role = make_role("Family Worker Extra")
        extra = [
            make_staff(f"Extra{n}", "Person", team=team_b, role=role, manager=boss)
            for n in range(6)
        ]
        sign_both(held(prepared(cycle, org.practitioner.staff_id)))
        held(prepared(cycle, org.line_manager.staff_id))
        prepared(cycle, org.other_practitioner.staff_id)
        open_for(cycle, extra[0].id)
        prepared(cycle, extra[1].id)
        held(prepared(cycle, extra[2].id))
        sign_both(held(prepared(cycle, extra[3].id)))
        db.session.commit()

        expected = _python_counts(cycle.id, today)
        teams = read_model.team_counts(cycle, system_scope(today), today=today)
        got = {t.team: Counter({s: t.count(s) for s in read_model.STATUS_COLUMNS}) for t in teams}
        assert {k: +v for k, v in got.items()} == {k: +v for k, v in expected.items()}
        assert {t.team: t.in_post for t in teams} == {
            k: sum(v.values()) for k, v in expected.items()
        }
        assert sum(expected["Family Support"].values()) == 10


# Needs ----------------------------------------------------------------------------------------
def test_the_commonest_needs_of_signed_conversations_are_a_chart_and_a_table(app, org) -> None:
    with app.app_context():
        cycle = make_cycle()
        court = make_activity("Court Skills")
        chairing = make_activity("Chairing Meetings", category="Management")
        first, second = _items()
        signed_with_needs(
            cycle, org.practitioner.staff_id, activities=(court, chairing), items=(first, second)
        )
        signed_with_needs(
            cycle, org.other_practitioner.staff_id, activities=(court,), items=(second,)
        )
        # Needs of a conversation not yet signed are not counted.
        unsigned = held(prepared(cycle, org.line_manager.staff_id))
        add_need(unsigned, "Chairing", activity=chairing)
        add_need(unsigned, "More chairing", activity=chairing)
        db.session.commit()
    client = _signed_in(app, org.wfld_admin.email)
    response = client.get("/appraisal/completion")
    soup = page(response).soup
    table = [
        [" ".join(c.get_text().split()) for c in row.find_all(["th", "td"])]
        for row in soup.select("#needs-activities-table tbody tr")
    ]
    assert table == [
        ["Court Skills", "Induction and Short Courses", "2"],
        ["Chairing Meetings", "Management", "1"],
    ]
    items = [
        [" ".join(c.get_text().split()) for c in row.find_all(["th", "td"])]
        for row in soup.select("#needs-items-table tbody tr")
    ]
    assert items == [
        ["2 Values and ethics", "Test capabilities", "2"],
        ["1 Professionalism", "Test capabilities", "1"],
    ]
    chart = soup.select_one("#needs-activities svg")
    assert chart["role"] == "img"
    assert chart["aria-labelledby"] == "needs-activities-title needs-activities-desc"
    assert "Court Skills: 2 needs. Chairing Meetings: 1 need." in chart.find("desc").get_text()
    assert [t.get_text() for t in chart.find_all("text")][1::2] == ["2", "1"]  # numbers as text
    assert "signed annual conversations" in page(response).text()
    # Narrowed to Early Help, only Q's need is counted.
    narrowed = page(client.get(f"/appraisal/completion?area={org.area_b}")).soup
    assert [
        r.find("td", class_="govuk-table__cell--numeric").get_text()
        for r in narrowed.select("#needs-activities-table tbody tr")
    ] == ["1"]
    assert [
        r.find("th").get_text(strip=True) for r in narrowed.select("#needs-items-table tbody tr")
    ] == ["2 Values and ethics"]


def test_only_the_top_ten_are_listed(app, org) -> None:
    with app.app_context():
        cycle = make_cycle()
        activities = tuple(make_activity(f"Course {n:02}") for n in range(12))
        signed_with_needs(cycle, org.practitioner.staff_id, activities=activities)
        db.session.commit()
        found = read_model.top_activities(cycle, system_scope(TODAY))
        assert [n.label for n in found] == [f"Course {n:02}" for n in range(10)]


# CSV ------------------------------------------------------------------------------------------
def test_the_csv_is_the_team_table_with_its_totals(app, org) -> None:
    with app.app_context():
        cycle_id, _ = _states(org)
    response = _signed_in(app, org.wfld_admin.email).get("/appraisal/completion.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="appraisal-completion-2026-27.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [
        [
            "Service area",
            "Team",
            "Staff in post",
            "Not started",
            "Prepared",
            "Held",
            "Signed",
            "Overdue",
            "Signed (%)",
        ],
        ["Children's Social Care", "Access and Assessment", "3", "1", "0", "1", "1", "0", "33"],
        ["Early Help", "Family Support", "4", "3", "1", "0", "0", "0", "0"],
        ["", "All teams", "7", "4", "1", "1", "1", "0", "14"],
    ]
    client = _signed_in(app, org.wfld_admin.email)
    narrowed = client.get(f"/appraisal/completion.csv?cycle={cycle_id}&area={org.area_b}")
    assert [r[1] for r in csv.reader(io.StringIO(narrowed.get_data(as_text=True)))] == [
        "Team",
        "Family Support",
        "All teams",
    ]


# Query count ----------------------------------------------------------------------------------
def _add_staff(org, cycle, count: int, start: int) -> None:  # noqa: ANN001
    """``count`` more people in team B, through every state in turn."""
    team_b = db.session.get(Team, org.team_b)
    boss = db.session.get(StaffMember, org.senior_manager.staff_id)
    role = db.session.get(StaffMember, org.other_practitioner.staff_id).job_role
    activity = make_activity(f"Activity {start}")
    for n in range(start, start + count):
        person = make_staff(f"Many{n}", "Staff", team=team_b, role=role, manager=boss)
        match n % 4:
            case 0:
                open_for(cycle, person.id)
            case 1:
                prepared(cycle, person.id)
            case 2:
                appraisal = held(prepared(cycle, person.id))
                add_need(appraisal, "Need", activity=activity)
                sign_both(appraisal)
            case _:
                pass  # no record
    db.session.commit()


def test_the_page_runs_the_same_statements_for_three_times_the_staff(app, org) -> None:
    with app.app_context():
        cycle = make_cycle()
        _add_staff(org, cycle, 4, 0)
        cycle_id = cycle.id
    client = _signed_in(app, org.wfld_admin.email)
    client.get("/appraisal/completion")  # warm: the session's first request loads more
    with QueryCounter(app) as small:
        assert client.get("/appraisal/completion").status_code == 200
    with app.app_context():
        cycle = db.session.get(AppraisalCycle, cycle_id)
        _add_staff(org, cycle, 8, 4)
    with QueryCounter(app) as large:
        response = client.get("/appraisal/completion")
    assert _rows(response)["All teams"]["in_post"] == str(7 + 12)
    assert large.count == small.count, large.statements
    with QueryCounter(app) as csv_small:
        client.get("/appraisal/completion.csv").get_data()
    with app.app_context():
        cycle = db.session.get(AppraisalCycle, cycle_id)
        _add_staff(org, cycle, 24, 12)
    with QueryCounter(app) as csv_large:
        client.get("/appraisal/completion.csv").get_data()
    assert csv_large.count == csv_small.count
