"""Catalogue rules: pure functions of dates, no database and no clock."""

from __future__ import annotations

import calendar
import datetime as dt

from wfld.core.clock import LONDON


def expiry(completed_on: dt.date, renewal_months: int | None) -> dt.date | None:
    """Renewal runs from the completion date, not from the date it was due."""
    if renewal_months is None:
        return None
    return add_months(completed_on, renewal_months)


def valid_until(expires_on: dt.date | None) -> dt.date | None:
    """The last day a completion counts: the day before it expires (None: for good)."""
    return expires_on - dt.timedelta(days=1) if expires_on is not None else None


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 January
    + 1 month = 28 or 29 February), as dateutil's relativedelta does; a few times faster,
    which matters when a service view checks 90,000 requirements."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    if day.day <= 28:
        return dt.date(year, month, day.day)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def at_london(day: dt.date, time: dt.time) -> dt.datetime:
    """A date and time of day in England, as an aware UTC instant (sessions are typed and
    shown in UK time, whatever the season)."""
    return dt.datetime.combine(day, time, tzinfo=LONDON).astimezone(dt.UTC)
