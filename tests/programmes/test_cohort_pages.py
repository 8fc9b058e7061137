"""The WFLD team's cohort, enrolment and assessor pages: each one's happy path changes the
database, each bad input comes back with a GOV.UK error summary linked to its field and
changes nothing, and people outside the WFLD team are refused.

The clock is frozen at 09:00 UTC on 1 September 2026, the reference cohort's first day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.factories import Org, Person
from tests.helpers import QueryCounter, form_values, page, sign_in, submit
from tests.programmes.builders import NOW, make_cohort, make_enrolment
from wfld.accounts.models import AuditEvent
from wfld.core import clock
from wfld.extensions import db
from wfld.programmes import enrolling
from wfld.programmes.models import (
    AssessorCapacity,
    Cohort,
    Enrolment,
    EnrolmentEvent,
    EnrolmentEventKind,
)
from wfld.programmes.rules import EnrolmentStatus


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def client_for(app: Flask, person: Person) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, person.email).status_code == 302
    return client


@pytest.fixture
def admin(app: Flask, org: Org) -> FlaskClient:
    return client_for(app, org.wfld_admin)


@pytest.fixture
def cohort_id(app: Flask, org: Org) -> int:
    with app.app_context():
        cohort = make_cohort()
        db.session.commit()
        return cohort.id


@pytest.fixture
def enrolment_id(app: Flask, org: Org, cohort_id: int) -> int:
    """The practitioner on the reference ASYE, assessed by their line manager."""
    with app.app_context():
        enrolment = make_enrolment(
            org.practitioner.staff_id,
            assessor_id=org.line_manager.staff_id,
            cohort=db.session.get(Cohort, cohort_id),
        )
        db.session.commit()
        return enrolment.id


def snapshot(app: Flask) -> tuple:
    """Everything a refused change must leave as it was."""
    with app.app_context():
        rows = tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Cohort, Enrolment, EnrolmentEvent, AssessorCapacity, AuditEvent)
        )
        enrolments = tuple(
            db.session.execute(
                select(
                    Enrolment.id,
                    Enrolment.start_date,
                    Enrolment.fte,
                    Enrolment.assessor_id,
                    Enrolment.status,
                    Enrolment.ends_on,
                    Enrolment.version_id,
                ).order_by(Enrolment.id)
            )
        )
        return rows, enrolments


def refused(app: Flask, response) -> dict[str, str]:  # noqa: ANN001
    assert response.status_code == 200
    shown = page(response)
    assert shown.title.startswith("Error: ")
    return shown.error_summary()


# --- cohorts -------------------------------------------------------------------------------


def test_list_cohorts_shows_each_intake_with_its_template_and_members(
    app: Flask, admin: FlaskClient, enrolment_id: int, cohort_id: int
) -> None:
    shown = page(admin.get("/programmes/cohorts"))
    assert shown.h1 == "Cohorts"
    [row] = shown.soup.select("tbody tr")
    cells = [" ".join(c.get_text(" ").split()) for c in row.select("td")]
    assert cells[:4] == [
        "ASYE September 2026",
        "ASYE child and family (version 1)",
        "1 September 2026",
        "1",
    ]
    links = {a["href"] for a in row.select("a")}
    assert links == {
        f"/programmes/cohorts/{cohort_id}",
        f"/programmes/cohorts/{cohort_id}/dashboard",
    }


def test_creating_a_cohort(app: Flask, admin: FlaskClient, org: Org) -> None:
    with app.app_context():
        from tests.programmes.builders import make_template

        template_id = make_template().id
        db.session.commit()
    response = submit(
        admin,
        "/programmes/cohorts/new",
        {
            "template_id": str(template_id),
            "intake": "ASYE January 2027",
            "starts_on": ["11", "1", "2027"],
            "coordinator_id": str(org.wfld_admin.staff_id),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.intake == "ASYE January 2027"))
        assert (cohort.template_id, cohort.starts_on, cohort.coordinator_id) == (
            template_id,
            dt.date(2027, 1, 11),
            org.wfld_admin.staff_id,
        )
    assert response.location == f"/programmes/cohorts/{cohort.id}"


def test_a_cohort_needs_a_template_an_intake_and_a_real_date(
    app: Flask, admin: FlaskClient, cohort_id: int
) -> None:
    before = snapshot(app)
    response = submit(
        admin,
        "/programmes/cohorts/new",
        {"template_id": "", "intake": "ASYE September 2026", "starts_on": ["30", "2", "2027"]},
    )
    assert refused(app, response) == {
        "#template_id": "Select the programme template",
        "#starts_on-day": "Start date must be a real date",
    }
    assert snapshot(app) == before


def test_view_cohort_lists_members(
    app: Flask, admin: FlaskClient, cohort_id: int, enrolment_id: int
) -> None:
    shown = page(admin.get(f"/programmes/cohorts/{cohort_id}"))
    assert shown.h1 == "ASYE September 2026"
    [row] = shown.soup.select("tbody tr")
    cells = [" ".join(c.get_text(" ").split()) for c in row.select("td")]
    assert cells == [
        "Priya Sandhu",
        "1 September 2026",
        "Marcus Lindqvist",
        "Active",
        "1 October 2027",
    ]
    assert row.select_one("a")["href"] == f"/programmes/enrolments/{enrolment_id}/manage"
    assert row.select_one(".govuk-tag--green").get_text() == "Active"


# --- adding members ------------------------------------------------------------------------


def member_form(org: Org, **overrides: object) -> dict:
    return {
        "staff_id": str(org.practitioner.staff_id),
        "start_date": ["7", "9", "2026"],
        "fte": "0.8",
        "assessor_id": str(org.line_manager.staff_id),
        "supervisor_id": "",
        "override_reason": "",
        **overrides,
    }


def test_adding_a_member(app: Flask, admin: FlaskClient, org: Org, cohort_id: int) -> None:
    url = f"/programmes/cohorts/{cohort_id}/members/new"
    values = form_values(admin.get(url))
    assert values["start_date"] == ["01", "09", "2026"]  # the cohort's start, to begin with
    response = submit(admin, url, member_form(org))
    assert response.status_code == 302
    assert response.location == f"/programmes/cohorts/{cohort_id}"
    with app.app_context():
        enrolment = db.session.scalar(select(Enrolment))
        assert (enrolment.staff_id, enrolment.start_date, enrolment.fte) == (
            org.practitioner.staff_id,
            dt.date(2026, 9, 7),
            Decimal("0.8"),
        )
        assert enrolment.supervisor_id == org.line_manager.staff_id  # their line manager


def test_the_search_narrows_the_people_offered(
    admin: FlaskClient, org: Org, cohort_id: int
) -> None:
    shown = page(admin.get(f"/programmes/cohorts/{cohort_id}/members/new?q=sandhu"))
    people = [o["value"] for o in shown.soup.select("#staff_id option") if o["value"]]
    assert people == [str(org.practitioner.staff_id)]
    assessors = [o["value"] for o in shown.soup.select("#assessor_id option") if o["value"]]
    assert len(assessors) > 1


def test_leavers_are_not_offered(app: Flask, admin: FlaskClient, org: Org, cohort_id: int) -> None:
    from wfld.organisation.models import StaffMember

    with app.app_context():
        db.session.get(StaffMember, org.other_practitioner.staff_id).leaving_date = dt.date(
            2026, 8, 31
        )
        db.session.commit()
    shown = page(admin.get(f"/programmes/cohorts/{cohort_id}/members/new"))
    offered = {o["value"] for o in shown.soup.select("#staff_id option")}
    assert str(org.other_practitioner.staff_id) not in offered
    assert str(org.practitioner.staff_id) in offered


@pytest.mark.parametrize(
    ("overrides", "summary"),
    [
        (
            {"start_date": ["31", "2", "2027"]},
            {"#start_date-day": "Start date must be a real date"},
        ),
        ({"start_date": ["", "", ""]}, {"#start_date-day": "Enter the start date"}),
        ({"fte": "0"}, {"#fte": "FTE must be more than 0 and no more than 1"}),
        ({"fte": "1.5"}, {"#fte": "FTE must be more than 0 and no more than 1"}),
        ({"fte": "full"}, {"#fte": "Enter the FTE as a number, like 0.6"}),
        ({"staff_id": ""}, {"#staff_id": "Select the person to enrol"}),
        ({"staff_id": "999999"}, {"#staff_id": "Select the person to enrol"}),
    ],
)
def test_adding_a_member_refuses_bad_input(
    app: Flask, admin: FlaskClient, org: Org, cohort_id: int, overrides: dict, summary: dict
) -> None:
    before = snapshot(app)
    response = submit(
        admin, f"/programmes/cohorts/{cohort_id}/members/new", member_form(org, **overrides)
    )
    assert refused(app, response) == summary
    assert snapshot(app) == before


def test_the_assessor_cannot_be_the_nqsw(
    app: Flask, admin: FlaskClient, org: Org, cohort_id: int
) -> None:
    before = snapshot(app)
    response = submit(
        admin,
        f"/programmes/cohorts/{cohort_id}/members/new",
        member_form(org, assessor_id=str(org.practitioner.staff_id)),
    )
    assert refused(app, response) == {
        "#assessor_id": "The assessor cannot be the person being assessed"
    }
    assert snapshot(app) == before


def test_over_capacity_needs_a_reason_then_is_recorded(
    app: Flask, admin: FlaskClient, org: Org, cohort_id: int, enrolment_id: int
) -> None:
    with app.app_context():
        from wfld.accounts.models import User
        from wfld.organisation.models import StaffMember

        enrolling.set_capacity(
            staff=db.session.get(StaffMember, org.line_manager.staff_id),
            capacity=1,
            actor=db.session.get(User, org.wfld_admin.user_id),
            now=NOW,
        )
        db.session.commit()
    url = f"/programmes/cohorts/{cohort_id}/members/new"
    form = member_form(org, staff_id=str(org.other_practitioner.staff_id))
    before = snapshot(app)
    assert refused(app, submit(admin, url, form)) == {
        "#override_reason": "Marcus Lindqvist already assesses 1 of their 1: enter a reason "
        "to allocate them past their capacity"
    }
    assert snapshot(app) == before

    form["override_reason"] = "Second assessor is on leave until October"
    assert submit(admin, url, form).status_code == 302
    with app.app_context():
        event = db.session.scalar(
            select(EnrolmentEvent).where(
                EnrolmentEvent.kind == EnrolmentEventKind.CAPACITY_OVERRIDDEN
            )
        )
        assert event.reason == "Second assessor is on leave until October"
        assert event.actor_id == org.wfld_admin.user_id

    shown = page(admin.get("/programmes/assessors"))
    [row] = shown.soup.select("tbody tr")
    assert " ".join(row.get_text(" ").split()) == "Marcus Lindqvist 2 1 Over capacity by 1"
    assert row.select_one(".govuk-tag--red") is not None


# --- assessors -----------------------------------------------------------------------------


def test_setting_a_capacity(app: Flask, admin: FlaskClient, org: Org, enrolment_id: int) -> None:
    shown = page(admin.get("/programmes/assessors"))
    [row] = shown.soup.select("tbody tr")
    assert " ".join(row.get_text(" ").split()) == ("Marcus Lindqvist 1 6 (default) Has space for 5")
    response = submit(
        admin,
        "/programmes/assessors",
        {"staff_id": str(org.senior_manager.staff_id), "capacity": "3"},
    )
    assert response.status_code == 302
    rows = page(admin.get("/programmes/assessors")).soup.select("tbody tr")
    assert [" ".join(r.get_text(" ").split()) for r in rows] == [
        "Marcus Lindqvist 1 6 (default) Has space for 5",
        "Hana Okafor 0 3 Has space for 3",
    ]


def test_a_capacity_must_be_a_whole_number(app: Flask, admin: FlaskClient, org: Org) -> None:
    before = snapshot(app)
    response = submit(
        admin,
        "/programmes/assessors",
        {"staff_id": str(org.line_manager.staff_id), "capacity": "2.5"},
    )
    assert refused(app, response) == {"#capacity": "Enter the capacity as a whole number, like 6"}
    assert snapshot(app) == before


# --- managing one enrolment ----------------------------------------------------------------


def manage_url(enrolment_id: int, action: str | None = None) -> str:
    return f"/programmes/enrolments/{enrolment_id}/{action or 'manage'}"


def test_the_manage_page_shows_the_dates_now_and_the_log_in_words(
    app: Flask, admin: FlaskClient, enrolment_id: int
) -> None:
    form = change_form(
        admin,
        enrolment_id,
        "pause",
        starts_on=["4", "1", "2027"],
        ends_on=["2", "2", "2027"],
        reason="Sickness absence",
    )
    response = submit(admin, manage_url(enrolment_id, "pause"), form)
    assert response.status_code == 302
    assert response.location == manage_url(enrolment_id)
    shown = page(admin.get(manage_url(enrolment_id)))
    assert shown.h1 == "Priya Sandhu"
    tables = shown.soup.select("table")
    points = [
        [" ".join(c.get_text(" ").split()) for c in r.select("th, td")]
        for r in tables[0].select("tbody tr")
    ]
    assert points[:3] == [
        ["Support and assessment agreement", "29 September 2026", "Not started"],
        ["3-month review", "1 December 2026", "Not started"],
        ["6-month review", "31 March 2027", "Not started"],  # 1 March + the 30-day pause
    ]
    log = [
        [" ".join(c.get_text(" ").split()) for c in r.select("td")]
        for r in tables[1].select("tbody tr")
    ]
    assert log[-1][1:] == [
        "Paused from 4 January 2027 to 2 February 2027 (30 days)",
        "Wren Castell",
        "Sickness absence",
    ]
    assert log[0][1] == "Enrolled from 1 September 2026 at 1 FTE, assessed by Marcus Lindqvist"
    changes = {a["href"] for a in shown.soup.select("main a") if "/enrolments/" in a["href"]}
    for action in ("start", "pause", "extend", "fte", "assessor", "status"):
        assert manage_url(enrolment_id, action) in changes


def change_form(client: FlaskClient, enrolment_id: int, action: str, **values: object) -> dict:
    """The change's form as the page gives it (its version) with ``values`` typed in."""
    opened = form_values(client.get(manage_url(enrolment_id, action)))
    return {"version": opened["version"][0], **values}


@pytest.mark.parametrize(
    ("action", "values", "summary"),
    [
        (
            "pause",
            {"starts_on": ["10", "3", "2027"], "ends_on": ["9", "3", "2027"], "reason": "Leave"},
            {"#ends_on-day": "The pause must end on or after the day it starts"},
        ),
        (
            "pause",
            {"starts_on": ["1", "8", "2026"], "ends_on": ["9", "8", "2026"], "reason": "Leave"},
            {"#starts_on-day": "The pause must start on or after the start date, 1 September 2026"},
        ),
        (
            "pause",
            {"starts_on": ["31", "2", "2027"], "ends_on": ["9", "3", "2027"], "reason": "Leave"},
            {"#starts_on-day": "First day of the pause must be a real date"},
        ),
        (
            "fte",
            {"fte": "0", "from_date": ["1", "3", "2027"], "reason": "Request"},
            {"#fte": "FTE must be more than 0 and no more than 1"},
        ),
        (
            "fte",
            {"fte": "1.5", "from_date": ["1", "3", "2027"], "reason": "Request"},
            {"#fte": "FTE must be more than 0 and no more than 1"},
        ),
        (
            "extend",
            {"months": "2", "reason": ""},
            {"#reason": "Enter the reason for the extension"},
        ),
        (
            "extend",
            {"reason": "Sickness"},
            {"#months": "Enter how many months or days to extend by"},
        ),
        (
            "start",
            {"start_date": ["29", "2", "2027"], "reason": "Late start"},
            {"#start_date-day": "New start date must be a real date"},
        ),
        ("status", {"status": "withdrawn"}, {"#reason": "Enter why the enrolment is withdrawn"}),
        ("status", {"status": "lapsed"}, {"#status": "Select the status"}),
    ],
)
def test_changes_refuse_bad_input(
    app: Flask,
    admin: FlaskClient,
    enrolment_id: int,
    action: str,
    values: dict,
    summary: dict,
) -> None:
    form = change_form(admin, enrolment_id, action, **values)
    before = snapshot(app)
    response = submit(admin, manage_url(enrolment_id, action), form)
    assert refused(app, response) == summary
    assert snapshot(app) == before


def test_the_assessor_cannot_become_the_nqsw(
    app: Flask, admin: FlaskClient, org: Org, enrolment_id: int
) -> None:
    form = change_form(
        admin,
        enrolment_id,
        "assessor",
        assessor_id=str(org.practitioner.staff_id),
        reason="Moved team",
    )
    before = snapshot(app)
    response = submit(admin, manage_url(enrolment_id, "assessor"), form)
    assert refused(app, response) == {
        "#assessor_id": "The assessor cannot be the person being assessed"
    }
    assert snapshot(app) == before


def test_a_new_assessor_asks_for_a_new_agreement(
    app: Flask, admin: FlaskClient, org: Org, enrolment_id: int
) -> None:
    form = change_form(
        admin,
        enrolment_id,
        "assessor",
        assessor_id=str(org.senior_manager.staff_id),
        reason="Marcus moved team",
    )
    assert submit(admin, manage_url(enrolment_id, "assessor"), form).status_code == 302
    shown = page(admin.get(manage_url(enrolment_id)))
    warning = shown.soup.select_one(".govuk-warning-text")
    assert "a new support and assessment agreement is needed" in warning.get_text()
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        assert (enrolment.assessor_id, enrolment.agreement_needed) == (
            org.senior_manager.staff_id,
            True,
        )


def test_changes_through_the_pages_move_the_dates(
    app: Flask, admin: FlaskClient, enrolment_id: int
) -> None:
    for action, values in [
        ("fte", {"fte": "0.5", "from_date": ["1", "3", "2027"], "reason": "Flexible working"}),
        ("extend", {"days": "10", "reason": "Sickness"}),
        ("status", {"status": "paused", "reason": ""}),
    ]:
        form = change_form(admin, enrolment_id, action, **values)
        assert submit(admin, manage_url(enrolment_id, action), form).status_code == 302
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        # The panel: 395 full-time days; 181 done by 1 March, 214 left at half time = 428,
        # plus the 10-day extension granted today.
        assert enrolment.ends_on == dt.date(2027, 3, 1) + dt.timedelta(days=428 + 10)
        assert enrolment.fte == Decimal("0.5")
        assert enrolment.status is EnrolmentStatus.PAUSED


def test_a_change_from_a_stale_page_is_refused(
    app: Flask, admin: FlaskClient, enrolment_id: int
) -> None:
    stale = change_form(admin, enrolment_id, "extend", days="10", reason="Sickness")
    fresh = change_form(admin, enrolment_id, "status", status="paused", reason="")
    assert submit(admin, manage_url(enrolment_id, "status"), fresh).status_code == 302
    before = snapshot(app)
    response = submit(admin, manage_url(enrolment_id, "extend"), stale)
    assert response.status_code == 200
    assert "Wren Castell changed this record" in page(response).text()
    assert snapshot(app) == before


# --- who may reach the pages ---------------------------------------------------------------


@pytest.mark.parametrize("persona", ["practitioner", "line_manager", "senior_manager"])
def test_others_are_refused(
    app: Flask, org: Org, cohort_id: int, enrolment_id: int, persona: str
) -> None:
    client = client_for(app, getattr(org, persona))
    for url in [
        f"/programmes/cohorts/{cohort_id}",
        f"/programmes/cohorts/{cohort_id}/members/new",
        manage_url(enrolment_id),
        *(manage_url(enrolment_id, a) for a in ("start", "pause", "extend", "fte", "assessor")),
        manage_url(enrolment_id, "status"),
    ]:
        assert client.get(url).status_code == 404, url
    for url in ["/programmes/cohorts", "/programmes/cohorts/new", "/programmes/assessors"]:
        assert client.get(url).status_code == 403, url
    before = snapshot(app)
    response = submit(
        client,
        manage_url(enrolment_id, "status"),
        {"status": "withdrawn", "reason": "x"},
        form_path="/",
    )
    assert response.status_code == 404
    assert snapshot(app) == before


def test_missing_records_are_not_found(admin: FlaskClient) -> None:
    for url in [
        "/programmes/cohorts/999999",
        "/programmes/cohorts/999999/members/new",
        "/programmes/enrolments/999999/manage",
        "/programmes/enrolments/999999/pause",
    ]:
        assert admin.get(url).status_code == 404, url


# --- statements per page -------------------------------------------------------------------


def statements(app: Flask, client: FlaskClient, url: str) -> int:
    with QueryCounter(app) as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_list_pages_cost_the_same_however_many_members(
    app: Flask, admin: FlaskClient, org: Org, cohort_id: int, enrolment_id: int
) -> None:
    urls = [
        "/programmes/cohorts",
        f"/programmes/cohorts/{cohort_id}",
        "/programmes/assessors",
        manage_url(enrolment_id),
    ]
    # One change by someone first: the log then names a person (whose user record is read).
    form = change_form(admin, enrolment_id, "fte", fte="0.8", from_date=["1", "1", "2027"])
    assert (
        submit(admin, manage_url(enrolment_id, "fte"), form | {"reason": "Asked"}).status_code
        == 302
    )
    before = [statements(app, admin, url) for url in urls]
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        for person, assessor in [
            (org.other_practitioner, org.senior_manager),
            (org.system_admin, org.wfld_admin),
        ]:
            make_enrolment(person.staff_id, assessor_id=assessor.staff_id, cohort=cohort)
        make_cohort(intake="ASYE March 2027")
        db.session.commit()
    for action, values in [
        ("extend", {"days": "10", "reason": "Sickness"}),
        ("status", {"status": "paused", "reason": ""}),
    ]:
        form = change_form(admin, enrolment_id, action, **values)
        assert submit(admin, manage_url(enrolment_id, action), form).status_code == 302
    assert [statements(app, admin, url) for url in urls] == before
