"""Compliance rules: pure functions of dates, no database and no clock.

A requirement asks for a learning activity (or any activity developing a framework item),
first within N days of taking on the role, then again every M months if it is renewable.

A requirement added to a pathway applies from a date. People already in the role by then
are given a grace period from that date rather than being overdue at once, and so is anyone
whose earlier completion had lapsed before they took on the role (or before the requirement
applied to them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from wfld.catalogue.rules import expiry

DEFAULT_DUE_SOON_DAYS = 60


class Status(StrEnum):
    COMPLETE = "complete"
    BOOKED = "booked"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    NOT_STARTED = "not_started"

    @property
    def label(self) -> str:
        return {
            Status.COMPLETE: "Complete",
            Status.BOOKED: "Booked",
            Status.DUE_SOON: "Due soon",
            Status.OVERDUE: "Overdue",
            Status.NOT_STARTED: "Not started",
        }[self]

    @property
    def tag_class(self) -> str:
        return {
            Status.COMPLETE: "govuk-tag--green",
            Status.BOOKED: "govuk-tag--blue",
            Status.DUE_SOON: "govuk-tag--yellow",
            Status.OVERDUE: "govuk-tag--red",
            Status.NOT_STARTED: "govuk-tag--grey",
        }[self]


# Order for "worst first" lists.
SEVERITY = [Status.OVERDUE, Status.DUE_SOON, Status.NOT_STARTED, Status.BOOKED, Status.COMPLETE]


@dataclass(frozen=True)
class Terms:
    """What a requirement asks of a person."""

    due_within_days: int | None
    renewal_months: int | None
    # None: it applies to everyone from their role start (requirements set before
    # applies-from dates existed).
    applies_from: dt.date | None = None
    # Days given to people already in the role on ``applies_from``, and to anyone whose
    # completion lapsed before the requirement applied to them. None: no grace.
    grace_days: int | None = None


@dataclass(frozen=True)
class Evidence:
    """What a person has done towards a requirement."""

    last_completed_on: dt.date | None = None  # latest verified completion
    next_booked_on: dt.date | None = None  # earliest booked session still to come


class Assessment(NamedTuple):
    """A named tuple rather than a frozen dataclass: a service view makes tens of thousands,
    and tuples are several times cheaper to create."""

    status: Status
    due_on: dt.date | None = None  # complete (again) by this date
    expires_on: dt.date | None = None  # the latest completion is valid to the end of the day before
    expired: bool = False  # overdue because a completion lapsed, not because it never happened
    late: bool = False  # booked, but the due date or expiry has passed already

    @property
    def is_overdue_or_late(self) -> bool:
        return self.status is Status.OVERDUE or self.late


def starts_applying(role_since: dt.date, applies_from: dt.date | None) -> dt.date:
    """The day a requirement starts to apply to someone: when they took on the role, or the
    requirement's applies-from date if they were already in the role by then."""
    if applies_from is not None and applies_from > role_since:
        return applies_from
    return role_since


def first_due(
    due_within_days: int | None,
    role_since: dt.date,
    *,
    applies_from: dt.date | None = None,
    grace_days: int | None = None,
) -> dt.date | None:
    """When a requirement never done is first due, or None when it has no first deadline.

    New starters (in the role on or after the applies-from date) have ``due_within_days``
    from their role start. People already in the role have ``grace_days`` from the
    applies-from date, or their own deadline if that is later: nobody gets less time than a
    new starter would."""
    if due_within_days is None:
        return None
    due_on = role_since + dt.timedelta(days=due_within_days)
    if applies_from is not None and role_since < applies_from and grace_days is not None:
        due_on = max(due_on, applies_from + dt.timedelta(days=grace_days))
    return due_on


def assess(
    terms: Terms,
    evidence: Evidence,
    *,
    role_since: dt.date,
    today: dt.date,
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS,
) -> Assessment:
    """The status of one requirement for one person on ``today``.

    - A completion that does not expire is complete for good.
    - A renewable one is complete until ``due_soon_days`` before its expiry date, due soon
      from then, and expired (overdue) from its expiry date.
    - Never done: due ``due_within_days`` after the person took on their role; overdue the
      day after that; with no due date it is simply not started.
    - People already in the role on the requirement's applies-from date: due
      ``grace_days`` after that date (see ``first_due``).
    - A completion that had already lapsed when the requirement started to apply to the
      person (they took on the role later, or it was added later): due ``grace_days`` after
      that day, like a first deadline, instead of overdue at once.
    - A booked session to come shows as booked, flagged late if already overdue.
    """
    if evidence.last_completed_on is not None:
        return assess_done(
            terms.renewal_months,
            evidence.last_completed_on,
            evidence.next_booked_on,
            today=today,
            due_soon_days=due_soon_days,
            starts_on=starts_applying(role_since, terms.applies_from),
            grace_days=terms.grace_days,
        )
    return assess_not_done(
        terms.due_within_days,
        role_since,
        evidence.next_booked_on,
        today=today,
        due_soon_days=due_soon_days,
        applies_from=terms.applies_from,
        grace_days=terms.grace_days,
    )


def assess_done(
    renewal_months: int | None,
    last_completed_on: dt.date,
    next_booked_on: dt.date | None,
    *,
    today: dt.date,
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS,
    starts_on: dt.date | None = None,
    grace_days: int | None = None,
) -> Assessment:
    """``assess`` for a requirement done at least once: only the renewal period matters,
    unless the completion had lapsed by ``starts_on`` (the day the requirement started to
    apply to the person): then it is due ``grace_days`` after that day."""
    expires_on = expiry(last_completed_on, renewal_months)
    if (
        expires_on is not None
        and starts_on is not None
        and grace_days is not None
        and expires_on <= starts_on
    ):
        return _due_by(
            starts_on + dt.timedelta(days=grace_days),
            next_booked_on,
            today=today,
            due_soon_days=due_soon_days,
        )
    horizon = today + dt.timedelta(days=due_soon_days)
    booked = next_booked_on is not None and next_booked_on >= today
    if expires_on is None or expires_on > horizon:
        return Assessment(Status.COMPLETE, due_on=expires_on, expires_on=expires_on)
    lapsed = expires_on <= today
    if booked:
        return Assessment(
            Status.BOOKED, due_on=expires_on, expires_on=expires_on, expired=lapsed, late=lapsed
        )
    if lapsed:
        return Assessment(Status.OVERDUE, due_on=expires_on, expires_on=expires_on, expired=True)
    return Assessment(Status.DUE_SOON, due_on=expires_on, expires_on=expires_on)


def assess_not_done(
    due_within_days: int | None,
    role_since: dt.date,
    next_booked_on: dt.date | None,
    *,
    today: dt.date,
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS,
    applies_from: dt.date | None = None,
    grace_days: int | None = None,
) -> Assessment:
    """``assess`` for a requirement never done: due a number of days after taking the role
    (or after the applies-from date for people already in the role, see ``first_due``)."""
    due_on = first_due(
        due_within_days, role_since, applies_from=applies_from, grace_days=grace_days
    )
    return _due_by(due_on, next_booked_on, today=today, due_soon_days=due_soon_days)


def _due_by(
    due_on: dt.date | None,
    next_booked_on: dt.date | None,
    *,
    today: dt.date,
    due_soon_days: int,
) -> Assessment:
    """Something to do by ``due_on`` (None: no deadline): overdue the day after it."""
    horizon = today + dt.timedelta(days=due_soon_days)
    booked = next_booked_on is not None and next_booked_on >= today
    overdue = due_on is not None and due_on < today
    if booked:
        return Assessment(Status.BOOKED, due_on=due_on, late=overdue)
    if due_on is None:
        return Assessment(Status.NOT_STARTED)
    if overdue:
        return Assessment(Status.OVERDUE, due_on=due_on)
    if due_on <= horizon:
        return Assessment(Status.DUE_SOON, due_on=due_on)
    return Assessment(Status.NOT_STARTED, due_on=due_on)


class Standing(NamedTuple):
    """The dates that decide one requirement's status for one person, whatever day it is:
    what the compliance table stores, so that status on a given day is a comparison the
    database can make (see ``queries.status_on``). ``assess`` is the same rule told for one
    day; a test holds the two to the same answer for every person and requirement.

    - ``by_completion``: a completion counts (it has not lapsed before the requirement
      applied to the person): complete until ``due_on`` (its expiry; None: for good).
    - Otherwise something is to be done by ``due_on`` (None: no deadline).
    - ``overdue_on``: the first day it is overdue (an expiry day itself; the day after a
      deadline).
    """

    by_completion: bool
    due_on: dt.date | None
    overdue_on: dt.date | None
    expires_on: dt.date | None
    applies_from: dt.date


def standing(
    *,
    due_within_days: int | None,
    renewal_months: int | None,
    applies_from: dt.date | None,
    grace_days: int | None,
    last_completed_on: dt.date | None,
    role_since: dt.date,
) -> Standing:
    """``Standing`` of one requirement for one person: the dates ``assess`` compares with
    today, computed here once (by the same functions) instead of on every page."""
    starts_on = starts_applying(role_since, applies_from)
    if last_completed_on is not None:
        expires_on = expiry(last_completed_on, renewal_months)
        lapsed_before = (
            expires_on is not None and grace_days is not None and expires_on <= starts_on
        )
        if not lapsed_before:
            return Standing(True, expires_on, expires_on, expires_on, starts_on)
        due_on = starts_on + dt.timedelta(days=grace_days)
    else:
        due_on = first_due(
            due_within_days, role_since, applies_from=applies_from, grace_days=grace_days
        )
    overdue_on = due_on + dt.timedelta(days=1) if due_on is not None else None
    return Standing(False, due_on, overdue_on, None, starts_on)
