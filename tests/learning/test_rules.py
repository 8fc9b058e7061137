"""The compliance rules: pure functions of dates, tested with explicit ``today`` dates.

No database, no Flask, no clock: ``today`` is always an argument. Unless a test says
otherwise, TODAY is 1 June 2024, so the default 60-day due-soon window ends on 31 July 2024.
"""

from __future__ import annotations

import datetime as dt

import pytest

from wfld.catalogue.rules import expiry
from wfld.learning.rules import (
    DEFAULT_DUE_SOON_DAYS,
    SEVERITY,
    Assessment,
    Evidence,
    Status,
    Terms,
    assess,
)

TODAY = dt.date(2024, 6, 1)
YESTERDAY = dt.date(2024, 5, 31)
TOMORROW = dt.date(2024, 6, 2)

ANNUAL = Terms(due_within_days=90, renewal_months=12)  # within 90 days, then yearly
ONCE = Terms(due_within_days=90, renewal_months=None)  # within 90 days, never renewed
OPTIONAL = Terms(due_within_days=None, renewal_months=None)  # no due date at all
ANNUAL_NO_DEADLINE = Terms(due_within_days=None, renewal_months=12)

# Someone who took on their role long ago: a first-time due date has long passed.
LONG_AGO = dt.date(2020, 1, 1)


def completed(on: dt.date, booked: dt.date | None = None) -> Evidence:
    return Evidence(last_completed_on=on, next_booked_on=booked)


def test_the_default_window_is_sixty_days():
    assert DEFAULT_DUE_SOON_DAYS == 60


# --- expiry and month arithmetic -------------------------------------------------------------


@pytest.mark.parametrize(
    ("completed_on", "months", "expected"),
    [
        (dt.date(2023, 6, 1), 12, dt.date(2024, 6, 1)),
        (dt.date(2023, 1, 31), 1, dt.date(2023, 2, 28)),  # not a leap year
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),  # leap year
        (dt.date(2024, 3, 31), 1, dt.date(2024, 4, 30)),
        (dt.date(2024, 8, 31), 6, dt.date(2025, 2, 28)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2024, 2, 29), 48, dt.date(2028, 2, 29)),
        (dt.date(2024, 12, 15), 3, dt.date(2025, 3, 15)),  # across a year end
    ],
    ids=[
        "one-year",
        "31-jan-plus-1-month-2023",
        "31-jan-plus-1-month-2024-leap",
        "31-mar-plus-1-month",
        "31-aug-plus-6-months",
        "29-feb-plus-12-months",
        "29-feb-plus-48-months",
        "year-end",
    ],
)
def test_expiry_adds_calendar_months_clamping_to_month_end(completed_on, months, expected):
    assert expiry(completed_on, months) == expected


def test_expiry_is_none_when_not_renewable():
    assert expiry(dt.date(2024, 1, 31), None) is None


def test_month_end_expiry_flows_through_assess():
    """Completed 31 January 2024, renewed monthly: expires 29 February 2024, so it is due
    soon on the 28th and expired on the 29th."""
    monthly = Terms(due_within_days=90, renewal_months=1)
    evidence = completed(dt.date(2024, 1, 31))
    on_28th = assess(monthly, evidence, role_since=LONG_AGO, today=dt.date(2024, 2, 28))
    on_29th = assess(monthly, evidence, role_since=LONG_AGO, today=dt.date(2024, 2, 29))
    assert on_28th == Assessment(
        Status.DUE_SOON, due_on=dt.date(2024, 2, 29), expires_on=dt.date(2024, 2, 29)
    )
    assert on_29th == Assessment(
        Status.OVERDUE, due_on=dt.date(2024, 2, 29), expires_on=dt.date(2024, 2, 29), expired=True
    )


def test_leap_day_completion_expires_28_february_next_year():
    evidence = completed(dt.date(2024, 2, 29))
    day_before = assess(ANNUAL, evidence, role_since=LONG_AGO, today=dt.date(2025, 2, 27))
    on_expiry = assess(ANNUAL, evidence, role_since=LONG_AGO, today=dt.date(2025, 2, 28))
    assert day_before.status is Status.DUE_SOON
    assert day_before.expires_on == dt.date(2025, 2, 28)
    assert on_expiry.status is Status.OVERDUE
    assert on_expiry.expired is True


# --- never done: first-time due date ---------------------------------------------------------


def test_due_today_is_due_soon_not_overdue():
    # 3 March 2024 + 90 days = 1 June 2024 = TODAY
    result = assess(ANNUAL, Evidence(), role_since=dt.date(2024, 3, 3), today=TODAY)
    assert result == Assessment(Status.DUE_SOON, due_on=TODAY)
    assert result.is_overdue_or_late is False


def test_due_yesterday_is_overdue():
    # 2 March 2024 + 90 days = 31 May 2024 = YESTERDAY
    result = assess(ANNUAL, Evidence(), role_since=dt.date(2024, 3, 2), today=TODAY)
    assert result == Assessment(Status.OVERDUE, due_on=YESTERDAY)
    assert result.expired is False  # never done, so nothing lapsed
    assert result.is_overdue_or_late is True


def test_never_done_due_exactly_60_days_ahead_is_due_soon():
    # 2 May 2024 + 90 days = 31 July 2024 = TODAY + 60 days
    result = assess(ANNUAL, Evidence(), role_since=dt.date(2024, 5, 2), today=TODAY)
    assert result == Assessment(Status.DUE_SOON, due_on=dt.date(2024, 7, 31))


def test_never_done_due_61_days_ahead_is_not_started():
    # 3 May 2024 + 90 days = 1 August 2024 = TODAY + 61 days
    result = assess(ANNUAL, Evidence(), role_since=dt.date(2024, 5, 3), today=TODAY)
    assert result == Assessment(Status.NOT_STARTED, due_on=dt.date(2024, 8, 1))
    assert result.is_overdue_or_late is False


@pytest.mark.parametrize("terms", [OPTIONAL, ANNUAL_NO_DEADLINE], ids=["once", "renewable"])
def test_never_done_with_no_due_date_is_not_started(terms):
    for today in (TODAY, dt.date(2099, 12, 31)):
        result = assess(terms, Evidence(), role_since=LONG_AGO, today=today)
        assert result == Assessment(Status.NOT_STARTED)
        assert result.due_on is None
        assert result.is_overdue_or_late is False


def test_due_within_zero_days_is_due_on_the_role_start_date():
    terms = Terms(due_within_days=0, renewal_months=None)
    on_start = assess(terms, Evidence(), role_since=TODAY, today=TODAY)
    day_after = assess(terms, Evidence(), role_since=YESTERDAY, today=TODAY)
    assert on_start == Assessment(Status.DUE_SOON, due_on=TODAY)
    assert day_after == Assessment(Status.OVERDUE, due_on=YESTERDAY)


# --- role changed mid-year -------------------------------------------------------------------


def test_role_change_moves_the_first_due_date():
    """The same terms, counted from the new role_since: overdue under the old start date,
    due soon or not started under a later one."""
    old = assess(ANNUAL, Evidence(), role_since=dt.date(2024, 1, 1), today=TODAY)
    assert old == Assessment(Status.OVERDUE, due_on=dt.date(2024, 3, 31))

    recent = assess(ANNUAL, Evidence(), role_since=dt.date(2024, 5, 1), today=TODAY)
    assert recent == Assessment(Status.DUE_SOON, due_on=dt.date(2024, 7, 30))

    brand_new = assess(ANNUAL, Evidence(), role_since=TODAY, today=TODAY)
    assert brand_new == Assessment(Status.NOT_STARTED, due_on=dt.date(2024, 8, 30))


# --- the due-soon window ---------------------------------------------------------------------


def test_renewable_expiring_exactly_60_days_ahead_is_due_soon():
    # completed 31 July 2023, expires 31 July 2024 = TODAY + 60 days
    result = assess(ANNUAL, completed(dt.date(2023, 7, 31)), role_since=LONG_AGO, today=TODAY)
    expires = dt.date(2024, 7, 31)
    assert result == Assessment(Status.DUE_SOON, due_on=expires, expires_on=expires)


def test_renewable_expiring_61_days_ahead_is_complete():
    # completed 1 August 2023, expires 1 August 2024 = TODAY + 61 days
    result = assess(ANNUAL, completed(dt.date(2023, 8, 1)), role_since=LONG_AGO, today=TODAY)
    expires = dt.date(2024, 8, 1)
    assert result == Assessment(Status.COMPLETE, due_on=expires, expires_on=expires)
    assert result.is_overdue_or_late is False


def test_custom_window_renewable():
    # TODAY + 30 days = 1 July 2024
    on_edge = completed(dt.date(2023, 7, 1))  # expires 1 July 2024
    past_edge = completed(dt.date(2023, 7, 2))  # expires 2 July 2024
    kwargs = {"role_since": LONG_AGO, "today": TODAY, "due_soon_days": 30}
    assert assess(ANNUAL, on_edge, **kwargs).status is Status.DUE_SOON
    assert assess(ANNUAL, past_edge, **kwargs) == Assessment(
        Status.COMPLETE, due_on=dt.date(2024, 7, 2), expires_on=dt.date(2024, 7, 2)
    )
    # the same evidence is due soon under the default 60-day window
    default = assess(ANNUAL, past_edge, role_since=LONG_AGO, today=TODAY)
    assert default.status is Status.DUE_SOON


def test_custom_window_never_done():
    # due_within_days=30: role_since 1 June 2024 -> due 1 July 2024 = TODAY + 30 days
    terms = Terms(due_within_days=30, renewal_months=None)
    on_edge = assess(terms, Evidence(), role_since=TODAY, today=TODAY, due_soon_days=30)
    past_edge = assess(terms, Evidence(), role_since=TOMORROW, today=TODAY, due_soon_days=30)
    assert on_edge == Assessment(Status.DUE_SOON, due_on=dt.date(2024, 7, 1))
    assert past_edge == Assessment(Status.NOT_STARTED, due_on=dt.date(2024, 7, 2))


# --- renewable completions: expiring and expired ---------------------------------------------


def test_completion_expiring_tomorrow_is_due_soon():
    result = assess(ANNUAL, completed(dt.date(2023, 6, 2)), role_since=LONG_AGO, today=TODAY)
    assert result == Assessment(Status.DUE_SOON, due_on=TOMORROW, expires_on=TOMORROW)
    assert result.expired is False
    assert result.is_overdue_or_late is False


def test_completion_expiring_today_is_expired():
    """Valid to the end of the day before its expiry date, so lapsed on the date itself."""
    result = assess(ANNUAL, completed(dt.date(2023, 6, 1)), role_since=LONG_AGO, today=TODAY)
    assert result == Assessment(Status.OVERDUE, due_on=TODAY, expires_on=TODAY, expired=True)
    assert result.is_overdue_or_late is True


def test_completion_expired_yesterday_is_expired():
    result = assess(ANNUAL, completed(dt.date(2023, 5, 31)), role_since=LONG_AGO, today=TODAY)
    assert result == Assessment(
        Status.OVERDUE, due_on=YESTERDAY, expires_on=YESTERDAY, expired=True
    )


def test_renewal_ignores_the_first_time_due_date():
    """Once done, only the expiry matters: a role start that would make a first attempt
    overdue does not make a valid completion overdue."""
    result = assess(ANNUAL, completed(dt.date(2024, 5, 1)), role_since=LONG_AGO, today=TODAY)
    assert result == Assessment(
        Status.COMPLETE, due_on=dt.date(2025, 5, 1), expires_on=dt.date(2025, 5, 1)
    )


def test_renewal_completed_early_runs_from_its_own_date():
    """First done 10 January 2023 (expiring 10 January 2024), renewed early on
    1 November 2023: the new expiry is 1 November 2024, not 10 January 2025."""
    first = dt.date(2023, 1, 10)
    renewed = dt.date(2023, 11, 1)
    today = dt.date(2023, 11, 15)

    before = assess(ANNUAL, completed(first), role_since=LONG_AGO, today=today)
    assert before == Assessment(
        Status.DUE_SOON, due_on=dt.date(2024, 1, 10), expires_on=dt.date(2024, 1, 10)
    )

    # Evidence carries the latest completion only.
    after = assess(ANNUAL, completed(renewed), role_since=LONG_AGO, today=today)
    assert after == Assessment(
        Status.COMPLETE, due_on=dt.date(2024, 11, 1), expires_on=dt.date(2024, 11, 1)
    )
    assert after.expires_on != expiry(dt.date(2024, 1, 10), 12)  # not old expiry + 12 months
    assert expiry(renewed, 12) == dt.date(2024, 11, 1)


# --- non-renewable completions ---------------------------------------------------------------


@pytest.mark.parametrize(
    "today", [dt.date(2020, 1, 2), TODAY, dt.date(2099, 12, 31)], ids=["next-day", "now", "2099"]
)
def test_non_renewable_completion_is_complete_for_ever(today):
    result = assess(ONCE, completed(dt.date(2020, 1, 1)), role_since=LONG_AGO, today=today)
    assert result == Assessment(Status.COMPLETE)
    assert result.due_on is None
    assert result.expires_on is None
    assert result.is_overdue_or_late is False


def test_non_renewable_completion_ignores_a_booking():
    evidence = completed(dt.date(2020, 1, 1), booked=TOMORROW)
    assert assess(ONCE, evidence, role_since=LONG_AGO, today=TODAY) == Assessment(Status.COMPLETE)


# --- booked sessions -------------------------------------------------------------------------


def test_booked_and_not_yet_due():
    # role_since 1 May 2024 -> due 30 July 2024
    evidence = Evidence(next_booked_on=dt.date(2024, 6, 10))
    result = assess(ANNUAL, evidence, role_since=dt.date(2024, 5, 1), today=TODAY)
    assert result == Assessment(Status.BOOKED, due_on=dt.date(2024, 7, 30), late=False)
    assert result.is_overdue_or_late is False


def test_booked_with_a_due_date_beyond_the_window_is_still_booked():
    evidence = Evidence(next_booked_on=dt.date(2024, 6, 10))
    result = assess(ANNUAL, evidence, role_since=TODAY, today=TODAY)
    assert result == Assessment(Status.BOOKED, due_on=dt.date(2024, 8, 30), late=False)


def test_booked_with_no_due_date():
    evidence = Evidence(next_booked_on=dt.date(2024, 6, 10))
    result = assess(OPTIONAL, evidence, role_since=LONG_AGO, today=TODAY)
    assert result == Assessment(Status.BOOKED, due_on=None, late=False)


def test_booked_on_the_due_date_itself_is_not_late():
    evidence = Evidence(next_booked_on=TODAY)
    result = assess(ANNUAL, evidence, role_since=dt.date(2024, 3, 3), today=TODAY)
    assert result == Assessment(Status.BOOKED, due_on=TODAY, late=False)


def test_booked_but_already_overdue_is_late():
    evidence = Evidence(next_booked_on=dt.date(2024, 6, 10))
    result = assess(ANNUAL, evidence, role_since=dt.date(2024, 1, 1), today=TODAY)
    assert result == Assessment(Status.BOOKED, due_on=dt.date(2024, 3, 31), late=True)
    assert result.expired is False
    assert result.is_overdue_or_late is True


def test_a_booking_for_today_counts():
    evidence = Evidence(next_booked_on=TODAY)
    result = assess(ANNUAL, evidence, role_since=dt.date(2024, 1, 1), today=TODAY)
    assert result.status is Status.BOOKED
    assert result.late is True


def test_a_booking_in_the_past_is_ignored_when_never_done():
    evidence = Evidence(next_booked_on=YESTERDAY)
    overdue = assess(ANNUAL, evidence, role_since=dt.date(2024, 1, 1), today=TODAY)
    due_soon = assess(ANNUAL, evidence, role_since=dt.date(2024, 5, 1), today=TODAY)
    no_deadline = assess(OPTIONAL, evidence, role_since=LONG_AGO, today=TODAY)
    assert overdue == Assessment(Status.OVERDUE, due_on=dt.date(2024, 3, 31))
    assert due_soon == Assessment(Status.DUE_SOON, due_on=dt.date(2024, 7, 30))
    assert no_deadline == Assessment(Status.NOT_STARTED)


def test_a_booking_in_the_past_is_ignored_when_expired():
    evidence = completed(dt.date(2023, 5, 31), booked=YESTERDAY)
    result = assess(ANNUAL, evidence, role_since=LONG_AGO, today=TODAY)
    assert result == Assessment(
        Status.OVERDUE, due_on=YESTERDAY, expires_on=YESTERDAY, expired=True
    )


def test_renewal_due_soon_and_booked():
    # expires 2 July 2024, inside the window, with a session booked before then
    evidence = completed(dt.date(2023, 7, 2), booked=dt.date(2024, 6, 20))
    result = assess(ANNUAL, evidence, role_since=LONG_AGO, today=TODAY)
    expires = dt.date(2024, 7, 2)
    assert result == Assessment(
        Status.BOOKED, due_on=expires, expires_on=expires, expired=False, late=False
    )
    assert result.is_overdue_or_late is False


def test_expired_and_booked_is_booked_expired_and_late():
    evidence = completed(dt.date(2023, 5, 31), booked=dt.date(2024, 6, 20))
    result = assess(ANNUAL, evidence, role_since=LONG_AGO, today=TODAY)
    assert result == Assessment(
        Status.BOOKED, due_on=YESTERDAY, expires_on=YESTERDAY, expired=True, late=True
    )
    assert result.is_overdue_or_late is True


def test_expiring_today_and_booked_today_is_late():
    evidence = completed(dt.date(2023, 6, 1), booked=TODAY)
    result = assess(ANNUAL, evidence, role_since=LONG_AGO, today=TODAY)
    assert result == Assessment(
        Status.BOOKED, due_on=TODAY, expires_on=TODAY, expired=True, late=True
    )


def test_valid_completion_outside_the_window_stays_complete_when_booked():
    evidence = completed(dt.date(2023, 8, 1), booked=dt.date(2024, 6, 20))
    result = assess(ANNUAL, evidence, role_since=LONG_AGO, today=TODAY)
    expires = dt.date(2024, 8, 1)
    assert result == Assessment(Status.COMPLETE, due_on=expires, expires_on=expires)


# --- is_overdue_or_late ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("assessment", "expected"),
    [
        (Assessment(Status.OVERDUE), True),
        (Assessment(Status.BOOKED, late=True), True),
        (Assessment(Status.BOOKED, late=False), False),
        (Assessment(Status.DUE_SOON), False),
        (Assessment(Status.NOT_STARTED), False),
        (Assessment(Status.COMPLETE), False),
    ],
    ids=["overdue", "booked-late", "booked-on-time", "due-soon", "not-started", "complete"],
)
def test_is_overdue_or_late(assessment, expected):
    assert assessment.is_overdue_or_late is expected


# --- Status presentation and severity --------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "label", "tag_class"),
    [
        (Status.COMPLETE, "Complete", "govuk-tag--green"),
        (Status.BOOKED, "Booked", "govuk-tag--blue"),
        (Status.DUE_SOON, "Due soon", "govuk-tag--yellow"),
        (Status.OVERDUE, "Overdue", "govuk-tag--red"),
        (Status.NOT_STARTED, "Not started", "govuk-tag--grey"),
    ],
)
def test_status_label_and_tag_class(status, label, tag_class):
    assert status.label == label
    assert status.tag_class == tag_class


def test_every_status_has_a_label_and_a_distinct_tag_class():
    assert all(isinstance(s.label, str) and s.label for s in Status)
    tags = [s.tag_class for s in Status]
    assert all(t.startswith("govuk-tag--") for t in tags)
    assert len(set(tags)) == len(Status)


def test_severity_lists_each_status_once_worst_first():
    assert len(SEVERITY) == len(set(SEVERITY)) == len(Status)
    assert set(SEVERITY) == set(Status)
    assert SEVERITY[0] is Status.OVERDUE
    assert SEVERITY[-1] is Status.COMPLETE


def test_month_arithmetic_matches_dateutil_everywhere():
    """add_months is a fast stand-in for relativedelta(months=n): same answers, month ends too."""
    import random

    from dateutil.relativedelta import relativedelta

    from wfld.catalogue.rules import add_months

    chance = random.Random(7)
    for _ in range(5000):
        day = dt.date(1995, 1, 1) + dt.timedelta(days=chance.randint(0, 15000))
        months = chance.randint(0, 150)
        assert add_months(day, months) == day + relativedelta(months=months), (day, months)


# --- applies-from dates and grace for people already in post ------------------------------
# A yearly requirement due within 30 days of starting, added to the pathway today with 90
# days' grace for people already in the role.
ADDED_TODAY = Terms(due_within_days=30, renewal_months=12, applies_from=TODAY, grace_days=90)


def test_added_today_people_in_post_for_years_are_not_overdue():
    result = assess(ADDED_TODAY, Evidence(), role_since=dt.date(2012, 4, 1), today=TODAY)
    assert result == Assessment(Status.NOT_STARTED, due_on=dt.date(2024, 8, 30))


def test_added_today_in_post_people_are_due_soon_near_the_end_of_the_grace():
    later = dt.date(2024, 7, 15)
    result = assess(ADDED_TODAY, Evidence(), role_since=dt.date(2012, 4, 1), today=later)
    assert result == Assessment(Status.DUE_SOON, due_on=dt.date(2024, 8, 30))


def test_added_today_in_post_people_are_overdue_the_day_after_the_grace():
    result = assess(
        ADDED_TODAY, Evidence(), role_since=dt.date(2012, 4, 1), today=dt.date(2024, 8, 31)
    )
    assert result == Assessment(Status.OVERDUE, due_on=dt.date(2024, 8, 30))


def test_new_starter_after_applies_from_keeps_the_days_from_starting_the_role():
    result = assess(
        ADDED_TODAY, Evidence(), role_since=dt.date(2024, 6, 10), today=dt.date(2024, 7, 15)
    )
    assert result == Assessment(Status.OVERDUE, due_on=dt.date(2024, 7, 10))


def test_starting_on_the_applies_from_day_counts_as_a_new_starter():
    result = assess(ADDED_TODAY, Evidence(), role_since=TODAY, today=TODAY)
    assert result == Assessment(Status.DUE_SOON, due_on=dt.date(2024, 7, 1))


def test_someone_who_started_just_before_gets_no_less_time_than_a_new_starter():
    long_first_deadline = Terms(
        due_within_days=180, renewal_months=None, applies_from=TODAY, grace_days=30
    )
    result = assess(long_first_deadline, Evidence(), role_since=YESTERDAY, today=TODAY)
    assert result.due_on == YESTERDAY + dt.timedelta(days=180)


def test_applies_from_in_the_future_is_not_yet_due():
    next_year = Terms(
        due_within_days=0, renewal_months=None, applies_from=dt.date(2025, 4, 1), grace_days=60
    )
    result = assess(next_year, Evidence(), role_since=LONG_AGO, today=TODAY)
    assert result == Assessment(Status.NOT_STARTED, due_on=dt.date(2025, 5, 31))
    assert not result.is_overdue_or_late


def test_a_lapsed_renewal_when_added_gets_the_grace_from_the_applies_from_date():
    # Done in 2021, expired in 2022, years before the requirement was added.
    result = assess(ADDED_TODAY, completed(dt.date(2021, 3, 1)), role_since=LONG_AGO, today=TODAY)
    assert result == Assessment(Status.NOT_STARTED, due_on=dt.date(2024, 8, 30))


# A renewal with no applies-from date (it has always applied) and 90 days' grace.
ALWAYS = Terms(due_within_days=30, renewal_months=12, grace_days=90)


def test_role_change_with_a_renewal_lapsed_under_the_old_role_gets_the_grace():
    # Expired on 1 March 2024, under the old role; took the new role on 1 May 2024.
    result = assess(
        ALWAYS, completed(dt.date(2023, 3, 1)), role_since=dt.date(2024, 5, 1), today=TODAY
    )
    assert result == Assessment(Status.DUE_SOON, due_on=dt.date(2024, 7, 30))
    assert not result.is_overdue_or_late


def test_role_change_grace_runs_out_like_a_first_deadline():
    result = assess(
        ALWAYS,
        completed(dt.date(2023, 3, 1)),
        role_since=dt.date(2024, 5, 1),
        today=dt.date(2024, 7, 31),
    )
    assert result == Assessment(Status.OVERDUE, due_on=dt.date(2024, 7, 30))


def test_role_change_grace_with_a_booking_is_booked_not_late():
    result = assess(
        ALWAYS,
        completed(dt.date(2023, 3, 1), booked=dt.date(2024, 7, 1)),
        role_since=dt.date(2024, 5, 1),
        today=TODAY,
    )
    assert result == Assessment(Status.BOOKED, due_on=dt.date(2024, 7, 30))


def test_a_renewal_expiring_after_the_role_change_expires_as_normal():
    # Took the new role on 1 May 2024 while still valid; it expired on 20 May 2024.
    result = assess(
        ALWAYS, completed(dt.date(2023, 5, 20)), role_since=dt.date(2024, 5, 1), today=TODAY
    )
    assert result == Assessment(
        Status.OVERDUE, due_on=dt.date(2024, 5, 20), expires_on=dt.date(2024, 5, 20), expired=True
    )


def test_a_renewal_expiring_on_the_first_day_in_the_new_role_gets_the_grace():
    result = assess(
        ALWAYS, completed(dt.date(2023, 5, 1)), role_since=dt.date(2024, 5, 1), today=TODAY
    )
    assert result == Assessment(Status.DUE_SOON, due_on=dt.date(2024, 7, 30))


def test_without_grace_days_a_lapsed_renewal_is_overdue_at_once_as_before():
    result = assess(
        Terms(due_within_days=30, renewal_months=12),
        completed(dt.date(2023, 3, 1)),
        role_since=dt.date(2024, 5, 1),
        today=TODAY,
    )
    assert result.status is Status.OVERDUE and result.expired
