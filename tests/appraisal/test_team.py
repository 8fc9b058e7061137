"""The manager's team page: each report's appraisal status this cycle (not started, prepared,
held, signed, overdue) and development plan progress, the people the WFLD team made the
manager appraise, the Start button, who may see the page, and its statements as the team
grows.

The clock is frozen at 09:00 UTC on 23 November 2026. In the test organisation M line manages
P (team A); E manages Q (team B); the head of service H manages M and E.
"""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.appraisal.builders import (
    NOW,
    held,
    make_cycle,
    open_for,
    prepared,
    signed_with_needs,
)
from tests.catalogue.builders import book, make_activity, make_session
from tests.factories import Person, make_staff
from tests.helpers import QueryCounter, page, sign_in, submit
from wfld.appraisal import services
from wfld.appraisal.models import DevelopmentAction
from wfld.appraisal.rules import ActionState
from wfld.core import clock
from wfld.extensions import db
from wfld.organisation.models import StaffMember

EWAN = "ewan.talbot@test.example"  # team B's manager: Q, the WFLD admin, the system admin


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def rows(client: FlaskClient) -> dict[str, list[str]]:
    shown = page(client.get("/appraisal/team"))
    out = {}
    for tr in shown.soup.select("main tbody tr"):
        cells = [" ".join(td.get_text(" ").split()) for td in tr.select("td")]
        out[cells[0]] = cells[1:]
    return out


def _report(name: str, manager_id: int) -> StaffMember:
    manager = db.session.get(StaffMember, manager_id)
    return make_staff(name, "Extra", team=manager.team, role=manager.job_role, manager=manager)


def test_anonymous_is_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/appraisal/team")
    assert response.status_code == 302
    assert "/sign-in" in response.location


def test_someone_who_manages_no_one_is_refused(app: Flask, org) -> None:  # noqa: ANN001
    assert signed_in(app, org.practitioner.email).get("/appraisal/team").status_code == 403
    assert signed_in(app, org.wfld_admin.email).get("/appraisal/team").status_code == 403


def test_no_cycle_today_says_so(app: Flask, org) -> None:  # noqa: ANN001
    shown = page(signed_in(app, org.line_manager.email).get("/appraisal/team"))
    assert "no appraisal cycle running today" in shown.text()
    assert not shown.soup.select("main table")


def test_each_report_with_their_status_and_a_start_button(app: Flask, org) -> None:  # noqa: ANN001
    with app.app_context():
        cycle = make_cycle()
        db.session.commit()
        cycle_id = cycle.id
    client = signed_in(app, org.line_manager.email)
    shown = page(client.get("/appraisal/team"))
    assert shown.h1 == "My team’s appraisals"
    assert "2026/27" in shown.soup.select_one(".govuk-caption-l").get_text()
    assert rows(client) == {
        "Priya Sandhu": [
            "Social Worker",
            "Not started",
            "No actions yet",
            "Start Priya Sandhu’s appraisal",
        ]
    }
    # Q is not M's report.
    assert "Quinn Abara" not in shown.text()
    start = shown.soup.select_one("main tbody form")
    assert start["action"] == (
        f"/appraisal/staff/{org.practitioner.staff_id}/start?cycle_id={cycle_id}"
    )
    assert start.select_one("input[name=came_from]")["value"] == "team"
    link = shown.soup.select_one("main a[href$='/plan']")
    assert link["href"] == f"/appraisal/teams/{org.team_a}/plan"
    # The other manager sees his own reports only.
    assert set(rows(signed_in(app, EWAN))) == {"Quinn Abara", "Wren Castell", "Sol Varga"}


def test_statuses_and_progress(app: Flask, org) -> None:  # noqa: ANN001
    with app.app_context():
        cycle = make_cycle()
        court, chairing = make_activity("Court Skills"), make_activity("Chairing Meetings")
        signed_with_needs(cycle, org.practitioner.staff_id, activities=(court, chairing))
        ids = {name: _report(name, org.line_manager.staff_id).id for name in ("Ada", "Bo", "Cy")}
        open_for(cycle, ids["Ada"])
        prepared(cycle, ids["Bo"])
        held(prepared(cycle, ids["Cy"]))
        db.session.commit()
        actions = db.session.scalars(
            db.select(DevelopmentAction).where(
                DevelopmentAction.staff_id == org.practitioner.staff_id
            )
        ).all()
        done = next(a for a in actions if a.activity_id == court.id)
        done.state = ActionState.DONE
        book(make_session(chairing), org.practitioner.staff_id)
        db.session.commit()
    client = signed_in(app, org.line_manager.email)
    found = rows(client)
    assert [found[n][1] for n in ("Ada Extra", "Bo Extra", "Cy Extra", "Priya Sandhu")] == [
        "Not started",
        "Prepared",
        "Held",
        "Signed",
    ]
    # Booked is not done: one of two.
    assert found["Priya Sandhu"][2] == "1 of 2 done"
    shown = page(client.get("/appraisal/team"))
    tags = {
        " ".join(t.get_text().split()): t["class"]
        for t in shown.soup.select("main tbody .govuk-tag")
    }
    assert "govuk-tag--green" in tags["Signed"] and "govuk-tag--yellow" in tags["Held"]
    summary = [
        " ".join(li.get_text(" ").split()) for li in shown.soup.select("main ul[aria-label] li")
    ]
    assert summary == [
        "Not started 1 person",
        "Prepared 1 person",
        "Held 1 person",
        "Signed 1 person",
        "Overdue 0 people",
    ]
    # Started conversations link to the record, not a Start button.
    assert len(shown.soup.select("main tbody form")) == 0


def test_past_the_window_unsigned_is_overdue(app: Flask, org) -> None:  # noqa: ANN001
    with app.app_context():
        cycle = make_cycle(due_from=dt.date(2026, 10, 1), due_by=dt.date(2026, 11, 1))
        extra = _report("Ada", org.line_manager.staff_id)
        signed_with_needs(cycle, extra.id)
        prepared(cycle, org.practitioner.staff_id)
        db.session.commit()
    found = rows(signed_in(app, org.line_manager.email))
    assert found["Priya Sandhu"][1] == "Overdue"
    assert found["Ada Extra"][1] == "Signed"


def test_people_the_wfld_team_made_them_appraise_are_listed(app: Flask, org) -> None:  # noqa: ANN001
    with app.app_context():
        cycle = make_cycle()
        services.set_appraiser(
            cycle=cycle,
            staff=db.session.get(StaffMember, org.other_practitioner.staff_id),
            appraiser=db.session.get(StaffMember, org.line_manager.staff_id),
            actor=None,
            now=NOW,
        )
        db.session.commit()
    found = rows(signed_in(app, org.line_manager.email))
    assert found["Quinn Abara"][1] == "Not started"
    assert found["Quinn Abara"][3].startswith("View")
    assert set(found) == {"Priya Sandhu", "Quinn Abara"}


def test_the_page_reads_in_the_same_statements_however_big_the_team(
    app: Flask,
    org: object,
) -> None:
    person: Person = org.line_manager  # type: ignore[attr-defined]
    with app.app_context():
        cycle = make_cycle()
        signed_with_needs(cycle, org.practitioner.staff_id, activities=(make_activity("A1"),))  # type: ignore[attr-defined]
        db.session.commit()
    client = signed_in(app, person.email)

    def statements() -> int:
        with QueryCounter(app) as counter:
            assert client.get("/appraisal/team").status_code == 200
        return counter.count

    before = statements()
    with app.app_context():
        cycle = db.session.merge(cycle)
        for n in range(3):
            report = _report(f"Report{n}", person.staff_id)
            signed_with_needs(cycle, report.id, activities=(make_activity(f"B{n}"),))
        db.session.commit()
    assert len(rows(client)) == 4
    assert statements() == before


def test_starting_a_conversation_by_email_refuses_someone_who_is_not_a_report(
    app: Flask, org
) -> None:  # noqa: ANN001
    """The issue's bad input "a conversation for someone who is not the appraiser's report":
    a GOV.UK error on the field, and no conversation opened."""
    from wfld.appraisal.models import Appraisal

    with app.app_context():
        make_cycle()
        db.session.commit()
    client = app.test_client()
    sign_in(client, org.line_manager.email)
    response = submit(client, "/appraisal/team/start", {"staff": org.other_practitioner.email})
    assert response.status_code == 200
    summary = page(response).soup.select_one(".govuk-error-summary")
    assert "Quinn Abara is not one of your reports" in summary.get_text()
    assert summary.select_one("a")["href"] == "#staff"
    response = submit(client, "/appraisal/team/start", {"staff": "nobody@example.org"})
    assert "Enter the work email of someone on the staff list" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Appraisal)) == 0
    response = submit(client, "/appraisal/team/start", {"staff": org.practitioner.email})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Appraisal)) == 1


def test_only_line_managers_start_a_conversation_by_email(app: Flask, org) -> None:  # noqa: ANN001
    client = app.test_client()
    sign_in(client, org.practitioner.email)
    assert client.get("/appraisal/team/start").status_code == 403
