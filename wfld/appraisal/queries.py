"""Reads for appraisal records: cycles, conversations, plans and team plans. Lists eager-load
what their pages iterate; the service-wide figures are SQL aggregates (see ``completion.py``
and ``rollup.py`` for the grouped reads)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from wfld.appraisal.models import (
    ActionReview,
    Appraisal,
    AppraisalCycle,
    AppraisalEvent,
    DevelopmentAction,
    DevelopmentNeed,
    DevelopmentPlan,
    Objective,
    StrategyPriority,
    TeamNeed,
    TeamPlan,
)
from wfld.appraisal.rules import AppraisalKind
from wfld.cpd.models import CpdEntry
from wfld.extensions import db
from wfld.organisation.models import StaffMember
from wfld.organisation.queries import in_post
from wfld.supervision.models import SupervisionRecord


# Cycles ---------------------------------------------------------------------------------------
def list_cycles() -> list[AppraisalCycle]:
    return list(
        db.session.scalars(
            select(AppraisalCycle)
            .options(selectinload(AppraisalCycle.priorities))
            .order_by(AppraisalCycle.starts_on.desc())
        )
    )


def find_cycle(cycle_id: int) -> AppraisalCycle | None:
    return db.session.get(AppraisalCycle, cycle_id)


def find_cycle_by_name(name: str) -> AppraisalCycle | None:
    return db.session.scalar(select(AppraisalCycle).where(AppraisalCycle.name == name))


def current_cycle(today: dt.date) -> AppraisalCycle | None:
    """The cycle covering today (the latest to start, where two overlap)."""
    return db.session.scalar(
        select(AppraisalCycle)
        .where(AppraisalCycle.starts_on <= today, AppraisalCycle.ends_on >= today)
        .order_by(AppraisalCycle.starts_on.desc())
        .limit(1)
    )


def find_priority(priority_id: int) -> StrategyPriority | None:
    return db.session.get(StrategyPriority, priority_id)


# Conversations --------------------------------------------------------------------------------
def _appraisal_options():  # noqa: ANN202 - loader options
    return (
        joinedload(Appraisal.cycle),
        joinedload(Appraisal.staff),
        joinedload(Appraisal.appraiser),
        selectinload(Appraisal.needs).selectinload(DevelopmentNeed.framework_items),
        selectinload(Appraisal.needs).joinedload(DevelopmentNeed.activity),
        selectinload(Appraisal.objectives).joinedload(Objective.priority),
    )


def find_appraisal(appraisal_id: int) -> Appraisal | None:
    return db.session.scalar(
        select(Appraisal).options(*_appraisal_options()).where(Appraisal.id == appraisal_id)
    )


def find_appraisal_for(
    staff_id: int, cycle_id: int, kind: AppraisalKind = AppraisalKind.ANNUAL
) -> Appraisal | None:
    return db.session.scalar(
        select(Appraisal)
        .options(*_appraisal_options())
        .where(
            Appraisal.staff_id == staff_id,
            Appraisal.cycle_id == cycle_id,
            Appraisal.kind == kind,
        )
    )


def list_appraisals_of(staff_id: int) -> list[Appraisal]:
    """A person's conversations, newest cycle first."""
    return list(
        db.session.scalars(
            select(Appraisal)
            .join(Appraisal.cycle)
            .options(joinedload(Appraisal.cycle), joinedload(Appraisal.appraiser))
            .where(Appraisal.staff_id == staff_id)
            .order_by(AppraisalCycle.starts_on.desc(), Appraisal.kind)
        )
    )


def list_events(appraisal_id: int) -> list[AppraisalEvent]:
    return list(
        db.session.scalars(
            select(AppraisalEvent)
            .options(joinedload(AppraisalEvent.actor))
            .where(AppraisalEvent.appraisal_id == appraisal_id)
            .order_by(AppraisalEvent.at, AppraisalEvent.id)
        )
    )


def find_need(need_id: int) -> DevelopmentNeed | None:
    return db.session.scalar(
        select(DevelopmentNeed)
        .options(joinedload(DevelopmentNeed.appraisal).joinedload(Appraisal.staff))
        .where(DevelopmentNeed.id == need_id)
    )


def find_objective(objective_id: int) -> Objective | None:
    return db.session.scalar(
        select(Objective)
        .options(joinedload(Objective.appraisal).joinedload(Appraisal.staff))
        .where(Objective.id == objective_id)
    )


# Plans ----------------------------------------------------------------------------------------
def find_plan(plan_id: int) -> DevelopmentPlan | None:
    return db.session.scalar(
        select(DevelopmentPlan)
        .options(joinedload(DevelopmentPlan.staff), joinedload(DevelopmentPlan.cycle))
        .where(DevelopmentPlan.id == plan_id)
    )


def find_plan_for(staff_id: int, cycle_id: int) -> DevelopmentPlan | None:
    return db.session.scalar(
        select(DevelopmentPlan).where(
            DevelopmentPlan.staff_id == staff_id, DevelopmentPlan.cycle_id == cycle_id
        )
    )


def list_plans_of(staff_id: int) -> list[DevelopmentPlan]:
    return list(
        db.session.scalars(
            select(DevelopmentPlan)
            .join(DevelopmentPlan.cycle)
            .options(joinedload(DevelopmentPlan.cycle))
            .where(DevelopmentPlan.staff_id == staff_id)
            .order_by(AppraisalCycle.starts_on.desc())
        )
    )


def list_actions(plan_id: int) -> list[DevelopmentAction]:
    return list(
        db.session.scalars(
            select(DevelopmentAction)
            .options(
                joinedload(DevelopmentAction.activity),
                joinedload(DevelopmentAction.booking),
                selectinload(DevelopmentAction.framework_items),
            )
            .where(DevelopmentAction.plan_id == plan_id)
            .order_by(DevelopmentAction.position, DevelopmentAction.id)
        )
    )


def find_action(action_id: int) -> DevelopmentAction | None:
    return db.session.scalar(
        select(DevelopmentAction)
        .options(
            joinedload(DevelopmentAction.plan).joinedload(DevelopmentPlan.staff),
            joinedload(DevelopmentAction.activity),
        )
        .where(DevelopmentAction.id == action_id)
    )


def find_action_for_need(need_id: int) -> DevelopmentAction | None:
    return db.session.scalar(select(DevelopmentAction).where(DevelopmentAction.need_id == need_id))


def next_action_position(plan_id: int) -> int:
    top = db.session.scalar(
        select(func.max(DevelopmentAction.position)).where(DevelopmentAction.plan_id == plan_id)
    )
    return (top or 0) + 1


def list_action_reviews(action_ids: list[int]) -> list[ActionReview]:
    if not action_ids:
        return []
    return list(
        db.session.scalars(
            select(ActionReview)
            .options(joinedload(ActionReview.actor))
            .where(ActionReview.action_id.in_(action_ids))
            .order_by(ActionReview.at, ActionReview.id)
        )
    )


# Team plans -----------------------------------------------------------------------------------
def find_team_plan(team_plan_id: int) -> TeamPlan | None:
    return db.session.scalar(
        select(TeamPlan)
        .options(
            joinedload(TeamPlan.team),
            joinedload(TeamPlan.cycle),
            selectinload(TeamPlan.needs).joinedload(TeamNeed.activity),
            selectinload(TeamPlan.needs).joinedload(TeamNeed.framework_item),
        )
        .where(TeamPlan.id == team_plan_id)
    )


def find_team_plan_for(team_id: int, cycle_id: int) -> TeamPlan | None:
    return db.session.scalar(
        select(TeamPlan).where(TeamPlan.team_id == team_id, TeamPlan.cycle_id == cycle_id)
    )


def find_team_need(team_need_id: int) -> TeamNeed | None:
    return db.session.scalar(
        select(TeamNeed)
        .options(joinedload(TeamNeed.plan).joinedload(TeamPlan.team))
        .where(TeamNeed.id == team_need_id)
    )


def list_direct_reports_with_appraisals(
    manager_id: int, cycle_id: int, *, today: dt.date
) -> list[tuple[StaffMember, Appraisal | None]]:
    """The manager's reports in post, each with their annual conversation in the cycle (or
    None), in one statement."""
    rows = db.session.execute(
        select(StaffMember, Appraisal)
        .outerjoin(
            Appraisal,
            (Appraisal.staff_id == StaffMember.id)
            & (Appraisal.cycle_id == cycle_id)
            & (Appraisal.kind == AppraisalKind.ANNUAL),
        )
        .options(joinedload(StaffMember.job_role))
        .where(StaffMember.line_manager_id == manager_id, StaffMember.id.in_(in_post(today)))
        .order_by(StaffMember.last_name, StaffMember.first_name)
    ).all()
    return [(staff, appraisal) for staff, appraisal in rows]


def linked_priority_ids(priority_ids: list[int]) -> set[int]:
    """Which of these strategy priorities an objective links to."""
    if not priority_ids:
        return set()
    return set(
        db.session.scalars(
            select(Objective.priority_id).where(Objective.priority_id.in_(priority_ids)).distinct()
        )
    )


def list_linkable_cpd_entries(staff_id: int, entry_ids: tuple[int, ...] | list[int]) -> list:
    """The person's own CPD entries among ``entry_ids`` (feedback may point only to theirs)."""
    if not entry_ids:
        return []
    return list(
        db.session.scalars(
            select(CpdEntry).where(CpdEntry.id.in_(set(entry_ids)), CpdEntry.staff_id == staff_id)
        )
    )


def list_linkable_supervision(staff_id: int, session_ids: tuple[int, ...] | list[int]) -> list:
    """The person's own supervision sessions among ``session_ids``."""
    if not session_ids:
        return []
    return list(
        db.session.scalars(
            select(SupervisionRecord).where(
                SupervisionRecord.id.in_(set(session_ids)), SupervisionRecord.staff_id == staff_id
            )
        )
    )


def list_recent_cpd_entries(staff_id: int, *, limit: int = 30) -> list:
    """What the conversation page offers to link: the person's latest CPD entries."""
    return list(
        db.session.scalars(
            select(CpdEntry)
            .where(CpdEntry.staff_id == staff_id)
            .order_by(CpdEntry.started_on.desc(), CpdEntry.id.desc())
            .limit(limit)
        )
    )


def list_recent_supervision(staff_id: int, *, limit: int = 30) -> list:
    return list(
        db.session.scalars(
            select(SupervisionRecord)
            .where(SupervisionRecord.staff_id == staff_id)
            .order_by(SupervisionRecord.held_on.desc(), SupervisionRecord.id.desc())
            .limit(limit)
        )
    )


# Cycles admin ---------------------------------------------------------------------------------
def list_appraisers_set(cycle_id: int) -> list[Appraisal]:
    """The cycle's conversations whose appraiser is not the person's line manager (someone the
    WFLD team named), by the person's name."""
    return list(
        db.session.scalars(
            select(Appraisal)
            .join(StaffMember, StaffMember.id == Appraisal.staff_id)
            .options(
                joinedload(Appraisal.staff).joinedload(StaffMember.line_manager),
                joinedload(Appraisal.appraiser),
            )
            .where(
                Appraisal.cycle_id == cycle_id,
                (StaffMember.line_manager_id.is_(None))
                | (StaffMember.line_manager_id != Appraisal.appraiser_id),
            )
            .order_by(StaffMember.last_name, StaffMember.first_name, Appraisal.kind)
        )
    )


# The mid-year review -----------------------------------------------------------------------------
def find_mid_year_review(staff_id: int, cycle_id: int) -> Appraisal | None:
    """The person's mid-year review in the cycle, the row alone (one statement: My development
    plan shows its stage and signatures, not its needs or objectives)."""
    return db.session.scalar(
        select(Appraisal).where(
            Appraisal.staff_id == staff_id,
            Appraisal.cycle_id == cycle_id,
            Appraisal.kind == AppraisalKind.MID_YEAR,
        )
    )
