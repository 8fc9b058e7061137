"""The regulator readiness rules: pure functions of CPD entries, tested with explicit dates.

No database, no Flask, no clock: ``now``/``today`` are always arguments. Unless a test says
otherwise, TODAY is 1 June 2026: in Social Work England's 2026 registration year (1 December 2025
to 30 November 2026), 182 days before renewal closes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta

from tests.cpd.terms import HCPC_TERMS as HCPC
from tests.cpd.terms import NMC_TERMS as NMC
from tests.cpd.terms import SWE_TERMS as SWE
from tests.cpd.terms import TERMS
from wfld.core.clock import LONDON
from wfld.cpd import rules
from wfld.cpd.rules import (
    PARTICIPATORY,
    ActivityType,
    Check,
    EntryFacts,
    Readiness,
    RegistrationYear,
    Status,
    counts_for_swe_year,
    format_date,
    format_hours,
    has_peer_reflection,
    registration_year,
    registration_year_at,
    registration_year_for,
)
from wfld.organisation.models import Regulator


# The rules take the terms in force as a parameter; these tests use the seeded terms unless
# a test says otherwise.
def swe_readiness(entries, **kwargs):  # noqa: ANN001, ANN003, ANN201
    kwargs.setdefault("terms", SWE)
    return rules.swe_readiness(entries, **kwargs)


def swe_headline(pieces, peer_pieces, **kwargs):  # noqa: ANN001, ANN003, ANN201
    kwargs.setdefault("terms", SWE)
    return rules.swe_headline(pieces, peer_pieces, **kwargs)


def hcpc_readiness(entries, **kwargs):  # noqa: ANN001, ANN003, ANN201
    kwargs.setdefault("terms", HCPC)
    return rules.hcpc_readiness(entries, **kwargs)


def nmc_readiness(entries, **kwargs):  # noqa: ANN001, ANN003, ANN201
    kwargs.setdefault("terms", NMC)
    return rules.nmc_readiness(entries, **kwargs)


def readiness_for(regulator, entries, **kwargs):  # noqa: ANN001, ANN003, ANN201
    kwargs.setdefault("terms", TERMS)
    return rules.readiness_for(regulator, entries, **kwargs)


UTC = dt.UTC
TODAY = dt.date(2026, 6, 1)
NOW = dt.datetime(2026, 6, 1, 11, 0, tzinfo=UTC)  # noon in London (BST)
YEAR_2026 = registration_year(2026)
MIX = "A mix of activities (the council reads this as 2 or more types; HCPC sets no number)"


def entry(
    id: int = 1,
    on: dt.date = dt.date(2026, 3, 4),
    *,
    ended_on: dt.date | None = None,
    is_complete: bool = True,
    activity_type: ActivityType | None = ActivityType.COURSE,
    hours: Decimal | None = Decimal("1"),
    title: str = "Trauma-informed practice",
    description: str | None = None,
    learning: str = "How to pace a first visit",
    impact: str = "Shorter first visits; families say they feel less rushed",
    peer_reflection: str | None = None,
    submitted_for_year: int | None = None,
    names_nmc_code: bool = False,
) -> EntryFacts:
    """A complete entry with every field filled in, dated ``on``. Entries with different ids
    have different descriptions, so they are different pieces of CPD."""
    if description is None:
        description = f"Half-day course {id}; we see a lot of trauma in referrals"
    return EntryFacts(
        id=id,
        is_complete=is_complete,
        started_on=on,
        ended_on=ended_on,
        activity_type=activity_type,
        hours=hours,
        title=title,
        description=description,
        learning=learning,
        impact=impact,
        peer_reflection=peer_reflection,
        submitted_for_year=submitted_for_year,
        names_nmc_code=names_nmc_code,
    )


def peer(id: int, on: dt.date = dt.date(2026, 3, 4), **kwargs) -> EntryFacts:
    return entry(id, on, peer_reflection="My supervisor and I talked it through", **kwargs)


def london(*args: int) -> dt.datetime:
    """A London wall-clock time, as the aware UTC instant the app would pass in."""
    return dt.datetime(*args, tzinfo=LONDON).astimezone(UTC)


# --- activity types --------------------------------------------------------------------------


def test_activity_type_values_and_labels():
    assert {t.value: t.label for t in ActivityType} == {
        "course": "Course or training",
        "e_learning": "E-learning",
        "reading": "Reading or research",
        "podcast": "Podcast or webinar",
        "supervision": "Supervision",
        "peer_discussion": "Peer discussion or reflective group",
        "shadowing": "Shadowing or observation",
        "mentoring": "Mentoring or coaching",
        "conference": "Conference",
        "project": "Project work",
        "practice_review": "Practice review",
        "qualification": "Qualification study",
        "other": "Other",
    }


def test_participatory_activity_is_learning_with_others():
    participatory = {t for t in ActivityType if t.participatory}
    assert (
        participatory
        == PARTICIPATORY
        == {
            ActivityType.COURSE,
            ActivityType.SUPERVISION,
            ActivityType.PEER_DISCUSSION,
            ActivityType.SHADOWING,
            ActivityType.MENTORING,
            ActivityType.CONFERENCE,
            ActivityType.PROJECT,
            ActivityType.PRACTICE_REVIEW,
        }
    )
    assert {t for t in ActivityType if not t.participatory} == {
        ActivityType.E_LEARNING,
        ActivityType.READING,
        ActivityType.PODCAST,
        ActivityType.QUALIFICATION,
        ActivityType.OTHER,
    }


def test_seeded_regulator_terms():
    assert (SWE.pieces, SWE.peer_pieces, SWE.year_starts, SWE.window_opens) == (
        2,
        1,
        (12, 1),
        (9, 1),
    )
    assert SWE.no_cpd_if_joined_from == (9, 1)
    assert (HCPC.profile_years, HCPC.gap_months, HCPC.min_activity_types) == (2, 3, 2)
    assert (
        NMC.cycle_years,
        NMC.hours,
        NMC.participatory_hours,
        NMC.reflective_accounts,
        NMC.feedback_pieces,
        NMC.practice_hours,
        NMC.dual_practice_hours,
        NMC.window_days,
    ) == (3, 35, 20, 5, 5, 450, 900, 60)
    assert {p.code for p in HCPC.professions} >= {
        "occupational_therapist",
        "practitioner_psychologist",
    }
    assert all(p.to_confirm for p in HCPC.professions)
    with pytest.raises(dataclasses.FrozenInstanceError):
        SWE.pieces = 3  # type: ignore[misc]


# --- entries ---------------------------------------------------------------------------------


def test_an_entry_is_dated_when_it_was_completed():
    assert entry(on=dt.date(2026, 3, 4)).dated == dt.date(2026, 3, 4)
    ranged = entry(on=dt.date(2026, 3, 4), ended_on=dt.date(2026, 5, 20))
    assert ranged.dated == dt.date(2026, 5, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [(None, False), ("", False), ("   ", False), (" \n\t ", False), ("We discussed it", True)],
    ids=["none", "empty", "spaces", "whitespace", "written"],
)
def test_a_peer_reflection_must_have_something_written(text, expected):
    assert has_peer_reflection(entry(peer_reflection=text)) is expected


# --- dates in words --------------------------------------------------------------------------


def test_dates_are_written_the_gov_uk_way():
    assert format_date(dt.date(2027, 3, 4)) == "4 March 2027"
    assert format_date(dt.date(2026, 11, 30)) == "30 November 2026"
    assert [format_date(dt.date(2026, m, 1)).split()[1] for m in range(1, 13)] == [
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
    ]


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (Decimal("7.5"), "7.5"),
        (Decimal("7.50"), "7.5"),
        (Decimal("22.0"), "22"),
        (Decimal("20"), "20"),
        (Decimal("2E+1"), "20"),
        (Decimal("0"), "0"),
        (Decimal("0.25"), "0.25"),
        (Decimal("100"), "100"),
    ],
)
def test_hours_are_written_without_trailing_zeros(hours, text):
    assert format_hours(hours) == text


# --- Social Work England registration years --------------------------------------------------


@pytest.mark.parametrize(
    ("day", "number"),
    [
        (dt.date(2025, 11, 30), 2025),
        (dt.date(2025, 12, 1), 2026),
        (dt.date(2026, 1, 1), 2026),
        (dt.date(2026, 6, 1), 2026),
        (dt.date(2026, 11, 30), 2026),
        (dt.date(2026, 12, 1), 2027),
        (dt.date(2026, 12, 31), 2027),
        (dt.date(2024, 2, 29), 2024),
    ],
)
def test_registration_year_for_a_day(day, number):
    year = registration_year_for(day)
    assert year.number == number
    assert year.starts_on <= day <= year.ends_on


def test_registration_year_2026():
    year = registration_year_for(dt.date(2026, 6, 1))
    assert year == YEAR_2026
    assert year == RegistrationYear(
        number=2026,
        starts_on=dt.date(2025, 12, 1),
        ends_on=dt.date(2026, 11, 30),
        window_opens_on=dt.date(2026, 9, 1),
        closes_at=dt.datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=LONDON),
    )
    assert year.label == "1 December 2025 to 30 November 2026"


def test_a_leap_year_registration_year():
    year = registration_year_for(dt.date(2024, 2, 29))
    assert (year.starts_on, year.ends_on) == (dt.date(2023, 12, 1), dt.date(2024, 11, 30))
    assert year.label == "1 December 2023 to 30 November 2024"


def test_renewal_closes_at_2359_on_30_november_uk_time():
    closes_at = YEAR_2026.closes_at
    assert closes_at.utcoffset() == dt.timedelta(0)  # GMT by late November
    assert london(2026, 11, 30, 23, 59, 59) <= closes_at
    assert closes_at < london(2026, 12, 1, 0, 0)


@pytest.mark.parametrize(
    ("now", "number"),
    [
        (london(2026, 11, 30, 23, 30), 2026),
        (london(2026, 11, 30, 23, 59, 59), 2026),
        (london(2026, 12, 1, 0, 0), 2027),
        (london(2026, 12, 1, 0, 10), 2027),
        # 08:30 on 1 December in Tokyo is still 23:30 on 30 November in London
        (dt.datetime(2026, 12, 1, 8, 30, tzinfo=ZoneInfo("Asia/Tokyo")), 2026),
        (dt.datetime(2026, 11, 30, 23, 30, tzinfo=UTC), 2026),
        (dt.datetime(2026, 12, 1, 0, 10, tzinfo=UTC), 2027),
    ],
)
def test_the_year_changes_at_midnight_in_london(now, number):
    assert registration_year_at(now).number == number


def test_registration_year_at_needs_an_aware_time():
    with pytest.raises(ValueError, match="aware"):
        registration_year_at(dt.datetime(2026, 6, 1, 12, 0))


# --- what counts for a Social Work England year ----------------------------------------------


def test_the_year_boundary_at_midnight_on_30_november():
    """Done when: a piece dated 30 November counts at 23:30 that night but not for the new
    year ten minutes after midnight; one dated 1 December counts only for the new year."""
    last_day = entry(1, dt.date(2026, 11, 30))
    first_day = entry(2, dt.date(2026, 12, 1))
    before = swe_readiness(
        [last_day, first_day], now=london(2026, 11, 30, 23, 30), registered_on=None
    )
    after = swe_readiness([last_day, first_day], now=london(2026, 12, 1, 0, 10), registered_on=None)

    assert before.period_label == "1 December 2025 to 30 November 2026"
    assert before.counted_ids == {1}
    assert before.days_left == 0
    assert before.headline == (
        "1 piece (2 needed), peer reflection missing — renewal closes today at 23:59"
    )
    assert after.period_label == "1 December 2026 to 30 November 2027"
    assert after.counted_ids == {2}
    assert after.deadline == dt.date(2027, 11, 30)
    assert after.days_left == 364


def test_the_boundary_in_utc_is_the_same_instant_because_november_is_gmt():
    entries = [entry(1, dt.date(2026, 11, 30)), entry(2, dt.date(2026, 12, 1))]
    at_2330 = dt.datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    at_0010 = dt.datetime(2026, 12, 1, 0, 10, tzinfo=UTC)
    assert swe_readiness(entries, now=at_2330, registered_on=None).counted_ids == {1}
    assert swe_readiness(entries, now=at_0010, registered_on=None).counted_ids == {2}


def test_days_left_uses_the_date_in_london_during_british_summer_time():
    # 23:30 UTC on 1 June is 00:30 on 2 June in London: 181 days left, not 182.
    late = swe_readiness([], now=dt.datetime(2026, 6, 1, 23, 30, tzinfo=UTC), registered_on=None)
    early = swe_readiness([], now=dt.datetime(2026, 6, 1, 22, 59, tzinfo=UTC), registered_on=None)
    assert late.days_left == 181
    assert early.days_left == 182


@pytest.mark.parametrize(
    ("day", "counts"),
    [
        (dt.date(2025, 11, 30), False),
        (dt.date(2025, 12, 1), True),
        (dt.date(2026, 11, 30), True),
        (dt.date(2026, 12, 1), False),
    ],
)
def test_a_piece_counts_if_dated_in_the_year(day, counts):
    assert counts_for_swe_year(entry(on=day), YEAR_2026, registered_on=None) is counts


def test_a_range_is_dated_by_its_end():
    across_start = entry(on=dt.date(2025, 11, 20), ended_on=dt.date(2025, 12, 5))
    across_end = entry(on=dt.date(2026, 11, 20), ended_on=dt.date(2026, 12, 5))
    assert counts_for_swe_year(across_start, YEAR_2026, registered_on=None)
    assert not counts_for_swe_year(across_end, YEAR_2026, registered_on=None)


def test_a_registration_that_started_mid_year():
    """Done when: CPD before the registration date does not count; from it, it does."""
    registered_on = dt.date(2026, 3, 1)
    before = entry(1, dt.date(2026, 2, 28))
    on_the_day = peer(2, dt.date(2026, 3, 1))
    after = entry(3, dt.date(2026, 4, 10))
    assert not counts_for_swe_year(before, YEAR_2026, registered_on=registered_on)
    assert counts_for_swe_year(on_the_day, YEAR_2026, registered_on=registered_on)
    assert counts_for_swe_year(after, YEAR_2026, registered_on=registered_on)

    result = swe_readiness([before, on_the_day, after], now=NOW, registered_on=registered_on)
    assert result.counted_ids == {2, 3}
    assert result.ready
    assert result.problems == ()  # CPD from before registration is not a problem to fix


def test_a_range_recorded_for_the_year_counts_from_the_registration_date():
    registered_on = dt.date(2026, 3, 1)
    spans_registration = entry(
        on=dt.date(2026, 2, 20), ended_on=dt.date(2026, 3, 5), submitted_for_year=2026
    )
    ends_before = entry(
        on=dt.date(2026, 2, 20), ended_on=dt.date(2026, 2, 27), submitted_for_year=2026
    )
    assert counts_for_swe_year(spans_registration, YEAR_2026, registered_on=registered_on)
    assert not counts_for_swe_year(ends_before, YEAR_2026, registered_on=registered_on)


def test_a_registration_before_the_year_changes_nothing():
    first_day = entry(on=dt.date(2025, 12, 1))
    assert counts_for_swe_year(first_day, YEAR_2026, registered_on=dt.date(2019, 5, 1))


def test_a_registration_after_the_year_means_nothing_counts_for_it():
    in_year = entry(
        on=dt.date(2026, 11, 1), ended_on=dt.date(2026, 12, 20), submitted_for_year=2026
    )
    assert not counts_for_swe_year(in_year, YEAR_2026, registered_on=dt.date(2026, 12, 10))


def test_a_registration_in_the_future_means_nothing_counts_yet():
    """Done when: registered from 1 July, nothing counts on 1 June, even CPD dated later."""
    entries = [
        entry(1, dt.date(2026, 3, 4)),
        peer(2, dt.date(2026, 7, 10)),
        entry(3, dt.date(2026, 8, 1)),
    ]
    result = swe_readiness(entries, now=NOW, registered_on=dt.date(2026, 7, 1))
    assert result.counted_ids == frozenset()
    assert not result.ready
    assert result.headline == "0 pieces (2 needed) — 182 days until renewal closes on 30 November"


def test_drafts_do_not_count():
    """Done when: entries in draft do not count, and are not listed as problems."""
    entries = [peer(1, is_complete=False), entry(2, is_complete=False, title="")]
    assert not counts_for_swe_year(entries[0], YEAR_2026, registered_on=None)
    result = swe_readiness(entries, now=NOW, registered_on=None)
    assert result.counted_ids == frozenset()
    assert result.problems == ()


@pytest.mark.parametrize("text", [None, "", "   ", "\n\t"], ids=["none", "empty", "spaces", "ws"])
def test_a_blank_peer_reflection_is_missing(text):
    """Done when: a peer reflection that is empty or only spaces does not count."""
    entries = [entry(1, peer_reflection=text), entry(2, peer_reflection=text)]
    result = swe_readiness(entries, now=NOW, registered_on=None)
    assert result.counted_ids == {1, 2}  # still pieces of CPD
    assert not result.ready
    assert result.checks[1] == Check(
        label="1 piece of CPD with a peer reflection", met=False, detail="missing"
    )
    assert result.headline == (
        "2 pieces (2 needed), peer reflection missing — "
        "182 days until renewal closes on 30 November"
    )


def test_the_peer_piece_is_one_of_the_two():
    result = swe_readiness([peer(1), entry(2)], now=NOW, registered_on=None)
    assert result.ready
    assert result.headline == "Ready for renewal: 2 pieces (2 needed), including a peer reflection"
    # one piece with a peer reflection is not two pieces
    assert not swe_readiness([peer(1)], now=NOW, registered_on=None).ready


def test_a_piece_used_for_a_previous_year_does_not_count_again():
    """Done when: a range recorded for 2025 that overlaps 2026 does not count for 2026."""
    used = entry(
        1,
        dt.date(2025, 11, 20),
        ended_on=dt.date(2025, 12, 5),
        submitted_for_year=2025,
        title="Court skills",
    )
    used_single_day = entry(2, dt.date(2026, 1, 10), submitted_for_year=2025, title="Podcast")
    assert not counts_for_swe_year(used, YEAR_2026, registered_on=None)
    assert not counts_for_swe_year(used_single_day, YEAR_2026, registered_on=None)
    assert counts_for_swe_year(used, registration_year(2025), registered_on=None)

    result = swe_readiness([used, used_single_day], now=NOW, registered_on=None)
    assert result.counted_ids == frozenset()
    assert result.problems == (
        "'Court skills' was used for your 2025 renewal",
        "'Podcast' was used for your 2025 renewal",
    )


def test_a_piece_recorded_for_this_year_counts_even_if_it_started_last_year():
    started_last_year = entry(
        1, dt.date(2025, 11, 25), ended_on=dt.date(2025, 11, 30), submitted_for_year=2026
    )
    crossing = entry(
        2, dt.date(2025, 11, 25), ended_on=dt.date(2025, 12, 2), submitted_for_year=2026
    )
    assert counts_for_swe_year(crossing, YEAR_2026, registered_on=None)
    # recorded for 2026 but over before the year began: it does not overlap, so it does not count
    assert not counts_for_swe_year(started_last_year, YEAR_2026, registered_on=None)
    assert counts_for_swe_year(entry(3, submitted_for_year=2026), YEAR_2026, registered_on=None)


def test_a_piece_recorded_for_next_year_does_not_count_for_this_one():
    ahead = entry(1, dt.date(2026, 11, 20), ended_on=dt.date(2026, 11, 30), submitted_for_year=2027)
    assert not counts_for_swe_year(ahead, YEAR_2026, registered_on=None)
    result = swe_readiness([ahead], now=NOW, registered_on=None)
    assert result.problems == ("'Trauma-informed practice' is recorded for your 2027 renewal",)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"activity_type": None}, "'Trauma-informed practice' has no type of CPD recorded"),
        ({"description": ""}, "'Trauma-informed practice' has no description recorded"),
        ({"learning": "  "}, "'Trauma-informed practice' has no learning recorded"),
        ({"impact": "\n"}, "'Trauma-informed practice' has no impact on practice recorded"),
        ({"title": " "}, "Your entry dated 4 March 2026 has no title recorded"),
        (
            {"learning": "", "impact": ""},
            "'Trauma-informed practice' has no learning or impact on practice recorded",
        ),
        (
            {"title": "", "activity_type": None, "impact": ""},
            "Your entry dated 4 March 2026 has no title, type of CPD or impact on practice"
            " recorded",
        ),
    ],
    ids=["type", "description", "learning", "impact", "title", "two", "three"],
)
def test_a_piece_missing_a_field_the_regulator_asks_for_does_not_count(change, problem):
    """Done when: missing regulator fields mean it does not count, and it is listed."""
    incomplete = dataclasses.replace(peer(1), **change)
    assert not counts_for_swe_year(incomplete, YEAR_2026, registered_on=None)
    result = swe_readiness([incomplete, entry(2)], now=NOW, registered_on=None)
    assert result.counted_ids == {2}
    assert result.problems == (problem,)


def test_problems_are_only_for_entries_in_the_year_and_in_date_order():
    entries = [
        entry(1, dt.date(2026, 5, 1), title="Later", impact=""),
        entry(2, dt.date(2025, 11, 1), title="Last year", impact=""),  # another year's business
        entry(3, dt.date(2026, 1, 1), title="Earlier", learning=""),
    ]
    result = swe_readiness(entries, now=NOW, registered_on=None)
    assert result.problems == (
        "'Earlier' has no learning recorded",
        "'Later' has no impact on practice recorded",
    )


def test_swe_readiness_in_full():
    entries = [
        peer(1, dt.date(2026, 1, 15)),
        entry(2, dt.date(2026, 4, 2)),
        entry(3, is_complete=False),
    ]
    result = swe_readiness(entries, now=NOW, registered_on=None)
    assert result == Readiness(
        regulator=Regulator.SWE,
        status=Status.READY,
        headline="Ready for renewal: 2 pieces (2 needed), including a peer reflection",
        checks=(
            Check(
                label="2 different pieces of CPD dated in this registration year",
                met=True,
                detail="2 pieces (2 needed)",
            ),
            Check(label="1 piece of CPD with a peer reflection", met=True, detail="present"),
        ),
        period_label="1 December 2025 to 30 November 2026",
        deadline=dt.date(2026, 11, 30),
        days_left=182,
        counted_ids=frozenset({1, 2}),
        problems=(),
    )


def test_swe_readiness_with_one_piece():
    result = swe_readiness([entry(1)], now=NOW, registered_on=None)
    assert not result.ready
    assert result.checks == (
        Check(
            label="2 different pieces of CPD dated in this registration year",
            met=False,
            detail="1 piece (2 needed)",
        ),
        Check(label="1 piece of CPD with a peer reflection", met=False, detail="missing"),
    )
    assert result.headline == (
        "1 piece (2 needed), peer reflection missing — 182 days until renewal closes on 30 November"
    )


def test_swe_readiness_accepts_any_iterable():
    result = swe_readiness((e for e in [peer(1), entry(2)]), now=NOW, registered_on=None)
    assert result.counted_ids == {1, 2}


def before_close(days: int) -> dt.date:
    return YEAR_2026.ends_on - dt.timedelta(days=days)


@pytest.mark.parametrize(
    ("pieces", "peer_pieces", "today", "headline"),
    [
        (
            2,
            1,
            before_close(250),
            "Ready for renewal: 2 pieces (2 needed), including a peer reflection",
        ),
        (
            3,
            2,
            before_close(0),
            "Ready for renewal: 3 pieces (2 needed), including a peer reflection",
        ),
        (
            0,
            0,
            before_close(250),
            "0 pieces (2 needed) — 250 days until renewal closes on 30 November",
        ),
        (
            1,
            0,
            before_close(7),
            "1 piece (2 needed), peer reflection missing — "
            "7 days until renewal closes on 30 November",
        ),
        (
            1,
            1,
            before_close(1),
            "1 piece (2 needed), including a peer reflection"
            " — 1 day until renewal closes on 30 November",
        ),
        (
            2,
            0,
            before_close(0),
            "2 pieces (2 needed), peer reflection missing — renewal closes today at 23:59",
        ),
        (
            3,
            0,
            before_close(2),
            "3 pieces (2 needed), peer reflection missing — "
            "2 days until renewal closes on 30 November",
        ),
        (
            1,
            0,
            before_close(-1),
            "1 piece (2 needed), peer reflection missing — renewal closed on 30 November 2026",
        ),
    ],
    ids=["ready", "ready-over", "none", "one-7-days", "one-peer-1-day", "today", "three", "closed"],
)
def test_swe_headline(pieces, peer_pieces, today, headline):
    result = swe_headline(pieces, peer_pieces, year=YEAR_2026, today=today)
    assert result == headline
    assert not result.endswith(".")


# --- HCPC ------------------------------------------------------------------------------------

TYPES = [ActivityType.COURSE, ActivityType.READING, ActivityType.SUPERVISION, ActivityType.PODCAST]


def every_two_months(
    start: dt.date, end: dt.date, *, skip: tuple[dt.date, ...] = ()
) -> list[EntryFacts]:
    """Complete entries every two months from ``start`` to ``end``, cycling through 4 types."""
    entries = []
    day, n = start, 0
    while day <= end:
        if day not in skip:
            entries.append(entry(n + 1, day, activity_type=TYPES[n % len(TYPES)]))
        n += 1
        day = start + relativedelta(months=2 * n)
    return entries


# 1 June 2024 is two years before TODAY (outside the profile); 1 August 2024 to 1 April 2026.
CONTINUOUS = every_two_months(dt.date(2024, 8, 1), dt.date(2026, 4, 1))


def test_hcpc_a_continuous_record_is_audit_ready():
    result = hcpc_readiness(CONTINUOUS, today=TODAY, registered_on=None)
    assert result == Readiness(
        regulator=Regulator.HCPC,
        status=Status.READY,
        headline="Audit-ready: a continuous record over the last 2 years with 4 types of activity",
        checks=(
            Check(label="CPD recorded over the last 2 years", met=True, detail="11 entries"),
            Check(label="No gaps of 3 months or more", met=True, detail="none"),
            Check(
                label=MIX,
                met=True,
                detail="4 types",
            ),
        ),
        period_label="2 June 2024 to 1 June 2026",
        deadline=None,
        days_left=None,
        counted_ids=frozenset(e.id for e in CONTINUOUS),
        problems=(),
    )


def test_hcpc_the_profile_covers_the_last_two_years():
    entries = [
        entry(1, dt.date(2024, 6, 1)),  # exactly two years ago: outside
        entry(2, dt.date(2024, 6, 2)),
        entry(3, TODAY),
        entry(4, TODAY + dt.timedelta(days=1)),  # not yet
    ]
    assert hcpc_readiness(entries, today=TODAY, registered_on=None).counted_ids == {2, 3}


@pytest.mark.parametrize(
    ("first", "gap"),
    [
        (dt.date(2024, 8, 31), None),  # 2 months 30 days after the start: not a gap
        (
            dt.date(2024, 9, 1),  # exactly 3 months: a gap
            "No CPD from 1 June 2024 to 1 September 2024 (3 months): be ready to explain this gap",
        ),
    ],
    ids=["2-months-30-days", "3-months"],
)
def test_hcpc_a_gap_at_the_start(first, gap):
    entries = [entry(100, first, activity_type=ActivityType.READING), *CONTINUOUS[1:]]
    result = hcpc_readiness(entries, today=TODAY, registered_on=None)
    assert result.problems == ((gap,) if gap else ())
    assert result.ready is (gap is None)


def test_hcpc_a_gap_in_the_middle():
    entries = [
        *every_two_months(dt.date(2024, 7, 4), dt.date(2025, 3, 4)),
        *[
            dataclasses.replace(e, id=e.id + 50)
            for e in every_two_months(dt.date(2025, 7, 20), TODAY)
        ],
    ]
    result = hcpc_readiness(entries, today=TODAY, registered_on=None)
    assert result.problems == (
        "No CPD from 4 March 2025 to 20 July 2025 (4 months): be ready to explain this gap",
    )
    assert not result.ready
    assert result.checks[1] == Check(label="No gaps of 3 months or more", met=False, detail="1 gap")
    assert result.headline == "Not audit-ready: 1 gap of 3 months or more"


def test_hcpc_exactly_three_months_between_entries_is_a_gap():
    def between(later: dt.date) -> tuple[str, ...]:
        entries = [
            *every_two_months(dt.date(2024, 7, 1), dt.date(2025, 3, 1)),
            *[dataclasses.replace(e, id=e.id + 50) for e in every_two_months(later, TODAY)],
        ]
        return hcpc_readiness(entries, today=TODAY, registered_on=None).problems

    assert between(dt.date(2025, 5, 31)) == ()
    assert between(dt.date(2025, 6, 1)) == (
        "No CPD from 1 March 2025 to 1 June 2025 (3 months): be ready to explain this gap",
    )


def test_hcpc_a_gap_at_the_end():
    entries = every_two_months(dt.date(2024, 7, 1), dt.date(2026, 3, 1))
    result = hcpc_readiness(entries, today=TODAY, registered_on=None)
    assert result.problems == (
        "No CPD from 1 March 2026 to 1 June 2026 (3 months): be ready to explain this gap",
    )
    # a day earlier it was 2 months and 31 days
    assert hcpc_readiness(entries, today=dt.date(2026, 5, 31), registered_on=None).problems == ()


def test_hcpc_several_gaps_and_no_mix():
    entries = [
        entry(1, dt.date(2024, 9, 1)),
        entry(2, dt.date(2025, 6, 15)),
        entry(3, dt.date(2026, 5, 1)),
    ]
    result = hcpc_readiness(entries, today=TODAY, registered_on=None)
    assert result.problems == (
        "No CPD from 1 June 2024 to 1 September 2024 (3 months): be ready to explain this gap",
        "No CPD from 1 September 2024 to 15 June 2025 (9 months): be ready to explain this gap",
        "No CPD from 15 June 2025 to 1 May 2026 (10 months): be ready to explain this gap",
    )
    assert result.headline == "Not audit-ready: 3 gaps of 3 months or more, only 1 type of activity"
    assert result.checks[2] == Check(
        label=MIX,
        met=False,
        detail="1 type",
    )


def test_hcpc_a_mix_means_two_or_more_types():
    one_type = [dataclasses.replace(e, activity_type=ActivityType.COURSE) for e in CONTINUOUS]
    result = hcpc_readiness(one_type, today=TODAY, registered_on=None)
    assert not result.ready
    assert result.problems == ()
    assert result.headline == "Not audit-ready: only 1 type of activity"

    two_types = [
        *one_type[:-1],
        dataclasses.replace(one_type[-1], activity_type=ActivityType.OTHER),
    ]
    assert hcpc_readiness(two_types, today=TODAY, registered_on=None).ready


def test_hcpc_entries_without_a_type_are_not_a_mix():
    untyped = [dataclasses.replace(e, activity_type=None) for e in CONTINUOUS]
    result = hcpc_readiness(untyped, today=TODAY, registered_on=None)
    assert result.counted_ids == {e.id for e in CONTINUOUS}
    assert result.headline == "Not audit-ready: no type of activity recorded"


def test_hcpc_with_nothing_recorded():
    result = hcpc_readiness([], today=TODAY, registered_on=None)
    assert not result.ready
    assert result.headline == "Not audit-ready: no CPD recorded over the last 2 years"
    assert result.checks[0] == Check(
        label="CPD recorded over the last 2 years", met=False, detail="none"
    )
    assert result.problems == (
        "No CPD from 1 June 2024 to 1 June 2026 (24 months): be ready to explain this gap",
    )


def test_hcpc_drafts_are_ignored():
    """A draft does not count, so it does not fill a gap either."""
    draft = entry(99, dt.date(2025, 5, 1), is_complete=False)
    entries = [
        *every_two_months(dt.date(2024, 7, 1), dt.date(2025, 3, 1)),
        draft,
        *[
            dataclasses.replace(e, id=e.id + 50)
            for e in every_two_months(dt.date(2025, 7, 1), TODAY)
        ],
    ]
    result = hcpc_readiness(entries, today=TODAY, registered_on=None)
    assert 99 not in result.counted_ids
    assert result.problems == (
        "No CPD from 1 March 2025 to 1 July 2025 (4 months): be ready to explain this gap",
    )


def test_hcpc_the_profile_starts_no_earlier_than_registration():
    registered_on = dt.date(2026, 3, 1)
    entries = [
        entry(1, dt.date(2026, 1, 15)),  # before registration
        entry(2, dt.date(2026, 3, 1), activity_type=ActivityType.SUPERVISION),
        entry(3, dt.date(2026, 5, 15), activity_type=ActivityType.READING),
    ]
    result = hcpc_readiness(entries, today=TODAY, registered_on=registered_on)
    assert result.counted_ids == {2, 3}
    assert result.ready
    assert result.period_label == "1 March 2026 to 1 June 2026"
    assert result.headline == (
        "Audit-ready: a continuous record since you registered on 1 March 2026 "
        "with 2 types of activity"
    )


def test_hcpc_a_gap_since_registration():
    registered_on = dt.date(2026, 3, 1)
    entries = [entry(1, dt.date(2026, 5, 31)), entry(2, TODAY, activity_type=ActivityType.READING)]
    assert hcpc_readiness(entries, today=TODAY, registered_on=registered_on).problems == ()
    late = [entry(1, TODAY), entry(2, TODAY, activity_type=ActivityType.READING)]
    assert hcpc_readiness(late, today=TODAY, registered_on=registered_on).problems == (
        "No CPD from 1 March 2026 to 1 June 2026 (3 months): be ready to explain this gap",
    )


def test_hcpc_registration_before_the_profile_changes_nothing():
    old = hcpc_readiness(CONTINUOUS, today=TODAY, registered_on=dt.date(2010, 1, 1))
    assert old == hcpc_readiness(CONTINUOUS, today=TODAY, registered_on=None)


# --- NMC -------------------------------------------------------------------------------------

DUE = dt.date(2027, 3, 4)  # the cycle is 5 March 2024 to 4 March 2027


def nmc_entries(
    hours: tuple[str, ...] = ("10", "10", "5", "5", "5"),
    types: tuple[ActivityType, ...] = (
        ActivityType.COURSE,
        ActivityType.SUPERVISION,
        ActivityType.READING,
        ActivityType.E_LEARNING,
        ActivityType.PODCAST,
    ),
) -> list[EntryFacts]:
    """Five written-up entries in the cycle, each tagged with a part of the NMC Code."""
    return [
        entry(
            i + 1,
            dt.date(2025, 1, 1) + dt.timedelta(days=30 * i),
            hours=Decimal(h),
            activity_type=t,
            names_nmc_code=True,
        )
        for i, (h, t) in enumerate(zip(hours, types, strict=True))
    ]


DISCUSSED = dt.date(2026, 5, 12)
APPLY_BY = dt.date(2027, 3, 1)  # the 1st of the month of the revalidation date


def nmc(entries, **kwargs):  # noqa: ANN001, ANN003, ANN201
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("revalidation_due_on", DUE)
    kwargs.setdefault("discussion_on", DISCUSSED)
    return nmc_readiness(entries, **kwargs)


def test_nmc_eight_requirements_what_the_tracker_records_and_what_to_confirm():
    result = nmc(nmc_entries())
    assert len(result.checks) == 8
    assert [(c.label, c.met, c.detail) for c in result.tracked_checks] == [
        (
            "35 hours of CPD, 20 of them participatory",
            True,
            "35 hours (35 needed), 20 participatory (20 needed)",
        ),
        (
            "5 written reflective accounts, each naming the part of the Code it relates to",
            True,
            "5 accounts (5 needed) (complete entries tagged with an NMC Code theme)",
        ),
        ("A reflective discussion with another NMC registrant", True, "on 12 May 2026"),
    ]
    assert [(c.label, c.detail) for c in result.untracked_checks] == [
        ("450 practice hours", "confirm in MyNMC"),
        ("5 pieces of practice-related feedback", "confirm in MyNMC"),
        ("Health and character declaration", "confirm in MyNMC"),
        ("Professional indemnity arrangement", "confirm in MyNMC"),
        ("Confirmation by an appropriate person", "confirm in MyNMC"),
    ]
    assert result.confirm_where == "NMC Online/MyNMC"


def test_nmc_is_never_ready_while_something_is_to_confirm_elsewhere():
    result = nmc(nmc_entries())
    assert not result.ready
    assert result.status is Status.TO_CONFIRM
    assert result.headline == (
        "CPD ready for revalidation — 5 things to confirm in MyNMC — apply by 1 March 2027 "
        "(you can apply from 31 December 2026)"
    )
    assert "Ready" not in result.headline.split(" ")[0]


def test_nmc_the_application_is_due_by_the_first_of_the_revalidation_month():
    result = nmc(nmc_entries())
    assert result.deadline == APPLY_BY
    assert result.days_left == (APPLY_BY - TODAY).days == 273
    assert result.note == (
        "Your revalidation date is 4 March 2027: the NMC needs your application by 1 March 2027."
    )
    on_the_first = nmc([], revalidation_due_on=dt.date(2027, 3, 1))
    assert on_the_first.deadline == dt.date(2027, 3, 1)


def test_nmc_the_window_opens_60_days_before_the_application_date():
    inside = nmc(nmc_entries(), today=dt.date(2026, 12, 31))
    assert inside.headline.endswith("apply by 1 March 2027")
    before = nmc(nmc_entries(), today=dt.date(2026, 12, 30))
    assert before.headline.endswith("(you can apply from 31 December 2026)")


def test_nmc_dual_registrants_need_900_practice_hours():
    single = nmc(nmc_entries())
    dual = nmc(nmc_entries(), dual_registrant=True)
    assert single.untracked_checks[0].label == "450 practice hours"
    assert dual.untracked_checks[0].label == "900 practice hours (dual registrant)"


def test_nmc_a_reflective_account_must_name_the_part_of_the_code():
    entries = nmc_entries()
    entries[4] = dataclasses.replace(entries[4], names_nmc_code=False)
    result = nmc(entries)
    assert result.status is Status.NOT_READY
    assert result.tracked_checks[1].met is False
    assert result.tracked_checks[1].detail.startswith("4 accounts (5 needed)")


def test_nmc_the_reflective_discussion_must_be_in_the_period():
    missing = nmc(nmc_entries(), discussion_on=None)
    old = nmc(nmc_entries(), discussion_on=dt.date(2024, 3, 4))  # the last cycle
    future = nmc(nmc_entries(), discussion_on=TODAY + dt.timedelta(days=1))
    for result in (missing, old, future):
        assert result.tracked_checks[2].met is False
        assert result.tracked_checks[2].detail == "not recorded in this revalidation period"
        assert "reflective discussion not recorded" in result.headline


def test_nmc_34_and_a_half_hours_is_not_enough():
    result = nmc(nmc_entries(hours=("10", "10", "5", "5", "4.5")))
    assert result.status is Status.NOT_READY
    assert result.checks[0].met is False
    assert result.checks[0].detail == "34.5 hours (35 needed), 20 participatory (20 needed)"
    assert result.headline == (
        "34.5 hours (35 needed) (20 participatory, 20 needed) — apply by 1 March 2027 "
        "(you can apply from 31 December 2026)"
    )


def test_nmc_participatory_hours_come_from_learning_with_others():
    # 36 hours, but only 19.5 of them with others
    result = nmc(nmc_entries(hours=("10", "9.5", "6.5", "5", "5")))
    assert result.status is Status.NOT_READY
    assert result.checks[0].detail == "36 hours (35 needed), 19.5 participatory (20 needed)"


def test_nmc_unknown_hours_count_as_none():
    entries = nmc_entries()
    entries.append(entry(6, dt.date(2025, 9, 1), hours=None, activity_type=ActivityType.COURSE))
    entries[1] = dataclasses.replace(entries[1], hours=None)  # 10 participatory hours lost
    result = nmc(entries)
    assert result.counted_ids == {1, 2, 3, 4, 5, 6}
    assert result.checks[0].detail == "25 hours (35 needed), 10 participatory (20 needed)"


@pytest.mark.parametrize(
    ("day", "counts"),
    [
        (dt.date(2024, 3, 4), False),  # three years before the due date: the last cycle
        (dt.date(2024, 3, 5), True),
        (TODAY, True),
        (TODAY + dt.timedelta(days=1), False),  # not done yet
    ],
)
def test_nmc_the_cycle_window(day, counts):
    result = nmc([entry(1, day)])
    assert (1 in result.counted_ids) is counts


def test_nmc_the_due_date_itself_is_in_the_cycle():
    result = nmc([entry(1, DUE)], today=DUE)
    assert result.counted_ids == {1}
    assert result.headline.endswith(" — application was due by 1 March 2027")


def test_nmc_accounts_need_learning_and_impact_written_up():
    entries = nmc_entries()
    entries[2] = dataclasses.replace(entries[2], learning=" ")
    entries[3] = dataclasses.replace(entries[3], impact="")
    result = nmc(entries, discussion_on=None)
    assert result.counted_ids == {1, 2, 3, 4, 5}  # hours still count
    assert result.headline == (
        "35 hours (35 needed) (20 participatory, 20 needed), 3 reflective accounts (5 needed), "
        "reflective discussion not recorded — apply by 1 March 2027 "
        "(you can apply from 31 December 2026)"
    )


def test_nmc_drafts_are_ignored():
    entries = [dataclasses.replace(e, is_complete=False) for e in nmc_entries()]
    result = nmc(entries)
    assert result.counted_ids == frozenset()
    assert result.headline.startswith("0 hours (35 needed) (0 participatory, 20 needed)")


def test_nmc_without_a_revalidation_date_looks_at_the_last_three_years():
    entries = [entry(1, dt.date(2023, 6, 1)), entry(2, dt.date(2023, 6, 2))]
    result = nmc(entries, revalidation_due_on=None)
    assert result.counted_ids == {2}
    assert result.period_label == "2 June 2023 to 1 June 2026"
    assert (result.deadline, result.days_left) == (None, None)
    assert result.headline.endswith(" — revalidation date not recorded")


def test_nmc_a_revalidation_date_that_has_passed():
    result = nmc([], revalidation_due_on=dt.date(2026, 5, 20))
    assert result.deadline == dt.date(2026, 5, 1)
    assert result.days_left == -31
    assert result.headline.endswith(" — application was due by 1 May 2026")


# --- dispatch --------------------------------------------------------------------------------


def test_readiness_for_social_work_england():
    result = readiness_for(Regulator.SWE, [peer(1), entry(2)], now=NOW)
    assert result == swe_readiness([peer(1), entry(2)], now=NOW, registered_on=None)
    registered = readiness_for(
        Regulator.SWE,
        [peer(1), entry(2)],
        now=NOW,
        registration=rules.Registration(registered_on=TODAY),
    )
    assert registered is not None
    assert registered.counted_ids == frozenset()


def test_readiness_for_hcpc_uses_the_date_in_london():
    late_evening = dt.datetime(2026, 5, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 June in London
    result = readiness_for(Regulator.HCPC, CONTINUOUS, now=late_evening)
    assert result == hcpc_readiness(CONTINUOUS, today=TODAY, registered_on=None)
    registered_on = dt.date(2026, 3, 1)
    clipped = readiness_for(
        Regulator.HCPC,
        CONTINUOUS,
        now=NOW,
        registration=rules.Registration(registered_on=registered_on),
    )
    assert clipped == hcpc_readiness(CONTINUOUS, today=TODAY, registered_on=registered_on)


def test_readiness_for_nmc():
    entries = [*nmc_entries(), entry(9, TODAY)]
    late_evening = dt.datetime(2026, 5, 31, 23, 30, tzinfo=UTC)  # already 1 June in London
    registration = rules.Registration(
        revalidation_due_on=DUE, discussion_on=DISCUSSED, dual_registrant=True
    )
    result = readiness_for(Regulator.NMC, entries, now=late_evening, registration=registration)
    assert result == nmc(entries, dual_registrant=True)
    assert result is not None
    assert 9 in result.counted_ids
    assert result.deadline == APPLY_BY


def test_readiness_for_no_registration_is_none():
    assert readiness_for(Regulator.NONE, [peer(1), entry(2)], now=NOW) is None


def test_every_regulator_is_handled():
    for regulator in Regulator:
        result = readiness_for(regulator, [], now=NOW)
        assert (result is None) is (regulator is Regulator.NONE)
        if result is not None:
            assert result.regulator is regulator


# --- Social Work England: first joined late in the year ----------------------------------------


@pytest.mark.parametrize(
    ("joined", "no_cpd"),
    [
        (dt.date(2026, 8, 31), False),  # the day before the cut-off: CPD from that day
        (dt.date(2026, 9, 1), True),
        (dt.date(2026, 11, 30), True),  # the last day of the year
        (dt.date(2025, 12, 1), False),
    ],
)
def test_swe_first_joined_on_or_after_1_september_needs_no_cpd_that_year(joined, no_cpd):
    year = registration_year(2026)
    assert rules.no_cpd_needed(year, joined, SWE) is no_cpd
    now = london(2026, 11, 30, 12, 0)
    result = swe_readiness([], now=now, registered_on=joined)
    assert (result.status is Status.NOT_DUE) is no_cpd
    assert result.ready is False  # nothing recorded: not ready, or not due, never "Ready"


def test_swe_the_exempt_person_is_told_plainly_and_still_renews():
    result = swe_readiness([], now=london(2026, 10, 20, 9, 0), registered_on=dt.date(2026, 10, 14))
    assert result.status is Status.NOT_DUE
    assert result.headline == (
        "You joined the register on 14 October 2026: Social Work England does not ask for CPD "
        "for this registration year. You still need to renew by 30 November 2026"
    )
    assert result.deadline == dt.date(2026, 11, 30)
    assert [c.detail for c in result.checks] == [
        "not asked: you first joined the register on 14 October 2026"
    ]


def test_swe_the_exemption_is_for_the_year_joined_only():
    # Joined 14 October 2026: the 2027 registration year asks for CPD as usual.
    result = swe_readiness([], now=london(2026, 12, 1, 9, 0), registered_on=dt.date(2026, 10, 14))
    assert result.status is Status.NOT_READY
    assert result.headline.startswith("0 pieces (2 needed)")


def test_swe_the_cut_off_is_data():
    later = dataclasses.replace(SWE, no_cpd_if_joined_from_day=1, no_cpd_if_joined_from_month=10)
    now = london(2026, 10, 20, 9, 0)
    joined = dt.date(2026, 9, 15)
    assert swe_readiness([], now=now, registered_on=joined).status is Status.NOT_DUE
    assert swe_readiness([], now=now, registered_on=joined, terms=later).status is (
        Status.NOT_READY
    )


def test_swe_the_manager_headline_for_someone_not_due():
    headline = swe_headline(
        0, 0, year=YEAR_2026, today=TODAY, joined_on=dt.date(2026, 9, 1), own=False
    )
    assert headline == (
        "Joined the register on 1 September 2026: no CPD asked for this registration year; "
        "renewal still due by 30 November 2026"
    )


def test_swe_no_grace_period_after_30_november():
    last_minute = swe_readiness([], now=london(2026, 11, 30, 23, 59), registered_on=None)
    after = swe_readiness([], now=london(2026, 12, 1, 0, 0), registered_on=None)
    assert last_minute.headline.endswith("renewal closes today at 23:59")
    assert after.period_label == "1 December 2026 to 30 November 2027"
    assert "grace" not in (last_minute.headline + after.headline).lower()


# --- Social Work England: the pieces must be different ------------------------------------------


def test_swe_identical_pieces_count_once_with_a_problem_line():
    first = peer(1, description="Half-day course; trauma")
    copy = dataclasses.replace(
        first,
        id=2,
        title="  TRAUMA-informed   practice ",
        description="half-day course;\ttrauma",
        learning=first.learning.upper(),
        impact=first.impact + "\n",
        peer_reflection=None,
    )
    result = swe_readiness([first, copy], now=NOW, registered_on=None)
    assert result.counted_ids == {1}
    assert result.status is Status.NOT_READY
    assert result.checks[0].detail == "1 piece (2 needed)"
    assert result.problems == (
        "'TRAUMA-informed   practice' is the same as an entry you recorded before: identical "
        "records count as one piece of CPD",
    )


def test_swe_pieces_differing_in_date_or_words_are_different():
    first = peer(1, description="Half-day course; trauma")
    other_day = dataclasses.replace(first, id=2, started_on=dt.date(2026, 3, 5))
    other_words = dataclasses.replace(first, id=3, learning="Something else")
    result = swe_readiness([first, other_day, other_words], now=NOW, registered_on=None)
    assert result.counted_ids == {1, 2, 3}
    assert result.problems == ()


def test_normalise_text():
    assert rules.normalise_text("  A\tB \n\n C  ") == "a b c"
    assert rules.normalise_text(None) == ""


# --- HCPC: a renewal date per profession ---------------------------------------------------------


def test_hcpc_the_deadline_comes_from_the_profession():
    result = hcpc_readiness(
        CONTINUOUS, today=TODAY, registered_on=None, profession="occupational_therapist"
    )
    ot = HCPC.profession("occupational_therapist")
    assert ot is not None
    assert result.deadline == ot.next_deadline(TODAY)
    assert result.deadline == dt.date(2027, 10, 31)  # odd years, 31 October (to confirm)
    assert result.days_left == (dt.date(2027, 10, 31) - TODAY).days
    assert result.headline.endswith("renewal for occupational therapists due by 31 October 2027")
    assert "check it against HCPC's published renewal dates" in result.note


def test_hcpc_without_a_profession_there_is_no_deadline():
    result = hcpc_readiness(CONTINUOUS, today=TODAY, registered_on=None)
    assert (result.deadline, result.days_left, result.note) == (None, None, None)


@pytest.mark.parametrize(
    ("today", "deadline"),
    [
        (dt.date(2027, 10, 31), dt.date(2027, 10, 31)),  # the deadline day itself
        (dt.date(2027, 11, 1), dt.date(2029, 10, 31)),  # the next cycle
        (dt.date(2026, 1, 1), dt.date(2027, 10, 31)),
    ],
)
def test_hcpc_profession_next_deadline(today, deadline):
    ot = rules.HcpcProfession("ot", "Occupational therapists", 31, 10, 2025)
    assert ot.next_deadline(today) == deadline


# --- terms as data ------------------------------------------------------------------------------


def test_the_terms_in_force_are_the_newest_from_on_or_before_the_day():
    new = dataclasses.replace(SWE, pieces=3)
    versions = [
        rules.TermsVersion("swe", dt.date(2019, 12, 2), SWE),
        rules.TermsVersion("swe", dt.date(2027, 12, 1), new),
    ]
    assert rules.terms_in_force(versions, "swe", dt.date(2027, 11, 30)) is SWE
    assert rules.terms_in_force(versions, "swe", dt.date(2027, 12, 1)) is new
    assert rules.terms_in_force(versions, "swe", dt.date(2019, 12, 1)) is None
    assert rules.terms_in_force(versions, "nmc", dt.date(2027, 12, 1)) is None


def test_terms_are_validated():
    document = rules.terms_document(SWE)
    assert rules.parse_terms("swe", document) == SWE
    with pytest.raises(rules.TermsInvalid) as invalid:
        rules.parse_terms(
            "swe", {**document, "pieces": "two", "window_opens_day": 31, "window_opens_month": 2}
        )
    assert invalid.value.errors == {
        "pieces": "Pieces of CPD in a registration year must be a whole number",
        "window_opens_day": "Day and month must make a real date (not 29 February)",
    }
    with pytest.raises(rules.TermsInvalid) as invalid:
        rules.parse_terms("swe", {**document, "peer_pieces": 3})
    assert "peer_pieces" in invalid.value.errors
    assert rules.parse_terms("hcpc", rules.terms_document(HCPC)) == HCPC
    assert rules.parse_terms("nmc", rules.terms_document(NMC)) == NMC
