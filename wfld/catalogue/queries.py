"""Catalogue reads: activities, their sessions, bookings, completions and certificates.

``list_``/``find_``/``count_`` functions; the writes are in ``services``. ``lock_session`` is
the one read that takes a write lock (see ``services``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from wfld.catalogue.models import (
    Booking,
    BookingStatus,
    Completion,
    CompletionStatus,
    LearningActivity,
    LearningSession,
)
from wfld.core.db import contains_pattern
from wfld.core.errors_domain import RuleBroken
from wfld.extensions import db
from wfld.frameworks import queries as framework_queries
from wfld.frameworks.models import FrameworkItem, FrameworkVersion
from wfld.organisation.models import StaffMember


# Activities: reads ------------------------------------------------------------------------
def list_activities(
    *, search: str = "", category: str = "", include_inactive: bool = False
) -> list[LearningActivity]:
    query = select(LearningActivity).order_by(
        func.lower(LearningActivity.title), LearningActivity.id
    )
    if search.strip():
        term = contains_pattern(search)
        query = query.where(LearningActivity.title.ilike(term, escape="\\"))
    if category:
        query = query.where(LearningActivity.category == category)
    if not include_inactive:
        query = query.where(LearningActivity.is_active.is_(True))
    return list(db.session.scalars(query))


def list_categories(*, include_inactive: bool = False) -> list[str]:
    query = select(LearningActivity.category).distinct().order_by(LearningActivity.category)
    if not include_inactive:
        query = query.where(LearningActivity.is_active.is_(True))
    return list(db.session.scalars(query))


def list_all_activities() -> list[LearningActivity]:
    """Every activity, withdrawn ones too (a completion may be of an older course)."""
    return list(
        db.session.scalars(
            select(LearningActivity).order_by(
                func.lower(LearningActivity.title), LearningActivity.id
            )
        )
    )


def list_active_activities() -> list[LearningActivity]:
    """The activities on offer, by title (withdrawn ones left out), for choosing one."""
    return list(
        db.session.scalars(
            select(LearningActivity)
            .where(LearningActivity.is_active.is_(True))
            .order_by(LearningActivity.title)
        )
    )


def count_activities(*, include_inactive: bool = True) -> int:
    query = select(func.count()).select_from(LearningActivity)
    if not include_inactive:
        query = query.where(LearningActivity.is_active.is_(True))
    return db.session.scalar(query) or 0


def find_activity(activity_id: int) -> LearningActivity | None:
    return db.session.get(
        LearningActivity,
        activity_id,
        options=[
            selectinload(LearningActivity.framework_items)
            .joinedload(FrameworkItem.version)
            .joinedload(FrameworkVersion.framework)
        ],
    )


def find_activity_by_title(title: str) -> LearningActivity | None:
    return db.session.scalar(
        select(LearningActivity).where(func.lower(LearningActivity.title) == title.strip().lower())
    )


@dataclass(frozen=True)
class ItemGroup:
    """The items of one framework version, depth-first, for the activity form's checkboxes."""

    version: FrameworkVersion
    items: list[FrameworkItem]
    is_current: bool = True


def list_framework_item_groups(*, today: dt.date) -> list[ItemGroup]:
    """The current published version of every framework, with its items (a few queries)."""
    current = [
        version
        for framework in framework_queries.list_frameworks()
        if (version := framework_queries.current_version(framework, today=today)) is not None
    ]
    if not current:
        return []
    # Load every version's items in one go, so walking the trees below runs no queries.
    db.session.scalars(
        select(FrameworkVersion)
        .where(FrameworkVersion.id.in_([v.id for v in current]))
        .options(selectinload(FrameworkVersion.items))
    ).all()
    return [
        ItemGroup(
            version,
            [n.item for n in framework_queries.item_tree(version) if not n.item.is_retired],
        )
        for version in current
    ]


def find_framework_item(framework_code: str, item_code: str, *, today: dt.date) -> FrameworkItem:
    """An item of a framework's current published version; RuleBroken if there is none."""
    framework = framework_queries.find_framework_by_code(framework_code)
    if framework is None:
        raise RuleBroken({"framework_items": f"There is no framework with code {framework_code}"})
    version = framework_queries.current_version(framework, today=today)
    if version is None:
        raise RuleBroken(
            {"framework_items": f"{framework.code} has no published version to link to"}
        )
    item = framework_queries.find_item_by_code(version.id, item_code)
    if item is None or item.is_retired:
        raise RuleBroken(
            {
                "framework_items": f"{framework.code} version {version.label} "
                f"has no item with code {item_code}"
            }
        )
    return item


def list_framework_items(item_ids: list[int]) -> list[FrameworkItem]:
    if not item_ids:
        return []
    return list(
        db.session.scalars(
            select(FrameworkItem)
            .where(FrameworkItem.id.in_(item_ids))
            .options(joinedload(FrameworkItem.version).joinedload(FrameworkVersion.framework))
            .order_by(FrameworkItem.version_id, FrameworkItem.position)
        )
    )


# Sessions: reads --------------------------------------------------------------------------
@dataclass(frozen=True)
class SessionRow:
    session: LearningSession
    booked: int
    waiting: int
    my_booking: Booking | None = None  # the viewer's own booking, if any (cancelled too)

    @property
    def places_left(self) -> int:
        return max(0, self.session.capacity - self.booked)

    @property
    def is_full(self) -> bool:
        return self.places_left == 0

    @property
    def my_status(self) -> BookingStatus | None:
        """The viewer's live booking status: booked, waiting, or None (never or cancelled)."""
        if self.my_booking is None or self.my_booking.status is BookingStatus.CANCELLED:
            return None
        return self.my_booking.status


def _count_of(status: BookingStatus):  # noqa: ANN202 - a correlated SQL expression
    return (
        select(func.count(Booking.id))
        .where(Booking.session_id == LearningSession.id, Booking.status == status)
        .correlate(LearningSession)
        .scalar_subquery()
    )


def _session_rows(query, *, staff_id: int | None) -> list[SessionRow]:  # noqa: ANN001
    rows = db.session.execute(
        query.add_columns(_count_of(BookingStatus.BOOKED), _count_of(BookingStatus.WAITING))
    ).all()
    mine: dict[int, Booking] = {}
    if staff_id is not None and rows:
        mine = {
            b.session_id: b
            for b in db.session.scalars(
                select(Booking).where(
                    Booking.staff_id == staff_id,
                    Booking.session_id.in_([session.id for session, _, _ in rows]),
                )
            )
        }
    return [SessionRow(s, booked, waiting, mine.get(s.id)) for s, booked, waiting in rows]


def list_upcoming_sessions(
    activity_id: int, *, now: dt.datetime, staff_id: int | None = None
) -> list[SessionRow]:
    """Sessions still to start and not cancelled, soonest first, with their places taken."""
    return _session_rows(
        select(LearningSession)
        .where(
            LearningSession.activity_id == activity_id,
            LearningSession.starts_at > now,
            LearningSession.is_cancelled.is_(False),
        )
        .order_by(LearningSession.starts_at, LearningSession.id),
        staff_id=staff_id,
    )


def list_past_sessions(activity_id: int, *, now: dt.datetime, limit: int = 20) -> list[SessionRow]:
    """Sessions that have started, and cancelled ones, latest first (for the WFLD team)."""
    return _session_rows(
        select(LearningSession)
        .where(
            LearningSession.activity_id == activity_id,
            or_(LearningSession.starts_at <= now, LearningSession.is_cancelled.is_(True)),
        )
        .order_by(LearningSession.starts_at.desc(), LearningSession.id.desc())
        .limit(limit),
        staff_id=None,
    )


def count_upcoming_sessions(activity_id: int, *, now: dt.datetime) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(LearningSession)
            .where(
                LearningSession.activity_id == activity_id,
                LearningSession.starts_at > now,
                LearningSession.is_cancelled.is_(False),
            )
        )
        or 0
    )


def find_session(session_id: int) -> LearningSession | None:
    return db.session.get(
        LearningSession, session_id, options=[joinedload(LearningSession.activity)]
    )


def lock_session(session_id: int) -> LearningSession:
    """The session, write-locked until the transaction ends, and re-read from the database.

    ``populate_existing``: the request may have loaded the session before it waited for the
    lock; what another transaction committed meanwhile must replace that stale copy.
    """
    return db.session.execute(
        select(LearningSession)
        .where(LearningSession.id == session_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def count_booked(session_id: int) -> int:
    return _count_bookings(session_id, BookingStatus.BOOKED)


def count_waiting(session_id: int) -> int:
    return _count_bookings(session_id, BookingStatus.WAITING)


def _count_bookings(session_id: int, status: BookingStatus) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Booking)
            .where(Booking.session_id == session_id, Booking.status == status)
        )
        or 0
    )


# Bookings: reads --------------------------------------------------------------------------
@dataclass(frozen=True)
class BookingRow:
    booking: Booking
    staff: StaffMember
    completion: Completion | None = None


def find_booking(booking_id: int) -> Booking | None:
    return db.session.get(
        Booking,
        booking_id,
        options=[joinedload(Booking.session).joinedload(LearningSession.activity)],
    )


def find_booking_for(session_id: int, staff_id: int) -> Booking | None:
    return db.session.scalar(
        select(Booking).where(Booking.session_id == session_id, Booking.staff_id == staff_id)
    )


def list_live_bookings(session_id: int) -> list[Booking]:
    """The session's bookings that still hold a place or a spot on the waiting list."""
    return list(
        db.session.scalars(
            select(Booking).where(
                Booking.session_id == session_id,
                Booking.status.in_([BookingStatus.BOOKED, BookingStatus.WAITING]),
            )
        )
    )


def find_first_waiting(session_id: int, *, on: dt.date) -> Booking | None:
    """The head of the waiting list, first come first served, skipping anyone who will have
    left by the day of the session."""
    return db.session.scalar(
        select(Booking)
        .join(StaffMember, Booking.staff_id == StaffMember.id)
        .where(
            Booking.session_id == session_id,
            Booking.status == BookingStatus.WAITING,
            or_(StaffMember.leaving_date.is_(None), StaffMember.leaving_date > on),
        )
        .order_by(Booking.requested_at, Booking.id)
        .limit(1)
    )


def list_session_bookings(session_id: int, *, status: BookingStatus) -> list[BookingRow]:
    """People booked (by name, with any completion their attendance made) or waiting (in
    the order they asked)."""
    query = (
        select(Booking, StaffMember, Completion)
        .join(StaffMember, Booking.staff_id == StaffMember.id)
        .outerjoin(Completion, Completion.booking_id == Booking.id)
        .where(Booking.session_id == session_id, Booking.status == status)
        .options(joinedload(StaffMember.team))
    )
    if status is BookingStatus.WAITING:
        query = query.order_by(Booking.requested_at, Booking.id)
    else:
        query = query.order_by(StaffMember.last_name, StaffMember.first_name, Booking.id)
    return [BookingRow(b, s, c) for b, s, c in db.session.execute(query)]


def list_bookings_of_staff(
    staff_id: int, *, now: dt.datetime, upcoming: bool, limit: int = 50
) -> list[Booking]:
    """A person's bookings: upcoming places and waiting-list entries (soonest first), or
    the sessions they had a place on that have started (latest first)."""
    query = (
        select(Booking)
        .join(Booking.session)
        .options(contains_eager(Booking.session).joinedload(LearningSession.activity))
        .where(Booking.staff_id == staff_id)
    )
    if upcoming:
        query = query.where(
            LearningSession.starts_at > now,
            Booking.status.in_([BookingStatus.BOOKED, BookingStatus.WAITING]),
        ).order_by(LearningSession.starts_at, Booking.id)
    else:
        query = query.where(
            LearningSession.starts_at <= now,
            LearningSession.is_cancelled.is_(False),
            Booking.status == BookingStatus.BOOKED,
        ).order_by(LearningSession.starts_at.desc(), Booking.id.desc())
    return list(db.session.scalars(query.limit(limit)))


# Completions: reads -----------------------------------------------------------------------
def find_completion_for_booking(booking_id: int) -> Completion | None:
    return db.session.scalar(select(Completion).where(Completion.booking_id == booking_id))


def find_completion_on(staff_id: int, activity_id: int, completed_on: dt.date) -> Completion | None:
    """The person's completion of the activity on that day that still stands (not sent back)."""
    return db.session.scalar(
        select(Completion).where(
            Completion.staff_id == staff_id,
            Completion.activity_id == activity_id,
            Completion.completed_on == completed_on,
            Completion.status != CompletionStatus.REJECTED,
        )
    )


def find_valid_completion(staff_id: int, activity_id: int, *, today: dt.date) -> Completion | None:
    """The person's latest verified completion of the activity that is still valid today (it
    does not expire, or expires after today), or None."""
    return db.session.scalar(
        select(Completion)
        .where(
            Completion.staff_id == staff_id,
            Completion.activity_id == activity_id,
            Completion.status == CompletionStatus.VERIFIED,
            or_(Completion.expires_on.is_(None), Completion.expires_on > today),
        )
        .order_by(Completion.completed_on.desc(), Completion.id.desc())
        .limit(1)
    )


def count_completions(*, staff_id: int | None = None, activity_id: int | None = None) -> int:
    query = select(func.count()).select_from(Completion)
    if staff_id is not None:
        query = query.where(Completion.staff_id == staff_id)
    if activity_id is not None:
        query = query.where(Completion.activity_id == activity_id)
    return db.session.scalar(query) or 0


def find_completion(completion_id: int) -> Completion | None:
    """A completion with what its pages show: the activity, the certificate, the person and
    their team."""
    return db.session.get(
        Completion,
        completion_id,
        options=[
            joinedload(Completion.activity),
            joinedload(Completion.certificate),
            joinedload(Completion.staff).joinedload(StaffMember.team),
        ],
    )


def completions_without(staff_id: int, *, exclude: Select, limit: int) -> list[Completion]:
    """A person's latest counted completions, leaving out the ids ``exclude`` selects (for
    example, the ones already written up as CPD)."""
    query = (
        select(Completion)
        .where(
            Completion.staff_id == staff_id,
            Completion.status == CompletionStatus.VERIFIED,
        )
        .options(joinedload(Completion.activity))
        .order_by(Completion.completed_on.desc(), Completion.id.desc())
        .where(Completion.id.not_in(exclude))
        .limit(limit)
    )
    return list(db.session.scalars(query))


# Certificates: reads ----------------------------------------------------------------------
def list_pending_certificates() -> list[Completion]:
    """Uploaded certificates waiting for the WFLD team, oldest first."""
    return list(
        db.session.scalars(
            select(Completion)
            .where(Completion.status == CompletionStatus.PENDING)
            .options(
                joinedload(Completion.activity),
                joinedload(Completion.certificate),
                joinedload(Completion.staff).joinedload(StaffMember.team),
            )
            .order_by(Completion.recorded_at)
        )
    )


def list_certificates_of(staff_id: int) -> list[Completion]:
    """A person's uploaded certificates that are waiting or were sent back."""
    return list(
        db.session.scalars(
            select(Completion)
            .where(
                Completion.staff_id == staff_id,
                Completion.status.in_([CompletionStatus.PENDING, CompletionStatus.REJECTED]),
            )
            .options(joinedload(Completion.activity))
            .order_by(Completion.recorded_at.desc())
        )
    )
