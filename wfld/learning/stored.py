"""The stored statuses: each person's requirements as the dates the rules computed
(``requirement_dates``), kept up to date by whatever changes them.

- ``refresh(staff_ids)``: recompute those people's rows from their role, pathways,
  completions and bookings (``rules.standing``: the one place the dates are computed).
- Changes to one person's evidence (a completion, a booking, a session moved or cancelled, a
  new role, a personal pathway) refresh that person in the same transaction (``watch``).
- Changes that reach many people (a pathway's requirements, roles or being switched off, an
  activity's validity or the framework items it develops) record a ``Recomputation`` in the
  same transaction, run in the background with progress (jobs.py).
- ``check_sample``: the nightly check that the stored rows are what the rules say now,
  repairing (and logging) any that drifted.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, event, inspect, select, update
from sqlalchemy.orm import Session

from wfld.catalogue.models import Booking, Completion, LearningActivity, LearningSession
from wfld.core import clock
from wfld.core.db import after_commit
from wfld.extensions import db
from wfld.learning import queries
from wfld.learning.models import (
    Pathway,
    PathwayAssignment,
    PathwayRequirement,
    Recomputation,
    RecomputationState,
    RequirementDates,
    pathway_roles,
)
from wfld.learning.rules import standing
from wfld.organisation.models import StaffMember

logger = logging.getLogger(__name__)

# People recomputed per statement batch (and per progress step of a recomputation).
CHUNK = 500


@dataclass(frozen=True)
class _Need:
    """A requirement prepared once per batch, whoever it applies to."""

    requirement_id: int
    key: str
    activity_ids: tuple[int, ...]
    renewal_months: int | None
    due_within_days: int | None
    mandatory: bool
    applies_from: dt.date | None
    grace_days: int | None


def _prepare(requirement: PathwayRequirement, developing: dict[int, set[int]]) -> _Need:
    if requirement.activity_id is not None:
        key, activity_ids = f"activity-{requirement.activity_id}", (requirement.activity_id,)
    else:
        item = requirement.framework_item_id
        key, activity_ids = f"item-{item}", tuple(sorted(developing.get(item, ())))
    return _Need(
        requirement_id=requirement.id,
        key=key,
        activity_ids=activity_ids,
        renewal_months=requirement.renewal_months
        or (requirement.activity.validity_months if requirement.activity is not None else None),
        due_within_days=requirement.due_within_days,
        mandatory=requirement.is_mandatory,
        applies_from=requirement.applies_from,
        grace_days=requirement.grace_days,
    )


def _merged(needs: Iterable[_Need]) -> list[_Need]:
    """Two pathways asking the same thing count once: as mandatory if either says so."""
    out: dict[str, _Need] = {}
    for need in needs:
        held = out.get(need.key)
        if held is None or (need.mandatory and not held.mandatory):
            out[need.key] = need
    return list(out.values())


def compute(staff_ids: list[int], *, now: dt.datetime) -> list[dict]:
    """The rows these people should have now: one per requirement that applies to them."""
    if not staff_ids:
        return []
    facts = queries.staff_facts(staff_ids)
    by_role = queries.requirements_by_role({f[2] for f in facts})
    by_person = queries.requirements_by_assignment(staff_ids)
    every = [r for rs in (*by_role.values(), *by_person.values()) for r in rs]
    developing = queries.activities_developing(
        {r.framework_item_id for r in every if r.framework_item_id is not None}
    )
    prepared = {r.id: _prepare(r, developing) for r in every}
    role_needs = {role: _merged(prepared[r.id] for r in rs) for role, rs in by_role.items()}
    needed = {a for need in prepared.values() for a in need.activity_ids}
    completions = queries.latest_completions(staff_ids, needed)
    bookings = queries.booking_spans(staff_ids, now=now)
    memo: dict[tuple, tuple] = {}
    rows = []
    for staff_id, team_id, job_role_id, role_since, leaves_on in facts:
        needs = role_needs.get(job_role_id, [])
        if staff_id in by_person:
            needs = _merged([*needs, *(prepared[r.id] for r in by_person[staff_id])])
        for ordinal, need in enumerate(needs):
            done = [
                day
                for a in need.activity_ids
                if (day := completions.get(a, {}).get(staff_id)) is not None
            ]
            spans = [span for a in need.activity_ids if (span := bookings.get(a, {}).get(staff_id))]
            last = max(done) if done else None
            key = (need, last, role_since)
            found = memo.get(key)
            if found is None:
                found = memo[key] = standing(
                    due_within_days=need.due_within_days,
                    renewal_months=need.renewal_months,
                    applies_from=need.applies_from,
                    grace_days=need.grace_days,
                    last_completed_on=last,
                    role_since=role_since,
                )
            rows.append(
                {
                    "staff_id": staff_id,
                    "target_key": need.key,
                    "team_id": team_id,
                    "leaves_on": leaves_on,
                    "requirement_id": need.requirement_id,
                    "ordinal": ordinal,
                    "is_mandatory": need.mandatory,
                    "by_completion": found.by_completion,
                    "due_on": found.due_on,
                    "overdue_on": found.overdue_on,
                    "expires_on": found.expires_on,
                    "applies_from": found.applies_from,
                    "completed_on": last,
                    "booked_at": min(s[0] for s in spans) if spans else None,
                    "booked_until": max(s[1] for s in spans) if spans else None,
                    "computed_at": now,
                }
            )
    return rows


def refresh(staff_ids: Iterable[int], *, now: dt.datetime) -> int:
    """Recompute these people's rows (in the current transaction); how many rows now."""
    ids = sorted(set(staff_ids))
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = compute(chunk, now=now)
        db.session.execute(
            delete(RequirementDates).where(RequirementDates.staff_id.in_(chunk)),
            execution_options={"synchronize_session": False},
        )
        _write(rows)
        written += len(rows)
    return written


_COLUMNS = [c.name for c in RequirementDates.__table__.columns]


def _driver_value(value: dt.date, sqlite: bool) -> object:
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else value
    return value.isoformat() if sqlite else value


def _write(rows: list[dict]) -> None:
    """Insert the rows with one executemany of plain values: tens of thousands of rows for a
    pathway change, where SQLAlchemy's per-value type processing took most of the time.
    Values are what its column types would send: on SQLite ISO text (as ``Date`` and
    ``UTCDateTime`` store them), on PostgreSQL dates and naive UTC datetimes."""
    if not rows:
        return
    connection = db.session.connection()
    sqlite = connection.dialect.name == "sqlite"

    seen: dict = {}  # a few thousand distinct days among the rows

    def plain(value: object) -> object:
        if value is None or value.__class__ in (int, bool, str):
            return value
        found = seen.get(value)
        if found is None:
            found = seen[value] = _driver_value(value, sqlite)
        return found

    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    # Names from the table's own metadata, values as parameters.
    table, columns = RequirementDates.__tablename__, ", ".join(_COLUMNS)
    values = ", ".join([marker] * len(_COLUMNS))
    # Two transactions refreshing the same person at once (a booking while a recomputation
    # passes them): the later one's rows win instead of failing on the primary key.
    keys = ("staff_id", "target_key")
    updates = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c not in keys)
    statement = (
        f"INSERT INTO {table} ({columns}) VALUES ({values}) "  # noqa: S608
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    )
    connection.exec_driver_sql(statement, [tuple(plain(row[c]) for c in _COLUMNS) for row in rows])


def forget_requirement(requirement_id: int) -> None:
    """Drop the rows a requirement made (before it is deleted)."""
    db.session.execute(
        delete(RequirementDates).where(RequirementDates.requirement_id == requirement_id),
        execution_options={"synchronize_session": False},
    )


def any_stored() -> bool:
    return db.session.scalar(select(RequirementDates.staff_id).limit(1)) is not None


def rebuild_all(*, now: dt.datetime) -> int:
    """Every staff record's rows (after a bulk load, or to start afresh)."""
    ids = list(db.session.scalars(select(StaffMember.id)))
    return refresh(ids, now=now)


# Keeping the rows up to date --------------------------------------------------------------
_PEOPLE = "learning.stored.people"  # session.info: staff ids to refresh before commit
_SESSIONS = "learning.stored.sessions"  # learning sessions moved or cancelled
_BUSY = "learning.stored.busy"
_PAUSED = "learning.stored.paused"
_NEW_STAFF = "learning.stored.new_staff"  # staff records added or changed (ids after flush)

# Changes to these attributes of a staff record change which requirements apply, or when
# (or, the team and leaving date, where and whether they are counted).
_STAFF_FIELDS = ("job_role_id", "job_role_since", "team_id", "leaving_date")


def _changed(obj: object, *names: str) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


@contextmanager
def bulk_load(session: Session) -> Iterator[None]:
    """Loading a whole council at once: nothing is noted or refreshed row by row; the loader
    calls ``rebuild_all`` before it commits."""
    session.info[_PAUSED] = True
    try:
        yield
    finally:
        session.info.pop(_PAUSED, None)
        _forget(session)


def _collect(session: Session, _context: object, _instances: object) -> None:
    """Before each flush: note whose rows this change of evidence touches."""
    if session.info.get(_BUSY) or session.info.get(_PAUSED):
        return
    people: set[int] = session.info.setdefault(_PEOPLE, set())
    moved: set[int] = session.info.setdefault(_SESSIONS, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Booking | Completion | PathwayAssignment):
            if obj.staff_id is not None:
                people.add(obj.staff_id)
            if isinstance(obj, Booking | Completion) and obj in session.dirty:
                old = inspect(obj).attrs.staff_id.history.deleted
                people.update(s for s in old if s is not None)
        elif isinstance(obj, StaffMember):
            if obj in session.new or _changed(obj, *_STAFF_FIELDS):
                # A new record has no id before this flush: it is picked up after it.
                session.info.setdefault(_NEW_STAFF, []).append(obj)
        elif isinstance(obj, LearningSession) and obj in session.dirty:
            if _changed(obj, "starts_at", "is_cancelled") and obj.id is not None:
                moved.add(obj.id)
        elif isinstance(obj, LearningActivity) and obj in session.dirty:
            if _changed(obj, "validity_months", "framework_items"):
                _ask_recompute(session, activity_id=obj.id, reason="An activity changed")
        elif isinstance(obj, PathwayRequirement):
            pathway_id = obj.pathway_id or (obj.pathway.id if obj.pathway else None)
            if pathway_id is not None:
                _ask_recompute(session, pathway_id=pathway_id, reason="A requirement changed")
        elif (
            isinstance(obj, Pathway)
            and obj in session.dirty
            and _changed(obj, "is_active", "roles")
        ):
            # The roles it had and has: people losing it are recomputed too.
            history = inspect(obj).attrs.roles.history
            roles = {r.id for r in (*history.deleted, *history.added, *history.unchanged)}
            _ask_recompute(session, pathway_id=obj.id, roles=roles, reason="A pathway changed")


def _ask_recompute(
    session: Session,
    *,
    pathway_id: int | None = None,
    activity_id: int | None = None,
    roles: set[int] | None = None,
    reason: str,
) -> None:
    """Note (once per transaction and thing) that many people's rows need recomputing."""
    asked: dict = session.info.setdefault("learning.stored.asked", {})
    key = (pathway_id, activity_id)
    held = asked.setdefault(key, {"roles": set(), "reason": reason})
    held["roles"] |= roles or set()


def _before_commit(session: Session) -> None:
    """Refresh the people noted, and record the recomputations asked for, before the
    transaction commits: the rows change with the evidence or not at all."""
    if session.info.get(_BUSY) or session.info.get(_PAUSED):
        return
    session.flush()  # the last changes (noted by _collect) and new records' ids
    session.info[_BUSY] = True
    try:
        people = session.info.pop(_PEOPLE, set())
        for obj in session.info.pop(_NEW_STAFF, []):
            if obj.id is not None:
                people.add(obj.id)
        moved = session.info.pop(_SESSIONS, set())
        if moved:
            people |= set(
                session.scalars(select(Booking.staff_id).where(Booking.session_id.in_(moved)))
            )
        asked = session.info.pop("learning.stored.asked", {})
        if people:
            refresh(people, now=clock.now())
        queued = False
        for (pathway_id, activity_id), held in asked.items():
            roles = held["roles"] | _roles_of(pathway_id)
            reached = affected_people(pathway_id=pathway_id, activity_id=activity_id, roles=roles)
            if len(reached) <= current_app.config["STATUS_SYNC_LIMIT"]:
                refresh(reached, now=clock.now())  # few people: now, with the change itself
                continue
            request_recompute(
                pathway_id=pathway_id, activity_id=activity_id, roles=roles, reason=held["reason"]
            )
            queued = True
        session.flush()
        if queued:
            from wfld.learning.jobs import start_pending  # the tasks sit above this module

            after_commit(session, start_pending)
    finally:
        session.info[_BUSY] = False


def _forget(session: Session, *_args: object) -> None:
    for name in (_PEOPLE, _SESSIONS, _NEW_STAFF, "learning.stored.asked"):
        session.info.pop(name, None)


def watch(session_class: type = Session) -> None:
    """Keep the rows up to date on every session (called once by the app factory)."""
    if event.contains(session_class, "before_flush", _collect):
        return
    event.listen(session_class, "before_flush", _collect)
    event.listen(session_class, "before_commit", _before_commit)
    event.listen(session_class, "after_rollback", _forget)


# Recomputations for changes that reach many people ------------------------------------------
def request_recompute(
    *,
    pathway_id: int | None = None,
    activity_id: int | None = None,
    roles: set[int] | None = None,
    reason: str,
) -> Recomputation:
    """Record a recomputation (pending) in the current transaction. An unfinished earlier
    one for the same pathway or activity is superseded: the new one takes over its roles."""
    roles = set(roles or ()) | _roles_of(pathway_id)
    earlier = list(
        db.session.scalars(
            select(Recomputation).where(
                Recomputation.pathway_id.is_(pathway_id)
                if pathway_id is None
                else Recomputation.pathway_id == pathway_id,
                Recomputation.activity_id.is_(activity_id)
                if activity_id is None
                else Recomputation.activity_id == activity_id,
                Recomputation.state.in_([RecomputationState.PENDING, RecomputationState.RUNNING]),
            )
        )
    )
    now = clock.now()
    for old in earlier:
        roles |= old.roles
        old.state = RecomputationState.SUPERSEDED
        old.finished_at = now
    recomputation = Recomputation(
        pathway_id=pathway_id,
        activity_id=activity_id,
        role_ids=",".join(str(r) for r in sorted(roles)),
        reason=reason,
        state=RecomputationState.PENDING,
        done=0,
        requested_at=now,
    )
    db.session.add(recomputation)
    return recomputation


def _roles_of(pathway_id: int | None) -> set[int]:
    if pathway_id is None:
        return set()
    return set(
        db.session.scalars(
            select(pathway_roles.c.job_role_id).where(pathway_roles.c.pathway_id == pathway_id)
        )
    )


def affected_people(
    *, pathway_id: int | None, activity_id: int | None, roles: set[int]
) -> list[int]:
    """Who a change reaches: people in these roles, people given the pathway, and anyone
    whose rows come from the pathway or name the activity."""
    ids: set[int] = set()
    if roles:
        ids |= set(
            db.session.scalars(
                select(StaffMember.id).where(StaffMember.job_role_id.in_(sorted(roles)))
            )
        )
    if pathway_id is not None:
        ids |= set(
            db.session.scalars(
                select(PathwayAssignment.staff_id).where(PathwayAssignment.pathway_id == pathway_id)
            )
        )
        ids |= set(
            db.session.scalars(
                select(RequirementDates.staff_id)
                .join(PathwayRequirement, PathwayRequirement.id == RequirementDates.requirement_id)
                .where(PathwayRequirement.pathway_id == pathway_id)
            )
        )
    if activity_id is not None:
        ids |= set(queries.staff_with_activity_rows(activity_id))
    return sorted(ids)


def run_recomputation(
    recomputation_id: int,
    *,
    now_of: Callable[[], dt.datetime] = clock.now,
    force: bool = False,
) -> RecomputationState | None:
    """Recompute a recomputation's people a chunk at a time, committing each (with its
    progress), until done, or superseded by a later one. Run again after a stopped consumer,
    it starts afresh: each chunk is a complete recomputation of its people."""
    recomputation = db.session.get(Recomputation, recomputation_id)
    finished = (RecomputationState.DONE, RecomputationState.SUPERSEDED)
    if recomputation is None or recomputation.state in finished:
        db.session.rollback()
        return None
    if recomputation.state is RecomputationState.RUNNING and not force:
        db.session.rollback()
        return None  # delivered twice: the other delivery has it in hand
    recomputation.state = RecomputationState.RUNNING
    recomputation.started_at = recomputation.heartbeat_at = now_of()
    people = affected_people(
        pathway_id=recomputation.pathway_id,
        activity_id=recomputation.activity_id,
        roles=recomputation.roles | _roles_of(recomputation.pathway_id),
    )
    recomputation.total = len(people)
    recomputation.done = 0
    db.session.commit()
    for start in range(0, len(people), CHUNK):
        current = db.session.scalar(
            select(Recomputation.state).where(Recomputation.id == recomputation_id)
        )
        if current is not RecomputationState.RUNNING:
            db.session.rollback()
            return current  # superseded meanwhile: the later one does the work
        refresh(people[start : start + CHUNK], now=now_of())
        db.session.execute(
            update(Recomputation)
            .where(
                Recomputation.id == recomputation_id,
                Recomputation.state == RecomputationState.RUNNING,
            )
            .values(done=min(start + CHUNK, len(people)), heartbeat_at=now_of())
        )
        db.session.commit()
    db.session.execute(
        update(Recomputation)
        .where(
            Recomputation.id == recomputation_id, Recomputation.state == RecomputationState.RUNNING
        )
        .values(state=RecomputationState.DONE, finished_at=now_of(), done=len(people))
    )
    db.session.commit()
    return RecomputationState.DONE


# Checking ------------------------------------------------------------------------------
_COMPARED = (
    "team_id",
    "leaves_on",
    "requirement_id",
    "ordinal",
    "is_mandatory",
    "by_completion",
    "due_on",
    "overdue_on",
    "expires_on",
    "applies_from",
    "completed_on",
    "booked_at",
    "booked_until",
)


def drifted(staff_ids: list[int], *, now: dt.datetime) -> set[int]:
    """Those of these people whose stored rows differ from what the rules give now."""
    fresh: dict[tuple[int, str], tuple] = {
        (row["staff_id"], row["target_key"]): tuple(row[c] for c in _COMPARED)
        for row in compute(staff_ids, now=now)
    }
    held = queries.stored_dates_of(staff_ids)
    out = set()
    for key in fresh.keys() | held.keys():
        if _normal(fresh.get(key)) != _normal(held.get(key)):
            out.add(key[0])
    return out


def _normal(row: tuple | None) -> tuple | None:
    """Datetimes compared in UTC to the second (as stored)."""
    if row is None:
        return None
    return tuple(
        v.astimezone(dt.UTC).replace(microsecond=0) if isinstance(v, dt.datetime) else v
        for v in row
    )


def check_sample(
    *, now: dt.datetime, size: int | None, rng: random.Random | None = None
) -> set[int]:
    """The nightly check: a random sample of ``size`` people (None: everyone) compared with
    the rules, and recomputed where their rows drifted; the people repaired (logged)."""
    ids = list(db.session.scalars(select(StaffMember.id)))
    sample = ids if size is None else (rng or random.Random()).sample(ids, min(size, len(ids)))
    repaired: set[int] = set()
    for chunk in chunks(sorted(sample)):
        repaired |= drifted(chunk, now=now)
    if repaired:
        logger.warning(
            "Stored learning statuses had drifted for %d of %d people checked: repaired (%s)",
            len(repaired),
            len(sample),
            ", ".join(str(i) for i in sorted(repaired)[:20]),
        )
        refresh(repaired, now=now)
    return repaired


def roll_bookings_on(*, now: dt.datetime) -> int:
    """People whose shown booking has passed while a later one is still to come: refreshed
    so the page names the next one (their status was right all along)."""
    ids = queries.staff_with_passed_bookings(now)
    if ids:
        refresh(ids, now=now)
    return len(ids)


def chunks(ids: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
