"""Programme rules: pure functions of a template, an enrolment's facts and ``today``.

No database and no clock. A programme template is data (``seeds/reference/programmes``, then
versioned by WFLD admins); ``parse_template`` validates its document into a ``TemplateSpec``.
The rules below turn a spec plus an enrolment's start date, pauses, extensions and FTE into
the dates of its review points, and judge evidence, supervision cadence and milestone states.

- Months are calendar months from the start date; when the start day does not exist in the
  target month the date lands on that month's last day (31 January + 1 month = 28 or 29
  February).
- Part-time working extends every period pro rata: a point due D days after the start at full
  time is due ceil(D / FTE) days after it (0.5 FTE: a 12-month ASYE takes about 24 months).
- A pause (parental leave, sickness) shifts every point not yet reached when it starts by its
  length in days, both ends included.
- An extension adds days to every point due on or after the day it was granted.
- Milestones move: not started → in progress → submitted → returned (→ submitted again) or
  signed off → countersigned where the template asks; a WFLD admin may reopen a signed one.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta

# --- vocabulary ----------------------------------------------------------------------------


class ProgrammeKind(StrEnum):
    ASYE = "asye"
    ECDP = "ecdp"
    STEP_UP = "step_up"
    APPROACH = "approach"
    APPRENTICESHIP = "apprenticeship"
    PEPS = "peps"

    @property
    def label(self) -> str:
        return {
            ProgrammeKind.ASYE: "ASYE",
            ProgrammeKind.ECDP: "Early Career Development Programme",
            ProgrammeKind.STEP_UP: "Step Up to Social Work",
            ProgrammeKind.APPROACH: "Approach Social Work",
            ProgrammeKind.APPRENTICESHIP: "Social work degree apprenticeship",
            ProgrammeKind.PEPS: "Practice Educator Professional Standards",
        }[self]


class EvidenceKind(StrEnum):
    DIRECT_OBSERVATION = "direct_observation"
    FEEDBACK_PERSON = "feedback_person"  # a child, young person, family or person supported
    FEEDBACK_PROFESSIONAL = "feedback_professional"
    WRITTEN_WORK = "written_work"
    CRITICAL_REFLECTION = "critical_reflection"
    DEVELOPMENT_PLAN = "development_plan"
    SELF_ASSESSMENT = "self_assessment"

    @property
    def label(self) -> str:
        return EVIDENCE_LABELS[self][0]

    @property
    def plural(self) -> str:
        return EVIDENCE_LABELS[self][1]


EVIDENCE_LABELS = {
    EvidenceKind.DIRECT_OBSERVATION: ("Direct observation", "direct observations"),
    EvidenceKind.FEEDBACK_PERSON: (
        "Feedback from a child, family or person supported",
        "pieces of feedback from children, families or people supported",
    ),
    EvidenceKind.FEEDBACK_PROFESSIONAL: (
        "Feedback from another professional",
        "pieces of feedback from other professionals",
    ),
    EvidenceKind.WRITTEN_WORK: ("Assessed written work", "assessed pieces of written work"),
    EvidenceKind.CRITICAL_REFLECTION: ("Critical reflection", "critical reflections"),
    EvidenceKind.DEVELOPMENT_PLAN: ("Professional development plan", "development plans"),
    EvidenceKind.SELF_ASSESSMENT: ("Self-assessment", "self-assessments"),
}


class EnrolmentStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    EXTENDED = "extended"
    COMPLETED = "completed"
    FAILED = "failed"
    DEFERRED = "deferred"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


OPEN_STATUSES = frozenset(
    {EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED, EnrolmentStatus.EXTENDED}
)


class MilestoneState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    SIGNED_OFF = "signed_off"
    COUNTERSIGNED = "countersigned"

    @property
    def label(self) -> str:
        return {
            MilestoneState.NOT_STARTED: "Not started",
            MilestoneState.IN_PROGRESS: "In progress",
            MilestoneState.SUBMITTED: "Submitted",
            MilestoneState.RETURNED: "Returned",
            MilestoneState.SIGNED_OFF: "Signed off",
            MilestoneState.COUNTERSIGNED: "Countersigned",
        }[self]


class MilestoneAction(StrEnum):
    START = "start"
    SUBMIT = "submit"
    RETURN = "return"
    SIGN_OFF = "sign_off"
    COUNTERSIGN = "countersign"
    REOPEN = "reopen"

    @property
    def label(self) -> str:
        return {
            MilestoneAction.START: "Started",
            MilestoneAction.SUBMIT: "Submitted",
            MilestoneAction.RETURN: "Returned with comments",
            MilestoneAction.SIGN_OFF: "Signed off",
            MilestoneAction.COUNTERSIGN: "Countersigned",
            MilestoneAction.REOPEN: "Reopened",
        }[self]


class Signer(StrEnum):
    """Who may take a sign-off step: the template names one per step."""

    ASSESSOR = "assessor"
    LINE_MANAGER = "line_manager"
    SUPERVISOR = "supervisor"


# --- the template document -------------------------------------------------------------------


class TemplateInvalid(ValueError):
    """A template document that does not make a programme. ``errors`` maps a field to a
    GOV.UK message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class ReviewPoint:
    key: str  # "agreement", "3m", "final", ...
    label: str
    # Offset from the start at full time: months, plus weeks (the agreement is due in the first
    # weeks: 0 months + 4 weeks).
    months: int = 0
    weeks: int = 0
    optional: bool = False
    signer: Signer = Signer.ASSESSOR
    countersign: Signer | None = None  # a second signature the template asks for
    panel: bool = False  # the moderation panel, recorded as an outcome, not signed off


@dataclass(frozen=True)
class EvidenceMinimum:
    kind: EvidenceKind
    count: int
    by: str  # the review point by which the count must be reached


@dataclass(frozen=True)
class CadenceBand:
    """Supervision every ``every_weeks`` weeks from week ``from_week`` to ``to_week``."""

    from_week: int
    to_week: int
    every_weeks: int


@dataclass(frozen=True)
class FrameworkRef:
    code: str  # a framework's code, e.g. "KSS-CF-PRACTITIONER"
    version: str  # its version label, e.g. "2018"
    level: str | None = None  # a level code where the framework has levels (PCF "asye")


@dataclass(frozen=True)
class TemplateSpec:
    length_months: int
    frameworks: tuple[FrameworkRef, ...]
    review_points: tuple[ReviewPoint, ...]
    evidence: tuple[EvidenceMinimum, ...] = ()
    cadence: tuple[CadenceBand, ...] = ()
    # A session counts towards the cadence when it lasts at least this long.
    session_minutes: int = 90
    # This many missed sessions within a band put the person at risk.
    missed_threshold: int = 2
    protected_time_percent: Decimal = Decimal("0")
    external_moderation: bool = False
    off_the_job_hours: int | None = None
    tripartite_review_weeks: int | None = None
    notes: str = ""

    def point(self, key: str) -> ReviewPoint:
        for point in self.review_points:
            if point.key == key:
                return point
        raise KeyError(key)

    def position(self, key: str) -> int:
        return self._positions[key]

    @cached_property
    def _positions(self) -> dict[str, int]:
        # Worked out once per spec: a cohort dashboard asks for every member.
        return {p.key: i for i, p in enumerate(self.review_points)}

    def minimums_by(self, key: str) -> dict[EvidenceKind, int]:
        """What must be reached by review point ``key``: the highest count due at or before
        it, per kind of evidence."""
        return dict(self._minimums[key])

    @cached_property
    def _minimums(self) -> dict[str, dict[EvidenceKind, int]]:
        table: dict[str, dict[EvidenceKind, int]] = {}
        for point in self.review_points:
            reached = self._positions[point.key]
            due: dict[EvidenceKind, int] = {}
            for minimum in self.evidence:
                if self._positions[minimum.by] <= reached:
                    due[minimum.kind] = max(due.get(minimum.kind, 0), minimum.count)
            table[point.key] = due
        return table

    def final_minimums(self) -> dict[EvidenceKind, int]:
        return self.minimums_by(self.review_points[-1].key)


def _whole(document: dict, name: str, low: int, high: int, errors: dict, label: str) -> int:
    raw = document.get(name)
    if isinstance(raw, bool) or not isinstance(raw, int):
        errors[name] = f"{label} must be a whole number"
        return low
    if not low <= raw <= high:
        errors[name] = f"{label} must be between {low} and {high}"
    return raw


def parse_template(document: dict[str, Any]) -> TemplateSpec:
    """Validate a stored or submitted template document into a ``TemplateSpec``."""
    errors: dict[str, str] = {}
    length = _whole(document, "length_months", 1, 60, errors, "Length in months")
    frameworks: list[FrameworkRef] = []
    for ref in document.get("frameworks") or []:
        try:
            frameworks.append(
                FrameworkRef(str(ref["code"]), str(ref["version"]), ref.get("level") or None)
            )
        except (KeyError, TypeError):
            errors["frameworks"] = "Each framework needs a code and a version"
    points: list[ReviewPoint] = []
    for raw in document.get("review_points") or []:
        try:
            point = ReviewPoint(
                key=str(raw["key"]),
                label=str(raw["label"]),
                months=int(raw.get("months", 0)),
                weeks=int(raw.get("weeks", 0)),
                optional=bool(raw.get("optional", False)),
                signer=Signer(raw.get("signer", "assessor")),
                countersign=Signer(raw["countersign"]) if raw.get("countersign") else None,
                panel=bool(raw.get("panel", False)),
            )
        except (KeyError, TypeError, ValueError):
            errors["review_points"] = "Each review point needs a key, a label and an offset"
            continue
        if point.months < 0 or point.weeks < 0:
            errors["review_points"] = "Review point offsets must be 0 or more"
        points.append(point)
    if not points:
        errors.setdefault("review_points", "Add at least one review point")
    keys = [p.key for p in points]
    if len(set(keys)) != len(keys):
        errors["review_points"] = "Each review point needs a different key"
    offsets = [(p.months, p.weeks) for p in points]
    if offsets != sorted(offsets):
        errors["review_points"] = "List review points in date order"
    evidence: list[EvidenceMinimum] = []
    for raw in document.get("evidence") or []:
        try:
            minimum = EvidenceMinimum(EvidenceKind(raw["kind"]), int(raw["count"]), str(raw["by"]))
        except (KeyError, TypeError, ValueError):
            errors["evidence"] = "Each evidence minimum needs a kind, a count and a review point"
            continue
        if minimum.by not in keys:
            errors["evidence"] = (
                f"Evidence is due by a review point the template lacks ({minimum.by})"
            )
        if minimum.count < 1:
            errors["evidence"] = "Evidence minimums must be 1 or more"
        evidence.append(minimum)
    cadence: list[CadenceBand] = []
    for raw in document.get("cadence") or []:
        try:
            band = CadenceBand(int(raw["from_week"]), int(raw["to_week"]), int(raw["every_weeks"]))
        except (KeyError, TypeError, ValueError):
            errors["cadence"] = "Each supervision band needs its weeks and how often"
            continue
        if band.from_week < 1 or band.to_week < band.from_week or band.every_weeks < 1:
            errors["cadence"] = "Supervision bands run forwards, every 1 week or more"
        cadence.append(band)
    session_minutes = document.get("session_minutes", 90)
    missed = document.get("missed_threshold", 2)
    percent_raw = document.get("protected_time_percent", 0)
    try:
        percent = Decimal(str(percent_raw))
        if not Decimal(0) <= percent <= Decimal(100):
            raise ValueError
    except (ArithmeticError, ValueError):
        errors["protected_time_percent"] = "Protected time must be a percentage from 0 to 100"
        percent = Decimal(0)
    if errors:
        raise TemplateInvalid(errors)
    return TemplateSpec(
        length_months=length,
        frameworks=tuple(frameworks),
        review_points=tuple(points),
        evidence=tuple(evidence),
        cadence=tuple(cadence),
        session_minutes=int(session_minutes),
        missed_threshold=int(missed),
        protected_time_percent=percent,
        external_moderation=bool(document.get("external_moderation", False)),
        off_the_job_hours=document.get("off_the_job_hours"),
        tripartite_review_weeks=document.get("tripartite_review_weeks"),
        notes=str(document.get("notes", "")),
    )


# --- dates ---------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """``months`` calendar months after ``day``; the month's last day when ``day``'s day of the
    month does not exist there."""
    return day + relativedelta(months=months)


@dataclass(frozen=True)
class Pause:
    starts_on: dt.date
    ends_on: dt.date  # the last day of the pause
    reason: str = ""

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


@dataclass(frozen=True)
class Extension:
    granted_on: dt.date
    days: int
    reason: str = ""


def pause_errors(starts_on: dt.date | None, ends_on: dt.date | None) -> dict[str, str]:
    if starts_on and ends_on and ends_on < starts_on:
        return {"ends_on": "The pause must end on or after the day it starts"}
    return {}


def fte_errors(fte: Decimal | None) -> dict[str, str]:
    if fte is None:
        return {"fte": "Enter the FTE, for example 1 or 0.6"}
    if not Decimal(0) < fte <= Decimal(1):
        return {"fte": "FTE must be more than 0 and no more than 1"}
    return {}


@dataclass(frozen=True)
class DueDate:
    key: str
    label: str
    due_on: dt.date
    optional: bool = False


@dataclass(frozen=True)
class FteChange:
    """From ``on`` the person works ``fte``: the rest of the programme stretches to match."""

    on: dt.date
    fte: Decimal


def schedule(
    spec: TemplateSpec,
    *,
    start: dt.date,
    fte: Decimal = Decimal(1),
    fte_changes: Sequence[FteChange] = (),
    pauses: Sequence[Pause] = (),
    extensions: Sequence[Extension] = (),
) -> tuple[DueDate, ...]:
    """Every review point's due date for an enrolment, in template order."""
    return _schedule(spec, start, fte, tuple(fte_changes), tuple(pauses), tuple(extensions))


# Members of a cohort mostly share a start date and have no pauses: the same question, asked
# hundreds of times by a dashboard, is answered once (the rule is pure and its inputs frozen).
@lru_cache(maxsize=4096)
def _schedule(
    spec: TemplateSpec,
    start: dt.date,
    fte: Decimal,
    fte_changes: tuple[FteChange, ...],
    pauses: tuple[Pause, ...],
    extensions: tuple[Extension, ...],
) -> tuple[DueDate, ...]:
    for value in [fte, *(c.fte for c in fte_changes)]:
        if fte_errors(value):
            raise ValueError("FTE must be more than 0 and no more than 1")
    # A change from the start date (or before it, after the start moved later) is the FTE
    # worked from the start.
    for change in sorted(fte_changes, key=lambda c: c.on):
        if change.on <= start:
            fte = change.fte
    segments = [(start, fte)] + sorted((c.on, c.fte) for c in fte_changes if c.on > start)
    dates: list[DueDate] = []
    for point in spec.review_points:
        full_time = add_months(start, point.months) + dt.timedelta(weeks=point.weeks)
        due = _pro_rata(start, (full_time - start).days, segments)
        due = _shifted(due, pauses, extensions)
        dates.append(DueDate(point.key, point.label, due, point.optional))
    return tuple(dates)


def _pro_rata(
    start: dt.date, full_time_days: int, segments: list[tuple[dt.date, Decimal]]
) -> dt.date:
    """The day by which ``full_time_days`` of full-time working are done, working each
    segment's FTE from its first day (each calendar day at FTE f counts as f days)."""
    remaining = Decimal(full_time_days)
    for (begins, fte), following in zip(segments, [*segments[1:], None], strict=True):
        if following is None:
            return begins + dt.timedelta(days=math.ceil(remaining / fte))
        worked = Decimal((following[0] - begins).days) * fte
        if worked >= remaining:
            return begins + dt.timedelta(days=math.ceil(remaining / fte))
        remaining -= worked
    return start  # unreachable: the last segment always returns


def _shifted(due: dt.date, pauses: Sequence[Pause], extensions: Sequence[Extension]) -> dt.date:
    """``due`` moved by every pause that starts before it is reached and every extension
    granted on or before it; each shift can bring a later pause into reach."""
    changes: list[tuple[dt.date, int]] = [(p.starts_on, p.days) for p in pauses]
    changes += [(e.granted_on, e.days) for e in extensions]
    for starts, days in sorted(changes):
        if starts <= due:
            due += dt.timedelta(days=days)
    return due


def end_date(dates: Sequence[DueDate]) -> dt.date:
    return dates[-1].due_on


def week_of(start: dt.date, day: dt.date) -> int:
    """The programme week ``day`` falls in: week 1 is the start date and the 6 days after."""
    return (day - start).days // 7 + 1


# --- supervision cadence ---------------------------------------------------------------------


@dataclass(frozen=True)
class CadenceGap:
    """Supervision sessions missed within one band of the cadence, so far."""

    from_week: int
    to_week: int
    missed: int
    expected: int

    @property
    def sentence(self) -> str:
        noun = "supervision" if self.missed == 1 else "supervisions"
        weeks = (
            f"week {self.from_week}"
            if self.from_week == self.to_week
            else f"weeks {self.from_week}–{self.to_week}"
        )
        return f"{self.missed} {noun} missed in {weeks}"


def cadence_gaps(
    spec: TemplateSpec,
    *,
    start: dt.date,
    sessions: Iterable[tuple[dt.date, int]],
    today: dt.date,
    pauses: Sequence[Pause] = (),
) -> tuple[CadenceGap, ...]:
    """Each band's missed sessions up to ``today``: a slot of ``every_weeks`` weeks that has
    ended with no session of at least the template's length in it is missed. Weeks inside a
    pause expect nothing. ``sessions`` are (date, minutes)."""
    held = sorted(day for day, minutes in sessions if minutes >= spec.session_minutes)
    paused = [(p.starts_on, p.ends_on) for p in pauses]
    gaps: list[CadenceGap] = []
    for band in spec.cadence:
        missed_weeks: list[int] = []
        expected = 0
        week = band.from_week
        while week <= band.to_week:
            last_week = min(week + band.every_weeks - 1, band.to_week)
            slot_start = start + dt.timedelta(weeks=week - 1)
            slot_end = start + dt.timedelta(weeks=last_week) - dt.timedelta(days=1)
            if slot_end >= today:
                break
            if not any(a <= slot_start and slot_end <= b for a, b in paused):
                expected += 1
                first = bisect_left(held, slot_start)  # the first session on or after it
                if first == len(held) or held[first] > slot_end:
                    missed_weeks.append(week)
                    missed_weeks.append(last_week)
            week = last_week + 1
        if missed_weeks:
            gaps.append(
                CadenceGap(missed_weeks[0], missed_weeks[-1], len(missed_weeks) // 2, expected)
            )
    return tuple(gaps)


def cadence_broken(spec: TemplateSpec, gaps: Iterable[CadenceGap]) -> CadenceGap | None:
    """The first band whose missed sessions reach the template's threshold, if any."""
    for gap in gaps:
        if gap.missed >= spec.missed_threshold:
            return gap
    return None


# --- evidence ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shortfall:
    kind: EvidenceKind
    needed: int
    have: int

    @property
    def missing(self) -> int:
        return self.needed - self.have

    @property
    def sentence(self) -> str:
        return f"{self.have} of {self.needed} {self.kind.plural}"


def shortfalls(
    spec: TemplateSpec, key: str, counts: dict[EvidenceKind, int]
) -> tuple[Shortfall, ...]:
    """The evidence still short of what review point ``key`` needs."""
    return tuple(
        Shortfall(kind, needed, counts.get(kind, 0))
        for kind, needed in spec.minimums_by(key).items()
        if counts.get(kind, 0) < needed
    )


def review_point_for(dates: Sequence[DueDate], day: dt.date) -> str:
    """The review point a piece of evidence dated ``day`` counts towards: the first one due on
    or after it (the last one for anything later)."""
    for due in dates:
        if day <= due.due_on:
            return due.key
    return dates[-1].key


# --- milestones ----------------------------------------------------------------------------


class MilestoneRefused(ValueError):
    """The action is not open from the milestone's state."""


# From each state, the actions it allows and where they lead.
TRANSITIONS: dict[MilestoneState, dict[MilestoneAction, MilestoneState]] = {
    MilestoneState.NOT_STARTED: {
        MilestoneAction.START: MilestoneState.IN_PROGRESS,
        MilestoneAction.SUBMIT: MilestoneState.SUBMITTED,
    },
    MilestoneState.IN_PROGRESS: {MilestoneAction.SUBMIT: MilestoneState.SUBMITTED},
    MilestoneState.RETURNED: {MilestoneAction.SUBMIT: MilestoneState.SUBMITTED},
    MilestoneState.SUBMITTED: {
        MilestoneAction.RETURN: MilestoneState.RETURNED,
        MilestoneAction.SIGN_OFF: MilestoneState.SIGNED_OFF,
    },
    MilestoneState.SIGNED_OFF: {
        MilestoneAction.COUNTERSIGN: MilestoneState.COUNTERSIGNED,
        MilestoneAction.REOPEN: MilestoneState.IN_PROGRESS,
    },
    MilestoneState.COUNTERSIGNED: {MilestoneAction.REOPEN: MilestoneState.IN_PROGRESS},
}


def next_state(
    state: MilestoneState, action: MilestoneAction, *, countersign_needed: bool
) -> MilestoneState:
    """Where ``action`` takes a milestone in ``state``; ``MilestoneRefused`` when it may not."""
    if action is MilestoneAction.COUNTERSIGN and not countersign_needed:
        raise MilestoneRefused("This review point needs no countersignature")
    try:
        return TRANSITIONS[state][action]
    except KeyError:
        raise MilestoneRefused(
            f"A milestone that is {state.label.lower()} cannot be {action.label.lower()}"
        ) from None


def state_from(actions: Iterable[MilestoneAction], *, countersign_needed: bool) -> MilestoneState:
    """A milestone's state replayed from its event log (oldest first)."""
    state = MilestoneState.NOT_STARTED
    for action in actions:
        state = next_state(state, action, countersign_needed=countersign_needed)
    return state


def is_complete(state: MilestoneState, *, countersign_needed: bool) -> bool:
    if countersign_needed:
        return state is MilestoneState.COUNTERSIGNED
    return state in (MilestoneState.SIGNED_OFF, MilestoneState.COUNTERSIGNED)


def is_locked(state: MilestoneState) -> bool:
    """Signed off (or countersigned): nothing changes until a WFLD admin reopens it."""
    return state in (MilestoneState.SIGNED_OFF, MilestoneState.COUNTERSIGNED)


# --- progress -----------------------------------------------------------------------------


class Progress(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"
    FINISHED = "finished"

    @property
    def label(self) -> str:
        return {
            Progress.ON_TRACK: "On track",
            Progress.AT_RISK: "At risk",
            Progress.OVERDUE: "Overdue",
            Progress.FINISHED: "Finished",
        }[self]

    @property
    def colour(self) -> str:
        return {
            Progress.ON_TRACK: "green",
            Progress.AT_RISK: "yellow",
            Progress.OVERDUE: "red",
            Progress.FINISHED: "grey",
        }[self]


@dataclass(frozen=True)
class Judgement:
    progress: Progress
    reasons: tuple[str, ...] = field(default=())


def judge(
    *,
    status: EnrolmentStatus,
    dates: Sequence[DueDate],
    complete_keys: frozenset[str],
    shortfall: Sequence[Shortfall],
    cadence_gap: CadenceGap | None,
    assessor_over_capacity: bool,
    today: dt.date,
) -> Judgement:
    """On track, at risk (evidence short for the next point, supervision cadence broken,
    assessor over capacity) or overdue (a required review point past its date, not signed)."""
    if not status.is_open:
        return Judgement(Progress.FINISHED, (status.label,))
    late = [d for d in dates if not d.optional and d.key not in complete_keys and d.due_on < today]
    if late:
        return Judgement(Progress.OVERDUE, tuple(f"{d.label} was due" for d in late[:1]))
    reasons: list[str] = []
    if shortfall:
        reasons.append("Evidence short: " + ", ".join(s.sentence for s in shortfall))
    if cadence_gap is not None:
        reasons.append(cadence_gap.sentence.capitalize())
    if assessor_over_capacity:
        reasons.append("Assessor over capacity")
    return Judgement(Progress.AT_RISK if reasons else Progress.ON_TRACK, tuple(reasons))


def next_point(dates: Sequence[DueDate], complete_keys: frozenset[str]) -> DueDate | None:
    for due in dates:
        if due.key not in complete_keys and not due.optional:
            return due
    return None


def protected_hours_target(
    spec: TemplateSpec, *, contracted_hours: Decimal, fte: Decimal
) -> Decimal:
    """Protected development hours a month: the template's share of the person's hours (a
    full-time week of ``contracted_hours``), pro rata, over the average month (52/12 weeks)."""
    weekly = contracted_hours * fte * spec.protected_time_percent / Decimal(100)
    return (weekly * Decimal(52) / Decimal(12)).quantize(Decimal("0.1"))


def final_review(spec: TemplateSpec) -> ReviewPoint:
    """The review point the assessor's recommendation follows: the last one that is signed
    off (the moderation panel after it is the outcome, not a sign-off)."""
    return [point for point in spec.review_points if not point.panel][-1]
