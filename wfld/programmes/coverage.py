"""The coverage map: which framework items a person's portfolio evidences, how often, by
review point — and their self-assessment scores beside it.

Data first (ARCHITECTURE.md, habit 8): ``coverage_rows`` fetches everything in one statement
(the template's framework items, the evidence counts per item and review point from
``programme_evidence_items``, and the self-assessment scores); ``build_coverage`` is a pure
function that turns those rows into a ``CoverageMap``. The page and the PDF progress record
both render the same dataclass through ``programmes/_coverage_map.html``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, Integer, String, cast, func, literal_column, null, select, union_all

from wfld.extensions import db
from wfld.frameworks.models import Framework, FrameworkItem, FrameworkVersion
from wfld.programmes.models import (
    Enrolment,
    Evidence,
    SelfAssessmentScore,
    evidence_items,
    programme_template_frameworks,
)
from wfld.programmes.rules import TemplateSpec

# The shades of the picture, lightest first: 0, 1, 2 and 3 or more pieces. The number is in
# every cell as well, so the colour is never the only signal.
SHADES = (
    ("#f3f2f1", "#0b0c0c"),
    ("#d2e2f1", "#0b0c0c"),
    ("#8eb8dc", "#0b0c0c"),
    ("#1d70b8", "#ffffff"),
)


@dataclass(frozen=True)
class Point:
    """A review point evidence can count towards (a column of the map)."""

    key: str
    label: str


@dataclass(frozen=True)
class CoverageRow:
    """One framework item: how many pieces evidence it at each review point (in the map's
    column order), and its latest self-assessment score at each point (None if unscored)."""

    item_id: int
    code: str
    title: str
    framework: str
    depth: int
    counts: tuple[int, ...]
    scores: tuple[int | None, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def label(self) -> str:
        return f"{self.code} {self.title}"


@dataclass(frozen=True)
class FrameworkBlock:
    title: str
    rows: tuple[CoverageRow, ...]


@dataclass(frozen=True)
class CoverageMap:
    points: tuple[Point, ...]
    frameworks: tuple[FrameworkBlock, ...]

    @property
    def rows(self) -> tuple[CoverageRow, ...]:
        return tuple(row for block in self.frameworks for row in block.rows)

    @property
    def never_evidenced(self) -> tuple[CoverageRow, ...]:
        return tuple(row for row in self.rows if row.total == 0)

    @property
    def evidenced_count(self) -> int:
        return sum(1 for row in self.rows if row.total)

    @property
    def point_totals(self) -> tuple[int, ...]:
        """Pieces-times-items per review point (a piece evidencing 3 items counts 3 times)."""
        return tuple(sum(row.counts[i] for row in self.rows) for i in range(len(self.points)))

    @property
    def has_scores(self) -> bool:
        return any(score is not None for row in self.rows for score in row.scores)

    @property
    def summary(self) -> str:
        """The picture in one sentence (its accessible name)."""
        total = len(self.rows)
        if not total:
            return "Coverage map: this programme assesses against no framework items."
        never = total - self.evidenced_count
        points = len(self.points)
        return (
            f"Coverage map: {self.evidenced_count} of {total} framework items evidenced across "
            f"{points} review point{'s' if points != 1 else ''}; "
            f"{never} never evidenced. The table below gives every number."
        )

    @staticmethod
    def shade(count: int) -> tuple[str, str]:
        """(fill, text colour) of a cell holding ``count``."""
        return SHADES[min(count, len(SHADES) - 1)]


def points_of(spec: TemplateSpec) -> tuple[Point, ...]:
    """The review points evidence counts towards: all but the moderation panel, which looks at
    the portfolio rather than collecting it."""
    return tuple(Point(p.key, p.label) for p in spec.review_points if not p.panel)


def depth_first(items: Iterable[Any]) -> list[tuple[Any, int]]:
    """Items (each with ``item_id``, ``parent_id`` and ``position``) in a framework's reading
    order, parents before their children, with each one's depth. An item whose parent is not
    among them (retired, say) is read as a top-level one."""
    items = list(items)
    ids = {item.item_id for item in items}
    children: dict[int | None, list[Any]] = {}
    for item in items:
        parent = item.parent_id if item.parent_id in ids else None
        children.setdefault(parent, []).append(item)
    ordered: list[tuple[Any, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for item in sorted(children.get(parent, []), key=lambda i: (i.position, i.item_id)):
            ordered.append((item, depth))
            walk(item.item_id, depth + 1)

    walk(None, 0)
    return ordered


def build_coverage(
    points: Sequence[Point], framework_codes: Sequence[str], rows: Iterable[Any]
) -> CoverageMap:
    """The map from ``coverage_rows``' rows: items grouped by framework (in the template's
    order, ``framework_codes``), each with its count per review point and its latest
    self-assessment score per point. Evidence at a point the map does not show (none should
    be) and items outside the template's frameworks are left out."""
    keys = [p.key for p in points]
    column = {key: i for i, key in enumerate(keys)}
    items: list[Any] = []
    counts: dict[int, list[int]] = {}
    latest: dict[tuple[int, str], tuple[dt.date, int, int]] = {}
    for row in rows:
        if row.source == "item":
            items.append(row)
        elif row.review_key in column:
            if row.source == "count":
                counts.setdefault(row.item_id, [0] * len(keys))[column[row.review_key]] += row.value
            elif row.source == "score":
                mark = (row.day, row.evidence_id, row.value)
                if mark > latest.get((row.item_id, row.review_key), (dt.date.min, 0, 0)):
                    latest[(row.item_id, row.review_key)] = mark
    by_framework: dict[str, list[Any]] = {}
    titles: dict[str, str] = {}
    for item in items:
        by_framework.setdefault(item.framework_code, []).append(item)
        titles[item.framework_code] = item.framework_title
    order = {code: i for i, code in enumerate(framework_codes)}
    blocks = []
    for code in sorted(by_framework, key=lambda c: (order.get(c, len(order)), titles[c])):
        block_rows = tuple(
            CoverageRow(
                item_id=item.item_id,
                code=item.code,
                title=item.title,
                framework=titles[code],
                depth=depth,
                counts=tuple(counts.get(item.item_id, [0] * len(keys))),
                scores=tuple(
                    latest[(item.item_id, key)][2] if (item.item_id, key) in latest else None
                    for key in keys
                ),
            )
            for item, depth in depth_first(by_framework[code])
        )
        blocks.append(FrameworkBlock(titles[code], block_rows))
    return CoverageMap(points=tuple(points), frameworks=tuple(blocks))


def coverage_rows(enrolment: Enrolment) -> list[Any]:
    """One statement: the template's framework items ("item" rows), how many pieces evidence
    each item at each review point ("count" rows) and every self-assessment score ("score"
    rows, with the piece's date and id so the latest wins)."""
    no_text = cast(null(), String)
    no_number = cast(null(), Integer)
    no_day = cast(null(), Date)
    template_items = (
        select(
            literal_column("'item'").label("source"),
            FrameworkItem.id.label("item_id"),
            FrameworkItem.parent_id.label("parent_id"),
            FrameworkItem.position.label("position"),
            FrameworkItem.code.label("code"),
            FrameworkItem.title.label("title"),
            Framework.code.label("framework_code"),
            Framework.title.label("framework_title"),
            no_text.label("review_key"),
            no_number.label("value"),
            no_day.label("day"),
            no_number.label("evidence_id"),
        )
        .select_from(FrameworkItem)
        .join(FrameworkVersion, FrameworkVersion.id == FrameworkItem.version_id)
        .join(Framework, Framework.id == FrameworkVersion.framework_id)
        .join(
            programme_template_frameworks,
            programme_template_frameworks.c.framework_version_id == FrameworkVersion.id,
        )
        .where(
            programme_template_frameworks.c.template_id == enrolment.template_id,
            FrameworkItem.is_retired.is_(False),
        )
    )
    evidence_counts = (
        select(
            literal_column("'count'"),
            evidence_items.c.item_id,
            no_number,
            no_number,
            no_text,
            no_text,
            no_text,
            no_text,
            Evidence.review_key,
            func.count(Evidence.id),
            no_day,
            no_number,
        )
        .select_from(evidence_items)
        .join(Evidence, Evidence.id == evidence_items.c.evidence_id)
        .where(Evidence.enrolment_id == enrolment.id)
        .group_by(evidence_items.c.item_id, Evidence.review_key)
    )
    scores = (
        select(
            literal_column("'score'"),
            SelfAssessmentScore.item_id,
            no_number,
            no_number,
            no_text,
            no_text,
            no_text,
            no_text,
            Evidence.review_key,
            SelfAssessmentScore.score,
            Evidence.occurred_on,
            Evidence.id,
        )
        .select_from(SelfAssessmentScore)
        .join(Evidence, Evidence.id == SelfAssessmentScore.evidence_id)
        .where(Evidence.enrolment_id == enrolment.id)
    )
    return list(db.session.execute(union_all(template_items, evidence_counts, scores)))


def coverage_of(enrolment: Enrolment) -> CoverageMap:
    """An enrolment's map (the template is loaded with the enrolment: no further statement)."""
    spec = enrolment.template.spec
    return build_coverage(
        points_of(spec), [ref.code for ref in spec.frameworks], coverage_rows(enrolment)
    )
