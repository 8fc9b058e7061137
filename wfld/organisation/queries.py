"""Reads for the organisation. Views and services never build SQL themselves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, literal, or_, select
from sqlalchemy.orm import joinedload

from wfld.core.db import contains_pattern
from wfld.extensions import db
from wfld.organisation.models import JobRole, ServiceArea, StaffMember, Team

# Line management is at most this deep; the walk stops there even if data were cyclic.
MAX_CHAIN_DEPTH = 30


# Service areas --------------------------------------------------------------------------
def list_service_areas(*, include_inactive: bool = True) -> list[ServiceArea]:
    query = select(ServiceArea).order_by(ServiceArea.name)
    if not include_inactive:
        query = query.where(ServiceArea.is_active.is_(True))
    return list(db.session.scalars(query))


def find_service_area(service_area_id: int) -> ServiceArea | None:
    return db.session.get(ServiceArea, service_area_id)


def find_service_area_by_name(name: str) -> ServiceArea | None:
    return db.session.scalar(
        select(ServiceArea).where(func.lower(ServiceArea.name) == name.strip().lower())
    )


# Teams ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class TeamRow:
    team: Team
    staff_count: int


def list_teams(
    *,
    today: dt.date,
    search: str = "",
    service_area_id: int | None = None,
    include_inactive: bool = False,
) -> list[TeamRow]:
    """Teams with their number of current staff, for the admin list (one query)."""
    count = (
        select(func.count(StaffMember.id))
        .where(StaffMember.team_id == Team.id, _in_post(today))
        .correlate(Team)
        .scalar_subquery()
    )
    query = (
        select(Team, count)
        .options(joinedload(Team.service_area))
        .join(ServiceArea, Team.service_area_id == ServiceArea.id)
        .order_by(ServiceArea.name, Team.name)
    )
    if search.strip():
        query = query.where(Team.name.ilike(contains_pattern(search), escape="\\"))
    if service_area_id:
        query = query.where(Team.service_area_id == service_area_id)
    if not include_inactive:
        query = query.where(Team.is_active.is_(True))
    return [TeamRow(team, n) for team, n in db.session.execute(query)]


def list_team_choices() -> list[Team]:
    return list(
        db.session.scalars(
            select(Team)
            .where(Team.is_active.is_(True))
            .options(joinedload(Team.service_area))
            .order_by(Team.name)
        )
    )


def find_team(team_id: int) -> Team | None:
    return db.session.get(Team, team_id, options=[joinedload(Team.service_area)])


def find_team_by_name(name: str) -> Team | None:
    return db.session.scalar(select(Team).where(func.lower(Team.name) == name.strip().lower()))


def count_staff_in_team(team_id: int, *, today: dt.date) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(StaffMember)
            .where(StaffMember.team_id == team_id, _in_post(today))
        )
        or 0
    )


# Job roles ------------------------------------------------------------------------------
@dataclass(frozen=True)
class JobRoleRow:
    role: JobRole
    staff_count: int


def list_job_roles(
    *, today: dt.date, search: str = "", include_inactive: bool = False
) -> list[JobRoleRow]:
    count = (
        select(func.count(StaffMember.id))
        .where(StaffMember.job_role_id == JobRole.id, _in_post(today))
        .correlate(JobRole)
        .scalar_subquery()
    )
    query = select(JobRole, count).order_by(JobRole.title)
    if search.strip():
        term = contains_pattern(search)
        query = query.where(
            or_(JobRole.title.ilike(term, escape="\\"), JobRole.grade.ilike(term, escape="\\"))
        )
    if not include_inactive:
        query = query.where(JobRole.is_active.is_(True))
    return [JobRoleRow(role, n) for role, n in db.session.execute(query)]


def list_job_role_choices() -> list[JobRole]:
    return list(
        db.session.scalars(
            select(JobRole).where(JobRole.is_active.is_(True)).order_by(JobRole.title)
        )
    )


def find_job_role(job_role_id: int) -> JobRole | None:
    return db.session.get(JobRole, job_role_id)


def find_job_role_by_title(title: str) -> JobRole | None:
    return db.session.scalar(
        select(JobRole).where(func.lower(JobRole.title) == title.strip().lower())
    )


def count_staff_in_role(job_role_id: int, *, today: dt.date) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(StaffMember)
            .where(StaffMember.job_role_id == job_role_id, _in_post(today))
        )
        or 0
    )


# Staff ----------------------------------------------------------------------------------
STAFF_STATUSES = ("current", "left", "all")


@dataclass(frozen=True)
class StaffPage:
    items: list[StaffMember]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _staff_search(
    query: Select, *, search: str, team_id: int | None, status: str, today: dt.date
) -> Select:
    if search.strip():
        term = contains_pattern(search)
        full_name = StaffMember.first_name + literal(" ") + StaffMember.last_name
        query = query.where(
            or_(
                full_name.ilike(term, escape="\\"),
                StaffMember.work_email.ilike(term, escape="\\"),
                StaffMember.employee_number.ilike(term, escape="\\"),
                StaffMember.registration_number.ilike(term, escape="\\"),
            )
        )
    if team_id:
        query = query.where(StaffMember.team_id == team_id)
    if status == "current":
        query = query.where(_in_post(today))
    elif status == "left":
        query = query.where(
            StaffMember.leaving_date.is_not(None), StaffMember.leaving_date <= today
        )
    return query


def list_staff(
    *,
    search: str = "",
    team_id: int | None = None,
    status: str = "current",
    page: int = 1,
    per_page: int = 50,
    today: dt.date,
) -> StaffPage:
    base = _staff_search(
        select(StaffMember), search=search, team_id=team_id, status=status, today=today
    )
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    page = max(1, page)
    items = db.session.scalars(
        base.options(
            joinedload(StaffMember.team),
            joinedload(StaffMember.job_role),
            joinedload(StaffMember.line_manager),
        )
        .order_by(StaffMember.last_name, StaffMember.first_name, StaffMember.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return StaffPage(list(items), total, page, per_page)


def find_staff(staff_id: int) -> StaffMember | None:
    return db.session.get(
        StaffMember,
        staff_id,
        options=[
            joinedload(StaffMember.team).joinedload(Team.service_area),
            joinedload(StaffMember.job_role),
            joinedload(StaffMember.line_manager),
        ],
    )


def find_staff_for_user(user_id: int) -> StaffMember | None:
    return db.session.scalar(
        select(StaffMember)
        .where(StaffMember.user_id == user_id)
        .options(
            joinedload(StaffMember.team).joinedload(Team.service_area),
            joinedload(StaffMember.job_role),
            joinedload(StaffMember.line_manager),
        )
    )


def find_staff_by_employee_number(employee_number: str) -> StaffMember | None:
    return db.session.scalar(
        select(StaffMember).where(
            func.upper(StaffMember.employee_number) == employee_number.strip().upper()
        )
    )


def find_staff_by_email(email: str) -> StaffMember | None:
    return db.session.scalar(
        select(StaffMember).where(StaffMember.work_email == email.strip().lower())
    )


def find_staff_by_registration(number: str) -> StaffMember | None:
    return db.session.scalar(
        select(StaffMember).where(
            func.upper(StaffMember.registration_number) == number.strip().upper()
        )
    )


def list_direct_reports(manager_id: int, *, today: dt.date) -> list[StaffMember]:
    return list(
        db.session.scalars(
            select(StaffMember)
            .where(StaffMember.line_manager_id == manager_id, _in_post(today))
            .options(joinedload(StaffMember.team), joinedload(StaffMember.job_role))
            .order_by(StaffMember.last_name, StaffMember.first_name)
        )
    )


def count_direct_reports(manager_id: int, *, today: dt.date) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(StaffMember)
            .where(StaffMember.line_manager_id == manager_id, _in_post(today))
        )
        or 0
    )


def is_above_in_chain(manager_id: int, staff_id: int) -> bool:
    """True when ``manager_id`` is ``staff_id``'s line manager, or theirs, and so on up."""
    chain = (
        select(StaffMember.line_manager_id.label("manager_id"), literal(1).label("depth"))
        .where(StaffMember.id == staff_id)
        .cte("chain", recursive=True)
    )
    step = (
        select(StaffMember.line_manager_id, (chain.c.depth + 1))
        .join(chain, StaffMember.id == chain.c.manager_id)
        .where(chain.c.depth < MAX_CHAIN_DEPTH)
    )
    chain = chain.union_all(step)
    found = db.session.scalar(
        select(literal(True)).select_from(chain).where(chain.c.manager_id == manager_id).limit(1)
    )
    return bool(found)


def _in_post(today: dt.date):  # noqa: ANN202 - a SQL expression
    return or_(StaffMember.leaving_date.is_(None), StaffMember.leaving_date > today)


def chain_below(manager_id: int, *, today: dt.date) -> Select:
    """A SELECT of the ids of everyone in post below a manager in line management."""
    below = (
        select(StaffMember.id.label("staff_id"), literal(1).label("depth"))
        .where(StaffMember.line_manager_id == manager_id)
        .cte("below", recursive=True)
    )
    step = (
        select(StaffMember.id, below.c.depth + 1)
        .join(below, StaffMember.line_manager_id == below.c.staff_id)
        .where(below.c.depth < MAX_CHAIN_DEPTH)
    )
    below = below.union_all(step)
    return select(StaffMember.id).where(
        StaffMember.id.in_(select(below.c.staff_id)), _in_post(today)
    )


def in_post(today: dt.date) -> Select:
    """A SELECT of the ids of everyone in post on a day."""
    return select(StaffMember.id).where(_in_post(today))
