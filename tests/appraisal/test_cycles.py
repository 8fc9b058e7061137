"""The WFLD team's cycle pages: listing, creating and changing a cycle (every error at once, a
stale change refused), and naming an appraiser other than the line manager.

The clock is frozen at 23 November 2026 (tests.factories.NOW). In the test organisation M line
manages P, the head of service H manages M; Q is in another team; W is the WFLD admin.
"""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.appraisal.builders import add_objective, held, make_cycle, open_for, prepared
from tests.factories import NOW, Person, make_staff
from tests.helpers import QueryCounter, form_values, page, sign_in, submit
from wfld.appraisal import services
from wfld.appraisal.models import Appraisal, AppraisalCycle, AppraisalEvent
from wfld.appraisal.rules import EventKind
from wfld.core import clock
from wfld.extensions import db
from wfld.organisation.models import StaffMember


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def signed_in(app: Flask, person: Person) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, person.email).status_code == 302
    return client


def a_cycle(app: Flask, **kwargs: object) -> int:
    with app.app_context():
        cycle = make_cycle(**kwargs)
        db.session.commit()
        return cycle.id


def cycles(app: Flask) -> list[AppraisalCycle]:
    with app.app_context():
        found = list(db.session.scalars(select(AppraisalCycle).order_by(AppraisalCycle.id)))
        for cycle in found:
            _ = [p.title for p in cycle.priorities]
        return found


def cycle_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "2027/28",
        "starts_on": ["1", "4", "2027"],
        "ends_on": ["31", "3", "2028"],
        "due_from": ["1", "4", "2027"],
        "due_by": ["30", "6", "2027"],
        "mid_year_from": ["1", "10", "2027"],
        "mid_year_by": ["30", "11", "2027"],
        "needs_countersignature": "y",
        "priorities": "A stable, skilled workforce\r\nLearning from reviews\r\n\r\n",
    }
    data.update(changes)
    return data


# Who may use the pages ------------------------------------------------------------------------
def test_anonymous_people_are_sent_to_sign_in(app: Flask, org) -> None:  # noqa: ANN001
    cycle_id = a_cycle(app)
    client = app.test_client()
    for path in (
        "/appraisal/cycles",
        "/appraisal/cycles/new",
        f"/appraisal/cycles/{cycle_id}/edit",
        f"/appraisal/cycles/{cycle_id}/appraisers",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.location, path


@pytest.mark.parametrize(
    "who", ["practitioner", "line_manager", "senior_manager", "other_practitioner", "system_admin"]
)
def test_only_the_wfld_team_manages_cycles(app: Flask, org, who: str) -> None:  # noqa: ANN001
    """Others are refused the pages (403) and told a cycle's own pages are not found (404), so
    ids cannot be probed; nothing they post is saved."""
    cycle_id = a_cycle(app)
    client = signed_in(app, getattr(org, who))
    for path in ("/appraisal/cycles", "/appraisal/cycles/new"):
        assert client.get(path).status_code == 403, path
    for path in (f"/appraisal/cycles/{cycle_id}/edit", f"/appraisal/cycles/{cycle_id}/appraisers"):
        assert client.get(path).status_code == 404, path
    assert submit(client, "/appraisal/cycles/new", cycle_form(), form_path="/").status_code == 403
    edit = submit(client, f"/appraisal/cycles/{cycle_id}/edit", cycle_form(), form_path="/")
    assert edit.status_code == 404
    data = {"staff": org.practitioner.email, "appraiser": org.senior_manager.email}
    appraiser = submit(client, f"/appraisal/cycles/{cycle_id}/appraisers", data, form_path="/")
    assert appraiser.status_code == 404
    assert [c.name for c in cycles(app)] == ["2026/27"]
    assert appraisals(app) == []


def test_a_cycle_that_does_not_exist_is_not_found(app: Flask, org) -> None:  # noqa: ANN001
    client = signed_in(app, org.wfld_admin)
    assert client.get("/appraisal/cycles/999999/edit").status_code == 404
    assert client.get("/appraisal/cycles/999999/appraisers").status_code == 404


# The list -------------------------------------------------------------------------------------
def test_the_list_shows_each_cycle_s_dates_priorities_and_countersignature(app: Flask, org) -> None:  # noqa: ANN001
    cycle_id = a_cycle(app, countersign=True)
    client = signed_in(app, org.wfld_admin)
    result = page(client.get("/appraisal/cycles"))
    assert result.h1 == "Appraisal cycles"
    [row] = result.soup.select("main table tbody tr")
    cells = [" ".join(c.get_text(" ").split()) for c in row.find_all(["th", "td"])]
    assert cells[:5] == [
        "2026/27",
        "1 April 2026 to 31 March 2027",
        "1 November 2026 to 31 January 2027",
        "None",
        "Needed",
    ]
    assert [li.get_text() for li in row.select("ol li")] == [
        "Stable, skilled workforce",
        "Relationship-based practice",
    ]
    links = {a["href"] for a in row.select("a")}
    assert links == {
        f"/appraisal/cycles/{cycle_id}/edit",
        f"/appraisal/cycles/{cycle_id}/appraisers",
    }
    assert result.soup.select_one("main table").find_parent(attrs={"role": "region"})


def test_the_list_says_when_there_are_no_cycles(app: Flask, org) -> None:  # noqa: ANN001
    client = signed_in(app, org.wfld_admin)
    assert "There are no cycles yet." in page(client.get("/appraisal/cycles")).text()


# Creating -------------------------------------------------------------------------------------
def test_the_wfld_team_creates_a_cycle(app: Flask, org) -> None:  # noqa: ANN001
    client = signed_in(app, org.wfld_admin)
    form = page(client.get("/appraisal/cycles/new"))
    assert form.h1 == "Create an appraisal cycle"
    legend = form.soup.find("input", attrs={"name": "needs_countersignature"}).find_parent(
        "fieldset"
    )
    assert legend.find("legend").get_text(strip=True) == "Is a countersignature needed?"

    response = submit(client, "/appraisal/cycles/new", cycle_form())

    assert response.status_code == 302 and response.location == "/appraisal/cycles"
    [cycle] = cycles(app)
    assert cycle.name == "2027/28"
    assert (cycle.starts_on, cycle.ends_on) == (dt.date(2027, 4, 1), dt.date(2028, 3, 31))
    assert (cycle.due_from, cycle.due_by) == (dt.date(2027, 4, 1), dt.date(2027, 6, 30))
    assert (cycle.mid_year_from, cycle.mid_year_by) == (dt.date(2027, 10, 1), dt.date(2027, 11, 30))
    assert cycle.needs_countersignature is True
    assert [p.title for p in cycle.priorities] == [
        "A stable, skilled workforce",
        "Learning from reviews",
    ]
    assert "Cycle 2027/28 created" in page(client.get(response.location)).text()


def test_a_cycle_without_a_mid_year_review_or_countersignature(app: Flask, org) -> None:  # noqa: ANN001
    client = signed_in(app, org.wfld_admin)
    data = cycle_form(mid_year_from=["", "", ""], mid_year_by=["", "", ""], priorities="")
    del data["needs_countersignature"]
    assert submit(client, "/appraisal/cycles/new", data).status_code == 302
    [cycle] = cycles(app)
    assert cycle.mid_year_from is None and cycle.mid_year_by is None
    assert cycle.needs_countersignature is False and cycle.priorities == []


def test_every_error_shows_at_once_and_nothing_is_saved(app: Flask, org) -> None:  # noqa: ANN001
    """The form's own checks (a missing date, a date that is not one) and the cycle's rules
    (dates out of order, a name taken) on one page."""
    a_cycle(app)
    client = signed_in(app, org.wfld_admin)
    response = submit(
        client,
        "/appraisal/cycles/new",
        cycle_form(
            name="2026/27",
            starts_on=["", "", ""],
            ends_on=["31", "13", "2028"],
            due_by=["1", "3", "2027"],
            mid_year_by=["", "", ""],
            priorities="x" * 201,
        ),
    )
    assert response.status_code == 200
    result = page(response)
    assert result.title.startswith("Error: ")
    assert result.error_summary() == {
        "#name": "There is already a cycle called 2026/27",
        "#starts_on-day": "Enter the date the cycle starts",
        "#ends_on-day": "Cycle ends must be a real date",
        "#due_by-day": "Conversations must be due by a date on or after the window opens",
        "#mid_year_by-day": "Enter both dates of the mid-year review, or neither",
        "#priorities": "Each priority must be 200 characters or fewer",
    }
    assert len(cycles(app)) == 1
    # What was typed comes back.
    assert result.soup.find("input", attrs={"name": "name"})["value"] == "2026/27"


def test_rule_errors_alone_are_shown_too(app: Flask, org) -> None:  # noqa: ANN001
    client = signed_in(app, org.wfld_admin)
    response = submit(
        client,
        "/appraisal/cycles/new",
        cycle_form(ends_on=["1", "4", "2027"], mid_year_from=["1", "5", "2027"]),
    )
    summary = page(response).error_summary()
    assert summary == {
        "#ends_on-day": "The cycle must end after it starts",
        "#due_by-day": "The window must close within the cycle",
        "#mid_year_from-day": "The mid-year review must open after the annual window closes",
    }
    assert cycles(app) == []


# Changing -------------------------------------------------------------------------------------
def test_the_wfld_team_changes_a_cycle(app: Flask, org) -> None:  # noqa: ANN001
    cycle_id = a_cycle(app)
    client = signed_in(app, org.wfld_admin)
    path = f"/appraisal/cycles/{cycle_id}/edit"
    opened = client.get(path)
    assert page(opened).h1 == "Change cycle 2026/27"
    values = form_values(opened, with_csrf=True)
    assert values["priorities"] == ["Stable, skilled workforce\nRelationship-based practice"]
    assert "needs_countersignature" not in values

    response = client.post(
        path,
        data={
            **values,
            "due_by": ["28", "2", "2027"],
            "needs_countersignature": "y",
            "priorities": "Relationship-based practice\nLearning from reviews",
        },
    )

    assert response.status_code == 302
    [cycle] = cycles(app)
    assert cycle.due_by == dt.date(2027, 2, 28) and cycle.needs_countersignature
    assert [p.title for p in cycle.priorities] == [
        "Relationship-based practice",
        "Learning from reviews",
    ]
    assert cycle.version_id == 2


def test_a_stale_change_is_refused_and_keeps_what_was_typed(app: Flask, org) -> None:  # noqa: ANN001
    cycle_id = a_cycle(app)
    path = f"/appraisal/cycles/{cycle_id}/edit"
    client = signed_in(app, org.wfld_admin)
    values = form_values(client.get(path), with_csrf=True)
    assert client.post(path, data={**values, "name": "Year 2026/27"}).status_code == 302

    late = client.post(path, data={**values, "name": "Appraisals 2026/27"})

    assert late.status_code == 200
    result = page(late)
    assert any("changed this record" in m for m in result.error_summary().values())
    assert result.soup.find("input", attrs={"name": "name"})["value"] == "Appraisals 2026/27"
    assert cycles(app)[0].name == "Year 2026/27"
    # Saving again, once checked, works: the form now carries the current version.
    again = client.post(path, data=form_values(late, with_csrf=True))
    assert again.status_code == 302
    assert cycles(app)[0].name == "Appraisals 2026/27"


def test_a_change_with_bad_input_saves_nothing(app: Flask, org) -> None:  # noqa: ANN001
    cycle_id = a_cycle(app)
    path = f"/appraisal/cycles/{cycle_id}/edit"
    client = signed_in(app, org.wfld_admin)
    values = form_values(client.get(path), with_csrf=True)
    response = client.post(path, data={**values, "name": "", "due_from": ["1", "1", "2020"]})
    assert page(response).error_summary() == {
        "#name": "Enter a name for the cycle",
        "#due_from-day": "The window must open within the cycle",
    }
    assert cycles(app)[0].name == "2026/27"


def test_a_priority_objectives_link_to_stays_in_the_list(app: Flask, org) -> None:  # noqa: ANN001
    cycle_id = a_cycle(app)
    with app.app_context():
        cycle = db.session.get(AppraisalCycle, cycle_id)
        add_objective(held(prepared(cycle, org.practitioner.staff_id)))
        db.session.commit()
    path = f"/appraisal/cycles/{cycle_id}/edit"
    client = signed_in(app, org.wfld_admin)
    values = form_values(client.get(path), with_csrf=True)
    response = client.post(path, data={**values, "priorities": "Relationship-based practice"})
    assert page(response).error_summary() == {
        "#priorities": "Objectives are linked to “Stable, skilled workforce”: keep it in the "
        "list, or change those objectives first"
    }
    assert [p.title for p in cycles(app)[0].priorities] == [
        "Stable, skilled workforce",
        "Relationship-based practice",
    ]


# Appraisers -----------------------------------------------------------------------------------
def appraisals(app: Flask) -> list[Appraisal]:
    with app.app_context():
        return list(db.session.scalars(select(Appraisal).order_by(Appraisal.id)))


def test_the_wfld_team_sets_an_appraiser_other_than_the_line_manager(app: Flask, org) -> None:  # noqa: ANN001
    cycle_id = a_cycle(app)
    client = signed_in(app, org.wfld_admin)
    path = f"/appraisal/cycles/{cycle_id}/appraisers"
    before = page(client.get(path))
    assert before.h1 == "Appraisers"
    assert "Everyone’s appraiser in 2026/27 is their line manager." in before.text()

    response = submit(
        client,
        path,
        {"staff": org.practitioner.email.upper(), "appraiser": org.senior_manager.email},
    )

    assert response.status_code == 302 and response.location == path
    [appraisal] = appraisals(app)
    assert (appraisal.staff_id, appraisal.appraiser_id) == (
        org.practitioner.staff_id,
        org.senior_manager.staff_id,
    )
    with app.app_context():
        kinds = db.session.scalars(
            select(AppraisalEvent.kind).where(AppraisalEvent.appraisal_id == appraisal.id)
        ).all()
        assert EventKind.APPRAISER_SET in kinds
    after = page(client.get(path))
    assert "Hana Okafor is Priya Sandhu’s appraiser in 2026/27" in after.text()
    [row] = after.soup.select("main table tbody tr")
    cells = [" ".join(c.get_text(" ").split()) for c in row.find_all(["th", "td"])]
    assert cells == [
        "Priya Sandhu",
        "Annual conversation",
        "Hana Okafor",
        "Marcus Lindqvist",
        "Not started",
    ]


def test_the_list_leaves_out_conversations_with_the_line_manager(app: Flask, org) -> None:  # noqa: ANN001
    cycle_id = a_cycle(app)
    with app.app_context():
        open_for(db.session.get(AppraisalCycle, cycle_id), org.practitioner.staff_id)
        db.session.commit()
    client = signed_in(app, org.wfld_admin)
    result = page(client.get(f"/appraisal/cycles/{cycle_id}/appraisers"))
    assert result.soup.select("main table") == []


def test_changing_an_open_conversation_s_appraiser(app: Flask, org) -> None:  # noqa: ANN001
    cycle_id = a_cycle(app)
    with app.app_context():
        open_for(db.session.get(AppraisalCycle, cycle_id), org.practitioner.staff_id)
        db.session.commit()
    client = signed_in(app, org.wfld_admin)
    path = f"/appraisal/cycles/{cycle_id}/appraisers"
    data = {"staff": org.practitioner.email, "appraiser": org.senior_manager.email}
    assert submit(client, path, data).status_code == 302
    [appraisal] = appraisals(app)
    assert appraisal.appraiser_id == org.senior_manager.staff_id


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"staff": "nobody@test.example", "appraiser": "nor-them@test.example"},
            {
                "#staff": "Enter the work email of someone on the staff list",
                "#appraiser": "Enter the work email of someone on the staff list",
            },
        ),
        (
            {"staff": "", "appraiser": ""},
            {
                "#staff": "Enter the work email of the person appraised",
                "#appraiser": "Enter the work email of their appraiser",
            },
        ),
        (
            {"staff": "practitioner", "appraiser": "practitioner"},
            {"#appraiser": "The appraiser must be someone other than the person appraised"},
        ),
    ],
)
def test_bad_appraisers_are_refused_with_errors_linked_to_their_fields(
    app: Flask,
    org,  # noqa: ANN001
    data: dict[str, str],
    errors: dict[str, str],
) -> None:
    cycle_id = a_cycle(app)
    emails = {"practitioner": org.practitioner.email}
    client = signed_in(app, org.wfld_admin)
    response = submit(
        client,
        f"/appraisal/cycles/{cycle_id}/appraisers",
        {name: emails.get(value, value) for name, value in data.items()},
    )
    assert response.status_code == 200
    result = page(response)
    assert result.title.startswith("Error: ")
    assert result.error_summary() == errors
    assert appraisals(app) == []


# Statements -----------------------------------------------------------------------------------
def test_the_pages_read_in_the_same_statements_however_many_rows(app: Flask, org) -> None:  # noqa: ANN001
    cycle_id = a_cycle(app)
    client = signed_in(app, org.wfld_admin)
    paths = ("/appraisal/cycles", f"/appraisal/cycles/{cycle_id}/appraisers")

    def statements() -> list[int]:
        counts = []
        for path in paths:
            with QueryCounter(app) as counter:
                assert client.get(path).status_code == 200
            counts.append(counter.count)
        return counts

    def name(staff_id: int, appraiser_id: int) -> None:
        services.set_appraiser(
            cycle=db.session.get(AppraisalCycle, cycle_id),
            staff=db.session.get(StaffMember, staff_id),
            appraiser=db.session.get(StaffMember, appraiser_id),
            actor=None,
            now=NOW,
        )

    with app.app_context():
        name(org.practitioner.staff_id, org.senior_manager.staff_id)
        db.session.commit()
    before = statements()
    with app.app_context():
        make_cycle("2027/28", priorities=("One", "Two", "Three"))
        manager = db.session.get(StaffMember, org.line_manager.staff_id)
        for n in range(3):
            report = make_staff(
                f"Report{n}", "Extra", team=manager.team, role=manager.job_role, manager=manager
            )
            name(report.id, org.other_practitioner.staff_id)
        db.session.commit()
    assert len(page(client.get(paths[0])).soup.select("main tbody tr")) == 2
    assert len(page(client.get(paths[1])).soup.select("main tbody tr")) == 4
    assert statements() == before
