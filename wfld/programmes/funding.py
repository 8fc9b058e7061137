"""The national ASYE grant: what each NQSW's claims are, and in which claim period they fall.

Claims go to the Department for Education directly (the Skills for Care portal closed on
28 February 2026). In 2026–27 the grant is £2,000 per NQSW: £1,000 at registration and £1,000
at completion; in March 2027, the final year, the completion payment is made for everyone
still on the programme (DOMAIN.md, "ASYE", Funding). Funded NQSWs qualified within the last
4 years and are registered with Social Work England.

Claim periods are the council's financial-year quarters ("2026/27 Q3", October to December):
the council reports and reconciles its grant income by quarter (DOMAIN.md, "Calendar"), and a
quarter is wide enough that a claim made a few days late still lands where finance expects
it. A claim falls in the quarter it was made in, or, not made yet, the quarter it became due:
registration at the ASYE start, completion on the completion date (or, in the final year,
31 March 2027 for everyone still on the programme).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from wfld.extensions import db
from wfld.organisation.models import StaffMember
from wfld.programmes.models import Enrolment, Outcome, ProgrammeTemplate
from wfld.programmes.rules import EnrolmentStatus, ProgrammeKind, add_months


@dataclass(frozen=True)
class Grant:
    """The grant for NQSWs in one financial year (named by the year it starts)."""

    registration: Decimal
    completion: Decimal


# DOMAIN.md, "ASYE", Funding (child and family, 2026–27): £1,000 at registration and £1,000 at
# completion, claimed from the Department for Education. Later years are added here when the
# Department publishes them; a claim in a year not listed shows no amount.
GRANTS: dict[int, Grant] = {2026: Grant(registration=Decimal(1000), completion=Decimal(1000))}

# DOMAIN.md: "in March 2027, the final year, the completion payment is made for everyone still
# on the programme". The last day of that financial year.
FINAL_COMPLETION_ON = dt.date(2027, 3, 31)

# The Department for Education's grant is for child and family NQSWs: an ASYE assessed
# against a child and family standard (the practitioner KSS, or from April 2027 the early
# career standards). The adults' ASYE is funded by DHSC and is not claimed here.
CHILD_AND_FAMILY_STANDARDS = frozenset({"KSS-CF-PRACTITIONER", "ECS-CF"})

# Funded NQSWs qualified within this many years before their ASYE start (DOMAIN.md).
QUALIFIED_WITHIN_YEARS = 4


@dataclass(frozen=True, order=True)
class ClaimPeriod:
    """A financial-year quarter: ``year`` is the year April falls in (2026 for 2026/27); Q1
    is April to June, Q4 January to March."""

    year: int
    quarter: int

    @classmethod
    def of(cls, day: dt.date) -> ClaimPeriod:
        year = day.year if day.month >= 4 else day.year - 1
        return cls(year, (day.month - 4) % 12 // 3 + 1)

    @classmethod
    def parse(cls, key: str) -> ClaimPeriod | None:
        """ "2026-27-q3" → 2026/27 Q3; None for anything else."""
        found = re.fullmatch(r"(\d{4})-(\d{2})-q([1-4])", key.strip().lower())
        if not found or int(found[2]) != (int(found[1]) + 1) % 100:
            return None
        return cls(int(found[1]), int(found[3]))

    @property
    def key(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}-q{self.quarter}"

    @property
    def label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d} Q{self.quarter}"

    @property
    def starts_on(self) -> dt.date:
        month = 3 * (self.quarter - 1) + 4
        return dt.date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def ends_on(self) -> dt.date:
        following = ClaimPeriod(self.year + (self.quarter == 4), self.quarter % 4 + 1)
        return following.starts_on - dt.timedelta(days=1)


def financial_year_of(day: dt.date) -> int:
    """The year April falls in for the council's financial year containing ``day``."""
    return ClaimPeriod.of(day).year


def financial_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


class ClaimKind(StrEnum):
    REGISTRATION = "registration"
    COMPLETION = "completion"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class Claim:
    """One claim for one NQSW."""

    enrolment: Enrolment
    kind: ClaimKind
    due_on: dt.date  # the day the claim became due
    claimed_on: dt.date | None
    outcome: str
    problems: tuple[str, ...]

    @property
    def period(self) -> ClaimPeriod:
        return ClaimPeriod.of(self.claimed_on or self.due_on)

    @property
    def amount(self) -> Decimal | None:
        grant = GRANTS.get(self.period.year)
        if grant is None:
            return None
        return grant.registration if self.kind is ClaimKind.REGISTRATION else grant.completion


def _outcome_words(enrolment: Enrolment, outcome: Outcome | None) -> str:
    if outcome is not None and outcome.decision is not None:
        return f"{outcome.recommendation.label}, {outcome.decision.label.lower()} by the panel"
    if outcome is not None:
        return f"{outcome.recommendation.label} recommended"
    return enrolment.status.label


def _problems(enrolment: Enrolment) -> tuple[str, ...]:
    """What stops a claim being made: the grant is for NQSWs registered with Social Work
    England who qualified within the last 4 years."""
    staff = enrolment.staff
    problems = []
    if not staff.registration_number:
        problems.append("No registration number")
    if enrolment.registered_on is None:
        problems.append("No registration date")
    if enrolment.qualified_on is None:
        problems.append("No qualification date")
    elif enrolment.qualified_on < add_months(enrolment.start_date, -12 * QUALIFIED_WITHIN_YEARS):
        problems.append(f"Qualified more than {QUALIFIED_WITHIN_YEARS} years before the start")
    return tuple(problems)


def claims_for(enrolment: Enrolment, outcome: Outcome | None) -> list[Claim]:
    """An NQSW's registration claim (due at the ASYE start) and, once due, their completion
    claim (due on completion; in the final year, on 31 March 2027 for anyone still on the
    programme)."""
    words = _outcome_words(enrolment, outcome)
    problems = _problems(enrolment)
    claims = [
        Claim(
            enrolment,
            ClaimKind.REGISTRATION,
            enrolment.start_date,
            enrolment.registration_claimed_on,
            words,
            problems,
        )
    ]
    completion_due = enrolment.completed_on
    if (
        completion_due is None
        and enrolment.status.is_open
        and enrolment.start_date <= FINAL_COMPLETION_ON
    ):
        completion_due = FINAL_COMPLETION_ON
    if completion_due is not None and enrolment.status not in (
        EnrolmentStatus.WITHDRAWN,
        EnrolmentStatus.FAILED,
    ):
        claims.append(
            Claim(
                enrolment,
                ClaimKind.COMPLETION,
                completion_due,
                enrolment.completion_claimed_on,
                words,
                problems,
            )
        )
    return claims


def list_claims() -> list[Claim]:
    """Every child and family ASYE enrolment's claims, by person, in two statements (the
    enrolments with their people and the outcomes)."""
    enrolments = list(
        db.session.scalars(
            select(Enrolment)
            .join(ProgrammeTemplate, ProgrammeTemplate.id == Enrolment.template_id)
            .join(StaffMember, StaffMember.id == Enrolment.staff_id)
            .where(ProgrammeTemplate.kind == ProgrammeKind.ASYE.value)
            .options(
                joinedload(Enrolment.staff),
                joinedload(Enrolment.template),
                joinedload(Enrolment.cohort),
            )
            .order_by(StaffMember.last_name, StaffMember.first_name, Enrolment.id)
        )
    )
    funded: dict[int, bool] = {}
    for enrolment in enrolments:
        if enrolment.template_id not in funded:
            codes = {ref.code for ref in enrolment.template.spec.frameworks}
            funded[enrolment.template_id] = bool(codes & CHILD_AND_FAMILY_STANDARDS)
    enrolments = [e for e in enrolments if funded[e.template_id]]
    ids = [e.id for e in enrolments]
    outcomes = (
        {
            o.enrolment_id: o
            for o in db.session.scalars(select(Outcome).where(Outcome.enrolment_id.in_(ids)))
        }
        if ids
        else {}
    )
    return [claim for e in enrolments for claim in claims_for(e, outcomes.get(e.id))]


@dataclass(frozen=True)
class FundingPage:
    period: ClaimPeriod
    claims: list[Claim]
    periods: list[ClaimPeriod]  # every period with a claim, and the one asked for

    @property
    def total(self) -> Decimal:
        return sum((c.amount or Decimal(0) for c in self.claims), Decimal(0))


def build_funding(period: ClaimPeriod) -> FundingPage:
    every = list_claims()
    periods = sorted({c.period for c in every} | {period})
    return FundingPage(period, [c for c in every if c.period == period], periods)


CSV_HEADER = (
    "Claim period",
    "Claim",
    "Name",
    "Employee number",
    "Registration number",
    "Registration date",
    "Qualification date",
    "ASYE start",
    "Cohort",
    "Registration claim date",
    "Completion date",
    "Completion claim date",
    "Outcome",
    "Amount (£)",
    "Problems",
)


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def csv_rows(claims: Sequence[Claim]) -> list[list[object]]:
    rows: list[list[object]] = []
    for claim in claims:
        enrolment = claim.enrolment
        rows.append(
            [
                claim.period.label,
                claim.kind.label,
                enrolment.staff.full_name,
                enrolment.staff.employee_number,
                enrolment.staff.registration_number or "",
                _iso(enrolment.registered_on),
                _iso(enrolment.qualified_on),
                _iso(enrolment.start_date),
                enrolment.cohort.intake,
                _iso(enrolment.registration_claimed_on),
                _iso(enrolment.completed_on),
                _iso(enrolment.completion_claimed_on),
                claim.outcome,
                f"{claim.amount:.2f}" if claim.amount is not None else "",
                "; ".join(claim.problems),
            ]
        )
    return rows
