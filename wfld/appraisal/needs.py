"""The appraisal domain's training needs: development plan actions not yet booked or done, and
the needs team development plans name for whole teams.

- An IDP action is a need while its state as people see it (``rollup.effective_state``: the
  stored state moved on by bookings and attendance) is planned or in progress. A place
  booked on its activity, attending it, or marking it done or dropped ends the need. Its
  target is its catalogue activity, or else its first framework item (an action with
  neither names nothing the matrix could count, and is left out); it is needed by its
  target date.
- A team plan's need belongs to the team (``team_id``), for the teams of the people in the
  scope.

Both come from plans of cycles that have not ended before the period starts: a closed
year's plan is history, its open actions carried into the next conversation. Everything is
a development need, open: nothing is booked against a team's need.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, case, func, select

from wfld.appraisal.models import (
    AppraisalCycle,
    DevelopmentAction,
    DevelopmentPlan,
    TeamNeed,
    TeamPlan,
    action_framework_items,
)
from wfld.appraisal.rollup import effective_state
from wfld.appraisal.rules import ActionState
from wfld.catalogue.models import LearningActivity
from wfld.core.needs import Need, Period, Priority, Source, State, Tally, TallyKey, Target
from wfld.extensions import db
from wfld.frameworks.models import FrameworkItem
from wfld.organisation.models import StaffMember
from wfld.organisation.scopes import StaffScope

NEEDING = (ActionState.PLANNED.value, ActionState.IN_PROGRESS.value)


def _first_items() -> Any:
    """Each action's first framework item (the lowest id: the link table keeps no order)."""
    return (
        select(
            action_framework_items.c.action_id.label("action_id"),
            func.min(action_framework_items.c.framework_item_id).label("item_id"),
        )
        .group_by(action_framework_items.c.action_id)
        .subquery()
    )


def _idp(columns: tuple, scope: StaffScope, period: Period) -> Select:
    """The open actions of people in the scope, with the columns asked for and the target's
    activity (``LearningActivity``) or first item (``FrameworkItem``) joined."""
    first = _first_items()
    return (
        select(*columns)
        .select_from(DevelopmentAction)
        .join(DevelopmentPlan, DevelopmentPlan.id == DevelopmentAction.plan_id)
        .join(AppraisalCycle, AppraisalCycle.id == DevelopmentPlan.cycle_id)
        .outerjoin(first, first.c.action_id == DevelopmentAction.id)
        .outerjoin(LearningActivity, LearningActivity.id == DevelopmentAction.activity_id)
        .outerjoin(
            FrameworkItem,
            (FrameworkItem.id == first.c.item_id) & DevelopmentAction.activity_id.is_(None),
        )
        .where(
            DevelopmentAction.staff_id.in_(scope.ids),
            AppraisalCycle.ends_on >= period.start,
            effective_state().in_(NEEDING),
            (DevelopmentAction.activity_id.is_not(None)) | (first.c.item_id.is_not(None)),
        )
    )


def _teams(scope: StaffScope, period: Period, columns: tuple) -> Select:
    teams = select(StaffMember.team_id).where(StaffMember.id.in_(scope.ids))
    return (
        select(*columns)
        .select_from(TeamNeed)
        .join(TeamPlan, TeamPlan.id == TeamNeed.plan_id)
        .join(AppraisalCycle, AppraisalCycle.id == TeamPlan.cycle_id)
        .outerjoin(LearningActivity, LearningActivity.id == TeamNeed.activity_id)
        .outerjoin(
            FrameworkItem,
            (FrameworkItem.id == TeamNeed.framework_item_id) & TeamNeed.activity_id.is_(None),
        )
        .where(TeamPlan.team_id.in_(teams), AppraisalCycle.ends_on >= period.start)
    )


_TARGET = (LearningActivity.id, LearningActivity.title, FrameworkItem.id, FrameworkItem.code)
_TARGET_TITLE = (FrameworkItem.title,)


def _target(activity_id: int | None, item_id: int | None) -> Target:
    if activity_id is not None:
        return Target(activity_id=activity_id)
    return Target(framework_item_id=item_id)


def _title(activity_title: str | None, code: str | None, item_title: str | None) -> str:
    """The target in words: the activity's title, or the item's code and title (as the
    learning provider names an item)."""
    return activity_title if activity_title is not None else f"{code} {item_title}"


def _own(scope: StaffScope) -> Any:
    """How many of a group are the scope's actor's own actions (an aggregate, so it is never
    grouped by). A scope with no actor has none, as ``tally_of`` counts them: ``staff_id IS
    NULL`` holds for no action."""
    return func.coalesce(
        func.sum(case((DevelopmentAction.staff_id == scope.actor_id, 1), else_=0)), 0
    )


class AppraisalNeeds:
    name = "appraisal"

    def needs(self, scope: StaffScope, period: Period, *, now: dt.datetime) -> list[Need]:
        """Two statements: the open actions, and the team plans' needs."""
        out: list[Need] = []
        actions = db.session.execute(
            _idp(
                (
                    DevelopmentAction.staff_id,
                    DevelopmentAction.target_date,
                    *_TARGET,
                    *_TARGET_TITLE,
                ),
                scope,
                period,
            ).order_by(DevelopmentAction.staff_id, DevelopmentAction.position, DevelopmentAction.id)
        ).all()
        for staff_id, target_date, activity_id, activity, item_id, code, item in actions:
            out.append(
                Need(
                    target=_target(activity_id, item_id),
                    title=_title(activity, code, item),
                    source=Source.IDP_ACTION,
                    priority=Priority.DEVELOPMENT,
                    state=State.OPEN,
                    needed_by=target_date,
                    staff_id=staff_id,
                )
            )
        team_needs = db.session.execute(
            _teams(
                scope,
                period,
                (TeamPlan.team_id, TeamNeed.needed_by, *_TARGET, *_TARGET_TITLE),
            ).order_by(TeamPlan.team_id, TeamNeed.position, TeamNeed.id)
        ).all()
        for team_id, needed_by, activity_id, activity, item_id, code, item in team_needs:
            out.append(
                Need(
                    target=_target(activity_id, item_id),
                    title=_title(activity, code, item),
                    source=Source.TEAM_PLAN,
                    priority=Priority.DEVELOPMENT,
                    state=State.OPEN,
                    needed_by=needed_by,
                    team_id=team_id,
                )
            )
        return out

    def tally(self, scope: StaffScope, period: Period, *, now: dt.datetime) -> Tally:
        """Counts only, grouped in SQL by target (and, for actions, whether the need is the
        scope's actor's own): two statements."""
        tally = Tally()
        grouped = (*_TARGET, *_TARGET_TITLE)
        actions = db.session.execute(
            _idp((*grouped, func.count(), _own(scope)), scope, period).group_by(*grouped)
        ).all()
        for activity_id, activity, item_id, code, item, n, own in actions:
            target = _target(activity_id, item_id)
            for is_own, count in ((True, int(own)), (False, int(n) - int(own))):
                if count:
                    key = TallyKey(
                        Source.IDP_ACTION, Priority.DEVELOPMENT, State.OPEN, target, is_own
                    )
                    tally.counts[key] += count
            tally.titles.setdefault(target, _title(activity, code, item))
        team_needs = db.session.execute(
            _teams(scope, period, (*grouped, func.count())).group_by(*grouped)
        ).all()
        for activity_id, activity, item_id, code, item, n in team_needs:
            target = _target(activity_id, item_id)
            key = TallyKey(Source.TEAM_PLAN, Priority.DEVELOPMENT, State.OPEN, target, False)
            tally.counts[key] += n
            tally.titles.setdefault(target, _title(activity, code, item))
        return tally


PROVIDER = AppraisalNeeds()
