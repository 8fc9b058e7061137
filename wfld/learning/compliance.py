"""Compliance as data: who must do what, and how each person stands, for any set of people.

A fixed handful of statements whatever the number of people or requirements (see
queries.py); the statuses themselves come from the pure rules in rules.py.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import Select

from wfld.core.clock import LONDON
from wfld.learning import queries
from wfld.learning.models import PathwayRequirement, Stage
from wfld.learning.rules import (
    SEVERITY,
    Assessment,
    Status,
    assess_done,
    assess_not_done,
    starts_applying,
)
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


@dataclass(frozen=True)
class _Need:
    """A requirement prepared once per report, whoever it applies to."""

    requirement: PathwayRequirement
    target: Target
    key: str
    title: str
    activity_ids: tuple[int, ...]
    single: int | None  # the one activity that meets it, when there is only one
    renewal_months: int | None
    due_within_days: int | None
    mandatory: bool
    applies_from: dt.date | None
    grace_days: int | None


NOTHING: dict = {}  # what an activity nobody has done or booked maps to (never written)
_UNSEEN = object()  # a set of rule inputs not classified yet
# Up to this many people, the queries after the first name them by id: the database then
# knows how few rows to expect (a team's line-management chain is a recursive query whose
# size PostgreSQL cannot estimate, and it chose whole-table plans for it). Beyond it, the
# scope's own SELECT is cheaper than a statement with thousands of parameters.
LISTED_PEOPLE = 1_000


def _who(scope: Select, ids: list[int]) -> Select | list[int]:
    """What the queries after the first one filter people by: their ids, or the scope."""
    return ids if len(ids) <= LISTED_PEOPLE else scope


class _Assessor:
    """Every (person, requirement) assessment for a set of people, from one batch of queries.

    The rules are pure, so each distinct set of inputs is assessed once: people who did the
    same renewable course on the same day share the answer. That keeps the service view of
    thousands of people to a few hundred milliseconds.
    """

    def __init__(
        self,
        scope: Select | list[int],
        role_ids: set[int],
        *,
        now: dt.datetime,
        due_soon_days: int,
    ) -> None:
        self.today = now.astimezone(LONDON).date()
        self.due_soon_days = due_soon_days
        by_role = queries.requirements_by_role(role_ids)
        by_person = queries.requirements_by_assignment(scope)
        item_ids = {
            r.framework_item_id
            for requirements in (*by_role.values(), *by_person.values())
            for r in requirements
            if r.framework_item_id is not None
        }
        developing = queries.activities_developing(item_ids)
        prepared: dict[int, _Need] = {}

        def needs(requirements: list[PathwayRequirement]) -> list[_Need]:
            out: dict[str, _Need] = {}
            for requirement in requirements:
                need = prepared.get(requirement.id)
                if need is None:
                    need = prepared[requirement.id] = _prepare(requirement, developing)
                held = out.get(need.key)
                # Two pathways asking the same count once: as mandatory if either says so.
                if held is None or (need.mandatory and not held.mandatory):
                    out[need.key] = need
            return list(out.values())

        self.by_role = {role_id: needs(rs) for role_id, rs in by_role.items()}
        self.by_person = by_person
        self._needs = needs
        for requirements in by_person.values():
            needs(requirements)  # prepared now, so that their activities are fetched
        needed = {a for need in prepared.values() for a in need.activity_ids}
        # activity id -> {staff id -> ...}: the latest completion, and the earliest booking
        # to come as (start, London day).
        self.completions = queries.latest_completions(scope, needed)
        self.bookings = {
            activity_id: {
                staff_id: (start, start.astimezone(LONDON).date())
                for staff_id, start in starts.items()
            }
            for activity_id, starts in queries.next_bookings(scope, now=now).items()
        }
        self._assessed: dict[tuple, Assessment] = {}
        self._judged: dict[tuple, tuple[Status, bool]] = {}
        self._classified: dict[int, dict[tuple, Hashable]] = {}

    def needs_of(self, staff_id: int, job_role_id: int) -> list[_Need]:
        if staff_id in self.by_person:
            return self._needs(
                [n.requirement for n in self.by_role.get(job_role_id, [])]
                + self.by_person[staff_id]
            )
        return self.by_role.get(job_role_id, [])

    def evidence(
        self, staff_id: int, need: _Need
    ) -> tuple[dt.date | None, tuple[dt.datetime, dt.date] | None]:
        """(latest completion, earliest booking to come as (start, London day)) for one
        person and requirement: any of the activities that meet it."""
        done = [
            day
            for a in need.activity_ids
            if (day := self.completions.get(a, NOTHING).get(staff_id)) is not None
        ]
        booked = [
            booking
            for a in need.activity_ids
            if (booking := self.bookings.get(a, NOTHING).get(staff_id)) is not None
        ]
        return (max(done) if done else None), (min(booked) if booked else None)

    def judge_many(
        self, need: _Need, people: list[tuple[int, int, dt.date]]
    ) -> list[tuple[Status, bool]]:
        """``judge`` for many people (staff id, team id, in role since) at once: the hot loop
        of the service view, so it looks up what it needs once and keeps to local names."""
        if need.single is None:
            out = []
            for staff_id, _, role_since in people:
                last, booking = self.evidence(staff_id, need)
                out.append(self.judge(need, last, booking[1] if booking else None, role_since))
            return out
        completions = self.completions.get(need.single, NOTHING).get
        bookings = self.bookings.get(need.single, NOTHING).get
        judge, judged = self.judge, self._judged
        renewal, due = need.renewal_months, need.due_within_days
        applies_from, grace = need.applies_from, need.grace_days
        out = []
        append = out.append
        # The keys are _memo_key's, inlined: this loop runs once per person and requirement.
        for staff_id, _, role_since in people:
            last = completions(staff_id)
            booking = bookings(staff_id)
            booked_on = booking[1] if booking else None
            if last:
                start = (
                    applies_from
                    if applies_from is not None and applies_from > role_since
                    else role_since
                )
                key = (renewal, last, booked_on, start if last < start else None, grace)
            else:
                key = (due, role_since, booked_on, applies_from, grace, None)
            result = judged.get(key)
            append(result or judge(need, last, booked_on, role_since))
        return out

    def classify_many(
        self,
        need: _Need,
        people: list[tuple[int, dt.date]],
        classify: Callable[[Assessment], Hashable],
    ) -> list[Hashable]:
        """``classify(assessment)`` of one requirement for many people (staff id, in role
        since), once per distinct set of rule inputs: the hot loop of a large scope's needs
        tally, written like ``judge_many``. Each call of a tally brings its own classifier,
        so the answers are kept for this call only."""
        classified: dict[tuple, Hashable] = self._classified.setdefault(id(classify), {})
        if need.single is None:
            out = []
            for staff_id, role_since in people:
                last, booking = self.evidence(staff_id, need)
                booked_on = booking[1] if booking else None
                key = _memo_key(need, last, booked_on, role_since)
                found = classified.get(key, _UNSEEN)
                if found is _UNSEEN:
                    found = classified[key] = classify(
                        self._assessment(need, last, booked_on, role_since)
                    )
                out.append(found)
            return out
        completions = self.completions.get(need.single, NOTHING).get
        bookings = self.bookings.get(need.single, NOTHING).get
        assessment = self._assessment
        renewal, due = need.renewal_months, need.due_within_days
        applies_from, grace = need.applies_from, need.grace_days
        out = []
        append = out.append
        # The keys are _memo_key's, inlined: this loop runs once per person and requirement.
        for staff_id, role_since in people:
            last = completions(staff_id)
            booking = bookings(staff_id)
            booked_on = booking[1] if booking else None
            if last:
                start = (
                    applies_from
                    if applies_from is not None and applies_from > role_since
                    else role_since
                )
                key = (renewal, last, booked_on, start if last < start else None, grace)
            else:
                key = (due, role_since, booked_on, applies_from, grace, None)
            found = classified.get(key, _UNSEEN)
            if found is _UNSEEN:
                found = classified[key] = classify(assessment(need, last, booked_on, role_since))
            append(found)
        return out

    def judge(
        self,
        need: _Need,
        last: dt.date | None,
        booked_on: dt.date | None,
        role_since: dt.date,
    ) -> tuple[Status, bool]:
        """(status, overdue or late), from the rules, once per distinct set of inputs."""
        memo_key = _memo_key(need, last, booked_on, role_since)
        judged = self._judged.get(memo_key)
        if judged is None:
            assessment = self._rule(need, last, booked_on, role_since)
            judged = self._judged[memo_key] = (assessment.status, assessment.is_overdue_or_late)
        return judged

    def _rule(
        self, need: _Need, last: dt.date | None, booked_on: dt.date | None, role_since: dt.date
    ) -> Assessment:
        if last is not None:
            return assess_done(
                need.renewal_months,
                last,
                booked_on,
                today=self.today,
                due_soon_days=self.due_soon_days,
                starts_on=starts_applying(role_since, need.applies_from),
                grace_days=need.grace_days,
            )
        return assess_not_done(
            need.due_within_days,
            role_since,
            booked_on,
            today=self.today,
            due_soon_days=self.due_soon_days,
            applies_from=need.applies_from,
            grace_days=need.grace_days,
        )

    def _assessment(
        self, need: _Need, last: dt.date | None, booked_on: dt.date | None, role_since: dt.date
    ) -> Assessment:
        memo_key = _memo_key(need, last, booked_on, role_since)
        assessment = self._assessed.get(memo_key)
        if assessment is None:
            assessment = self._assessed[memo_key] = self._rule(need, last, booked_on, role_since)
        return assessment

    def assess(
        self, staff_id: int, role_since: dt.date, need: _Need
    ) -> tuple[Assessment, dt.date | None, dt.datetime | None]:
        """(assessment, last completed on, next booked at) for one person and requirement."""
        last, booking = self.evidence(staff_id, need)
        booked_at, booked_on = booking if booking else (None, None)
        return self._assessment(need, last, booked_on, role_since), last, booked_at


def _prepare(requirement: PathwayRequirement, developing: dict[int, set[int]]) -> _Need:
    target = target_of(requirement)
    activity_ids = (
        (target.id,) if target.kind == "activity" else tuple(sorted(developing.get(target.id, ())))
    )
    return _Need(
        requirement=requirement,
        target=target,
        key=target.key,
        title=requirement.title,
        activity_ids=activity_ids,
        single=activity_ids[0] if len(activity_ids) == 1 else None,
        renewal_months=requirement.renewal_months
        or (requirement.activity.validity_months if requirement.activity is not None else None),
        due_within_days=requirement.due_within_days,
        mandatory=requirement.is_mandatory,
        applies_from=requirement.applies_from,
        grace_days=requirement.grace_days,
    )


def _memo_key(need: _Need, last: dt.date | None, booked_on: dt.date | None, role_since: dt.date):  # noqa: ANN202
    """The rule inputs that decide one person's status, as a key shared by everyone with the
    same inputs. A completion matters with the day the requirement started to apply to the
    person only when it came before that day (only then can it have lapsed by then)."""
    if last is not None:
        applies_from = need.applies_from
        start = (
            applies_from if applies_from is not None and applies_from > role_since else role_since
        )
        return (
            need.renewal_months,
            last,
            booked_on,
            start if last < start else None,
            need.grace_days,
        )
    return (need.due_within_days, role_since, booked_on, need.applies_from, need.grace_days, None)


def build_report(scope: StaffScope, *, now: dt.datetime, due_soon_days: int) -> ComplianceReport:
    """Compliance for everyone the scope names, on today's date."""
    people = queries.staff_in(scope.ids)
    assessor = _Assessor(
        _who(scope.ids, [p.id for p in people]),
        {p.job_role_id for p in people},
        now=now,
        due_soon_days=due_soon_days,
    )
    report = ComplianceReport(today=assessor.today, people=[])
    for staff in people:
        person = PersonCompliance(staff)
        for need in assessor.needs_of(staff.id, staff.job_role_id):
            assessment, last, booked_at = assessor.assess(staff.id, staff.job_role_since, need)
            person.lines.append(Line(need.requirement, need.target, assessment, booked_at, last))
        report.people.append(person)
    return report


def summarise(
    scope: StaffScope,
    *,
    now: dt.datetime,
    due_soon_days: int,
    apart: int | None = None,
    with_teams: bool = True,
) -> ComplianceSummary:
    """Status counts by requirement and by team for everyone the scope names.

    ``apart``: one person in the scope (a manager on their home page) whose own statuses are
    counted separately from everyone else's. ``with_teams=False``: no counts by team.

    About 90,000 (person, requirement) pairs for a council of 5,000, so people are grouped by
    job role and each requirement of the role runs one tight loop over them; a distinct set
    of rule inputs is judged once."""
    facts = queries.staff_facts(scope.ids)
    assessor = _Assessor(
        _who(scope.ids, [f[0] for f in facts]),
        {f[2] for f in facts},
        now=now,
        due_soon_days=due_soon_days,
    )
    by_role: dict[int, list[tuple[int, int, dt.date]]] = defaultdict(list)
    one_by_one = []  # people with pathways of their own, and the person apart
    teams: set[int] = set()
    for staff_id, team_id, job_role_id, role_since in facts:
        if staff_id == apart or staff_id in assessor.by_person:
            one_by_one.append((staff_id, team_id, job_role_id, role_since))
        else:
            by_role[job_role_id].append((staff_id, team_id, role_since))
        if staff_id != apart:
            teams.add(team_id)  # a team appears even when nobody in it has requirements

    # Mandatory requirements make compliance; recommended ones are counted apart.
    by_requirement: Counter = Counter()  # (requirement key, status) -> people
    recommended: Counter = Counter()  # the same for recommended requirements
    by_team: Counter = Counter()  # (team id, status) -> people
    late: Counter = Counter()
    titles: dict[str, str] = {}
    for job_role_id, people in by_role.items():
        team_ids = [team_id for _, team_id, _ in people]
        for need in assessor.by_role.get(job_role_id, []):
            results = assessor.judge_many(need, people)
            statuses = [status for status, _ in results]
            titles[need.key] = need.title
            if not need.mandatory:
                for status, n in Counter(statuses).items():
                    recommended[need.key, status] += n
                continue
            for status, n in Counter(statuses).items():
                by_requirement[need.key, status] += n
            if with_teams:
                by_team.update(zip(team_ids, statuses, strict=True))
            late[need.key] += sum(is_late for _, is_late in results)

    mine: Counter = Counter()
    mine_late = 0
    for staff_id, team_id, job_role_id, role_since in one_by_one:
        for need in assessor.needs_of(staff_id, job_role_id):
            last, booking = assessor.evidence(staff_id, need)
            status, is_late = assessor.judge(
                need, last, booking[1] if booking else None, role_since
            )
            if staff_id == apart:
                mine[status] += 1
                mine_late += is_late
                continue
            titles[need.key] = need.title
            if not need.mandatory:
                recommended[need.key, status] += 1
                continue
            by_requirement[need.key, status] += 1
            if with_teams:
                by_team[team_id, status] += 1
            late[need.key] += is_late

    requirements: dict[str, Summary] = {}
    for (key, status), n in by_requirement.items():
        requirements.setdefault(key, Summary(key, titles[key])).counts[status] = n
    recommended_requirements: dict[str, Summary] = {}
    for (key, status), n in recommended.items():
        recommended_requirements.setdefault(key, Summary(key, titles[key])).counts[status] = n
    team_summaries: dict[int, Summary] = {}
    if with_teams:
        names = queries.team_names(teams)
        team_summaries = {t: Summary(str(t), names[t]) for t in teams}
        for (team_id, status), n in by_team.items():
            team_summaries[team_id].counts[status] = n
    return ComplianceSummary(
        today=assessor.today,
        people_count=len(facts),
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
    """Everyone in the scope, counted by (own, requirement, ``classify(assessment)``), from
    the same batch of statements and memoised rules as ``summarise``: a distinct set of rule
    inputs is assessed and classified once, however many people share it."""
    facts = queries.staff_facts(scope.ids)
    assessor = _Assessor(
        _who(scope.ids, [f[0] for f in facts]),
        {f[2] for f in facts},
        now=now,
        due_soon_days=due_soon_days,
    )
    actor = scope.actor_id
    by_role: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
    result = ClassCounts(today=assessor.today)
    counts, titles = result.counts, result.titles
    for staff_id, _, job_role_id, role_since in facts:
        if staff_id == actor or staff_id in assessor.by_person:
            own = staff_id == actor
            for need in assessor.needs_of(staff_id, job_role_id):
                titles[need.target] = need.title
                assessment, _, _ = assessor.assess(staff_id, role_since, need)
                found = classify(assessment)
                if found is not None:
                    counts[own, need.target, need.mandatory, found] += 1
        else:
            by_role[job_role_id].append((staff_id, role_since))
    for job_role_id, people in by_role.items():
        for need in assessor.by_role.get(job_role_id, []):
            titles[need.target] = need.title
            for found, n in Counter(assessor.classify_many(need, people, classify)).items():
                if found is not None:
                    counts[False, need.target, need.mandatory, found] += n
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
    the page shown is loaded as records. None when nobody in the scope has the requirement."""
    people = queries.staff_names(scope.ids)
    assessor = _Assessor(
        _who(scope.ids, [p[0] for p in people]),
        {p[3] for p in people},
        now=now,
        due_soon_days=due_soon_days,
    )
    found = []
    need_of_key: _Need | None = None
    for staff_id, last_name, first_name, job_role_id, role_since in people:
        for need in assessor.needs_of(staff_id, job_role_id):
            if need.key == target_key:
                need_of_key = need
                assessment, last, booked_at = assessor.assess(staff_id, role_since, need)
                rank = SEVERITY.index(assessment.status)
                found.append(
                    (rank, last_name, first_name, staff_id, need, assessment, last, booked_at)
                )
    if need_of_key is None:
        return None
    found.sort(key=lambda row: row[:4])
    pages = max(1, -(-len(found) // per_page))
    page = min(max(1, page), pages)
    shown = found[(page - 1) * per_page : page * per_page]
    staff = queries.staff_by_id([row[3] for row in shown])
    return DrillDown(
        key=target_key,
        title=need_of_key.title,
        total=len(found),
        page=page,
        pages=pages,
        rows=[
            (staff[staff_id], Line(need.requirement, need.target, assessment, booked_at, last))
            for _, _, _, staff_id, need, assessment, last, booked_at in shown
        ],
        first=(page - 1) * per_page + 1,
        last=(page - 1) * per_page + len(shown),
    )
