"""Regulator readiness rules: pure functions of CPD entries and dates, no database and no clock.

The regulators' numbers live in frozen dataclasses (``SWE``, ``HCPC``, ``NMC``); each regulator
has one small rule function that turns a person's entries into a ``Readiness``: ready or not,
a one-line headline, the checks behind it and the problems to fix.

- Social Work England: the registration year runs 1 December to 30 November and renewal
  closes at 23:59 on 30 November (UK time). At least 2 pieces of CPD dated in the year, at least
  1 of them with a peer reflection, each with every field the regulator's form asks for. A piece
  used for a previous year does not count again. No minimum hours.
- HCPC: a continuous, up-to-date record of a mix of activities; an audit looks at the last
  2 years, and a gap of 3 months or more has to be explained.
- NMC: revalidation every 3 years needs 35 hours of CPD (20 participatory), 5 reflective
  accounts, a reflective discussion and 5 pieces of feedback (feedback is not tracked here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from dateutil.relativedelta import relativedelta

from wfld.core.clock import LONDON
from wfld.core.dates import day_month
from wfld.core.dates import long_date as format_date  # the name the rest of cpd uses
from wfld.organisation.models import Regulator

# --- regulator terms, as data ----------------------------------------------------------------


@dataclass(frozen=True)
class SweTerms:
    pieces: int  # pieces of CPD dated in the registration year
    peer_pieces: int  # of which with a peer reflection
    year_starts: tuple[int, int]  # (month, day) the registration year starts
    window_opens: tuple[int, int]  # (month, day) renewal opens, in the year's last calendar year


@dataclass(frozen=True)
class HcpcTerms:
    profile_years: int  # an audit profile covers this many years back from today
    gap_months: int  # a gap this long or longer must be explained
    min_activity_types: int  # "a mix of activities"


@dataclass(frozen=True)
class NmcTerms:
    cycle_years: int  # revalidation comes round every this many years
    hours: int  # hours of CPD in the cycle
    participatory_hours: int  # of which learning with others
    reflective_accounts: int
    reflective_discussions: int


SWE = SweTerms(pieces=2, peer_pieces=1, year_starts=(12, 1), window_opens=(9, 1))
# HCPC asks for "a mix of learning activities" without a number; locally a mix is read as two or
# more different types of activity.
HCPC = HcpcTerms(profile_years=2, gap_months=3, min_activity_types=2)
NMC = NmcTerms(
    cycle_years=3, hours=35, participatory_hours=20, reflective_accounts=5, reflective_discussions=1
)


# --- CPD entries -----------------------------------------------------------------------------


class ActivityType(StrEnum):
    """Types of CPD activity; the values are stored in the database."""

    COURSE = "course"
    E_LEARNING = "e_learning"
    READING = "reading"
    PODCAST = "podcast"
    SUPERVISION = "supervision"
    PEER_DISCUSSION = "peer_discussion"
    SHADOWING = "shadowing"
    MENTORING = "mentoring"
    CONFERENCE = "conference"
    PROJECT = "project"
    PRACTICE_REVIEW = "practice_review"
    QUALIFICATION = "qualification"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _ACTIVITY_LABELS[self]

    @property
    def participatory(self) -> bool:
        """NMC participatory learning: activity involving interaction with one or more other
        professionals, in person or online. Learning on your own (e-learning, reading,
        podcasts, study for a qualification) is not, and "Other" is not assumed to be."""
        return self in PARTICIPATORY


_ACTIVITY_LABELS = {
    ActivityType.COURSE: "Course or training",
    ActivityType.E_LEARNING: "E-learning",
    ActivityType.READING: "Reading or research",
    ActivityType.PODCAST: "Podcast or webinar",
    ActivityType.SUPERVISION: "Supervision",
    ActivityType.PEER_DISCUSSION: "Peer discussion or reflective group",
    ActivityType.SHADOWING: "Shadowing or observation",
    ActivityType.MENTORING: "Mentoring or coaching",
    ActivityType.CONFERENCE: "Conference",
    ActivityType.PROJECT: "Project work",
    ActivityType.PRACTICE_REVIEW: "Practice review",
    ActivityType.QUALIFICATION: "Qualification study",
    ActivityType.OTHER: "Other",
}

PARTICIPATORY = frozenset(
    {
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


@dataclass(frozen=True)
class EntryFacts:
    """What the rules need to know about one CPD entry."""

    id: int
    is_complete: bool  # drafts never count
    started_on: dt.date
    ended_on: dt.date | None  # a date range ends here; None for a single day
    activity_type: ActivityType | None
    hours: Decimal | None
    title: str
    description: str  # short description and why it is relevant
    learning: str  # what I learnt
    impact: str  # impact on my practice and on the people I work with
    peer_reflection: str | None
    submitted_for_year: int | None  # the SWE registration year it was recorded for, if any

    @property
    def dated(self) -> dt.date:
        """The regulator's "date" of a piece of CPD: the day it was completed."""
        return self.ended_on or self.started_on


def has_peer_reflection(entry: EntryFacts) -> bool:
    """A peer reflection counts only if something is written in it."""
    return bool(entry.peer_reflection and entry.peer_reflection.strip())


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    label: str  # "2 pieces of CPD dated in this registration year"
    met: bool
    detail: str  # "1 of 2", "missing", "not tracked here"
    tracked: bool = True  # an untracked check is shown but never blocks readiness


@dataclass(frozen=True)
class Readiness:
    regulator: Regulator
    ready: bool
    headline: str  # one sentence for the home page and My CPD, no full stop
    checks: tuple[Check, ...]
    period_label: str  # "1 December 2025 to 30 November 2026"
    deadline: dt.date | None
    days_left: int | None
    counted_ids: frozenset[int]  # the entries that count
    problems: tuple[str, ...] = ()  # gaps to explain, entries missing a field the regulator asks


# --- Social Work England ---------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationYear:
    """A Social Work England registration year, named by the calendar year it ends in:
    2026 is 1 December 2025 to 30 November 2026."""

    number: int
    starts_on: dt.date
    ends_on: dt.date
    window_opens_on: dt.date  # renewal opens 1 September of the ending year
    closes_at: dt.datetime  # renewal closes at 23:59 on 30 November, UK time (inclusive)

    @property
    def label(self) -> str:
        return f"{format_date(self.starts_on)} to {format_date(self.ends_on)}"


def registration_year(number: int) -> RegistrationYear:
    """The registration year ending in calendar year ``number``."""
    starts_on = dt.date(number - 1, *SWE.year_starts)
    ends_on = starts_on + relativedelta(years=1) - dt.timedelta(days=1)
    # The deadline is 23:59 on the last day; the whole of that minute counts, so renewal
    # closes at the last instant before midnight in London.
    closes_at = dt.datetime.combine(ends_on, dt.time.max, tzinfo=LONDON)
    return RegistrationYear(
        number=ends_on.year,
        starts_on=starts_on,
        ends_on=ends_on,
        window_opens_on=dt.date(ends_on.year, *SWE.window_opens),
        closes_at=closes_at,
    )


def registration_year_for(day: dt.date) -> RegistrationYear:
    """The registration year ``day`` falls in: from 1 December it is the next year's."""
    starts_this_calendar_year = dt.date(day.year, *SWE.year_starts)
    return registration_year(day.year + 1 if day >= starts_this_calendar_year else day.year)


def registration_year_at(now: dt.datetime) -> RegistrationYear:
    """The registration year at an instant: the year changes at midnight UK time."""
    return registration_year_for(london_date(now))


def _effective_start(year: RegistrationYear, registered_on: dt.date | None) -> dt.date:
    # CPD done before someone was registered is not CPD for that registration.
    if registered_on is not None and registered_on > year.starts_on:
        return registered_on
    return year.starts_on


def _in_year(entry: EntryFacts, year: RegistrationYear, starts_on: dt.date) -> bool:
    """Whether the entry belongs to the year: recorded for it and overlapping it, or, if not
    recorded for any year yet, dated in it."""
    if starts_on > year.ends_on:
        return False
    if entry.submitted_for_year is None:
        return starts_on <= entry.dated <= year.ends_on
    return (
        entry.submitted_for_year == year.number
        and entry.started_on <= year.ends_on
        and entry.dated >= starts_on
    )


def _swe_missing(entry: EntryFacts) -> list[str]:
    """The fields the regulator's form asks for that the entry leaves blank, in form order."""
    missing = []
    if not entry.title.strip():
        missing.append("title")
    if entry.activity_type is None:
        missing.append("type of CPD")
    if not entry.description.strip():
        missing.append("description")
    if not entry.learning.strip():
        missing.append("learning")
    if not entry.impact.strip():
        missing.append("impact on practice")
    return missing


def counts_for_swe_year(
    entry: EntryFacts, year: RegistrationYear, *, registered_on: dt.date | None
) -> bool:
    """Whether a piece of CPD counts for a registration year.

    It must be complete, with every field the regulator's form asks for, and either recorded
    for this year (a date range that started last year may be) or not yet recorded for any
    year and dated in this one. A piece used for another year never counts again. If the
    registration started during the year, only CPD dated from the registration date counts.
    """
    return (
        entry.is_complete
        and not _swe_missing(entry)
        and _in_year(entry, year, _effective_start(year, registered_on))
    )


def _swe_problem(entry: EntryFacts, year: RegistrationYear, starts_on: dt.date) -> str | None:
    """Why a complete entry dated in the year does not count, if it does not."""
    if not entry.is_complete:
        return None
    used_for = entry.submitted_for_year
    if used_for is not None and used_for != year.number:
        if not starts_on <= entry.dated <= year.ends_on:
            return None
        verb = "was used" if used_for < year.number else "is recorded"
        return f"{_name(entry)} {verb} for your {used_for} renewal"
    missing = _swe_missing(entry)
    if not missing or not _in_year(entry, year, starts_on):
        return None
    return f"{_name(entry)} has no {_join_or(missing)} recorded"


def swe_headline(pieces: int, peer_pieces: int, *, year: RegistrationYear, today: dt.date) -> str:
    """The one-line summary, from counts alone so the manager view can use its SQL counts."""
    peer_met = peer_pieces >= SWE.peer_pieces
    if pieces >= SWE.pieces and peer_met:
        return (
            f"Ready for renewal: {_of(pieces, SWE.pieces)} pieces of CPD, "
            "including a peer reflection"
        )
    status = f"{_of(pieces, SWE.pieces)} pieces"
    if peer_met:
        status += ", including a peer reflection"
    elif pieces > 0:  # with nothing recorded, a missing peer reflection goes without saying
        status += ", peer reflection missing"
    return f"{status} — {_swe_time_left(year, today)}"


def _swe_time_left(year: RegistrationYear, today: dt.date) -> str:
    days_left = (year.ends_on - today).days
    closes_on = day_month(year.ends_on)
    if days_left < 0:
        return f"renewal closed on {format_date(year.ends_on)}"
    if days_left == 0:
        return "renewal closes today at 23:59"
    return f"{_plural(days_left, 'day')} until renewal closes on {closes_on}"


def swe_readiness(
    entries: Iterable[EntryFacts], *, now: dt.datetime, registered_on: dt.date | None
) -> Readiness:
    """Social Work England renewal: the current registration year at ``now`` (UK time)."""
    entries = tuple(entries)
    today = london_date(now)
    year = registration_year_for(today)
    starts_on = _effective_start(year, registered_on)

    if registered_on is not None and registered_on > today:
        counted: tuple[EntryFacts, ...] = ()  # not registered yet: nothing counts yet
    else:
        counted = tuple(
            e for e in entries if counts_for_swe_year(e, year, registered_on=registered_on)
        )
    pieces = len(counted)
    peer_pieces = sum(1 for e in counted if has_peer_reflection(e))

    problems = [
        (e.dated, e.id, problem)
        for e in entries
        if (problem := _swe_problem(e, year, starts_on)) is not None
    ]
    checks = (
        Check(
            label=f"{_plural(SWE.pieces, 'piece')} of CPD dated in this registration year",
            met=pieces >= SWE.pieces,
            detail=f"{pieces} of {SWE.pieces}",
        ),
        Check(
            label=f"{_plural(SWE.peer_pieces, 'piece')} of CPD with a peer reflection",
            met=peer_pieces >= SWE.peer_pieces,
            detail="present" if peer_pieces >= SWE.peer_pieces else "missing",
        ),
    )
    return Readiness(
        regulator=Regulator.SWE,
        ready=all(c.met for c in checks),
        headline=swe_headline(pieces, peer_pieces, year=year, today=today),
        checks=checks,
        period_label=year.label,
        deadline=year.ends_on,
        days_left=(year.ends_on - today).days,
        counted_ids=frozenset(e.id for e in counted),
        problems=tuple(p for _, _, p in sorted(problems)),
    )


# --- HCPC ------------------------------------------------------------------------------------


def hcpc_readiness(
    entries: Iterable[EntryFacts], *, today: dt.date, registered_on: dt.date | None
) -> Readiness:
    """HCPC audit readiness: a continuous record of a mix of activities.

    The profile covers the last 2 years (from the day after today two years ago, to today),
    or from the registration date if that is later. Complete entries dated in it count. Gaps
    are measured between the start of the profile, each entry and today; one of 3 months or
    more has to be explained.
    """
    back_to = today - relativedelta(years=HCPC.profile_years)  # exclusive
    if registered_on is not None and registered_on > back_to:
        since_registration, anchor, first_day = True, registered_on, registered_on
    else:
        since_registration, anchor, first_day = False, back_to, back_to + dt.timedelta(days=1)

    counted = sorted(
        (e for e in entries if e.is_complete and first_day <= e.dated <= today),
        key=lambda e: (e.dated, e.id),
    )
    gaps = []
    points = [anchor, *(e.dated for e in counted), today]
    for start, end in pairwise(points):
        if start + relativedelta(months=HCPC.gap_months) <= end:
            months = _whole_months(start, end)
            gaps.append(
                f"No CPD from {format_date(start)} to {format_date(end)} "
                f"({_plural(months, 'month')}): be ready to explain this gap"
            )
    types = {e.activity_type for e in counted if e.activity_type is not None}

    span = (
        f"since you registered on {format_date(anchor)}"
        if since_registration
        else f"over the last {HCPC.profile_years} years"
    )
    checks = (
        Check(
            label=f"CPD recorded {span}",
            met=bool(counted),
            detail=_plural(len(counted), "entry", "entries") if counted else "none",
        ),
        Check(
            label=f"No gaps of {HCPC.gap_months} months or more",
            met=not gaps,
            detail=_plural(len(gaps), "gap") if gaps else "none",
        ),
        Check(
            label=f"A mix of activities ({HCPC.min_activity_types} or more types)",
            met=len(types) >= HCPC.min_activity_types,
            detail=_plural(len(types), "type"),
        ),
    )
    ready = all(c.met for c in checks)
    if ready:
        headline = f"Audit-ready: a continuous record {span} with {len(types)} types of activity"
    elif not counted:
        headline = f"Not audit-ready: no CPD recorded {span}"
    else:
        reasons = []
        if gaps:
            reasons.append(f"{_plural(len(gaps), 'gap')} of {HCPC.gap_months} months or more")
        if not types:
            reasons.append("no type of activity recorded")
        elif len(types) < HCPC.min_activity_types:
            reasons.append(f"only {_plural(len(types), 'type')} of activity")
        headline = "Not audit-ready: " + ", ".join(reasons)

    return Readiness(
        regulator=Regulator.HCPC,
        ready=ready,
        headline=headline,
        checks=checks,
        period_label=f"{format_date(first_day)} to {format_date(today)}",
        deadline=None,  # HCPC renewal dates vary by profession
        days_left=None,
        counted_ids=frozenset(e.id for e in counted),
        problems=tuple(gaps),
    )


# --- NMC -------------------------------------------------------------------------------------


def nmc_readiness(
    entries: Iterable[EntryFacts], *, today: dt.date, revalidation_due_on: dt.date | None
) -> Readiness:
    """NMC revalidation readiness over the 3 years up to the revalidation date (or today).

    Complete entries dated in the cycle, and not after today, count. Hours without a number
    count as none; participatory hours are those from learning with others. A reflective
    account is a counted entry with its learning and impact written up; a reflective discussion
    is one with a peer reflection. The 5 pieces of feedback are not tracked here.
    """
    cycle_ends_on = revalidation_due_on or today
    first_day = cycle_ends_on - relativedelta(years=NMC.cycle_years) + dt.timedelta(days=1)
    counted = [
        e for e in entries if e.is_complete and first_day <= e.dated <= min(cycle_ends_on, today)
    ]
    hours = sum((e.hours or Decimal(0) for e in counted), Decimal(0))
    participatory = sum(
        (
            e.hours or Decimal(0)
            for e in counted
            if e.activity_type is not None and e.activity_type.participatory
        ),
        Decimal(0),
    )
    accounts = sum(1 for e in counted if e.learning.strip() and e.impact.strip())
    discussions = sum(1 for e in counted if has_peer_reflection(e))

    checks = (
        Check(
            label=f"{NMC.hours} hours of CPD",
            met=hours >= NMC.hours,
            detail=f"{format_hours(hours)} of {NMC.hours} hours",
        ),
        Check(
            label=f"{NMC.participatory_hours} hours of participatory learning",
            met=participatory >= NMC.participatory_hours,
            detail=f"{format_hours(participatory)} of {NMC.participatory_hours} hours",
        ),
        Check(
            label=f"{NMC.reflective_accounts} reflective accounts",
            met=accounts >= NMC.reflective_accounts,
            detail=f"{accounts} of {NMC.reflective_accounts}",
        ),
        Check(
            label=f"{_plural(NMC.reflective_discussions, 'reflective discussion')}",
            met=discussions >= NMC.reflective_discussions,
            detail=f"{discussions} of {NMC.reflective_discussions}",
        ),
        Check(
            label="5 pieces of practice-related feedback",
            met=False,
            detail="not tracked here",
            tracked=False,
        ),
    )
    ready = all(c.met for c in checks if c.tracked)
    if ready:
        headline = (
            f"Ready for revalidation: {format_hours(hours)} hours, "
            f"{format_hours(participatory)} participatory"
        )
    else:
        headline = (
            f"{_of(hours, NMC.hours)} hours "
            f"({_of(participatory, NMC.participatory_hours)} participatory)"
        )
        if accounts < NMC.reflective_accounts:
            headline += f", {accounts} of {NMC.reflective_accounts} reflective accounts"
        if discussions < NMC.reflective_discussions:
            headline += ", reflective discussion missing"
        if revalidation_due_on is None:
            headline += " — revalidation date not recorded"
        elif revalidation_due_on < today:
            headline += f" — revalidation was due {format_date(revalidation_due_on)}"
        else:
            headline += f" — revalidation due {format_date(revalidation_due_on)}"

    return Readiness(
        regulator=Regulator.NMC,
        ready=ready,
        headline=headline,
        checks=checks,
        period_label=f"{format_date(first_day)} to {format_date(cycle_ends_on)}",
        deadline=revalidation_due_on,
        days_left=(revalidation_due_on - today).days if revalidation_due_on else None,
        counted_ids=frozenset(e.id for e in counted),
    )


# --- dispatch --------------------------------------------------------------------------------


def readiness_for(
    regulator: Regulator,
    entries: Iterable[EntryFacts],
    *,
    now: dt.datetime,
    registered_on: dt.date | None = None,
    revalidation_due_on: dt.date | None = None,
) -> Readiness | None:
    """The person's readiness for their regulator; None if they need no registration."""
    if regulator is Regulator.SWE:
        return swe_readiness(entries, now=now, registered_on=registered_on)
    if regulator is Regulator.HCPC:
        return hcpc_readiness(entries, today=london_date(now), registered_on=registered_on)
    if regulator is Regulator.NMC:
        return nmc_readiness(
            entries, today=london_date(now), revalidation_due_on=revalidation_due_on
        )
    return None


# --- wording ---------------------------------------------------------------------------------


def london_date(now: dt.datetime) -> dt.date:
    """The date in England at an aware instant."""
    if now.tzinfo is None:
        raise ValueError("needs an aware datetime")
    return now.astimezone(LONDON).date()


def format_hours(hours: Decimal) -> str:
    """7.5, 22: no trailing zeros and no exponent."""
    text = f"{hours:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _of(count: int | Decimal, target: int) -> str:
    """'1 of 2' below the target, '2 of 2' on it, and the actual count above it."""
    shown = format_hours(count) if isinstance(count, Decimal) else str(count)
    if count > target:
        return shown
    return f"{shown} of {target}"


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _join_or(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} or {items[-1]}"


def _name(entry: EntryFacts) -> str:
    title = entry.title.strip()
    return f"'{title}'" if title else f"Your entry dated {format_date(entry.dated)}"


def _whole_months(start: dt.date, end: dt.date) -> int:
    delta = relativedelta(end, start)
    return delta.years * 12 + delta.months
