"""Readiness for the regulator: for one person, and counts across a team or service.

Counts only: nothing here carries the words of anyone's CPD. The regulators' terms in force
today are read once per call (one small statement), never per person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from wfld.cpd import queries, rules
from wfld.cpd.rules import Status
from wfld.organisation.models import Regulator, StaffMember
from wfld.organisation.scopes import StaffScope


@dataclass(frozen=True)
class PersonReadiness:
    staff: StaffMember
    status: Status
    headline: str

    @property
    def ready(self) -> bool:
        return self.status is Status.READY


# The columns of the counts table, in order.
STATUSES = (Status.READY, Status.TO_CONFIRM, Status.NOT_READY, Status.NOT_DUE)


@dataclass
class ReadinessSummary:
    year: rules.RegistrationYear
    people: list[PersonReadiness] = field(default_factory=list)

    @property
    def not_ready(self) -> list[PersonReadiness]:
        return [p for p in self.people if p.status is Status.NOT_READY]

    def count(self, regulator: Regulator, status: Status) -> int:
        return sum(1 for p in self.people if p.staff.regulator is regulator and p.status is status)

    @property
    def regulators(self) -> list[Regulator]:
        present = {p.staff.regulator for p in self.people}
        return [r for r in (Regulator.SWE, Regulator.HCPC, Regulator.NMC) if r in present]

    @property
    def statuses(self) -> tuple[Status, ...]:
        """The counts table's columns: the statuses anyone here can have."""
        shown = {Status.READY, Status.NOT_READY}
        shown |= {p.status for p in self.people}
        return tuple(s for s in STATUSES if s in shown)


def summarise(scope: StaffScope, *, now: dt.datetime) -> ReadinessSummary:
    """Everyone registered in ``scope``: Social Work England counts come from one aggregate
    statement; the few HCPC and NMC registrants are judged from their entries' facts."""
    today = rules.london_date(now)
    terms = queries.terms_on(today)
    year = rules.registration_year_for(today, terms.swe)
    summary = ReadinessSummary(year=year)
    for counts in queries.swe_counts(scope.ids, year=year, terms=terms.swe):
        summary.people.append(
            PersonReadiness(
                counts.staff,
                rules.swe_status(
                    counts.pieces,
                    counts.peer_pieces,
                    terms=terms.swe,
                    no_cpd=counts.no_cpd_needed,
                ),
                rules.swe_headline(
                    counts.pieces,
                    counts.peer_pieces,
                    year=year,
                    today=today,
                    terms=terms.swe,
                    joined_on=counts.registered_on if counts.no_cpd_needed else None,
                    own=False,
                ),
            )
        )
    others = queries.staff_with_regulators(scope.ids, (Regulator.HCPC, Regulator.NMC))
    if others:
        ids = select(StaffMember.id).where(StaffMember.id.in_([s.id for s in others]))
        facts = queries.facts_by_staff(ids)
        profiles = queries.profiles_in(ids)
        for staff in others:
            result = rules.readiness_for(
                staff.regulator,
                facts.get(staff.id, []),
                now=now,
                terms=terms,
                registration=queries.registration_of(profiles.get(staff.id)),
            )
            if result is not None:
                summary.people.append(PersonReadiness(staff, result.status, result.headline))
    order = {s: i for i, s in enumerate((Status.NOT_READY, Status.TO_CONFIRM, Status.NOT_DUE))}
    summary.people.sort(
        key=lambda p: (order.get(p.status, 9), p.staff.last_name, p.staff.first_name)
    )
    return summary
