"""Reads for pathways and compliance. Each returns whole sets, never one row per person."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import ColumnElement, Integer, Select, any_, bindparam, func, select
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
from wfld.core.db import fast_dates, plain_rows, to_date
from wfld.extensions import db
from wfld.frameworks.models import (
    Framework,
    FrameworkItem,
    FrameworkLevel,
    FrameworkVersion,
    RoleExpectedLevel,
    VersionStatus,
)
from wfld.learning.models import Pathway, PathwayAssignment, PathwayRequirement, pathway_roles
from wfld.organisation.models import StaffMember, Team


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


def staff_facts(scope: Select) -> list[tuple[int, int, int, dt.date]]:
    """(id, team id, job role id, in role since) of the people the scope selects: plain rows
    for pages that count over thousands of people."""
    return [
        tuple(row)
        for row in db.session.execute(
            select(
                StaffMember.id,
                StaffMember.team_id,
                StaffMember.job_role_id,
                StaffMember.job_role_since,
            ).where(StaffMember.id.in_(scope))
        )
    ]


def staff_names(scope: Select) -> list[tuple[int, str, str, int, dt.date]]:
    """(id, last name, first name, job role id, in role since) of the people in the scope."""
    return [
        tuple(row)
        for row in db.session.execute(
            select(
                StaffMember.id,
                StaffMember.last_name,
                StaffMember.first_name,
                StaffMember.job_role_id,
                StaffMember.job_role_since,
            ).where(StaffMember.id.in_(scope))
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


def next_bookings(
    scope: Select | list[int], *, now: dt.datetime
) -> dict[int, dict[int, dt.datetime]]:
    """activity id → {staff id → the start of their earliest booked session still to come}."""
    rows = db.session.execute(
        select(Booking.staff_id, LearningSession.activity_id, func.min(LearningSession.starts_at))
        .join(LearningSession, LearningSession.id == Booking.session_id)
        .where(
            _among(Booking.staff_id, scope),
            Booking.status == BookingStatus.BOOKED,
            LearningSession.is_cancelled.is_(False),
            LearningSession.starts_at >= now,
        )
        .group_by(Booking.staff_id, LearningSession.activity_id)
    ).all()
    out: dict[int, dict[int, dt.datetime]] = defaultdict(dict)
    for staff_id, activity_id, start in rows:
        out[activity_id][staff_id] = start if start.tzinfo else start.replace(tzinfo=dt.UTC)
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
