"""The WFLD view of a cycle's annual conversations across the service, as data: each team's
people by status (not started, prepared, held, signed, overdue) with a totals row, and the
commonest development needs — framework items and catalogue activities — in the signed
conversations; and the CSV of the team table.

Figures only, never what a conversation says. Every number is an SQL aggregate: one grouped
SELECT for the team table and one for each list of needs, so the page runs the same few
statements for 50 people or 5,000 (a query-count guard checks it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Date, Select, case, func, literal, select

from wfld.appraisal.models import Appraisal, AppraisalCycle, DevelopmentNeed, need_framework_items
from wfld.appraisal.rules import AppraisalKind, Stage, Status
from wfld.catalogue.models import LearningActivity
from wfld.extensions import db
from wfld.frameworks.models import Framework, FrameworkItem, FrameworkVersion
from wfld.organisation.models import ServiceArea, StaffMember, Team
from wfld.organisation.scopes import StaffScope

TOP_NEEDS = 10

# The team table's columns, in the order the page and the CSV show them.
STATUS_COLUMNS = (Status.NOT_STARTED, Status.PREPARED, Status.HELD, Status.SIGNED, Status.OVERDUE)


@dataclass(frozen=True)
class TeamCompletion:
    """One team's people in post and where each one's annual conversation is."""

    service_area_id: int | None
    service_area: str
    team_id: int | None
    team: str
    in_post: int
    counts: dict[Status, int]

    def count(self, status: Status) -> int:
        return self.counts.get(status, 0)

    @property
    def percent_signed(self) -> int:
        """Whole per cent, rounded down: 100% only when everyone has signed."""
        return 100 * self.count(Status.SIGNED) // self.in_post if self.in_post else 0


@dataclass(frozen=True)
class NeedCount:
    """One framework item or catalogue activity and how many development needs name it."""

    key: int
    label: str  # "PCF 5: Knowledge" or the activity's title
    group: str  # the framework's title, or the activity's category
    needs: int


@dataclass(frozen=True)
class Completion:
    cycle: AppraisalCycle
    today: dt.date
    service_area_id: int | None
    teams: list[TeamCompletion]
    total: TeamCompletion
    top_items: list[NeedCount]
    top_activities: list[NeedCount]

    @property
    def past_due(self) -> bool:
        """The window has closed: everyone not yet signed is overdue."""
        return self.today > self.cycle.due_by

    @property
    def most_needs(self) -> int:
        """The longest bar of both charts (so their bars compare)."""
        return max([n.needs for n in (*self.top_items, *self.top_activities)] or [0])


def _status(today: dt.date, due_by: dt.date) -> ColumnElement:
    """``rules.status_of`` in SQL, branch for branch, over the LEFT JOINed appraisal (its stage
    is NULL when the person has no record): signed whenever signed; otherwise overdue once
    the window has closed; otherwise the stage reached, no record counting as not started."""
    stage = Appraisal.stage
    return case(
        (stage == Stage.SIGNED, literal(Status.SIGNED.value)),
        (literal(today, Date) > literal(due_by, Date), literal(Status.OVERDUE.value)),
        (stage.is_(None), literal(Status.NOT_STARTED.value)),
        (stage == Stage.PREPARED, literal(Status.PREPARED.value)),
        (stage == Stage.HELD, literal(Status.HELD.value)),
        else_=literal(Status.NOT_STARTED.value),
    )


def _annual_in(cycle: AppraisalCycle) -> ColumnElement:
    return (
        (Appraisal.staff_id == StaffMember.id)
        & (Appraisal.cycle_id == cycle.id)
        & (Appraisal.kind == AppraisalKind.ANNUAL)
    )


def team_counts(
    cycle: AppraisalCycle,
    scope: StaffScope,
    *,
    today: dt.date,
    service_area_id: int | None = None,
) -> list[TeamCompletion]:
    """Each team with people in the scope, by service area and team name: one grouped SELECT
    over the people LEFT JOINed to their annual conversation in the cycle."""
    status = _status(today, cycle.due_by)
    sums = [
        func.coalesce(func.sum(case((status == s.value, 1), else_=0)), 0).label(s.value)
        for s in STATUS_COLUMNS
    ]
    query = (
        select(
            ServiceArea.id,
            ServiceArea.name,
            Team.id,
            Team.name,
            func.count(StaffMember.id),
            *sums,
        )
        .select_from(StaffMember)
        .join(Team, Team.id == StaffMember.team_id)
        .join(ServiceArea, ServiceArea.id == Team.service_area_id)
        .outerjoin(Appraisal, _annual_in(cycle))
        .where(StaffMember.id.in_(_people(scope, service_area_id)))
        .group_by(ServiceArea.id, ServiceArea.name, Team.id, Team.name)
        .order_by(ServiceArea.name, Team.name)
    )
    return [
        TeamCompletion(
            service_area_id=area_id,
            service_area=area_name,
            team_id=team_id,
            team=team_name,
            in_post=in_post,
            counts={s: int(n) for s, n in zip(STATUS_COLUMNS, counts, strict=True)},
        )
        for area_id, area_name, team_id, team_name, in_post, *counts in db.session.execute(query)
    ]


def _total(teams: list[TeamCompletion]) -> TeamCompletion:
    """The totals row: the teams' figures added up (a few dozen rows, not people)."""
    return TeamCompletion(
        service_area_id=None,
        service_area="",
        team_id=None,
        team="All teams",
        in_post=sum(t.in_post for t in teams),
        counts={s: sum(t.count(s) for t in teams) for s in STATUS_COLUMNS},
    )


def _people(scope: StaffScope, service_area_id: int | None) -> Select:
    """The scope's staff ids, narrowed to one service area's teams where one is chosen."""
    if service_area_id is None:
        return scope.ids
    return scope.ids.where(
        StaffMember.team_id.in_(select(Team.id).where(Team.service_area_id == service_area_id))
    )


def _signed_needs(cycle: AppraisalCycle, scope: StaffScope, service_area_id: int | None) -> Select:
    """The development needs of the cycle's signed annual conversations of people in scope
    (columns are added by the caller)."""
    return (
        select()
        .select_from(DevelopmentNeed)
        .join(Appraisal, Appraisal.id == DevelopmentNeed.appraisal_id)
        .where(
            Appraisal.cycle_id == cycle.id,
            Appraisal.kind == AppraisalKind.ANNUAL,
            Appraisal.stage == Stage.SIGNED,
            Appraisal.staff_id.in_(_people(scope, service_area_id)),
        )
    )


def top_framework_items(
    cycle: AppraisalCycle,
    scope: StaffScope,
    *,
    service_area_id: int | None = None,
    limit: int = TOP_NEEDS,
) -> list[NeedCount]:
    """The framework items most often named by signed development needs, most first."""
    needs = func.count(DevelopmentNeed.id)
    query = (
        _signed_needs(cycle, scope, service_area_id)
        .add_columns(FrameworkItem.id, FrameworkItem.code, FrameworkItem.title, Framework.title)
        .add_columns(needs)
        .join(need_framework_items, need_framework_items.c.need_id == DevelopmentNeed.id)
        .join(FrameworkItem, FrameworkItem.id == need_framework_items.c.framework_item_id)
        .join(FrameworkVersion, FrameworkVersion.id == FrameworkItem.version_id)
        .join(Framework, Framework.id == FrameworkVersion.framework_id)
        .group_by(FrameworkItem.id, FrameworkItem.code, FrameworkItem.title, Framework.title)
        .order_by(needs.desc(), Framework.title, FrameworkItem.code, FrameworkItem.id)
        .limit(limit)
    )
    return [
        NeedCount(key=item_id, label=f"{code} {title}", group=framework, needs=n)
        for item_id, code, title, framework, n in db.session.execute(query)
    ]


def top_activities(
    cycle: AppraisalCycle,
    scope: StaffScope,
    *,
    service_area_id: int | None = None,
    limit: int = TOP_NEEDS,
) -> list[NeedCount]:
    """The catalogue activities most often named by signed development needs, most first."""
    needs = func.count(DevelopmentNeed.id)
    query = (
        _signed_needs(cycle, scope, service_area_id)
        .add_columns(LearningActivity.id, LearningActivity.title, LearningActivity.category)
        .add_columns(needs)
        .join(LearningActivity, LearningActivity.id == DevelopmentNeed.activity_id)
        .group_by(LearningActivity.id, LearningActivity.title, LearningActivity.category)
        .order_by(needs.desc(), LearningActivity.title, LearningActivity.id)
        .limit(limit)
    )
    return [
        NeedCount(key=activity_id, label=title, group=category or "", needs=n)
        for activity_id, title, category, n in db.session.execute(query)
    ]


def build_completion(
    cycle: AppraisalCycle,
    scope: StaffScope,
    *,
    today: dt.date,
    service_area_id: int | None = None,
) -> Completion:
    teams = team_counts(cycle, scope, today=today, service_area_id=service_area_id)
    return Completion(
        cycle=cycle,
        today=today,
        service_area_id=service_area_id,
        teams=teams,
        total=_total(teams),
        top_items=top_framework_items(cycle, scope, service_area_id=service_area_id),
        top_activities=top_activities(cycle, scope, service_area_id=service_area_id),
    )


# CSV ------------------------------------------------------------------------------------------
CSV_HEADER = [
    "Service area",
    "Team",
    "Staff in post",
    *[s.label for s in STATUS_COLUMNS],
    "Signed (%)",
]


def csv_rows(report: Completion) -> Iterator[list[object]]:
    """The team table as the page shows it, then the totals row."""
    for row in (*report.teams, report.total):
        yield [
            row.service_area,
            row.team,
            row.in_post,
            *[row.count(s) for s in STATUS_COLUMNS],
            row.percent_signed,
        ]


def csv_filename(report: Completion) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", report.cycle.name.lower()).strip("-") or str(report.cycle.id)
    return f"appraisal-completion-{slug}.csv"
