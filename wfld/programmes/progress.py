"""How each enrolment is getting on, judged in batch: the timeline, evidence still needed,
supervision cadence, assessor load and the on track / at risk / overdue judgement.

My programme, a person's portfolio overview and the cohort dashboard all read this one
builder, so they can never disagree about who is overdue. It runs a constant number of SQL
statements however many enrolments it is given (the cohort dashboard's query-count guard
holds it to that): the events, evidence counts, supervision sessions, assessor loads and
outcomes of every enrolment are each fetched in one statement, then the pure rules judge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from wfld.core.dates import long_date
from wfld.extensions import db
from wfld.organisation.models import StaffMember
from wfld.programmes import queries
from wfld.programmes.models import (
    AssessorCapacity,
    Enrolment,
    Milestone,
    MilestoneEvent,
    Outcome,
)
from wfld.programmes.rules import (
    OPEN_STATUSES,
    CadenceGap,
    DueDate,
    EvidenceKind,
    Judgement,
    MilestoneState,
    Pause,
    ReviewPoint,
    Shortfall,
    Signer,
    TemplateSpec,
    cadence_broken,
    cadence_gaps,
    is_complete,
    judge,
    next_point,
    schedule,
    shortfalls,
)
from wfld.supervision import queries as supervision_queries

# The colour of each milestone state's tag (GOV.UK tag modifiers): the text says it too.
STATE_COLOURS = {
    MilestoneState.NOT_STARTED: "grey",
    MilestoneState.IN_PROGRESS: "light-blue",
    MilestoneState.SUBMITTED: "blue",
    MilestoneState.RETURNED: "orange",
    MilestoneState.SIGNED_OFF: "green",
    MilestoneState.COUNTERSIGNED: "green",
}


# Evidence still short for the next review point puts someone at risk once the point is this
# close: three weeks is time enough to arrange an observation or ask for feedback.
SHORT_WITHIN_DAYS = 21


@dataclass(frozen=True)
class MilestoneRef:
    """What a timeline needs of a milestone: which it is and its cached state (read as plain
    rows: a cohort's thousands of milestones need no ORM objects)."""

    id: int
    key: str
    state: MilestoneState


@dataclass(frozen=True)
class PointRow:
    """One review point on the timeline."""

    point: ReviewPoint
    due: DueDate
    milestone: MilestoneRef | None
    state: MilestoneState
    complete: bool
    overdue: bool
    # The panel is not signed off: its outcome in words ("Confirmed" once it has decided,
    # "Pass recommended" while the assessor's recommendation waits for it).
    panel_decision: str | None = None

    @property
    def state_label(self) -> str:
        if self.point.panel:
            return self.panel_decision or "Not yet held"
        return self.state.label

    @property
    def state_colour(self) -> str:
        if self.point.panel:
            if self.complete:
                return "green"
            return "blue" if self.panel_decision else "grey"
        return STATE_COLOURS[self.state]

    @property
    def waiting_for(self) -> Signer | None:
        """Whose signature the point waits for: the signer once submitted, the countersigner
        once signed off where the template asks for one."""
        if self.state is MilestoneState.SUBMITTED:
            return self.point.signer
        if self.state is MilestoneState.SIGNED_OFF and self.point.countersign is not None:
            return self.point.countersign
        return None


@dataclass(frozen=True)
class SupervisionSummary:
    sessions: int
    last_on: dt.date | None
    gaps: tuple[CadenceGap, ...]
    broken: CadenceGap | None

    @property
    def sentences(self) -> tuple[str, ...]:
        return tuple(gap.sentence for gap in self.gaps)


@dataclass(frozen=True)
class EnrolmentProgress:
    enrolment: Enrolment
    spec: TemplateSpec
    points: tuple[PointRow, ...]
    counts: dict[EvidenceKind, int]
    next_due: DueDate | None
    next_shortfalls: tuple[Shortfall, ...]
    final_shortfalls: tuple[Shortfall, ...]
    supervision: SupervisionSummary
    assessor_load: int
    assessor_capacity: int | None
    judgement: Judgement
    outcome: Outcome | None = None
    pauses: tuple[Pause, ...] = field(default=())

    @property
    def assessor_over_capacity(self) -> bool:
        return self.assessor_capacity is not None and self.assessor_load > self.assessor_capacity

    @property
    def next_row(self) -> PointRow | None:
        if self.next_due is None:
            return None
        return next(row for row in self.points if row.due.key == self.next_due.key)

    def point(self, key: str) -> PointRow:
        return next(row for row in self.points if row.due.key == key)


def list_enrolments(enrolment_ids: Sequence[int]) -> list[Enrolment]:
    """Enrolments with everything the builder and the pages read, in a fixed number of
    statements (the people, their teams, the assessors, supervisors and line managers, and
    the template version; ``progress_of`` reads the milestones)."""
    if not enrolment_ids:
        return []
    return list(
        db.session.scalars(
            select(Enrolment)
            .where(Enrolment.id.in_(list(enrolment_ids)))
            .options(*ENROLMENT_LOADS)
            .order_by(Enrolment.id)
        ).unique()
    )


# What a page about enrolments iterates, loaded with them.
ENROLMENT_LOADS = (
    joinedload(Enrolment.staff).joinedload(StaffMember.team),
    joinedload(Enrolment.assessor),
    joinedload(Enrolment.supervisor),
    joinedload(Enrolment.line_manager),
    # One template version serves many enrolments: read it once, not in every row. The cohort
    # is left to the identity map: pages about a cohort have loaded it already.
    selectinload(Enrolment.template),
)


def milestone_states(enrolment_ids: Sequence[int]) -> dict[int, dict[str, MilestoneRef]]:
    """Each enrolment's milestones by review point key, in one statement."""
    found: dict[int, dict[str, MilestoneRef]] = {i: {} for i in enrolment_ids}
    if not enrolment_ids:
        return found
    rows = db.session.execute(
        select(Milestone.enrolment_id, Milestone.id, Milestone.key, Milestone.state).where(
            Milestone.enrolment_id.in_(list(enrolment_ids))
        )
    )
    for enrolment_id, milestone_id, key, state in rows:
        found[enrolment_id][key] = MilestoneRef(milestone_id, key, MilestoneState(state))
    return found


def assessor_loads(assessor_ids: Sequence[int]) -> dict[int, tuple[int, int | None]]:
    """Each assessor's open enrolments and their capacity (None when none is set), in one
    grouped statement."""
    if not assessor_ids:
        return {}
    rows = db.session.execute(
        select(Enrolment.assessor_id, func.count(Enrolment.id), AssessorCapacity.capacity)
        .outerjoin(AssessorCapacity, AssessorCapacity.staff_id == Enrolment.assessor_id)
        .where(
            Enrolment.assessor_id.in_(list(assessor_ids)),
            Enrolment.status.in_([s.value for s in OPEN_STATUSES]),
        )
        .group_by(Enrolment.assessor_id, AssessorCapacity.capacity)
    )
    return {assessor_id: (count, capacity) for assessor_id, count, capacity in rows}


def outcomes_of(enrolment_ids: Sequence[int]) -> dict[int, Outcome]:
    if not enrolment_ids:
        return {}
    rows = db.session.scalars(select(Outcome).where(Outcome.enrolment_id.in_(list(enrolment_ids))))
    return {outcome.enrolment_id: outcome for outcome in rows}


def progress_of(enrolments: Sequence[Enrolment], *, today: dt.date) -> list[EnrolmentProgress]:
    """Judge every enrolment (loaded with ``ENROLMENT_LOADS``), in the order given."""
    if not enrolments:
        return []
    ids = [e.id for e in enrolments]
    events = queries.list_enrolment_events(ids)
    counts = queries.evidence_counts(ids)
    earliest = min(e.start_date for e in enrolments)
    sessions = supervision_queries.sessions_for(
        sorted({e.staff_id for e in enrolments}), since=earliest
    )
    loads = assessor_loads(sorted({e.assessor_id for e in enrolments if e.assessor_id}))
    outcomes = outcomes_of(ids)
    milestones = milestone_states(ids)
    specs: dict[int, TemplateSpec] = {}
    schedules: dict[tuple, tuple[DueDate, ...]] = {}
    found: list[EnrolmentProgress] = []
    for enrolment in enrolments:
        spec = specs.get(enrolment.template_id)
        if spec is None:
            spec = specs[enrolment.template_id] = enrolment.template.spec
        facts = queries.facts_from(enrolment, events[enrolment.id])
        # The rules' schedule (what ``queries.dates_from`` does) with the spec parsed once per
        # template version, and worked out once for everyone who shares a start date and
        # facts (most of a cohort).
        key = (enrolment.template_id, enrolment.start_date, facts)
        dates = schedules.get(key)
        if dates is None:
            dates = schedules[key] = schedule(
                spec,
                start=enrolment.start_date,
                fte=facts.fte,
                fte_changes=facts.fte_changes,
                pauses=facts.pauses,
                extensions=facts.extensions,
            )
        own_sessions = [
            s for s in sessions.get(enrolment.staff_id, []) if s[0] >= enrolment.start_date
        ]
        load, capacity = (
            loads.get(enrolment.assessor_id, (0, None)) if enrolment.assessor_id else (0, None)
        )
        found.append(
            _judged(
                enrolment,
                spec=spec,
                dates=dates,
                pauses=facts.pauses,
                counts=counts.get(enrolment.id, {}),
                sessions=own_sessions,
                load=load,
                capacity=capacity,
                outcome=outcomes.get(enrolment.id),
                milestones=milestones[enrolment.id],
                today=today,
            )
        )
    return found


def _judged(  # noqa: PLR0913 - the facts one judgement is made of
    enrolment: Enrolment,
    *,
    spec: TemplateSpec,
    dates: tuple[DueDate, ...],
    pauses: tuple[Pause, ...],
    counts: dict[EvidenceKind, int],
    sessions: list[tuple[dt.date, int]],
    load: int,
    capacity: int | None,
    outcome: Outcome | None,
    milestones: dict[str, MilestoneRef],
    today: dt.date,
) -> EnrolmentProgress:
    decided = outcome is not None and outcome.decision is not None
    panel_decision = None
    if outcome is not None:
        panel_decision = (
            outcome.decision.label
            if outcome.decision is not None
            else f"{outcome.recommendation.label} recommended"
        )
    complete: set[str] = set()
    for point in spec.review_points:
        milestone = milestones.get(point.key)
        if point.panel:
            # The panel is recorded as an outcome: it is done once it has decided.
            if decided:
                complete.add(point.key)
        elif milestone is not None and is_complete(
            milestone.state, countersign_needed=point.countersign is not None
        ):
            complete.add(point.key)
    rows = []
    for point, due in zip(spec.review_points, dates, strict=True):
        milestone = milestones.get(point.key)
        done = point.key in complete
        rows.append(
            PointRow(
                point=point,
                due=due,
                milestone=milestone,
                state=milestone.state if milestone is not None else MilestoneState.NOT_STARTED,
                complete=done,
                overdue=(
                    enrolment.status.is_open
                    and not done
                    and not due.optional
                    and due.due_on < today
                ),
                panel_decision=panel_decision if point.panel else None,
            )
        )
    complete_keys = frozenset(complete)
    # A finished enrolment (completed, failed, withdrawn, deferred) has no next review point.
    upcoming = next_point(dates, complete_keys) if enrolment.status.is_open else None
    next_short = shortfalls(spec, upcoming.key, counts) if upcoming is not None else ()
    # Evidence short for a review weeks away is the plan, not a risk: it counts once the
    # review is near.
    near = upcoming is not None and (upcoming.due_on - today).days <= SHORT_WITHIN_DAYS
    final_short = shortfalls(spec, spec.review_points[-1].key, counts)
    gaps = cadence_gaps(
        spec, start=enrolment.start_date, sessions=sessions, today=today, pauses=pauses
    )
    broken = cadence_broken(spec, gaps)
    over = capacity is not None and load > capacity
    judgement = judge(
        status=enrolment.status,
        dates=dates,
        complete_keys=complete_keys,
        shortfall=next_short if near else (),
        cadence_gap=broken,
        assessor_over_capacity=over,
        today=today,
    )
    held = [day for day, _ in sessions]
    return EnrolmentProgress(
        enrolment=enrolment,
        spec=spec,
        points=tuple(rows),
        counts=counts,
        next_due=upcoming,
        next_shortfalls=next_short,
        final_shortfalls=final_short,
        supervision=SupervisionSummary(
            sessions=len(held), last_on=max(held) if held else None, gaps=gaps, broken=broken
        ),
        assessor_load=load,
        assessor_capacity=capacity,
        judgement=judgement,
        outcome=outcome,
        pauses=pauses,
    )


# --- next actions in words --------------------------------------------------------------------


def signer_of(enrolment: Enrolment, signer: Signer) -> StaffMember | None:
    """The person who takes a step the template gives to ``signer``."""
    return {
        Signer.ASSESSOR: enrolment.assessor,
        Signer.LINE_MANAGER: enrolment.line_manager,
        Signer.SUPERVISOR: enrolment.supervisor,
    }[signer]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def evidence_words(kind: EvidenceKind, n: int) -> str:
    """ "1 direct observation", "2 direct observations", "1 piece of feedback from ..."."""
    if n != 1:
        return f"{n} {kind.plural}"
    one = kind.plural.replace("pieces", "piece", 1) if "pieces" in kind.plural else kind.plural[:-1]
    return f"1 {one}"


def next_actions(progress: EnrolmentProgress, *, for_self: bool) -> list[str]:
    """What happens next, said to the person (``for_self``) or about them: returned reviews to
    resubmit, the next review to submit or the signature it waits for, the evidence that review
    still needs and a supervision cadence that has broken."""
    enrolment = progress.enrolment
    if not enrolment.status.is_open:
        return []
    name = enrolment.staff.first_name
    your = "Your" if for_self else f"{name}’s"
    actions: list[str] = []
    for row in progress.points:
        if row.state is MilestoneState.RETURNED:
            label = _lower_first(row.point.label)
            actions.append(
                f"Make the changes to your {label} and submit it again by {_date(row.due.due_on)}"
                if for_self
                else f"{name} to make the changes to the {label} and submit it again"
            )
    row = progress.next_row
    if row is not None and row.state is not MilestoneState.RETURNED:
        label = _lower_first(row.point.label)
        due = _date(row.due.due_on)
        waiting = row.waiting_for
        if row.point.panel:
            actions.append(f"The {label} is due to meet by {due}")
        elif waiting is not None:
            person = signer_of(enrolment, waiting)
            who = (
                person.full_name if person is not None else f"the {waiting.value.replace('_', ' ')}"
            )
            verb = "countersign it" if row.state is MilestoneState.SIGNED_OFF else "sign it off"
            actions.append(f"{your} {label} is waiting for {who} to {verb}")
        else:
            actions.append(
                f"Submit your {label} by {due}"
                if for_self
                else f"{name} to submit the {label} by {due}"
            )
    for short in progress.next_shortfalls:
        more = evidence_words(short.kind, short.missing).replace(" ", " more ", 1)
        actions.append(f"Add {more}" if for_self else f"{more[:1].upper()}{more[1:]} needed")
    broken = progress.supervision.broken
    if broken is not None:
        actions.append(
            f"Talk to your supervisor: {broken.sentence}"
            if for_self
            else f"Supervision: {broken.sentence}"
        )
    return actions


def _date(day: dt.date) -> str:
    return long_date(day)


# --- one person's overview (My programme, and the portfolio overview others see) ------------


def find_enrolment(enrolment_id: int) -> Enrolment | None:
    found = list_enrolments([enrolment_id])
    return found[0] if found else None


@dataclass(frozen=True)
class Overview:
    """Everything the overview page shows about one enrolment."""

    progress: EnrolmentProgress
    for_self: bool  # the person themselves is reading: the actions say "your"
    actions: list[str]
    # Each review point's last step (submitted, returned, signed off…), with who and when.
    last_steps: dict[int, MilestoneEvent]
    others: list[Enrolment] = field(default_factory=list)  # the person's other enrolments

    @property
    def enrolment(self) -> Enrolment:
        return self.progress.enrolment


def build_overview(
    enrolment: Enrolment,
    *,
    for_self: bool,
    today: dt.date,
    others: Sequence[Enrolment] = (),
) -> Overview:
    judged = progress_of([enrolment], today=today)[0]
    events = queries.list_milestone_events(
        [row.milestone.id for row in judged.points if row.milestone is not None]
    )
    return Overview(
        progress=judged,
        for_self=for_self,
        actions=next_actions(judged, for_self=for_self),
        last_steps={key: log[-1] for key, log in events.items() if log},
        others=list(others),
    )


def current_enrolment(enrolments: Sequence[Enrolment]) -> Enrolment | None:
    """The one "My programme" shows: an open enrolment first, else the newest (the list is
    newest first)."""
    for enrolment in enrolments:
        if enrolment.status.is_open:
            return enrolment
    return enrolments[0] if enrolments else None
