"""Grouped reads for the manager's pages: the team page's rows and IDP progress, and a team
plan's roll-up of its members' development actions by framework item and by activity.

A development action's state as people see it is the stored one moved on by the catalogue
(``rules.action_state``): a place booked on its activity makes a planned action booked,
attending or a recorded completion makes it done. ``effective_state`` says the same in SQL,
so the figures are counted by the database in a constant number of statements however big
the team is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    exists,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import joinedload

from wfld.appraisal import plan_view, queries
from wfld.appraisal.models import (
    Appraisal,
    AppraisalCycle,
    DevelopmentAction,
    DevelopmentPlan,
    action_framework_items,
)
from wfld.appraisal.plan_view import attended_column, booked_column
from wfld.appraisal.rules import (
    ActionState,
    AppraisalKind,
    Status,
    due_by_for,
    may_start_mid_year,
    mid_year_open,
    status_of,
)
from wfld.catalogue.models import (
    Completion,
    CompletionStatus,
    LearningActivity,
)
from wfld.extensions import db
from wfld.frameworks.models import FrameworkItem
from wfld.organisation.models import StaffMember
from wfld.organisation.queries import in_post


# The effective state, in SQL --------------------------------------------------------------------
# Booked and attended are plan_view's flags (one definition of "a booking counts for the
# action"); completed is its rule as SQL can say it.
def completed() -> ColumnElement[bool]:
    """A verified completion of the activity by the person dated on or after the day the
    action was made. (The day is the UTC one here: plan_view takes the London day, which
    differs only for an action made between 11pm and midnight UTC in summer.)"""
    return exists(
        select(Completion.id).where(
            Completion.staff_id == DevelopmentAction.staff_id,
            Completion.activity_id == DevelopmentAction.activity_id,
            Completion.status == CompletionStatus.VERIFIED,
            Completion.completed_on >= func.date(DevelopmentAction.created_at),
        )
    )


def effective_state() -> ColumnElement[str]:
    """``rules.action_state`` as a SQL expression over ``development_actions`` (its value is
    the state's text: read it with ``ActionState(value)``)."""
    stored = type_coerce(DevelopmentAction.state, String)
    planned, booked = ActionState.PLANNED.value, ActionState.BOOKED.value
    done, dropped = ActionState.DONE.value, ActionState.DROPPED.value
    return case(
        (stored.in_([done, dropped]), stored),
        (or_(attended_column(), completed()), done),
        (and_(booked_column(), stored.in_([planned, booked])), booked),
        (stored == booked, planned),
        else_=stored,
    )


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# The manager's team page ----------------------------------------------------------------------
def list_appraisees(
    appraiser_id: int, cycle_id: int, *, today: dt.date
) -> list[tuple[StaffMember, Appraisal]]:
    """People in post the WFLD team made this person the appraiser of in the cycle, who are
    not their direct reports (those come with ``list_direct_reports_with_appraisals``)."""
    rows = db.session.execute(
        select(StaffMember, Appraisal)
        .join(Appraisal, Appraisal.staff_id == StaffMember.id)
        .options(joinedload(StaffMember.job_role))
        .where(
            Appraisal.appraiser_id == appraiser_id,
            Appraisal.cycle_id == cycle_id,
            Appraisal.kind == AppraisalKind.ANNUAL,
            or_(
                StaffMember.line_manager_id.is_(None),
                StaffMember.line_manager_id != appraiser_id,
            ),
            StaffMember.id.in_(in_post(today)),
        )
        .order_by(StaffMember.last_name, StaffMember.first_name)
    ).all()
    return [(staff, appraisal) for staff, appraisal in rows]


@dataclass(frozen=True)
class TeamRow:
    """One person on the team page: their conversation in the cycle (None: not started),
    its status, and their plan's progress (None: no plan yet)."""

    staff: StaffMember
    appraisal: Appraisal | None
    status: Status
    done: int | None = None
    total: int | None = None
    mid_year: Appraisal | None = None  # their mid-year review (None: not started)
    mid_year_status: Status | None = None  # None: the cycle's mid-year window is not open

    @property
    def may_start_mid_year(self) -> bool:
        """The mid-year window is open, it is not started, and the annual one is signed."""
        return (
            self.mid_year_status is not None
            and self.mid_year is None
            and may_start_mid_year(self.appraisal)
        )

    @property
    def progress(self) -> str | None:
        if self.total is None:
            return None
        return f"{self.done} of {self.total} done"


@dataclass(frozen=True)
class TeamPage:
    cycle: AppraisalCycle
    rows: list[TeamRow]
    mid_year_open: bool = False  # the cycle's mid-year review window has opened

    @property
    def counts(self) -> list[tuple[Status, int]]:
        """How many people are at each status, in the order a conversation goes."""
        order = (Status.NOT_STARTED, Status.PREPARED, Status.HELD, Status.SIGNED, Status.OVERDUE)
        return [(status, sum(1 for r in self.rows if r.status is status)) for status in order]


def team_page(manager_id: int, cycle: AppraisalCycle, *, today: dt.date) -> TeamPage:
    """The manager's direct reports in post, then anyone else they appraise in the cycle,
    with status and progress (and, once the cycle's mid-year window has opened, their mid-year
    review and its status): four statements however big the team, five with the mid-year."""
    people = queries.list_direct_reports_with_appraisals(manager_id, cycle.id, today=today)
    people += list_appraisees(manager_id, cycle.id, today=today)
    ids = [staff.id for staff, _ in people]
    progress = (
        plan_view.progress_by_staff(select(StaffMember.id).where(StaffMember.id.in_(ids)), cycle.id)
        if ids
        else {}
    )
    mid_open = mid_year_open(cycle.mid_year_from, today=today)
    mid_years = mid_year_reviews(ids, cycle.id) if mid_open and ids else {}
    mid_due = due_by_for(AppraisalKind.MID_YEAR, due_by=cycle.due_by, mid_year_by=cycle.mid_year_by)
    rows = []
    for staff, appraisal in people:
        done, total = progress.get(staff.id, (None, None))
        status = status_of(appraisal.stage if appraisal else None, due_by=cycle.due_by, today=today)
        mid = mid_years.get(staff.id)
        mid_status = (
            status_of(mid.stage if mid else None, due_by=mid_due, today=today) if mid_open else None
        )
        rows.append(TeamRow(staff, appraisal, status, done, total, mid, mid_status))
    return TeamPage(cycle, rows, mid_open)


def mid_year_reviews(staff_ids: list[int], cycle_id: int) -> dict[int, Appraisal]:
    """These people's mid-year reviews in the cycle, by staff id: one statement."""
    found = db.session.scalars(
        select(Appraisal).where(
            Appraisal.staff_id.in_(staff_ids),
            Appraisal.cycle_id == cycle_id,
            Appraisal.kind == AppraisalKind.MID_YEAR,
        )
    )
    return {a.staff_id: a for a in found}


# A team plan's roll-up ------------------------------------------------------------------------
@dataclass(frozen=True)
class RollupRow:
    """One framework item or activity: the team's actions on it (not dropped), how many people
    they belong to, and how many are booked and done."""

    title: str
    actions: int
    people: int
    booked: int
    done: int


@dataclass(frozen=True)
class Rollup:
    by_item: list[RollupRow]
    by_activity: list[RollupRow]

    @property
    def is_empty(self) -> bool:
        return not self.by_item and not self.by_activity


def _members(team_id: int, today: dt.date) -> Select:
    return select(StaffMember.id).where(
        StaffMember.team_id == team_id, StaffMember.id.in_(in_post(today))
    )


def _figures():  # noqa: ANN202 - the aggregate columns every roll-up row has
    state = effective_state()
    return (
        func.count(DevelopmentAction.id),
        func.count(func.distinct(DevelopmentAction.staff_id)),
        _count_where(state == ActionState.BOOKED.value),
        _count_where(state == ActionState.DONE.value),
    )


def _actions_of(team_id: int, cycle_id: int, today: dt.date, statement: Select) -> Select:
    return (
        statement.join(DevelopmentPlan, DevelopmentPlan.id == DevelopmentAction.plan_id)
        .where(
            DevelopmentPlan.cycle_id == cycle_id,
            DevelopmentAction.staff_id.in_(_members(team_id, today)),
            DevelopmentAction.state != ActionState.DROPPED,
        )
        .order_by(func.count(DevelopmentAction.id).desc())
    )


def team_rollup(team_id: int, cycle_id: int, *, today: dt.date) -> Rollup:
    """The development actions of the team's members (in post today) in the cycle, grouped by
    framework item and by catalogue activity: two statements. An action about two items is
    counted under each; one without an activity is not in the activity table."""
    by_item = db.session.execute(
        _actions_of(
            team_id,
            cycle_id,
            today,
            select(FrameworkItem.code, FrameworkItem.title, *_figures())
            .select_from(DevelopmentAction)
            .join(
                action_framework_items,
                action_framework_items.c.action_id == DevelopmentAction.id,
            )
            .join(FrameworkItem, FrameworkItem.id == action_framework_items.c.framework_item_id)
            .group_by(FrameworkItem.id, FrameworkItem.code, FrameworkItem.title),
        ).order_by(FrameworkItem.code, FrameworkItem.id)
    ).all()
    by_activity = db.session.execute(
        _actions_of(
            team_id,
            cycle_id,
            today,
            select(LearningActivity.title, *_figures())
            .select_from(DevelopmentAction)
            .join(LearningActivity, LearningActivity.id == DevelopmentAction.activity_id)
            .group_by(LearningActivity.id, LearningActivity.title),
        ).order_by(LearningActivity.title)
    ).all()
    return Rollup(
        by_item=[
            RollupRow(f"{code} {title}", int(n), int(people), int(booked), int(done))
            for code, title, n, people, booked, done in by_item
        ],
        by_activity=[
            RollupRow(title, int(n), int(people), int(booked), int(done))
            for title, n, people, booked, done in by_activity
        ],
    )
