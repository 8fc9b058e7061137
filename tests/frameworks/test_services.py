"""Framework services and queries with the database: import, drafts, publishing, crosswalk."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.frameworks.builders import LATER, NOW, flat_doc, nested_doc, row_counts
from wfld.accounts.models import AuditEvent
from wfld.core.errors_domain import RuleBroken
from wfld.extensions import db
from wfld.frameworks import queries, services
from wfld.frameworks.models import CrosswalkLink, FrameworkVersion, ItemKind, VersionStatus


def imported(doc, now=NOW):
    """Import and commit; returns the version id."""
    result = services.import_document(doc, actor=None, now=now)
    db.session.commit()
    return result.version.id


def events(name: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == name)))


def item(version_id: int, code: str):
    found = queries.find_item_by_code(version_id, code)
    assert found is not None, code
    return found


def draft_of(code: str = "TEST-FW") -> FrameworkVersion:
    """Import the nested document (published) and start version 2 as a draft."""
    services.import_document(nested_doc(code), actor=None, now=NOW)
    framework = queries.find_framework_by_code(code)
    return services.start_new_version(framework=framework, label="2", actor=None, now=LATER)


def snapshot(version: FrameworkVersion) -> list[tuple]:
    return [
        (i.id, i.code, i.title, i.kind, i.parent_id, i.position, i.is_retired)
        for i in sorted(version.items, key=lambda i: i.id)
    ]


# Import -----------------------------------------------------------------------------------
def test_import_document_creates_a_version_with_its_tree_and_an_audit_event(app):
    doc = nested_doc()
    with app.app_context():
        result = services.import_document(doc, actor=None, now=NOW)
        db.session.commit()
        assert result.created is True
        version_id = result.version.id

    with app.app_context():
        version = queries.find_version(version_id)
        assert version.number == 1
        assert version.status is VersionStatus.PUBLISHED
        assert version.published_at == NOW
        assert version.content_hash == doc.content_hash()
        assert version.framework.code == "TEST-FW"
        assert version.framework.custodian == "The test council"
        assert [(lv.code, lv.position) for lv in version.levels] == [("junior", 1), ("senior", 2)]
        tree = [(n.item.code, n.item.kind, n.depth) for n in queries.item_tree(version)]
        assert tree == [
            ("1", ItemKind.DOMAIN, 0),
            ("1.1", ItemKind.STATEMENT, 1),
            ("1.1.a", ItemKind.SUB_STATEMENT, 2),
            ("1.1.b", ItemKind.SUB_STATEMENT, 2),
            ("1.2", ItemKind.STATEMENT, 1),
            ("2", ItemKind.DOMAIN, 0),
            ("2.1", ItemKind.STATEMENT, 1),
            ("3", ItemKind.STATEMENT, 0),
        ]
        assert item(version_id, "1.1.b").parent.code == "1.1"
        assert services.document_for(version).content_hash() == doc.content_hash()
        [event] = events("framework_version_imported")
        assert event.subject_type == "FrameworkVersion"
        assert event.subject_id == version_id
        assert event.occurred_at == NOW
        assert event.details["code"] == "TEST-FW"
        assert event.details["number"] == 1


def test_importing_identical_content_again_writes_nothing(app):
    with app.app_context():
        first_id = imported(nested_doc())
        before = row_counts()
    with app.app_context():
        # The same content as a draft is still the same content.
        for doc in (nested_doc(), nested_doc(status="draft")):
            result = services.import_document(doc, actor=None, now=LATER)
            assert result.created is False
            assert result.version.id == first_id
        db.session.commit()
    with app.app_context():
        assert row_counts() == before
        assert len(events("framework_version_imported")) == 1


def test_importing_changed_content_adds_a_version_and_updates_the_framework(app):
    with app.app_context():
        first_id = imported(nested_doc())
        changed = nested_doc()
        changed.title = "Test framework, renamed"
        changed.items[2].title = "A changed statement"
        result = services.import_document(changed, actor=None, now=LATER)
        db.session.commit()
        assert result.created and result.version.number == 2
    with app.app_context():
        framework = queries.find_framework_by_code("test-fw")
        assert framework.title == "Test framework, renamed"
        assert [v.number for v in framework.versions] == [1, 2]
        assert item(first_id, "3").title == "A top-level statement"


def test_importing_a_draft_when_a_draft_exists_is_refused(app):
    with app.app_context():
        imported(nested_doc(status="draft"))
        before = row_counts()
        other = nested_doc(status="draft")
        other.items[0].title = "Different"
        with pytest.raises(RuleBroken) as caught:
            services.import_document(other, actor=None, now=LATER)
        assert "already has a draft version" in caught.value.errors["file"]
        db.session.rollback()
        assert row_counts() == before


# Drafts ------------------------------------------------------------------------------------
def test_start_new_version_copies_the_items_into_a_draft(app):
    with app.app_context():
        first_id = imported(nested_doc())
        framework = queries.find_framework_by_code("TEST-FW")
        draft = services.start_new_version(
            framework=framework, label=" 2026 ", actor=None, now=LATER
        )
        db.session.commit()
        draft_id = draft.id
    with app.app_context():
        first = queries.find_version(first_id)
        draft = queries.find_version(draft_id)
        assert (draft.number, draft.label, draft.status) == (2, "2026", VersionStatus.DRAFT)
        assert draft.published_at is None and draft.content_hash is None
        assert [(lv.code, lv.title) for lv in draft.levels] == [
            ("junior", "Junior"),
            ("senior", "Senior"),
        ]
        originals = {i.id: i for i in first.items}
        assert len(draft.items) == len(originals) == 8
        for copy in draft.items:
            original = originals[copy.previous_item_id]
            assert copy.id != original.id
            assert (copy.code, copy.title, copy.kind, copy.position) == (
                original.code,
                original.title,
                original.kind,
                original.position,
            )
            if original.parent_id is None:
                assert copy.parent_id is None
            else:
                assert copy.parent.version_id == draft_id
                assert copy.parent.previous_item_id == original.parent_id
        assert queries.draft_version(queries.find_framework_by_code("TEST-FW")).id == draft_id
        assert [e.subject_id for e in events("framework_draft_started")] == [draft_id]
        # The published version is still current; the draft is not in effect.
        current = queries.current_version(draft.framework, today=dt.date(2026, 11, 23))
        assert current.id == first_id


def test_a_second_draft_is_refused(app):
    with app.app_context():
        draft_of()
        db.session.commit()
        framework = queries.find_framework_by_code("TEST-FW")
        with pytest.raises(RuleBroken) as caught:
            services.start_new_version(framework=framework, label="3", actor=None, now=LATER)
        assert "already has a draft" in caught.value.errors["label"]
        db.session.rollback()
        assert len(queries.find_framework_by_code("TEST-FW").versions) == 2


def test_add_update_move_and_retire_items_in_a_draft(app):
    with app.app_context():
        draft = draft_of()
        domain = item(draft.id, "2")
        added = services.add_item(
            version=draft, parent=domain, kind=ItemKind.STATEMENT, code=" 2.2 ",
            title=" Added statement ", description="  ", actor=None, now=LATER,
        )  # fmt: skip
        assert (added.code, added.title, added.description) == ("2.2", "Added statement", None)
        assert added.position == 2 and added.parent_id == domain.id
        top = services.add_item(
            version=draft, parent=None, kind=ItemKind.DOMAIN, code="4", title="Fourth",
            description="About it", actor=None, now=LATER,
        )  # fmt: skip
        assert top.position == 4

        services.update_item(
            item=item(draft.id, "1.2"), code="1.3", title="Renamed statement",
            description="Now described", actor=None, now=LATER,
        )  # fmt: skip
        # Keeping its own code is not a clash.
        services.update_item(
            item=item(draft.id, "2.1"), code="2.1", title="Third statement, reworded",
            description=None, actor=None, now=LATER,
        )  # fmt: skip

        services.move_item(item=item(draft.id, "1.1.b"), direction="up", actor=None, now=LATER)
        services.move_item(item=item(draft.id, "2"), direction="down", actor=None, now=LATER)
        # At the edge, nothing moves.
        services.move_item(item=item(draft.id, "1"), direction="up", actor=None, now=LATER)

        services.set_item_retired(item=item(draft.id, "1.3"), retired=True, actor=None, now=LATER)
        db.session.commit()
        draft_id = draft.id

    with app.app_context():
        draft = queries.find_version(draft_id)
        assert [(n.item.code, n.item.title, n.depth, n.item.is_retired)
                for n in queries.item_tree(draft)] == [
            ("1", "First domain", 0, False),
            ("1.1", "First statement", 1, False),
            ("1.1.b", "Second sub-statement", 2, False),
            ("1.1.a", "First sub-statement", 2, False),
            ("1.3", "Renamed statement", 1, True),
            ("3", "A top-level statement", 0, False),
            ("2", "Second domain", 0, False),
            ("2.1", "Third statement, reworded", 1, False),
            ("2.2", "Added statement", 1, False),
            ("4", "Fourth", 0, False),
        ]  # fmt: skip
        assert item(draft_id, "1.3").description == "Now described"
        # The retired item is left out of the export; the rest keeps its new order.
        doc = services.document_for(draft)
        assert [i.code for i in doc.items] == ["1", "3", "2", "4"]
        assert [c.code for c in doc.items[0].children] == ["1.1"]
        # Version 1 is as it was.
        first = draft.framework.versions[0]
        assert services.document_for(first).as_dict() == nested_doc().as_dict()
        names = [e.event for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert names.count("framework_item_added") == 2
        assert names.count("framework_item_changed") == 2
        assert names.count("framework_item_retired") == 1


def test_a_published_version_cannot_change(app):
    with app.app_context():
        version_id = imported(nested_doc())
        before = row_counts()
        version = queries.find_version(version_id)
        statement = item(version_id, "1.2")
        attempts = {
            "add": lambda: services.add_item(
                version=version, parent=None, kind=ItemKind.DOMAIN, code="9", title="New",
                description=None, actor=None, now=LATER,
            ),
            "update": lambda: services.update_item(
                item=statement, code="1.2", title="Changed", description=None, actor=None,
                now=LATER,
            ),
            "move": lambda: services.move_item(
                item=statement, direction="up", actor=None, now=LATER
            ),
            "retire": lambda: services.set_item_retired(
                item=statement, retired=True, actor=None, now=LATER
            ),
        }  # fmt: skip
        for name, attempt in attempts.items():
            with pytest.raises(RuleBroken) as caught:
                attempt()
            assert "A published version cannot change" in caught.value.errors["code"], name
        db.session.rollback()
    with app.app_context():
        assert row_counts() == before
        version = queries.find_version(version_id)
        assert services.document_for(version).as_dict() == nested_doc().as_dict()
        assert [i.position for i in queries.find_version(version_id).items if i.code in
                ("1.1", "1.2")] == [1, 2]  # fmt: skip


def test_item_codes_must_be_unique_and_well_formed(app):
    with app.app_context():
        draft = draft_of()

        def add(code, parent=None, kind=ItemKind.DOMAIN):
            return services.add_item(
                version=draft, parent=parent, kind=kind, code=code, title="X",
                description=None, actor=None, now=LATER,
            )  # fmt: skip

        with pytest.raises(RuleBroken) as clash:
            add("1.1.a", parent=item(draft.id, "1.1"), kind=ItemKind.SUB_STATEMENT)
        assert clash.value.errors == {"code": "Another item in this version has this code"}
        with pytest.raises(RuleBroken) as bad:
            add("4 a")
        assert bad.value.errors == {
            "code": "Code must be letters, numbers, dots and hyphens, like 4.1"
        }
        with pytest.raises(RuleBroken) as update_clash:
            services.update_item(
                item=item(draft.id, "3"), code="2", title="X", description=None, actor=None,
                now=LATER,
            )  # fmt: skip
        assert update_clash.value.errors == {"code": "Another item in this version has this code"}
        # The same code in another version is fine: version 1 has an item "2" too.
        assert add("5").code == "5"


def test_kind_and_parent_rules(app):
    with app.app_context():
        draft = draft_of()
        first_version_domain = item(draft.framework.versions[0].id, "1")

        def errors(kind, parent):
            with pytest.raises(RuleBroken) as caught:
                services.add_item(
                    version=draft, parent=parent, kind=kind, code="99", title="X",
                    description=None, actor=None, now=LATER,
                )  # fmt: skip
            return caught.value.errors

        assert errors(ItemKind.SUB_STATEMENT, None) == {
            "kind": "A sub-statement cannot sit at the top level"
        }
        assert errors(ItemKind.STATEMENT, item(draft.id, "1.1.a")) == {
            "parent": "A statement cannot sit under a sub-statement"
        }
        assert errors(ItemKind.DOMAIN, item(draft.id, "1")) == {
            "parent": "A domain cannot sit under a domain"
        }
        assert errors(ItemKind.SUB_STATEMENT, item(draft.id, "1")) == {
            "parent": "A sub-statement cannot sit under a domain"
        }
        assert errors(ItemKind.STATEMENT, first_version_domain) == {
            "parent": "Choose a parent from this version"
        }
        # The allowed places work.
        statement = services.add_item(
            version=draft, parent=item(draft.id, "3"), kind=ItemKind.SUB_STATEMENT, code="3.a",
            title="Under a top-level statement", description=None, actor=None, now=LATER,
        )  # fmt: skip
        assert statement.parent.code == "3"


def test_retiring_a_domain_retires_its_statements_and_restoring_restores_them(app):
    with app.app_context():
        draft = draft_of()
        domain = item(draft.id, "1")
        services.set_item_retired(item=domain, retired=True, actor=None, now=LATER)
        db.session.commit()
        draft_id = draft.id
    with app.app_context():
        retired = {i.code for i in queries.find_version(draft_id).items if i.is_retired}
        assert retired == {"1", "1.1", "1.1.a", "1.1.b", "1.2"}
        services.set_item_retired(item=item(draft_id, "1"), retired=False, actor=None, now=LATER)
        db.session.commit()
    with app.app_context():
        assert not any(i.is_retired for i in queries.find_version(draft_id).items)
        assert [e.subject_type for e in events("framework_item_restored")] == ["FrameworkItem"]


def test_retired_items_are_not_carried_into_the_next_version(app):
    with app.app_context():
        draft = draft_of()
        services.set_item_retired(item=item(draft.id, "2"), retired=True, actor=None, now=LATER)
        services.publish_version(version=draft, effective_from=None, actor=None, now=LATER)
        third = services.start_new_version(
            framework=draft.framework, label="3", actor=None, now=LATER
        )
        db.session.commit()
        assert sorted(i.code for i in third.items) == ["1", "1.1", "1.1.a", "1.1.b", "1.2", "3"]
        assert all(i.previous_item_id in {d.id for d in draft.items} for i in third.items)


# Publishing --------------------------------------------------------------------------------
def test_publish_version(app):
    with app.app_context():
        draft = draft_of()
        services.update_item(
            item=item(draft.id, "3"), code="3", title="Changed before publishing",
            description=None, actor=None, now=LATER,
        )  # fmt: skip
        db.session.commit()
        draft_id = draft.id
    publish_time = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    with app.app_context():
        draft = queries.find_version(draft_id)
        services.publish_version(
            version=draft, effective_from=dt.date(2027, 1, 1), actor=None, now=publish_time
        )
        db.session.commit()
    with app.app_context():
        version = queries.find_version(draft_id)
        assert version.status is VersionStatus.PUBLISHED
        assert version.published_at == publish_time
        assert version.effective_from == dt.date(2027, 1, 1)
        expected = services.document_for(version).content_hash()
        assert version.content_hash == expected
        assert version.content_hash != version.framework.versions[0].content_hash
        [event] = events("framework_version_published")
        assert event.subject_id == draft_id and event.details == {"code": "TEST-FW"}
        assert queries.draft_version(version.framework) is None
        # Importing its export changes nothing.
        again = services.import_document(
            services.document_for(version), actor=None, now=publish_time
        )
        assert again.created is False and again.version.id == draft_id
        with pytest.raises(RuleBroken) as twice:
            services.publish_version(version=version, effective_from=None, actor=None, now=LATER)
        assert twice.value.errors == {"effective_from": "This version is published already"}


def test_an_empty_draft_cannot_be_published(app):
    with app.app_context():
        empty = services.create_local_framework(
            code="practice-model", title="Practice model", description=None,
            custodian="The council", actor=None, now=NOW,
        )  # fmt: skip
        with pytest.raises(RuleBroken) as caught:
            services.publish_version(version=empty, effective_from=None, actor=None, now=LATER)
        assert caught.value.errors == {"effective_from": "Add at least one item before publishing"}
        only = services.add_item(
            version=empty, parent=None, kind=ItemKind.DOMAIN, code="1", title="Only",
            description=None, actor=None, now=LATER,
        )  # fmt: skip
        services.set_item_retired(item=only, retired=True, actor=None, now=LATER)
        with pytest.raises(RuleBroken):
            services.publish_version(version=empty, effective_from=None, actor=None, now=LATER)
        assert empty.status is VersionStatus.DRAFT and empty.published_at is None
        services.set_item_retired(item=only, retired=False, actor=None, now=LATER)
        services.publish_version(version=empty, effective_from=None, actor=None, now=LATER)
        db.session.commit()
    with app.app_context():
        framework = queries.find_framework_by_code("PRACTICE-MODEL")
        assert framework.is_local
        assert framework.versions[0].status is VersionStatus.PUBLISHED


# Which version is current ---------------------------------------------------------------------
def test_current_version_is_the_newest_published_version_in_effect(app):
    with app.app_context():
        imported(flat_doc("KSS-TEST", ["Old"], effective_to=dt.date(2027, 3, 31)))
        imported(flat_doc("KSS-TEST", ["New"], effective_from=dt.date(2027, 4, 1)))
        imported(flat_doc("KSS-TEST", ["Draft"], status="draft"))
        framework = queries.find_framework_by_code("KSS-TEST")

        def current(day: dt.date) -> int:
            return queries.current_version(framework, today=day).number

        assert current(dt.date(2026, 11, 23)) == 1
        assert current(dt.date(2027, 3, 31)) == 1
        assert current(dt.date(2027, 4, 1)) == 2
        assert current(dt.date(2030, 1, 1)) == 2


def test_a_version_whose_effective_to_has_passed_is_not_current(app):
    with app.app_context():
        imported(flat_doc("SWE-TEST", ["Open-ended"]))
        imported(flat_doc("SWE-TEST", ["Short-lived"], effective_to=dt.date(2026, 6, 30)))
        framework = queries.find_framework_by_code("SWE-TEST")
        assert queries.current_version(framework, today=dt.date(2026, 6, 30)).number == 2
        assert queries.current_version(framework, today=dt.date(2026, 7, 1)).number == 1


def test_with_nothing_in_effect_the_newest_published_version_is_current(app):
    with app.app_context():
        imported(flat_doc("FUTURE", ["One"], effective_from=dt.date(2030, 1, 1)))
        imported(flat_doc("FUTURE", ["Two"], effective_from=dt.date(2031, 1, 1)))
        imported(flat_doc("FUTURE", ["Three"], status="draft"))
        framework = queries.find_framework_by_code("FUTURE")
        assert queries.current_version(framework, today=dt.date(2026, 1, 1)).number == 2
        imported(flat_doc("ONLY-DRAFT", ["One"], status="draft"))
        only_draft = queries.find_framework_by_code("ONLY-DRAFT")
        assert queries.current_version(only_draft, today=dt.date(2026, 1, 1)) is None


# Crosswalk -------------------------------------------------------------------------------------
def two_frameworks() -> tuple[int, int, int, int]:
    """B is imported first so its items have the lower ids (stored as item_a of a link)."""
    b_id = imported(flat_doc("FW-B", ["B one", "B two", "B three"]))
    a_id = imported(flat_doc("FW-A", ["A one", "A two"]))
    return (
        queries.find_version(a_id).framework_id,
        a_id,
        queries.find_version(b_id).framework_id,
        b_id,
    )


def test_crosswalk_links_items_of_two_frameworks(app):
    with app.app_context():
        fw_a, a, fw_b, b = two_frameworks()
        link = services.link_items(item_a=item(a, "1"), item_b=item(b, "2"), actor=None, now=NOW)
        services.link_items(item_a=item(b, "3"), item_b=item(a, "1"), actor=None, now=NOW)
        services.link_items(item_a=item(a, "2"), item_b=item(b, "1"), actor=None, now=NOW)
        db.session.commit()
        link_id = link.id
        # Stored once, lowest id first.
        assert (link.item_a_id, link.item_b_id) == (item(b, "2").id, item(a, "1").id)

    with app.app_context():
        pairs = [(x.title, y.title) for x, y, _ in queries.list_crosswalk(fw_a, fw_b)]
        assert pairs == [("A one", "B two"), ("A one", "B three"), ("A two", "B one")]
        reverse = [(x.title, y.title) for x, y, _ in queries.list_crosswalk(fw_b, fw_a)]
        assert reverse == [("B one", "A two"), ("B two", "A one"), ("B three", "A one")]
        assert link_id in {link_id for _, _, link_id in queries.list_crosswalk(fw_a, fw_b)}
        assert sorted(i.title for i in queries.linked_items(item(a, "1").id)) == [
            "B three",
            "B two",
        ]
        assert [i.title for i in queries.linked_items(item(b, "2").id)] == ["A one"]
        assert [i.version.framework.code for i in queries.linked_items(item(b, "1").id)] == ["FW-A"]
        assert len(events("crosswalk_linked")) == 3


def test_the_same_pair_cannot_be_linked_twice_either_way(app):
    with app.app_context():
        _, a, _, b = two_frameworks()
        services.link_items(item_a=item(a, "1"), item_b=item(b, "1"), actor=None, now=NOW)
        db.session.commit()
        for first, second in ((item(a, "1"), item(b, "1")), (item(b, "1"), item(a, "1"))):
            with pytest.raises(RuleBroken) as caught:
                services.link_items(item_a=first, item_b=second, actor=None, now=LATER)
            assert caught.value.errors == {"item_b": "These two items are linked already"}
        db.session.rollback()
        assert db.session.scalar(select(db.func.count()).select_from(CrosswalkLink)) == 1


def test_items_of_one_framework_cannot_be_linked(app):
    with app.app_context():
        _, a, _, _ = two_frameworks()
        second_version = imported(flat_doc("FW-A", ["A one, again"]))
        for other in (item(a, "2"), item(second_version, "1")):
            with pytest.raises(RuleBroken) as caught:
                services.link_items(item_a=item(a, "1"), item_b=other, actor=None, now=NOW)
            assert caught.value.errors == {"item_b": "Choose an item from a different framework"}
        assert db.session.scalar(select(db.func.count()).select_from(CrosswalkLink)) == 0


def test_unlink_deletes_the_link(app):
    with app.app_context():
        fw_a, a, fw_b, b = two_frameworks()
        link = services.link_items(item_a=item(a, "1"), item_b=item(b, "1"), actor=None, now=NOW)
        kept = services.link_items(item_a=item(a, "2"), item_b=item(b, "2"), actor=None, now=NOW)
        db.session.commit()
        link_id, kept_id = link.id, kept.id
    with app.app_context():
        services.unlink(link=queries.find_link_by_id(link_id), actor=None, now=LATER)
        db.session.commit()
    with app.app_context():
        assert queries.find_link_by_id(link_id) is None
        assert queries.find_link(item(a, "1").id, item(b, "1").id) is None
        assert [link_id for _, _, link_id in queries.list_crosswalk(fw_a, fw_b)] == [kept_id]
        assert queries.linked_items(item(a, "1").id) == []
        [event] = events("crosswalk_unlinked")
        assert event.subject_id == link_id
        # It can be linked again.
        services.link_items(item_a=item(b, "1"), item_b=item(a, "1"), actor=None, now=LATER)
        db.session.commit()
        assert queries.find_link(item(a, "1").id, item(b, "1").id) is not None


def test_an_imported_new_version_continues_items_with_the_same_code(app):
    from wfld.frameworks.documents import from_dict

    def doc(title: str):  # noqa: ANN202
        return from_dict(
            {
                "code": "CONTINUED",
                "title": "Continued",
                "custodian": "Test",
                "version": {
                    "label": title,
                    "status": "published",
                    "items": [
                        {"code": "1", "kind": "domain", "title": f"One {title}"},
                        {"code": "2", "kind": "domain", "title": "Two"},
                    ],
                },
            }
        )

    with app.app_context():
        first = services.import_document(doc("a"), actor=None, now=NOW).version
        db.session.flush()
        second = services.import_document(doc("b"), actor=None, now=NOW).version
        old = {i.code: i.id for i in first.items}
        assert {i.code: i.previous_item_id for i in second.items} == old
        assert all(i.previous_item_id is None for i in first.items)


def test_a_child_cannot_be_restored_under_a_retired_parent(app):
    from wfld.frameworks.documents import from_dict

    with app.app_context():
        version = services.import_document(
            from_dict(
                {
                    "code": "NESTED",
                    "title": "Nested",
                    "custodian": "Test",
                    "version": {
                        "label": "1",
                        "status": "draft",
                        "items": [
                            {
                                "code": "1",
                                "kind": "domain",
                                "title": "Parent",
                                "children": [
                                    {"code": "1.1", "kind": "statement", "title": "Child"}
                                ],
                            }
                        ],
                    },
                }
            ),
            actor=None,
            now=NOW,
        ).version
        parent = next(i for i in version.items if i.code == "1")
        child = next(i for i in version.items if i.code == "1.1")
        services.set_item_retired(item=parent, retired=True, actor=None, now=NOW)
        assert child.is_retired
        with pytest.raises(RuleBroken):
            services.set_item_retired(item=child, retired=False, actor=None, now=NOW)
        assert child.is_retired
