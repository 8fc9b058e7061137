"""Catalogue writes: activities, their sessions, bookings, completions from attendance, and
certificates of external learning.

Verbs with keyword-only arguments, an explicit actor and the clock passed in. Writes flush
and never commit: the view (or CLI command) commits once. A broken rule raises
``RuleBroken`` with messages keyed by the form field they belong to (or by
``session``/``booking`` for the page as a whole).

Places are never overbooked: every change to a session's bookings first takes a write lock
on the session row (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite a writing request's
transaction is ``BEGIN IMMEDIATE``, so writers are already one at a time), then counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO

from wfld.accounts import audit
from wfld.accounts.models import User
from wfld.catalogue import queries
from wfld.catalogue.models import (
    Attendance,
    Booking,
    BookingStatus,
    CertificateFile,
    Completion,
    CompletionSource,
    CompletionStatus,
    DeliveryMode,
    LearningActivity,
    LearningSession,
    Provider,
)
from wfld.catalogue.rules import expiry
from wfld.core import files
from wfld.core.clock import LONDON
from wfld.core.errors_domain import RuleBroken, check_version
from wfld.extensions import db
from wfld.frameworks.models import FrameworkItem
from wfld.organisation.models import StaffMember

MAX_DURATION_HOURS = Decimal("9999.99")  # Numeric(6, 2)
MAX_COST = Decimal("99999999.99")  # Numeric(10, 2)
MAX_VALIDITY_MONTHS = 600
MAX_CAPACITY = 1000
ONLINE = "Online"


# Activities: writes -----------------------------------------------------------------------
@dataclass
class ActivityDetails:
    """What the WFLD team types about a learning activity (already parsed by the form)."""

    title: str
    category: str
    delivery_mode: DeliveryMode
    provider: Provider
    duration_hours: Decimal
    description: str | None = None
    cost_per_place: Decimal | None = None
    validity_months: int | None = None
    framework_items: list[FrameworkItem] = field(default_factory=list)
    is_active: bool = True

    def normalised(self) -> ActivityDetails:
        self.title = " ".join((self.title or "").split())
        self.category = " ".join((self.category or "").split())
        self.description = (self.description or "").strip() or None
        return self


def activity_errors(
    details: ActivityDetails, *, activity: LearningActivity | None
) -> dict[str, str]:
    """The activity rules on details a form could only partly read (None where it could not,
    and not checked), for the form to show with its own errors, all at once."""
    return _activity_errors(details.normalised(), activity=activity)


def _activity_errors(
    details: ActivityDetails, *, activity: LearningActivity | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not details.title:
        errors["title"] = "Enter the title"
    else:
        clash = queries.find_activity_by_title(details.title)
        if clash is not None and (activity is None or clash.id != activity.id):
            errors["title"] = "A learning activity with this title already exists"
    if not details.category:
        errors["category"] = "Enter the category"
    if details.duration_hours is None:
        pass
    elif details.duration_hours < 0:
        errors["duration_hours"] = "Duration must be 0 hours or more"
    elif details.duration_hours > MAX_DURATION_HOURS:
        errors["duration_hours"] = "Duration must be less than 10,000 hours"
    if details.cost_per_place is not None:
        if details.cost_per_place < 0:
            errors["cost_per_place"] = "Cost per place must be £0 or more"
        elif details.cost_per_place > MAX_COST:
            errors["cost_per_place"] = "Cost per place must be less than £100,000,000"
    if details.validity_months is not None:
        if details.validity_months <= 0:
            errors["validity_months"] = "Valid for must be 1 month or more"
        elif details.validity_months > MAX_VALIDITY_MONTHS:
            errors["validity_months"] = f"Valid for must be {MAX_VALIDITY_MONTHS} months or fewer"
    return errors


_ACTIVITY_COLUMNS = (
    "title",
    "category",
    "description",
    "delivery_mode",
    "provider",
    "duration_hours",
    "cost_per_place",
    "validity_months",
    "is_active",
)


def create_activity(
    *, details: ActivityDetails, actor: User | None, now: dt.datetime
) -> LearningActivity:
    details = details.normalised()
    errors = _activity_errors(details, activity=None)
    if errors:
        raise RuleBroken(errors)
    activity = LearningActivity(created_at=now)
    _apply_activity(activity, details)
    db.session.add(activity)
    db.session.flush()
    audit.record(
        "learning_activity_created", now=now, actor=actor, subject=activity, title=activity.title
    )
    return activity


def update_activity(
    *,
    activity: LearningActivity,
    details: ActivityDetails,
    actor: User,
    now: dt.datetime,
    expected_version: int | None = None,
) -> LearningActivity:
    check_version(activity, expected_version)
    details = details.normalised()
    errors = _activity_errors(details, activity=activity)
    if errors:
        raise RuleBroken(errors)
    changes = {
        name: [_text(getattr(activity, name)), _text(getattr(details, name))]
        for name in _ACTIVITY_COLUMNS
        if getattr(activity, name) != getattr(details, name)
    }
    old_items = sorted(i.id for i in activity.framework_items)
    new_items = sorted(i.id for i in details.framework_items)
    if old_items != new_items:
        changes["framework_items"] = [_text(old_items), _text(new_items)]
    if not changes:
        return activity
    _apply_activity(activity, details)
    if set(changes) == {"framework_items"}:
        # Linking items changes no column, so the version would not move on its own; bump it
        # so that another editor's older form is still refused.
        activity.version_id = activity.version_id + 1
    db.session.flush()
    audit.record(
        "learning_activity_updated", now=now, actor=actor, subject=activity, changes=changes
    )
    return activity


def _apply_activity(activity: LearningActivity, details: ActivityDetails) -> None:
    for name in _ACTIVITY_COLUMNS:
        setattr(activity, name, getattr(details, name))
    activity.framework_items = list(details.framework_items)


# Sessions: writes -------------------------------------------------------------------------
def create_session(
    *,
    activity: LearningActivity,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    is_online: bool,
    venue: str | None,
    capacity: int,
    trainer: str | None,
    actor: User | None,
    now: dt.datetime,
) -> LearningSession:
    venue = " ".join((venue or "").split())
    errors = session_errors(
        starts_at=starts_at,
        ends_at=ends_at,
        is_online=is_online,
        venue=venue,
        capacity=capacity,
        now=now,
        withdrawn=not activity.is_active,
    )
    if errors:
        raise RuleBroken(errors)
    session = LearningSession(
        activity=activity,
        starts_at=starts_at,
        ends_at=ends_at,
        is_online=is_online,
        venue=venue or ONLINE,
        capacity=capacity,
        trainer=" ".join((trainer or "").split()) or None,
        is_cancelled=False,
        created_at=now,
    )
    db.session.add(session)
    db.session.flush()
    audit.record(
        "learning_session_created",
        now=now,
        actor=actor,
        subject=session,
        activity_id=activity.id,
        starts_at=starts_at.isoformat(),
        capacity=capacity,
    )
    return session


def session_errors(
    *,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    is_online: bool,
    venue: str,
    capacity: int | None,
    now: dt.datetime,
    withdrawn: bool = False,
) -> dict[str, str]:
    """What is wrong with a session's details (``venue`` already normalised), for adding a
    session and for changing one. A value the form could not read (None) is not checked, so
    the form can show these with its own errors, all at once."""
    errors: dict[str, str] = {}
    if withdrawn:
        errors["date"] = "This activity has been withdrawn: offer it again before adding sessions"
    elif starts_at is None:
        pass
    elif starts_at.astimezone(LONDON).date() < now.astimezone(LONDON).date():
        errors["date"] = "Date must be today or in the future"
    elif starts_at <= now:
        errors["start_time"] = "Start time must be in the future"
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        errors["end_time"] = "End time must be after the start time"
    if not is_online and not venue:
        errors["venue"] = "Enter the venue"
    if capacity is None:
        pass
    elif capacity < 1:
        errors["capacity"] = "Number of places must be 1 or more"
    elif capacity > MAX_CAPACITY:
        errors["capacity"] = f"Number of places must be {MAX_CAPACITY} or fewer"
    return errors


def session_change_refusal(session: LearningSession, *, now: dt.datetime) -> str | None:
    """Why the session's details can no longer be changed (None: they can)."""
    if session.is_cancelled:
        return "This session has been cancelled, so it cannot be changed"
    if session.starts_at <= now:
        return "This session has already started, so it cannot be changed"
    return None


def update_session(
    *,
    session: LearningSession,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    is_online: bool,
    venue: str | None,
    capacity: int,
    trainer: str | None,
    actor: User | None,
    now: dt.datetime,
    expected_version: int | None = None,
) -> list[Booking]:
    """Change a session still to come. Capacity cannot drop below the places already booked;
    places added go at once to the head of the waiting list, who are returned."""
    session = queries.lock_session(session.id)
    check_version(session, expected_version)
    refusal = session_change_refusal(session, now=now)
    if refusal:
        raise RuleBroken({"session": refusal})
    venue = " ".join((venue or "").split())
    errors = session_errors(
        starts_at=starts_at,
        ends_at=ends_at,
        is_online=is_online,
        venue=venue,
        capacity=capacity,
        now=now,
    )
    booked = queries.count_booked(session.id)
    if "capacity" not in errors and capacity < booked:
        people = "1 person is" if booked == 1 else f"{booked} people are"
        errors["capacity"] = f"{people} booked: capacity cannot be lower than {booked}"
    if errors:
        raise RuleBroken(errors)
    wanted = {
        "starts_at": starts_at,
        "ends_at": ends_at,
        "is_online": is_online,
        "venue": venue or ONLINE,
        "capacity": capacity,
        "trainer": " ".join((trainer or "").split()) or None,
    }
    changes = {
        name: [_text(getattr(session, name)), _text(value)]
        for name, value in wanted.items()
        if getattr(session, name) != value
    }
    if not changes:
        return []
    old_capacity = session.capacity
    for name, value in wanted.items():
        setattr(session, name, value)
    db.session.flush()
    promoted = (
        _promote_from_waiting_list(session, actor=actor, now=now) if capacity > old_capacity else []
    )
    audit.record(
        "session_changed",
        now=now,
        actor=actor,
        subject=session,
        changes=changes,
        promoted=[b.id for b in promoted] or None,
    )
    return promoted


def cancel_session(*, session: LearningSession, actor: User, now: dt.datetime) -> int:
    """Cancel a session still to come; everyone booked or waiting loses their place.
    Returns how many people were booked or waiting."""
    session = queries.lock_session(session.id)
    if session.is_cancelled:
        raise RuleBroken({"session": "This session has already been cancelled"})
    if session.starts_at <= now:
        raise RuleBroken({"session": "This session has already started, so it cannot be cancelled"})
    live = queries.list_live_bookings(session.id)
    for booking in live:
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
    session.is_cancelled = True
    db.session.flush()
    audit.record(
        "learning_session_cancelled", now=now, actor=actor, subject=session, bookings=len(live)
    )
    return len(live)


# Bookings: writes -------------------------------------------------------------------------
def book_place(
    *,
    session: LearningSession,
    staff: StaffMember,
    actor: User | None,
    now: dt.datetime,
    today: dt.date,
) -> Booking:
    """Book a place, or join the waiting list when the session is full.

    The session row is locked before the places are counted, so when two people ask for
    the last place at once one gets it and the other joins the waiting list.
    """
    session = queries.lock_session(session.id)
    you = _you(staff, actor)
    _check_bookable(session, staff, you=you, now=now, today=today)
    booking = queries.find_booking_for(session.id, staff.id)
    if booking is not None and booking.status is BookingStatus.BOOKED:
        raise RuleBroken(
            {"session": f"{you['subject']} already {you['have']} a place on this session"}
        )
    if booking is not None and booking.status is BookingStatus.WAITING:
        on_list = f"{you['subject']} {you['are']} already on the waiting list"
        raise RuleBroken({"session": f"{on_list} for this session"})
    status = (
        BookingStatus.BOOKED
        if queries.count_booked(session.id) < session.capacity
        else BookingStatus.WAITING
    )
    if booking is None:
        booking = Booking(session_id=session.id, staff_id=staff.id)
        db.session.add(booking)
    # Booking again after cancelling reuses the row (one per person per session) and joins
    # the back of any queue.
    booking.status = status
    booking.requested_at = now
    booking.cancelled_at = None
    booking.attendance = None
    _touch(session)
    db.session.flush()
    audit.record(
        "booking_made" if status is BookingStatus.BOOKED else "booking_waiting_list",
        now=now,
        actor=actor,
        subject=booking,
        session_id=session.id,
        staff_id=staff.id,
    )
    return booking


def _check_bookable(
    session: LearningSession,
    staff: StaffMember,
    *,
    you: dict[str, str],
    now: dt.datetime,
    today: dt.date,
) -> None:
    if session.is_cancelled:
        raise RuleBroken({"session": "This session has been cancelled, so it cannot be booked"})
    if session.starts_at <= now:
        raise RuleBroken({"session": "This session has already started, so it cannot be booked"})
    if not session.activity.is_active:
        raise RuleBroken({"session": "This activity is no longer offered, so it cannot be booked"})
    if staff.has_left(today):
        raise RuleBroken({"session": f"{you['subject']} {you['have']} left, so cannot book"})
    if staff.leaving_date is not None and staff.leaving_date < _session_date(session):
        raise RuleBroken(
            {"session": f"{you['subject']} {you['leave']} before this session, so cannot book it"}
        )


def cancel_booking(*, booking: Booking, actor: User | None, now: dt.datetime) -> Booking | None:
    """Cancel a place or leave the waiting list. A freed place goes at once to the first
    person waiting, who is returned (None when nobody was promoted)."""
    session = queries.lock_session(booking.session_id)
    db.session.refresh(booking)  # another request may have promoted or cancelled it
    if booking.status is BookingStatus.CANCELLED:
        raise RuleBroken({"booking": "This booking has already been cancelled"})
    if session.starts_at <= now:
        raise RuleBroken(
            {"booking": "This session has already started, so the booking cannot be cancelled"}
        )
    was = booking.status
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    _touch(session)
    db.session.flush()
    audit.record(
        "booking_cancelled",
        now=now,
        actor=actor,
        subject=booking,
        session_id=session.id,
        staff_id=booking.staff_id,
        was=was.value,
    )
    if was is not BookingStatus.BOOKED:
        return None
    promoted = _promote_from_waiting_list(session, actor=actor, now=now)
    return promoted[0] if promoted else None


def _promote_from_waiting_list(
    session: LearningSession, *, actor: User | None, now: dt.datetime
) -> list[Booking]:
    """Fill free places from the head of the waiting list (the caller holds the lock)."""
    promoted: list[Booking] = []
    session_day = session.starts_at.astimezone(LONDON).date()
    while queries.count_booked(session.id) < session.capacity:
        waiting = queries.find_first_waiting(session.id, on=session_day)
        if waiting is None:
            break
        waiting.status = BookingStatus.BOOKED
        db.session.flush()
        audit.record(
            "booking_promoted",
            now=now,
            actor=actor,
            subject=waiting,
            session_id=session.id,
            staff_id=waiting.staff_id,
            automatic=True,
        )
        promoted.append(waiting)
    return promoted


# Attendance and completions: writes -------------------------------------------------------
def mark_attendance(
    *, booking: Booking, attendance: Attendance, actor: User, now: dt.datetime
) -> Completion | None:
    """Record whether a person with a place attended. Attending records a verified completion
    dated the day of the session; marking "did not attend" afterwards removes it again."""
    session = queries.lock_session(booking.session_id)  # two admins marking at once make one record
    db.session.refresh(booking)
    if booking.status is not BookingStatus.BOOKED:
        raise RuleBroken({"booking": "Only people with a place can be marked as attending"})
    if session.is_cancelled:
        raise RuleBroken({"booking": "This session was cancelled"})
    if session.starts_at > now:
        raise RuleBroken({"booking": "You can record attendance once the session has started"})
    previous = booking.attendance
    booking.attendance = attendance
    completion = queries.find_completion_for_booking(booking.id)
    if attendance is Attendance.ATTENDED and completion is None:
        completed_on = _session_date(session)
        completion = Completion(
            staff_id=booking.staff_id,
            activity_id=session.activity_id,
            completed_on=completed_on,
            expires_on=expiry(completed_on, session.activity.validity_months),
            source=CompletionSource.SESSION,
            status=CompletionStatus.VERIFIED,
            booking_id=booking.id,
            recorded_at=now,
            recorded_by_id=actor.id if actor else None,
            verified_at=now,
            verified_by_id=actor.id if actor else None,
        )
        db.session.add(completion)
    elif attendance is Attendance.DID_NOT_ATTEND and completion is not None:
        db.session.delete(completion)
        audit.record(
            "completion_removed",
            now=now,
            actor=actor,
            subject=completion,
            booking_id=booking.id,
            staff_id=booking.staff_id,
        )
        completion = None
    db.session.flush()
    if previous is not attendance:
        audit.record(
            "attendance_recorded",
            now=now,
            actor=actor,
            subject=booking,
            attendance=attendance.value,
            previous=previous.value if previous else None,
            completion_id=completion.id if completion else None,
        )
    return completion


def completion_errors(*, completed_on: dt.date | None, today: dt.date) -> dict[str, str]:
    """The date rule on a completion (a date not read is not checked), also for the form to
    show with its own errors, all at once."""
    if completed_on is not None and completed_on > today:
        return {"completed_on": "Date completed must be today or in the past"}
    return {}


def record_completion(
    *,
    staff: StaffMember,
    activity: LearningActivity,
    completed_on: dt.date,
    note: str | None,
    actor: User,
    now: dt.datetime,
    today: dt.date,
) -> Completion:
    """Record by hand that someone completed an activity (e.g. training elsewhere)."""
    errors = completion_errors(completed_on=completed_on, today=today)
    if not errors and queries.find_completion_on(staff.id, activity.id, completed_on) is not None:
        errors["completed_on"] = (
            f"{staff.full_name} already has this activity recorded as completed on that date"
        )
    if errors:
        raise RuleBroken(errors)
    completion = Completion(
        staff_id=staff.id,
        activity_id=activity.id,
        completed_on=completed_on,
        expires_on=expiry(completed_on, activity.validity_months),
        source=CompletionSource.MANUAL,
        status=CompletionStatus.VERIFIED,
        note=(note or "").strip() or None,
        recorded_at=now,
        recorded_by_id=actor.id if actor else None,
        verified_at=now,
        verified_by_id=actor.id if actor else None,
    )
    db.session.add(completion)
    db.session.flush()
    audit.record(
        "completion_recorded",
        now=now,
        actor=actor,
        subject=completion,
        staff_id=staff.id,
        activity_id=activity.id,
        completed_on=completed_on.isoformat(),
    )
    return completion


# Certificates of external learning: writes -----------------------------------------------
CERTIFICATE_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG or JPEG image",
    "image/jpeg": "PNG or JPEG image",
}
CERTIFICATE_MAX_BYTES = 10 * 1024 * 1024


def certificate_errors(*, completed_on: dt.date | None, today: dt.date) -> dict[str, str]:
    """The rules on a certificate's details (a date not read is not checked), also for the form
    to show with its own errors, all at once."""
    if completed_on is not None and completed_on > today:
        return {"completed_on": "The date you completed it must be today or in the past"}
    return {}


def submit_certificate(
    *,
    staff: StaffMember,
    activity: LearningActivity,
    completed_on: dt.date,
    stream: BinaryIO,
    filename: str,
    actor: User,
    now: dt.datetime,
    today: dt.date,
) -> Completion:
    """A person's own record of external learning, with its certificate, for WFLD to verify.

    It does not count towards compliance until the WFLD team has checked the certificate.
    """
    errors = certificate_errors(completed_on=completed_on, today=today)
    if errors:
        raise RuleBroken(errors)
    if staff.has_left(today):
        raise RuleBroken({"activity": f"{staff.full_name} has left"})
    try:
        stored = files.store(
            stream, filename=filename, allowed=CERTIFICATE_TYPES, max_bytes=CERTIFICATE_MAX_BYTES
        )
    except files.UploadRefused as refused:
        raise RuleBroken({"certificate": str(refused)}) from None
    completion = Completion(
        staff_id=staff.id,
        activity_id=activity.id,
        completed_on=completed_on,
        expires_on=expiry(completed_on, activity.validity_months),
        source=CompletionSource.UPLOAD,
        status=CompletionStatus.PENDING,
        recorded_at=now,
        recorded_by_id=actor.id,
    )
    db.session.add(completion)
    db.session.flush()
    db.session.add(
        CertificateFile(
            completion_id=completion.id,
            storage_key=stored.storage_key,
            original_name=stored.original_name,
            content_type=stored.content_type,
            size_bytes=stored.size_bytes,
            sha256=stored.sha256,
            uploaded_at=now,
            uploaded_by_id=actor.id,
        )
    )
    db.session.flush()
    audit.record(
        "certificate_uploaded",
        now=now,
        actor=actor,
        subject=completion,
        activity=activity.title,
        sha256=stored.sha256,
    )
    return completion


def decide_certificate(
    *, completion: Completion, accept: bool, reason: str | None, actor: User, now: dt.datetime
) -> None:
    """The WFLD team accepts a certificate (it then counts) or sends it back with a reason."""
    if completion.status is not CompletionStatus.PENDING:
        raise RuleBroken({"decision": "This certificate has been checked already"})
    if not accept and not (reason or "").strip():
        raise RuleBroken({"reason": "Enter why the certificate cannot be accepted"})
    completion.status = CompletionStatus.VERIFIED if accept else CompletionStatus.REJECTED
    completion.verified_at = now
    completion.verified_by_id = actor.id
    if not accept:
        completion.note = reason.strip()[:500]
    db.session.flush()
    audit.record(
        "certificate_accepted" if accept else "certificate_rejected",
        now=now,
        actor=actor,
        subject=completion,
        staff_id=completion.staff_id,
        reason=completion.note if not accept else None,
    )


# Helpers ----------------------------------------------------------------------------------
def _session_date(session: LearningSession) -> dt.date:
    """The day of the session in England (a 9am session is on that day, whatever UTC says)."""
    return session.starts_at.astimezone(LONDON).date()


def _touch(session: LearningSession) -> None:
    """Move the session's version on every change to its bookings (see the model)."""
    session.version_id = session.version_id + 1


def _you(staff: StaffMember, actor: User | None) -> dict[str, str]:
    """Words for messages: "You have" to the person themselves, "Sam Jones has" to others."""
    own = (
        actor is not None
        and getattr(actor, "staff", None) is not None
        and actor.staff.id == staff.id
    )
    if own:
        return {"subject": "You", "have": "have", "are": "are", "leave": "leave"}
    return {"subject": staff.full_name, "have": "has", "are": "is", "leave": "leaves"}


def _text(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date | Decimal):
        return str(value)
    if isinstance(value, list):
        return value
    return str(value)
