"""The coordinator's cohort dashboard, as data: every member judged (on track, at risk with
the reasons in words, overdue, finished), the filters, the cohort's progress per review point
for the chart and its table, the figures the strategies report, and the CSV rows.

Built on ``progress.progress_of``: a constant number of statements however big the cohort.
Filters are applied after judging, because "at risk" is the rules' answer, not a column.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from wfld.extensions import db
from wfld.organisation.models import StaffMember
from wfld.programmes.funding import financial_year_label, financial_year_of
from wfld.programmes.models import Cohort, Enrolment, PanelDecision, Recommendation
from wfld.programmes.progress import ENROLMENT_LOADS, EnrolmentProgress, progress_of
from wfld.programmes.rules import EnrolmentStatus, MilestoneState, Progress, is_locked


def list_members(cohort: Cohort) -> list[Enrolment]:
    """The cohort's enrolments by surname, with what the dashboard shows."""
    return list(
        db.session.scalars(
            select(Enrolment)
            .join(StaffMember, StaffMember.id == Enrolment.staff_id)
            .where(Enrolment.cohort_id == cohort.id)
            .options(*ENROLMENT_LOADS)
            .order_by(StaffMember.last_name, StaffMember.first_name, Enrolment.id)
        ).unique()
    )


@dataclass(frozen=True)
class Filters:
    """What the coordinator asked to see (GET parameters; anything unknown is ignored)."""

    progress: Progress | None = None
    status: EnrolmentStatus | None = None
    assessor_id: int | None = None
    team_id: int | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        progress = args.get("progress", "")
        status = args.get("status", "")
        assessor = args.get("assessor", "")
        team = args.get("team", "")
        return cls(
            progress=Progress(progress) if progress in set(Progress) else None,
            status=EnrolmentStatus(status) if status in set(EnrolmentStatus) else None,
            assessor_id=int(assessor) if assessor.isdigit() else None,
            team_id=int(team) if team.isdigit() else None,
        )

    @property
    def any(self) -> bool:
        return any(
            v is not None for v in (self.progress, self.status, self.assessor_id, self.team_id)
        )

    def as_args(self) -> dict[str, str]:
        """The filters as GET parameters (for the CSV link, so it downloads what is shown)."""
        args = {
            "progress": self.progress.value if self.progress else None,
            "status": self.status.value if self.status else None,
            "assessor": str(self.assessor_id) if self.assessor_id else None,
            "team": str(self.team_id) if self.team_id else None,
        }
        return {k: v for k, v in args.items() if v}

    def keeps(self, member: EnrolmentProgress) -> bool:
        enrolment = member.enrolment
        return (
            (self.progress is None or member.judgement.progress is self.progress)
            and (self.status is None or enrolment.status is self.status)
            and (self.assessor_id is None or enrolment.assessor_id == self.assessor_id)
            and (self.team_id is None or enrolment.staff.team_id == self.team_id)
        )


@dataclass(frozen=True)
class PointBar:
    """One review point across the members shown: signed off, submitted, not yet."""

    key: str
    label: str
    signed: int
    submitted: int
    not_yet: int

    @property
    def total(self) -> int:
        return self.signed + self.submitted + self.not_yet


@dataclass(frozen=True)
class Figures:
    """What the workforce strategies report about a programme."""

    started: int
    completing: int
    completing_year: str  # "2026/27"
    passed: int
    progressed: int
    withdrawn: int


@dataclass(frozen=True)
class CohortDashboard:
    cohort: Cohort
    members: list[EnrolmentProgress]  # the ones the filters keep
    total: int  # everyone in the cohort
    tally: dict[Progress, int]  # of everyone, by judgement
    bars: list[PointBar]
    figures: Figures
    filters: Filters
    assessors: list[tuple[int, str]] = field(default_factory=list)
    teams: list[tuple[int, str]] = field(default_factory=list)


def _bars(members: Sequence[EnrolmentProgress], cohort: Cohort) -> list[PointBar]:
    spec = cohort.template.spec
    signed: Counter[str] = Counter()
    submitted: Counter[str] = Counter()
    for member in members:
        for row in member.points:
            if row.point.panel:
                signed[row.point.key] += row.complete
            elif is_locked(row.state):
                signed[row.point.key] += 1
            elif row.state is MilestoneState.SUBMITTED:
                submitted[row.point.key] += 1
    n = len(members)
    return [
        PointBar(
            p.key,
            p.label,
            signed[p.key],
            submitted[p.key],
            n - signed[p.key] - submitted[p.key],
        )
        for p in spec.review_points
    ]


def _passed(member: EnrolmentProgress) -> bool:
    outcome = member.outcome
    confirmed = (
        outcome is not None
        and outcome.recommendation is Recommendation.PASS
        and outcome.decision is PanelDecision.CONFIRM
    )
    return confirmed or member.enrolment.status is EnrolmentStatus.COMPLETED


def _figures(members: Sequence[EnrolmentProgress], today: dt.date) -> Figures:
    """Started: began on or before today. Completing this (financial) year: completed in it,
    or still on the programme with the last review point due in it. Passed: the panel
    confirmed a pass (or the enrolment is completed). Progressed: the progression rule applied.
    """
    year = financial_year_of(today)
    completing = 0
    for member in members:
        enrolment = member.enrolment
        final = [row.due.due_on for row in member.points if not row.point.panel]
        if enrolment.completed_on is not None:
            completing += financial_year_of(enrolment.completed_on) == year
        elif enrolment.status.is_open and final:
            completing += financial_year_of(final[-1]) == year
    return Figures(
        started=sum(m.enrolment.start_date <= today for m in members),
        completing=completing,
        completing_year=financial_year_label(year),
        passed=sum(_passed(m) for m in members),
        progressed=sum(
            m.outcome is not None and m.outcome.progressed_on is not None for m in members
        ),
        withdrawn=sum(m.enrolment.status is EnrolmentStatus.WITHDRAWN for m in members),
    )


def build_dashboard(cohort: Cohort, *, filters: Filters, today: dt.date) -> CohortDashboard:
    everyone = progress_of(list_members(cohort), today=today)
    shown = [m for m in everyone if filters.keeps(m)]
    assessors = {
        m.enrolment.assessor.id: m.enrolment.assessor.full_name
        for m in everyone
        if m.enrolment.assessor is not None
    }
    teams = {m.enrolment.staff.team.id: m.enrolment.staff.team.name for m in everyone}
    return CohortDashboard(
        cohort=cohort,
        members=shown,
        total=len(everyone),
        tally=dict(Counter(m.judgement.progress for m in everyone)),
        bars=_bars(shown, cohort),
        figures=_figures(everyone, today),
        filters=filters,
        assessors=sorted(assessors.items(), key=lambda item: item[1]),
        teams=sorted(teams.items(), key=lambda item: item[1]),
    )


# --- CSV ------------------------------------------------------------------------------------


def csv_header(dashboard: CohortDashboard) -> list[str]:
    points = [p.label for p in dashboard.cohort.template.spec.review_points]
    return [
        "Name",
        "Employee number",
        "Team",
        "Assessor",
        "Start date",
        "Status",
        "Progress",
        "Reasons",
        "Next review point",
        "Next review due",
        *points,
    ]


def csv_rows(dashboard: CohortDashboard) -> list[list[object]]:
    rows: list[list[object]] = []
    for member in dashboard.members:
        enrolment = member.enrolment
        upcoming = member.next_due
        rows.append(
            [
                enrolment.staff.full_name,
                enrolment.staff.employee_number,
                enrolment.staff.team.name,
                enrolment.assessor.full_name if enrolment.assessor else "",
                enrolment.start_date.isoformat(),
                enrolment.status.label,
                member.judgement.progress.label,
                "; ".join(member.judgement.reasons),
                upcoming.label if upcoming else "",
                upcoming.due_on.isoformat() if upcoming else "",
                *(
                    f"{row.state_label}{' (overdue)' if row.overdue else ''}"
                    for row in member.points
                ),
            ]
        )
    return rows


# --- programme figures for senior managers ---------------------------------------------------


@dataclass(frozen=True)
class CohortFigures:
    cohort: Cohort
    members: int
    figures: Figures


@dataclass(frozen=True)
class ProgrammeFigures:
    """The figures of every cohort, newest intake first, and of all of them together."""

    cohorts: list[CohortFigures]
    total: Figures
    members: int


def build_programme_figures(*, today: dt.date) -> ProgrammeFigures:
    """Every cohort's figures in a constant number of statements (the cohorts, then every
    enrolment judged in one batch)."""
    cohorts = list(
        db.session.scalars(
            select(Cohort)
            .options(joinedload(Cohort.template))
            .order_by(Cohort.starts_on.desc(), Cohort.intake)
        )
    )
    enrolments = list(
        db.session.scalars(
            select(Enrolment).options(*ENROLMENT_LOADS).order_by(Enrolment.id)
        ).unique()
    )
    judged = progress_of(enrolments, today=today)
    by_cohort: dict[int, list[EnrolmentProgress]] = {c.id: [] for c in cohorts}
    for member in judged:
        by_cohort.setdefault(member.enrolment.cohort_id, []).append(member)
    return ProgrammeFigures(
        cohorts=[
            CohortFigures(c, len(by_cohort[c.id]), _figures(by_cohort[c.id], today))
            for c in cohorts
        ],
        total=_figures(judged, today),
        members=len(judged),
    )
