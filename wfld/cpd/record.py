"""A person's CPD record for a period, as data: the PDF and the CSV are both made from it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from wfld.cpd import queries
from wfld.cpd.models import CpdEntry
from wfld.cpd.rules import registration_year_for
from wfld.organisation.models import StaffMember

TWO_YEARS = "two-years"


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: dt.date
    end: dt.date


def period_for(key: str | None, *, today: dt.date) -> Period | None:
    """ "two-years" (the last two years to today, as HCPC audits ask) or a registration year
    named by the year it ends in ("2026" = 1 December 2025 to 30 November 2026)."""
    if not key or key == TWO_YEARS:
        start = today - relativedelta(years=2) + dt.timedelta(days=1)
        return Period(TWO_YEARS, "the last two years", start, today)
    if key.isdigit() and 2000 <= int(key) <= today.year + 1:
        year = registration_year_for(dt.date(int(key), 11, 30))
        return Period(key, f"registration year {year.label}", year.starts_on, year.ends_on)
    return None


def period_choices(*, today: dt.date, years: list[int]) -> list[tuple[str, str]]:
    current = registration_year_for(today).number
    numbers = sorted({current, current - 1, *years}, reverse=True)
    choices = [(TWO_YEARS, "The last two years")]
    for number in numbers:
        year = registration_year_for(dt.date(number, 11, 30))
        choices.append((str(number), f"Registration year {year.label}"))
    return choices


@dataclass(frozen=True)
class CpdRecord:
    staff: StaffMember
    period: Period
    entries: list[CpdEntry]
    generated_on: dt.date

    @property
    def total_hours(self) -> Decimal:
        return sum((e.hours or Decimal(0) for e in self.entries), Decimal(0))


def build_record(staff: StaffMember, period: Period, *, today: dt.date) -> CpdRecord:
    entries = queries.list_entries_between(staff.id, start=period.start, end=period.end)
    return CpdRecord(staff=staff, period=period, entries=entries, generated_on=today)


CSV_HEADER = [
    "Title",
    "Date",
    "End date",
    "Type of CPD",
    "Hours",
    "Short description and why it is relevant",
    "What I learnt",
    "Impact on my practice and on the people I work with",
    "Peer reflection",
    "Discussed with (role)",
    "Framework items",
    "Evidence files",
    "Used for Social Work England renewal",
]


def csv_rows(record: CpdRecord) -> list[list[str]]:
    rows = []
    for entry in record.entries:
        rows.append(
            [
                entry.title,
                entry.started_on.isoformat(),
                entry.ended_on.isoformat() if entry.ended_on else "",
                entry.activity_type.label if entry.activity_type else "",
                _hours(entry.hours),
                entry.description,
                entry.learning,
                entry.impact,
                entry.peer_reflection or "",
                entry.peer_role or "",
                "; ".join(f"{t.version.framework.title}: {t.label}" for t in entry.tags),
                "; ".join(e.original_name for e in entry.evidence),
                str(entry.submitted_for_year or ""),
            ]
        )
    return rows


def _hours(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f")
