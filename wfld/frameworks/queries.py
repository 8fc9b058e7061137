"""Reads for frameworks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from wfld.extensions import db
from wfld.frameworks.models import (
    CrosswalkLink,
    Framework,
    FrameworkItem,
    FrameworkVersion,
    VersionStatus,
)


def list_frameworks() -> list[Framework]:
    return list(
        db.session.scalars(
            select(Framework).options(selectinload(Framework.versions)).order_by(Framework.title)
        )
    )


def find_framework(framework_id: int) -> Framework | None:
    return db.session.get(Framework, framework_id, options=[selectinload(Framework.versions)])


def find_framework_by_code(code: str) -> Framework | None:
    return db.session.scalar(
        select(Framework)
        .where(Framework.code == code.strip().upper())
        .options(selectinload(Framework.versions))
    )


def find_version(version_id: int) -> FrameworkVersion | None:
    return db.session.get(
        FrameworkVersion,
        version_id,
        options=[
            joinedload(FrameworkVersion.framework),
            selectinload(FrameworkVersion.items),
            selectinload(FrameworkVersion.levels),
        ],
    )


def find_version_by_hash(framework_id: int, content_hash: str) -> FrameworkVersion | None:
    return db.session.scalar(
        select(FrameworkVersion).where(
            FrameworkVersion.framework_id == framework_id,
            FrameworkVersion.content_hash == content_hash,
        )
    )


def find_item(item_id: int) -> FrameworkItem | None:
    return db.session.get(
        FrameworkItem,
        item_id,
        options=[joinedload(FrameworkItem.version).joinedload(FrameworkVersion.framework)],
    )


def find_item_by_code(version_id: int, code: str) -> FrameworkItem | None:
    return db.session.scalar(
        select(FrameworkItem).where(
            FrameworkItem.version_id == version_id, FrameworkItem.code == code.strip()
        )
    )


def next_version_number(framework_id: int) -> int:
    highest = db.session.scalar(
        select(func.max(FrameworkVersion.number)).where(
            FrameworkVersion.framework_id == framework_id
        )
    )
    return (highest or 0) + 1


def next_position(version_id: int, parent_id: int | None) -> int:
    parent = (
        FrameworkItem.parent_id.is_(None)
        if parent_id is None
        else FrameworkItem.parent_id == parent_id
    )
    highest = db.session.scalar(
        select(func.max(FrameworkItem.position)).where(
            FrameworkItem.version_id == version_id, parent
        )
    )
    return (highest or 0) + 1


def current_version(framework: Framework, *, today: dt.date) -> FrameworkVersion | None:
    """The newest published version in effect today; else the newest published one."""
    published = [v for v in framework.versions if v.status is VersionStatus.PUBLISHED]
    in_effect = [v for v in published if v.in_effect_on(today)]
    for candidates in (in_effect, published):
        if candidates:
            return max(candidates, key=lambda v: v.number)
    return None


def draft_version(framework: Framework) -> FrameworkVersion | None:
    return next((v for v in framework.versions if v.status is VersionStatus.DRAFT), None)


@dataclass(frozen=True)
class ItemNode:
    item: FrameworkItem
    depth: int


def item_tree(version: FrameworkVersion) -> list[ItemNode]:
    """The version's items depth-first in order, from the already-loaded list (no queries)."""
    children: dict[int | None, list[FrameworkItem]] = {}
    for item in version.items:
        children.setdefault(item.parent_id, []).append(item)
    out: list[ItemNode] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for item in sorted(children.get(parent_id, []), key=lambda i: i.position):
            out.append(ItemNode(item, depth))
            walk(item.id, depth + 1)

    walk(None, 0)
    return out


def list_crosswalk(
    framework_a_id: int, framework_b_id: int
) -> list[tuple[FrameworkItem, FrameworkItem, int]]:
    """Links between two frameworks' items, as (item of A, item of B, link id)."""
    item_a, item_b = aliased(FrameworkItem), aliased(FrameworkItem)
    version_a, version_b = aliased(FrameworkVersion), aliased(FrameworkVersion)
    rows = db.session.execute(
        select(CrosswalkLink.id, item_a, item_b)
        .join(item_a, CrosswalkLink.item_a_id == item_a.id)
        .join(item_b, CrosswalkLink.item_b_id == item_b.id)
        .join(version_a, item_a.version_id == version_a.id)
        .join(version_b, item_b.version_id == version_b.id)
        .where(
            or_(
                (version_a.framework_id == framework_a_id)
                & (version_b.framework_id == framework_b_id),
                (version_a.framework_id == framework_b_id)
                & (version_b.framework_id == framework_a_id),
            )
        )
    ).all()
    out = []
    for link_id, first, second in rows:
        if first.version.framework_id == framework_a_id:
            out.append((first, second, link_id))
        else:
            out.append((second, first, link_id))
    return sorted(out, key=lambda r: (r[0].version_id, r[0].position, r[1].position))


def find_link(item_a_id: int, item_b_id: int) -> CrosswalkLink | None:
    low, high = sorted((item_a_id, item_b_id))
    return db.session.scalar(
        select(CrosswalkLink).where(CrosswalkLink.item_a_id == low, CrosswalkLink.item_b_id == high)
    )


def find_link_by_id(link_id: int) -> CrosswalkLink | None:
    return db.session.get(CrosswalkLink, link_id)


def linked_items(item_id: int) -> list[FrameworkItem]:
    """Items of other frameworks linked to this one in the crosswalk (either direction)."""
    links = db.session.scalars(
        select(CrosswalkLink).where(
            or_(CrosswalkLink.item_a_id == item_id, CrosswalkLink.item_b_id == item_id)
        )
    ).all()
    ids = [link.item_b_id if link.item_a_id == item_id else link.item_a_id for link in links]
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(FrameworkItem)
            .where(FrameworkItem.id.in_(ids))
            .options(joinedload(FrameworkItem.version).joinedload(FrameworkVersion.framework))
        )
    )


def links_for_version(version: FrameworkVersion) -> dict[int, list[FrameworkItem]]:
    """item id → the items of other frameworks linked to it in the crosswalk (one query)."""
    item_ids = {item.id for item in version.items}
    if not item_ids:
        return {}
    item_a, item_b = aliased(FrameworkItem), aliased(FrameworkItem)
    rows = db.session.execute(
        select(CrosswalkLink.item_a_id, CrosswalkLink.item_b_id, item_a, item_b)
        .join(item_a, CrosswalkLink.item_a_id == item_a.id)
        .join(item_b, CrosswalkLink.item_b_id == item_b.id)
        .where(or_(CrosswalkLink.item_a_id.in_(item_ids), CrosswalkLink.item_b_id.in_(item_ids)))
        .options(
            joinedload(item_a.version).joinedload(FrameworkVersion.framework),
            joinedload(item_b.version).joinedload(FrameworkVersion.framework),
        )
    ).all()
    out: dict[int, list[FrameworkItem]] = {}
    for a_id, b_id, first, second in rows:
        if a_id in item_ids:
            out.setdefault(a_id, []).append(second)
        if b_id in item_ids:
            out.setdefault(b_id, []).append(first)
    return out
