"""Dates in words, GOV.UK style ("4 March 2027"), the same whatever the server's locale."""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def day_month(day: dt.date) -> str:
    """4 March"""
    return f"{day.day} {MONTHS[day.month - 1]}"


def long_date(day: dt.date) -> str:
    """4 March 2027"""
    return f"{day_month(day)} {day.year}"
