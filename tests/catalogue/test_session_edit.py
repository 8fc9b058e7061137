"""The WFLD team changes a session's details: places, times, venue, trainer."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.catalogue.builders import book, make_activity, make_session
from tests.factories import NOW
from tests.helpers import form_values, page, sign_in, submit
from wfld.accounts.models import AuditEvent, User
from wfld.catalogue import queries as catalogue_queries
from wfld.catalogue import services as catalogue_services
from wfld.catalogue.models import Booking, BookingStatus, LearningSession
from wfld.core import clock
from wfld.core.errors_domain import RuleBroken
from wfld.extensions import db


@pytest.fixture(autouse=True)
def frozen_clock():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _audit(app, event: str) -> list[AuditEvent]:  # noqa: ANN001
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == event)))


def _session(app, session_id: int) -> LearningSession:  # noqa: ANN001
    with app.app_context():
        session = db.session.get(LearningSession, session_id)
        db.session.expunge(session)
        return session


def _new_session(app, *, days: int = 14, capacity: int = 10, booked: tuple = ()) -> int:  # noqa: ANN001
    """A session on Monday 7 December 2026 (by default), 9:30am to 4:30pm, with people booked
    in the order given (a full session puts the rest on the waiting list)."""
    with app.app_context():
        session = make_session(make_activity("Court Skills"), days=days, capacity=capacity)
        for minutes, staff_id in enumerate(booked):
            book(session, staff_id, now=NOW - dt.timedelta(days=7) + dt.timedelta(minutes=minutes))
        db.session.commit()
        return session.id


def test_the_wfld_team_changes_a_session(app, client, org):
    session_id = _new_session(app)
    sign_in(client, org.wfld_admin.email)
    shown = page(client.get(f"/catalogue/sessions/{session_id}"))
    link = shown.soup.find("a", string="Change session details")
    path = f"/catalogue/sessions/{session_id}/edit"
    assert link["href"] == path

    opened = client.get(path)
    assert page(opened).h1.endswith("Change session details")
    values = form_values(opened)
    assert values["date"] == ["07", "12", "2026"]
    assert (values["start_time"], values["end_time"]) == (["9:30am"], ["4:30pm"])
    assert (values["delivery"], values["capacity"]) == (["in_person"], ["10"])
    assert values["version"] == [str(_session(app, session_id).version_id)]

    changed = {
        **values,
        "date": ["8", "12", "2026"],
        "start_time": ["10am"],
        "venue": ["Town Hall, Committee Room 1"],
        "capacity": ["12"],
    }
    response = submit(client, path, changed)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/catalogue/sessions/{session_id}")
    assert "Session details saved" in page(client.get(response.headers["Location"])).text()

    session = _session(app, session_id)
    assert session.starts_at == dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.UTC)  # GMT in December
    assert session.ends_at == dt.datetime(2026, 12, 8, 16, 30, tzinfo=dt.UTC)
    assert (session.venue, session.capacity) == ("Town Hall, Committee Room 1", 12)
    assert session.trainer == "Safeguarding partnership trainer"  # unchanged
    [event] = _audit(app, "session_changed")
    assert event.actor_user_id == org.wfld_admin.user_id
    assert (event.subject_type, event.subject_id) == ("LearningSession", session_id)
    assert event.details["changes"] == {
        "starts_at": ["2026-12-07T09:30:00+00:00", "2026-12-08T10:00:00+00:00"],
        "ends_at": ["2026-12-07T16:30:00+00:00", "2026-12-08T16:30:00+00:00"],
        "venue": ["Civic Centre, Training Room 2", "Town Hall, Committee Room 1"],
        "capacity": ["10", "12"],
    }


def test_capacity_cannot_drop_below_the_people_booked(app, client, org):
    people = (org.practitioner, org.other_practitioner, org.line_manager)
    session_id = _new_session(app, capacity=3, booked=tuple(p.staff_id for p in people))
    sign_in(client, org.wfld_admin.email)
    path = f"/catalogue/sessions/{session_id}/edit"
    values = form_values(client.get(path))

    refused = page(submit(client, path, {**values, "capacity": ["2"], "trainer": ["Someone"]}))
    assert refused.error_summary() == {
        "#capacity": "3 people are booked: capacity cannot be lower than 3"
    }
    assert refused.inline_errors() == ["3 people are booked: capacity cannot be lower than 3"]
    session = _session(app, session_id)
    assert (session.capacity, session.trainer) == (3, "Safeguarding partnership trainer")
    assert _audit(app, "session_changed") == []


def test_added_places_go_to_the_head_of_the_waiting_list(app, client, org):
    people = (org.practitioner, org.other_practitioner, org.line_manager)
    session_id = _new_session(app, capacity=1, booked=tuple(p.staff_id for p in people))
    sign_in(client, org.wfld_admin.email)
    path = f"/catalogue/sessions/{session_id}/edit"
    values = form_values(client.get(path))

    response = submit(client, path, {**values, "capacity": ["2"]})
    assert response.status_code == 302
    shown = page(client.get(response.headers["Location"]))
    assert "1 person on the waiting list was given a place" in shown.text()
    with app.app_context():
        statuses = {
            b.staff_id: b.status
            for b in db.session.scalars(select(Booking).where(Booking.session_id == session_id))
        }
    assert statuses == {
        org.practitioner.staff_id: BookingStatus.BOOKED,
        org.other_practitioner.staff_id: BookingStatus.BOOKED,  # first to join the list
        org.line_manager.staff_id: BookingStatus.WAITING,
    }
    [promotion] = _audit(app, "booking_promoted")
    assert promotion.details["staff_id"] == org.other_practitioner.staff_id
    [event] = _audit(app, "session_changed")
    assert event.details["changes"] == {"capacity": ["1", "2"]}


def test_a_session_that_has_started_or_was_cancelled_cannot_be_changed(app, client, org):
    past_id = _new_session(app, days=-3)
    sign_in(client, org.wfld_admin.email)
    path = f"/catalogue/sessions/{past_id}/edit"
    assert not page(client.get(f"/catalogue/sessions/{past_id}")).soup.find(
        "a", string="Change session details"
    )
    shown = page(client.get(path))
    assert "This session has already started, so it cannot be changed" in shown.text()
    assert not shown.soup.select("main form")

    before = _session(app, past_id)
    posted = submit(client, path, {"capacity": "20", "trainer": "Someone"}, form_path="/")
    assert posted.status_code == 200
    assert "This session has already started, so it cannot be changed" in page(posted).text()
    after = _session(app, past_id)
    assert (after.capacity, after.trainer, after.version_id) == (
        before.capacity,
        before.trainer,
        before.version_id,
    )

    # The service refuses too, whatever the screen shows.
    with app.app_context():
        admin = db.session.get(User, org.wfld_admin.user_id)
        past = catalogue_queries.find_session(past_id)
        upcoming = make_session(past.activity, days=7)
        catalogue_services.cancel_session(session=upcoming, actor=admin, now=NOW)
        for session, message in (
            (past, "This session has already started, so it cannot be changed"),
            (upcoming, "This session has been cancelled, so it cannot be changed"),
        ):
            with pytest.raises(RuleBroken) as refused:
                catalogue_services.update_session(
                    session=session,
                    starts_at=NOW + dt.timedelta(days=30),
                    ends_at=NOW + dt.timedelta(days=30, hours=2),
                    is_online=True,
                    venue=None,
                    capacity=20,
                    trainer=None,
                    actor=admin,
                    now=NOW,
                )
            assert refused.value.errors == {"session": message}
    assert _audit(app, "session_changed") == []


def test_a_stale_form_is_refused_and_keeps_what_was_typed(app, client, org):
    session_id = _new_session(app)
    sign_in(client, org.wfld_admin.email)
    path = f"/catalogue/sessions/{session_id}/edit"
    values = form_values(client.get(path))

    # Someone else saves first...
    assert submit(client, path, {**values, "trainer": ["Dr A Patel"]}).status_code == 302
    version = _session(app, session_id).version_id

    # ...so the first form, still showing the old version, is refused.
    stale = submit(client, path, {**values, "capacity": ["20"]})
    assert stale.status_code == 200
    shown = page(stale)
    # Sessions keep no time of change: the message says only that it changed.
    assert (
        "Someone changed this record. Your changes are below and have not been saved"
        in shown.text()
    )
    assert form_values(stale)["trainer"] == values["trainer"]
    assert form_values(stale)["capacity"] == ["20"]
    assert form_values(stale)["version"] == [str(version)]
    session = _session(app, session_id)
    assert (session.capacity, session.trainer, session.version_id) == (
        10,
        "Dr A Patel",
        version,
    )
    assert len(_audit(app, "session_changed")) == 1  # only the first save


def test_the_end_must_come_after_the_start(app, client, org):
    session_id = _new_session(app)
    sign_in(client, org.wfld_admin.email)
    path = f"/catalogue/sessions/{session_id}/edit"
    values = form_values(client.get(path))

    refused = page(submit(client, path, {**values, "end_time": ["9:00"], "capacity": ["11"]}))
    assert refused.error_summary() == {"#end_time": "End time must be after the start time"}
    session = _session(app, session_id)
    assert session.ends_at == dt.datetime(2026, 12, 7, 16, 30, tzinfo=dt.UTC)
    assert session.capacity == 10
    assert _audit(app, "session_changed") == []


def test_a_withdrawn_activity_still_takes_no_new_sessions(app, org):
    """The checks shared with changing a session still refuse adding one to a withdrawn
    activity, with that message alone on the date."""
    with app.app_context():
        activity = make_activity("Withdrawn course", is_active=False)
        with pytest.raises(RuleBroken) as refused:
            catalogue_services.create_session(
                activity=activity,
                starts_at=NOW - dt.timedelta(hours=1),
                ends_at=NOW + dt.timedelta(hours=1),
                is_online=True,
                venue=None,
                capacity=5,
                trainer=None,
                actor=None,
                now=NOW,
            )
    assert refused.value.errors == {
        "date": "This activity has been withdrawn: offer it again before adding sessions"
    }
