"""Booking places: one row per person and session, waiting lists, promotion, refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.catalogue.builders import book, make_activity, make_session
from tests.factories import NOW, TODAY
from tests.helpers import page, sign_in, submit
from wfld.accounts.models import AuditEvent
from wfld.catalogue import queries as catalogue_queries
from wfld.catalogue import services as catalogue_services
from wfld.catalogue.models import (
    Booking,
    BookingStatus,
    Completion,
    CompletionSource,
    CompletionStatus,
)
from wfld.core import clock
from wfld.core.errors_domain import RuleBroken
from wfld.extensions import db
from wfld.organisation.models import StaffMember


@pytest.fixture(autouse=True)
def frozen_clock():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def session_ids(app, org):
    """An activity with a session in two weeks (2 places), and a past one."""
    with app.app_context():
        activity = make_activity("Court Skills")
        upcoming = make_session(activity, days=14, capacity=2)
        past = make_session(activity, days=-7, capacity=2)
        db.session.commit()
        return {"activity": activity.id, "upcoming": upcoming.id, "past": past.id}


def _booking(app, session_id: int, staff_id: int) -> Booking | None:
    with app.app_context():
        booking = catalogue_queries.find_booking_for(session_id, staff_id)
        if booking is not None:
            db.session.expunge(booking)
        return booking


def _events(app, event: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == event)))


# In the browser's shoes ---------------------------------------------------------------------
def test_practitioner_books_a_place_and_sees_it_under_my_bookings(app, client, org, session_ids):
    sign_in(client, org.practitioner.email)
    activity_path = f"/catalogue/activities/{session_ids['activity']}"
    before = page(client.get(activity_path))
    assert before.h1 == "Court Skills"
    row = before.soup.select_one(f"#session-{session_ids['upcoming']}")
    assert "2 of 2" in " ".join(row.get_text(" ").split())
    assert row.select_one("form button").get_text(" ", strip=True).startswith("Book")

    response = submit(
        client,
        f"/catalogue/sessions/{session_ids['upcoming']}/book",
        {},
        form_path=activity_path,
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(activity_path)
    booking = _booking(app, session_ids["upcoming"], org.practitioner.staff_id)
    assert booking.status is BookingStatus.BOOKED
    assert booking.requested_at == NOW
    [event] = _events(app, "booking_made")
    assert event.actor_user_id == org.practitioner.user_id

    after = page(client.get(activity_path))
    assert "You are booked on Court Skills" in after.text()
    row = after.soup.select_one(f"#session-{session_ids['upcoming']}")
    assert "Booked" in row.get_text(" ")
    assert [a for a in row.find_all("a") if "Cancel my booking" in a.get_text()]
    assert "1 of 2" in " ".join(row.get_text(" ").split())

    mine = page(client.get("/catalogue/my-bookings"))
    assert mine.h1 == "My bookings"
    [cell] = mine.soup.select("table tbody tr td:first-child")
    assert cell.find("a")["href"] == activity_path


def test_cancelling_asks_first_then_frees_the_place(app, client, org, session_ids):
    with app.app_context():
        booking_id = book(
            catalogue_queries.find_session(session_ids["upcoming"]),
            org.practitioner.staff_id,
        ).id
        db.session.commit()
    sign_in(client, org.practitioner.email)
    path = f"/catalogue/bookings/{booking_id}/cancel"
    confirm = page(client.get(path))
    assert confirm.h1 == "Cancel your booking"
    assert confirm.soup.find("button", string="Yes, cancel the booking")

    response = submit(client, path, {})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/catalogue/my-bookings")
    booking = _booking(app, session_ids["upcoming"], org.practitioner.staff_id)
    assert booking.status is BookingStatus.CANCELLED
    assert booking.cancelled_at == NOW
    assert len(_events(app, "booking_cancelled")) == 1
    mine = page(client.get("/catalogue/my-bookings"))
    assert "Booking cancelled: Court Skills" in mine.text()
    assert "You have no sessions booked." in mine.text()


def test_booking_again_after_cancelling_reuses_the_row(app, org, session_ids):
    with app.app_context():
        session = catalogue_queries.find_session(session_ids["upcoming"])
        first = book(session, org.practitioner.staff_id, now=NOW)
        catalogue_services.cancel_booking(
            booking=first, actor=None, now=NOW + dt.timedelta(hours=1)
        )
        again = book(session, org.practitioner.staff_id, now=NOW + dt.timedelta(hours=2))
        db.session.commit()
        assert again.id == first.id
        assert again.status is BookingStatus.BOOKED
        assert again.cancelled_at is None
        assert again.requested_at == NOW + dt.timedelta(hours=2)
        rows = db.session.scalar(
            select(func.count()).select_from(Booking).where(Booking.session_id == session.id)
        )
        assert rows == 1


def test_a_full_session_has_a_waiting_list_and_a_cancellation_promotes_its_head(
    app, org, session_ids
):
    with app.app_context():
        session = catalogue_queries.find_session(session_ids["upcoming"])
        people = [
            org.practitioner,
            org.other_practitioner,
            org.line_manager,
            org.senior_manager,
            org.wfld_admin,
        ]
        bookings = [
            book(session, p.staff_id, now=NOW + dt.timedelta(minutes=i))
            for i, p in enumerate(people)
        ]
        assert [b.status for b in bookings] == [
            BookingStatus.BOOKED,
            BookingStatus.BOOKED,
            BookingStatus.WAITING,
            BookingStatus.WAITING,
            BookingStatus.WAITING,
        ]
        # Leaving the waiting list frees no place: nobody moves up.
        assert catalogue_services.cancel_booking(booking=bookings[3], actor=None, now=NOW) is None
        promoted = catalogue_services.cancel_booking(booking=bookings[0], actor=None, now=NOW)
        db.session.commit()
        assert promoted.id == bookings[2].id  # the line manager asked first
        assert promoted.status is BookingStatus.BOOKED
        assert bookings[4].status is BookingStatus.WAITING
        assert catalogue_queries.count_booked(session.id) == 2
        assert catalogue_queries.count_waiting(session.id) == 1
    [event] = _events(app, "booking_promoted")
    assert event.subject_id == promoted.id
    assert event.details["automatic"] is True


def test_the_activity_page_offers_the_waiting_list_when_full(app, client, org, session_ids):
    with app.app_context():
        session = catalogue_queries.find_session(session_ids["upcoming"])
        book(session, org.other_practitioner.staff_id)
        book(session, org.line_manager.staff_id)
        db.session.commit()
    sign_in(client, org.practitioner.email)
    activity_path = f"/catalogue/activities/{session_ids['activity']}"
    row = page(client.get(activity_path)).soup.select_one(f"#session-{session_ids['upcoming']}")
    assert "Full" in row.get_text(" ")
    assert row.select_one("form button").get_text(" ", strip=True).startswith("Join waiting list")
    response = submit(
        client, f"/catalogue/sessions/{session_ids['upcoming']}/book", {}, form_path=activity_path
    )
    assert response.status_code == 302
    booking = _booking(app, session_ids["upcoming"], org.practitioner.staff_id)
    assert booking.status is BookingStatus.WAITING
    after = page(client.get(activity_path))
    assert "you are on the waiting list" in after.text().lower()
    assert "Leave waiting list" in after.soup.select_one(
        f"#session-{session_ids['upcoming']}"
    ).get_text(" ")


def _complete(staff_id: int, activity_id: int, on: dt.date, expires_on: dt.date | None) -> None:
    db.session.add(
        Completion(
            staff_id=staff_id,
            activity_id=activity_id,
            completed_on=on,
            expires_on=expires_on,
            source=CompletionSource.MANUAL,
            status=CompletionStatus.VERIFIED,
            recorded_at=NOW,
        )
    )


def test_booking_a_course_still_valid_asks_first_and_books_only_when_confirmed(
    app, client, org, session_ids
):
    with app.app_context():
        _complete(
            org.practitioner.staff_id,
            session_ids["activity"],
            dt.date(2026, 3, 3),
            dt.date(2029, 3, 3),
        )
        db.session.commit()
    sign_in(client, org.practitioner.email)
    activity_path = f"/catalogue/activities/{session_ids['activity']}"
    book_path = f"/catalogue/sessions/{session_ids['upcoming']}/book"

    asked = page(submit(client, book_path, {}, form_path=activity_path))
    assert asked.h1 == "You have already completed this"
    assert asked.soup.select_one("#completed").get_text(" ", strip=True) == (
        "You completed this on 3 March 2026 — valid until 2 March 2029. Do you still want to book?"
    )
    confirm = asked.soup.select_one("main form")
    assert confirm["action"] == book_path
    assert confirm.select_one("input[name=confirmed]")["value"] == "yes"
    assert confirm.select_one("button").get_text(strip=True) == "Yes, book a place"
    assert _booking(app, session_ids["upcoming"], org.practitioner.staff_id) is None
    assert _events(app, "booking_made") == []

    confirmed = submit(client, book_path, {"confirmed": "yes"}, form_path=activity_path)
    assert confirmed.status_code == 302
    booking = _booking(app, session_ids["upcoming"], org.practitioner.staff_id)
    assert booking.status is BookingStatus.BOOKED


def test_an_expired_or_unverified_completion_books_without_asking(app, client, org, session_ids):
    with app.app_context():
        _complete(
            org.practitioner.staff_id,
            session_ids["activity"],
            dt.date(2023, 3, 3),
            TODAY,  # expires today: no longer valid
        )
        db.session.commit()
    sign_in(client, org.practitioner.email)
    activity_path = f"/catalogue/activities/{session_ids['activity']}"
    response = submit(
        client,
        f"/catalogue/sessions/{session_ids['upcoming']}/book",
        {},
        form_path=activity_path,
    )
    assert response.status_code == 302
    assert _booking(app, session_ids["upcoming"], org.practitioner.staff_id) is not None


def test_a_course_done_for_good_asks_without_a_valid_until_date(app, client, org, session_ids):
    with app.app_context():
        _complete(org.practitioner.staff_id, session_ids["activity"], dt.date(2026, 3, 3), None)
        db.session.commit()
    sign_in(client, org.practitioner.email)
    activity_path = f"/catalogue/activities/{session_ids['activity']}"
    asked = page(
        submit(
            client,
            f"/catalogue/sessions/{session_ids['upcoming']}/book",
            {},
            form_path=activity_path,
        )
    )
    assert asked.soup.select_one("#completed").get_text(" ", strip=True) == (
        "You completed this on 3 March 2026. Do you still want to book?"
    )
    assert _booking(app, session_ids["upcoming"], org.practitioner.staff_id) is None


def test_taking_the_last_place_says_so(app, client, org, session_ids):
    with app.app_context():
        book(
            catalogue_queries.find_session(session_ids["upcoming"]), org.other_practitioner.staff_id
        )
        db.session.commit()
    sign_in(client, org.practitioner.email)
    activity_path = f"/catalogue/activities/{session_ids['activity']}"
    response = submit(
        client,
        f"/catalogue/sessions/{session_ids['upcoming']}/book",
        {},
        form_path=activity_path,
    )
    assert response.status_code == 302
    after = page(client.get(activity_path))
    [banner] = after.soup.select(".govuk-notification-banner--success")
    assert "You have the last place on this session" in banner.get_text(" ", strip=True)


def test_a_place_that_is_not_the_last_does_not_say_so(app, client, org, session_ids):
    sign_in(client, org.practitioner.email)
    activity_path = f"/catalogue/activities/{session_ids['activity']}"
    submit(
        client,
        f"/catalogue/sessions/{session_ids['upcoming']}/book",
        {},
        form_path=activity_path,
    )
    after = page(client.get(activity_path))
    [banner] = after.soup.select(".govuk-notification-banner--success")
    assert "You are booked on Court Skills" in banner.get_text(" ", strip=True)
    assert "last place" not in banner.get_text(" ", strip=True)


# Refusals -----------------------------------------------------------------------------------
def test_a_past_session_cannot_be_booked(app, client, org, session_ids):
    with app.app_context(), pytest.raises(RuleBroken, match="already started"):
        book(
            catalogue_queries.find_session(session_ids["past"]), org.practitioner.staff_id, now=NOW
        )
    sign_in(client, org.practitioner.email)
    response = submit(
        client,
        f"/catalogue/sessions/{session_ids['past']}/book",
        {},
        form_path=f"/catalogue/activities/{session_ids['activity']}",
    )
    assert response.status_code == 200
    shown = page(response)
    assert shown.title.startswith("Error: Court Skills")
    assert shown.error_summary() == {
        "#main-content": "This session has already started, so it cannot be booked"
    }
    assert _booking(app, session_ids["past"], org.practitioner.staff_id) is None


def test_a_cancelled_session_cannot_be_booked(app, client, org, session_ids):
    with app.app_context():
        wfld = db.session.get(StaffMember, org.wfld_admin.staff_id).user
        catalogue_services.cancel_session(
            session=catalogue_queries.find_session(session_ids["upcoming"]), actor=wfld, now=NOW
        )
        db.session.commit()
    sign_in(client, org.practitioner.email)
    activity_path = f"/catalogue/activities/{session_ids['activity']}"
    # It is no longer offered...
    assert (
        page(client.get(activity_path)).soup.select_one(f"#session-{session_ids['upcoming']}")
        is None
    )
    # ...and a stale page's button is refused.
    response = submit(
        client, f"/catalogue/sessions/{session_ids['upcoming']}/book", {}, form_path=activity_path
    )
    assert page(response).error_summary() == {
        "#main-content": "This session has been cancelled, so it cannot be booked"
    }
    assert _booking(app, session_ids["upcoming"], org.practitioner.staff_id) is None


def test_leavers_cannot_book(app, org, session_ids):
    with app.app_context():
        session = catalogue_queries.find_session(session_ids["upcoming"])
        leaving = db.session.get(StaffMember, org.other_practitioner.staff_id)
        leaving.leaving_date = TODAY + dt.timedelta(days=3)  # before the session
        with pytest.raises(RuleBroken, match="leaves before this session"):
            book(session, leaving.id, now=NOW)
        left = db.session.get(StaffMember, org.practitioner.staff_id)
        left.leaving_date = TODAY
        with pytest.raises(RuleBroken, match="has left"):
            book(session, left.id, now=NOW)
        assert catalogue_queries.count_booked(session.id) == 0


def test_booking_twice_is_refused(app, client, org, session_ids):
    with app.app_context():
        book(catalogue_queries.find_session(session_ids["upcoming"]), org.practitioner.staff_id)
        db.session.commit()
    sign_in(client, org.practitioner.email)
    response = submit(
        client,
        f"/catalogue/sessions/{session_ids['upcoming']}/book",
        {},
        form_path="/catalogue/my-bookings",
    )
    assert page(response).error_summary() == {
        "#main-content": "You already have a place on this session"
    }


def test_a_booking_cannot_be_cancelled_once_the_session_has_started(app, org, session_ids):
    with app.app_context():
        session = catalogue_queries.find_session(session_ids["upcoming"])
        booking = book(session, org.practitioner.staff_id)
        with pytest.raises(RuleBroken, match="already started"):
            catalogue_services.cancel_booking(
                booking=booking, actor=None, now=session.starts_at + dt.timedelta(minutes=5)
            )


def test_someone_else_cannot_cancel_my_booking(app, client, org, session_ids):
    with app.app_context():
        booking_id = book(
            catalogue_queries.find_session(session_ids["upcoming"]), org.practitioner.staff_id
        ).id
        db.session.commit()
    sign_in(client, org.line_manager.email)
    path = f"/catalogue/bookings/{booking_id}/cancel"
    assert client.get(path).status_code == 404
    assert submit(client, path, {}, form_path="/catalogue/my-bookings").status_code == 404
    assert _booking(app, session_ids["upcoming"], org.practitioner.staff_id).status is (
        BookingStatus.BOOKED
    )


def test_the_wfld_team_cancels_a_session_and_everyone_loses_their_place(
    app, client, org, session_ids
):
    with app.app_context():
        session = catalogue_queries.find_session(session_ids["upcoming"])
        for person in (org.practitioner, org.other_practitioner, org.line_manager):
            book(session, person.staff_id)
        db.session.commit()
    sign_in(client, org.wfld_admin.email)
    path = f"/catalogue/sessions/{session_ids['upcoming']}/cancel"
    confirm = page(client.get(path))
    assert "2 booked and 1 waiting will lose their places" in confirm.text()
    response = submit(client, path, {})
    assert response.status_code == 302
    with app.app_context():
        session = catalogue_queries.find_session(session_ids["upcoming"])
        assert session.is_cancelled
        statuses = db.session.scalars(
            select(Booking.status).where(Booking.session_id == session.id)
        ).all()
        assert set(statuses) == {BookingStatus.CANCELLED}
    shown = page(client.get(f"/catalogue/sessions/{session_ids['upcoming']}"))
    assert "3 bookings cancelled" in shown.text()


def test_a_leaver_on_the_waiting_list_is_passed_over(app, org):
    """Someone leaving before the session day is not given the freed place."""
    with app.app_context():
        session = make_session(make_activity(), days=30, capacity=1)
        first = book(session, org.practitioner.staff_id)
        leaver = book(session, org.other_practitioner.staff_id)
        stayer = book(session, org.line_manager.staff_id)
        assert (first.status, leaver.status, stayer.status) == (
            BookingStatus.BOOKED,
            BookingStatus.WAITING,
            BookingStatus.WAITING,
        )
        db.session.get(StaffMember, org.other_practitioner.staff_id).leaving_date = (
            session.starts_at.date() - dt.timedelta(days=1)
        )
        db.session.flush()
        promoted = catalogue_services.cancel_booking(
            booking=first, actor=None, now=session.starts_at - dt.timedelta(days=10)
        )
        assert promoted is not None and promoted.staff_id == org.line_manager.staff_id
        assert leaver.status is BookingStatus.WAITING
