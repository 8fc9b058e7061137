"""Reads shared by every part of programmes: enrolments, milestones and their dates.

An enrolment's dates are never stored twice: the pure rules compute them from its template
version, start date and the pauses, extensions and FTE changes in its event log
(``facts_of``/``dates_of``); ``Enrolment.ends_on`` caches the last one for sorting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from wfld.extensions import db
from wfld.organisation.models import StaffMember
from wfld.programmes.models import (
    Cohort,
    Enrolment,
    EnrolmentEvent,
    EnrolmentEventKind,
    Evidence,
    Milestone,
    MilestoneEvent,
    ProgrammeTemplate,
)
from wfld.programmes.rules import (
    OPEN_STATUSES,
    DueDate,
    EvidenceKind,
    Extension,
    FteChange,
    MilestoneAction,
    MilestoneState,
    Pause,
    schedule,
)


@dataclass(frozen=True)
class DateFacts:
    """What the date rules need from an enrolment's event log."""

    fte: Decimal
    fte_changes: tuple[FteChange, ...]
    pauses: tuple[Pause, ...]
    extensions: tuple[Extension, ...]


def facts_from(enrolment: Enrolment, events: Iterable[EnrolmentEvent]) -> DateFacts:
    """Pauses, extensions and FTE changes from the log (oldest first). The FTE the person
    enrolled on is the enrolment event's; each later change works from its date."""
    first_fte = enrolment.fte
    changes: list[FteChange] = []
    pauses: list[Pause] = []
    extensions: list[Extension] = []
    for event in events:
        if event.kind is EnrolmentEventKind.ENROLLED and event.fte is not None:
            first_fte = event.fte
        elif event.kind is EnrolmentEventKind.FTE_CHANGED and event.fte is not None:
            changes.append(FteChange(event.starts_on or event.at.date(), event.fte))
        elif event.kind is EnrolmentEventKind.PAUSED and event.starts_on and event.ends_on:
            pauses.append(Pause(event.starts_on, event.ends_on, event.reason))
        elif event.kind is EnrolmentEventKind.EXTENDED and event.days:
            extensions.append(
                Extension(event.starts_on or event.at.date(), event.days, event.reason)
            )
    return DateFacts(first_fte, tuple(changes), tuple(pauses), tuple(extensions))


def dates_from(enrolment: Enrolment, facts: DateFacts) -> tuple[DueDate, ...]:
    return schedule(
        enrolment.template.spec,
        start=enrolment.start_date,
        fte=facts.fte,
        fte_changes=facts.fte_changes,
        pauses=facts.pauses,
        extensions=facts.extensions,
    )


def list_enrolment_events(enrolment_ids: Sequence[int]) -> dict[int, list[EnrolmentEvent]]:
    """Each enrolment's log, oldest first, in one statement (for lists and dashboards)."""
    found: dict[int, list[EnrolmentEvent]] = {i: [] for i in enrolment_ids}
    if not enrolment_ids:
        return found
    rows = db.session.scalars(
        select(EnrolmentEvent)
        .where(EnrolmentEvent.enrolment_id.in_(list(enrolment_ids)))
        .order_by(EnrolmentEvent.id)
    )
    for event in rows:
        found[event.enrolment_id].append(event)
    return found


def facts_of(enrolment: Enrolment) -> DateFacts:
    return facts_from(enrolment, list_enrolment_events([enrolment.id])[enrolment.id])


def dates_of(enrolment: Enrolment) -> tuple[DueDate, ...]:
    return dates_from(enrolment, facts_of(enrolment))


def find_template(template_id: int) -> ProgrammeTemplate | None:
    return db.session.get(ProgrammeTemplate, template_id)


def find_cohort(cohort_id: int) -> Cohort | None:
    return db.session.get(Cohort, cohort_id)


def find_enrolment(enrolment_id: int) -> Enrolment | None:
    return db.session.scalar(
        select(Enrolment)
        .where(Enrolment.id == enrolment_id)
        .options(
            joinedload(Enrolment.staff),
            joinedload(Enrolment.template),
            joinedload(Enrolment.cohort),
            selectinload(Enrolment.milestones),
        )
    )


def find_milestone(milestone_id: int) -> Milestone | None:
    return db.session.scalar(
        select(Milestone)
        .where(Milestone.id == milestone_id)
        .options(joinedload(Milestone.enrolment).joinedload(Enrolment.template))
    )


def find_milestone_by_key(enrolment: Enrolment, key: str) -> Milestone | None:
    return db.session.scalar(
        select(Milestone).where(Milestone.enrolment_id == enrolment.id, Milestone.key == key)
    )


def list_milestone_events(milestone_ids: Sequence[int]) -> dict[int, list[MilestoneEvent]]:
    """Each milestone's log, oldest first, with who acted, in one statement."""
    found: dict[int, list[MilestoneEvent]] = {i: [] for i in milestone_ids}
    if not milestone_ids:
        return found
    rows = db.session.scalars(
        select(MilestoneEvent)
        .where(MilestoneEvent.milestone_id.in_(list(milestone_ids)))
        .options(joinedload(MilestoneEvent.actor))
        .order_by(MilestoneEvent.id)
    )
    for event in rows:
        found[event.milestone_id].append(event)
    return found


def last_event(milestone: Milestone) -> MilestoneEvent | None:
    return db.session.scalar(
        select(MilestoneEvent)
        .where(MilestoneEvent.milestone_id == milestone.id)
        .order_by(MilestoneEvent.id.desc())
        .limit(1)
    )


def evidence_counts(enrolment_ids: Sequence[int]) -> dict[int, dict[EvidenceKind, int]]:
    """How many pieces of each kind each enrolment has, in one statement."""
    found: dict[int, dict[EvidenceKind, int]] = {i: {} for i in enrolment_ids}
    if not enrolment_ids:
        return found
    rows = db.session.execute(
        select(Evidence.enrolment_id, Evidence.kind, func.count())
        .where(Evidence.enrolment_id.in_(list(enrolment_ids)))
        .group_by(Evidence.enrolment_id, Evidence.kind)
    )
    for enrolment_id, kind, count in rows:
        found[enrolment_id][EvidenceKind(kind)] = count
    return found


def active_enrolments_of(staff_id: int) -> list[Enrolment]:
    """A person's enrolments, newest first (someone may move from Step Up to the ASYE)."""
    return list(
        db.session.scalars(
            select(Enrolment)
            .where(Enrolment.staff_id == staff_id)
            .options(joinedload(Enrolment.template), joinedload(Enrolment.cohort))
            .order_by(Enrolment.start_date.desc(), Enrolment.id.desc())
        )
    )


def count_assessing(assessor_id: int, *, excluding: int | None = None) -> int:
    """Open enrolments a member of staff assesses (their load against their capacity)."""
    statement = select(func.count()).where(
        Enrolment.assessor_id == assessor_id,
        Enrolment.status.in_([s.value for s in OPEN_STATUSES]),
    )
    if excluding is not None:
        statement = statement.where(Enrolment.id != excluding)
    return db.session.scalar(statement) or 0


def latest_template(code: str) -> ProgrammeTemplate | None:
    return db.session.scalar(
        select(ProgrammeTemplate)
        .where(ProgrammeTemplate.code == code)
        .order_by(ProgrammeTemplate.version.desc())
        .limit(1)
    )


def find_cohort_by_intake(intake: str) -> Cohort | None:
    return db.session.scalar(select(Cohort).where(func.lower(Cohort.intake) == intake.lower()))


def find_enrolment_of(cohort_id: int, staff_id: int) -> Enrolment | None:
    return db.session.scalar(
        select(Enrolment).where(Enrolment.cohort_id == cohort_id, Enrolment.staff_id == staff_id)
    )


# --- To sign off (the home page and programmes.to_sign_off) ----------------------------------


@dataclass(frozen=True)
class AwaitingSignature:
    """A milestone that may be waiting for someone's signature, and since when (its last
    submission or sign-off)."""

    milestone: Milestone
    since: dt.datetime

    @property
    def enrolment(self) -> Enrolment:
        return self.milestone.enrolment


def list_signature_candidates(staff_id: int) -> list[AwaitingSignature]:
    """Submitted and signed-off milestones of open enrolments this member of staff assesses,
    supervises or line-manages (the enrolment's line manager, or the person's now), oldest
    wait first, in one statement. ``permissions.list_to_sign_off`` keeps the ones the
    template gives them to sign."""
    since = (
        select(func.max(MilestoneEvent.at))
        .where(MilestoneEvent.milestone_id == Milestone.id)
        .correlate(Milestone)
        .scalar_subquery()
    )
    person = aliased(StaffMember)
    rows = db.session.execute(
        select(Milestone, since)
        .join(Enrolment, Enrolment.id == Milestone.enrolment_id)
        .join(person, person.id == Enrolment.staff_id)
        .where(
            Milestone.state.in_([MilestoneState.SUBMITTED.value, MilestoneState.SIGNED_OFF.value]),
            Enrolment.status.in_([s.value for s in OPEN_STATUSES]),
            Enrolment.staff_id != staff_id,
            or_(
                Enrolment.assessor_id == staff_id,
                Enrolment.supervisor_id == staff_id,
                Enrolment.line_manager_id == staff_id,
                person.line_manager_id == staff_id,
            ),
        )
        .options(
            joinedload(Milestone.enrolment).joinedload(Enrolment.staff),
            joinedload(Milestone.enrolment).joinedload(Enrolment.template),
            joinedload(Milestone.enrolment).joinedload(Enrolment.cohort),
        )
        .order_by(since, Milestone.id)
    ).all()
    return [AwaitingSignature(milestone, at or milestone.updated_at) for milestone, at in rows]


@dataclass(frozen=True)
class ToSignOff:
    """A row of "To sign off": whose review point, which step is theirs, how long it has
    waited."""

    milestone: Milestone
    action: MilestoneAction
    since: dt.datetime
    days_waiting: int

    @property
    def enrolment(self) -> Enrolment:
        return self.milestone.enrolment

    @property
    def point_label(self) -> str:
        return self.enrolment.template.spec.point(self.milestone.key).label

    @property
    def to_do(self) -> str:
        if self.action is MilestoneAction.COUNTERSIGN:
            return "Countersign"
        return "Sign off or return"


def is_enrolled(staff_id: int) -> bool:
    """Whether the person has ever been on a programme (their menu offers My programme)."""
    return (
        db.session.scalar(select(Enrolment.id).where(Enrolment.staff_id == staff_id).limit(1))
        is not None
    )
