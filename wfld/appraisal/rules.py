"""The appraisal's rules as pure functions of records and dates: a conversation's state, what
may change when, the objective-to-priority rule, and a development action's state once
bookings and attendance are known. No queries, no clock: callers pass ``today``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class AppraisalKind(StrEnum):
    ANNUAL = "annual"
    MID_YEAR = "mid_year"

    @property
    def label(self) -> str:
        return {
            AppraisalKind.ANNUAL: "Annual conversation",
            AppraisalKind.MID_YEAR: "Mid-year review",
        }[self]


class Stage(StrEnum):
    """Where one conversation is (a status column caches it; the events are the record)."""

    NOT_STARTED = "not_started"  # a record exists (an appraiser was set) but nothing written
    PREPARED = "prepared"  # the person has written their self-reflection
    HELD = "held"  # the appraiser has recorded the conversation; signatures awaited
    SIGNED = "signed"  # both signed (and countersigned where the cycle asks): locked

    @property
    def label(self) -> str:
        return {
            Stage.NOT_STARTED: "Not started",
            Stage.PREPARED: "Prepared",
            Stage.HELD: "Held",
            Stage.SIGNED: "Signed",
        }[self]


class Status(StrEnum):
    """What a team or completion page shows for one person in one cycle."""

    NOT_STARTED = "not_started"
    PREPARED = "prepared"
    HELD = "held"
    SIGNED = "signed"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {
            Status.NOT_STARTED: "Not started",
            Status.PREPARED: "Prepared",
            Status.HELD: "Held",
            Status.SIGNED: "Signed",
            Status.OVERDUE: "Overdue",
        }[self]

    @property
    def tag(self) -> str:
        """The GOV.UK tag colour (the text says the same)."""
        return {
            Status.NOT_STARTED: "grey",
            Status.PREPARED: "light-blue",
            Status.HELD: "yellow",
            Status.SIGNED: "green",
            Status.OVERDUE: "red",
        }[self]


def status_of(stage: Stage | None, *, due_by: dt.date, today: dt.date) -> Status:
    """A person's status in a cycle: signed whenever signed; otherwise overdue once the
    cycle's window has closed (``due_by`` passed), else the stage reached (None: no record)."""
    if stage is Stage.SIGNED:
        return Status.SIGNED
    if today > due_by:
        return Status.OVERDUE
    if stage is None:
        return Status.NOT_STARTED
    return Status(stage.value)


def due_by_for(
    kind: AppraisalKind | str, *, due_by: dt.date, mid_year_by: dt.date | None
) -> dt.date:
    """The day a conversation of this kind is due by: a mid-year review the cycle's mid-year
    window's close (the annual window's where the cycle has none), an annual one ``due_by``."""
    if AppraisalKind(kind) is AppraisalKind.MID_YEAR and mid_year_by is not None:
        return mid_year_by
    return due_by


def mid_year_open(mid_year_from: dt.date | None, *, today: dt.date) -> bool:
    """Whether the cycle's mid-year review window has opened (it has one, and today is on or
    after its first day)."""
    return mid_year_from is not None and today >= mid_year_from


def may_start_mid_year(annual: object | None) -> bool:
    """Whether a person's mid-year review may start: their annual conversation in the cycle
    (an ``Appraisal`` or None) is signed by them and their appraiser."""
    return (
        annual is not None
        and getattr(annual, "person_signed_at", None) is not None
        and getattr(annual, "appraiser_signed_at", None) is not None
    )


class EventKind(StrEnum):
    CREATED = "created"  # a record was opened (by the person, the appraiser or WFLD)
    PREPARED = "prepared"  # the person's self-reflection
    RECORDED = "recorded"  # the appraiser recorded or changed the conversation
    APPRAISER_SET = "appraiser_set"
    PERSON_SIGNED = "person_signed"
    APPRAISER_SIGNED = "appraiser_signed"
    COUNTERSIGNED = "countersigned"
    SIGNATURES_CLEARED = "signatures_cleared"  # the text changed after one signature
    NEW_VERSION = "new_version"  # a signed record reopened as its next version

    @property
    def label(self) -> str:
        return {
            EventKind.CREATED: "Started",
            EventKind.PREPARED: "Self-reflection saved",
            EventKind.RECORDED: "Conversation recorded",
            EventKind.APPRAISER_SET: "Appraiser set",
            EventKind.PERSON_SIGNED: "Signed by the person",
            EventKind.APPRAISER_SIGNED: "Signed by the appraiser",
            EventKind.COUNTERSIGNED: "Countersigned",
            EventKind.SIGNATURES_CLEARED: "Signatures cleared by a change",
            EventKind.NEW_VERSION: "New version started",
        }[self]


@dataclass(frozen=True)
class Signatures:
    person: bool
    appraiser: bool
    countersigned: bool
    needs_countersignature: bool

    @property
    def both(self) -> bool:
        return self.person and self.appraiser

    @property
    def complete(self) -> bool:
        """Locked: both signed, and countersigned where the cycle asks."""
        return self.both and (self.countersigned or not self.needs_countersignature)


def is_locked(signatures: Signatures) -> bool:
    """Once both have signed the record cannot be changed: a change is a new version."""
    return signatures.both


LOCKED_MESSAGE = (
    "This record has been signed by both of you and cannot be changed: "
    "start a new version to change it"
)


class ActionType(StrEnum):
    COURSE = "course"
    SHADOWING = "shadowing"
    MENTORING = "mentoring"
    COACHING = "coaching"
    READING = "reading"
    SECONDMENT = "secondment"  # or acting up
    PROJECT = "project"

    @property
    def label(self) -> str:
        return {
            ActionType.COURSE: "Course",
            ActionType.SHADOWING: "Shadowing",
            ActionType.MENTORING: "Mentoring",
            ActionType.COACHING: "Coaching",
            ActionType.READING: "Reading",
            ActionType.SECONDMENT: "Secondment or acting up",
            ActionType.PROJECT: "Project",
        }[self]


class ActionState(StrEnum):
    PLANNED = "planned"
    BOOKED = "booked"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return {
            ActionState.PLANNED: "Planned",
            ActionState.BOOKED: "Booked",
            ActionState.IN_PROGRESS: "In progress",
            ActionState.DONE: "Done",
            ActionState.DROPPED: "Dropped",
        }[self]

    @property
    def tag(self) -> str:
        return {
            ActionState.PLANNED: "grey",
            ActionState.BOOKED: "blue",
            ActionState.IN_PROGRESS: "yellow",
            ActionState.DONE: "green",
            ActionState.DROPPED: "orange",
        }[self]

    @property
    def is_finished(self) -> bool:
        return self in (ActionState.DONE, ActionState.DROPPED)


def action_state(
    stored: ActionState, *, booked: bool, attended: bool, completed: bool
) -> ActionState:
    """An action's state once the catalogue is known. A place booked on its activity moves a
    planned action to booked; attending (or a recorded completion) moves it to done. What the
    person or manager set by hand — done, dropped — stands."""
    if stored.is_finished:
        return stored
    if attended or completed:
        return ActionState.DONE
    if booked and stored in (ActionState.PLANNED, ActionState.BOOKED):
        return ActionState.BOOKED
    if stored is ActionState.BOOKED and not booked:
        # The booking was cancelled: back to planned.
        return ActionState.PLANNED
    return stored


class Aspiration(StrEnum):
    ADVANCED_PRACTITIONER = "advanced_practitioner"
    MANAGEMENT = "management"
    PRACTICE_EDUCATOR = "practice_educator"
    SPECIALIST = "specialist"
    PRINCIPAL_SOCIAL_WORKER = "principal_social_worker"
    STAY = "stay"

    @property
    def label(self) -> str:
        return {
            Aspiration.ADVANCED_PRACTITIONER: "Advanced practitioner",
            Aspiration.MANAGEMENT: "Management",
            Aspiration.PRACTICE_EDUCATOR: "Practice educator",
            Aspiration.SPECIALIST: "Specialist role",
            Aspiration.PRINCIPAL_SOCIAL_WORKER: "Principal social worker",
            Aspiration.STAY: "Developing in my current role",
        }[self]


def objective_errors(
    *, text: str, target_date: dt.date | None, today: dt.date, prefix: str = ""
) -> dict[str, str]:
    """A SMART objective needs words and a target date that has not passed."""
    errors: dict[str, str] = {}
    if not text.strip():
        errors[f"{prefix}text"] = "Enter the objective"
    if target_date is None:
        errors[f"{prefix}target_date"] = "Enter a target date for the objective"
    elif target_date < today:
        errors[f"{prefix}target_date"] = "Target date must be today or in the future"
    return errors


def lacks_priority_objective(priority_ids: list[int | None], *, cycle_has_priorities: bool) -> bool:
    """The warning on the sign-off page: the cycle lists strategy priorities and none of the
    person's objectives is linked to one."""
    return cycle_has_priorities and not any(p is not None for p in priority_ids)


def cycle_errors(
    *,
    name: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    due_from: dt.date | None,
    due_by: dt.date | None,
    mid_year_from: dt.date | None,
    mid_year_by: dt.date | None,
) -> dict[str, str]:
    """A cycle's dates in order: the year, the window conversations are due in (inside the
    year), and a mid-year review window after it (optional)."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Enter a name for the cycle"
    if starts_on is None:
        errors["starts_on"] = "Enter the date the cycle starts"
    if ends_on is None:
        errors["ends_on"] = "Enter the date the cycle ends"
    elif starts_on is not None and ends_on <= starts_on:
        errors["ends_on"] = "The cycle must end after it starts"
    if due_from is None:
        errors["due_from"] = "Enter the date conversations are due from"
    if due_by is None:
        errors["due_by"] = "Enter the date conversations are due by"
    elif due_from is not None and due_by < due_from:
        errors["due_by"] = "Conversations must be due by a date on or after the window opens"
    if starts_on and ends_on and due_from and not starts_on <= due_from <= ends_on:
        errors.setdefault("due_from", "The window must open within the cycle")
    if starts_on and ends_on and due_by and not starts_on <= due_by <= ends_on:
        errors.setdefault("due_by", "The window must close within the cycle")
    if (mid_year_from is None) != (mid_year_by is None):
        key = "mid_year_by" if mid_year_by is None else "mid_year_from"
        errors[key] = "Enter both dates of the mid-year review, or neither"
    elif mid_year_from and mid_year_by:
        if mid_year_by < mid_year_from:
            errors["mid_year_by"] = "The mid-year review must close on or after it opens"
        elif due_by and mid_year_from <= due_by:
            errors["mid_year_from"] = "The mid-year review must open after the annual window closes"
        elif ends_on and mid_year_by > ends_on:
            errors["mid_year_by"] = "The mid-year review must close within the cycle"
    return errors
