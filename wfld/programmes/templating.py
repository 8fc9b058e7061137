"""Programme templates as WFLD admins see and change them: reads for the template pages, the
words that describe a template, and the writes that change, publish and retire versions.

A published version is never changed: an edit saves the next version (as a draft), because
enrolments keep the version they started on. A draft is nobody's yet (only published
versions are offered for new cohorts), so it is edited in place. Publishing a version
retires the published versions before it for new cohorts; cohorts already running keep
theirs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from wfld.accounts.audit import record
from wfld.accounts.models import User
from wfld.core.errors_domain import RuleBroken, check_version
from wfld.extensions import db
from wfld.frameworks.models import Framework, FrameworkVersion
from wfld.organisation.models import JobRole
from wfld.programmes import services
from wfld.programmes.models import Cohort, Enrolment, ProgrammeTemplate, TemplateStatus
from wfld.programmes.rules import (
    CadenceBand,
    EvidenceKind,
    ReviewPoint,
    Signer,
    TemplateInvalid,
    TemplateSpec,
    parse_template,
)

# --- reads ---------------------------------------------------------------------------------


def list_latest_templates() -> list[ProgrammeTemplate]:
    """Each template code's newest version, by name (one statement)."""
    newest = (
        select(ProgrammeTemplate.code, func.max(ProgrammeTemplate.version).label("version"))
        .group_by(ProgrammeTemplate.code)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(ProgrammeTemplate)
            .join(
                newest,
                (ProgrammeTemplate.code == newest.c.code)
                & (ProgrammeTemplate.version == newest.c.version),
            )
            .order_by(ProgrammeTemplate.name, ProgrammeTemplate.code)
        )
    )


@dataclass(frozen=True)
class VersionRow:
    template: ProgrammeTemplate
    created_by: str | None
    cohorts: int


def list_versions(code: str) -> list[VersionRow]:
    """Every version of template ``code``, newest first, with who made it and how many
    cohorts run on it (three statements, however many versions)."""
    templates = list(
        db.session.scalars(
            select(ProgrammeTemplate)
            .where(ProgrammeTemplate.code == code)
            .order_by(ProgrammeTemplate.version.desc())
        )
    )
    user_ids = {t.created_by_id for t in templates if t.created_by_id}
    names = (
        dict(
            db.session.execute(
                select(User.id, User.display_name).where(User.id.in_(user_ids))
            ).all()
        )
        if user_ids
        else {}
    )
    counts = dict(
        db.session.execute(
            select(Cohort.template_id, func.count())
            .where(Cohort.template_id.in_([t.id for t in templates]))
            .group_by(Cohort.template_id)
        ).all()
    )
    return [VersionRow(t, names.get(t.created_by_id), counts.get(t.id, 0)) for t in templates]


@dataclass(frozen=True)
class CohortRow:
    cohort: Cohort
    members: int


def list_cohorts_using(template_id: int) -> list[CohortRow]:
    """The cohorts on one template version, newest intake first, with their member counts."""
    members = (
        select(Enrolment.cohort_id, func.count().label("members"))
        .group_by(Enrolment.cohort_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Cohort, func.coalesce(members.c.members, 0))
        .outerjoin(members, members.c.cohort_id == Cohort.id)
        .where(Cohort.template_id == template_id)
        .order_by(Cohort.starts_on.desc(), Cohort.intake)
    )
    return [CohortRow(cohort, count) for cohort, count in rows]


def find_template_for_page(template_id: int) -> ProgrammeTemplate | None:
    """A template version with what its page shows of it: frameworks and progression role."""
    return db.session.scalar(
        select(ProgrammeTemplate)
        .where(ProgrammeTemplate.id == template_id)
        .options(
            selectinload(ProgrammeTemplate.framework_versions).joinedload(
                FrameworkVersion.framework
            ),
            selectinload(ProgrammeTemplate.progression_role),
        )
    )


def find_newer_draft(template: ProgrammeTemplate) -> ProgrammeTemplate | None:
    """A draft of the same template newer than ``template``: edits go there, not into a second
    draft beside it."""
    return db.session.scalar(
        select(ProgrammeTemplate)
        .where(
            ProgrammeTemplate.code == template.code,
            ProgrammeTemplate.version > template.version,
            ProgrammeTemplate.status == TemplateStatus.DRAFT,
        )
        .order_by(ProgrammeTemplate.version.desc())
        .limit(1)
    )


def find_framework_version(code: str, label: str) -> FrameworkVersion | None:
    """A framework's version by the framework's code and the version's label ("PCF", "2018")."""
    return db.session.scalar(
        select(FrameworkVersion)
        .join(Framework)
        .where(Framework.code == code, FrameworkVersion.label == label)
        .order_by(FrameworkVersion.number.desc())
        .limit(1)
    )


def list_role_choices() -> list[JobRole]:
    return list(
        db.session.scalars(
            select(JobRole).where(JobRole.is_active.is_(True)).order_by(JobRole.title)
        )
    )


# --- words ---------------------------------------------------------------------------------

SIGNER_WORDS = {
    Signer.ASSESSOR: "the assessor",
    Signer.LINE_MANAGER: "the line manager",
    Signer.SUPERVISOR: "the supervisor",
}

ONE_PIECE = {
    EvidenceKind.DIRECT_OBSERVATION: "1 direct observation",
    EvidenceKind.FEEDBACK_PERSON: "1 piece of feedback from a child, family or person supported",
    EvidenceKind.FEEDBACK_PROFESSIONAL: "1 piece of feedback from another professional",
    EvidenceKind.WRITTEN_WORK: "1 assessed piece of written work",
    EvidenceKind.CRITICAL_REFLECTION: "1 critical reflection",
    EvidenceKind.DEVELOPMENT_PLAN: "1 development plan",
    EvidenceKind.SELF_ASSESSMENT: "1 self-assessment",
}


def count_words(kind: EvidenceKind, count: int) -> str:
    """ "1 direct observation", "3 direct observations"."""
    return ONE_PIECE[kind] if count == 1 else f"{count} {kind.plural}"


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def offset_words(point: ReviewPoint) -> str:
    """When a review point falls at full time: "3 months after the start"."""
    parts = []
    if point.months:
        parts.append(_plural(point.months, "month"))
    if point.weeks:
        parts.append(_plural(point.weeks, "week"))
    if not parts:
        return "At the start"
    return " and ".join(parts) + " after the start"


def signing_words(point: ReviewPoint) -> str:
    if point.panel:
        return "Recorded as the panel's decision, not signed off"
    words = f"Signed off by {SIGNER_WORDS[point.signer]}"
    if point.countersign is not None:
        words += f", then countersigned by {SIGNER_WORDS[point.countersign]}"
    return words


def minutes_words(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(_plural(hours, "hour"))
    if rest or not hours:
        parts.append(_plural(rest, "minute"))
    return " ".join(parts)


def band_words(band: CadenceBand) -> str:
    every = "every week" if band.every_weeks == 1 else f"every {band.every_weeks} weeks"
    weeks = (
        f"in week {band.from_week}"
        if band.from_week == band.to_week
        else f"in weeks {band.from_week} to {band.to_week}"
    )
    return f"{every.capitalize()} {weeks}"


def percent_words(percent: Decimal) -> str:
    text = format(percent.normalize(), "f")
    return f"{text}%"


@dataclass(frozen=True)
class PointMinimums:
    point: ReviewPoint
    words: tuple[str, ...]


def minimums_by_point(spec: TemplateSpec) -> list[PointMinimums]:
    """The evidence minimums in words, under the review point each is due by (a count is the
    total needed by then, not more on top)."""
    rows = []
    for point in spec.review_points:
        words = tuple(count_words(m.kind, m.count) for m in spec.evidence if m.by == point.key)
        if words:
            rows.append(PointMinimums(point, words))
    return rows


# --- writing a template document from the form ---------------------------------------------

# Messages of parse_template that name a key the form does not show (``review_points``,
# ``evidence``) go on the form's lists of rows; the others keep their field's name.
FIELD_FOR_KEY = {"review_points": "points", "evidence": "minimums"}


@dataclass(frozen=True)
class PointRow:
    key: str
    label: str
    months: int
    weeks: int
    optional: bool
    signer: Signer
    countersign: Signer | None
    panel: bool


@dataclass(frozen=True)
class MinimumRow:
    kind: EvidenceKind
    count: int
    by: str


@dataclass(frozen=True)
class TemplateEdit:
    """What the edit page submits, with blank rows already left out."""

    name: str
    description: str
    notes: str
    length_months: int
    protected_time_percent: Decimal
    session_minutes: int
    missed_threshold: int
    external_moderation: bool
    progression_role_id: int | None
    points: tuple[PointRow, ...]
    minimums: tuple[MinimumRow, ...]


def _new_key(label: str, taken: set[str]) -> str:
    """A key for a new review point from its label ("4-month review" → "4-month-review"); the
    key ties milestones and evidence to the point and never changes afterwards."""
    base = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:26] or "review"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


def _number(value: Decimal) -> int | float:
    """A percentage for the JSON document: whole numbers stay whole."""
    return int(value) if value == value.to_integral_value() else float(value)


def document_from(base: dict[str, Any], edit: TemplateEdit) -> dict[str, Any]:
    """``base`` (the version being changed) with the edit's fields; what the page does not
    edit (frameworks, supervision bands, off-the-job hours) is kept as it was. Review points
    are put in date order, as the rules want them."""
    taken = {p.key for p in edit.points if p.key}
    points = []
    for row in sorted(edit.points, key=lambda p: (p.months, p.weeks)):
        point: dict[str, Any] = {"key": row.key or _new_key(row.label, taken), "label": row.label}
        if row.months:
            point["months"] = row.months
        if row.weeks:
            point["weeks"] = row.weeks
        if row.optional:
            point["optional"] = True
        if row.signer is not Signer.ASSESSOR:
            point["signer"] = row.signer.value
        if row.countersign is not None:
            point["countersign"] = row.countersign.value
        if row.panel:
            point["panel"] = True
        points.append(point)
    document = dict(base)
    document.update(
        length_months=edit.length_months,
        review_points=points,
        evidence=[{"kind": m.kind.value, "count": m.count, "by": m.by} for m in edit.minimums],
        protected_time_percent=_number(edit.protected_time_percent),
        session_minutes=edit.session_minutes,
        missed_threshold=edit.missed_threshold,
        external_moderation=edit.external_moderation,
        notes=edit.notes,
    )
    return document


def _edit_errors(edit: TemplateEdit) -> dict[str, str]:
    """What the rules would refuse, said in the page's words (they name internal keys)."""
    errors: dict[str, str] = {}
    keys = {p.key for p in edit.points if p.key}
    if not edit.points:
        errors["points"] = "Add at least one review point"
    if any(m.by not in keys for m in edit.minimums):
        errors["minimums"] = (
            "An evidence minimum is due by a review point that is no longer in the template: "
            "choose another review point for it, or remove it"
        )
    return errors


# --- writes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateSaved:
    template: ProgrammeTemplate
    new_version: bool
    changed: bool


def save_template(
    *,
    template: ProgrammeTemplate,
    edit: TemplateEdit,
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
) -> TemplateSaved:
    """Change a draft in place, or save a published (or retired) version's change as the next
    version, a draft. Nothing changed: nothing saved."""
    check_version(template, expected_version)
    errors = _edit_errors(edit)
    if errors:
        raise RuleBroken(errors)
    document = document_from(template.document, edit)
    try:
        parse_template(document)
    except TemplateInvalid as invalid:
        raise RuleBroken(
            {FIELD_FOR_KEY.get(k, k): message for k, message in invalid.errors.items()}
        ) from None
    name, description = edit.name.strip(), edit.description.strip()
    if (
        document == template.document
        and name == template.name
        and description == (template.description or "")
        and edit.progression_role_id == template.progression_role_id
    ):
        return TemplateSaved(template, new_version=False, changed=False)
    if template.status is TemplateStatus.DRAFT:
        template.name = name
        template.description = description
        template.document = document
        template.progression_role_id = edit.progression_role_id
        db.session.flush()
        record(
            "programme_template_changed",
            now=now,
            actor=actor,
            subject=template,
            code=template.code,
            version=template.version,
        )
        return TemplateSaved(template, new_version=False, changed=True)
    newer = find_newer_draft(template)
    if newer is not None:
        raise RuleBroken(
            {"": f"Version {newer.version} of this template is a draft already: change that one"}
        )
    added = services.add_template_version(
        code=template.code,
        name=name,
        kind=template.kind,
        document=document,
        status=TemplateStatus.DRAFT,
        framework_versions=list(template.framework_versions),
        description=description,
        progression_role_id=edit.progression_role_id,
        actor=actor,
        now=now,
    )
    return TemplateSaved(added, new_version=True, changed=True)


def retire_older_published(
    template: ProgrammeTemplate, *, actor: User | None, now: dt.datetime
) -> None:
    """New cohorts get the newest published version only: older published ones retire (the
    cohorts already on them keep them)."""
    older = db.session.scalars(
        select(ProgrammeTemplate).where(
            ProgrammeTemplate.code == template.code,
            ProgrammeTemplate.version < template.version,
            ProgrammeTemplate.status == TemplateStatus.PUBLISHED,
        )
    )
    for previous in older:
        previous.status = TemplateStatus.RETIRED
        record(
            "programme_template_retired",
            now=now,
            actor=actor,
            subject=previous,
            code=previous.code,
            version=previous.version,
            replaced_by=template.version,
        )
    db.session.flush()


def change_template_status(
    *,
    template: ProgrammeTemplate,
    action: str,
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
) -> ProgrammeTemplate:
    """Publish a draft (it is offered for new cohorts from now) or retire a published version
    (no new cohorts; those running keep it)."""
    check_version(template, expected_version)
    if action == "publish":
        if template.status is not TemplateStatus.DRAFT:
            raise RuleBroken({"": "Only a draft can be published"})
        template.status = TemplateStatus.PUBLISHED
        db.session.flush()
        retire_older_published(template, actor=actor, now=now)
        event = "programme_template_published"
    elif action == "retire":
        if template.status is not TemplateStatus.PUBLISHED:
            raise RuleBroken({"": "Only a published version can be retired"})
        template.status = TemplateStatus.RETIRED
        db.session.flush()
        event = "programme_template_retired"
    else:
        raise ValueError(action)
    record(
        event, now=now, actor=actor, subject=template, code=template.code, version=template.version
    )
    return template


def cohort_counts(template_ids: Sequence[int]) -> dict[int, int]:
    """How many cohorts run on each template version (for the list page)."""
    if not template_ids:
        return {}
    return dict(
        db.session.execute(
            select(Cohort.template_id, func.count())
            .where(Cohort.template_id.in_(list(template_ids)))
            .group_by(Cohort.template_id)
        ).all()
    )
