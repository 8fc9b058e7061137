"""The needs contract: one ``Need`` type every domain's provider returns.

A training need is something a person (or a team) must do, and by when: a mandatory
course never started, a renewal that has expired, a pathway requirement due this quarter,
and later an IDP action, a programme requirement, a team plan or a manager's return. Each
domain that creates needs has a ``needs.py`` with a provider (``NeedsProvider``); one
registry (``wfld/needs_providers.py``) lists them, and the home page and the training-needs
matrix are built on them, so they can never disagree about what "overdue" means.

Core imports no domain: a provider's scope is the organisation's ``StaffScope``, typed
loosely here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any, Protocol, runtime_checkable


class Source(StrEnum):
    """Why something is a need now. Later domains add their own members here (a programme
    requirement, a manager's return)."""

    NOT_STARTED = "not_started"  # never done, and not due by the end of the period
    OVERDUE = "overdue"  # never done, and its deadline has passed
    EXPIRED = "expired"  # done once, and the completion has lapsed
    EXPIRING = "expiring"  # done once, and it expires by the end of the period
    DUE = "due"  # never done (or lapsed before it applied), due by the end of the period
    IDP_ACTION = "idp_action"  # an action in a person's development plan, not booked or done
    TEAM_PLAN = "team_plan"  # a need a team's development plan names for the whole team

    @property
    def is_late(self) -> bool:
        return self in LATE


LATE = frozenset({Source.OVERDUE, Source.EXPIRED})
IN_PERIOD = frozenset({Source.DUE, Source.EXPIRING})


class Priority(IntEnum):
    """Lower comes first: statutory and mandatory learning, then programmes, then
    development (recommended learning, IDP actions)."""

    MANDATORY = 1
    PROGRAMME = 2
    DEVELOPMENT = 3

    @property
    def label(self) -> str:
        return {
            Priority.MANDATORY: "Mandatory",
            Priority.PROGRAMME: "Programme",
            Priority.DEVELOPMENT: "Development",
        }[self]


class State(StrEnum):
    OPEN = "open"  # nothing booked yet
    BOOKED = "booked"  # a place is booked on something that meets it


@dataclass(frozen=True, order=True)
class Target:
    """What is needed: a catalogue activity, or any activity developing a framework item."""

    activity_id: int | None = None
    framework_item_id: int | None = None

    def __post_init__(self) -> None:
        if (self.activity_id is None) == (self.framework_item_id is None):
            raise ValueError("A need's target is an activity or a framework item, not both")

    @property
    def key(self) -> str:
        """``activity-12`` or ``item-5``: the requirement key the compliance pages use."""
        if self.activity_id is not None:
            return f"activity-{self.activity_id}"
        return f"item-{self.framework_item_id}"


@dataclass(frozen=True)
class Period:
    """The days a question is about, both ends included: a quarter, or the next N days."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("A period ends on or after the day it starts")

    @classmethod
    def next_days(cls, today: dt.date, days: int) -> Period:
        """From today to ``days`` days from today."""
        return cls(today, today + dt.timedelta(days=days))

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Need:
    """Something one person or one team needs to do towards one target."""

    target: Target
    title: str  # the target in words, as the requirement names it
    source: Source
    priority: Priority
    state: State
    needed_by: dt.date | None  # None: no deadline (a recommended course not started)
    staff_id: int | None = None
    team_id: int | None = None

    def __post_init__(self) -> None:
        if (self.staff_id is None) == (self.team_id is None):
            raise ValueError("A need belongs to a person or a team, not both")


@dataclass(frozen=True)
class TallyKey:
    source: Source
    priority: Priority
    state: State
    target: Target
    # The scope's actor's own need (the home page counts "yours" apart from "your team's").
    own: bool


@dataclass
class Tally:
    """Counts of needs, never the needs themselves: cheap for thousands of people.

    ``titles`` names the targets counted (what a page needs to say "3 of your team are
    overdue Safeguarding"), not the people."""

    counts: Counter[TallyKey] = field(default_factory=Counter)
    titles: dict[Target, str] = field(default_factory=dict)

    def _matching(
        self,
        *,
        sources: Iterable[Source] | None,
        priorities: Iterable[Priority] | None,
        states: Iterable[State] | None,
        own: bool | None,
    ) -> Iterator[tuple[TallyKey, int]]:
        sources = None if sources is None else frozenset(sources)
        priorities = None if priorities is None else frozenset(priorities)
        states = None if states is None else frozenset(states)
        for key, n in self.counts.items():
            if (
                (sources is None or key.source in sources)
                and (priorities is None or key.priority in priorities)
                and (states is None or key.state in states)
                and (own is None or key.own is own)
            ):
                yield key, n

    def count(
        self,
        *,
        sources: Iterable[Source] | None = None,
        priorities: Iterable[Priority] | None = None,
        states: Iterable[State] | None = None,
        own: bool | None = None,
    ) -> int:
        """How many needs match every filter given (None: any)."""
        return sum(
            n
            for _, n in self._matching(
                sources=sources, priorities=priorities, states=states, own=own
            )
        )

    def by_target(
        self,
        *,
        sources: Iterable[Source] | None = None,
        priorities: Iterable[Priority] | None = None,
        states: Iterable[State] | None = None,
        own: bool | None = None,
    ) -> Counter[Target]:
        """The matching needs counted by target."""
        out: Counter[Target] = Counter()
        for key, n in self._matching(
            sources=sources, priorities=priorities, states=states, own=own
        ):
            out[key.target] += n
        return out

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __add__(self, other: Tally) -> Tally:
        return Tally(counts=self.counts + other.counts, titles={**self.titles, **other.titles})


def tally_of(needs: Iterable[Need], *, actor_id: int | None = None) -> Tally:
    """The tally of a list of needs: what a provider's ``tally`` must equal."""
    tally = Tally()
    for need in needs:
        own = need.staff_id is not None and need.staff_id == actor_id
        tally.counts[TallyKey(need.source, need.priority, need.state, need.target, own)] += 1
        tally.titles.setdefault(need.target, need.title)
    return tally


@runtime_checkable
class NeedsProvider(Protocol):
    """One domain's needs, for everyone a scope names.

    ``scope`` is an organisation ``StaffScope`` (a SELECT of staff ids, its day and its
    actor). Needs are judged at ``now`` (bookings are compared to the minute), which falls on
    the scope's day; ``period`` says which deadlines count as due "in the period".
    ``tally`` is counts only and must equal ``tally_of(needs(...))``."""

    name: str

    def needs(self, scope: Any, period: Period, *, now: dt.datetime) -> list[Need]: ...

    def tally(self, scope: Any, period: Period, *, now: dt.datetime) -> Tally: ...
