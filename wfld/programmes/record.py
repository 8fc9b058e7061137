"""A person's progress record on a programme, as data: the PDF and the cohort bundle are both
made from it (never by scraping pages).

``build_record`` reads everything the record shows in a fixed handful of statements (the
enrolment with its people, both event logs, the evidence with its framework items, the
supervision sessions, the outcome, and the coverage map's one statement from
``coverage.coverage_of``), however much evidence there is; then the pure rules turn
them into due dates, sign-offs, shortfalls, cadence gaps and the coverage numbers. ``today``
is a parameter: the record shows the programme as it stood on the day it was asked for.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from wfld.accounts.models import User
from wfld.extensions import db
from wfld.frameworks.models import FrameworkItem, FrameworkVersion
from wfld.organisation.models import StaffMember
from wfld.programmes import queries
from wfld.programmes.coverage import CoverageMap, coverage_of
from wfld.programmes.models import (
    Enrolment,
    Evidence,
    Milestone,
    Outcome,
)
from wfld.programmes.rules import (
    CadenceGap,
    DueDate,
    EvidenceKind,
    MilestoneAction,
    MilestoneState,
    Shortfall,
    TemplateSpec,
    cadence_gaps,
    is_complete,
    shortfalls,
)
from wfld.supervision.queries import sessions_for

# The actions a record lists under a review point: what was done and by whom. "Started" is
# the person opening their own review and says nothing a moderator needs.
SHOWN_ACTIONS = frozenset(MilestoneAction) - {MilestoneAction.START}


@dataclass(frozen=True)
class SignOff:
    """One entry of a review point's log: who did what, when, and what they wrote."""

    action: MilestoneAction
    who: str
    at: dt.datetime
    comment: str
    short_reason: str = ""  # signed off with evidence short of the minimum: why

    @property
    def label(self) -> str:
        return self.action.label


@dataclass(frozen=True)
class ReviewPointRecord:
    key: str
    label: str
    due_on: dt.date
    optional: bool
    panel: bool
    state: MilestoneState
    complete: bool
    countersign_needed: bool
    summary: str
    log: tuple[SignOff, ...]
    evidence_count: int  # pieces counted towards this point
    short: tuple[Shortfall, ...]  # what the point needed and did not have

    @property
    def state_label(self) -> str:
        return self.state.label


@dataclass(frozen=True)
class EvidenceLine:
    title: str
    occurred_on: dt.date
    review_label: str
    setting: str
    observer: str
    items: tuple[str, ...]  # "KSS 1", "PCF 6": the framework items it evidences


@dataclass(frozen=True)
class EvidenceGroup:
    kind: EvidenceKind
    needed: int  # the template's minimum by the end of the programme (0: none set)
    lines: tuple[EvidenceLine, ...]

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def met(self) -> bool:
        return len(self.lines) >= self.needed


@dataclass(frozen=True)
class SupervisionMonth:
    month: dt.date  # its first day
    sessions: int
    minutes: int


@dataclass(frozen=True)
class SupervisionSummary:
    sessions: int
    minutes: int
    counted: int  # sessions long enough to count towards the cadence
    session_minutes: int  # the template's shortest counted session
    last_held_on: dt.date | None
    months: tuple[SupervisionMonth, ...]
    gaps: tuple[CadenceGap, ...]

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / Decimal(60)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class OutcomeRecord:
    recommendation: str
    recommended_on: dt.date
    recommended_by: str
    rationale: str
    panel_on: dt.date | None
    panel_members: str
    decision: str | None
    decision_note: str
    progressed_on: dt.date | None


@dataclass(frozen=True)
class ProgressRecord:
    enrolment_id: int
    person: str
    job_role: str
    team: str
    registration_number: str | None
    programme: str  # the template's name and version
    programme_kind: str
    cohort: str
    assessor: str
    line_manager: str
    supervisor: str
    status: str
    start_date: dt.date
    ends_on: dt.date
    fte: Decimal
    review_points: tuple[ReviewPointRecord, ...]
    evidence: tuple[EvidenceGroup, ...]
    supervision: SupervisionSummary
    coverage: CoverageMap
    outcome: OutcomeRecord | None
    generated_on: dt.date

    @property
    def evidence_total(self) -> int:
        return sum(len(group.lines) for group in self.evidence)

    @property
    def header(self) -> str:
        """The running header of every printed page."""
        return " · ".join((self.person, self.programme, self.cohort, f"Assessor: {self.assessor}"))


NOBODY = "Not assigned"


def _name(staff: StaffMember | None) -> str:
    return staff.full_name if staff is not None else NOBODY


def _load(enrolment_id: int) -> Enrolment | None:
    """The enrolment and everything one-to-one the record shows, in one statement."""
    return db.session.scalar(
        select(Enrolment)
        .where(Enrolment.id == enrolment_id)
        .options(
            joinedload(Enrolment.staff).joinedload(StaffMember.job_role),
            joinedload(Enrolment.staff).joinedload(StaffMember.team),
            joinedload(Enrolment.assessor),
            joinedload(Enrolment.line_manager),
            joinedload(Enrolment.supervisor),
            joinedload(Enrolment.cohort),
            joinedload(Enrolment.template),
            selectinload(Enrolment.milestones),
        )
    )


def _evidence(enrolment_id: int) -> list[Evidence]:
    return list(
        db.session.scalars(
            select(Evidence)
            .where(Evidence.enrolment_id == enrolment_id)
            .options(
                selectinload(Evidence.items)
                .joinedload(FrameworkItem.version)
                .joinedload(FrameworkVersion.framework)
            )
            .order_by(Evidence.occurred_on, Evidence.id)
        )
    )


def _outcome(enrolment_id: int) -> tuple[Outcome | None, User | None]:
    outcome = db.session.get(Outcome, enrolment_id)
    if outcome is None:
        return None, None
    return outcome, db.session.get(User, outcome.recommended_by_id)


def item_label(item: FrameworkItem) -> str:
    return f"{item.version.framework.code} {item.code}"


def build_record(enrolment_id: int, *, today: dt.date) -> ProgressRecord | None:
    """The progress record of one enrolment as it stands on ``today`` (None: no such one)."""
    enrolment = _load(enrolment_id)
    if enrolment is None:
        return None
    spec = enrolment.template.spec
    events = queries.list_enrolment_events([enrolment.id])[enrolment.id]
    facts = queries.facts_from(enrolment, events)
    dates = queries.dates_from(enrolment, facts)
    milestones = {m.key: m for m in enrolment.milestones}
    logs = queries.list_milestone_events([m.id for m in enrolment.milestones])
    pieces = _evidence(enrolment.id)
    sessions = sessions_for([enrolment.staff_id], since=enrolment.start_date)[enrolment.staff_id]
    outcome, recommender = _outcome(enrolment.id)

    return ProgressRecord(
        enrolment_id=enrolment.id,
        person=enrolment.staff.full_name,
        job_role=enrolment.staff.job_role.title if enrolment.staff.job_role else "",
        team=enrolment.staff.team.name if enrolment.staff.team else "",
        registration_number=enrolment.staff.registration_number,
        programme=enrolment.template.label,
        programme_kind=enrolment.template.kind.label,
        cohort=enrolment.cohort.intake,
        assessor=_name(enrolment.assessor),
        line_manager=_name(enrolment.line_manager),
        supervisor=_name(enrolment.supervisor),
        status=enrolment.status.label,
        start_date=enrolment.start_date,
        ends_on=dates[-1].due_on,
        fte=enrolment.fte,
        review_points=_review_points(spec, dates, milestones, logs, pieces),
        evidence=_evidence_groups(spec, dates, pieces),
        supervision=_supervision(spec, enrolment.start_date, sessions, facts.pauses, today),
        coverage=coverage_of(enrolment),
        outcome=_outcome_record(outcome, recommender),
        generated_on=today,
    )


def _review_points(
    spec: TemplateSpec,
    dates: tuple[DueDate, ...],
    milestones: dict[str, Milestone],
    logs: dict,
    pieces: list[Evidence],
) -> tuple[ReviewPointRecord, ...]:
    """Each point with its due date, state, sign-off log and the evidence it reached: the
    counts are cumulative (a minimum "by the 6-month review" counts everything up to it)."""
    position = {due.key: i for i, due in enumerate(dates)}
    found: list[ReviewPointRecord] = []
    for i, due in enumerate(dates):
        point = spec.point(due.key)
        milestone = milestones.get(due.key)
        state = milestone.state if milestone else MilestoneState.NOT_STARTED
        counts = Counter(p.kind for p in pieces if position.get(p.review_key, 0) <= i)
        log = tuple(
            SignOff(
                action=event.action,
                who=event.actor.display_name if event.actor else "",
                at=event.at,
                comment=event.comment,
                short_reason=event.short_reason,
            )
            for event in (logs.get(milestone.id, []) if milestone else [])
            if event.action in SHOWN_ACTIONS
        )
        countersign = point.countersign is not None
        found.append(
            ReviewPointRecord(
                key=due.key,
                label=due.label,
                due_on=due.due_on,
                optional=due.optional,
                panel=point.panel,
                state=state,
                complete=is_complete(state, countersign_needed=countersign),
                countersign_needed=countersign,
                summary=milestone.summary if milestone else "",
                log=log,
                evidence_count=sum(1 for p in pieces if p.review_key == due.key),
                short=shortfalls(spec, due.key, dict(counts)) if not point.panel else (),
            )
        )
    return tuple(found)


def _evidence_groups(
    spec: TemplateSpec, dates: tuple[DueDate, ...], pieces: list[Evidence]
) -> tuple[EvidenceGroup, ...]:
    """Every kind of evidence, in the vocabulary's order, with the programme's minimum."""
    labels = {due.key: due.label for due in dates}
    needed = spec.final_minimums()
    groups = []
    for kind in EvidenceKind:
        lines = tuple(
            EvidenceLine(
                title=p.title,
                occurred_on=p.occurred_on,
                review_label=labels.get(p.review_key, p.review_key),
                setting=p.setting,
                observer=p.observer,
                # In the framework's order (the link table keeps none).
                items=tuple(
                    item_label(item)
                    for item in sorted(p.items, key=lambda i: (i.version_id, i.position, i.id))
                ),
            )
            for p in pieces
            if p.kind is kind
        )
        if lines or needed.get(kind):
            groups.append(EvidenceGroup(kind=kind, needed=needed.get(kind, 0), lines=lines))
    return tuple(groups)


def _supervision(
    spec: TemplateSpec,
    start: dt.date,
    sessions: list[tuple[dt.date, int]],
    pauses: tuple,
    today: dt.date,
) -> SupervisionSummary:
    per_month: dict[dt.date, list[int]] = {}
    for held_on, minutes in sessions:
        if held_on <= today:
            per_month.setdefault(held_on.replace(day=1), []).append(minutes)
    held = [(d, m) for d, m in sessions if d <= today]
    return SupervisionSummary(
        sessions=len(held),
        minutes=sum(m for _, m in held),
        counted=sum(1 for _, m in held if m >= spec.session_minutes),
        session_minutes=spec.session_minutes,
        last_held_on=held[-1][0] if held else None,
        months=tuple(
            SupervisionMonth(month, len(minutes), sum(minutes))
            for month, minutes in sorted(per_month.items())
        ),
        gaps=cadence_gaps(spec, start=start, sessions=held, today=today, pauses=pauses),
    )


def _outcome_record(outcome: Outcome | None, recommender: User | None) -> OutcomeRecord | None:
    if outcome is None:
        return None
    return OutcomeRecord(
        recommendation=outcome.recommendation.label,
        recommended_on=outcome.recommended_on,
        recommended_by=recommender.display_name if recommender else "",
        rationale=outcome.rationale,
        panel_on=outcome.panel_on,
        panel_members=outcome.panel_members,
        decision=outcome.decision.label if outcome.decision else None,
        decision_note=outcome.decision_note,
        progressed_on=outcome.progressed_on,
    )


# The cohort bundle's index ------------------------------------------------------------------


@dataclass(frozen=True)
class BundleEntry:
    """One member of the bundle: the file their record is in and the facts the panel sorts
    by."""

    filename: str
    record: ProgressRecord

    @property
    def signed_off(self) -> int:
        return sum(1 for point in self.record.review_points if point.complete)


INDEX_HEADER = [
    "File",
    "Name",
    "Registration number",
    "Status",
    "Start date",
    "End date",
    "Assessor",
    "Review points complete",
    "Pieces of evidence",
    "Evidence short",
    "Supervision sessions",
    "Recommendation",
    "Panel decision",
]


def index_rows(entries: list[BundleEntry]) -> list[list[str]]:
    rows = []
    for entry in entries:
        r = entry.record
        final = [p for p in r.review_points if not p.panel]
        short = final[-1].short if final else ()
        rows.append(
            [
                entry.filename,
                r.person,
                r.registration_number or "",
                r.status,
                r.start_date.isoformat(),
                r.ends_on.isoformat(),
                r.assessor,
                f"{entry.signed_off} of {len(r.review_points)}",
                str(r.evidence_total),
                "; ".join(s.sentence for s in short),
                str(r.supervision.sessions),
                r.outcome.recommendation if r.outcome else "",
                (r.outcome.decision or "") if r.outcome else "",
            ]
        )
    return rows


def list_cohort_members(cohort_id: int) -> list[tuple[int, str]]:
    """(enrolment id, person's name) of every member, by name: the bundle's order."""
    rows = db.session.execute(
        select(Enrolment.id, StaffMember.last_name, StaffMember.first_name)
        .join(StaffMember, StaffMember.id == Enrolment.staff_id)
        .where(Enrolment.cohort_id == cohort_id)
        .order_by(StaffMember.last_name, StaffMember.first_name, Enrolment.id)
    )
    return [(id_, f"{first} {last}") for id_, last, first in rows]
