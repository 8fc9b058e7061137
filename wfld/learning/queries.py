"""Reads for pathways and compliance. Each returns whole sets, never one row per person."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import NamedTuple

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    any_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import joinedload, selectinload

from wfld.catalogue.models import (
    Booking,
    BookingStatus,
    Completion,
    CompletionStatus,
    LearningSession,
    activity_framework_items,
)
from wfld.core.db import UTCDateTime, fast_dates, plain_rows, to_date
from wfld.extensions import db
from wfld.frameworks.models import (
    Framework,
    FrameworkItem,
    FrameworkLevel,
    FrameworkVersion,
    RoleExpectedLevel,
    VersionStatus,
)
from wfld.learning.models import (
    Pathway,
    PathwayAssignment,
    PathwayRequirement,
    Recomputation,
    RecomputationState,
    RequirementDates,
    pathway_roles,
)
from wfld.learning.rules import Status
from wfld.organisation.models import StaffMember, Team
from wfld.organisation.scopes import StaffScope


# Pathways -------------------------------------------------------------------------------
def list_pathways(*, include_inactive: bool = False) -> list[Pathway]:
    query = (
        select(Pathway)
        .options(
            selectinload(Pathway.roles),
            selectinload(Pathway.requirements).joinedload(PathwayRequirement.activity),
            selectinload(Pathway.requirements).joinedload(PathwayRequirement.framework_item),
        )
        .order_by(Pathway.name)
    )
    if not include_inactive:
        query = query.where(Pathway.is_active.is_(True))
    return list(db.session.scalars(query))


def find_pathway(pathway_id: int) -> Pathway | None:
    return db.session.get(
        Pathway,
        pathway_id,
        options=[
            selectinload(Pathway.roles),
            selectinload(Pathway.requirements).joinedload(PathwayRequirement.activity),
            selectinload(Pathway.requirements)
            .joinedload(PathwayRequirement.framework_item)
            .joinedload(FrameworkItem.version)
            .joinedload(FrameworkVersion.framework),
        ],
    )


def find_pathway_by_name(name: str) -> Pathway | None:
    return db.session.scalar(
        select(Pathway).where(func.lower(Pathway.name) == name.strip().lower())
    )


def find_requirement(requirement_id: int) -> PathwayRequirement | None:
    return db.session.get(
        PathwayRequirement, requirement_id, options=[joinedload(PathwayRequirement.pathway)]
    )


def next_requirement_position(pathway_id: int) -> int:
    highest = db.session.scalar(
        select(func.max(PathwayRequirement.position)).where(
            PathwayRequirement.pathway_id == pathway_id
        )
    )
    return (highest or 0) + 1


def list_assignments(pathway_id: int) -> list[tuple[PathwayAssignment, StaffMember]]:
    rows = db.session.execute(
        select(PathwayAssignment, StaffMember)
        .join(StaffMember, StaffMember.id == PathwayAssignment.staff_id)
        .where(PathwayAssignment.pathway_id == pathway_id)
        .order_by(StaffMember.last_name, StaffMember.first_name)
    )
    return [(assignment, staff) for assignment, staff in rows]


def find_assignment_by_id(assignment_id: int) -> PathwayAssignment | None:
    return db.session.get(PathwayAssignment, assignment_id)


def find_assignment(pathway_id: int, staff_id: int) -> PathwayAssignment | None:
    return db.session.scalar(
        select(PathwayAssignment).where(
            PathwayAssignment.pathway_id == pathway_id, PathwayAssignment.staff_id == staff_id
        )
    )


# Compliance inputs: each a single statement over a set of people (a SELECT of their ids,
# or the ids themselves) ---------------------------------------------------------------
def _among(column: ColumnElement, people: Select | list[int]) -> ColumnElement[bool]:
    """column IN (a SELECT of staff ids, or the ids). Listed ids go to PostgreSQL as one array
    parameter: 700 separate parameters cost more to send than the query took to run."""
    if isinstance(people, list) and db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, people, type_=postgresql.ARRAY(Integer)))
    return column.in_(people)


def staff_in(scope: Select) -> list[StaffMember]:
    """The people whose ids the scope selects, with team, service area and role loaded."""
    return list(
        db.session.scalars(
            select(StaffMember)
            .where(StaffMember.id.in_(scope))
            .options(
                joinedload(StaffMember.team).joinedload(Team.service_area),
                joinedload(StaffMember.job_role),
            )
            .order_by(StaffMember.last_name, StaffMember.first_name, StaffMember.id)
        )
    )


def staff_facts(
    people: Select | list[int],
) -> list[tuple[int, int, int, dt.date, dt.date | None]]:
    """(id, team id, job role id, in role since, leaving date) of these people."""
    return [
        tuple(row)
        for row in db.session.execute(
            select(
                StaffMember.id,
                StaffMember.team_id,
                StaffMember.job_role_id,
                StaffMember.job_role_since,
                StaffMember.leaving_date,
            ).where(_among(StaffMember.id, people))
        )
    ]


def staff_by_id(ids: list[int]) -> dict[int, StaffMember]:
    """The people with these ids, with their team loaded."""
    if not ids:
        return {}
    return {
        staff.id: staff
        for staff in db.session.scalars(
            select(StaffMember).where(StaffMember.id.in_(ids)).options(joinedload(StaffMember.team))
        )
    }


def team_names(team_ids: set[int]) -> dict[int, str]:
    if not team_ids:
        return {}
    return dict(db.session.execute(select(Team.id, Team.name).where(Team.id.in_(team_ids))).all())


def _requirement_options():  # noqa: ANN202
    return (
        joinedload(PathwayRequirement.pathway),
        joinedload(PathwayRequirement.activity),
        joinedload(PathwayRequirement.framework_item)
        .joinedload(FrameworkItem.version)
        .joinedload(FrameworkVersion.framework),
    )


def requirements_by_role(role_ids: set[int]) -> dict[int, list[PathwayRequirement]]:
    """job role id → requirements of the active pathways of that role, for these roles."""
    if not role_ids:
        return {}
    rows = db.session.execute(
        select(pathway_roles.c.job_role_id, PathwayRequirement)
        .join(PathwayRequirement, PathwayRequirement.pathway_id == pathway_roles.c.pathway_id)
        .join(Pathway, Pathway.id == PathwayRequirement.pathway_id)
        .where(Pathway.is_active.is_(True), pathway_roles.c.job_role_id.in_(sorted(role_ids)))
        .options(*_requirement_options())
        .order_by(Pathway.name, PathwayRequirement.position)
    ).all()
    out: dict[int, list[PathwayRequirement]] = defaultdict(list)
    for role_id, requirement in rows:
        out[role_id].append(requirement)
    return out


def requirements_by_assignment(scope: Select | list[int]) -> dict[int, list[PathwayRequirement]]:
    """staff id → requirements of pathways assigned to them personally."""
    rows = db.session.execute(
        select(PathwayAssignment.staff_id, PathwayRequirement)
        .join(PathwayRequirement, PathwayRequirement.pathway_id == PathwayAssignment.pathway_id)
        .join(Pathway, Pathway.id == PathwayRequirement.pathway_id)
        .where(Pathway.is_active.is_(True), _among(PathwayAssignment.staff_id, scope))
        .options(*_requirement_options())
        .order_by(Pathway.name, PathwayRequirement.position)
    ).all()
    out: dict[int, list[PathwayRequirement]] = defaultdict(list)
    for staff_id, requirement in rows:
        out[staff_id].append(requirement)
    return out


def latest_completions(
    scope: Select | list[int], activity_ids: set[int]
) -> dict[int, dict[int, dt.date]]:
    """activity id → {staff id → the date of their latest verified completion}, for these
    activities. (They are picked out here, not in SQL: an IN list on the activity made SQLite,
    without planner statistics, probe the index once per person and activity, 2x slower.)"""
    if not activity_ids:
        return {}
    rows = plain_rows(
        db.session,
        select(
            Completion.activity_id,
            Completion.staff_id,
            fast_dates(func.max(Completion.completed_on)),
        )
        .where(_among(Completion.staff_id, scope), Completion.status == CompletionStatus.VERIFIED)
        .group_by(Completion.staff_id, Completion.activity_id),
    )
    days: dict = {}  # a few thousand distinct dates among tens of thousands of rows
    out: dict[int, dict[int, dt.date]] = defaultdict(dict)
    for activity_id, staff_id, day in rows:
        if activity_id in activity_ids:
            out[activity_id][staff_id] = days.get(day) or days.setdefault(day, to_date(day))
    return out


def activities_developing(item_ids: set[int]) -> dict[int, set[int]]:
    """framework item id → ids of the activities that develop it."""
    if not item_ids:
        return {}
    rows = db.session.execute(
        select(
            activity_framework_items.c.framework_item_id, activity_framework_items.c.activity_id
        ).where(activity_framework_items.c.framework_item_id.in_(item_ids))
    ).all()
    out: dict[int, set[int]] = defaultdict(set)
    for item_id, activity_id in rows:
        out[item_id].add(activity_id)
    return out


# Expected framework levels per job role -----------------------------------------------------
def frameworks_with_levels(*, today: dt.date) -> list[tuple[Framework, FrameworkVersion]]:
    """Frameworks whose current version has career levels (e.g. the PCF)."""
    out = []
    for framework in db.session.scalars(
        select(Framework).options(
            selectinload(Framework.versions).selectinload(FrameworkVersion.levels)
        )
    ):
        published = [v for v in framework.versions if v.status is VersionStatus.PUBLISHED]
        in_effect = [v for v in published if v.in_effect_on(today)] or published
        version = max(in_effect, key=lambda v: v.number) if in_effect else None
        if version is not None and version.levels:
            out.append((framework, version))
    return sorted(out, key=lambda pair: pair[0].title)


def expected_levels() -> dict[tuple[int, int], RoleExpectedLevel]:
    """(job role id, framework id) → the level expected."""
    rows = db.session.scalars(
        select(RoleExpectedLevel).options(joinedload(RoleExpectedLevel.level))
    )
    return {(row.job_role_id, row.framework_id): row for row in rows}


def expected_levels_for_role(job_role_id: int) -> list[RoleExpectedLevel]:
    return list(
        db.session.scalars(
            select(RoleExpectedLevel)
            .where(RoleExpectedLevel.job_role_id == job_role_id)
            .options(
                joinedload(RoleExpectedLevel.level)
                .joinedload(FrameworkLevel.version)
                .joinedload(FrameworkVersion.framework)
            )
        )
    )


# The stored statuses (requirement_dates): status on a day is a comparison of stored dates --
# with that day; the dates themselves are computed only by rules.standing (stored.py).
def booking_spans(
    scope: Select | list[int], *, now: dt.datetime
) -> dict[int, dict[int, tuple[dt.datetime, dt.datetime]]]:
    """activity id → {staff id → (earliest, latest) start of their booked sessions to come}."""
    rows = db.session.execute(
        select(
            Booking.staff_id,
            LearningSession.activity_id,
            func.min(LearningSession.starts_at),
            func.max(LearningSession.starts_at),
        )
        .join(LearningSession, LearningSession.id == Booking.session_id)
        .where(
            _among(Booking.staff_id, scope),
            Booking.status == BookingStatus.BOOKED,
            LearningSession.is_cancelled.is_(False),
            LearningSession.starts_at >= now,
        )
        .group_by(Booking.staff_id, LearningSession.activity_id)
    ).all()
    out: dict[int, dict[int, tuple[dt.datetime, dt.datetime]]] = defaultdict(dict)
    for staff_id, activity_id, first, last in rows:
        out[activity_id][staff_id] = (_aware(first), _aware(last))
    return out


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def status_on(
    *,
    today: dt.date,
    horizon: dt.date,
    now: dt.datetime,
    values: Mapping[Status, object] | None = None,
) -> ColumnElement:
    """A stored row's status on ``today`` (``rules.Status`` values, or the ``values`` given
    for them), "due soon" up to ``horizon``: ``rules.assess`` told as comparisons of the
    dates ``rules.standing`` stored."""
    rd = RequirementDates
    value = values or {status: status.value for status in Status}
    return case(
        (_complete(horizon), literal(value[Status.COMPLETE])),
        (_booked(now), literal(value[Status.BOOKED])),
        (rd.due_on.is_(None), literal(value[Status.NOT_STARTED])),
        (rd.overdue_on <= today, literal(value[Status.OVERDUE])),
        (rd.due_on <= horizon, literal(value[Status.DUE_SOON])),
        else_=literal(value[Status.NOT_STARTED]),
    )


def late_on(*, today: dt.date, horizon: dt.date, now: dt.datetime) -> ColumnElement[bool]:
    """Overdue, or booked with the deadline or expiry already passed (``is_overdue_or_late``):
    not complete, and its first overdue day has come."""
    rd = RequirementDates
    return and_(~_complete(horizon), rd.overdue_on.is_not(None), rd.overdue_on <= today)


def _complete(horizon: dt.date) -> ColumnElement[bool]:
    """A completion that counts and does not run out by the horizon."""
    rd = RequirementDates
    return and_(rd.by_completion, or_(rd.due_on.is_(None), rd.due_on > horizon))


def _booked(now: dt.datetime) -> ColumnElement[bool]:
    return RequirementDates.booked_until >= literal(now, UTCDateTime)


def _in_scope(people: Select | list[int] | StaffScope) -> ColumnElement[bool]:
    """The stored rows of the people a scope (or a SELECT or list of ids) names. Everyone in
    post (the service views) is a comparison on the rows themselves, which keep the person's
    leaving date and team: matching 90,000 rows against a SELECT of ids cost more than the
    counting."""
    rd = RequirementDates
    if isinstance(people, StaffScope):
        if not people.everyone_in_post:
            return _among(rd.staff_id, people.ids)
        in_post = or_(rd.leaves_on.is_(None), rd.leaves_on > people.today)
        return and_(in_post, rd.team_id == people.team_id) if people.team_id else in_post
    return _among(rd.staff_id, people)


class CellCounts(NamedTuple):
    """One team's people with one requirement, by status on the day asked."""

    team_id: int
    target_key: str
    is_mandatory: bool
    complete: int
    booked: int
    due_soon: int
    overdue: int
    not_started: int
    late: int  # overdue, or booked after the deadline or expiry


def status_counts(
    people: Select | list[int] | StaffScope, *, today: dt.date, horizon: dt.date, now: dt.datetime
) -> list[CellCounts]:
    """Everyone the scope names, counted by team, requirement and status: one pass over the
    covering index ``ix_requirement_dates_cells`` in its order (no sort), each status a sum
    of the comparisons ``status_on`` makes."""
    rd = RequirementDates
    complete = _complete(horizon)
    booked = and_(~complete, func.coalesce(_booked(now), False))
    waiting = and_(~complete, ~func.coalesce(_booked(now), False))  # neither of those
    overdue = and_(waiting, rd.overdue_on <= today)
    due_soon = and_(waiting, rd.overdue_on > today, rd.due_on <= horizon)
    late = and_(~complete, rd.overdue_on <= today)

    def total(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    statement = (
        select(
            rd.team_id,
            rd.target_key,
            rd.is_mandatory,
            total(complete),
            total(booked),
            total(due_soon),
            total(overdue),
            func.count(),
            total(late),
        )
        .where(_in_scope(people))
        .group_by(rd.team_id, rd.target_key, rd.is_mandatory)
    )
    rows = []
    # Plain driver rows: a few thousand of simple values, without per-row processing.
    for team_id, key, mandatory, done, booked_n, soon, over, n, late_n in plain_rows(
        db.session, statement
    ):
        rows.append(
            CellCounts(
                team_id,
                key,
                bool(mandatory),
                done,
                booked_n,
                soon,
                over,
                n - done - booked_n - soon - over,
                late_n,
            )
        )
    return rows


def team_of(staff_id: int) -> int | None:
    return db.session.scalar(select(StaffMember.team_id).where(StaffMember.id == staff_id))


def within(people: Select | list[int], staff_id: int) -> Select:
    """The one person, if the scope names them."""
    return select(StaffMember.id).where(StaffMember.id == staff_id, _among(StaffMember.id, people))


def people_by_team(people: Select | list[int]) -> dict[int, int]:
    """team id → how many of the scope's people are in it."""
    return dict(
        db.session.execute(
            select(StaffMember.team_id, func.count())
            .where(_among(StaffMember.id, people))
            .group_by(StaffMember.team_id)
        ).all()
    )


def requirements_for_targets(target_keys: set[str]) -> dict[str, PathwayRequirement]:
    """target key → a requirement asking for it (for its title, the same whichever asks):
    one statement, whatever the scope."""
    activities, items = set(), set()
    for key in target_keys:
        kind, _, ident = key.partition("-")
        (activities if kind == "activity" else items).add(int(ident))
    if not activities and not items:
        return {}
    found = db.session.scalars(
        select(PathwayRequirement)
        .where(
            or_(
                PathwayRequirement.activity_id.in_(sorted(activities)),
                PathwayRequirement.framework_item_id.in_(sorted(items)),
            )
        )
        .options(*_requirement_options())
        .order_by(PathwayRequirement.id)
    )
    out: dict[str, PathwayRequirement] = {}
    for requirement in found:
        key = (
            f"activity-{requirement.activity_id}"
            if requirement.activity_id is not None
            else f"item-{requirement.framework_item_id}"
        )
        out.setdefault(key, requirement)
    return out


def requirements_by_id(ids: set[int]) -> dict[int, PathwayRequirement]:
    if not ids:
        return {}
    return {
        r.id: r
        for r in db.session.scalars(
            select(PathwayRequirement)
            .where(PathwayRequirement.id.in_(sorted(ids)))
            .options(*_requirement_options())
        )
    }


class StoredLine(NamedTuple):
    staff_id: int
    target_key: str
    requirement_id: int
    is_mandatory: bool
    by_completion: bool
    due_on: dt.date | None
    expires_on: dt.date | None
    completed_on: dt.date | None
    booked_at: dt.datetime | None
    status: str
    late: bool


def _line_columns(*, today: dt.date, horizon: dt.date, now: dt.datetime) -> tuple:
    rd = RequirementDates
    return (
        rd.staff_id,
        rd.target_key,
        rd.requirement_id,
        rd.is_mandatory,
        rd.by_completion,
        rd.due_on,
        rd.expires_on,
        rd.completed_on,
        # The earliest booking to come: the stored one unless it has passed since.
        case((rd.booked_at >= literal(now, UTCDateTime), rd.booked_at), else_=None).label(
            "booked_at"
        ),
        status_on(today=today, horizon=horizon, now=now),
        late_on(today=today, horizon=horizon, now=now),
    )


def stored_lines(
    people: Select | list[int] | StaffScope, *, today: dt.date, horizon: dt.date, now: dt.datetime
) -> list[StoredLine]:
    """Every stored row of the scope's people with its status, person by person in the order
    of their learning page."""
    rd = RequirementDates
    rows = db.session.execute(
        select(*_line_columns(today=today, horizon=horizon, now=now))
        .where(_in_scope(people))
        .order_by(rd.staff_id, rd.ordinal)
    )
    return [StoredLine(*row) for row in rows]


def count_with_target(people: Select | list[int] | StaffScope, target_key: str) -> int:
    rd = RequirementDates
    return db.session.scalar(
        select(func.count()).where(_in_scope(people), rd.target_key == target_key)
    )


SEVERITY_ORDER = ("overdue", "due_soon", "not_started", "booked", "complete")


def drill_lines(
    people: Select | list[int] | StaffScope,
    target_key: str,
    *,
    today: dt.date,
    horizon: dt.date,
    now: dt.datetime,
    offset: int,
    limit: int,
) -> list[StoredLine]:
    """One page of the lines of the scope's people who have the requirement: worst first
    (``rules.SEVERITY``), then by name (``count_with_target`` says how many there are)."""
    rd = RequirementDates
    status = status_on(today=today, horizon=horizon, now=now)
    rank = case(
        *((status == value, position) for position, value in enumerate(SEVERITY_ORDER)),
        else_=len(SEVERITY_ORDER),
    )
    rows = db.session.execute(
        select(*_line_columns(today=today, horizon=horizon, now=now))
        .join(StaffMember, StaffMember.id == rd.staff_id)
        .where(_in_scope(people), rd.target_key == target_key)
        .order_by(rank, StaffMember.last_name, StaffMember.first_name, StaffMember.id)
        .offset(offset)
        .limit(limit)
    )
    return [StoredLine(*row) for row in rows]


# A needs tally's classes as one small number per row (cheap to group by): the status's
# position here, times 8, plus 4 when late, 2 when by a completion, 1 when due by the horizon.
CLASS_STATUSES = tuple(Status)


def class_counts(
    people: Select | list[int] | StaffScope,
    *,
    today: dt.date,
    horizon: dt.date,
    now: dt.datetime,
    actor_id: int | None,
) -> list[tuple[bool, str, bool, Status, bool, bool, bool, dt.date | None, int]]:
    """(own, target key, mandatory, status, late, by completion, due by the horizon,
    earliest due date, how many): what a needs tally classifies, one GROUP BY."""
    rd = RequirementDates
    own = rd.staff_id == actor_id if actor_id is not None else literal(False)
    codes = {status: position * 8 for position, status in enumerate(CLASS_STATUSES)}
    code = (
        status_on(today=today, horizon=horizon, now=now, values=codes)
        + case((late_on(today=today, horizon=horizon, now=now), 4), else_=0)
        + case((rd.by_completion, 2), else_=0)
        + case((and_(rd.due_on.is_not(None), rd.due_on <= horizon), 1), else_=0)
    )
    cells = (
        select(own.label("own"), rd.target_key, rd.is_mandatory, code.label("code"), rd.due_on)
        .where(_in_scope(people))
        .subquery()
    )
    keys = (cells.c.own, cells.c.target_key, cells.c.is_mandatory, cells.c.code)
    statement = select(*keys, func.min(cells.c.due_on), func.count()).group_by(*keys)
    out = []
    for own_row, key, mandatory, code_value, due_on, n in db.session.execute(statement):
        out.append(
            (
                bool(own_row),
                key,
                bool(mandatory),
                CLASS_STATUSES[code_value // 8],
                bool(code_value & 4),
                bool(code_value & 2),
                bool(code_value & 1),
                due_on,
                n,
            )
        )
    return out


def stored_dates_of(staff_ids: list[int]) -> dict[tuple[int, str], tuple]:
    """(staff id, target key) → the stored facts, for checking them against the rules."""
    rd = RequirementDates
    rows = db.session.execute(
        select(
            rd.staff_id,
            rd.target_key,
            rd.team_id,
            rd.leaves_on,
            rd.requirement_id,
            rd.ordinal,
            rd.is_mandatory,
            rd.by_completion,
            rd.due_on,
            rd.overdue_on,
            rd.expires_on,
            rd.applies_from,
            rd.completed_on,
            rd.booked_at,
            rd.booked_until,
        ).where(_among(rd.staff_id, staff_ids))
    )
    return {(row[0], row[1]): tuple(row[2:]) for row in rows}


def staff_with_activity_rows(activity_id: int) -> list[int]:
    """People whose rows may depend on an activity: those asked for it, and those asked for
    any framework item (an activity's items can change which activities meet one)."""
    rd = RequirementDates
    return list(
        db.session.scalars(
            select(rd.staff_id)
            .where(or_(rd.target_key == f"activity-{activity_id}", rd.target_key.like("item-%")))
            .distinct()
        )
    )


def staff_with_passed_bookings(now: dt.datetime) -> list[int]:
    """People whose shown booking has passed while a later one is still to come."""
    rd = RequirementDates
    at = literal(now, UTCDateTime)
    return list(
        db.session.scalars(
            select(rd.staff_id).where(rd.booked_at < at, rd.booked_until >= at).distinct()
        )
    )


def pending_recomputations() -> list[int]:
    return list(
        db.session.scalars(
            select(Recomputation.id)
            .where(Recomputation.state == RecomputationState.PENDING)
            .order_by(Recomputation.id)
        )
    )


def left_behind_recomputations(
    *, queued_before: dt.datetime, moved_before: dt.datetime
) -> list[int]:
    """Pending and never started for a while, or running and silent for a while."""
    r = Recomputation
    return list(
        db.session.scalars(
            select(r.id)
            .where(
                or_(
                    and_(r.state == RecomputationState.PENDING, r.requested_at < queued_before),
                    and_(r.state == RecomputationState.RUNNING, r.heartbeat_at < moved_before),
                )
            )
            .order_by(r.id)
        )
    )


def latest_recomputation(pathway_id: int) -> Recomputation | None:
    return db.session.scalar(
        select(Recomputation)
        .where(Recomputation.pathway_id == pathway_id)
        .order_by(Recomputation.id.desc())
        .limit(1)
    )


def recomputations_in_hand() -> list[Recomputation]:
    """Recomputations pending or running (for a notice on the compliance pages)."""
    return list(
        db.session.scalars(
            select(Recomputation)
            .where(
                Recomputation.state.in_([RecomputationState.PENDING, RecomputationState.RUNNING])
            )
            .order_by(Recomputation.id)
        )
    )
