"""The programme date, cadence and milestone rules, with the clock frozen by parameter: each
rule takes ``today`` (or works from dates alone), so no test reads the clock or the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.programmes.builders import asye_document
from wfld.programmes.rules import (
    CadenceBand,
    DueDate,
    Extension,
    FteChange,
    MilestoneAction,
    MilestoneRefused,
    MilestoneState,
    Pause,
    TemplateSpec,
    add_months,
    cadence_broken,
    cadence_gaps,
    end_date,
    fte_errors,
    is_complete,
    is_locked,
    next_state,
    parse_template,
    pause_errors,
    review_point_for,
    schedule,
    state_from,
)

D = dt.date


def one_point(months: int = 12, weeks: int = 0) -> TemplateSpec:
    """A template with one review point, so a test reads one due date."""
    return parse_template(
        {
            "length_months": 12,
            "review_points": [{"key": "end", "label": "End", "months": months, "weeks": weeks}],
        }
    )


def due(spec: TemplateSpec, **kwargs: object) -> dt.date:
    return end_date(schedule(spec, **kwargs))


def dates_by_key(spec: TemplateSpec, **kwargs: object) -> dict[str, dt.date]:
    return {d.key: d.due_on for d in schedule(spec, **kwargs)}


ASYE = parse_template(asye_document())


# --- month arithmetic ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # 31 January + 1 month: February's last day
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
        (D(2026, 8, 31), 1, D(2026, 9, 30)),  # a 30-day month
        (D(2026, 9, 30), 1, D(2026, 10, 30)),  # a 31-day month keeps the day
        (D(2026, 3, 31), 3, D(2026, 6, 30)),
        (D(2026, 10, 31), 12, D(2027, 10, 31)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),  # across the year end
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # a leap year's February
        (D(2028, 2, 29), 12, D(2029, 2, 28)),  # from 29 February to a year without one
        (D(2028, 2, 29), 48, D(2032, 2, 29)),  # ... and to the next leap year
    ],
)
def test_months_land_on_the_month_end_when_the_day_does_not_exist(
    start: dt.date, months: int, expected: dt.date
) -> None:
    assert add_months(start, months) == expected


def test_a_twelve_month_programme_started_on_29_february_ends_on_28_february() -> None:
    assert due(one_point(12), start=D(2028, 2, 29)) == D(2029, 2, 28)


def test_a_one_month_point_from_31_january_in_a_leap_year_is_29_february() -> None:
    assert due(one_point(1), start=D(2028, 1, 31)) == D(2028, 2, 29)


def test_the_reference_asye_dates_from_a_month_end_start() -> None:
    dates = dates_by_key(ASYE, start=D(2026, 8, 31))
    assert dates == {
        "agreement": D(2026, 9, 28),  # 4 weeks
        "3m": D(2026, 11, 30),
        "6m": D(2027, 2, 28),
        "9m": D(2027, 5, 31),
        "final": D(2027, 8, 31),
        "panel": D(2027, 9, 30),
    }


def test_weeks_are_added_after_the_months() -> None:
    assert due(one_point(1, 2), start=D(2026, 1, 31)) == D(2026, 3, 14)


# --- pauses --------------------------------------------------------------------------------


def test_a_pause_counts_both_its_first_and_last_day() -> None:
    assert Pause(D(2027, 1, 1), D(2027, 1, 10)).days == 10
    assert Pause(D(2027, 1, 1), D(2027, 1, 1)).days == 1


def test_a_pause_shifts_only_the_points_not_yet_reached_when_it_starts() -> None:
    pause = Pause(D(2027, 1, 1), D(2027, 1, 31))  # 31 days
    before = dates_by_key(ASYE, start=D(2026, 9, 1))
    after = dates_by_key(ASYE, start=D(2026, 9, 1), pauses=[pause])
    assert after["agreement"] == before["agreement"] == D(2026, 9, 29)
    assert after["3m"] == before["3m"] == D(2026, 12, 1)
    assert after["6m"] == before["6m"] + dt.timedelta(days=31) == D(2027, 4, 1)
    assert after["final"] == D(2027, 9, 1) + dt.timedelta(days=31)


def test_a_pause_starting_on_the_due_day_shifts_it() -> None:
    assert due(
        one_point(3), start=D(2026, 9, 1), pauses=[Pause(D(2026, 12, 1), D(2026, 12, 5))]
    ) == (D(2026, 12, 6))


def test_a_pause_after_a_date_leaves_it() -> None:
    assert due(
        one_point(3), start=D(2026, 9, 1), pauses=[Pause(D(2026, 12, 2), D(2026, 12, 9))]
    ) == (D(2026, 12, 1))


def test_two_pauses_add_up() -> None:
    pauses = [Pause(D(2026, 10, 1), D(2026, 10, 10)), Pause(D(2027, 3, 1), D(2027, 3, 20))]
    assert due(one_point(12), start=D(2026, 9, 1), pauses=pauses) == D(2027, 9, 1) + dt.timedelta(
        days=30
    )


def test_a_pause_brought_into_reach_by_an_earlier_one_shifts_the_date_too() -> None:
    # Due 1 December; the first pause moves it to 11 December, past the start of the second.
    first = Pause(D(2026, 10, 1), D(2026, 10, 10))
    second = Pause(D(2026, 12, 5), D(2026, 12, 6))
    assert due(one_point(3), start=D(2026, 9, 1), pauses=[first]) == D(2026, 12, 11)
    assert due(one_point(3), start=D(2026, 9, 1), pauses=[second, first]) == D(2026, 12, 13)
    # Without the first pause the second starts after the date and leaves it alone.
    assert due(one_point(3), start=D(2026, 9, 1), pauses=[second]) == D(2026, 12, 1)


def test_pause_errors() -> None:
    assert pause_errors(D(2027, 1, 10), D(2027, 1, 9)) == {
        "ends_on": "The pause must end on or after the day it starts"
    }
    assert pause_errors(D(2027, 1, 10), D(2027, 1, 10)) == {}
    assert pause_errors(D(2027, 1, 10), None) == {}


# --- part-time -----------------------------------------------------------------------------


def test_half_time_doubles_every_period() -> None:
    full = due(one_point(12), start=D(2026, 9, 1))
    half = due(one_point(12), start=D(2026, 9, 1), fte=Decimal("0.5"))
    assert (full - D(2026, 9, 1)).days == 365
    assert half == D(2026, 9, 1) + dt.timedelta(days=730)


def test_point_eight_fte_stretches_pro_rata_rounding_up_to_a_whole_day() -> None:
    # 365 days / 0.8 = 456.25: the work is done on day 457.
    assert due(one_point(12), start=D(2026, 9, 1), fte=Decimal("0.8")) == D(2026, 9, 1) + (
        dt.timedelta(days=457)
    )


def test_an_fte_change_midway_stretches_only_the_rest() -> None:
    start = D(2026, 9, 1)
    change = FteChange(D(2027, 3, 1), Decimal("0.5"))  # 181 days in, at full time
    dates = dates_by_key(ASYE, start=start, fte_changes=[change])
    plain = dates_by_key(ASYE, start=start)
    assert dates["3m"] == plain["3m"]  # reached before the change
    assert dates["6m"] == plain["6m"] == D(2027, 3, 1)
    # The 365 days of the final review: 181 done at full time, 184 left at half time = 368.
    assert dates["final"] == D(2027, 3, 1) + dt.timedelta(days=368)


def test_going_back_to_full_time_shortens_the_rest_again() -> None:
    start = D(2026, 9, 1)
    half = FteChange(D(2027, 3, 1), Decimal("0.5"))
    full = FteChange(D(2027, 5, 1), Decimal("1"))  # 61 days at half time = 30.5 days' work
    # 365 - 181 - 30.5 = 153.5 days left at full time: 154 days after 1 May.
    assert due(one_point(12), start=start, fte_changes=[full, half]) == D(2027, 5, 1) + (
        dt.timedelta(days=154)
    )


def test_an_fte_change_from_the_start_date_is_the_fte_worked_from_the_start() -> None:
    start = D(2026, 9, 1)
    assert due(
        one_point(12), start=start, fte_changes=[FteChange(start, Decimal("0.5"))]
    ) == start + dt.timedelta(days=730)


@pytest.mark.parametrize(
    ("fte", "errors"),
    [
        (Decimal("0"), {"fte": "FTE must be more than 0 and no more than 1"}),
        (Decimal("-0.5"), {"fte": "FTE must be more than 0 and no more than 1"}),
        (Decimal("1.5"), {"fte": "FTE must be more than 0 and no more than 1"}),
        (Decimal("1.01"), {"fte": "FTE must be more than 0 and no more than 1"}),
        (None, {"fte": "Enter the FTE, for example 1 or 0.6"}),
        (Decimal("0.01"), {}),
        (Decimal("1"), {}),
    ],
)
def test_fte_errors(fte: Decimal | None, errors: dict[str, str]) -> None:
    assert fte_errors(fte) == errors


def test_schedule_refuses_an_fte_out_of_range() -> None:
    with pytest.raises(ValueError, match="FTE"):
        schedule(one_point(), start=D(2026, 9, 1), fte=Decimal(0))
    with pytest.raises(ValueError, match="FTE"):
        schedule(
            one_point(), start=D(2026, 9, 1), fte_changes=[FteChange(D(2027, 1, 1), Decimal(2))]
        )


# --- extensions ----------------------------------------------------------------------------


def test_an_extension_moves_only_the_points_on_or_after_the_day_it_was_granted() -> None:
    start = D(2026, 9, 1)
    extension = Extension(D(2027, 3, 1), 60, "Sickness absence")
    plain = dates_by_key(ASYE, start=start)
    extended = dates_by_key(ASYE, start=start, extensions=[extension])
    assert extended["3m"] == plain["3m"]
    assert extended["6m"] == plain["6m"] + dt.timedelta(days=60)  # due on the day of the grant
    assert extended["final"] == plain["final"] + dt.timedelta(days=60)
    assert extended["panel"] == plain["panel"] + dt.timedelta(days=60)


def test_extensions_and_pauses_add_together() -> None:
    start = D(2026, 9, 1)
    got = due(
        one_point(12),
        start=start,
        pauses=[Pause(D(2027, 1, 1), D(2027, 1, 14))],
        extensions=[Extension(D(2027, 6, 1), 30)],
    )
    assert got == D(2027, 9, 1) + dt.timedelta(days=44)


def test_part_time_pause_and_extension_together() -> None:
    start = D(2026, 9, 1)
    got = due(
        one_point(12),
        start=start,
        fte=Decimal("0.5"),
        pauses=[Pause(D(2027, 1, 1), D(2027, 1, 10))],
        extensions=[Extension(D(2027, 1, 1), 5)],
    )
    assert got == start + dt.timedelta(days=730 + 10 + 5)


# --- supervision cadence -------------------------------------------------------------------

WEEKLY = parse_template(
    {
        "length_months": 12,
        "review_points": [{"key": "end", "label": "End", "months": 12}],
        "cadence": [{"from_week": 1, "to_week": 6, "every_weeks": 1}],
        "session_minutes": 90,
        "missed_threshold": 2,
    }
)
START = D(2026, 9, 7)  # a Monday: week n runs from START + 7(n-1) days for 7 days


def week_day(week: int, day: int = 0) -> dt.date:
    return START + dt.timedelta(weeks=week - 1, days=day)


def test_two_missed_weekly_supervisions_in_weeks_3_to_6() -> None:
    sessions = [(week_day(w, 2), 90) for w in (1, 2, 4, 5)]
    gaps = cadence_gaps(WEEKLY, start=START, sessions=sessions, today=week_day(8))
    assert len(gaps) == 1
    assert gaps[0].sentence == "2 supervisions missed in weeks 3–6"
    assert (gaps[0].missed, gaps[0].expected) == (2, 6)
    assert cadence_broken(WEEKLY, gaps) == gaps[0]


def test_one_missed_supervision_is_reported_but_not_broken() -> None:
    sessions = [(week_day(w), 120) for w in (1, 2, 3, 5, 6)]
    gaps = cadence_gaps(WEEKLY, start=START, sessions=sessions, today=week_day(8))
    assert [g.sentence for g in gaps] == ["1 supervision missed in week 4"]
    assert cadence_broken(WEEKLY, gaps) is None


def test_a_session_shorter_than_the_template_length_does_not_count() -> None:
    sessions = [(week_day(w), 90) for w in (1, 2, 3, 4, 5)] + [(week_day(6), 89)]
    gaps = cadence_gaps(WEEKLY, start=START, sessions=sessions, today=week_day(8))
    assert [g.sentence for g in gaps] == ["1 supervision missed in week 6"]


def test_weeks_inside_a_pause_expect_nothing() -> None:
    sessions = [(week_day(w), 90) for w in (1, 2, 5, 6)]
    pause = Pause(week_day(3), week_day(4, 6))  # the whole of weeks 3 and 4
    gaps = cadence_gaps(WEEKLY, start=START, sessions=sessions, today=week_day(8), pauses=[pause])
    assert gaps == ()
    # A pause covering only part of a week still expects that week's session.
    part = Pause(week_day(3, 1), week_day(4, 6))
    gaps = cadence_gaps(WEEKLY, start=START, sessions=sessions, today=week_day(8), pauses=[part])
    assert [g.sentence for g in gaps] == ["1 supervision missed in week 3"]


def test_slots_not_yet_ended_are_not_missed() -> None:
    # Today is the last day of week 3: week 3 has not ended, so only weeks 1 and 2 are judged.
    sessions = [(week_day(1), 90)]
    gaps = cadence_gaps(WEEKLY, start=START, sessions=sessions, today=week_day(3, 6))
    assert [(g.missed, g.expected) for g in gaps] == [(1, 2)]
    assert cadence_gaps(WEEKLY, start=START, sessions=[], today=START) == ()


def test_a_fortnightly_band_expects_one_session_a_fortnight() -> None:
    spec = TemplateSpec(
        length_months=12,
        frameworks=(),
        review_points=parse_template(asye_document()).review_points,
        cadence=(CadenceBand(7, 10, 2),),
    )
    sessions = [(week_day(8), 90)]  # weeks 7–8 met; weeks 9–10 not
    gaps = cadence_gaps(spec, start=START, sessions=sessions, today=week_day(12))
    assert [g.sentence for g in gaps] == ["1 supervision missed in weeks 9–10"]


# --- review points -------------------------------------------------------------------------


def test_review_point_for_a_day() -> None:
    dates = (
        DueDate("a", "A", D(2026, 10, 1)),
        DueDate("b", "B", D(2026, 12, 1)),
        DueDate("c", "C", D(2027, 3, 1)),
    )
    assert review_point_for(dates, D(2026, 9, 1)) == "a"
    assert review_point_for(dates, D(2026, 10, 1)) == "a"  # due on the day counts towards it
    assert review_point_for(dates, D(2026, 10, 2)) == "b"
    assert review_point_for(dates, D(2027, 3, 1)) == "c"
    assert review_point_for(dates, D(2027, 6, 1)) == "c"  # anything later: the last point


# --- milestone transitions -----------------------------------------------------------------

S = MilestoneState
A = MilestoneAction


@pytest.mark.parametrize(
    ("state", "action", "expected"),
    [
        (S.NOT_STARTED, A.START, S.IN_PROGRESS),
        (S.NOT_STARTED, A.SUBMIT, S.SUBMITTED),
        (S.IN_PROGRESS, A.SUBMIT, S.SUBMITTED),
        (S.SUBMITTED, A.RETURN, S.RETURNED),
        (S.RETURNED, A.SUBMIT, S.SUBMITTED),
        (S.SUBMITTED, A.SIGN_OFF, S.SIGNED_OFF),
        (S.SIGNED_OFF, A.REOPEN, S.IN_PROGRESS),
        (S.COUNTERSIGNED, A.REOPEN, S.IN_PROGRESS),
    ],
)
def test_next_state(
    state: MilestoneState, action: MilestoneAction, expected: MilestoneState
) -> None:
    assert next_state(state, action, countersign_needed=False) == expected


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (S.NOT_STARTED, A.SIGN_OFF),  # nothing submitted to sign
        (S.IN_PROGRESS, A.RETURN),
        (S.RETURNED, A.SIGN_OFF),
        (S.SIGNED_OFF, A.SUBMIT),  # locked until reopened
        (S.SIGNED_OFF, A.RETURN),
        (S.COUNTERSIGNED, A.SIGN_OFF),
        (S.NOT_STARTED, A.REOPEN),
        (S.SUBMITTED, A.COUNTERSIGN),
    ],
)
def test_refused_transitions(state: MilestoneState, action: MilestoneAction) -> None:
    with pytest.raises(MilestoneRefused):
        next_state(state, action, countersign_needed=True)


def test_the_refusal_says_what_state_the_milestone_is_in() -> None:
    with pytest.raises(
        MilestoneRefused, match="A milestone that is signed off cannot be submitted"
    ):
        next_state(S.SIGNED_OFF, A.SUBMIT, countersign_needed=False)


def test_countersign_only_where_the_template_asks() -> None:
    assert next_state(S.SIGNED_OFF, A.COUNTERSIGN, countersign_needed=True) == S.COUNTERSIGNED
    with pytest.raises(MilestoneRefused, match="needs no countersignature"):
        next_state(S.SIGNED_OFF, A.COUNTERSIGN, countersign_needed=False)
    assert is_complete(S.SIGNED_OFF, countersign_needed=False)
    assert not is_complete(S.SIGNED_OFF, countersign_needed=True)
    assert is_complete(S.COUNTERSIGNED, countersign_needed=True)


def test_state_from_replays_the_log() -> None:
    log = [A.SUBMIT, A.RETURN, A.SUBMIT, A.SIGN_OFF, A.COUNTERSIGN, A.REOPEN, A.SUBMIT]
    assert state_from([], countersign_needed=True) == S.NOT_STARTED
    assert state_from(log[:2], countersign_needed=True) == S.RETURNED
    assert state_from(log[:4], countersign_needed=True) == S.SIGNED_OFF
    assert state_from(log[:5], countersign_needed=True) == S.COUNTERSIGNED
    assert state_from(log, countersign_needed=True) == S.SUBMITTED
    with pytest.raises(MilestoneRefused):
        state_from(log[:5], countersign_needed=False)


def test_signed_off_and_countersigned_are_locked() -> None:
    assert {s for s in S if is_locked(s)} == {S.SIGNED_OFF, S.COUNTERSIGNED}


def test_the_reference_asye_countersigns_only_the_final_review() -> None:
    assert [p.key for p in ASYE.review_points if p.countersign] == ["final"]
