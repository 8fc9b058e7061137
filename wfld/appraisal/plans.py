"""Writes for development plans: moving an action on (with its review row), adding one by
hand, booking a place on its activity and turning a finished one into a CPD entry. Services
flush and never commit; the view saves once (core.saving).

Every change of an action appends an ``ActionReview`` (append-only): where it was reviewed
(the plan page, supervision, the mid-year review), from which state to which, and a note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from wfld.accounts.audit import record as audit
from wfld.accounts.models import User
from wfld.appraisal import plan_view, queries
from wfld.appraisal.models import ActionReview, DevelopmentAction, DevelopmentPlan, ReviewContext
from wfld.appraisal.rules import ActionState, ActionType
from wfld.catalogue import services as catalogue_services
from wfld.catalogue.models import Booking, BookingStatus, LearningActivity, LearningSession
from wfld.core.errors_domain import RuleBroken, check_version
from wfld.core.text import clean_text
from wfld.cpd import services as cpd_services
from wfld.cpd.models import ActivityType
from wfld.extensions import db
from wfld.supervision.models import SupervisionRecord

NOTE_LIMIT = 2000
TITLE_LIMIT = 2000

# The CPD log's type of activity for each kind of development action.
CPD_ACTIVITY = {
    ActionType.COURSE: ActivityType.COURSE,
    ActionType.SHADOWING: ActivityType.SHADOWING,
    ActionType.MENTORING: ActivityType.MENTORING,
    ActionType.COACHING: ActivityType.MENTORING,
    ActionType.READING: ActivityType.READING,
    ActionType.SECONDMENT: ActivityType.OTHER,
    ActionType.PROJECT: ActivityType.PROJECT,
}


def _clean(text: str | None) -> str:
    return clean_text(text or "").replace("\r\n", "\n").strip()


def _review(
    action: DevelopmentAction,
    *,
    context: ReviewContext,
    state_from: ActionState,
    state_to: ActionState,
    note: str = "",
    supervision_id: int | None = None,
    actor: User | None,
    now: dt.datetime,
) -> ActionReview:
    review = ActionReview(
        action_id=action.id,
        context=context,
        state_from=state_from,
        state_to=state_to,
        note=note,
        supervision_id=supervision_id,
        actor_id=actor.id if actor else None,
        at=now,
    )
    db.session.add(review)
    return review


# Moving an action on ------------------------------------------------------------------------
def change_errors(
    action: DevelopmentAction,
    *,
    state: ActionState | None,
    note: str,
    drop_reason: str,
    context: ReviewContext | None,
    supervision: SupervisionRecord | None,
    current: ActionState,
) -> dict[str, str]:
    """Every rule a change breaks, at once (the form shows them with its own errors)."""
    errors: dict[str, str] = {}
    if state is None:
        errors["state"] = "Select where the action has got to"
    elif state is ActionState.BOOKED and current is not ActionState.BOOKED:
        errors["state"] = "Book a place on the activity to mark the action as booked"
    elif state is ActionState.DROPPED and not _clean(drop_reason):
        errors["drop_reason"] = "Enter why the action was dropped"
    if len(_clean(drop_reason)) > NOTE_LIMIT:
        errors["drop_reason"] = f"Reason must be {NOTE_LIMIT:,} characters or fewer"
    if len(_clean(note)) > NOTE_LIMIT:
        errors["note"] = f"Note must be {NOTE_LIMIT:,} characters or fewer"
    if context is None:
        errors["context"] = "Select where the action was reviewed"
    elif (
        context is ReviewContext.SUPERVISION
        and supervision is not None
        and supervision.staff_id != action.staff_id
    ):
        errors["supervision"] = "Select one of the person’s supervision sessions"
    if state is not None and state is current and not _clean(note) and "state" not in errors:
        errors["note"] = "Change where the action has got to, or add a note about it"
    return errors


def change_action(
    *,
    action: DevelopmentAction,
    state: ActionState | None,
    note: str,
    drop_reason: str,
    context: ReviewContext | None,
    supervision: SupervisionRecord | None,
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
    today: dt.date,
) -> DevelopmentAction:
    """Move an action on, or record a review of it, by the person or their line manager.
    Dropping needs a reason; done keeps the day. What the catalogue says (a booking, its
    attendance) still moves the action on: a hand-set state never hides it."""
    check_version(action, expected_version)
    current = plan_view.effective_state(action)
    errors = change_errors(
        action,
        state=state,
        note=note,
        drop_reason=drop_reason,
        context=context,
        supervision=supervision,
        current=current,
    )
    if errors:
        raise RuleBroken(errors)
    assert state is not None and context is not None
    action.state = state
    action.drop_reason = _clean(drop_reason) if state is ActionState.DROPPED else ""
    if state is ActionState.DONE:
        action.done_on = action.done_on if current is ActionState.DONE and action.done_on else today
    else:
        action.done_on = None
    action.updated_at = now
    db.session.flush()
    _review(
        action,
        context=context,
        state_from=current,
        state_to=state,
        note=_clean(note),
        supervision_id=supervision.id
        if supervision is not None and context is ReviewContext.SUPERVISION
        else None,
        actor=actor,
        now=now,
    )
    db.session.flush()
    return action


# Adding an action by hand -------------------------------------------------------------------
@dataclass(frozen=True)
class ActionDetails:
    title: str
    action_type: ActionType | None
    target_date: dt.date | None
    activity: LearningActivity | None


def action_errors(details: ActionDetails, *, today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    title = _clean(details.title)
    if not title:
        errors["title"] = "Enter the development action"
    elif len(title) > TITLE_LIMIT:
        errors["title"] = f"Development action must be {TITLE_LIMIT:,} characters or fewer"
    if details.action_type is None:
        errors["action_type"] = "Select the type of action"
    if details.target_date is None:
        errors["target_date"] = "Enter a target date for the action"
    elif details.target_date < today:
        errors["target_date"] = "Target date must be today or in the future"
    return errors


def add_action(
    *,
    plan: DevelopmentPlan,
    details: ActionDetails,
    actor: User,
    now: dt.datetime,
    today: dt.date,
) -> DevelopmentAction:
    """An action the person or their manager adds to the plan between conversations."""
    errors = action_errors(details, today=today)
    if errors:
        raise RuleBroken(errors)
    assert details.action_type is not None
    action = DevelopmentAction(
        plan_id=plan.id,
        staff_id=plan.staff_id,
        position=queries.next_action_position(plan.id),
        title=_clean(details.title),
        action_type=details.action_type,
        target_date=details.target_date,
        activity_id=details.activity.id if details.activity else None,
        state=ActionState.PLANNED,
        drop_reason="",
        created_at=now,
        updated_at=now,
    )
    db.session.add(action)
    plan.updated_at = now
    db.session.flush()
    _review(
        action,
        context=ReviewContext.PLAN,
        state_from=ActionState.PLANNED,
        state_to=ActionState.PLANNED,
        note="Added to the plan",
        actor=actor,
        now=now,
    )
    db.session.flush()
    return action


# Booking a place ----------------------------------------------------------------------------
def book_action(
    *,
    action: DevelopmentAction,
    session: LearningSession,
    actor: User,
    now: dt.datetime,
    today: dt.date,
) -> Booking:
    """Book the plan's person a place on a session of the action's activity (the catalogue's
    rules: a full session puts them on its waiting list). A place moves the action to booked;
    the booking is kept on the action either way, so a place that comes free counts."""
    if action.activity_id is None:
        raise RuleBroken({"session": "This action has no learning activity to book"})
    if session.activity_id != action.activity_id:
        raise RuleBroken({"session": "Select a session of the action’s activity"})
    before = plan_view.effective_state(action)
    if before.is_finished:
        raise RuleBroken({"session": f"This action is {before.label.lower()}: it needs no place"})
    booking = catalogue_services.book_place(
        session=session, staff=action.plan.staff, actor=actor, now=now, today=today
    )
    action.booking_id = booking.id
    placed = booking.status is BookingStatus.BOOKED
    if placed:
        action.state = ActionState.BOOKED
    action.updated_at = now
    db.session.flush()
    _review(
        action,
        context=ReviewContext.PLAN,
        state_from=before,
        state_to=ActionState.BOOKED if placed else before,
        note="Place booked" if placed else "On the waiting list for a place",
        actor=actor,
        now=now,
    )
    db.session.flush()
    return booking


# A CPD entry --------------------------------------------------------------------------------
def _entry_text(action: DevelopmentAction) -> cpd_services.EntryText:
    """The start of a CPD entry: what and when, from the plan; the person writes what they
    learnt and its impact."""
    activity = action.activity
    what = action.action_type.label
    about = f": {activity.title}" if activity else ""
    return cpd_services.EntryText(
        title=action.title[:200],
        started_on=action.done_on,
        ended_on=None,
        activity_type=CPD_ACTIVITY[action.action_type],
        hours=activity.duration_hours if activity else None,
        description=f"{what}{about}, from my development plan for {action.plan.cycle.name}.",
        learning="",
        impact="",
        peer_reflection=None,
        peer_role=None,
    )


def action_to_cpd(
    *, action: DevelopmentAction, actor: User, now: dt.datetime, today: dt.date
) -> int:
    """Make a finished action a draft entry in the person's CPD log, once; the entry's id.
    The CPD log's own confidentiality check applies to the text it is given."""
    if action.cpd_entry_id is not None:
        raise RuleBroken({"cpd": "This action is already in your CPD"})
    if plan_view.effective_state(action) is not ActionState.DONE:
        raise RuleBroken({"cpd": "An action can be added to your CPD once it is done"})
    text = _entry_text(action)
    if text.started_on is None:
        text = replace(text, started_on=today)
    try:
        entry = cpd_services.save_entry(
            staff=action.plan.staff,
            entry=None,
            text=text,
            complete=False,
            tag_ids=set(),
            allowed_tag_ids=set(),
            share=None,
            confirmed_digest=None,
            actor=actor,
            now=now,
            today=today,
        )
    except cpd_services.NeedsConfidentialityCheck as check:
        found = "; ".join(f"“{f.excerpt}” looks like {f.kind}" for f in check.findings)
        raise RuleBroken(
            {
                "cpd": f"This action’s words look as if they identify someone ({found}): "
                "ask your manager to change them first"
            }
        ) from None
    action.cpd_entry_id = entry.id
    action.updated_at = now
    db.session.flush()
    audit("development_action_to_cpd", now=now, actor=actor, subject=action, entry_id=entry.id)
    return entry.id
