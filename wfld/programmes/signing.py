"""Milestones: submission, return with comments, sign-off, countersignature and reopening.

Each step appends a ``MilestoneEvent`` (the record; nothing in it is ever changed or removed)
and moves ``Milestone.state`` (its cache) with ``rules.next_state``. The rules the template
and the programme set:

- the person submits their summary; the signer the template names for the review point
  returns it with a comment saying what to change, or signs it off; nobody signs their own;
- signing off with evidence short of what the review point needs takes a recorded reason;
- a countersignature, where the template asks for one, is by that role and not by whoever
  signed off;
- a signed-off milestone is locked until the WFLD team reopens it with a reason; the sign-off
  and the reopening both stay in the log;
- the moderation panel's review point is not signed here: it is the outcome (``outcomes``).

Two people acting on one milestone at once: exactly one wins. The form carries the version
the page was opened on (``check_version``); when both pass that check together the version
column refuses the second write (SQLAlchemy's ``StaleDataError``). Either way the loser is
told who won and when ("Already signed off by Marcus Lindqvist at 9:05am on 3 December 2026"),
read from the log once their own half-made step is rolled back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from wfld.accounts.audit import record
from wfld.accounts.models import User
from wfld.core.errors_domain import RuleBroken, check_version
from wfld.core.filters import govuk_date, govuk_time
from wfld.extensions import db
from wfld.programmes import permissions, queries
from wfld.programmes.models import Enrolment, Evidence, Milestone, MilestoneEvent
from wfld.programmes.rules import (
    TRANSITIONS,
    DueDate,
    MilestoneAction,
    MilestoneRefused,
    MilestoneState,
    ReviewPoint,
    Shortfall,
    final_review,
    is_locked,
    next_state,
    shortfalls,
)

# The steps people take on the milestone page, in the order its forms are shown.
FORM_ACTIONS: tuple[MilestoneAction, ...] = (
    MilestoneAction.SUBMIT,
    MilestoneAction.RETURN,
    MilestoneAction.SIGN_OFF,
    MilestoneAction.COUNTERSIGN,
    MilestoneAction.REOPEN,
)

# The form field each step's text is typed in (the service's messages are keyed by it).
TEXT_FIELDS = {
    MilestoneAction.SUBMIT: "summary",
    MilestoneAction.RETURN: "comment",
    MilestoneAction.SIGN_OFF: "comment",
    MilestoneAction.COUNTERSIGN: "comment",
    MilestoneAction.REOPEN: "reason",
}

# What a step needs typed, in GOV.UK words; steps not named here take an optional comment.
TEXT_REQUIRED = {
    MilestoneAction.SUBMIT: "Enter a summary of your progress for this review",
    MilestoneAction.RETURN: "Enter a comment saying what to change",
    MilestoneAction.REOPEN: "Enter a reason for reopening this review",
}

# "Already … by X at T": each step in the past tense.
DONE = {
    MilestoneAction.START: "started",
    MilestoneAction.SUBMIT: "submitted",
    MilestoneAction.RETURN: "returned with comments",
    MilestoneAction.SIGN_OFF: "signed off",
    MilestoneAction.COUNTERSIGN: "countersigned",
    MilestoneAction.REOPEN: "reopened",
}

# Each step's audit event: sign-offs, countersignatures and reopenings are audited.
AUDITED = {
    MilestoneAction.SIGN_OFF: "milestone_signed_off",
    MilestoneAction.COUNTERSIGN: "milestone_countersigned",
    MilestoneAction.REOPEN: "milestone_reopened",
}

NOT_YOURS = {
    MilestoneAction.SUBMIT: "Only the person on the programme can submit their review",
    MilestoneAction.RETURN: "You cannot return this review: it is for {signer} to sign off",
    MilestoneAction.SIGN_OFF: "You cannot sign off this review: it is for {signer} to sign off",
    MilestoneAction.COUNTERSIGN: "You cannot countersign this review: it is for {signer}",
    MilestoneAction.REOPEN: "Only the WFLD team can reopen a signed-off review",
}

SIGNER_WORDS = {
    "assessor": "the assessor",
    "line_manager": "the line manager",
    "supervisor": "the supervisor",
}


# --- writes --------------------------------------------------------------------------------


def act(
    *,
    milestone: Milestone,
    action: MilestoneAction,
    text: str = "",
    short_reason: str = "",
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
) -> MilestoneEvent:
    """Take one step on a milestone: append its event, move the state, and audit sign-offs,
    countersignatures and reopenings. ``text`` is the step's summary, comment or reason.

    A step from a page opened before someone else's (the form's version is behind) raises
    ``StaleRecord``; one that lost to a step written at the same moment raises SQLAlchemy's
    ``StaleDataError`` when it is flushed. The save path rolls either back and words it with
    ``lost_race_message``: who won, and when."""
    check_version(milestone, expected_version)
    return _step(
        milestone=milestone,
        action=action,
        text=text.strip(),
        short_reason=short_reason.strip(),
        actor=actor,
        now=now,
    )


def _step(
    *,
    milestone: Milestone,
    action: MilestoneAction,
    text: str,
    short_reason: str,
    actor: User,
    now: dt.datetime,
) -> MilestoneEvent:
    enrolment = milestone.enrolment
    spec = enrolment.template.spec
    point = spec.point(milestone.key)
    if point.panel:
        raise RuleBroken(
            {"milestone": "The moderation panel is recorded as the outcome, not signed off"}
        )
    if not enrolment.status.is_open:
        raise RuleBroken(
            {
                "milestone": f"This enrolment is {enrolment.status.label.lower()}: "
                "its reviews can no longer change"
            }
        )
    if not permissions.may_take_milestone_step(actor, milestone, action):
        raise RuleBroken({"milestone": _not_yours(action, point)})
    try:
        state = next_state(
            milestone.state, action, countersign_needed=point.countersign is not None
        )
    except MilestoneRefused as refused:
        raise RuleBroken({"milestone": str(refused)}) from None
    errors: dict[str, str] = {}
    if action in TEXT_REQUIRED and not text:
        errors[TEXT_FIELDS[action]] = TEXT_REQUIRED[action]
    kept_reason = ""
    if action is MilestoneAction.SIGN_OFF:
        short = evidence_short(enrolment, point.key)
        if short and not short_reason:
            errors["short_reason"] = short_message(short)
        kept_reason = short_reason if short else ""
    if action is MilestoneAction.COUNTERSIGN:
        signed = _last_of(milestone.id, MilestoneAction.SIGN_OFF)
        if signed is not None and signed.actor_id == actor.id:
            errors["milestone"] = "You signed this review off, so someone else must countersign it"
    if errors:
        raise RuleBroken(errors)

    event = MilestoneEvent(
        milestone_id=milestone.id,
        action=action,
        comment=text,
        short_reason=kept_reason,
        actor_id=actor.id,
        at=now,
    )
    db.session.add(event)
    milestone.state = state
    if action is MilestoneAction.SUBMIT:
        milestone.summary = text
    milestone.updated_at = now
    milestone.updated_by_id = actor.id
    # The version column's check runs here: a step written by someone else since this one
    # read the milestone makes the UPDATE match no row (StaleDataError).
    db.session.flush()
    if action in AUDITED:
        record(
            AUDITED[action],
            now=now,
            actor=actor,
            subject=milestone,
            enrolment_id=enrolment.id,
            key=milestone.key,
            short_reason=kept_reason or None,
            reason=text if action is MilestoneAction.REOPEN else None,
        )
    return event


def _not_yours(action: MilestoneAction, point: ReviewPoint) -> str:
    signer = point.countersign if action is MilestoneAction.COUNTERSIGN else point.signer
    return NOT_YOURS[action].format(signer=SIGNER_WORDS[signer.value] if signer else "nobody")


def short_message(short: Sequence[Shortfall]) -> str:
    """ "Evidence is short: 1 of 3 direct observations. Give a reason to sign off anyway"."""
    return (
        "Evidence is short: "
        + ", ".join(s.sentence for s in short)
        + ". Give a reason to sign off anyway"
    )


# --- reads ---------------------------------------------------------------------------------


def already_message(event: MilestoneEvent) -> str:
    """Who took the milestone's latest step, and when, for whoever tried to act on it too."""
    return (
        f"Already {DONE[event.action]} by {event.actor.display_name} "
        f"at {govuk_time(event.at)} on {govuk_date(event.at)}"
    )


def lost_race_message(milestone_id: int) -> str:
    """What the loser of a race on a milestone is told, from its log as committed (read
    after the losing step is rolled back)."""
    event = db.session.scalar(
        select(MilestoneEvent)
        .where(MilestoneEvent.milestone_id == milestone_id)
        .order_by(MilestoneEvent.id.desc())
        .limit(1)
    )
    if event is None:  # the version moved without a step: nothing to name
        return "Someone changed this review since you opened it: check it and try again"
    return already_message(event)


def _last_of(milestone_id: int, action: MilestoneAction) -> MilestoneEvent | None:
    return db.session.scalar(
        select(MilestoneEvent)
        .where(MilestoneEvent.milestone_id == milestone_id, MilestoneEvent.action == action)
        .order_by(MilestoneEvent.id.desc())
        .limit(1)
    )


def evidence_short(enrolment: Enrolment, key: str) -> tuple[Shortfall, ...]:
    """The evidence still short of what review point ``key`` needs, from everything in the
    portfolio so far."""
    counts = queries.evidence_counts([enrolment.id])[enrolment.id]
    return shortfalls(enrolment.template.spec, key, counts)


def list_evidence_for(enrolment: Enrolment, key: str) -> list[Evidence]:
    """The pieces counting towards review point ``key``, oldest first."""
    return list(
        db.session.scalars(
            select(Evidence)
            .where(Evidence.enrolment_id == enrolment.id, Evidence.review_key == key)
            .order_by(Evidence.occurred_on, Evidence.id)
        )
    )


def open_actions(user: User, milestone: Milestone) -> tuple[MilestoneAction, ...]:
    """The steps this user may take on the milestone now: the page shows only these forms."""
    enrolment = milestone.enrolment
    point = enrolment.template.spec.point(milestone.key)
    if point.panel or not enrolment.status.is_open:
        return ()
    allowed = TRANSITIONS.get(milestone.state, {})
    return tuple(
        action
        for action in FORM_ACTIONS
        if action in allowed
        and (action is not MilestoneAction.COUNTERSIGN or point.countersign is not None)
        and permissions.may_take_milestone_step(user, milestone, action)
    )


# The colour of each state's tag (the text says it too); the same as the timeline's.
STATE_COLOURS = {
    MilestoneState.NOT_STARTED: "grey",
    MilestoneState.IN_PROGRESS: "light-blue",
    MilestoneState.SUBMITTED: "blue",
    MilestoneState.RETURNED: "orange",
    MilestoneState.SIGNED_OFF: "green",
    MilestoneState.COUNTERSIGNED: "green",
}


@dataclass(frozen=True)
class LogLine:
    """One step of the log, in words."""

    who: str
    what: str
    at: dt.datetime
    comment: str
    short_reason: str


@dataclass(frozen=True)
class MilestonePage:
    milestone: Milestone
    enrolment: Enrolment
    point: ReviewPoint
    due: DueDate
    state: MilestoneState
    locked: bool
    evidence: list[Evidence]
    short: tuple[Shortfall, ...]
    log: list[LogLine]
    actions: tuple[MilestoneAction, ...]
    is_final: bool  # the final review: the assessor's recommendation follows its sign-off

    @property
    def state_colour(self) -> str:
        return STATE_COLOURS[self.state]

    @property
    def signer(self) -> str:
        return SIGNER_WORDS[self.point.signer.value].capitalize()

    @property
    def countersigner(self) -> str | None:
        return SIGNER_WORDS[self.point.countersign.value] if self.point.countersign else None


def milestone_page(milestone: Milestone, viewer: User) -> MilestonePage:
    """What the milestone page shows this viewer."""
    enrolment = milestone.enrolment
    point = enrolment.template.spec.point(milestone.key)
    due = next(d for d in queries.dates_of(enrolment) if d.key == milestone.key)
    events = queries.list_milestone_events([milestone.id])[milestone.id]
    return MilestonePage(
        milestone=milestone,
        enrolment=enrolment,
        point=point,
        due=due,
        state=milestone.state,
        locked=is_locked(milestone.state),
        evidence=[] if point.panel else list_evidence_for(enrolment, milestone.key),
        short=() if point.panel else evidence_short(enrolment, milestone.key),
        log=[
            LogLine(e.actor.display_name, e.action.label, e.at, e.comment, e.short_reason)
            for e in events
        ],
        actions=open_actions(viewer, milestone),
        is_final=point.key == final_review(enrolment.template.spec).key,
    )
