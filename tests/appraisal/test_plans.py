"""Development plans through the pages and the read model: the plan a signed conversation
makes, booking an action (from the plan and straight from the catalogue), attendance and
cancelling, moving an action on (dropped needs a reason), adding one, a CPD entry once, who
sees and changes what (others 404), the plan as a PDF (asked for with a button, made in the
background; in tests the queue runs at once) and the statement guard.

The clock is frozen at 09:00 UTC on 23 November 2026. In the test organisation M line manages
P, the head of service H manages M; Q is in another team; W is the WFLD admin.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from tests.appraisal.builders import TODAY, make_cycle, signed_with_needs
from tests.catalogue.builders import book, make_activity, make_session
from tests.factories import NOW, Person
from tests.helpers import QueryCounter, csrf_token, form_values, page, sign_in, submit
from wfld.accounts.models import User
from wfld.appraisal import plan_view, plans, queries
from wfld.appraisal.models import ActionReview, DevelopmentAction, ReviewContext
from wfld.appraisal.rules import ActionState, ActionType
from wfld.catalogue import services as catalogue_services
from wfld.catalogue.models import Attendance, Booking, LearningSession
from wfld.core import clock
from wfld.core.errors_domain import RuleBroken
from wfld.core.jobs_models import Job, JobState
from wfld.cpd.models import CpdEntry
from wfld.extensions import db
from wfld.organisation.models import StaffMember
from wfld.supervision import services as supervision_services
from wfld.supervision.models import SupervisionKind

COURT = "Court Skills"
CHAIRING = "Chairing Meetings"


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@dataclass(frozen=True)
class Plan:
    id: int
    court: int  # action ids
    chairing: int
    court_session: int
    chairing_session: int


def make_plan(app: Flask, org, *, capacity: int = 10) -> Plan:  # noqa: ANN001
    """P's conversation signed with two needs, one per activity, each with a session in two
    weeks: the plan has two planned actions."""
    with app.app_context():
        cycle = make_cycle()
        court, chairing = make_activity(COURT), make_activity(CHAIRING)
        court_session = make_session(court, capacity=capacity)
        chairing_session = make_session(chairing)
        signed_with_needs(cycle, org.practitioner.staff_id, activities=(court, chairing))
        db.session.commit()
        plan = queries.find_plan_for(org.practitioner.staff_id, cycle.id)
        by_activity = {a.activity_id: a.id for a in queries.list_actions(plan.id)}
        return Plan(
            plan.id, by_activity[court.id], by_activity[chairing.id], court_session.id,
            chairing_session.id,
        )  # fmt: skip


def signed_in(app: Flask, person: Person) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, person.email).status_code == 302
    return client


def state_of(app: Flask, action_id: int) -> ActionState:
    with app.app_context():
        return plan_view.effective_state(db.session.get(DevelopmentAction, action_id))


def rows(response) -> dict[str, str]:  # noqa: ANN001
    """Action title → the text of its State cell, from the plan's table."""
    table = page(response).soup.select_one("table")
    found = {}
    for row in table.select("tbody tr"):
        cells = row.find_all("td")
        found[cells[0].get_text(" ", strip=True)] = cells[4].get_text(" ", strip=True)
    return found


def pdf_button(shown, plan_id: int) -> str | None:  # noqa: ANN001
    """The text of the button that asks for the plan's PDF, if the page has one."""
    form = shown.soup.select_one(
        f"main form[method=post][action='/appraisal/plans/{plan_id}/plan.pdf']"
    )
    if form is None:
        return None
    assert form.select_one("input[name=csrf_token]") is not None
    return form.select_one("button.govuk-button--secondary").get_text(strip=True)


def ask_for_pdf(client: FlaskClient, plan_id: int) -> TestResponse:
    """POST the button's form; when it leads to "Your downloads", the newest download."""
    asked = client.post(
        f"/appraisal/plans/{plan_id}/plan.pdf", data={"csrf_token": csrf_token(client, "/")}
    )
    if asked.status_code != 302 or not asked.location.endswith("/downloads"):
        return asked
    listing = BeautifulSoup(client.get("/downloads").data, "html.parser")
    link = listing.select_one("table tbody tr a[href^='/downloads/']")
    assert link is not None, "the newest download is ready"
    return client.get(link["href"])


def jobs_queued(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Job))


def book_from_plan(client: FlaskClient, made: Plan):  # noqa: ANN201
    path = f"/appraisal/actions/{made.court}/book"
    return submit(client, path, {"session": str(made.court_session)})


# The plan a conversation makes ----------------------------------------------------------------
def test_a_signed_conversation_makes_a_plan_of_two_planned_actions(app: Flask, org) -> None:
    made = make_plan(app, org)
    client = signed_in(app, org.practitioner)
    response = client.get("/appraisal/my-development-plan")
    assert response.status_code == 200
    shown = page(response)
    assert shown.h1 == "My development plan"
    assert rows(response) == {f"Learn: {COURT}": "Planned", f"Learn: {CHAIRING}": "Planned"}
    assert "0 of 2 done" in shown.text()
    assert "Your appraisal is signed" in shown.text()
    caption = shown.soup.select_one("table caption").get_text()
    assert "Actions in your development plan" in caption
    links = [a.get_text(" ", strip=True) for a in shown.soup.select("table a")]
    assert f"Book a place : Learn: {COURT}" in links
    assert f"Update : Learn: {COURT}" in links
    assert pdf_button(shown, made.id) == "Download your plan (PDF)"


def test_before_a_conversation_the_page_offers_to_start_it(app: Flask, org) -> None:
    with app.app_context():
        cycle = make_cycle()
        db.session.commit()
        cycle_id = cycle.id
    client = signed_in(app, org.practitioner)
    shown = page(client.get("/appraisal/my-development-plan"))
    form = shown.soup.select_one("main form[method=post]")
    start = f"/appraisal/staff/{org.practitioner.staff_id}/start?cycle_id={cycle_id}"
    assert form["action"] == start
    assert form.find("button").get_text(strip=True) == "Start your appraisal"
    assert "Not started" in shown.text()
    assert "made from the development needs you agree" in shown.text()


def test_without_a_cycle_the_page_says_so_and_who_to_ask(app: Flask, org) -> None:
    client = signed_in(app, org.practitioner)
    shown = page(client.get("/appraisal/my-development-plan"))
    assert "There is no appraisal cycle open at the moment" in shown.text()
    assert "your line manager, Marcus Lindqvist" in shown.text()
    assert shown.soup.select_one("main table") is None


# Booking and the catalogue --------------------------------------------------------------------
def test_booking_from_the_plan_moves_the_action_to_booked_and_attending_to_done(
    app: Flask, org
) -> None:
    made = make_plan(app, org)
    client = signed_in(app, org.practitioner)
    form = page(client.get(f"/appraisal/actions/{made.court}/book"))
    radios = form.soup.select("input[name=session]")
    assert [r["value"] for r in radios] == [str(made.court_session)]
    assert "10 places left" in form.text()
    response = book_from_plan(client, made)
    assert response.status_code == 302
    assert response.location.endswith("/appraisal/my-development-plan")
    shown = client.get(response.location)
    assert rows(shown)[f"Learn: {COURT}"].startswith("Booked")
    assert rows(shown)[f"Learn: {CHAIRING}"] == "Planned"
    assert "You are booked on Court Skills" in page(shown).text()
    with app.app_context():
        action = db.session.get(DevelopmentAction, made.court)
        assert action.state is ActionState.BOOKED and action.booking_id is not None
        review = db.session.scalars(
            select(ActionReview).where(ActionReview.action_id == made.court)
        ).one()
        assert (review.state_from, review.state_to) == (ActionState.PLANNED, ActionState.BOOKED)
        booking = db.session.get(Booking, action.booking_id)
        session = db.session.get(LearningSession, made.court_session)
        catalogue_services.mark_attendance(
            booking=booking,
            attendance=Attendance.ATTENDED,
            actor=db.session.get(User, org.wfld_admin.user_id),
            now=session.starts_at + dt.timedelta(hours=8),
        )
        db.session.commit()
    assert state_of(app, made.court) is ActionState.DONE
    shown = client.get("/appraisal/my-development-plan")
    assert rows(shown)[f"Learn: {COURT}"] == "Done"
    assert "1 of 2 done" in page(shown).text()


def test_cancelling_the_booking_puts_the_action_back_to_planned(app: Flask, org) -> None:
    made = make_plan(app, org)
    client = signed_in(app, org.practitioner)
    book_from_plan(client, made)
    assert state_of(app, made.court) is ActionState.BOOKED
    with app.app_context():
        action = db.session.get(DevelopmentAction, made.court)
        catalogue_services.cancel_booking(booking=action.booking, actor=None, now=NOW)
        db.session.commit()
    assert state_of(app, made.court) is ActionState.PLANNED
    assert rows(client.get("/appraisal/my-development-plan"))[f"Learn: {COURT}"] == "Planned"


def test_a_place_booked_in_the_catalogue_shows_as_booked(app: Flask, org) -> None:
    made = make_plan(app, org)
    with app.app_context():
        session = db.session.get(LearningSession, made.chairing_session)
        book(session, org.practitioner.staff_id)  # straight through the catalogue, at NOW
        db.session.commit()
    assert state_of(app, made.chairing) is ActionState.BOOKED
    client = signed_in(app, org.practitioner)
    assert rows(client.get("/appraisal/my-development-plan"))[f"Learn: {CHAIRING}"].startswith(
        "Booked"
    )


def test_a_booking_made_before_the_action_does_not_count(app: Flask, org) -> None:
    with app.app_context():
        court = make_activity(COURT)
        session = make_session(court, days=30)
        book(session, org.practitioner.staff_id, now=NOW - dt.timedelta(days=10))
        signed_with_needs(make_cycle(), org.practitioner.staff_id, activities=(court,))
        db.session.commit()
        action_id = db.session.scalar(select(DevelopmentAction.id))
    assert state_of(app, action_id) is ActionState.PLANNED


def test_a_full_session_puts_the_person_on_its_waiting_list(app: Flask, org) -> None:
    made = make_plan(app, org, capacity=1)
    with app.app_context():
        book(db.session.get(LearningSession, made.court_session), org.other_practitioner.staff_id)
        db.session.commit()
    client = signed_in(app, org.practitioner)
    assert (
        "full: join the waiting list"
        in page(client.get(f"/appraisal/actions/{made.court}/book")).text()
    )
    shown = client.get(book_from_plan(client, made).location)
    assert "is full. You are on the waiting list" in page(shown).text()
    assert rows(shown)[f"Learn: {COURT}"] == "Planned"
    with app.app_context():
        assert db.session.get(DevelopmentAction, made.court).booking_id is not None


def test_booking_needs_a_session(app: Flask, org) -> None:
    made = make_plan(app, org)
    client = signed_in(app, org.practitioner)
    path = f"/appraisal/actions/{made.court}/book"
    response = submit(client, path, {})
    assert response.status_code == 200
    assert page(response).error_summary() == {"#session": "Select a session"}


def test_a_session_of_another_activity_is_refused(app: Flask, org) -> None:
    made = make_plan(app, org)
    with app.app_context():
        action = db.session.get(DevelopmentAction, made.court)
        other = db.session.get(LearningSession, made.chairing_session)
        with pytest.raises(RuleBroken, match="action’s activity"):
            plans.book_action(action=action, session=other, actor=None, now=NOW, today=TODAY)
        db.session.rollback()


def test_a_completion_recorded_since_the_action_was_made_makes_it_done(app: Flask, org) -> None:
    made = make_plan(app, org)
    with app.app_context():
        action = db.session.get(DevelopmentAction, made.court)
        staff = db.session.get(StaffMember, org.practitioner.staff_id)
        admin = db.session.get(User, org.wfld_admin.user_id)

        def completed(on: dt.date) -> None:
            catalogue_services.record_completion(
                staff=staff, activity=action.activity, completed_on=on, note=None,
                actor=admin, now=NOW, today=TODAY,
            )  # fmt: skip
            db.session.commit()

        completed(TODAY - dt.timedelta(days=200))  # met an older need
        assert plan_view.effective_state(action) is ActionState.PLANNED
        completed(TODAY)
        assert plan_view.effective_state(action) is ActionState.DONE


# Moving an action on --------------------------------------------------------------------------
def test_dropping_an_action_needs_a_reason(app: Flask, org) -> None:
    made = make_plan(app, org)
    client = signed_in(app, org.practitioner)
    path = f"/appraisal/actions/{made.chairing}/update"
    values = form_values(client.get(path))
    assert values["state"] == ["planned"] and values["context"] == ["plan"]
    response = submit(client, path, {**values, "state": "dropped", "drop_reason": "  "})
    assert response.status_code == 200
    assert page(response).error_summary() == {"#drop_reason": "Enter why the action was dropped"}
    assert state_of(app, made.chairing) is ActionState.PLANNED

    response = submit(
        client, path, {**values, "state": "dropped", "drop_reason": "The course was withdrawn"}
    )
    assert response.status_code == 302
    shown = client.get(response.location)
    assert rows(shown)[f"Learn: {CHAIRING}"] == "Dropped The course was withdrawn"
    assert "0 of 1 done" in page(shown).text()


def test_the_line_manager_reviews_an_action_in_supervision(app: Flask, org) -> None:
    made = make_plan(app, org)
    client = signed_in(app, org.line_manager)
    path = f"/appraisal/actions/{made.chairing}/update"
    values = form_values(client.get(path))
    response = submit(
        client,
        path,
        {**values, "state": "in_progress", "context": "supervision", "note": "Shadowing first"},
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/appraisal/plans/{made.id}")
    with app.app_context():
        review = db.session.scalars(
            select(ActionReview).where(ActionReview.action_id == made.chairing)
        ).one()
        assert review.context is ReviewContext.SUPERVISION
        assert (review.state_from, review.state_to) == (
            ActionState.PLANNED,
            ActionState.IN_PROGRESS,
        )
        assert review.note == "Shadowing first"
    shown = page(client.get(f"/appraisal/plans/{made.id}"))
    assert "reviewed in supervision by" in shown.text()


def test_a_review_names_only_the_persons_own_supervision(app: Flask, org) -> None:
    made = make_plan(app, org)
    with app.app_context():
        sessions = {}
        for person, supervisor in (
            (org.practitioner, org.line_manager),
            (org.other_practitioner, org.senior_manager),
        ):
            sessions[person.staff_id] = supervision_services.record_session(
                staff=db.session.get(StaffMember, person.staff_id),
                supervisor=db.session.get(StaffMember, supervisor.staff_id),
                held_on=dt.date(2026, 11, 16), kind=SupervisionKind.CASE, minutes=60,
                themes="Workload", actor=db.session.get(User, supervisor.user_id),
                now=NOW, today=TODAY,
            ).id  # fmt: skip
        db.session.commit()
    client = signed_in(app, org.line_manager)
    path = f"/appraisal/actions/{made.chairing}/update"
    values = form_values(client.get(path))
    offered = page(client.get(path)).soup.select("select[name=supervision] option")
    assert [o["value"] for o in offered] == ["", str(sessions[org.practitioner.staff_id])]
    data = {**values, "state": "in_progress", "context": "supervision"}
    response = submit(
        client, path, {**data, "supervision": str(sessions[org.other_practitioner.staff_id])}
    )
    assert page(response).error_summary() == {
        "#supervision": "Select one of the person’s supervision sessions"
    }
    response = submit(
        client, path, {**data, "supervision": str(sessions[org.practitioner.staff_id])}
    )
    assert response.status_code == 302
    with app.app_context():
        review = db.session.scalars(
            select(ActionReview).where(ActionReview.action_id == made.chairing)
        ).one()
        assert review.supervision_id == sessions[org.practitioner.staff_id]


def test_saving_no_change_without_a_note_is_refused(app: Flask, org) -> None:
    made = make_plan(app, org)
    client = signed_in(app, org.practitioner)
    path = f"/appraisal/actions/{made.chairing}/update"
    response = submit(client, path, form_values(client.get(path)))
    assert response.status_code == 200
    assert "#note" in page(response).error_summary()


def test_a_stale_update_is_refused(app: Flask, org) -> None:
    made = make_plan(app, org)
    client = signed_in(app, org.practitioner)
    path = f"/appraisal/actions/{made.chairing}/update"
    values = form_values(client.get(path))
    assert submit(client, path, {**values, "state": "in_progress"}).status_code == 302
    response = submit(client, path, {**values, "state": "done"})
    assert response.status_code == 200
    assert "changed this record" in page(response).text()
    assert state_of(app, made.chairing) is ActionState.IN_PROGRESS


# Adding an action -----------------------------------------------------------------------------
def test_adding_an_action_by_hand(app: Flask, org) -> None:
    made = make_plan(app, org)
    client = signed_in(app, org.practitioner)
    path = f"/appraisal/plans/{made.id}/actions/new"
    response = submit(
        client, path, {"title": "", "target_date": ["1", "1", "2026"], "activity": ""}
    )
    assert page(response).error_summary() == {
        "#title": "Enter the development action",
        "#action_type": "Select the type of action",
        "#target_date-day": "Target date must be today or in the future",
    }
    response = submit(
        client,
        path,
        {
            "title": "Shadow a conference chair",
            "action_type": ActionType.SHADOWING.value,
            "target_date": ["1", "2", "2027"],
            "activity": "",
        },
    )
    assert response.status_code == 302
    assert rows(client.get(response.location))["Shadow a conference chair"] == "Planned"


# A CPD entry ----------------------------------------------------------------------------------
def test_a_done_action_offers_a_cpd_entry_once(app: Flask, org) -> None:
    made = make_plan(app, org)
    client = signed_in(app, org.practitioner)
    shown = page(client.get("/appraisal/my-development-plan"))
    assert not shown.soup.select(f"form[action='/appraisal/actions/{made.chairing}/cpd']")
    path = f"/appraisal/actions/{made.chairing}/update"
    submit(client, path, {**form_values(client.get(path)), "state": "done"})
    shown = page(client.get("/appraisal/my-development-plan"))
    assert shown.soup.select(f"form[action='/appraisal/actions/{made.chairing}/cpd']")

    cpd = f"/appraisal/actions/{made.chairing}/cpd"
    response = submit(client, cpd, {}, form_path="/appraisal/my-development-plan")
    assert response.status_code == 302
    with app.app_context():
        entry = db.session.scalars(select(CpdEntry)).one()
        assert response.location.endswith(f"/cpd/entries/{entry.id}/edit")
        assert entry.title == f"Learn: {CHAIRING}"
        assert db.session.get(DevelopmentAction, made.chairing).cpd_entry_id == entry.id
    shown = page(client.get("/appraisal/my-development-plan"))
    assert shown.soup.find("a", href=f"/cpd/entries/{entry.id}")
    response = submit(client, cpd, {}, form_path="/appraisal/my-development-plan")
    assert response.status_code == 302
    assert "already in your CPD" in page(client.get(response.location)).text()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CpdEntry)) == 1


def test_an_unfinished_action_is_not_made_a_cpd_entry(app: Flask, org) -> None:
    made = make_plan(app, org)
    client = signed_in(app, org.practitioner)
    cpd = f"/appraisal/actions/{made.chairing}/cpd"
    response = submit(client, cpd, {}, form_path="/appraisal/my-development-plan")
    assert "once it is done" in page(client.get(response.location)).text()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CpdEntry)) == 0


# Who sees and changes what --------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_sign_in(app: Flask, org) -> None:
    made = make_plan(app, org)
    client = app.test_client()
    for path in (
        "/appraisal/my-development-plan",
        f"/appraisal/plans/{made.id}",
        f"/appraisal/plans/{made.id}/actions/new",
        f"/appraisal/actions/{made.court}/update",
        f"/appraisal/actions/{made.court}/book",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.location, path
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post(f"/appraisal/plans/{made.id}/plan.pdf")
    assert response.status_code == 302 and "/sign-in" in response.location
    assert jobs_queued(app) == 0


def test_who_reads_changes_and_books_a_plan(app: Flask, org) -> None:
    made = make_plan(app, org)
    read = f"/appraisal/plans/{made.id}"
    update = f"/appraisal/actions/{made.court}/update"
    book_page = f"/appraisal/actions/{made.court}/book"
    add = f"/appraisal/plans/{made.id}/actions/new"

    manager = signed_in(app, org.line_manager)
    shown = page(manager.get(read))
    assert shown.h1 == "Development plan for 2026/27"
    assert shown.soup.find("a", href=update)
    assert not shown.soup.find("a", href=book_page)  # the person books their own place
    assert manager.get(update).status_code == 200
    assert manager.get(add).status_code == 200
    assert manager.get(book_page).status_code == 404
    response = submit(
        manager,
        f"/appraisal/actions/{made.court}/cpd",
        {},
        form_path="/appraisal/my-development-plan",
    )
    assert response.status_code == 404

    head = signed_in(app, org.senior_manager)  # above in the chain: reads only
    shown = page(head.get(read))
    assert not shown.soup.find("a", href=update)
    assert "You can read this plan" in shown.text()
    assert pdf_button(shown, made.id) == "Download the plan (PDF)"
    assert ask_for_pdf(head, made.id).mimetype == "application/pdf"
    for path in (update, add, book_page):
        assert head.get(path).status_code == 404, path
    assert jobs_queued(app) == 1

    for person in (org.other_practitioner, org.wfld_admin):
        client = signed_in(app, person)
        for path in (read, update, add, book_page):
            assert client.get(path).status_code == 404, (person, path)
        assert ask_for_pdf(client, made.id).status_code == 404, person
    assert jobs_queued(app) == 1, "nothing was queued for those who may not see the plan"


def test_a_finished_action_cannot_be_booked(app: Flask, org) -> None:
    made = make_plan(app, org)
    client = signed_in(app, org.practitioner)
    path = f"/appraisal/actions/{made.court}/update"
    submit(client, path, {**form_values(client.get(path)), "state": "done"})
    assert client.get(f"/appraisal/actions/{made.court}/book").status_code == 404


# The PDF, progress and the statement guard ----------------------------------------------------
def test_the_plan_downloads_as_a_pdf(app: Flask, org) -> None:
    made = make_plan(app, org)
    client = signed_in(app, org.practitioner)
    path = f"/appraisal/actions/{made.chairing}/update"
    submit(
        client,
        path,
        {**form_values(client.get(path)), "state": "dropped", "drop_reason": "No longer needed"},
    )
    response = ask_for_pdf(client, made.id)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "development-plan-priya-sandhu-2026-27.pdf" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    for words in (
        "Development plan",
        "Priya Sandhu",
        "2026/27",
        f"Learn: {COURT}",
        f"Learn: {CHAIRING}",
        "Dropped",
        "No longer needed",
        "0 of 1 done",
    ):
        assert words in text, words
    with app.app_context():
        job = db.session.scalars(select(Job)).one()
        assert job.kind == "appraisal.plan_pdf"
        assert job.state is JobState.DONE
        assert job.title == "Development plan: Priya Sandhu, 2026/27 (PDF)"
        assert (job.progress_done, job.progress_total) == (3, 3)


def test_the_plan_pdf_is_asked_for_with_a_button_not_a_link(app: Flask, org) -> None:
    made = make_plan(app, org)
    client = signed_in(app, org.practitioner)
    for path, button in (
        (f"/appraisal/plans/{made.id}", "Download the plan (PDF)"),
        ("/appraisal/my-development-plan", "Download your plan (PDF)"),
    ):
        shown = page(client.get(path))
        assert pdf_button(shown, made.id) == button, path
        assert not shown.soup.select("main a[href$='/plan.pdf']"), path
    assert client.get(f"/appraisal/plans/{made.id}/plan.pdf").status_code == 405
    assert jobs_queued(app) == 0
    response = client.post(
        f"/appraisal/plans/{made.id}/plan.pdf", data={"csrf_token": csrf_token(client, "/")}
    )
    assert response.status_code == 302 and response.location.endswith("/downloads")
    assert jobs_queued(app) == 1


def test_progress_by_staff_counts_done_of_not_dropped(app: Flask, org) -> None:
    made = make_plan(app, org)
    with app.app_context():
        user = db.session.get(User, org.practitioner.user_id)
        for action_id, state, reason in (
            (made.court, ActionState.DONE, ""),
            (made.chairing, ActionState.DROPPED, "Withdrawn"),
        ):
            plans.change_action(
                action=db.session.get(DevelopmentAction, action_id),
                state=state,
                note="",
                drop_reason=reason,
                context=ReviewContext.PLAN,
                supervision=None,
                expected_version=None,
                actor=user,
                now=NOW,
                today=TODAY,
            )
        db.session.commit()
        cycle_id = db.session.get(DevelopmentAction, made.court).plan.cycle_id
        team = select(StaffMember.id).where(
            StaffMember.line_manager_id == org.line_manager.staff_id
        )
        assert plan_view.progress_by_staff(team, cycle_id) == {org.practitioner.staff_id: (1, 1)}
        nobody = select(StaffMember.id).where(StaffMember.id == org.other_practitioner.staff_id)
        assert plan_view.progress_by_staff(nobody, cycle_id) == {}


def test_my_plan_statements_do_not_grow_with_the_actions(app: Flask, org) -> None:
    made = make_plan(app, org)
    client = signed_in(app, org.practitioner)
    client.get("/appraisal/my-development-plan")  # warm the caches the session keeps

    def statements() -> int:
        with QueryCounter(app) as counter:
            assert client.get("/appraisal/my-development-plan").status_code == 200
        return counter.count

    before = statements()
    with app.app_context():
        plan = queries.find_plan(made.id)
        user = db.session.get(User, org.practitioner.user_id)
        for n in range(4):
            action = plans.add_action(
                plan=plan,
                details=plans.ActionDetails(
                    title=f"Reading {n}",
                    action_type=ActionType.READING,
                    target_date=dt.date(2027, 2, 1),
                    activity=make_activity(f"Activity {n}"),
                ),
                actor=user,
                now=NOW,
                today=TODAY,
            )
            book(make_session(action.activity), org.practitioner.staff_id)
        db.session.commit()
    after = statements()
    assert len(rows(client.get("/appraisal/my-development-plan"))) == 6
    assert after == before, f"{before} statements with 2 actions, {after} with 6"
