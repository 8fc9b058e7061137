"""The read model of a development plan: each action with its effective state, once the
catalogue's bookings, attendance and completions are known, and the plan's progress.

An action's stored state is what the person or their manager set by hand; the catalogue moves
it on (``rules.action_state``). What counts for one action:

- booked: a live booking (status booked) of the plan's person on a session of the action's
  activity, asked for on or after the action was made, or the booking made from the plan;
- attended: such a booking marked attended;
- completed: a verified completion of the activity by the person, dated on or after the day
  the action was made (an older completion met an older need).

The flags are worked out for all of a plan's actions (or all of a team's) in a fixed number of
statements: the booking flags are EXISTS columns of the statement that reads the actions, and
the latest completion per action is one grouped statement.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from wfld.appraisal.models import (
    ActionReview,
    Appraisal,
    DevelopmentAction,
    DevelopmentPlan,
    ReviewContext,
)
from wfld.appraisal.rules import (
    ActionState,
    AppraisalKind,
    Stage,
    Status,
    action_state,
    status_of,
)
from wfld.catalogue.models import (
    Attendance,
    Booking,
    BookingStatus,
    Completion,
    CompletionStatus,
    LearningSession,
)
from wfld.core.clock import LONDON
from wfld.extensions import db


# The flags ----------------------------------------------------------------------------------
def _booking_matches():  # noqa: ANN202 - a correlated SQL condition
    """A live booking that counts for the action (correlated to ``DevelopmentAction``): the
    one made from the plan, or one on its activity asked for since the action was made."""
    return and_(
        Booking.session_id == LearningSession.id,
        Booking.staff_id == DevelopmentAction.staff_id,
        Booking.status == BookingStatus.BOOKED,
        or_(
            Booking.id == DevelopmentAction.booking_id,
            and_(
                LearningSession.activity_id == DevelopmentAction.activity_id,
                Booking.requested_at >= DevelopmentAction.created_at,
            ),
        ),
    )


def booked_column():  # noqa: ANN202 - a correlated EXISTS
    return exists().where(_booking_matches()).correlate(DevelopmentAction).label("booked")


def attended_column():  # noqa: ANN202 - a correlated EXISTS
    return (
        exists()
        .where(_booking_matches(), Booking.attendance == Attendance.ATTENDED)
        .correlate(DevelopmentAction)
        .label("attended")
    )


def _latest_completions(where: list) -> dict[int, dt.date]:
    """Action id → the latest verified completion of its activity by its person (one
    statement, grouped; the date rule is applied in Python because "the day the action was
    made" is a London date of a stored UTC time)."""
    rows = db.session.execute(
        select(DevelopmentAction.id, func.max(Completion.completed_on))
        .join(
            Completion,
            and_(
                Completion.staff_id == DevelopmentAction.staff_id,
                Completion.activity_id == DevelopmentAction.activity_id,
                Completion.status == CompletionStatus.VERIFIED,
            ),
        )
        .where(*where)
        .group_by(DevelopmentAction.id)
    ).all()
    return {action_id: latest for action_id, latest in rows}


def _made_on(action_created_at: dt.datetime) -> dt.date:
    return action_created_at.astimezone(LONDON).date()


def _effective(
    stored: ActionState,
    *,
    created_at: dt.datetime,
    booked: bool,
    attended: bool,
    latest_completion: dt.date | None,
) -> ActionState:
    completed = latest_completion is not None and latest_completion >= _made_on(created_at)
    return action_state(stored, booked=bool(booked), attended=bool(attended), completed=completed)


def effective_state(action: DevelopmentAction) -> ActionState:
    """One action's state once the catalogue is known (two statements)."""
    where = [DevelopmentAction.id == action.id]
    booked, attended = db.session.execute(
        select(booked_column(), attended_column()).select_from(DevelopmentAction).where(*where)
    ).one()
    return _effective(
        action.state,
        created_at=action.created_at,
        booked=booked,
        attended=attended,
        latest_completion=_latest_completions(where).get(action.id),
    )


def progress_by_staff(staff_ids: Select, cycle_id: int) -> dict[int, tuple[int, int]]:
    """Staff id → (actions done, actions in the plan, not counting dropped ones) for each
    person among ``staff_ids`` (a select of staff ids) with a plan in the cycle: two
    statements, however many people and actions. People without actions are left out."""
    where = [
        DevelopmentPlan.cycle_id == cycle_id,
        DevelopmentAction.staff_id.in_(staff_ids),
    ]
    rows = db.session.execute(
        select(
            DevelopmentAction.id,
            DevelopmentAction.staff_id,
            DevelopmentAction.state,
            DevelopmentAction.created_at,
            booked_column(),
            attended_column(),
        )
        .join(DevelopmentPlan, DevelopmentPlan.id == DevelopmentAction.plan_id)
        .where(*where)
    ).all()
    if not rows:
        return {}
    latest = _latest_completions(
        [
            DevelopmentAction.plan_id.in_(
                select(DevelopmentPlan.id).where(DevelopmentPlan.cycle_id == cycle_id)
            ),
            DevelopmentAction.staff_id.in_(staff_ids),
        ]
    )
    progress: dict[int, tuple[int, int]] = {}
    for action_id, staff_id, stored, created_at, booked, attended in rows:
        state = _effective(
            stored,
            created_at=created_at,
            booked=booked,
            attended=attended,
            latest_completion=latest.get(action_id),
        )
        done, total = progress.get(staff_id, (0, 0))
        if state is not ActionState.DROPPED:
            total += 1
            done += state is ActionState.DONE
        progress[staff_id] = (done, total)
    return progress


# One plan -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReviewLine:
    at: dt.datetime
    context: str
    state_from: str
    state_to: str
    note: str
    who: str


@dataclass(frozen=True)
class ActionRow:
    """One action as the plan shows it. ``record`` is the action itself, for the page's
    permission questions; the print template reads only the plain fields."""

    id: int
    title: str
    type_label: str
    activity_id: int | None
    activity_title: str | None
    target_date: dt.date | None
    state: ActionState  # effective
    stored_state: ActionState
    drop_reason: str
    done_on: dt.date | None
    cpd_entry_id: int | None
    booked_for: dt.datetime | None  # the start of the session booked from the plan, if live
    framework_items: tuple[str, ...]
    reviews: tuple[ReviewLine, ...]
    record: DevelopmentAction = field(repr=False, compare=False)

    @property
    def offers_cpd(self) -> bool:
        """Finishing an action offers an entry in the person's CPD log, once."""
        return self.state is ActionState.DONE and self.cpd_entry_id is None

    @property
    def bookable(self) -> bool:
        return (
            self.activity_id is not None
            and not self.state.is_finished
            and (self.state is not ActionState.BOOKED)
        )


@dataclass(frozen=True)
class PlanView:
    plan_id: int
    staff_id: int
    person: str
    job_role: str | None
    team: str | None
    cycle_id: int
    cycle: str
    appraisal_id: int | None
    actions: tuple[ActionRow, ...]
    generated_on: dt.date

    @property
    def done(self) -> int:
        return sum(1 for a in self.actions if a.state is ActionState.DONE)

    @property
    def total(self) -> int:
        """Actions that count towards progress: every one but those dropped."""
        return sum(1 for a in self.actions if a.state is not ActionState.DROPPED)

    @property
    def progress(self) -> str:
        return f"{self.done} of {self.total} done"

    @property
    def header(self) -> str:
        return f"Development plan: {self.person}, {self.cycle}"

    @property
    def filename(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", f"{self.person} {self.cycle}".lower()).strip("-")
        return f"development-plan-{slug or 'plan'}.pdf"


def _who(review: ActionReview) -> str:
    actor = review.actor
    if actor is None:
        return "The system"
    return getattr(actor, "display_name", None) or getattr(actor, "email", "") or "Someone"


def build(plan: DevelopmentPlan, *, today: dt.date, with_reviews: bool = False) -> PlanView:
    """The plan with each action's effective state: a fixed number of statements however many
    actions it has (the actions with their flags, their framework items, the completions; the
    review log when asked for)."""
    where = [DevelopmentAction.plan_id == plan.id]
    rows = db.session.execute(
        select(DevelopmentAction, booked_column(), attended_column())
        .options(
            joinedload(DevelopmentAction.activity),
            joinedload(DevelopmentAction.booking).joinedload(Booking.session),
            selectinload(DevelopmentAction.framework_items),
        )
        .where(*where)
        .order_by(DevelopmentAction.position, DevelopmentAction.id)
    ).all()
    latest = _latest_completions(where) if rows else {}
    reviews: dict[int, list[ReviewLine]] = {}
    if with_reviews and rows:
        for review in db.session.scalars(
            select(ActionReview)
            .options(joinedload(ActionReview.actor))
            .where(ActionReview.action_id.in_([a.id for a, _, _ in rows]))
            .order_by(ActionReview.at, ActionReview.id)
        ):
            reviews.setdefault(review.action_id, []).append(
                ReviewLine(
                    at=review.at,
                    context=ReviewContext(review.context).label,
                    state_from=review.state_from.label,
                    state_to=review.state_to.label,
                    note=review.note,
                    who=_who(review),
                )
            )
    actions = []
    for action, booked, attended in rows:
        state = _effective(
            action.state,
            created_at=action.created_at,
            booked=booked,
            attended=attended,
            latest_completion=latest.get(action.id),
        )
        booking = action.booking
        live = booking is not None and booking.status is BookingStatus.BOOKED
        actions.append(
            ActionRow(
                id=action.id,
                title=action.title,
                type_label=action.action_type.label,
                activity_id=action.activity_id,
                activity_title=action.activity.title if action.activity else None,
                target_date=action.target_date,
                state=state,
                stored_state=action.state,
                drop_reason=action.drop_reason,
                done_on=action.done_on,
                cpd_entry_id=action.cpd_entry_id,
                booked_for=booking.session.starts_at if live else None,
                framework_items=tuple(
                    f"{item.code} {item.title}" for item in action.framework_items
                ),
                reviews=tuple(reviews.get(action.id, ())),
                record=action,
            )
        )
    staff = plan.staff
    return PlanView(
        plan_id=plan.id,
        staff_id=plan.staff_id,
        person=staff.full_name,
        job_role=staff.job_role.title if staff.job_role else None,
        team=staff.team.name if staff.team else None,
        cycle_id=plan.cycle_id,
        cycle=plan.cycle.name,
        appraisal_id=plan.appraisal_id,
        actions=tuple(actions),
        generated_on=today,
    )


# The conversation's next step ---------------------------------------------------------------
@dataclass(frozen=True)
class NextStep:
    """What My development plan offers about this cycle's conversation."""

    status: Status
    says: str  # where things stand, in a sentence
    action: str | None = None  # the button or link text
    endpoint: str | None = None  # appraisal.* endpoint
    args: dict = field(default_factory=dict)
    post: bool = False  # a button that starts the conversation


def next_step(
    appraisal: Appraisal | None,
    *,
    cycle_id: int,
    staff_id: int,
    due_by: dt.date,
    today: dt.date,
    kind: AppraisalKind = AppraisalKind.ANNUAL,
    may_start: bool = True,
) -> NextStep:
    """The person's next step in this cycle's conversation of this kind (the annual appraisal
    or the mid-year review): start it, prepare, sign, or read it once signed. Not
    ``may_start``: it cannot be started yet (a mid-year review before the annual one is
    signed by both), so no button."""
    noun = "mid-year review" if kind is AppraisalKind.MID_YEAR else "appraisal"
    start_args = {"cycle_id": cycle_id, "staff_id": staff_id}
    if kind is AppraisalKind.MID_YEAR:
        start_args["kind"] = kind.value
    status = status_of(appraisal.stage if appraisal else None, due_by=due_by, today=today)
    if appraisal is None and not may_start:
        return NextStep(
            status,
            f"You can start your {noun} once you and your appraiser have both signed your "
            "appraisal.",
        )
    if appraisal is None:
        return NextStep(
            status,
            f"Your {noun} for this cycle has not been started.",
            f"Start your {noun}",
            "appraisal.start_appraisal",
            start_args,
            post=True,
        )
    view = {"appraisal_id": appraisal.id}
    if appraisal.stage is Stage.NOT_STARTED:
        return NextStep(
            status,
            "Write your self-reflection before you meet your appraiser.",
            f"Prepare for your {noun}",
            "appraisal.prepare_appraisal",
            view,
        )
    if appraisal.stage is Stage.PREPARED:
        return NextStep(
            status,
            "You have written your self-reflection. Your appraiser records the conversation "
            "after you meet.",
            f"View your {noun}",
            "appraisal.view_appraisal",
            view,
        )
    if appraisal.stage is Stage.HELD and appraisal.person_signed_at is None:
        return NextStep(
            status,
            "Your appraiser has recorded the conversation: read it and sign it, or add your "
            "comments.",
            f"Read and sign your {noun}",
            "appraisal.sign_appraisal",
            view,
        )
    if appraisal.stage is Stage.HELD and appraisal.appraiser_signed_at is not None:
        return NextStep(
            status,
            f"You and your appraiser have signed your {noun}. It is waiting for a "
            "countersignature.",
            f"View your {noun}",
            "appraisal.view_appraisal",
            view,
        )
    if appraisal.stage is Stage.HELD:
        return NextStep(
            status,
            f"You have signed your {noun}. It is waiting for your appraiser’s signature.",
            f"View your {noun}",
            "appraisal.view_appraisal",
            view,
        )
    return NextStep(
        status,
        f"Your {noun} is signed. The development needs you agreed are the actions below.",
        f"View your signed {noun}",
        "appraisal.view_appraisal",
        view,
    )
