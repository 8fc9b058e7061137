"""Compliance as data: who must do what, and how each person stands, for any set of people.

A fixed handful of statements whatever the number of people or requirements, over the stored
statuses (stored.py): the rules in rules.py computed each person's dates when their evidence
last changed, and the database compares them with today (``queries.status_on``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

from wfld.core.clock import LONDON
from wfld.learning import queries
from wfld.learning.models import PathwayRequirement, Stage
from wfld.learning.rules import Assessment, Status
from wfld.organisation.models import StaffMember
from wfld.organisation.scopes import StaffScope


@dataclass(frozen=True)
class Target:
    """What a requirement asks for: an activity, or any activity developing a framework item."""

    kind: str  # "activity" or "item"
    id: int

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.id}"


def target_of(requirement: PathwayRequirement) -> Target:
    if requirement.activity_id is not None:
        return Target("activity", requirement.activity_id)
    return Target("item", requirement.framework_item_id)


@dataclass(frozen=True)
class Line:
    """One requirement for one person."""

    requirement: PathwayRequirement
    target: Target
    assessment: Assessment
    next_booked_at: dt.datetime | None
    last_completed_on: dt.date | None

    @property
    def status(self) -> Status:
        return self.assessment.status


@dataclass
class PersonCompliance:
    staff: StaffMember
    lines: list[Line] = field(default_factory=list)

    def by_stage(self) -> list[tuple[Stage, list[Line]]]:
        stages: dict[Stage, list[Line]] = defaultdict(list)
        for line in self.lines:
            stages[line.requirement.stage].append(line)
        return [(stage, stages[stage]) for stage in Stage if stage in stages]

    def count(self, *statuses: Status) -> int:
        return sum(1 for line in self.lines if line.status in statuses)

    @property
    def late(self) -> int:
        return sum(1 for line in self.lines if line.assessment.is_overdue_or_late)

    # A team's table of people counts mandatory requirements only, like its percentages:
    # recommended learning is shown on the person's own page, never as a shortfall.
    @property
    def mandatory_lines(self) -> list[Line]:
        return [line for line in self.lines if line.requirement.is_mandatory]

    def mandatory_count(self, *statuses: Status) -> int:
        return sum(1 for line in self.mandatory_lines if line.status in statuses)

    @property
    def mandatory_late(self) -> int:
        return sum(1 for line in self.mandatory_lines if line.assessment.is_overdue_or_late)


@dataclass
class Summary:
    """Counts of statuses for a requirement or a team (a team's: mandatory requirements)."""

    key: str
    title: str
    counts: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def complete(self) -> int:
        return self.counts[Status.COMPLETE]

    @property
    def percent_complete(self) -> int:
        return round(100 * self.complete / self.total) if self.total else 100

    def count(self, status: Status) -> int:
        return self.counts[status]


@dataclass
class ComplianceReport:
    today: dt.date
    people: list[PersonCompliance]

    @property
    def people_count(self) -> int:
        return len(self.people)

    def _by_requirement(self, *, mandatory: bool) -> list[Summary]:
        summaries: dict[str, Summary] = {}
        for person in self.people:
            for line in person.lines:
                if line.requirement.is_mandatory is not mandatory:
                    continue
                summary = summaries.setdefault(
                    line.target.key, Summary(line.target.key, line.requirement.title)
                )
                summary.counts[line.status] += 1
        return list(summaries.values())

    def by_requirement(self) -> list[Summary]:
        """Mandatory requirements, lowest compliance first."""
        return _lowest_first(self._by_requirement(mandatory=True))

    def recommended(self) -> list[Summary]:
        """Recommended requirements by title: shown apart, not counted in compliance."""
        return sorted(self._by_requirement(mandatory=False), key=lambda s: s.title)

    def by_team(self) -> list[Summary]:
        """Compliance by team: mandatory requirements only."""
        summaries: dict[int, Summary] = {}
        for person in self.people:
            team = person.staff.team
            summary = summaries.setdefault(team.id, Summary(str(team.id), team.name))
            for line in person.lines:
                if line.requirement.is_mandatory:
                    summary.counts[line.status] += 1
        return _lowest_first(summaries.values())


def _lowest_first(summaries: Iterable[Summary]) -> list[Summary]:
    return sorted(summaries, key=lambda s: (s.percent_complete, s.title))


@dataclass
class ComplianceSummary:
    """Counts only, for pages about many people (the service view): no per-person lines.

    Compliance (``requirements``, ``teams``, ``late``) counts mandatory requirements only;
    recommended ones are counted apart in ``recommended``."""

    today: dt.date
    people_count: int
    requirements: dict[str, Summary]
    teams: dict[int, Summary]
    # Per mandatory requirement: how many are overdue, or booked but already late.
    late: Counter = field(default_factory=Counter)
    # The person left out of the counts (``summarise(..., apart=id)``): their own statuses.
    apart: Counter = field(default_factory=Counter)
    apart_late: int = 0
    recommended_requirements: dict[str, Summary] = field(default_factory=dict)

    def by_requirement(self) -> list[Summary]:
        """Mandatory requirements, lowest compliance first."""
        return _lowest_first(self.requirements.values())

    def recommended(self) -> list[Summary]:
        """Recommended requirements by title: shown apart, not counted in compliance."""
        return sorted(self.recommended_requirements.values(), key=lambda s: s.title)

    def by_team(self) -> list[Summary]:
        return _lowest_first(self.teams.values())


# Up to this many people, the queries after the first name them by id: the database then
# knows how few rows to expect (a team's line-management chain is a recursive query whose
# size PostgreSQL cannot estimate, and it chose whole-table plans for it). Beyond it, the
# scope's own SELECT is cheaper than a statement with thousands of parameters.
LISTED_PEOPLE = 1_000


def _who(scope: StaffScope, ids: list[int]) -> StaffScope | list[int]:
    """What the queries after the first one filter people by: their ids, or the scope."""
    return ids if len(ids) <= LISTED_PEOPLE else scope


@dataclass(frozen=True)
class _Day:
    """The day statuses are told for: "due soon" up to ``horizon``; booked means a session
    still to come after ``now``."""

    now: dt.datetime
    today: dt.date
    horizon: dt.date

    @classmethod
    def of(cls, now: dt.datetime, due_soon_days: int) -> _Day:
        today = now.astimezone(LONDON).date()
        return cls(now, today, today + dt.timedelta(days=due_soon_days))

    @property
    def args(self) -> dict:
        return {"today": self.today, "horizon": self.horizon, "now": self.now}


def _target_of_key(key: str) -> Target:
    kind, _, ident = key.partition("-")
    return Target(kind, int(ident))


def _told(
    status: Status,
    late: bool,
    by_completion: bool,
    due_on: dt.date | None,
    expires_on: dt.date | None,
) -> Assessment:
    """The rules' assessment for what the database compared: ``late`` is overdue or booked
    after the deadline; it is "expired" when a completion that counted has lapsed."""
    return Assessment(
        status,
        due_on=due_on,
        expires_on=expires_on,
        expired=late and by_completion and status is not Status.COMPLETE,
        late=late and status is Status.BOOKED,
    )


def _line(stored: queries.StoredLine, requirement: PathwayRequirement) -> Line:
    """A stored row told as the rules' assessment on the day its status was read for."""
    status = Status(stored.status)
    late = bool(stored.late)
    assessment = _told(status, late, stored.by_completion, stored.due_on, stored.expires_on)
    return Line(
        requirement,
        _target_of_key(stored.target_key),
        assessment,
        stored.booked_at,
        stored.completed_on,
    )


def build_report(scope: StaffScope, *, now: dt.datetime, due_soon_days: int) -> ComplianceReport:
    """Compliance for everyone the scope names, on today's date, from the stored rows."""
    day = _Day.of(now, due_soon_days)
    people = queries.staff_in(scope.ids)
    stored = queries.stored_lines(_who(scope, [p.id for p in people]), **day.args)
    requirements = queries.requirements_by_id({line.requirement_id for line in stored})
    lines: dict[int, list[Line]] = defaultdict(list)
    for line in stored:
        lines[line.staff_id].append(_line(line, requirements[line.requirement_id]))
    return ComplianceReport(
        today=day.today,
        people=[PersonCompliance(staff, lines.get(staff.id, [])) for staff in people],
    )


# The order of queries.CellCounts' status columns.
_CELL_STATUSES = (
    Status.COMPLETE,
    Status.BOOKED,
    Status.DUE_SOON,
    Status.OVERDUE,
    Status.NOT_STARTED,
)


def summarise(
    scope: StaffScope,
    *,
    now: dt.datetime,
    due_soon_days: int,
    apart: int | None = None,
    with_teams: bool = True,
) -> ComplianceSummary:
    """Status counts by requirement and by team for everyone the scope names: one GROUP BY
    over the stored rows (the database compares their dates with today).

    ``apart``: one person in the scope (a manager on their home page) whose own statuses are
    counted separately from everyone else's. ``with_teams=False``: no counts by team."""
    day = _Day.of(now, due_soon_days)
    by_requirement: Counter = Counter()  # (requirement key, status) -> people
    recommended: Counter = Counter()
    by_team: Counter = Counter()
    late: Counter = Counter()
    # A few thousand (team, requirement) cells for a whole service: a tight loop.
    for cell in queries.status_counts(scope, **day.args):
        key, mandatory, team_id = cell.target_key, cell.is_mandatory, cell.team_id
        counted = by_requirement if mandatory else recommended
        for status, n in zip(_CELL_STATUSES, cell[3:8], strict=True):
            if n:
                counted[key, status] += n
                if mandatory:
                    by_team[team_id, status] += n
        if mandatory and cell.late:
            late[key] += cell.late
    # The person apart: their own lines, taken out of everyone's counts.
    mine: Counter = Counter()
    mine_late = 0
    team_of_apart = None
    if apart is not None:
        team_of_apart = queries.team_of(apart)
        for line in queries.stored_lines(queries.within(scope.ids, apart), **day.args):
            status = Status(line.status)
            mine[status] += 1
            mine_late += bool(line.late)
            if line.is_mandatory:
                by_requirement[line.target_key, status] -= 1
                by_team[team_of_apart, status] -= 1
                late[line.target_key] -= bool(line.late)
            else:
                recommended[line.target_key, status] -= 1
        by_requirement, recommended, by_team = +by_requirement, +recommended, +by_team
    keys = {key for key, _ in by_requirement} | {key for key, _ in recommended}
    found = queries.requirements_for_targets(keys)
    requirements: dict[str, Summary] = {}
    for (key, status), n in by_requirement.items():
        requirements.setdefault(key, Summary(key, found[key].title)).counts[status] = n
    recommended_requirements: dict[str, Summary] = {}
    for (key, status), n in recommended.items():
        recommended_requirements.setdefault(key, Summary(key, found[key].title)).counts[status] = n
    people = queries.people_by_team(scope.ids)
    team_summaries: dict[int, Summary] = {}
    if with_teams:
        # A team appears even when nobody in it has requirements (but not for the person
        # apart alone).
        teams = {t for t, n in people.items() if n > (t == team_of_apart)}
        teams |= {t for t, _ in by_team}
        names = queries.team_names(teams)
        team_summaries = {t: Summary(str(t), names[t]) for t in teams}
        for (team_id, status), n in by_team.items():
            team_summaries[team_id].counts[status] = n
    return ComplianceSummary(
        today=day.today,
        people_count=sum(people.values()),
        requirements=requirements,
        teams=team_summaries,
        late=+late,
        apart=mine,
        apart_late=mine_late,
        recommended_requirements=recommended_requirements,
    )


@dataclass
class ClassCounts:
    """How many of the scope's (person, requirement) pairs fall in each class a caller
    defines (the needs provider: source and state): counts only, no line per person.
    Keys: (the scope's actor's own, target, mandatory, class); pairs classed None are left
    out."""

    today: dt.date
    counts: Counter = field(default_factory=Counter)
    titles: dict[Target, str] = field(default_factory=dict)


def count_by_class(
    scope: StaffScope,
    *,
    now: dt.datetime,
    due_soon_days: int,
    classify: Callable[[Assessment], Hashable | None],
) -> ClassCounts:
    """Everyone in the scope, counted by (own, requirement, ``classify(assessment)``): one
    GROUP BY over the stored rows, each group classified once from an assessment standing
    for all of its rows (they share status, lateness, kind and whether due by the horizon,
    all that classifying looks at)."""
    day = _Day.of(now, due_soon_days)
    groups = queries.class_counts(scope, actor_id=scope.actor_id, **day.args)
    keys = {group[1] for group in groups}
    found = queries.requirements_for_targets(keys)
    result = ClassCounts(today=day.today)
    for own, key, mandatory, status, late, by_completion, _, due_on, n in groups:
        assessment = _told(status, late, by_completion, due_on, due_on if by_completion else None)
        target = _target_of_key(key)
        result.titles[target] = found[key].title
        classed = classify(assessment)
        if classed is not None:
            result.counts[bool(own), target, bool(mandatory), classed] += n
    return result


@dataclass
class DrillDown:
    """One requirement's people, worst first, a page at a time."""

    key: str
    title: str
    total: int
    page: int
    pages: int
    rows: list[tuple[StaffMember, Line]]
    first: int = 0  # the position of the first and last row shown, counting from 1
    last: int = 0


def drill_down(
    scope: StaffScope,
    target_key: str,
    *,
    now: dt.datetime,
    due_soon_days: int,
    page: int,
    per_page: int,
) -> DrillDown | None:
    """Everyone in the scope the requirement applies to, overdue first, then by name; only
    the page shown is loaded. None when nobody in the scope has the requirement."""
    day = _Day.of(now, due_soon_days)
    total = queries.count_with_target(scope, target_key)
    if not total:
        return None
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    shown = queries.drill_lines(
        scope, target_key, offset=(page - 1) * per_page, limit=per_page, **day.args
    )
    requirements = queries.requirements_by_id({line.requirement_id for line in shown})
    staff = queries.staff_by_id([line.staff_id for line in shown])
    rows = [
        (staff[line.staff_id], _line(line, requirements[line.requirement_id])) for line in shown
    ]
    title = rows[0][1].requirement.title if rows else target_key
    return DrillDown(
        key=target_key,
        title=title,
        total=total,
        page=page,
        pages=pages,
        rows=rows,
        first=(page - 1) * per_page + 1,
        last=(page - 1) * per_page + len(shown),
    )
