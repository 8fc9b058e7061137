"""The portfolio: a person's evidence on a programme — reads and writes.

Seven kinds of evidence, each with the fields the ASYE framework asks of it (``KIND_FIELDS``):
direct observations, feedback from a child, family or person supported and from another
professional (recorded without identifying details: the CPD confidentiality check refuses
text that looks identifying), assessed written work, critical reflections (which can also
become a draft CPD entry), development plans per period and self-assessments scored 1–4
against each item of the template's frameworks.

Every piece counts towards one review point: the first one due on or after its date (the
moderation panel collects nothing), unless the person chose one. A review point that is
signed off is locked: its evidence cannot be added, changed or removed until the WFLD team
reopens it. Services take ``actor``, ``now`` and ``today``, raise ``RuleBroken`` with GOV.UK
messages, flush and never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from wfld.accounts.audit import record
from wfld.accounts.models import User
from wfld.core.dates import long_date
from wfld.core.errors_domain import RuleBroken, check_version
from wfld.core.text import clean_text
from wfld.cpd import services as cpd_services
from wfld.cpd.confidentiality import Finding, scan
from wfld.extensions import db
from wfld.frameworks.models import FrameworkItem, FrameworkVersion
from wfld.programmes import queries
from wfld.programmes.coverage import Point, depth_first, points_of
from wfld.programmes.models import (
    Enrolment,
    Evidence,
    SelfAssessmentScore,
    programme_template_frameworks,
)
from wfld.programmes.rules import EvidenceKind, is_locked, review_point_for

# --- what each kind records -------------------------------------------------------------------

# The fields of a piece each kind uses, besides its title and date ("items": framework items
# evidenced; "scores": a self-assessment's score per item).
KIND_FIELDS: dict[EvidenceKind, tuple[str, ...]] = {
    EvidenceKind.DIRECT_OBSERVATION: ("setting", "observer", "items", "assessment", "reflection"),
    EvidenceKind.FEEDBACK_PERSON: ("observer", "body", "reflection", "items"),
    EvidenceKind.FEEDBACK_PROFESSIONAL: ("observer", "body", "reflection", "items"),
    EvidenceKind.WRITTEN_WORK: ("body", "assessment", "items"),
    EvidenceKind.CRITICAL_REFLECTION: ("reflection", "items"),
    EvidenceKind.DEVELOPMENT_PLAN: ("body",),
    EvidenceKind.SELF_ASSESSMENT: ("scores",),
}

FEEDBACK_KINDS = frozenset({EvidenceKind.FEEDBACK_PERSON, EvidenceKind.FEEDBACK_PROFESSIONAL})

# What each kind must have, and the GOV.UK message when it is missing. The observer's
# assessment, the assessor's comments and the NQSW's reflection on an observation or feedback
# often come later, so they may be added by an edit.
REQUIRED: dict[EvidenceKind, dict[str, str]] = {
    EvidenceKind.DIRECT_OBSERVATION: {
        "title": "Enter what was observed",
        "setting": "Enter the setting, for example a home visit",
        "observer": "Enter who observed you, for example your assessor",
    },
    EvidenceKind.FEEDBACK_PERSON: {
        "title": "Enter a title",
        "observer": "Enter who gave the feedback, by their relationship, not their name",
        "body": "Enter the feedback",
    },
    EvidenceKind.FEEDBACK_PROFESSIONAL: {
        "title": "Enter a title",
        "observer": "Enter who gave the feedback, by their role, not their name",
        "body": "Enter the feedback",
    },
    EvidenceKind.WRITTEN_WORK: {
        "title": "Enter the title of the work",
        "body": "Enter a summary of the work",
    },
    EvidenceKind.CRITICAL_REFLECTION: {
        "title": "Enter a title",
        "reflection": "Enter your reflection",
    },
    EvidenceKind.DEVELOPMENT_PLAN: {
        "title": "Enter the period, for example months 3 to 6",
        "body": "Enter the plan",
    },
    EvidenceKind.SELF_ASSESSMENT: {"title": "Enter a title, for example midway self-assessment"},
}

# How the fields are named in messages (the confidentiality check says which one to change).
FIELD_NAMES = {
    "title": "The title",
    "setting": "The setting",
    "observer": "Who gave it",
    "assessment": "The assessment",
    "body": "The feedback",
    "reflection": "Your reflection",
}

SCORES = range(1, 5)  # 1 emerging … 4 confident
SCORE_LABELS = {1: "1 Emerging", 2: "2 Developing", 3: "3 Secure", 4: "4 Confident"}


def score_field(item_id: int) -> str:
    """The form field (and error key) of one item's self-assessment score."""
    return f"score_{item_id}"


@dataclass(frozen=True)
class EvidenceText:
    """What a person writes in a piece (fields its kind does not use are ignored)."""

    title: str
    occurred_on: dt.date | None
    setting: str = ""
    observer: str = ""
    assessment: str = ""
    body: str = ""
    reflection: str = ""


# --- reads ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemChoice:
    item: FrameworkItem
    depth: int


@dataclass(frozen=True)
class ItemGroup:
    """A framework's items the template assesses against, in reading order."""

    framework: str
    items: tuple[ItemChoice, ...]


def item_groups(enrolment: Enrolment) -> list[ItemGroup]:
    """The items evidence may be tagged with and a self-assessment scores: those of the
    framework versions the enrolment's template version names (not retired), one statement."""
    rows = db.session.scalars(
        select(FrameworkItem)
        .join(FrameworkItem.version)
        .join(FrameworkVersion.framework)
        .join(
            programme_template_frameworks,
            programme_template_frameworks.c.framework_version_id == FrameworkVersion.id,
        )
        .where(
            programme_template_frameworks.c.template_id == enrolment.template_id,
            FrameworkItem.is_retired.is_(False),
        )
        .options(contains_eager(FrameworkItem.version).contains_eager(FrameworkVersion.framework))
    ).all()
    order = {ref.code: i for i, ref in enumerate(enrolment.template.spec.frameworks)}
    by_framework: dict[str, list[FrameworkItem]] = {}
    for item in rows:
        by_framework.setdefault(item.version.framework.code, []).append(item)
    groups = []
    for code in sorted(by_framework, key=lambda c: (order.get(c, len(order)), c)):
        items = by_framework[code]
        keyed = [_Node(item.id, item.parent_id, item.position, item) for item in items]
        groups.append(
            ItemGroup(
                items[0].version.framework.title,
                tuple(ItemChoice(node.item, depth) for node, depth in depth_first(keyed)),
            )
        )
    return groups


@dataclass(frozen=True)
class _Node:
    item_id: int
    parent_id: int | None
    position: int
    item: FrameworkItem


def find_evidence(piece_id: int) -> Evidence | None:
    """A piece with its enrolment (and the enrolment's template and person), its items and its
    scores: what the permission predicates and the page read."""
    return db.session.scalar(
        select(Evidence)
        .where(Evidence.id == piece_id)
        .options(
            joinedload(Evidence.enrolment).joinedload(Enrolment.template),
            joinedload(Evidence.enrolment).joinedload(Enrolment.staff),
            joinedload(Evidence.enrolment).selectinload(Enrolment.milestones),
            selectinload(Evidence.items)
            .joinedload(FrameworkItem.version)
            .joinedload(FrameworkVersion.framework),
            selectinload(Evidence.scores).joinedload(SelfAssessmentScore.item),
            joinedload(Evidence.updated_by),
        )
    )


def list_evidence_of(enrolment: Enrolment) -> list[Evidence]:
    """The portfolio, oldest first (the list groups it by kind); nothing it iterates is
    loaded lazily."""
    return list(
        db.session.scalars(
            select(Evidence)
            .where(Evidence.enrolment_id == enrolment.id)
            .order_by(Evidence.occurred_on, Evidence.id)
        )
    )


@dataclass(frozen=True)
class KindSummary:
    kind: EvidenceKind
    needed: int  # the template's minimum by the final review (0: none set)
    pieces: tuple[Evidence, ...]

    @property
    def have(self) -> int:
        return len(self.pieces)

    @property
    def met(self) -> bool:
        return self.have >= self.needed


def by_kind(enrolment: Enrolment, pieces: Sequence[Evidence]) -> list[KindSummary]:
    """The portfolio by kind, each with the count it needs by the end of the programme."""
    needed = enrolment.template.spec.final_minimums()
    return [
        KindSummary(kind, needed.get(kind, 0), tuple(p for p in pieces if p.kind is kind))
        for kind in EvidenceKind
    ]


def review_points(enrolment: Enrolment) -> tuple[Point, ...]:
    return points_of(enrolment.template.spec)


def point_labels(enrolment: Enrolment) -> dict[str, str]:
    return {p.key: p.label for p in enrolment.template.spec.review_points}


# --- rules ---------------------------------------------------------------------------------


def _clean(text: str | None) -> str:
    return clean_text(text or "").replace("\r\n", "\n").strip()


def locked_message(enrolment: Enrolment, key: str) -> str | None:
    """Why evidence at review point ``key`` cannot change, if it cannot."""
    for milestone in enrolment.milestones:
        if milestone.key == key and is_locked(milestone.state):
            label = point_labels(enrolment).get(key, key)
            return (
                f"The {label[:1].lower()}{label[1:]} is signed off: ask the WFLD team to reopen it"
            )
    return None


def identifying_errors(kind: EvidenceKind, values: Mapping[str, str]) -> dict[str, str]:
    """Feedback is recorded without identifying details: the CPD confidentiality check's
    findings, one message per field naming what looks identifying."""
    if kind not in FEEDBACK_KINDS:
        return {}
    fields = ("title", "observer", "body", "reflection")
    return _finding_messages(scan({name: values.get(name, "") for name in fields}))


def _finding_messages(findings: Sequence[Finding]) -> dict[str, str]:
    found: dict[str, list[Finding]] = {}
    for finding in findings:
        found.setdefault(finding.field, []).append(finding)
    return {
        name: (
            f"{FIELD_NAMES.get(name, 'The text')} looks as if it identifies someone: "
            + "; ".join(f"“{f.excerpt}” looks like {f.kind}" for f in items)
            + ". Remove identifying details"
        )
        for name, items in found.items()
    }


def _point_for(
    enrolment: Enrolment, occurred_on: dt.date, chosen: str | None, errors: dict[str, str]
) -> str:
    points = review_points(enrolment)
    if chosen:
        if chosen not in {p.key for p in points}:
            errors["review_key"] = "Select a review point from the list"
        return chosen
    return automatic_point(enrolment, occurred_on)


def automatic_point(enrolment: Enrolment, day: dt.date) -> str:
    """The review point a piece dated ``day`` counts towards unless the person chooses one:
    the first due on or after it (never the moderation panel)."""
    keys = {p.key for p in review_points(enrolment)}
    return review_point_for([d for d in queries.dates_of(enrolment) if d.key in keys], day)


def evidence_errors(
    *,
    enrolment: Enrolment,
    kind: EvidenceKind,
    text: EvidenceText,
    item_ids: set[int],
    scores: Mapping[int, int],
    review_key: str | None,
    today: dt.date,
) -> dict[str, str]:
    """The piece's problems by field, for a form whose own checks failed to show with its own
    (every problem on the first submission, not one round after another)."""
    try:
        _checked(
            enrolment=enrolment,
            kind=kind,
            text=text,
            item_ids=item_ids,
            scores=scores,
            review_key=review_key,
            today=today,
        )
    except RuleBroken as broken:
        return broken.errors
    return {}


def _checked(
    *,
    enrolment: Enrolment,
    kind: EvidenceKind,
    text: EvidenceText,
    item_ids: set[int],
    scores: Mapping[int, int],
    review_key: str | None,
    today: dt.date,
) -> tuple[dict[str, str], str]:
    """The piece's values as its kind keeps them, and its review point — or RuleBroken with
    every problem at once."""
    uses = KIND_FIELDS[kind]
    values = {
        name: _clean(getattr(text, name))
        for name in ("title", "setting", "observer", "assessment", "body", "reflection")
        if name == "title" or name in uses
    }
    errors: dict[str, str] = {}
    for name, message in REQUIRED[kind].items():
        if not values.get(name):
            errors[name] = message
    if len(values["title"]) > 200:
        errors["title"] = "Title must be 200 characters or fewer"
    for name in ("setting", "observer"):
        if len(values.get(name, "")) > 200:
            errors[name] = f"{FIELD_NAMES[name]} must be 200 characters or fewer"
    key = ""
    if text.occurred_on is None:
        errors["occurred_on"] = "Enter the date"
    elif text.occurred_on < enrolment.start_date:
        errors["occurred_on"] = (
            f"Date must be on or after the start of the programme, "
            f"{long_date(enrolment.start_date)}"
        )
    elif text.occurred_on > today:
        errors["occurred_on"] = "Date must be today or in the past"
    else:
        key = _point_for(enrolment, text.occurred_on, review_key, errors)
    offered = [c.item for group in item_groups(enrolment) for c in group.items]
    allowed = {item.id for item in offered}
    if "items" in uses and not item_ids <= allowed:
        errors["items"] = "Select framework items from the list"
    if "scores" in uses:
        if not allowed:
            errors["scores"] = "This programme has no framework items to score yourself against"
        elif not set(scores) <= allowed:
            errors["scores"] = "Score only the framework items listed"
        for item in offered:
            if item.id not in scores:
                errors[score_field(item.id)] = f"Select a score for {item.code} {item.title}"
            elif scores[item.id] not in SCORES:
                errors[score_field(item.id)] = (
                    f"Score for {item.code} {item.title} must be from 1 to 4"
                )
    for name, message in identifying_errors(kind, values).items():
        errors.setdefault(name, message)
    if key and "review_key" not in errors:
        locked = locked_message(enrolment, key)
        if locked:
            errors["review_key"] = locked
    if errors:
        raise RuleBroken(errors)
    return values, key


def _apply(
    piece: Evidence,
    values: Mapping[str, str],
    *,
    occurred_on: dt.date,
    key: str,
    item_ids: set[int],
    scores: Mapping[int, int],
) -> None:
    uses = KIND_FIELDS[piece.kind]
    piece.title = values["title"]
    piece.occurred_on = occurred_on
    piece.review_key = key
    for name in ("setting", "observer", "assessment", "body", "reflection"):
        setattr(piece, name, values.get(name, ""))
    wanted = item_ids if "items" in uses else set()
    if {item.id for item in piece.items} != wanted:
        piece.items = (
            list(db.session.scalars(select(FrameworkItem).where(FrameworkItem.id.in_(wanted))))
            if wanted
            else []
        )
    if "scores" in uses:
        kept = {score.item_id: score for score in piece.scores}
        for item_id in set(kept) - set(scores):
            piece.scores.remove(kept[item_id])
        for item_id, value in scores.items():
            if item_id in kept:
                kept[item_id].score = value
            else:
                piece.scores.append(SelfAssessmentScore(item_id=item_id, score=value))


# --- writes --------------------------------------------------------------------------------


def add_evidence(
    *,
    enrolment: Enrolment,
    kind: EvidenceKind,
    text: EvidenceText,
    item_ids: set[int] = frozenset(),
    scores: Mapping[int, int] | None = None,
    review_key: str | None = None,
    actor: User,
    now: dt.datetime,
    today: dt.date,
) -> Evidence:
    """Add a piece to the portfolio. ``review_key`` None: the review point its date falls in."""
    scores = dict(scores or {})
    values, key = _checked(
        enrolment=enrolment,
        kind=kind,
        text=text,
        item_ids=set(item_ids),
        scores=scores,
        review_key=review_key,
        today=today,
    )
    piece = Evidence(
        enrolment_id=enrolment.id,
        kind=kind,
        created_at=now,
        created_by_id=actor.id,
        updated_at=now,
        updated_by_id=actor.id,
        items=[],
        scores=[],
    )
    _apply(
        piece,
        values,
        occurred_on=text.occurred_on,
        key=key,
        item_ids=set(item_ids),
        scores=scores,
    )
    db.session.add(piece)
    db.session.flush()
    return piece


def update_evidence(
    *,
    piece: Evidence,
    text: EvidenceText,
    item_ids: set[int] = frozenset(),
    scores: Mapping[int, int] | None = None,
    review_key: str | None = None,
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
    today: dt.date,
) -> Evidence:
    """Change a piece (its kind stays). Neither the review point it counted towards nor the
    one it moves to may be signed off."""
    check_version(piece, expected_version)
    locked = locked_message(piece.enrolment, piece.review_key)
    if locked:
        raise RuleBroken({"review_key": locked})
    scores = dict(scores or {})
    values, key = _checked(
        enrolment=piece.enrolment,
        kind=piece.kind,
        text=text,
        item_ids=set(item_ids),
        scores=scores,
        review_key=review_key,
        today=today,
    )
    _apply(
        piece,
        values,
        occurred_on=text.occurred_on,
        key=key,
        item_ids=set(item_ids),
        scores=scores,
    )
    piece.updated_at = now
    piece.updated_by_id = actor.id
    db.session.flush()
    return piece


def remove_evidence(
    *, piece: Evidence, expected_version: int | None, actor: User, now: dt.datetime
) -> None:
    """Take a piece out of the portfolio (a CPD entry made from it stays in the CPD log).
    Recorded in the audit log: a portfolio is what the moderation panel relies on."""
    check_version(piece, expected_version)
    locked = locked_message(piece.enrolment, piece.review_key)
    if locked:
        raise RuleBroken({"confirm": locked})
    record(
        "programme_evidence_removed",
        now=now,
        actor=actor,
        subject=piece,
        enrolment_id=piece.enrolment_id,
        kind=piece.kind.value,
    )
    piece.items = []
    db.session.flush()
    db.session.delete(piece)
    db.session.flush()


def copy_to_cpd(*, piece: Evidence, actor: User, now: dt.datetime, today: dt.date) -> int:
    """Make a critical reflection a draft entry in the person's CPD log (once), tagged with
    the framework items it evidences; the id of the entry. The CPD log's own confidentiality
    check applies: text that looks identifying is refused with what to change."""
    if piece.kind is not EvidenceKind.CRITICAL_REFLECTION:
        raise RuleBroken({"cpd": "Only a critical reflection can become a CPD entry"})
    if piece.cpd_entry_id is not None:
        raise RuleBroken({"cpd": "This reflection is already in your CPD log"})
    enrolment = piece.enrolment
    item_ids = {item.id for item in piece.items}
    text = cpd_services.EntryText(
        title=piece.title,
        started_on=piece.occurred_on,
        ended_on=None,
        activity_type=None,
        hours=None,
        description=f"A critical reflection from my {enrolment.template.name}.",
        learning=piece.reflection,
        impact="",
        peer_reflection=None,
        peer_role=None,
    )
    try:
        entry = cpd_services.save_entry(
            staff=enrolment.staff,
            entry=None,
            text=text,
            complete=False,
            tag_ids=item_ids,
            allowed_tag_ids=item_ids,
            share=None,
            confirmed_digest=None,
            actor=actor,
            now=now,
            today=today,
        )
    except cpd_services.NeedsConfidentialityCheck as check:
        named = {"title": "The title", "learning": "Your reflection"}
        raise RuleBroken(
            {
                "cpd": "This reflection looks as if it identifies someone ("
                + "; ".join(
                    f"{named.get(f.field, 'the text')}: “{f.excerpt}” looks like {f.kind}"
                    for f in check.findings
                )
                + "): change it before making it a CPD entry"
            }
        ) from None
    piece.cpd_entry_id = entry.id
    db.session.flush()
    return entry.id
