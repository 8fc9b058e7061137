"""The needs contract's own rules: one target, one owner, a period that runs forwards, and
tallies that count by what they are asked."""

from __future__ import annotations

import datetime as dt

import pytest

from wfld.core.needs import (
    IN_PERIOD,
    LATE,
    Need,
    Period,
    Priority,
    Source,
    State,
    Target,
    tally_of,
)

D = dt.date(2026, 11, 23)


def _need(source: Source, *, staff_id: int = 1, target: int = 7, **kw) -> Need:  # noqa: ANN003
    return Need(
        target=Target(activity_id=target),
        title=f"Activity {target}",
        source=source,
        priority=kw.get("priority", Priority.MANDATORY),
        state=kw.get("state", State.OPEN),
        needed_by=None,
        staff_id=staff_id,
    )


def test_a_target_is_an_activity_or_a_framework_item():
    assert Target(activity_id=3).key == "activity-3"
    assert Target(framework_item_id=5).key == "item-5"
    with pytest.raises(ValueError, match="not both"):
        Target(activity_id=3, framework_item_id=5)
    with pytest.raises(ValueError, match="not both"):
        Target()


def test_a_need_belongs_to_a_person_or_a_team():
    Need(Target(activity_id=1), "A", Source.DUE, Priority.MANDATORY, State.OPEN, D, team_id=4)
    with pytest.raises(ValueError, match="person or a team"):
        Need(Target(activity_id=1), "A", Source.DUE, Priority.MANDATORY, State.OPEN, D)
    with pytest.raises(ValueError, match="person or a team"):
        Need(Target(activity_id=1), "A", Source.DUE, Priority.MANDATORY, State.OPEN, D, 1, 4)


def test_periods_include_both_ends():
    period = Period.next_days(D, 7)
    assert period == Period(D, dt.date(2026, 11, 30))
    assert D in period and dt.date(2026, 11, 30) in period
    assert dt.date(2026, 12, 1) not in period and dt.date(2026, 11, 22) not in period
    with pytest.raises(ValueError, match="ends on or after"):
        Period(D, D - dt.timedelta(days=1))


def test_priorities_put_mandatory_first():
    assert sorted([Priority.DEVELOPMENT, Priority.MANDATORY, Priority.PROGRAMME]) == [
        Priority.MANDATORY,
        Priority.PROGRAMME,
        Priority.DEVELOPMENT,
    ]
    assert {s for s in Source if s.is_late} == LATE
    assert not LATE & IN_PERIOD


def test_a_tally_counts_by_every_filter():
    needs = [
        _need(Source.OVERDUE, staff_id=1),
        _need(Source.OVERDUE, staff_id=2, state=State.BOOKED),
        _need(Source.EXPIRED, staff_id=2, target=8),
        _need(Source.DUE, staff_id=3, priority=Priority.DEVELOPMENT),
    ]
    tally = tally_of(needs, actor_id=1)
    assert tally.total == 4
    assert tally.count(own=True) == 1
    assert tally.count(own=False, sources=LATE) == 2
    assert tally.count(sources=LATE, states={State.OPEN}) == 2
    assert tally.count(priorities={Priority.DEVELOPMENT}) == 1
    assert tally.by_target(sources=LATE) == {Target(activity_id=7): 2, Target(activity_id=8): 1}
    assert tally.titles[Target(activity_id=8)] == "Activity 8"
    both = tally + tally_of(needs[:1], actor_id=1)
    assert both.total == 5 and both.count(own=True) == 2
