"""Regulator readiness rules: pure functions of CPD entries and dates, no database and no clock.

Each regulator's numbers are typed terms (``SweTerms``, ``HcpcTerms``, ``NmcTerms``) read from the
dated, admin-editable regulator_terms table and passed in: the version in force on the day is
the rule. Each regulator has one small rule function that turns a person's entries into a
``Readiness``: a status, a one-line headline, the checks behind it and the problems to fix.

- Social Work England: the registration year runs 1 December to 30 November and renewal
  closes at 23:59 on 30 November (UK time), with no grace period. At least 2 different pieces
  of CPD dated in the year (identical records count once), at least 1 with a peer reflection,
  each with every field the regulator's form asks for. A piece used for a previous year does
  not count again. No minimum hours. Someone who first joined the register on or after
  1 September of the year needs no CPD for it (they still renew).
- HCPC: a continuous, up-to-date record of a mix of activities; an audit looks at the last
  2 years, and a gap of 3 months or more has to be explained; each profession renews on its
  own 2-year cycle.
- NMC: revalidation every 3 years; eight requirements, four recorded here and the rest
  confirmed in MyNMC; the application is due by the 1st of the revalidation month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Any

from dateutil.relativedelta import relativedelta

from wfld.core.clock import LONDON
from wfld.core.dates import day_month
from wfld.core.dates import long_date as format_date  # the name the rest of cpd uses
from wfld.organisation.models import Regulator

# --- regulator terms, as data ----------------------------------------------------------------
# The numbers below are not constants: each regulator's terms are a dated row in the
# regulator_terms table (seeded by migration 0007, changed by a WFLD admin when a regulator
# changes its rules). The rules take the version in force as a parameter.


def _term(label: str, low: int, high: int) -> dict:
    return {"label": label, "min": low, "max": high}


@dataclass(frozen=True)
class SweTerms:
    pieces: int = field(metadata=_term("Pieces of CPD in a registration year", 0, 20))
    peer_pieces: int = field(metadata=_term("Of which with a peer reflection", 0, 20))
    year_starts_day: int = field(metadata=_term("Registration year starts: day", 1, 31))
    year_starts_month: int = field(metadata=_term("Registration year starts: month", 1, 12))
    window_opens_day: int = field(metadata=_term("Renewal opens: day", 1, 31))
    window_opens_month: int = field(metadata=_term("Renewal opens: month", 1, 12))
    # Someone who first joins the register on or after this day of a registration year's last
    # calendar year need not meet the CPD requirement for that year (they still renew).
    no_cpd_if_joined_from_day: int = field(
        metadata=_term("No CPD asked if first joined on or after: day", 1, 31)
    )
    no_cpd_if_joined_from_month: int = field(
        metadata=_term("No CPD asked if first joined on or after: month", 1, 12)
    )

    @property
    def year_starts(self) -> tuple[int, int]:
        return (self.year_starts_month, self.year_starts_day)

    @property
    def window_opens(self) -> tuple[int, int]:
        return (self.window_opens_month, self.window_opens_day)

    @property
    def no_cpd_if_joined_from(self) -> tuple[int, int]:
        return (self.no_cpd_if_joined_from_month, self.no_cpd_if_joined_from_day)


@dataclass(frozen=True)
class HcpcProfession:
    """An HCPC profession's renewal: every ``cycle_years`` years from ``first_year``, by the
    deadline day. ``to_confirm`` marks dates not yet checked against HCPC's published list."""

    code: str
    name: str
    deadline_day: int
    deadline_month: int
    first_year: int  # a year the profession renews in
    cycle_years: int = 2
    to_confirm: bool = True

    def next_deadline(self, today: dt.date) -> dt.date:
        """The first renewal deadline on or after ``today``."""
        year = today.year
        while (year - self.first_year) % self.cycle_years:
            year += 1
        deadline = dt.date(year, self.deadline_month, self.deadline_day)
        if deadline < today:
            deadline = dt.date(year + self.cycle_years, self.deadline_month, self.deadline_day)
        return deadline


@dataclass(frozen=True)
class HcpcTerms:
    profile_years: int = field(metadata=_term("An audit profile covers this many years", 1, 10))
    gap_months: int = field(metadata=_term("A gap this many months long must be explained", 1, 24))
    # HCPC asks for "a mix of learning activities" without a number: this is the council's
    # reading of it, and the page says so.
    min_activity_types: int = field(
        metadata=_term("A mix means this many types of activity (the council's reading)", 1, 13)
    )
    professions: tuple[HcpcProfession, ...] = ()

    def profession(self, code: str | None) -> HcpcProfession | None:
        return next((p for p in self.professions if p.code == code), None)


@dataclass(frozen=True)
class NmcTerms:
    cycle_years: int = field(metadata=_term("Revalidation every this many years", 1, 10))
    hours: int = field(metadata=_term("Hours of CPD", 0, 500))
    participatory_hours: int = field(metadata=_term("Of which participatory", 0, 500))
    reflective_accounts: int = field(metadata=_term("Written reflective accounts", 0, 50))
    feedback_pieces: int = field(metadata=_term("Pieces of practice-related feedback", 0, 50))
    practice_hours: int = field(metadata=_term("Practice hours", 0, 10000))
    dual_practice_hours: int = field(
        metadata=_term("Practice hours for dual registrants", 0, 10000)
    )
    window_days: int = field(
        metadata=_term("The application opens this many days before it is due", 0, 365)
    )


TERMS_TYPES: dict[str, type] = {"swe": SweTerms, "hcpc": HcpcTerms, "nmc": NmcTerms}


def number_fields(terms_type: type) -> list:
    """The whole-number terms an admin edits, in form order."""
    return [f for f in fields(terms_type) if f.type in ("int", int)]


class TermsInvalid(ValueError):
    """A terms document that does not fit its regulator's terms (field name -> message)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def parse_terms(regulator: str, document: dict) -> SweTerms | HcpcTerms | NmcTerms:
    """Validate a stored or submitted terms document into its typed terms."""
    terms_type = TERMS_TYPES[regulator]
    errors: dict[str, str] = {}
    values: dict = {}
    for f in number_fields(terms_type):
        raw = document.get(f.name)
        label = f.metadata["label"]
        if isinstance(raw, bool) or not isinstance(raw, int):
            errors[f.name] = f"{label} must be a whole number"
        elif not f.metadata["min"] <= raw <= f.metadata["max"]:
            errors[f.name] = f"{label} must be between {f.metadata['min']} and {f.metadata['max']}"
        else:
            values[f.name] = raw
    for day_name in [n for n in values if n.endswith("_day")]:
        month_name = day_name[: -len("_day")] + "_month"
        if month_name in values:
            try:
                dt.date(2001, values[month_name], values[day_name])  # never 29 February
            except ValueError:
                errors[day_name] = "Day and month must make a real date (not 29 February)"
    if terms_type is HcpcTerms:
        try:
            values["professions"] = tuple(
                HcpcProfession(**p) for p in document.get("professions", [])
            )
            for p in values["professions"]:
                p.next_deadline(dt.date(2001, 1, 1))
        except (TypeError, ValueError):
            errors["professions"] = "Each profession needs a code, name and a real deadline"
    if terms_type is SweTerms and not errors and values["peer_pieces"] > values["pieces"]:
        errors["peer_pieces"] = "Pieces with a peer reflection must be no more than the pieces"
    if terms_type is NmcTerms and not errors and values["participatory_hours"] > values["hours"]:
        errors["participatory_hours"] = "Participatory hours must be no more than the hours"
    if errors:
        raise TermsInvalid(errors)
    return terms_type(**values)


def terms_document(terms: SweTerms | HcpcTerms | NmcTerms) -> dict:
    """The terms as a plain document (what the database stores)."""
    document = asdict(terms)
    if "professions" in document:
        document["professions"] = [dict(p) for p in document["professions"]]
    return document


@dataclass(frozen=True)
class TermsVersion:
    regulator: str
    effective_from: dt.date
    terms: SweTerms | HcpcTerms | NmcTerms


def version_in_force(versions: Iterable[Any], regulator: str, today: dt.date) -> Any:
    """The newest of a regulator's versions (anything with ``regulator`` and
    ``effective_from``) effective on or before ``today``; None before the first."""
    candidates = [v for v in versions if v.regulator == regulator and v.effective_from <= today]
    return max(candidates, key=lambda v: v.effective_from, default=None)


def terms_in_force(versions: Iterable[TermsVersion], regulator: str, today: dt.date):  # noqa: ANN201
    """The terms of the version in force on ``today``; None before the first."""
    version = version_in_force(versions, regulator, today)
    return None if version is None else version.terms


@dataclass(frozen=True)
class Terms:
    """Each regulator's terms in force on one day."""

    swe: SweTerms
    hcpc: HcpcTerms
    nmc: NmcTerms

    @classmethod
    def on(cls, versions: Iterable[TermsVersion], today: dt.date) -> Terms:
        versions = tuple(versions)
        found = {r: terms_in_force(versions, r, today) for r in TERMS_TYPES}
        missing = [r for r, t in found.items() if t is None]
        if missing:
            raise LookupError(f"no regulator terms in force on {today} for {', '.join(missing)}")
        return cls(**found)


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
    names_nmc_code: bool = False  # tagged with a part of the NMC Code (framework NMC-CODE)

    @property
    def dated(self) -> dt.date:
        """The regulator's "date" of a piece of CPD: the day it was completed."""
        return self.ended_on or self.started_on


# The white space SQL's TRIM does not take: queries.swe_counts turns each into a space too.
_SPACES = ("\t", "\n", "\r", "\v", "\f")


def normalise_text(text: str | None) -> str:
    """Text as compared for "the same record": white space runs read as one space, no
    leading or trailing space, lower case. queries.swe_counts does the same in SQL."""
    text = text or ""
    for space in _SPACES:
        text = text.replace(space, " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text.strip(" ").lower()


def content_key(entry: EntryFacts) -> tuple:
    """Two records with the same content are one piece of CPD, however often it is entered."""
    return (
        normalise_text(entry.title),
        entry.started_on,
        entry.ended_on or entry.started_on,
        normalise_text(entry.description),
        normalise_text(entry.learning),
        normalise_text(entry.impact),
    )


def has_peer_reflection(entry: EntryFacts) -> bool:
    """A peer reflection counts only if something is written in it."""
    return bool(entry.peer_reflection and entry.peer_reflection.strip())


# --- results ---------------------------------------------------------------------------------


class Status(StrEnum):
    READY = "ready"
    NOT_READY = "not_ready"
    NOT_DUE = "not_due"  # Social Work England asks no CPD of this person this year
    TO_CONFIRM = "to_confirm"  # what the tracker records is met; more to confirm elsewhere

    @property
    def label(self) -> str:
        return {
            Status.READY: "Ready",
            Status.NOT_READY: "Not ready",
            Status.NOT_DUE: "Not due this year",
            Status.TO_CONFIRM: "To confirm",
        }[self]

    @property
    def colour(self) -> str:
        return {
            Status.READY: "green",
            Status.NOT_READY: "red",
            Status.NOT_DUE: "grey",
            Status.TO_CONFIRM: "blue",
        }[self]


@dataclass(frozen=True)
class Check:
    label: str  # "2 pieces of CPD dated in this registration year"
    met: bool
    detail: str  # "1 piece (2 needed)", "missing", "confirm in MyNMC"
    tracked: bool = True  # an untracked check is something to confirm elsewhere


@dataclass(frozen=True)
class Readiness:
    regulator: Regulator
    status: Status
    headline: str  # one sentence for the home page and My CPD, no full stop
    checks: tuple[Check, ...]
    period_label: str  # "1 December 2025 to 30 November 2026"
    deadline: dt.date | None
    days_left: int | None
    counted_ids: frozenset[int]  # the entries that count
    problems: tuple[str, ...] = ()  # gaps to explain, entries missing a field the regulator asks
    confirm_where: str | None = None  # where the untracked checks are confirmed ("MyNMC")
    note: str | None = None  # a plain sentence shown above the checks

    @property
    def ready(self) -> bool:
        return self.status is Status.READY

    @property
    def needs_attention(self) -> bool:
        """Not ready with a deadline to meet: the home page asks the person to act."""
        return self.status is Status.NOT_READY and self.days_left is not None

    @property
    def tracked_checks(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.tracked)

    @property
    def untracked_checks(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.tracked)


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


# Lists and yearly totals name registration years by these boundaries when no terms are given
# (the readiness rules always pass the terms in force).
_USUAL_YEAR = ((12, 1), (9, 1))


def registration_year(number: int, terms: SweTerms | None = None) -> RegistrationYear:
    """The registration year ending in calendar year ``number``."""
    year_starts, window_opens = (
        (terms.year_starts, terms.window_opens) if terms is not None else _USUAL_YEAR
    )
    starts_on = dt.date(number - 1, *year_starts)
    if year_starts == (1, 1):
        starts_on = dt.date(number, 1, 1)
    ends_on = starts_on + relativedelta(years=1) - dt.timedelta(days=1)
    # The deadline is 23:59 on the last day; the whole of that minute counts, so renewal
    # closes at the last instant before midnight in London. There is no grace period after it.
    closes_at = dt.datetime.combine(ends_on, dt.time.max, tzinfo=LONDON)
    return RegistrationYear(
        number=ends_on.year,
        starts_on=starts_on,
        ends_on=ends_on,
        window_opens_on=dt.date(ends_on.year, *window_opens),
        closes_at=closes_at,
    )


def registration_year_for(day: dt.date, terms: SweTerms | None = None) -> RegistrationYear:
    """The registration year ``day`` falls in: from 1 December it is the next year's."""
    year_starts = terms.year_starts if terms is not None else _USUAL_YEAR[0]
    starts_this_calendar_year = dt.date(day.year, *year_starts)
    if year_starts == (1, 1):
        return registration_year(day.year, terms)
    number = day.year + 1 if day >= starts_this_calendar_year else day.year
    return registration_year(number, terms)


def registration_year_at(now: dt.datetime, terms: SweTerms | None = None) -> RegistrationYear:
    """The registration year at an instant: the year changes at midnight UK time."""
    return registration_year_for(london_date(now), terms)


def no_cpd_needed(year: RegistrationYear, registered_on: dt.date | None, terms: SweTerms) -> bool:
    """Someone who first joined the register on or after the cut-off (1 September) of a
    registration year must renew but need not meet the CPD requirement for that year."""
    if registered_on is None:
        return False
    cut_off = dt.date(year.ends_on.year, *terms.no_cpd_if_joined_from)
    return cut_off <= registered_on <= year.ends_on


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


def swe_status(pieces: int, peer_pieces: int, *, terms: SweTerms, no_cpd: bool = False) -> Status:
    if no_cpd:
        return Status.NOT_DUE
    if pieces >= terms.pieces and peer_pieces >= terms.peer_pieces:
        return Status.READY
    return Status.NOT_READY


def swe_headline(
    pieces: int,
    peer_pieces: int,
    *,
    year: RegistrationYear,
    today: dt.date,
    terms: SweTerms,
    joined_on: dt.date | None = None,
    own: bool = True,
) -> str:
    """The one-line summary, from counts alone so the manager view can use its SQL counts.
    ``joined_on`` is given for someone who joined too late in the year to need CPD for it;
    ``own`` is False when a manager reads it about someone else."""
    if joined_on is not None and not own:
        return (
            f"Joined the register on {format_date(joined_on)}: no CPD asked for this "
            f"registration year; renewal still due by {format_date(year.ends_on)}"
        )
    if joined_on is not None:
        return (
            f"You joined the register on {format_date(joined_on)}: Social Work England does "
            "not ask for CPD for this registration year. You still need to renew by "
            f"{format_date(year.ends_on)}"
        )
    peer_met = peer_pieces >= terms.peer_pieces
    if pieces >= terms.pieces and peer_met:
        return (
            f"Ready for renewal: {_needed(pieces, terms.pieces, 'piece')}, "
            "including a peer reflection"
        )
    status = _needed(pieces, terms.pieces, "piece")
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
    entries: Iterable[EntryFacts],
    *,
    now: dt.datetime,
    registered_on: dt.date | None,
    terms: SweTerms,
) -> Readiness:
    """Social Work England renewal: the current registration year at ``now`` (UK time)."""
    entries = tuple(entries)
    today = london_date(now)
    year = registration_year_for(today, terms)
    starts_on = _effective_start(year, registered_on)

    if registered_on is not None and registered_on > today:
        candidates: tuple[EntryFacts, ...] = ()  # not registered yet: nothing counts yet
    else:
        candidates = tuple(
            sorted(
                (e for e in entries if counts_for_swe_year(e, year, registered_on=registered_on)),
                key=lambda e: e.id,
            )
        )
    # The pieces must be different: records with the same content count once (the first
    # recorded), and have a peer reflection if any of the copies has one.
    first_of: dict[tuple, EntryFacts] = {}
    peer_keys: set[tuple] = set()
    problems = []
    for e in candidates:
        key = content_key(e)
        if key in first_of:
            problems.append(
                (
                    e.dated,
                    e.id,
                    f"{_name(e)} is the same as an entry you recorded before: identical "
                    "records count as one piece of CPD",
                )
            )
        else:
            first_of[key] = e
        if has_peer_reflection(e):
            peer_keys.add(key)
    counted = tuple(first_of.values())
    pieces = len(counted)
    peer_pieces = len(peer_keys)

    problems += [
        (e.dated, e.id, problem)
        for e in entries
        if (problem := _swe_problem(e, year, starts_on)) is not None
    ]
    no_cpd = no_cpd_needed(year, registered_on, terms)
    if no_cpd:
        checks: tuple[Check, ...] = (
            Check(
                label="CPD for this registration year",
                met=True,
                detail=f"not asked: you first joined the register on {format_date(registered_on)}",
            ),
        )
    else:
        checks = (
            Check(
                label=f"{_plural(terms.pieces, 'different piece')} of CPD dated in this "
                "registration year",
                met=pieces >= terms.pieces,
                detail=_needed(pieces, terms.pieces, "piece"),
            ),
            Check(
                label=f"{_plural(terms.peer_pieces, 'piece')} of CPD with a peer reflection",
                met=peer_pieces >= terms.peer_pieces,
                detail="present" if peer_pieces >= terms.peer_pieces else "missing",
            ),
        )
    return Readiness(
        regulator=Regulator.SWE,
        status=swe_status(pieces, peer_pieces, terms=terms, no_cpd=no_cpd),
        headline=swe_headline(
            pieces,
            peer_pieces,
            year=year,
            today=today,
            terms=terms,
            joined_on=registered_on if no_cpd else None,
        ),
        checks=checks,
        period_label=year.label,
        deadline=year.ends_on,
        days_left=(year.ends_on - today).days,
        counted_ids=frozenset(e.id for e in counted),
        problems=tuple(p for _, _, p in sorted(problems)),
    )


# --- HCPC ------------------------------------------------------------------------------------


def hcpc_readiness(
    entries: Iterable[EntryFacts],
    *,
    today: dt.date,
    registered_on: dt.date | None,
    terms: HcpcTerms,
    profession: str | None = None,
) -> Readiness:
    """HCPC audit readiness: a continuous record of a mix of activities, and the renewal
    deadline of the person's profession (each profession renews on its own 2-year cycle).

    The profile covers the last 2 years (from the day after today two years ago, to today),
    or from the registration date if that is later. Complete entries dated in it count. Gaps
    are measured between the start of the profile, each entry and today; one of 3 months or
    more has to be explained.
    """
    back_to = today - relativedelta(years=terms.profile_years)  # exclusive
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
        if start + relativedelta(months=terms.gap_months) <= end:
            months = _whole_months(start, end)
            gaps.append(
                f"No CPD from {format_date(start)} to {format_date(end)} "
                f"({_plural(months, 'month')}): be ready to explain this gap"
            )
    types = {e.activity_type for e in counted if e.activity_type is not None}

    span = (
        f"since you registered on {format_date(anchor)}"
        if since_registration
        else f"over the last {terms.profile_years} years"
    )
    checks = (
        Check(
            label=f"CPD recorded {span}",
            met=bool(counted),
            detail=_plural(len(counted), "entry", "entries") if counted else "none",
        ),
        Check(
            label=f"No gaps of {terms.gap_months} months or more",
            met=not gaps,
            detail=_plural(len(gaps), "gap") if gaps else "none",
        ),
        Check(
            label=f"A mix of activities (the council reads this as {terms.min_activity_types} "
            "or more types; HCPC sets no number)",
            met=len(types) >= terms.min_activity_types,
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
            reasons.append(f"{_plural(len(gaps), 'gap')} of {terms.gap_months} months or more")
        if not types:
            reasons.append("no type of activity recorded")
        elif len(types) < terms.min_activity_types:
            reasons.append(f"only {_plural(len(types), 'type')} of activity")
        headline = "Not audit-ready: " + ", ".join(reasons)

    found = terms.profession(profession)
    deadline = found.next_deadline(today) if found else None
    if deadline is not None:
        headline += f" — renewal for {found.name.lower()} due by {format_date(deadline)}"
    note = None
    if found is not None and found.to_confirm:
        note = (
            f"The renewal date for {found.name.lower()} is the council's record of HCPC's "
            "cycle: check it against HCPC's published renewal dates."
        )

    return Readiness(
        regulator=Regulator.HCPC,
        status=Status.READY if ready else Status.NOT_READY,
        headline=headline,
        checks=checks,
        period_label=f"{format_date(first_day)} to {format_date(today)}",
        deadline=deadline,
        days_left=(deadline - today).days if deadline else None,
        counted_ids=frozenset(e.id for e in counted),
        problems=tuple(gaps),
        note=note,
    )


# --- NMC -------------------------------------------------------------------------------------


def nmc_application_date(revalidation_due_on: dt.date) -> dt.date:
    """The NMC's application date: the 1st of the month the revalidation date falls in."""
    return revalidation_due_on.replace(day=1)


def nmc_readiness(
    entries: Iterable[EntryFacts],
    *,
    today: dt.date,
    revalidation_due_on: dt.date | None,
    terms: NmcTerms,
    dual_registrant: bool = False,
    discussion_on: dt.date | None = None,
) -> Readiness:
    """NMC revalidation readiness over the 3 years up to the revalidation date (or today).

    All eight requirements are checks. The tracker records four: CPD hours (with the
    participatory part), written reflective accounts that name a part of the Code (a complete
    entry with its learning and impact written up and tagged with an NMC Code theme), and the
    date of the reflective discussion with another NMC registrant. Practice hours, feedback,
    the health and character declaration, indemnity and the confirmation are confirmed in
    MyNMC, so the tracker never calls a nurse "Ready": at best "CPD ready", with what is left
    to confirm there. The application is due by the 1st of the revalidation month and can be
    made from 60 days before it.
    """
    cycle_ends_on = revalidation_due_on or today
    first_day = cycle_ends_on - relativedelta(years=terms.cycle_years) + dt.timedelta(days=1)
    last_day = min(cycle_ends_on, today)
    counted = [e for e in entries if e.is_complete and first_day <= e.dated <= last_day]
    hours = sum((e.hours or Decimal(0) for e in counted), Decimal(0))
    participatory = sum(
        (
            e.hours or Decimal(0)
            for e in counted
            if e.activity_type is not None and e.activity_type.participatory
        ),
        Decimal(0),
    )
    accounts = sum(
        1 for e in counted if e.learning.strip() and e.impact.strip() and e.names_nmc_code
    )
    discussed = discussion_on is not None and first_day <= discussion_on <= last_day
    practice_hours = terms.dual_practice_hours if dual_registrant else terms.practice_hours

    confirm = "confirm in MyNMC"
    checks = (
        Check(
            label=f"{terms.hours} hours of CPD, {terms.participatory_hours} of them participatory",
            met=hours >= terms.hours and participatory >= terms.participatory_hours,
            detail=f"{_needed(hours, terms.hours, 'hour')}, "
            f"{format_hours(participatory)} participatory ({terms.participatory_hours} needed)",
        ),
        Check(
            label=f"{terms.reflective_accounts} written reflective accounts, each naming the "
            "part of the Code it relates to",
            met=accounts >= terms.reflective_accounts,
            detail=f"{_needed(accounts, terms.reflective_accounts, 'account')} "
            "(complete entries tagged with an NMC Code theme)",
        ),
        Check(
            label="A reflective discussion with another NMC registrant",
            met=discussed,
            detail=f"on {format_date(discussion_on)}"
            if discussed
            else "not recorded in this revalidation period",
        ),
        Check(
            label=f"{practice_hours} practice hours"
            + (" (dual registrant)" if dual_registrant else ""),
            met=False,
            detail=confirm,
            tracked=False,
        ),
        Check(
            label=f"{terms.feedback_pieces} pieces of practice-related feedback",
            met=False,
            detail=confirm,
            tracked=False,
        ),
        Check(label="Health and character declaration", met=False, detail=confirm, tracked=False),
        Check(label="Professional indemnity arrangement", met=False, detail=confirm, tracked=False),
        Check(
            label="Confirmation by an appropriate person", met=False, detail=confirm, tracked=False
        ),
    )
    to_confirm = len([c for c in checks if not c.tracked])
    tracked_met = all(c.met for c in checks if c.tracked)
    applies_on = nmc_application_date(revalidation_due_on) if revalidation_due_on else None
    if tracked_met:
        headline = (
            f"CPD ready for revalidation — {_plural(to_confirm, 'thing')} to confirm in MyNMC"
        )
    else:
        headline = (
            f"{_needed(hours, terms.hours, 'hour')} "
            f"({format_hours(participatory)} participatory, {terms.participatory_hours} needed)"
        )
        if accounts < terms.reflective_accounts:
            headline += f", {_needed(accounts, terms.reflective_accounts, 'reflective account')}"
        if not discussed:
            headline += ", reflective discussion not recorded"
    if applies_on is None:
        headline += " — revalidation date not recorded"
    elif applies_on < today:
        headline += f" — application was due by {format_date(applies_on)}"
    else:
        opens_on = applies_on - dt.timedelta(days=terms.window_days)
        headline += f" — apply by {format_date(applies_on)}"
        if today < opens_on:
            headline += f" (you can apply from {format_date(opens_on)})"

    return Readiness(
        regulator=Regulator.NMC,
        status=Status.TO_CONFIRM if tracked_met else Status.NOT_READY,
        headline=headline,
        checks=checks,
        period_label=f"{format_date(first_day)} to {format_date(cycle_ends_on)}",
        deadline=applies_on,
        days_left=(applies_on - today).days if applies_on else None,
        counted_ids=frozenset(e.id for e in counted),
        confirm_where="NMC Online/MyNMC",
        note=f"Your revalidation date is {format_date(revalidation_due_on)}: the NMC needs your "
        f"application by {format_date(applies_on)}."
        if applies_on
        else None,
    )


# --- dispatch --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    """A person's registration facts, from their CPD profile."""

    registered_on: dt.date | None = None  # when they first joined the register
    revalidation_due_on: dt.date | None = None  # NMC
    dual_registrant: bool = False  # NMC: registered as both a nurse and a midwife
    discussion_on: dt.date | None = None  # NMC reflective discussion
    profession: str | None = None  # HCPC profession code


def readiness_for(
    regulator: Regulator,
    entries: Iterable[EntryFacts],
    *,
    now: dt.datetime,
    terms: Terms,
    registration: Registration | None = None,
) -> Readiness | None:
    """The person's readiness for their regulator; None if they need no registration."""
    reg = registration or Registration()
    if regulator is Regulator.SWE:
        return swe_readiness(entries, now=now, registered_on=reg.registered_on, terms=terms.swe)
    if regulator is Regulator.HCPC:
        return hcpc_readiness(
            entries,
            today=london_date(now),
            registered_on=reg.registered_on,
            terms=terms.hcpc,
            profession=reg.profession,
        )
    if regulator is Regulator.NMC:
        return nmc_readiness(
            entries,
            today=london_date(now),
            revalidation_due_on=reg.revalidation_due_on,
            terms=terms.nmc,
            dual_registrant=reg.dual_registrant,
            discussion_on=reg.discussion_on,
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


def _needed(count: int | Decimal, target: int, word: str) -> str:
    """'3 pieces (2 needed)', '1 piece (2 needed)', '30 hours (35 needed)'."""
    shown = format_hours(count) if isinstance(count, Decimal) else str(count)
    noun = word if count == 1 else word + "s"
    return f"{shown} {noun} ({target} needed)"


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
