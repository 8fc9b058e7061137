"""How forms report problems, across domains: a date's error links to the box to correct, every
problem shows on the first submission (not one round after another), and numbers that are not
numbers get the design system's wording."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import NOW
from tests.helpers import form_values, page, sign_in, submit
from wfld.core import clock
from wfld.extensions import db


@pytest.fixture(autouse=True)
def frozen_clock():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _client(app: Flask, person) -> FlaskClient:  # noqa: ANN001
    client = app.test_client()
    assert sign_in(client, person.email).status_code == 302
    return client


def _activity(app: Flask) -> int:
    from tests.catalogue.builders import make_activity

    with app.app_context():
        activity_id = make_activity("Court Skills").id
        db.session.commit()
        return activity_id


# Date errors link to the box to correct --------------------------------------------------
DATE_FORMS = {
    # form -> (persona, path builder, date field)
    "cpd entry": ("practitioner", lambda app, org: "/cpd/entries/new", "started_on"),
    "session": (
        "wfld_admin",
        lambda app, org: f"/catalogue/activities/{_activity(app)}/sessions/new",
        "date",
    ),
    "completion": ("wfld_admin", lambda app, org: "/catalogue/completions/new", "completed_on"),
    "leaver": (
        "wfld_admin",
        lambda app, org: f"/admin/staff/{org.other_practitioner.staff_id}/leaver",
        "leaving_date",
    ),
    "staff": ("wfld_admin", lambda app, org: "/admin/staff/new", "start_date"),
    "cpd settings": ("practitioner", lambda app, org: "/cpd/me/settings", "registered_on"),
}


@pytest.mark.parametrize(
    ("typed", "box"),
    [
        (["", "", ""], "day"),  # nothing typed (required dates), or the whole date wrong
        (["31", "2", "2026"], "day"),
        (["14", "", "2026"], "month"),
        (["14", "3", ""], "year"),
        (["", "3", "26"], "day"),
        (["14", "3", "26"], "year"),
    ],
)
@pytest.mark.parametrize("kind", DATE_FORMS)
def test_a_date_error_links_to_the_box_to_correct(app: Flask, org, kind, typed, box) -> None:  # noqa: ANN001
    persona, path_for, name = DATE_FORMS[kind]
    client = _client(app, getattr(org, persona))
    path = path_for(app, org)
    data = {k: v for k, v in form_values(client.get(path)).items() if k != name}
    response = submit(client, path, {**data, name: typed})
    summary = page(response).error_summary()
    links = [href for href in summary if href.startswith(f"#{name}")]
    if typed == ["", "", ""] and kind == "cpd settings":
        assert links == []  # an optional date left blank is no error
        return
    assert links == [f"#{name}-{box}"], summary
    shown = page(response).soup
    assert shown.find("input", id=f"{name}-{box}") is not None  # the link has a target
    # Only the wrong box is marked, unless the whole date is wrong.
    marked = [i["id"] for i in shown.select(f"input[name={name}].govuk-input--error")]
    whole = typed in (["", "", ""], ["31", "2", "2026"])
    assert marked == (
        [f"{name}-day", f"{name}-month", f"{name}-year"] if whole else [f"{name}-{box}"]
    )


# Every problem at once ---------------------------------------------------------------------
def test_a_cpd_entry_shows_all_its_problems_on_the_first_submission(app: Flask, org) -> None:  # noqa: ANN001
    client = _client(app, org.practitioner)
    response = submit(
        client,
        "/cpd/entries/new",
        {
            "title": "",
            "started_on": ["1", "3", "2026"],
            "ended_on": ["1", "2", "2026"],
            "hours": "lots",
            "peer_reflection": "We talked it through.",
            "save_complete": "y",
        },
    )
    summary = page(response).error_summary()
    assert summary == {
        "#title": "Enter a title",
        "#ended_on-day": "The end date must be the same as or after the start date",
        "#activity_type": "Select the type of CPD",
        "#hours": "Enter hours as a number, like 1.5",
        "#description": summary.get("#description"),
        "#learning": summary.get("#learning"),
        "#impact": summary.get("#impact"),
        "#peer_role": "Enter the role of the person you discussed it with",
    }
    assert all(summary.values())


def test_a_session_shows_all_its_problems_on_the_first_submission(app: Flask, org) -> None:  # noqa: ANN001
    client = _client(app, org.wfld_admin)
    path = f"/catalogue/activities/{_activity(app)}/sessions/new"
    response = submit(
        client,
        path,
        {
            "date": ["1", "1", "2026"],
            "start_time": "4pm",
            "end_time": "9am",
            "delivery": "in_person",
            "venue": "",
            "capacity": "twelve",
        },
    )
    assert page(response).error_summary() == {
        "#date-day": "Date must be today or in the future",
        "#end_time": "End time must be after the start time",
        "#venue": "Enter the venue",
        "#capacity": "Number of places must be a whole number, like 12",
    }


def test_a_pathway_requirement_shows_all_its_problems_on_the_first_submission(
    app: Flask,
    org,  # noqa: ANN001
) -> None:
    from wfld.learning import services

    with app.app_context():
        pathway_id = services.create_pathway(
            name="Induction", description=None, roles=[], actor=None, now=NOW
        ).id
        db.session.commit()
    client = _client(app, org.wfld_admin)
    path = f"/learning/pathways/{pathway_id}/requirements/new"
    data = form_values(client.get(path))
    response = submit(
        client,
        path,
        {**data, "stage": "", "activity": "", "framework_item": "", "due_within_days": "ninety"},
    )
    summary = page(response).error_summary()
    assert summary["#stage"] == "Select the stage"
    assert summary["#activity"] == "Select a learning activity or a framework item (one of them)"
    assert summary["#due_within_days"] == "Enter days as a whole number, like 90"


def test_a_staff_record_shows_all_its_problems_on_the_first_submission(app: Flask, org) -> None:  # noqa: ANN001
    from tests.organisation.test_admin import new_staff_form

    client = _client(app, org.wfld_admin)
    data = new_staff_form(
        app,
        org,
        first_name="",
        fte="most days",
        job_role=str(org.role_social_worker),
        regulator="swe",
        registration_number="12345",
        leaving_date=["1", "1", "2023"],
    )
    summary = page(submit(client, "/admin/staff/new", data)).error_summary()
    assert summary == {
        "#first_name": "Enter the first name",
        "#fte": "Full-time equivalent must be a number, like 0.6",
        "#leaving_date-day": "Leaving date must be the same as or after the start date",
        "#registration_number": summary.get("#registration_number"),
    }
    assert summary["#registration_number"].startswith("Social Work England registration number")


def test_an_activity_shows_all_its_problems_on_the_first_submission(app: Flask, org) -> None:  # noqa: ANN001
    _activity(app)  # "Court Skills" is taken
    client = _client(app, org.wfld_admin)
    data = form_values(client.get("/catalogue/activities/new"))
    data.update(
        title="Court Skills",
        category="",
        delivery_mode="classroom",
        provider="in_house",
        duration_hours="-2",
        cost_per_place="-5",
        validity_months="0",
    )
    assert page(submit(client, "/catalogue/activities/new", data)).error_summary() == {
        "#title": "A learning activity with this title already exists",
        "#category": "Enter the category",
        "#duration_hours": "Duration must be 0 hours or more",
        "#cost_per_place": "Cost per place must be £0 or more",
        "#validity_months": "Valid for must be 1 month or more",
    }


def test_a_completion_shows_all_its_problems_on_the_first_submission(app: Flask, org) -> None:  # noqa: ANN001
    activity_id = _activity(app)
    client = _client(app, org.wfld_admin)
    response = submit(
        client,
        "/catalogue/completions/new",
        {
            "employee_number": "NOBODY-1",
            "activity": str(activity_id),
            "completed_on": ["1", "1", "2027"],
        },
    )
    assert page(response).error_summary() == {
        "#employee_number": "There is no member of staff with employee number NOBODY-1",
        "#completed_on-day": "Date completed must be today or in the past",
    }


def test_a_certificate_shows_all_its_problems_on_the_first_submission(app: Flask, org) -> None:  # noqa: ANN001
    activity_id = _activity(app)
    client = _client(app, org.practitioner)
    response = submit(
        client,
        "/catalogue/certificates/new",
        {"activity": str(activity_id), "completed_on": ["1", "1", "2027"]},
    )
    assert page(response).error_summary() == {
        "#completed_on-day": "The date you completed it must be today or in the past",
        "#certificate": "Choose the certificate file",
    }


def test_teams_and_job_roles_show_all_their_problems_on_the_first_submission(
    app: Flask,
    org,  # noqa: ANN001
) -> None:
    from wfld.organisation.models import JobRole, Team

    with app.app_context():
        team_name = db.session.get(Team, org.team_b).name
        role_title = db.session.get(JobRole, org.role_family_worker).title
    client = _client(app, org.wfld_admin)
    team = page(submit(client, "/admin/teams/new", {"name": team_name, "service_area": ""}))
    assert team.error_summary() == {
        "#name": "A team with this name already exists",
        "#service_area": "Select the service area",
    }
    role = page(
        submit(client, "/admin/job-roles/new", {"title": role_title, "grade": "", "regulator": ""})
    )
    assert role.error_summary() == {
        "#title": "A job role with this title already exists",
        "#grade": "Enter the grade",
        "#regulator": "Select the registration this post needs",
    }
    edit = page(
        submit(
            client,
            f"/admin/teams/{org.team_a}/edit",
            {"name": team_name, "service_area": "x"},
        )
    )
    assert edit.error_summary() == {
        "#name": "A team with this name already exists",
        "#service_area": "Select the service area",
    }


# Numbers in the design system's words --------------------------------------------------------
@pytest.mark.parametrize("hours", ["NaN", "Infinity", "-inf", "1,5", "one and a half"])
def test_hours_that_are_not_a_number_are_refused_in_plain_words(app: Flask, org, hours) -> None:  # noqa: ANN001
    client = _client(app, org.practitioner)
    response = submit(
        client,
        "/cpd/entries/new",
        {
            "title": "Court skills",
            "started_on": ["1", "3", "2026"],
            "hours": hours,
            "save_draft": "y",
        },
    )
    assert response.status_code == 200
    assert page(response).error_summary() == {"#hours": "Enter hours as a number, like 1.5"}
