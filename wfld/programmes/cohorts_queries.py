"""Reads for the cohort, enrolment-management and assessor pages (WFLD admin).

Counts and loads are aggregated in SQL, one statement per list, so the lists cost the same
however many members a cohort has.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from wfld.core.filters import govuk_date
from wfld.extensions import db
from wfld.organisation import queries as org_queries
from wfld.organisation.models import StaffMember
from wfld.programmes.models import (
    AssessorCapacity,
    Cohort,
    Enrolment,
    EnrolmentEvent,
    EnrolmentEventKind,
    ProgrammeTemplate,
    TemplateStatus,
)
from wfld.programmes.rules import OPEN_STATUSES

# The capacity of an assessor who has no row in ``assessor_capacities``: six NQSWs at once,
# the figure the WFLD team set for the ASYE. A WFLD admin sets each assessor's own figure on
# the assessors page.
DEFAULT_CAPACITY = 6

_OPEN = [s.value for s in OPEN_STATUSES]


@dataclass(frozen=True)
class CohortRow:
    cohort: Cohort
    members: int


def list_cohorts() -> list[CohortRow]:
    """Every cohort, newest intake first, with its template version and member count."""
    members = (
        select(Enrolment.cohort_id, func.count().label("n"))
        .group_by(Enrolment.cohort_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Cohort, func.coalesce(members.c.n, 0))
        .outerjoin(members, members.c.cohort_id == Cohort.id)
        .options(joinedload(Cohort.template), joinedload(Cohort.coordinator))
        .order_by(Cohort.starts_on.desc(), Cohort.intake)
    )
    return [CohortRow(cohort, count) for cohort, count in rows]


def list_members(cohort_id: int) -> list[Enrolment]:
    """A cohort's enrolments with the people the members table names, by surname."""
    return list(
        db.session.scalars(
            select(Enrolment)
            .join(Enrolment.staff)
            .where(Enrolment.cohort_id == cohort_id)
            .options(
                joinedload(Enrolment.staff),
                joinedload(Enrolment.assessor),
                joinedload(Enrolment.supervisor),
            )
            .order_by(StaffMember.last_name, StaffMember.first_name, Enrolment.id)
        )
    )


def list_published_templates() -> list[ProgrammeTemplate]:
    return list(
        db.session.scalars(
            select(ProgrammeTemplate)
            .where(ProgrammeTemplate.status == TemplateStatus.PUBLISHED.value)
            .order_by(ProgrammeTemplate.name, ProgrammeTemplate.version.desc())
        )
    )


def list_current_staff(today: dt.date, *, search: str = "") -> list[StaffMember]:
    """Staff in post today (people who can be enrolled, assess or supervise), by surname;
    ``search`` narrows the list by name, email or employee number."""
    statement = select(StaffMember).where(
        or_(StaffMember.leaving_date.is_(None), StaffMember.leaving_date > today)
    )
    if search.strip():
        term = f"%{search.strip().lower()}%"
        full_name = func.lower(StaffMember.first_name + " " + StaffMember.last_name)
        statement = statement.where(
            or_(
                full_name.like(term),
                func.lower(StaffMember.work_email).like(term),
                func.lower(StaffMember.employee_number).like(term),
            )
        )
    return list(
        db.session.scalars(
            statement.order_by(StaffMember.last_name, StaffMember.first_name, StaffMember.id)
        )
    )


def find_staff(staff_id: int | None) -> StaffMember | None:
    """A person chosen on a form (none chosen: None), read through organisation."""
    return org_queries.find_staff(staff_id) if staff_id else None


def find_capacity(staff_id: int) -> AssessorCapacity | None:
    return db.session.get(AssessorCapacity, staff_id)


def capacity_of(staff_id: int) -> int:
    row = find_capacity(staff_id)
    return row.capacity if row is not None else DEFAULT_CAPACITY


@dataclass(frozen=True)
class AssessorLoad:
    staff: StaffMember
    assessing: int
    capacity: int
    capacity_set: bool  # False: the default applies

    @property
    def over(self) -> bool:
        return self.assessing > self.capacity

    @property
    def full(self) -> bool:
        return self.assessing == self.capacity


def list_assessor_loads() -> list[AssessorLoad]:
    """Everyone who assesses an open enrolment or has a capacity set: their load against
    their capacity, in one statement."""
    load = (
        select(Enrolment.assessor_id.label("staff_id"), func.count().label("n"))
        .where(Enrolment.assessor_id.is_not(None), Enrolment.status.in_(_OPEN))
        .group_by(Enrolment.assessor_id)
        .subquery()
    )
    rows = db.session.execute(
        select(StaffMember, func.coalesce(load.c.n, 0), AssessorCapacity.capacity)
        .outerjoin(load, load.c.staff_id == StaffMember.id)
        .outerjoin(AssessorCapacity, AssessorCapacity.staff_id == StaffMember.id)
        .where(or_(load.c.n.is_not(None), AssessorCapacity.staff_id.is_not(None)))
        .order_by(StaffMember.last_name, StaffMember.first_name, StaffMember.id)
    )
    return [
        AssessorLoad(
            staff,
            count,
            capacity if capacity is not None else DEFAULT_CAPACITY,
            capacity is not None,
        )
        for staff, count, capacity in rows
    ]


def list_events(enrolment_id: int) -> list[EnrolmentEvent]:
    """An enrolment's log, oldest first, with who acted and the assessor each event names."""
    return list(
        db.session.scalars(
            select(EnrolmentEvent)
            .where(EnrolmentEvent.enrolment_id == enrolment_id)
            .options(joinedload(EnrolmentEvent.actor), joinedload(EnrolmentEvent.assessor))
            .order_by(EnrolmentEvent.id)
        )
    )


def fte_text(fte: object) -> str:
    """An FTE as people write it: 1, 0.5, 0.8."""
    return format(fte, "f").rstrip("0").rstrip(".") if "." in format(fte, "f") else str(fte)


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def describe(event: EnrolmentEvent) -> str:
    """What an event did, in words, for the log on the manage page."""
    kind = event.kind
    assessor = event.assessor.full_name if event.assessor else "no assessor"
    if kind is EnrolmentEventKind.ENROLLED:
        return (
            f"Enrolled from {govuk_date(event.starts_on)} at {fte_text(event.fte)} FTE, "
            f"assessed by {assessor}"
        )
    if kind is EnrolmentEventKind.START_CHANGED:
        return f"Start date changed to {govuk_date(event.starts_on)}"
    if kind is EnrolmentEventKind.PAUSED:
        days = (event.ends_on - event.starts_on).days + 1
        return (
            f"Paused from {govuk_date(event.starts_on)} to {govuk_date(event.ends_on)} "
            f"({_days(days)})"
        )
    if kind is EnrolmentEventKind.EXTENDED:
        return f"Extended by {_days(event.days or 0)}, from {govuk_date(event.starts_on)}"
    if kind is EnrolmentEventKind.FTE_CHANGED:
        return f"FTE changed to {fte_text(event.fte)} from {govuk_date(event.starts_on)}"
    if kind is EnrolmentEventKind.ASSESSOR_CHANGED:
        return f"Assessor changed to {assessor}: a new support and assessment agreement is needed"
    if kind is EnrolmentEventKind.CAPACITY_OVERRIDDEN:
        return f"{assessor} allocated past their capacity"
    if kind is EnrolmentEventKind.STATUS_CHANGED and event.status is not None:
        return f"Status changed to {event.status.label.lower()}"
    return kind.label
