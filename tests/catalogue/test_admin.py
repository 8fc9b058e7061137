"""The WFLD team's catalogue screens: activities, sessions, attendance, manual completions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.catalogue.builders import book, make_activity, make_session
from tests.factories import NOW, TODAY
from tests.helpers import form_values, page, sign_in, submit
from wfld.accounts.models import AuditEvent, User
from wfld.catalogue import queries as catalogue_queries
from wfld.catalogue import rules as catalogue_rules
from wfld.catalogue import services as catalogue_services
from wfld.catalogue.models import (
    Attendance,
    Completion,
    CompletionSource,
    CompletionStatus,
    LearningActivity,
    LearningSession,
)
from wfld.core import clock
from wfld.core.errors_domain import RuleBroken, StaleRecord
from wfld.extensions import db
from wfld.frameworks import queries as framework_queries
from wfld.organisation.models import StaffMember


@pytest.fixture(autouse=True)
def frozen_clock():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def frameworks(app, org) -> dict[str, int]:
    """The reference frameworks; ids of a few current items."""
    result = app.test_cli_runner().invoke(args=["seed", "frameworks"])
    assert result.exit_code == 0, result.output
    with app.app_context():

        def item(code: str, item_code: str) -> int:
            return catalogue_queries.find_framework_item(code, item_code, today=TODAY).id

        return {
            "PCF:6": item("PCF", "6"),
            "KSS-CF-PRACTITIONER:5": item("KSS-CF-PRACTITIONER", "5"),
            "CCSK:3": item("CCSK", "3"),
        }


def _count(app, model) -> int:  # noqa: ANN001
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _audit(app, event: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == event)))


ACTIVITY = {
    "title": "Court Skills",
    "category": "Induction and Short Courses",
    "description": "Preparing statements and giving evidence.",
    "delivery_mode": "classroom",
    "provider": "external",
    "duration_hours": "6",
    "cost_per_place": "95.50",
    "validity_months": "",
    "offered": "yes",
}


# Activities ---------------------------------------------------------------------------------
def test_the_wfld_team_adds_an_activity_linked_to_framework_items(app, client, org, frameworks):
    sign_in(client, org.wfld_admin.email)
    form = page(client.get("/catalogue/activities/new"))
    assert form.h1 == "Add a learning activity"
    legends = [" ".join(legend.get_text().split()) for legend in form.soup.select("legend")]
    assert any(legend.startswith("Professional Capabilities Framework") for legend in legends)
    # Draft versions are not offered: the early career standards are still a draft.
    assert not any("early career standards" in legend.lower() for legend in legends)

    response = submit(
        client,
        "/catalogue/activities/new",
        {**ACTIVITY, "framework_items": [frameworks["PCF:6"], frameworks["CCSK:3"]]},
    )
    assert response.status_code == 302
    with app.app_context():
        activity = catalogue_queries.find_activity_by_title("Court Skills")
        assert response.headers["Location"].endswith(f"/catalogue/activities/{activity.id}")
        assert activity.cost_per_place == Decimal("95.50")
        assert activity.duration_hours == Decimal("6")
        assert activity.validity_months is None
        assert {i.id for i in activity.framework_items} == {
            frameworks["PCF:6"],
            frameworks["CCSK:3"],
        }
    shown = page(client.get(response.headers["Location"]))
    assert shown.h1 == "Court Skills"
    assert "Professional Capabilities Framework: 6 Critical reflection and analysis" in shown.text()
    assert len(_audit(app, "learning_activity_created")) == 1


def test_activity_errors_are_summarised_and_nothing_is_saved(app, client, org, frameworks):
    with app.app_context():
        make_activity("Court Skills")
        db.session.commit()
    sign_in(client, org.wfld_admin.email)

    empty = page(submit(client, "/catalogue/activities/new", {"offered": "yes"}))
    assert empty.title.startswith("Error: Add a learning activity")
    assert empty.error_summary() == {
        "#title": "Enter the title",
        "#category": "Enter the category",
        "#delivery_mode": "Select the delivery mode",
        "#provider": "Select who provides it",
        "#duration_hours": "Enter the duration in hours",
    }
    assert "Enter the title" in empty.inline_errors()

    broken = page(
        submit(
            client,
            "/catalogue/activities/new",
            {
                **ACTIVITY,
                "title": " court  skills ",
                "duration_hours": "-1",
                "cost_per_place": "-5",
                "validity_months": "0",
            },
        )
    )
    assert broken.error_summary() == {
        "#title": "A learning activity with this title already exists",
        "#duration_hours": "Duration must be 0 hours or more",
        "#cost_per_place": "Cost per place must be £0 or more",
        "#validity_months": "Valid for must be 1 month or more",
    }
    not_numbers = page(
        submit(
            client,
            "/catalogue/activities/new",
            {
                **ACTIVITY,
                "title": "New",
                "duration_hours": "a day",
                "validity_months": "3 years",
            },
        )
    )
    assert not_numbers.error_summary() == {
        "#duration_hours": "Duration must be a number of hours, like 3.5",
        "#validity_months": "Valid for must be a whole number of months, like 36",
    }
    assert _count(app, LearningActivity) == 1
    assert len(_audit(app, "learning_activity_created")) == 1  # the one made above


def test_changing_an_activity_keeps_what_the_form_shows_and_refuses_a_stale_form(
    app, client, org, frameworks
):
    with app.app_context():
        items = catalogue_queries.list_framework_items([frameworks["PCF:6"]])
        activity_id = make_activity("Safeguarding refresher", items=tuple(items)).id
        db.session.commit()
    sign_in(client, org.wfld_admin.email)
    path = f"/catalogue/activities/{activity_id}/edit"
    opened = client.get(path)
    values = form_values(opened)
    assert values["title"] == ["Safeguarding refresher"]
    assert values["framework_items"] == [str(frameworks["PCF:6"])]

    # Someone else saves first...
    changed = {**values, "validity_months": ["36"]}
    changed["framework_items"] = [str(frameworks["KSS-CF-PRACTITIONER:5"])]
    assert submit(client, path, changed).status_code == 302
    with app.app_context():
        activity = catalogue_queries.find_activity(activity_id)
        assert activity.validity_months == 36
        assert [i.id for i in activity.framework_items] == [frameworks["KSS-CF-PRACTITIONER:5"]]
        version = activity.version_id

    # ...so the first form, still showing the old version, is refused.
    stale = page(submit(client, path, {**values, "title": ["Changed title"]}))
    # Activities keep no time of change: the message says only that it changed.
    assert (
        "Someone changed this record. Your changes are below and have not been saved"
        in stale.text()
    )
    with app.app_context():
        activity = catalogue_queries.find_activity(activity_id)
        assert activity.title == "Safeguarding refresher"
        assert activity.version_id == version

    # Unticking every item and withdrawing it saves too.
    fresh = form_values(client.get(path))
    fresh.pop("framework_items", None)
    assert submit(client, path, {**fresh, "offered": ["no"]}).status_code == 302
    with app.app_context():
        activity = catalogue_queries.find_activity(activity_id)
        assert activity.framework_items == []
        assert activity.is_active is False


def test_only_the_wfld_team_manages_the_catalogue(app, client, org):
    sign_in(client, org.practitioner.email)
    assert client.get("/catalogue/activities/new").status_code == 403
    assert client.get("/catalogue/completions/new").status_code == 403
    catalogue_page = page(client.get("/catalogue/"))
    assert not catalogue_page.soup.find("a", string="Add a learning activity")


# Sessions -----------------------------------------------------------------------------------
def _session_form(**changes: str) -> dict[str, str]:
    return {
        "date": ["8", "12", "2026"],
        "start_time": "9:30am",
        "end_time": "16:30",
        "delivery": "in_person",
        "venue": "Civic Centre, Training Room 2",
        "capacity": "12",
        "trainer": "Safeguarding partnership trainer",
        **changes,
    }


def test_the_wfld_team_adds_a_session_in_uk_time(app, client, org):
    with app.app_context():
        activity_id = make_activity("Safeguarding Children Level 3").id
        db.session.commit()
    sign_in(client, org.wfld_admin.email)
    path = f"/catalogue/activities/{activity_id}/sessions/new"
    assert page(client.get(path)).h1.endswith("Add a session")
    response = submit(
        client,
        path,
        _session_form(date=["9", "6", "2027"], start_time="9:30am", end_time="4:30pm"),
    )
    assert response.status_code == 302
    with app.app_context():
        [session] = db.session.scalars(select(LearningSession)).all()
        # June is British Summer Time: 9:30am in London is 8:30 UTC.
        assert session.starts_at == dt.datetime(2027, 6, 9, 8, 30, tzinfo=dt.UTC)
        assert session.ends_at == dt.datetime(2027, 6, 9, 15, 30, tzinfo=dt.UTC)
        assert (session.capacity, session.is_online) == (12, False)
    shown = page(client.get(response.headers["Location"]))
    assert "9 June 2027, 9:30am to 4:30pm" in shown.text()


def test_session_errors_are_summarised_and_nothing_is_saved(app, client, org):
    with app.app_context():
        activity_id = make_activity("Safeguarding Children Level 3").id
        db.session.commit()
    sign_in(client, org.wfld_admin.email)
    path = f"/catalogue/activities/{activity_id}/sessions/new"

    empty = page(submit(client, path, {}))
    assert empty.error_summary() == {
        "#date-day": "Enter the date of the session",
        "#start_time": "Enter the start time",
        "#end_time": "Enter the end time",
        "#delivery": "Select where the session takes place",
        "#capacity": "Enter the number of places",
    }
    nonsense = page(
        submit(client, path, _session_form(start_time="25:00", end_time="noon", capacity="ten"))
    )
    assert nonsense.error_summary() == {
        "#start_time": "Start time must be a real time, like 9:30am or 14:00",
        "#end_time": "End time must be a real time, like 9:30am or 14:00",
        "#capacity": "Number of places must be a whole number, like 12",
    }
    broken = page(
        submit(
            client,
            path,
            _session_form(date=["20", "11", "2026"], end_time="9:00", capacity="0", venue="  "),
        )
    )
    assert broken.error_summary() == {
        "#date-day": "Date must be today or in the future",
        "#end_time": "End time must be after the start time",
        "#venue": "Enter the venue",
        "#capacity": "Number of places must be 1 or more",
    }
    # Today, but already started (the clock says 9am UTC, 9am in London in November).
    earlier_today = page(
        submit(client, path, _session_form(date=["23", "11", "2026"], start_time="8:00"))
    )
    assert earlier_today.error_summary() == {"#start_time": "Start time must be in the future"}
    assert _count(app, LearningSession) == 0

    # Online needs no venue.
    online = submit(client, path, _session_form(delivery="online", venue=""))
    assert online.status_code == 302
    with app.app_context():
        [session] = db.session.scalars(select(LearningSession)).all()
        assert (session.is_online, session.venue) == (True, "Online")


# Attendance ---------------------------------------------------------------------------------
@pytest.fixture
def attended_setup(app, org):
    """A renewable activity with a past session the practitioner was booked on, and an
    upcoming one the other practitioner is booked on."""
    with app.app_context():
        activity = make_activity("Safeguarding Children Level 3", validity_months=36)
        past = make_session(activity, days=-10)
        upcoming = make_session(activity, days=10)
        past_booking = book(past, org.practitioner.staff_id)
        upcoming_booking = book(upcoming, org.other_practitioner.staff_id)
        db.session.commit()
        return {
            "past": past.id,
            "upcoming": upcoming.id,
            "past_booking": past_booking.id,
            "upcoming_booking": upcoming_booking.id,
        }


def test_marking_attendance_records_a_verified_completion_that_expires(
    app, client, org, attended_setup
):
    sign_in(client, org.wfld_admin.email)
    session_path = f"/catalogue/sessions/{attended_setup['past']}"
    shown = page(client.get(session_path))
    assert shown.h1 == "Session on 13 November 2026"
    row = shown.soup.select_one(f"#booking-{attended_setup['past_booking']}")
    assert "Priya Sandhu" in row.get_text()
    assert [b.get_text(" ", strip=True) for b in row.select("button")] == [
        "Attended Priya Sandhu",
        "Did not attend Priya Sandhu",
    ]

    response = submit(
        client,
        f"/catalogue/bookings/{attended_setup['past_booking']}/attended",
        {},
        form_path=session_path,
    )
    assert response.status_code == 302
    with app.app_context():
        [completion] = db.session.scalars(select(Completion)).all()
        assert completion.staff_id == org.practitioner.staff_id
        assert completion.source is CompletionSource.SESSION
        assert completion.status is CompletionStatus.VERIFIED
        assert completion.booking_id == attended_setup["past_booking"]
        assert completion.completed_on == dt.date(2026, 11, 13)
        assert completion.expires_on == dt.date(2029, 11, 13)
        assert completion.verified_by_id == org.wfld_admin.user_id
        booking = catalogue_queries.find_booking(attended_setup["past_booking"])
        assert booking.attendance is Attendance.ATTENDED
    after = page(client.get(session_path))
    assert "Completion recorded, expires 13 November 2029" in after.text()
    assert len(_audit(app, "attendance_recorded")) == 1

    # A correction: they did not attend after all, so the completion goes.
    submit(
        client,
        f"/catalogue/bookings/{attended_setup['past_booking']}/did-not-attend",
        {},
        form_path=session_path,
    )
    assert _count(app, Completion) == 0
    assert len(_audit(app, "completion_removed")) == 1


def test_attendance_waits_for_the_session_to_start(app, client, org, attended_setup):
    sign_in(client, org.wfld_admin.email)
    session_path = f"/catalogue/sessions/{attended_setup['upcoming']}"
    assert not page(client.get(session_path)).soup.select("main button")
    refused = page(
        submit(
            client,
            f"/catalogue/bookings/{attended_setup['upcoming_booking']}/attended",
            {},
            form_path=session_path,
        )
    )
    assert refused.error_summary() == {
        "#main-content": "You can record attendance once the session has started"
    }
    assert _count(app, Completion) == 0


def test_expiry_runs_from_the_session_day_in_england(app, org):
    """A leap-day session expires on 28 February; a session just after midnight in summer
    belongs to that London day, not the UTC day before."""
    with app.app_context():
        admin = db.session.get(User, org.wfld_admin.user_id)
        activity = make_activity("First Aid at Work", validity_months=36)
        leap = catalogue_services.create_session(
            activity=activity,
            starts_at=catalogue_rules.at_london(dt.date(2028, 2, 29), dt.time(9, 30)),
            ends_at=catalogue_rules.at_london(dt.date(2028, 2, 29), dt.time(17)),
            is_online=False,
            venue="Civic Centre",
            capacity=5,
            trainer=None,
            actor=None,
            now=NOW,
        )
        late = catalogue_services.create_session(
            activity=activity,
            starts_at=catalogue_rules.at_london(dt.date(2027, 7, 1), dt.time(0, 30)),
            ends_at=catalogue_rules.at_london(dt.date(2027, 7, 1), dt.time(3)),
            is_online=True,
            venue=None,
            capacity=5,
            trainer=None,
            actor=None,
            now=NOW,
        )
        assert late.starts_at.date() == dt.date(2027, 6, 30)  # 23:30 UTC
        after = dt.datetime(2028, 3, 1, tzinfo=dt.UTC)
        first = catalogue_services.mark_attendance(
            booking=book(leap, org.practitioner.staff_id, now=NOW),
            attendance=Attendance.ATTENDED,
            actor=admin,
            now=after,
        )
        second = catalogue_services.mark_attendance(
            booking=book(late, org.practitioner.staff_id, now=NOW),
            attendance=Attendance.ATTENDED,
            actor=admin,
            now=after,
        )
        assert (first.completed_on, first.expires_on) == (
            dt.date(2028, 2, 29),
            dt.date(2031, 2, 28),
        )
        assert (second.completed_on, second.expires_on) == (
            dt.date(2027, 7, 1),
            dt.date(2030, 7, 1),
        )


def test_only_people_with_a_place_are_marked(app, org, attended_setup):
    with app.app_context():
        admin = db.session.get(User, org.wfld_admin.user_id)
        booking = catalogue_queries.find_booking(attended_setup["past_booking"])
        catalogue_services.cancel_booking(
            booking=booking, actor=None, now=NOW - dt.timedelta(days=20)
        )
        with pytest.raises(RuleBroken, match="Only people with a place"):
            catalogue_services.mark_attendance(
                booking=booking, attendance=Attendance.ATTENDED, actor=admin, now=NOW
            )


# Manual completions -------------------------------------------------------------------------
def test_the_wfld_team_records_a_completion_by_hand(app, client, org):
    with app.app_context():
        activity_id = make_activity("DBS recheck", validity_months=36).id
        db.session.commit()
    sign_in(client, org.wfld_admin.email)
    path = "/catalogue/completions/new"
    assert page(client.get(path)).h1 == "Record a completion"
    with app.app_context():
        employee_number = db.session.get(StaffMember, org.practitioner.staff_id).employee_number

    form = {
        "employee_number": employee_number,
        "activity": str(activity_id),
        "completed_on": ["2", "11", "2026"],
        "note": "Certificate 001234567890",
    }
    response = submit(client, path, form)
    assert response.status_code == 302
    with app.app_context():
        [completion] = db.session.scalars(select(Completion)).all()
        assert completion.source is CompletionSource.MANUAL
        assert completion.status is CompletionStatus.VERIFIED
        assert completion.booking_id is None
        assert (completion.completed_on, completion.expires_on) == (
            dt.date(2026, 11, 2),
            dt.date(2029, 11, 2),
        )
        assert completion.note == "Certificate 001234567890"
        assert completion.recorded_by_id == org.wfld_admin.user_id
    assert (
        "Completion recorded: Priya Sandhu, DBS recheck, 2 November 2026"
        in page(client.get(response.headers["Location"])).text()
    )
    assert len(_audit(app, "completion_recorded")) == 1

    again = page(submit(client, path, form))
    assert again.error_summary() == {
        "#completed_on-day": (
            "Priya Sandhu already has this activity recorded as completed on that date"
        )
    }
    wrong = page(
        submit(
            client,
            path,
            {**form, "employee_number": "NOBODY1", "completed_on": ["1", "1", "2027"]},
        )
    )
    # Both problems at once, not the date only once the employee number is right.
    assert wrong.error_summary() == {
        "#employee_number": "There is no member of staff with employee number NOBODY1",
        "#completed_on-day": "Date completed must be today or in the past",
    }
    future = page(submit(client, path, {**form, "completed_on": ["1", "1", "2027"]}))
    assert future.error_summary() == {
        "#completed_on-day": "Date completed must be today or in the past"
    }
    empty = page(submit(client, path, {}))
    assert empty.error_summary() == {
        "#employee_number": "Enter the employee number",
        "#activity": "Select the learning activity",
        "#completed_on-day": "Enter the date completed",
    }
    assert _count(app, Completion) == 1


def test_framework_items_are_offered_from_current_published_versions_only(app, org, frameworks):
    with app.app_context():
        groups = catalogue_queries.list_framework_item_groups(today=TODAY)
        codes = {g.version.framework.code for g in groups}
        assert {"PCF", "KSS-CF-PRACTITIONER", "CCSK"} <= codes
        assert "ECS-CF" not in codes  # a draft
        for group in groups:
            current = framework_queries.current_version(group.version.framework, today=TODAY)
            assert group.version.id == current.id


def test_linking_items_alone_still_moves_the_version(app, org, frameworks):
    """No column changes when only the items change, so the service moves the version itself:
    another editor's older form must still be refused."""
    with app.app_context():
        activity = make_activity("Linked course")
        db.session.commit()
        version = activity.version_id
        details = catalogue_services.ActivityDetails(
            title=activity.title,
            category=activity.category,
            delivery_mode=activity.delivery_mode,
            provider=activity.provider,
            duration_hours=activity.duration_hours,
            framework_items=catalogue_queries.list_framework_items([frameworks["PCF:6"]]),
        )
        catalogue_services.update_activity(
            activity=activity, details=details, actor=None, now=NOW, expected_version=version
        )
        db.session.commit()
        assert activity.version_id == version + 1
        [event] = db.session.scalars(
            select(AuditEvent).where(AuditEvent.event == "learning_activity_updated")
        ).all()
        assert list(event.details["changes"]) == ["framework_items"]
        with pytest.raises(StaleRecord):
            catalogue_services.update_activity(
                activity=activity, details=details, actor=None, now=NOW, expected_version=version
            )
