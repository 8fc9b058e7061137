"""Compliance as data: who must do what, and how each person stands, for any set of people.

A fixed handful of statements whatever the number of people or requirements (see
queries.py); the statuses themselves come from the pure rules in rules.py.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Select

from wfld.core.clock import LONDON
from wfld.learning import queries
from wfld.learning.models import PathwayRequirement, Stage
from wfld.learning.rules import SEVERITY, Assessment, Evidence, Status, Terms, assess
from wfld.organisation.models import StaffMember


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


@dataclass
class Summary:
    """Counts of statuses for a requirement or a team."""

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

    def by_requirement(self) -> list[Summary]:
        summaries: dict[str, Summary] = {}
        for person in self.people:
            for line in person.lines:
                summary = summaries.setdefault(
                    line.target.key, Summary(line.target.key, line.requirement.title)
                )
                summary.counts[line.status] += 1
        return sorted(summaries.values(), key=lambda s: (s.percent_complete, s.title))

    def by_team(self) -> list[Summary]:
        summaries: dict[int, Summary] = {}
        for person in self.people:
            team = person.staff.team
            summary = summaries.setdefault(team.id, Summary(str(team.id), team.name))
            for line in person.lines:
                summary.counts[line.status] += 1
        return sorted(summaries.values(), key=lambda s: (s.percent_complete, s.title))

    def people_for(self, target_key: str) -> list[tuple[PersonCompliance, Line]]:
        """Everyone the requirement applies to, worst first."""
        rows = [
            (person, line)
            for person in self.people
            for line in person.lines
            if line.target.key == target_key
        ]
        return sorted(rows, key=lambda r: (SEVERITY.index(r[1].status), r[0].staff.last_name))

    def title_of(self, target_key: str) -> str | None:
        for person in self.people:
            for line in person.lines:
                if line.target.key == target_key:
                    return line.requirement.title
        return None


def build_report(scope: Select, *, now: dt.datetime, due_soon_days: int) -> ComplianceReport:
    """Compliance for everyone the scope (a SELECT of staff ids) names, on today's date."""
    today = now.astimezone(LONDON).date()
    people = queries.staff_in(scope)
    by_role = queries.requirements_by_role(scope)
    by_person = queries.requirements_by_assignment(scope)
    completions = queries.latest_completions(scope)
    bookings = queries.next_bookings(scope, now=now)
    item_ids = {
        r.framework_item_id
        for requirements in (*by_role.values(), *by_person.values())
        for r in requirements
        if r.framework_item_id is not None
    }
    developing = queries.activities_developing(item_ids)

    report = ComplianceReport(today=today, people=[])
    for staff in people:
        person = PersonCompliance(staff)
        seen: set[str] = set()
        for requirement in [*by_role.get(staff.job_role_id, []), *by_person.get(staff.id, [])]:
            target = target_of(requirement)
            if target.key in seen:  # two pathways asking for the same thing count once
                continue
            seen.add(target.key)
            activity_ids = (
                {target.id} if target.kind == "activity" else developing.get(target.id, set())
            )
            done = [
                completions[(staff.id, a)] for a in activity_ids if (staff.id, a) in completions
            ]
            booked = [bookings[(staff.id, a)] for a in activity_ids if (staff.id, a) in bookings]
            last_completed_on = max(done) if done else None
            next_booked_at = min(booked) if booked else None
            renewal = requirement.renewal_months or (
                requirement.activity.validity_months if requirement.activity is not None else None
            )
            assessment = assess(
                Terms(due_within_days=requirement.due_within_days, renewal_months=renewal),
                Evidence(
                    last_completed_on=last_completed_on,
                    next_booked_on=next_booked_at.astimezone(LONDON).date()
                    if next_booked_at
                    else None,
                ),
                role_since=staff.job_role_since,
                today=today,
                due_soon_days=due_soon_days,
            )
            person.lines.append(
                Line(requirement, target, assessment, next_booked_at, last_completed_on)
            )
        report.people.append(person)
    return report
