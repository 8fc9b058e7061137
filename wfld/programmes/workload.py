"""Protected development time and workload: one record a month per enrolment of the person's
caseload and the protected development hours they took, against the template's target.

Moderators check that protected time was used (the ASYE's 10%, pro rata), so each month shows
hours taken against the target and whether it was met. Reads and writes of this area live
here; the view calls them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from sqlalchemy import select

from wfld.accounts.models import User
from wfld.core.clock import LONDON
from wfld.core.errors_domain import RuleBroken, check_version
from wfld.core.text import clean_text
from wfld.extensions import db
from wfld.programmes import queries
from wfld.programmes.models import Enrolment, WorkloadMonth
from wfld.programmes.queries import DateFacts
from wfld.programmes.rules import Pause, protected_hours_target

# The council's standard full-time week is 37 hours (its contracts and pay scales use it);
# protected time is a share of that week, pro rata to the person's FTE.
STANDARD_WEEK_HOURS = Decimal("37")

NOTE_LIMIT = 500
MAX_HOURS = Decimal("999.9")  # what the column holds (Numeric(5, 1))


class MonthStatus(StrEnum):
    MET = "met"
    BELOW = "below"
    NOT_RECORDED = "not_recorded"
    PAUSED = "paused"  # no day of the month was on the programme (a pause covered it)

    @property
    def label(self) -> str:
        return {
            MonthStatus.MET: "Target met",
            MonthStatus.BELOW: "Below target",
            MonthStatus.NOT_RECORDED: "Not recorded",
            MonthStatus.PAUSED: "Paused",
        }[self]

    @property
    def colour(self) -> str:
        return {
            MonthStatus.MET: "govuk-tag--green",
            MonthStatus.BELOW: "govuk-tag--red",
            MonthStatus.NOT_RECORDED: "govuk-tag--grey",
            MonthStatus.PAUSED: "govuk-tag--grey",
        }[self]


@dataclass(frozen=True)
class MonthRow:
    """One month of the programme so far: its record (if any), target and status."""

    month: dt.date  # the first day of the month
    record: WorkloadMonth | None
    target: Decimal
    status: MonthStatus


def first_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def fte_in(facts: DateFacts, month: dt.date) -> Decimal:
    """The FTE the person worked at the start of a month (a change takes effect from its
    date; one during the month counts from the next)."""
    fte = facts.fte
    for change in sorted(facts.fte_changes, key=lambda c: c.on):
        if change.on <= month:
            fte = change.fte
    return fte


def share_of_month(
    month: dt.date, *, start: dt.date, end: dt.date, pauses: Sequence[Pause]
) -> Fraction:
    """The share of a month's days spent on the programme: a first month that starts part
    way through, a last month that ends early and days on a pause (parental leave, sickness)
    earn no protected time."""
    days = (_next_month(month) - month).days
    on = 0
    for offset in range(days):
        day = month + dt.timedelta(days=offset)
        if start <= day <= end and not any(p.starts_on <= day <= p.ends_on for p in pauses):
            on += 1
    return Fraction(on, days)


def target_for(full: Decimal, share: Fraction) -> Decimal:
    """A month's target: the full month's for the share of its days on the programme."""
    return (full * share.numerator / share.denominator).quantize(Decimal("0.1"))


def status_of(record: WorkloadMonth | None, target: Decimal, share: Fraction) -> MonthStatus:
    if share == 0:
        return MonthStatus.PAUSED
    if record is None:
        return MonthStatus.NOT_RECORDED
    return MonthStatus.MET if record.protected_hours >= target else MonthStatus.BELOW


def months_open(enrolment: Enrolment, today: dt.date) -> list[dt.date]:
    """The months that may be recorded, oldest first: from the start month to this month (or
    the programme's last month, if it ended before)."""
    last = first_of(min(today, enrolment.ends_on))
    month, months = first_of(enrolment.start_date), []
    while month <= last:
        months.append(month)
        month = _next_month(month)
    return months


def find_workload(workload_id: int) -> WorkloadMonth | None:
    return db.session.get(WorkloadMonth, workload_id)


def list_months(enrolment: Enrolment) -> dict[dt.date, WorkloadMonth]:
    rows = db.session.scalars(
        select(WorkloadMonth).where(WorkloadMonth.enrolment_id == enrolment.id)
    )
    return {row.month: row for row in rows}


def months_so_far(enrolment: Enrolment, *, today: dt.date) -> list[MonthRow]:
    """Every month of the programme so far, newest first, recorded or not."""
    facts = queries.facts_of(enrolment)
    recorded = list_months(enrolment)
    rows = []
    spec = enrolment.template.spec
    for month in reversed(months_open(enrolment, today)):
        # The template's share of the standard week at the FTE worked, over an average month.
        full = protected_hours_target(
            spec, contracted_hours=STANDARD_WEEK_HOURS, fte=fte_in(facts, month)
        )
        share = share_of_month(
            month, start=enrolment.start_date, end=enrolment.ends_on, pauses=facts.pauses
        )
        target = target_for(full, share)
        record = recorded.get(month)
        rows.append(MonthRow(month, record, target, status_of(record, target, share)))
    return rows


def _month_name(month: dt.date) -> str:
    return f"{month:%B} {month.year}"


def workload_errors(
    *,
    enrolment: Enrolment,
    month: dt.date | None,
    caseload: int | None,
    protected_hours: Decimal | None,
    note: str,
    today: dt.date,
) -> dict[str, str]:
    """Every rule a month's record breaks, at once."""
    errors: dict[str, str] = {}
    if month is None:
        errors["month"] = "Select the month"
    elif first_of(month) < first_of(enrolment.start_date):
        errors["month"] = (
            f"Month must be {_month_name(first_of(enrolment.start_date))} or later, "
            "when the programme started"
        )
    elif first_of(month) > first_of(today):
        errors["month"] = "Month must be this month or in the past"
    if caseload is None:
        errors["caseload"] = "Enter the caseload"
    elif caseload < 0:
        errors["caseload"] = "Caseload must be 0 or more"
    if protected_hours is None:
        errors["protected_hours"] = "Enter the protected development hours taken"
    elif protected_hours < 0:
        errors["protected_hours"] = "Protected development hours must be 0 or more"
    elif protected_hours > MAX_HOURS:
        errors["protected_hours"] = "Protected development hours must be 999.9 or fewer"
    if len(note) > NOTE_LIMIT:
        errors["note"] = f"Note must be {NOTE_LIMIT} characters or fewer"
    return errors


def record_month(
    *,
    enrolment: Enrolment,
    month: dt.date | None,
    caseload: int | None,
    protected_hours: Decimal | None,
    note: str,
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
) -> WorkloadMonth:
    """Record (or, given the version it was opened on, correct) one month. A month before the
    programme started, or still to come, is refused; a month already recorded is changed only
    from its own record, so a second person's entry never silently replaces the first."""
    note = clean_text(note or "").replace("\r\n", "\n").strip()
    errors = workload_errors(
        enrolment=enrolment,
        month=month,
        caseload=caseload,
        protected_hours=protected_hours,
        note=note,
        today=now.astimezone(LONDON).date(),
    )
    if errors:
        raise RuleBroken(errors)
    month = first_of(month)
    record = db.session.scalar(
        select(WorkloadMonth).where(
            WorkloadMonth.enrolment_id == enrolment.id, WorkloadMonth.month == month
        )
    )
    if record is None:
        record = WorkloadMonth(enrolment_id=enrolment.id, month=month)
        db.session.add(record)
    elif expected_version is None:
        raise RuleBroken(
            {"month": f"{_month_name(month)} is already recorded: change it from its row"}
        )
    else:
        check_version(record, expected_version)
    record.caseload = caseload
    record.protected_hours = protected_hours.quantize(Decimal("0.1"))
    record.note = note
    record.updated_at = now
    record.updated_by_id = actor.id
    db.session.flush()
    return record
