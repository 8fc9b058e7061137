"""The organisation admin screens: staff, teams, job roles, leavers, accounts and the audit log.

Tests act as the WFLD admin unless they say otherwise. Every refused form must show its
message in the error summary (linked to the field) and beside the field, and save nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import NOW, TODAY, make_role, make_staff, make_team
from tests.helpers import Page, form_values, page, sign_in, submit
from wfld.accounts.models import AuditEvent, User, UserRole
from wfld.core import clock
from wfld.extensions import db
from wfld.organisation.models import JobRole, ServiceArea, StaffMember, Team


# Fixtures and helpers ---------------------------------------------------------------------
@pytest.fixture(autouse=True)
def frozen_clock() -> Any:
    """The factories' 'today' (23 November 2026), so dates in these tests never drift."""
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def signed_in_client(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    response = sign_in(client, email)
    assert response.status_code == 302, f"{email} could not sign in"
    return client


@pytest.fixture
def admin(app: Flask, org) -> FlaskClient:  # noqa: ANN001
    """A browser signed in as the WFLD admin."""
    return signed_in_client(app, org.wfld_admin.email)


@pytest.fixture
def sysadmin(app: Flask, org) -> FlaskClient:  # noqa: ANN001
    return signed_in_client(app, org.system_admin.email)


def edit_form(client: FlaskClient, path: str, **changes: Any) -> dict[str, Any]:
    """The form on ``path`` as it is filled in, with some answers changed."""
    response = client.get(path)
    assert response.status_code == 200, f"GET {path} answered {response.status_code}"
    data: dict[str, Any] = form_values(response)
    data.update(changes)
    return data


def employee_number(app: Flask, staff_id: int) -> str:
    with app.app_context():
        return db.session.get(StaffMember, staff_id).employee_number


def new_staff_form(app: Flask, org, **changes: Any) -> dict[str, Any]:  # noqa: ANN001
    """A complete, valid answer to 'Add a member of staff'."""
    data: dict[str, Any] = {
        "employee_number": "N2001",
        "first_name": "Nadia",
        "last_name": "Brennan",
        "work_email": "nadia.brennan@test.example",
        "team": str(org.team_b),
        "job_role": str(org.role_family_worker),
        "line_manager": employee_number(app, org.line_manager.staff_id),
        "employment_type": "permanent",
        "fte": "0.8",
        "start_date": ["1", "2", "2024"],
        "leaving_date": ["", "", ""],
        "regulator": "none",
        "registration_number": "",
    }
    data.update(changes)
    return data


def snapshot(app: Flask) -> dict[str, list[tuple]]:
    """Every row that an admin form could change, to show that a refused form saved nothing."""
    with app.app_context():
        return {
            name: [
                tuple(row)
                for row in db.session.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for name, table in (
                ("staff", StaffMember.__table__),
                ("teams", Team.__table__),
                ("job_roles", JobRole.__table__),
                ("users", User.__table__),
                ("user_roles", UserRole.__table__),
                ("audit", AuditEvent.__table__),
            )
        }


def audit_events(app: Flask, event: str) -> list[AuditEvent]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.event == event).order_by(AuditEvent.id)
            )
        )


def assert_refused(response: Any, field_id: str, message: str) -> Page:
    """The form came back with ``message`` in the summary, linked to the field, and inline."""
    assert response.status_code == 200, f"expected the form again, got {response.status_code}"
    shown = page(response)
    summary = shown.error_summary()
    assert summary.get(f"#{field_id}") == message, f"error summary was {summary}"
    assert message in shown.inline_errors(), f"inline errors were {shown.inline_errors()}"
    assert shown.title.startswith("Error: ")
    return shown


def redirect_path(response: Any) -> str:
    assert response.status_code == 302, f"expected a redirect, got {response.status_code}"
    return urlsplit(response.headers["Location"]).path


def table_names(response: Any) -> list[str]:
    """The first column of the page's table (names, team names, titles)."""
    shown = page(response)
    return [
        " ".join(row.select("td")[0].get_text(" ").split())
        for row in shown.soup.select("main table tbody tr")
    ]


# Lists and searches -----------------------------------------------------------------------
def test_staff_list_shows_current_staff(admin: FlaskClient) -> None:
    names = table_names(admin.get("/admin/staff"))
    assert "Sandhu, Priya" in names
    assert "Abara, Quinn" in names
    assert len(names) == 7  # everyone in the org fixture, including the Early Help manager


def test_staff_search_by_surname(admin: FlaskClient) -> None:
    assert table_names(admin.get("/admin/staff", query_string={"q": "sandhu"})) == ["Sandhu, Priya"]


def test_staff_search_by_employee_number(app: Flask, admin: FlaskClient, org) -> None:  # noqa: ANN001
    number = employee_number(app, org.other_practitioner.staff_id)
    response = admin.get("/admin/staff", query_string={"q": number})
    assert table_names(response) == ["Abara, Quinn"]
    assert number in page(response).text()


def test_staff_team_filter(admin: FlaskClient, org) -> None:  # noqa: ANN001
    names = table_names(admin.get("/admin/staff", query_string={"team": str(org.team_a)}))
    assert sorted(names) == ["Lindqvist, Marcus", "Okafor, Hana", "Sandhu, Priya"]


def test_staff_status_filter_shows_leavers(app: Flask, admin: FlaskClient, org) -> None:  # noqa: ANN001
    with app.app_context():
        team = db.session.get(Team, org.team_b)
        role = db.session.get(JobRole, org.role_family_worker)
        make_staff("Lola", "Departed", team=team, role=role, leaving_date=dt.date(2025, 3, 31))
        db.session.commit()

    assert "Departed, Lola" not in table_names(admin.get("/admin/staff"))
    leavers = admin.get("/admin/staff", query_string={"status": "left"})
    assert table_names(leavers) == ["Departed, Lola"]
    assert "Left" in page(leavers).soup.select_one("main table tbody tr").get_text(" ")
    assert "Departed, Lola" in table_names(
        admin.get("/admin/staff", query_string={"status": "all"})
    )


def test_team_list_and_search(admin: FlaskClient) -> None:
    assert table_names(admin.get("/admin/teams")) == ["Access and Assessment", "Family Support"]
    assert table_names(admin.get("/admin/teams", query_string={"q": "family"})) == [
        "Family Support"
    ]
    assert table_names(admin.get("/admin/teams", query_string={"q": "nothing like it"})) == []


def test_job_role_list_and_search(admin: FlaskClient) -> None:
    titles = table_names(admin.get("/admin/job-roles"))
    assert "Social Worker" in titles and "Family Support Worker" in titles
    assert table_names(admin.get("/admin/job-roles", query_string={"q": "social"})) == [
        "Social Worker"
    ]
    # by grade, too
    assert table_names(admin.get("/admin/job-roles", query_string={"q": "SW Grade 12"})) == [
        "Team Manager"
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/admin",
        "/admin/staff",
        "/admin/staff/new",
        "/admin/teams",
        "/admin/teams/new",
        "/admin/job-roles",
        "/admin/job-roles/new",
        "/admin/service-areas",
    ],
)
def test_admin_pages_keep_the_page_rules(admin: FlaskClient, path: str) -> None:
    response = admin.get(path)
    assert response.status_code == 200
    page(response)


def test_record_pages_keep_the_page_rules(admin: FlaskClient, org) -> None:  # noqa: ANN001
    staff_id, team_id, role_id = org.practitioner.staff_id, org.team_a, org.role_social_worker
    for path in (
        f"/admin/staff/{staff_id}",
        f"/admin/staff/{staff_id}/edit",
        f"/admin/staff/{staff_id}/leaver",
        f"/admin/teams/{team_id}",
        f"/admin/teams/{team_id}/edit",
        f"/admin/teams/{team_id}/close",
        f"/admin/job-roles/{role_id}/edit",
        f"/admin/job-roles/{role_id}/retire",
    ):
        response = admin.get(path)
        assert response.status_code == 200, path
        page(response)


# Creating and changing staff --------------------------------------------------------------
def test_create_a_member_of_staff(app: Flask, admin: FlaskClient, org) -> None:  # noqa: ANN001
    response = submit(admin, "/admin/staff/new", new_staff_form(app, org))

    with app.app_context():
        staff = db.session.scalar(select(StaffMember).where(StaffMember.employee_number == "N2001"))
        assert staff is not None
        assert redirect_path(response) == f"/admin/staff/{staff.id}"
        assert (staff.first_name, staff.last_name) == ("Nadia", "Brennan")
        assert staff.work_email == "nadia.brennan@test.example"
        assert staff.team_id == org.team_b
        assert staff.job_role_id == org.role_family_worker
        assert staff.line_manager_id == org.line_manager.staff_id
        assert staff.fte == Decimal("0.80")
        assert staff.start_date == dt.date(2024, 2, 1)
        assert staff.leaving_date is None
        staff_id = staff.id
    created = audit_events(app, "staff_created")
    assert [(e.subject_type, e.subject_id, e.actor_user_id) for e in created][-1] == (
        "StaffMember",
        staff_id,
        org.wfld_admin.user_id,
    )
    shown = page(admin.get(f"/admin/staff/{staff_id}"))
    assert shown.h1 == "Nadia Brennan"
    assert "Nadia Brennan added" in shown.text()


def test_edit_a_member_of_staff_changes_their_team(app: Flask, admin: FlaskClient, org) -> None:  # noqa: ANN001
    path = f"/admin/staff/{org.practitioner.staff_id}/edit"
    response = submit(admin, path, edit_form(admin, path, team=str(org.team_b)))

    assert redirect_path(response) == f"/admin/staff/{org.practitioner.staff_id}"
    with app.app_context():
        staff = db.session.get(StaffMember, org.practitioner.staff_id)
        assert staff.team_id == org.team_b
        assert staff.line_manager_id == org.line_manager.staff_id  # the rest is kept
    (updated,) = audit_events(app, "staff_updated")
    assert updated.subject_id == org.practitioner.staff_id
    assert updated.actor_user_id == org.wfld_admin.user_id
    assert updated.details["changes"] == {"team_id": [str(org.team_a), str(org.team_b)]}


def test_saving_an_unchanged_form_records_no_change(app: Flask, admin: FlaskClient, org) -> None:  # noqa: ANN001
    path = f"/admin/staff/{org.practitioner.staff_id}/edit"
    response = submit(admin, path, edit_form(admin, path))
    assert redirect_path(response) == f"/admin/staff/{org.practitioner.staff_id}"
    assert audit_events(app, "staff_updated") == []


# Refused staff forms: the message in the summary and beside the field, and nothing saved -----
def test_duplicate_employee_number_is_refused(app: Flask, admin: FlaskClient, org) -> None:  # noqa: ANN001
    taken = employee_number(app, org.practitioner.staff_id)
    before = snapshot(app)
    response = submit(
        admin, "/admin/staff/new", new_staff_form(app, org, employee_number=taken.lower())
    )
    assert_refused(
        response, "employee_number", "Another member of staff already has this employee number"
    )
    assert snapshot(app) == before


def test_duplicate_work_email_is_refused(app: Flask, admin: FlaskClient, org) -> None:  # noqa: ANN001
    before = snapshot(app)
    response = submit(
        admin,
        "/admin/staff/new",
        new_staff_form(app, org, work_email=org.practitioner.email.upper()),
    )
    assert_refused(response, "work_email", "Another member of staff already has this email address")
    assert snapshot(app) == before


def test_a_person_cannot_be_their_own_line_manager(app: Flask, admin: FlaskClient, org) -> None:  # noqa: ANN001
    path = f"/admin/staff/{org.practitioner.staff_id}/edit"
    own_number = employee_number(app, org.practitioner.staff_id)
    data = edit_form(admin, path, line_manager=own_number)
    before = snapshot(app)
    response = submit(admin, path, data)
    assert_refused(response, "line_manager", "A person cannot be their own line manager")
    assert snapshot(app) == before


def test_line_management_cannot_go_round_in_a_circle(app: Flask, admin: FlaskClient, org) -> None:  # noqa: ANN001
    # Marcus manages Priya; making Priya Marcus's manager would close the loop.
    path = f"/admin/staff/{org.line_manager.staff_id}/edit"
    data = edit_form(admin, path, line_manager=employee_number(app, org.practitioner.staff_id))
    before = snapshot(app)
    response = submit(admin, path, data)
    assert_refused(
        response,
        "line_manager",
        "Priya Sandhu reports to this person, so cannot be their line manager",
    )
    assert snapshot(app) == before


def test_unknown_line_manager_is_refused(app: Flask, admin: FlaskClient, org) -> None:  # noqa: ANN001
    before = snapshot(app)
    response = submit(admin, "/admin/staff/new", new_staff_form(app, org, line_manager="X99999"))
    assert_refused(
        response, "line_manager", "There is no member of staff with employee number X99999"
    )
    assert snapshot(app) == before


def test_leaving_date_before_start_date_is_refused(app: Flask, admin: FlaskClient, org) -> None:  # noqa: ANN001
    before = snapshot(app)
    response = submit(
        admin,
        "/admin/staff/new",
        new_staff_form(app, org, start_date=["1", "2", "2024"], leaving_date=["31", "1", "2024"]),
    )
    assert_refused(
        response, "leaving_date-day", "Leaving date must be the same as or after the start date"
    )
    assert snapshot(app) == before


def test_an_empty_form_names_every_missing_answer(app: Flask, admin: FlaskClient) -> None:
    data = edit_form(admin, "/admin/staff/new")  # what a browser sends when nothing is typed
    before = snapshot(app)
    response = submit(admin, "/admin/staff/new", data)

    expected = {
        "#employee_number": "Enter the employee number",
        "#first_name": "Enter the first name",
        "#last_name": "Enter the last name",
        "#work_email": "Enter the work email address",
        "#employment_type": "Select the employment type",
        "#fte": "Enter the full-time equivalent",
        "#start_date-day": "Enter the start date",
        "#regulator": "Select the professional registration",
    }
    shown = page(response)
    assert response.status_code == 200
    assert shown.error_summary() == expected
    assert sorted(shown.inline_errors()) == sorted(expected.values())
    assert snapshot(app) == before


def test_a_post_without_the_date_boxes_is_refused_not_an_error(
    app: Flask, admin: FlaskClient
) -> None:
    before = snapshot(app)
    response = submit(admin, "/admin/staff/new", {})
    assert response.status_code == 200
    summary = page(response).error_summary()
    assert summary["#start_date-day"] == "Enter the start date"
    assert summary["#team"] == "Select the team"
    assert snapshot(app) == before


@pytest.mark.parametrize(
    ("fte", "message"),
    [
        ("1.5", "Full-time equivalent must be more than 0 and no more than 1"),
        ("abc", "Full-time equivalent must be a number, like 0.6"),
    ],
    ids=["more-than-full-time", "not-a-number"],
)
def test_fte_must_be_a_fraction_of_full_time(
    app: Flask, admin: FlaskClient, org, fte: str, message: str
) -> None:  # noqa: ANN001
    before = snapshot(app)
    response = submit(admin, "/admin/staff/new", new_staff_form(app, org, fte=fte))
    assert_refused(response, "fte", message)
    assert snapshot(app) == before


def test_registration_number_is_needed_for_social_work_england(
    app: Flask, admin: FlaskClient, org
) -> None:  # noqa: ANN001
    before = snapshot(app)
    response = submit(
        admin,
        "/admin/staff/new",
        new_staff_form(
            app, org, job_role=str(org.role_social_worker), regulator="swe", registration_number=""
        ),
    )
    assert_refused(
        response, "registration_number", "Enter the Social Work England registration number"
    )
    assert snapshot(app) == before


def test_a_social_work_post_needs_social_work_england_registration(
    app: Flask, admin: FlaskClient, org
) -> None:  # noqa: ANN001
    before = snapshot(app)
    response = submit(
        admin,
        "/admin/staff/new",
        new_staff_form(
            app, org, job_role=str(org.role_social_worker), regulator="none", registration_number=""
        ),
    )
    assert_refused(response, "regulator", "This job role needs Social Work England registration")
    assert snapshot(app) == before


@pytest.mark.parametrize(
    ("start_date", "message", "box"),
    [
        (["1", "", "2024"], "Start date must include a month", "month"),
        (["31", "2", "2024"], "Start date must be a real date", "day"),
    ],
    ids=["missing-month", "impossible-date"],
)
def test_dates_must_be_complete_and_real(
    app: Flask, admin: FlaskClient, org, start_date: list[str], message: str, box: str
) -> None:  # noqa: ANN001
    before = snapshot(app)
    response = submit(admin, "/admin/staff/new", new_staff_form(app, org, start_date=start_date))
    # The summary links to the box that is wrong (the day box when the whole date is).
    shown = assert_refused(response, f"start_date-{box}", message)
    # what was typed is shown again for correction
    assert [i.get("value", "") for i in shown.soup.select("input[name=start_date]")] == start_date
    assert snapshot(app) == before


# Leavers ----------------------------------------------------------------------------------
def test_record_a_leaver(app: Flask, admin: FlaskClient, org) -> None:  # noqa: ANN001
    # Priya can sign in before she leaves.
    signed_in_client(app, org.practitioner.email)

    path = f"/admin/staff/{org.practitioner.staff_id}/leaver"
    response = submit(
        admin, path, {"leaving_date": ["23", "11", "2026"], "reason": "Moved to another council"}
    )

    assert redirect_path(response) == f"/admin/staff/{org.practitioner.staff_id}"
    with app.app_context():
        staff = db.session.get(StaffMember, org.practitioner.staff_id)
        assert staff.leaving_date == TODAY
        assert staff.leaving_reason == "Moved to another council"
        assert staff.has_left(TODAY)
        user = db.session.get(User, org.practitioner.user_id)
        assert user.access_ends_on == TODAY
    assert [e.subject_id for e in audit_events(app, "staff_left")] == [org.practitioner.staff_id]

    refused = sign_in(app.test_client(), org.practitioner.email)
    assert refused.status_code == 200
    assert "Email address or password is wrong" in page(refused).inline_errors()

    # She now shows as a leaver, not as current staff.
    assert "Sandhu, Priya" not in table_names(admin.get("/admin/staff"))
    assert "Sandhu, Priya" in table_names(
        admin.get("/admin/staff", query_string={"status": "left"})
    )


def test_a_leaver_signed_in_elsewhere_is_signed_out(app: Flask, admin: FlaskClient, org) -> None:  # noqa: ANN001
    priya = signed_in_client(app, org.practitioner.email)
    assert priya.get("/").status_code == 200
    submit(
        admin,
        f"/admin/staff/{org.practitioner.staff_id}/leaver",
        {"leaving_date": ["23", "11", "2026"]},
    )
    response = priya.get("/")
    assert redirect_path(response) == "/sign-in"


def test_leaving_before_starting_is_refused(app: Flask, admin: FlaskClient, org) -> None:  # noqa: ANN001
    before = snapshot(app)
    response = submit(
        admin,
        f"/admin/staff/{org.practitioner.staff_id}/leaver",
        {"leaving_date": ["1", "1", "2019"]},
    )
    assert_refused(
        response, "leaving_date-day", "Leaving date must be the same as or after the start date"
    )
    assert snapshot(app) == before


def test_a_manager_with_reports_cannot_leave_today(app: Flask, admin: FlaskClient, org) -> None:  # noqa: ANN001
    before = snapshot(app)
    response = submit(
        admin,
        f"/admin/staff/{org.line_manager.staff_id}/leaver",
        {"leaving_date": ["23", "11", "2026"]},
    )
    assert_refused(
        response,
        "leaving_date-day",
        "Marcus Lindqvist line manages 1 person: give them a new line manager first",
    )
    assert snapshot(app) == before


# Teams ------------------------------------------------------------------------------------
def test_create_a_team(app: Flask, admin: FlaskClient, org) -> None:  # noqa: ANN001
    response = submit(
        admin, "/admin/teams/new", {"name": "Fostering", "service_area": str(org.area_a)}
    )
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "Fostering"))
        assert team is not None and team.is_active and team.service_area_id == org.area_a
        team_id = team.id
    assert redirect_path(response) == f"/admin/teams/{team_id}"
    assert [e.subject_id for e in audit_events(app, "team_created")][-1] == team_id
    assert "Fostering" in table_names(admin.get("/admin/teams"))


def test_a_duplicate_team_name_is_refused(app: Flask, admin: FlaskClient, org) -> None:  # noqa: ANN001
    before = snapshot(app)
    response = submit(
        admin,
        "/admin/teams/new",
        {"name": "access and assessment", "service_area": str(org.area_b)},
    )
    assert_refused(response, "name", "A team with this name already exists")
    assert snapshot(app) == before


def test_edit_a_team(app: Flask, admin: FlaskClient, org) -> None:  # noqa: ANN001
    path = f"/admin/teams/{org.team_b}/edit"
    response = submit(admin, path, edit_form(admin, path, name="Family Support North"))
    assert redirect_path(response) == f"/admin/teams/{org.team_b}"
    with app.app_context():
        team = db.session.get(Team, org.team_b)
        assert team.name == "Family Support North"
        assert team.service_area_id == org.area_b
    assert audit_events(app, "team_updated")[-1].details["changes"] == {
        "name": ["Family Support", "Family Support North"]
    }


def test_a_team_page_lists_its_current_staff(admin: FlaskClient, org) -> None:  # noqa: ANN001
    response = admin.get(f"/admin/teams/{org.team_a}")
    assert page(response).h1 == "Access and Assessment"
    assert sorted(table_names(response)) == ["Hana Okafor", "Marcus Lindqvist", "Priya Sandhu"]


def test_a_team_with_staff_cannot_be_closed(app: Flask, admin: FlaskClient, org) -> None:  # noqa: ANN001
    before = snapshot(app)
    response = submit(admin, f"/admin/teams/{org.team_a}/close", {"confirm": "y"})
    assert_refused(
        response, "confirm", "Move the 3 people in this team to another team before closing it"
    )
    assert snapshot(app) == before


def test_close_an_empty_team(app: Flask, admin: FlaskClient, org) -> None:  # noqa: ANN001
    with app.app_context():
        team_id = make_team("Adoption", db.session.get(ServiceArea, org.area_a)).id
        db.session.commit()
    assert "Adoption" in table_names(admin.get("/admin/teams"))

    response = submit(admin, f"/admin/teams/{team_id}/close", {"confirm": "y"})

    assert redirect_path(response) == f"/admin/teams/{team_id}"
    with app.app_context():
        assert db.session.get(Team, team_id).is_active is False
    assert [e.subject_id for e in audit_events(app, "team_closed")] == [team_id]
    assert "Adoption" not in table_names(admin.get("/admin/teams"))
    assert "Adoption" in table_names(admin.get("/admin/teams", query_string={"closed": "1"}))


def test_closing_needs_confirmation(app: Flask, admin: FlaskClient) -> None:
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "Family Support"))
        team_id = team.id
    before = snapshot(app)
    response = submit(admin, f"/admin/teams/{team_id}/close", {})
    assert_refused(response, "confirm", "Confirm that you are sure")
    assert snapshot(app) == before


# Job roles --------------------------------------------------------------------------------
def test_create_a_job_role(app: Flask, admin: FlaskClient) -> None:
    response = submit(
        admin,
        "/admin/job-roles/new",
        {"title": "Advanced Practitioner", "grade": "SW Grade 10", "regulator": "swe"},
    )
    assert redirect_path(response) == "/admin/job-roles"
    with app.app_context():
        role = db.session.scalar(select(JobRole).where(JobRole.title == "Advanced Practitioner"))
        assert role is not None
        assert (role.grade, role.regulator.value, role.is_active) == ("SW Grade 10", "swe", True)
    assert "Advanced Practitioner" in table_names(admin.get("/admin/job-roles"))


def test_a_duplicate_job_title_is_refused(app: Flask, admin: FlaskClient) -> None:
    before = snapshot(app)
    response = submit(
        admin,
        "/admin/job-roles/new",
        {"title": "SOCIAL WORKER", "grade": "SW Grade 9", "regulator": "swe"},
    )
    assert_refused(response, "title", "A job role with this title already exists")
    assert snapshot(app) == before


def test_a_job_role_someone_holds_cannot_be_retired(app: Flask, admin: FlaskClient, org) -> None:  # noqa: ANN001
    before = snapshot(app)
    response = submit(admin, f"/admin/job-roles/{org.role_social_worker}/retire", {"confirm": "y"})
    assert_refused(
        response, "confirm", "1 person holds this job role: change their role before retiring it"
    )
    assert snapshot(app) == before


def test_retire_a_job_role_nobody_holds(app: Flask, admin: FlaskClient) -> None:
    with app.app_context():
        role_id = make_role("Youth Worker").id
        db.session.commit()
    response = submit(admin, f"/admin/job-roles/{role_id}/retire", {"confirm": "y"})
    assert redirect_path(response) == "/admin/job-roles"
    with app.app_context():
        assert db.session.get(JobRole, role_id).is_active is False
    assert "Youth Worker" not in table_names(admin.get("/admin/job-roles"))


# Sign-in accounts and the audit log (system admins) -----------------------------------------
def test_system_admin_creates_an_account_with_roles(app: Flask, sysadmin: FlaskClient, org) -> None:  # noqa: ANN001
    with app.app_context():
        staff = make_staff(
            "Ada",
            "Newcombe",
            team=db.session.get(Team, org.team_b),
            role=db.session.get(JobRole, org.role_family_worker),
            manager=db.session.get(StaffMember, org.line_manager.staff_id),
        )
        db.session.commit()
        staff_id, email = staff.id, staff.work_email
    path = f"/admin/staff/{staff_id}/account"
    assert page(sysadmin.get(path)).h1 == "Ada Newcombe Create a sign-in account"

    password = "a brand new long password"
    response = submit(
        sysadmin,
        path,
        {
            "roles": ["wfld_admin", "senior_manager"],
            "password": password,
            "password_confirm": password,
            "enabled": "yes",
        },
    )

    assert redirect_path(response) == f"/admin/staff/{staff_id}"
    with app.app_context():
        staff = db.session.get(StaffMember, staff_id)
        assert staff.user is not None
        assert staff.user.email == email
        assert {r.value for r in staff.user.roles} == {"wfld_admin", "senior_manager"}
        assert staff.user.is_enabled
        user_id = staff.user.id
    created = audit_events(app, "account_created")
    assert [(e.subject_id, e.actor_user_id) for e in created] == [
        (user_id, org.system_admin.user_id)
    ]
    # The new account signs in with the password that was set.
    assert sign_in(app.test_client(), email, password).status_code == 302


def test_system_admin_changes_roles(app: Flask, sysadmin: FlaskClient, org) -> None:  # noqa: ANN001
    path = f"/admin/staff/{org.practitioner.staff_id}/account"
    response = submit(sysadmin, path, edit_form(sysadmin, path, roles=["senior_manager"]))
    assert redirect_path(response) == f"/admin/staff/{org.practitioner.staff_id}"
    with app.app_context():
        user = db.session.get(User, org.practitioner.user_id)
        assert {r.value for r in user.roles} == {"senior_manager"}
    (changed,) = audit_events(app, "roles_changed")
    assert changed.subject_id == org.practitioner.user_id
    assert changed.details["after"] == ["senior_manager"]


def test_system_admin_cannot_remove_their_own_access(
    app: Flask, sysadmin: FlaskClient, org
) -> None:  # noqa: ANN001
    path = f"/admin/staff/{org.system_admin.staff_id}/account"
    data = edit_form(sysadmin, path, roles=["wfld_admin"])
    before = snapshot(app)
    response = submit(sysadmin, path, data)
    assert_refused(response, "roles", "You cannot remove your own system admin access")
    assert snapshot(app) == before


def test_audit_log_lists_sign_ins(app: Flask, sysadmin: FlaskClient, org) -> None:  # noqa: ANN001
    response = sysadmin.get("/admin/audit")
    assert response.status_code == 200
    shown = page(response)
    events = [
        " ".join(r.select("td")[1].get_text().split())
        for r in shown.soup.select("main table tbody tr")
    ]
    assert "sign_in" in events

    only = page(sysadmin.get("/admin/audit", query_string={"event": "sign_in"}))
    rows = only.soup.select("main table tbody tr")
    assert rows and all(" ".join(r.select("td")[1].get_text().split()) == "sign_in" for r in rows)
    assert "Sol Varga" in only.text()


def test_wfld_admin_cannot_see_the_audit_log(admin: FlaskClient) -> None:
    assert admin.get("/admin/audit").status_code == 403


# Who may use the admin pages ----------------------------------------------------------------
@pytest.mark.parametrize("persona", ["senior_manager", "practitioner"])
@pytest.mark.parametrize("path", ["/admin/staff", "/admin/teams"])
def test_admin_pages_are_forbidden_to_others(app: Flask, org, persona: str, path: str) -> None:  # noqa: ANN001
    client = signed_in_client(app, getattr(org, persona).email)
    response = client.get(path)
    assert response.status_code == 403
    page(response)


@pytest.mark.parametrize("path", ["/admin/staff", "/admin/teams"])
def test_admin_pages_send_anonymous_visitors_to_sign_in(
    client: FlaskClient, org, path: str
) -> None:  # noqa: ANN001
    assert redirect_path(client.get(path)) == "/sign-in"
