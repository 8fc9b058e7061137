"""Writes for frameworks. Published versions are never changed: edits go into a draft."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wfld.accounts import audit
from wfld.accounts.models import User
from wfld.core.errors_domain import RuleBroken
from wfld.extensions import db
from wfld.frameworks import queries
from wfld.frameworks.documents import (
    ALLOWED_PARENTS,
    CODE_PATTERN,
    ITEM_CODE_PATTERN,
    FrameworkDoc,
    ItemDoc,
    LevelDoc,
)
from wfld.frameworks.models import (
    CrosswalkLink,
    Framework,
    FrameworkItem,
    FrameworkLevel,
    FrameworkVersion,
    ItemKind,
    VersionStatus,
)


@dataclass(frozen=True)
class ImportResult:
    version: FrameworkVersion
    created: bool
    # An open draft still exactly as its file left it took the new file's names and notes.
    refreshed: bool = False


def import_document(
    doc: FrameworkDoc,
    *,
    actor: User | None,
    now: dt.datetime,
    local: bool = False,
    refresh_untouched_draft: bool = False,
) -> ImportResult:
    """Store a document as a new version of its framework, unless that content is stored already.

    Earlier versions are left exactly as they are: evidence may point at their items. With
    ``refresh_untouched_draft`` (the reference seeds), a draft file whose items and levels are
    those of the open draft, which nobody has changed since its file, refreshes its names,
    label, note and dates in place instead of being refused.
    """
    framework = queries.find_framework_by_code(doc.code)
    content_hash = doc.content_hash()
    if framework is not None:
        existing = queries.find_version_by_hash(framework.id, content_hash)
        if existing is not None:
            return ImportResult(existing, created=False)
        draft = queries.draft_version(framework)
        if doc.status is VersionStatus.DRAFT and draft is not None:
            if refresh_untouched_draft and _only_names_changed(draft, doc):
                _refresh_draft(draft, doc, content_hash=content_hash, actor=actor, now=now)
                return ImportResult(draft, created=False, refreshed=True)
            raise RuleBroken(
                {"file": f"{doc.code} already has a draft version: publish or finish it first"}
            )
    else:
        framework = Framework(code=doc.code, is_local=local, created_at=now)
        db.session.add(framework)
    # Items of the newest earlier version, by code: an item with the same code continues it,
    # so evidence tagged to the old item can follow it into the new version.
    newest = max(framework.versions, key=lambda v: v.number) if framework.versions else None
    earlier_items = {item.code: item.id for item in newest.items} if newest is not None else {}
    framework.title, framework.custodian = doc.title, doc.custodian
    framework.source_url, framework.description = doc.source_url, doc.description
    db.session.flush()

    version = FrameworkVersion(
        framework=framework,
        number=queries.next_version_number(framework.id),
        label=doc.label,
        status=doc.status,
        effective_from=doc.effective_from,
        effective_to=doc.effective_to,
        note=doc.note,
        content_hash=content_hash,
        created_at=now,
        published_at=now if doc.status is VersionStatus.PUBLISHED else None,
    )
    db.session.add(version)
    for position, level in enumerate(doc.levels, start=1):
        db.session.add(
            FrameworkLevel(version=version, code=level.code, title=level.title, position=position)
        )

    def add(items: list[ItemDoc], parent: FrameworkItem | None) -> None:
        for position, item_doc in enumerate(items, start=1):
            item = FrameworkItem(
                version=version,
                parent=parent,
                kind=item_doc.kind,
                code=item_doc.code,
                title=item_doc.title,
                description=item_doc.description,
                position=position,
                is_retired=False,
                previous_item_id=earlier_items.get(item_doc.code),
            )
            db.session.add(item)
            add(item_doc.children, item)

    add(doc.items, None)
    db.session.flush()
    audit.record(
        "framework_version_imported",
        now=now,
        actor=actor,
        subject=version,
        code=doc.code,
        label=doc.label,
        number=version.number,
    )
    return ImportResult(version, created=True)


def _only_names_changed(draft: FrameworkVersion, doc: FrameworkDoc) -> bool:
    """The draft is still exactly as a file made it (nobody has worked on it on screen) and
    the new file has the same items and levels: only titles, labels, notes, dates or
    descriptions of the framework and version differ. Then the file may refresh it in place."""
    stored = document_for(draft)
    if draft.content_hash is None or stored.content_hash() != draft.content_hash:
        return False
    old, new = stored.as_dict()["version"], doc.as_dict()["version"]
    return (old["items"], old.get("levels")) == (new["items"], new.get("levels"))


def _refresh_draft(
    draft: FrameworkVersion,
    doc: FrameworkDoc,
    *,
    content_hash: str,
    actor: User | None,
    now: dt.datetime,
) -> None:
    framework = draft.framework
    framework.title, framework.custodian = doc.title, doc.custodian
    framework.source_url, framework.description = doc.source_url, doc.description
    draft.label, draft.note = doc.label, doc.note
    draft.effective_from, draft.effective_to = doc.effective_from, doc.effective_to
    draft.content_hash = content_hash
    db.session.flush()
    audit.record(
        "framework_draft_refreshed",
        now=now,
        actor=actor,
        subject=draft,
        code=doc.code,
        label=doc.label,
    )


def document_for(version: FrameworkVersion) -> FrameworkDoc:
    """The version as a document, for export (retired items are left out)."""
    children: dict[int | None, list[FrameworkItem]] = {}
    for item in version.items:
        if not item.is_retired:
            children.setdefault(item.parent_id, []).append(item)

    def build(parent_id: int | None) -> list[ItemDoc]:
        return [
            ItemDoc(i.code, i.title, i.kind, i.description, build(i.id))
            for i in sorted(children.get(parent_id, []), key=lambda i: i.position)
        ]

    framework = version.framework
    return FrameworkDoc(
        code=framework.code,
        title=framework.title,
        custodian=framework.custodian,
        label=version.label,
        status=version.status,
        source_url=framework.source_url,
        description=framework.description,
        effective_from=version.effective_from,
        effective_to=version.effective_to,
        note=version.note,
        levels=[LevelDoc(lv.code, lv.title) for lv in version.levels],
        items=build(None),
    )


# Local frameworks and drafts -------------------------------------------------------------
def create_local_framework(
    *, code: str, title: str, description: str | None, custodian: str, actor: User, now: dt.datetime
) -> FrameworkVersion:
    code = code.strip().upper()
    if not CODE_PATTERN.match(code):
        raise RuleBroken(
            {"code": "Code must be capital letters, numbers and hyphens, like PRACTICE-MODEL"}
        )
    if queries.find_framework_by_code(code) is not None:
        raise RuleBroken({"code": "A framework with this code already exists"})
    framework = Framework(
        code=code,
        title=title.strip(),
        custodian=custodian,
        description=(description or "").strip() or None,
        is_local=True,
        created_at=now,
    )
    version = FrameworkVersion(
        framework=framework, number=1, label="1", status=VersionStatus.DRAFT, created_at=now
    )
    db.session.add_all([framework, version])
    db.session.flush()
    audit.record("framework_created", now=now, actor=actor, subject=framework, code=code)
    return version


def start_new_version(
    *, framework: Framework, label: str, actor: User, now: dt.datetime
) -> FrameworkVersion:
    """A draft copy of the newest version, to change and then publish."""
    if queries.draft_version(framework) is not None:
        raise RuleBroken({"label": "This framework already has a draft version: change that one"})
    source = max(framework.versions, key=lambda v: v.number)
    draft = FrameworkVersion(
        framework=framework,
        number=queries.next_version_number(framework.id),
        label=label.strip(),
        status=VersionStatus.DRAFT,
        note=source.note,
        effective_to=None,
        created_at=now,
    )
    db.session.add(draft)
    for level in source.levels:
        db.session.add(
            FrameworkLevel(
                version=draft, code=level.code, title=level.title, position=level.position
            )
        )
    copies: dict[int, FrameworkItem] = {}
    for node in queries.item_tree(source):
        item = node.item
        if item.is_retired:
            continue
        copy = FrameworkItem(
            version=draft,
            parent=copies.get(item.parent_id),
            kind=item.kind,
            code=item.code,
            title=item.title,
            description=item.description,
            position=item.position,
            is_retired=False,
            previous_item_id=item.id,
        )
        copies[item.id] = copy
        db.session.add(copy)
    db.session.flush()
    audit.record(
        "framework_draft_started", now=now, actor=actor, subject=draft, code=framework.code
    )
    return draft


def _editable(version: FrameworkVersion) -> None:
    if not version.is_draft:
        raise RuleBroken(
            {"code": "A published version cannot change: start a new version to make changes"}
        )


def add_item(
    *,
    version: FrameworkVersion,
    parent: FrameworkItem | None,
    kind: ItemKind,
    code: str,
    title: str,
    description: str | None,
    actor: User,
    now: dt.datetime,
) -> FrameworkItem:
    _editable(version)
    code = code.strip()
    errors = _item_errors(version, code=code, kind=kind, parent=parent, item=None)
    if errors:
        raise RuleBroken(errors)
    item = FrameworkItem(
        version=version,
        parent=parent,
        kind=kind,
        code=code,
        title=title.strip(),
        description=(description or "").strip() or None,
        is_retired=False,
        position=queries.next_position(version.id, parent.id if parent else None),
    )
    db.session.add(item)
    db.session.flush()
    audit.record("framework_item_added", now=now, actor=actor, subject=item, code=code)
    return item


def update_item(
    *,
    item: FrameworkItem,
    code: str,
    title: str,
    description: str | None,
    actor: User,
    now: dt.datetime,
) -> FrameworkItem:
    _editable(item.version)
    code = code.strip()
    errors = _item_errors(item.version, code=code, kind=item.kind, parent=item.parent, item=item)
    if errors:
        raise RuleBroken(errors)
    item.code, item.title = code, title.strip()
    item.description = (description or "").strip() or None
    db.session.flush()
    audit.record("framework_item_changed", now=now, actor=actor, subject=item, code=code)
    return item


def _item_errors(
    version: FrameworkVersion,
    *,
    code: str,
    kind: ItemKind,
    parent: FrameworkItem | None,
    item: FrameworkItem | None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not ITEM_CODE_PATTERN.match(code):
        errors["code"] = "Code must be letters, numbers, dots and hyphens, like 4.1"
    else:
        clash = queries.find_item_by_code(version.id, code)
        if clash is not None and (item is None or clash.id != item.id):
            errors["code"] = "Another item in this version has this code"
    if parent is not None and parent.version_id != version.id:
        errors["parent"] = "Choose a parent from this version"
    elif (parent.kind if parent else None) not in ALLOWED_PARENTS[kind]:
        where = f"under a {parent.kind.label.lower()}" if parent else "at the top level"
        errors["parent" if parent else "kind"] = f"A {kind.label.lower()} cannot sit {where}"
    return errors


def move_item(*, item: FrameworkItem, direction: str, actor: User, now: dt.datetime) -> None:
    """Swap an item with its neighbour among its siblings ("up" or "down")."""
    _editable(item.version)
    siblings = sorted(
        (i for i in item.version.items if i.parent_id == item.parent_id), key=lambda i: i.position
    )
    index = siblings.index(item)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        neighbour = siblings[other]
        item.position, neighbour.position = neighbour.position, item.position
        db.session.flush()


def set_item_retired(*, item: FrameworkItem, retired: bool, actor: User, now: dt.datetime) -> None:
    _editable(item.version)
    if not retired and item.parent is not None and item.parent.is_retired:
        raise RuleBroken({"code": f"Restore {item.parent.label} first: this item sits under it"})
    for node in [item, *_descendants(item)]:
        node.is_retired = retired
    db.session.flush()
    audit.record(
        "framework_item_retired" if retired else "framework_item_restored",
        now=now,
        actor=actor,
        subject=item,
    )


def _descendants(item: FrameworkItem) -> list[FrameworkItem]:
    out = []
    for child in item.children:
        out.extend([child, *_descendants(child)])
    return out


def publish_version(
    *,
    version: FrameworkVersion,
    effective_from: dt.date | None,
    actor: User,
    now: dt.datetime,
    label: str | None = None,
) -> None:
    """Publish a draft; a new name replaces a label that no longer fits (a seeded draft is
    labelled "2025 consultation draft" until it is completed from the final text)."""
    if not version.is_draft:
        raise RuleBroken({"effective_from": "This version is published already"})
    if not any(not i.is_retired for i in version.items):
        raise RuleBroken({"effective_from": "Add at least one item before publishing"})
    if effective_from is not None:
        version.effective_from = effective_from
    if label and label.strip():
        version.label = label.strip()
    version.status = VersionStatus.PUBLISHED
    version.published_at = now
    db.session.flush()
    if version.content_hash is None:
        # Made on screen: hash the content, so importing its export changes nothing. A draft
        # imported from a file keeps that file's hash even when completed on screen, so
        # seeding the same file again does not bring the old draft back.
        version.content_hash = document_for(version).content_hash()
    db.session.flush()
    audit.record(
        "framework_version_published",
        now=now,
        actor=actor,
        subject=version,
        code=version.framework.code,
    )


# Crosswalk ------------------------------------------------------------------------------
def link_items(
    *, item_a: FrameworkItem, item_b: FrameworkItem, actor: User, now: dt.datetime
) -> CrosswalkLink:
    if item_a.version.framework_id == item_b.version.framework_id:
        raise RuleBroken({"item_b": "Choose an item from a different framework"})
    if queries.find_link(item_a.id, item_b.id) is not None:
        raise RuleBroken({"item_b": "These two items are linked already"})
    low, high = sorted((item_a.id, item_b.id))
    link = CrosswalkLink(
        item_a_id=low, item_b_id=high, created_at=now, created_by_id=actor.id if actor else None
    )
    db.session.add(link)
    db.session.flush()
    audit.record(
        "crosswalk_linked", now=now, actor=actor, subject=link, items=[item_a.label, item_b.label]
    )
    return link


def unlink(*, link: CrosswalkLink, actor: User, now: dt.datetime) -> None:
    audit.record(
        "crosswalk_unlinked",
        now=now,
        actor=actor,
        subject=link,
        items=[link.item_a_id, link.item_b_id],
    )
    db.session.delete(link)
    db.session.flush()
