"""Readiness for the regulator: for one person, and counts across a team or service.

Counts only: nothing here carries the words of anyone's CPD.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Select, select

from wfld.cpd import queries, rules
from wfld.cpd.rules import Readiness
from wfld.organisation.models import Regulator, StaffMember


def readiness_of(staff: StaffMember, *, now: dt.datetime) -> Readiness | None:
    """The person's readiness against their own regulator (None when they need no registration)."""
    if staff.regulator is Regulator.NONE:
        return None
    profile = queries.find_profile(staff.id)
    return rules.readiness_for(
        staff.regulator,
        queries.entry_facts(staff.id),
        now=now,
        registered_on=profile.registered_on if profile else None,
        revalidation_due_on=profile.revalidation_due_on if profile else None,
    )


@dataclass(frozen=True)
class PersonReadiness:
    staff: StaffMember
    ready: bool
    headline: str


@dataclass
class ReadinessSummary:
    year: rules.RegistrationYear
    people: list[PersonReadiness] = field(default_factory=list)

    @property
    def not_ready(self) -> list[PersonReadiness]:
        return [p for p in self.people if not p.ready]

    def count(self, regulator: Regulator, *, ready: bool) -> int:
        return sum(1 for p in self.people if p.staff.regulator is regulator and p.ready is ready)

    @property
    def regulators(self) -> list[Regulator]:
        present = {p.staff.regulator for p in self.people}
        return [r for r in (Regulator.SWE, Regulator.HCPC, Regulator.NMC) if r in present]


def summarise(scope: Select, *, now: dt.datetime) -> ReadinessSummary:
    """Everyone registered in ``scope``: Social Work England counts come from one aggregate
    statement; the few HCPC and NMC registrants are judged from their entries' facts."""
    today = rules.london_date(now)
    year = rules.registration_year_for(today)
    summary = ReadinessSummary(year=year)
    for counts in queries.swe_counts(scope, year=year):
        summary.people.append(
            PersonReadiness(
                counts.staff,
                counts.pieces >= rules.SWE.pieces and counts.peer_pieces >= rules.SWE.peer_pieces,
                rules.swe_headline(counts.pieces, counts.peer_pieces, year=year, today=today),
            )
        )
    others = queries.staff_with_regulators(scope, (Regulator.HCPC, Regulator.NMC))
    if others:
        ids = select(StaffMember.id).where(StaffMember.id.in_([s.id for s in others]))
        facts = queries.facts_by_staff(ids)
        profiles = queries.profiles_in(ids)
        for staff in others:
            profile = profiles.get(staff.id)
            result = rules.readiness_for(
                staff.regulator,
                facts.get(staff.id, []),
                now=now,
                registered_on=profile.registered_on if profile else None,
                revalidation_due_on=profile.revalidation_due_on if profile else None,
            )
            if result is not None:
                summary.people.append(PersonReadiness(staff, result.ready, result.headline))
    summary.people.sort(key=lambda p: (p.ready, p.staff.last_name, p.staff.first_name))
    return summary
