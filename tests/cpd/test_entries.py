"""My CPD and CPD entries through the pages: drafts and complete entries, the regulator's
fields, the confidentiality check, versions, optimistic locking, deleting drafts, framework
tags, filters, hours per year and turning completed learning into an entry.

The clock is frozen at 09:00 UTC on 23 November 2026: Social Work England's 2026 registration
year (1 December 2025 to 30 November 2026), 7 days before renewal closes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.cpd.builders import PIECE, make_entry
from tests.factories import NOW, Person
from tests.helpers import form_values, page, sign_in, submit
from wfld.catalogue.models import (
    Completion,
    CompletionSource,
    CompletionStatus,
    DeliveryMode,
    LearningActivity,
    Provider,
)
from wfld.core import clock
from wfld.cpd.models import CpdEntry, CpdEntryVersion, EntryStatus
from wfld.cpd.rules import ActivityType
from wfld.extensions import db
from wfld.frameworks.models import Framework, FrameworkItem, FrameworkVersion

COMPLETE = {"save_complete": "Save and mark as complete"}
DRAFT = {"save_draft": "Save as draft"}
STALE_MESSAGE = (
    "Someone changed this record at 9am on 23 November 2026. Your changes are below and have "
    "not been saved: check them and save again"
)


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def frameworks(app: Flask, org) -> None:  # noqa: ANN001
    """The reference frameworks, which give the CPD tag choices."""
    result = app.test_cli_runner().invoke(args=["seed", "frameworks"])
    assert result.exit_code == 0, result.output


def signed_in(app: Flask, person: Person) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, person.email).status_code == 302
    return client


def entry_form(**changes: object) -> dict[str, object]:
    """What a person types for a complete piece of CPD (PIECE's text), with ``changes``."""
    data: dict[str, object] = {
        "title": PIECE.title,
        "started_on": ["14", "10", "2026"],
        "ended_on": ["", "", ""],
        "activity_type": PIECE.activity_type.value,
        "hours": "2",
        "description": PIECE.description,
        "learning": PIECE.learning,
        "impact": PIECE.impact,
        "peer_reflection": "",
        "peer_role": "",
    }
    data.update(changes)
    return data


def entries_of(app: Flask, staff_id: int) -> list[CpdEntry]:
    with app.app_context():
        found = list(
            db.session.scalars(
                select(CpdEntry).where(CpdEntry.staff_id == staff_id).order_by(CpdEntry.id)
            )
        )
        db.session.expunge_all()
        return found


def entry_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(CpdEntry))


def item_id(framework_code: str, code: str) -> int:
    return db.session.scalar(
        select(FrameworkItem.id)
        .join(FrameworkVersion, FrameworkVersion.id == FrameworkItem.version_id)
        .join(Framework, Framework.id == FrameworkVersion.framework_id)
        .where(Framework.code == framework_code, FrameworkItem.code == code)
    )


def entry_id_from(response) -> int:  # noqa: ANN001
    assert response.status_code == 302, response.status_code
    location = response.headers["Location"]
    assert location.startswith("/cpd/entries/"), location
    return int(location.rsplit("/", 1)[1])


def assert_links_to_fields(result, hrefs) -> None:  # noqa: ANN001
    """Each error summary link points at an element on the page."""
    for href in hrefs:
        assert result.soup.find(id=href.lstrip("#")) is not None, f"{href} links to nothing"


# Access ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path", ["/cpd/me", "/cpd/entries/new", "/cpd/entries/1", "/cpd/entries/1/edit"]
)
def test_anonymous_people_are_sent_to_sign_in(client, org, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_my_cpd_shows_an_empty_record_and_readiness(app, org):
    client = signed_in(app, org.practitioner)
    mine = page(client.get("/cpd/me"))
    assert mine.h1 == "My CPD"
    headline = mine.soup.find(id="readiness-headline").get_text(" ", strip=True)
    assert headline == "0 pieces (2 needed) — 7 days until renewal closes on 30 November"
    assert "No entries match these filters." in mine.text()
    assert mine.soup.select("table.app-table--compact") == []


# Saving ------------------------------------------------------------------------------------------
def test_a_draft_needs_only_a_title_and_a_date(app, org):
    client = signed_in(app, org.practitioner)
    response = submit(
        client,
        "/cpd/entries/new",
        {"title": "Notes on the chronology group", "started_on": ["14", "10", "2026"], **DRAFT},
    )
    entry_id = entry_id_from(response)
    [entry] = entries_of(app, org.practitioner.staff_id)
    assert entry.id == entry_id
    assert entry.status is EntryStatus.DRAFT
    assert entry.title == "Notes on the chronology group"
    assert entry.started_on == dt.date(2026, 10, 14)
    assert (entry.activity_type, entry.description, entry.learning) == (None, "", "")
    shown = page(client.get(f"/cpd/entries/{entry_id}"))
    assert shown.h1 == "Notes on the chronology group"
    assert [t.get_text(strip=True) for t in shown.soup.select("main .govuk-tag")] == ["Draft"]


def test_a_draft_without_a_title_or_date_is_refused(app, org):
    client = signed_in(app, org.practitioner)
    result = page(submit(client, "/cpd/entries/new", {"started_on": ["", "", ""], **DRAFT}))
    assert result.error_summary() == {
        "#title": "Enter a title",
        "#started_on-day": "Enter the date of the CPD",
    }
    assert entry_count(app) == 0


def test_completing_needs_every_field_the_regulator_asks_for(app, org):
    client = signed_in(app, org.practitioner)
    result = page(
        submit(
            client,
            "/cpd/entries/new",
            {"title": "Chronologies", "started_on": ["14", "10", "2026"], **COMPLETE},
        )
    )
    errors = result.error_summary()
    assert errors == {
        "#activity_type": "Select the type of CPD",
        "#description": "Enter a short description and why it is relevant",
        "#learning": "Enter what you learnt",
        "#impact": "Enter the impact on your practice and on the people you work with",
    }
    assert_links_to_fields(result, errors)
    assert result.title.startswith("Error: ")
    assert entry_count(app) == 0


def test_white_space_alone_does_not_complete_a_field(app, org):
    client = signed_in(app, org.practitioner)
    result = page(submit(client, "/cpd/entries/new", entry_form(learning="  \r\n\t ", **COMPLETE)))
    assert result.error_summary() == {"#learning": "Enter what you learnt"}
    assert entry_count(app) == 0


def test_the_end_date_cannot_be_before_the_start(app, org):
    client = signed_in(app, org.practitioner)
    result = page(
        submit(client, "/cpd/entries/new", entry_form(ended_on=["13", "10", "2026"], **COMPLETE))
    )
    errors = result.error_summary()
    assert errors == {"#ended_on-day": "The end date must be the same as or after the start date"}
    assert_links_to_fields(result, errors)
    assert entry_count(app) == 0


def test_complete_cpd_cannot_be_in_the_future_but_a_planned_draft_can(app, org):
    client = signed_in(app, org.practitioner)
    tomorrow = ["24", "11", "2026"]
    result = page(submit(client, "/cpd/entries/new", entry_form(started_on=tomorrow, **COMPLETE)))
    assert result.error_summary() == {"#started_on-day": "The date must be today or in the past"}
    assert entry_count(app) == 0

    entry_id_from(submit(client, "/cpd/entries/new", entry_form(started_on=tomorrow, **DRAFT)))
    [entry] = entries_of(app, org.practitioner.staff_id)
    assert (entry.status, entry.started_on) == (EntryStatus.DRAFT, dt.date(2026, 11, 24))


def test_a_peer_reflection_needs_the_role_of_the_peer(app, org):
    client = signed_in(app, org.practitioner)
    result = page(
        submit(
            client,
            "/cpd/entries/new",
            entry_form(peer_reflection="We talked about what a chronology is for.", **COMPLETE),
        )
    )
    errors = result.error_summary()
    assert errors == {"#peer_role": "Enter the role of the person you discussed it with"}
    assert_links_to_fields(result, errors)
    assert entry_count(app) == 0


def test_a_complete_entry_is_saved_as_written(app, org):
    client = signed_in(app, org.practitioner)
    entry_id = entry_id_from(
        submit(
            client,
            "/cpd/entries/new",
            entry_form(
                ended_on=["16", "10", "2026"],
                peer_reflection="We talked about what a chronology is for.\nIt is analysis.",
                peer_role="a senior social worker",
                **COMPLETE,
            ),
        )
    )
    with app.app_context():
        entry = db.session.get(CpdEntry, entry_id)
        assert entry.status is EntryStatus.COMPLETE
        assert entry.completed_at == NOW
        assert entry.staff_id == org.practitioner.staff_id
        assert (entry.started_on, entry.ended_on) == (dt.date(2026, 10, 14), dt.date(2026, 10, 16))
        assert entry.activity_type is ActivityType.PEER_DISCUSSION
        assert entry.hours == Decimal("2")
        assert entry.peer_reflection == "We talked about what a chronology is for.\nIt is analysis."
        assert entry.peer_role == "a senior social worker"
        assert entry.confidentiality_checked_at is None
        assert entry.shared is False


# The confidentiality check -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "text", "found"),
    [
        ("learning", "I met the mother Jane Smith at home.\nI slowed down.", "Jane Smith"),
        ("description", "The child's NHS no. 943 476 5919 was on the form.", "943 476 5919"),
    ],
)
def test_identifying_text_is_shown_back_and_nothing_is_saved_until_confirmed(
    app, org, field, text, found
):
    client = signed_in(app, org.practitioner)
    warned = page(submit(client, "/cpd/entries/new", entry_form(**{field: text}, **COMPLETE)))
    assert [m.get_text() for m in warned.soup.select("#confidentiality mark.app-finding")] == [
        found
    ]
    checkbox = warned.soup.select_one("#confidentiality input[name=confirm_checked]")
    assert checkbox is not None and not checkbox.has_attr("checked")
    assert "#confirm_checked" in warned.error_summary()
    assert "Nothing has been saved yet" in warned.text()
    digest = warned.soup.find("input", attrs={"name": "shown_digest"})["value"]
    assert digest
    # What was typed is shown again, unchanged, for the person to look at.
    assert warned.soup.find(attrs={"name": field}).get_text().strip() == text.strip()
    assert entry_count(app) == 0

    confirmed = submit(
        client,
        "/cpd/entries/new",
        entry_form(**{field: text}, confirm_checked="y", shown_digest=digest, **COMPLETE),
    )
    entry_id = entry_id_from(confirmed)
    with app.app_context():
        entry = db.session.get(CpdEntry, entry_id)
        assert getattr(entry, field) == text, "saved exactly as typed"
        assert entry.confidentiality_checked_at == NOW
        assert entry.status is EntryStatus.COMPLETE


def test_a_confirmation_does_not_cover_a_new_identifying_detail(app, org):
    client = signed_in(app, org.practitioner)
    first = "I met the mother Jane Smith at home."
    warned = page(submit(client, "/cpd/entries/new", entry_form(learning=first, **COMPLETE)))
    digest = warned.soup.find("input", attrs={"name": "shown_digest"})["value"]

    changed = first + " Her NHS number is 943 476 5919."
    again = page(
        submit(
            client,
            "/cpd/entries/new",
            entry_form(learning=changed, confirm_checked="y", shown_digest=digest, **COMPLETE),
        )
    )
    assert [m.get_text() for m in again.soup.select("#confidentiality mark.app-finding")] == [
        "Jane Smith",
        "943 476 5919",
    ]
    new_digest = again.soup.find("input", attrs={"name": "shown_digest"})["value"]
    assert new_digest and new_digest != digest
    assert not again.soup.select_one("input[name=confirm_checked]").has_attr("checked")
    assert entry_count(app) == 0

    entry_id_from(
        submit(
            client,
            "/cpd/entries/new",
            entry_form(learning=changed, confirm_checked="y", shown_digest=new_digest, **COMPLETE),
        )
    )
    [entry] = entries_of(app, org.practitioner.staff_id)
    assert entry.learning == changed


def test_ticking_the_box_without_the_digest_shown_does_not_confirm(app, org):
    client = signed_in(app, org.practitioner)
    text = "I met the mother Jane Smith at home."
    result = page(
        submit(
            client,
            "/cpd/entries/new",
            entry_form(learning=text, confirm_checked="y", shown_digest="", **COMPLETE),
        )
    )
    assert result.soup.select("#confidentiality mark.app-finding")
    assert entry_count(app) == 0


# Changing an entry -------------------------------------------------------------------------------
def edit(client: FlaskClient, entry_id: int, **changes: object):  # noqa: ANN201
    """Post the edit form as the page shows it, with ``changes``."""
    path = f"/cpd/entries/{entry_id}/edit"
    data: dict[str, object] = dict(form_values(client.get(path)))
    data.update(changes)
    return submit(client, path, data)


def test_changing_a_complete_entry_keeps_what_it_said_before(app, org):
    with app.app_context():
        entry_id = make_entry(org.practitioner.staff_id).id
    client = signed_in(app, org.practitioner)
    changed = "A chronology is an analysis.\nIt says what each event meant."
    assert entry_id_from(edit(client, entry_id, learning=changed, **COMPLETE)) == entry_id

    with app.app_context():
        entry = db.session.get(CpdEntry, entry_id)
        assert entry.learning == changed
        assert entry.status is EntryStatus.COMPLETE
        [version] = entry.versions
        assert version.number == 1
        assert version.learning == PIECE.learning
        assert version.title == PIECE.title
        assert version.replaced_at == NOW
        assert version.replaced_by_id == org.practitioner.user_id

    shown = page(client.get(f"/cpd/entries/{entry_id}"))
    link = shown.soup.find("a", href=f"/cpd/entries/{entry_id}/versions")
    assert link is not None and "Earlier versions (1)" in link.get_text()
    versions = page(client.get(f"/cpd/entries/{entry_id}/versions"))
    assert [h.get_text(" ", strip=True) for h in versions.soup.select("main h2")] == [
        f"Version 1: {PIECE.title}"
    ]
    written = [w.get_text() for w in versions.soup.select(".app-written")]
    assert PIECE.learning in written
    assert changed not in written


def test_changing_a_draft_keeps_no_version(app, org):
    with app.app_context():
        entry_id = make_entry(org.practitioner.staff_id, complete=False).id
    client = signed_in(app, org.practitioner)
    entry_id_from(edit(client, entry_id, learning="Rewritten while still a draft.", **DRAFT))
    with app.app_context():
        entry = db.session.get(CpdEntry, entry_id)
        assert entry.learning == "Rewritten while still a draft."
        assert entry.status is EntryStatus.DRAFT
        assert db.session.scalar(select(func.count()).select_from(CpdEntryVersion)) == 0


def test_saving_a_complete_entry_unchanged_keeps_no_version(app, org):
    with app.app_context():
        entry_id = make_entry(org.practitioner.staff_id).id
    client = signed_in(app, org.practitioner)
    entry_id_from(edit(client, entry_id, **COMPLETE))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CpdEntryVersion)) == 0
        assert db.session.get(CpdEntry, entry_id).learning == PIECE.learning
    versions = page(client.get(f"/cpd/entries/{entry_id}/versions"))
    assert "has not been changed since it was completed" in versions.text()


def test_completing_a_draft_from_the_edit_page(app, org):
    with app.app_context():
        entry_id = make_entry(org.practitioner.staff_id, complete=False).id
    client = signed_in(app, org.practitioner)
    entry_id_from(edit(client, entry_id, **COMPLETE))
    with app.app_context():
        entry = db.session.get(CpdEntry, entry_id)
        assert entry.status is EntryStatus.COMPLETE
        assert entry.completed_at == NOW
        assert entry.versions == []


def test_a_change_from_a_stale_form_does_not_overwrite_a_later_one(app, org):
    with app.app_context():
        entry_id = make_entry(org.practitioner.staff_id).id
    path = f"/cpd/entries/{entry_id}/edit"
    first_tab = signed_in(app, org.practitioner)
    second_tab = signed_in(app, org.practitioner)
    stale = dict(form_values(first_tab.get(path)))
    assert stale["version"] == ["1"]

    entry_id_from(edit(second_tab, entry_id, learning="Saved from the second tab.", **COMPLETE))

    response = submit(first_tab, path, {**stale, "learning": "From the first tab.", **COMPLETE})
    assert response.status_code == 200
    again = page(response)
    assert STALE_MESSAGE in again.text()
    # What was typed in the first tab is kept on the page, to check and save again.
    assert again.soup.find("textarea", attrs={"name": "learning"}).get_text().strip() == (
        "From the first tab."
    )
    with app.app_context():
        entry = db.session.get(CpdEntry, entry_id)
        assert entry.learning == "Saved from the second tab."
        assert len(entry.versions) == 1


# Deleting ----------------------------------------------------------------------------------------
def test_a_draft_can_be_deleted_once_confirmed(app, org):
    with app.app_context():
        entry_id = make_entry(org.practitioner.staff_id, complete=False).id
    client = signed_in(app, org.practitioner)
    path = f"/cpd/entries/{entry_id}/delete"
    unconfirmed = page(submit(client, path, {}))
    assert unconfirmed.error_summary() == {"#confirm": "Confirm that you are sure"}
    assert entry_count(app) == 1

    response = submit(client, path, {"confirm": "y"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/cpd/me"
    assert entry_count(app) == 0
    assert client.get(f"/cpd/entries/{entry_id}").status_code == 404


def test_a_complete_entry_cannot_be_deleted(app, org):
    with app.app_context():
        entry_id = make_entry(org.practitioner.staff_id).id
    client = signed_in(app, org.practitioner)
    path = f"/cpd/entries/{entry_id}/delete"
    assert client.get(path).status_code == 404
    token = form_values(client.get(f"/cpd/entries/{entry_id}"), with_csrf=True)["csrf_token"]
    assert client.post(path, data={"csrf_token": token, "confirm": "y"}).status_code == 404
    assert entry_count(app) == 1
    shown = page(client.get(f"/cpd/entries/{entry_id}"))
    assert shown.soup.find("a", href=path) is None


def test_someone_else_cannot_delete_a_draft(app, org):
    with app.app_context():
        entry_id = make_entry(org.practitioner.staff_id, complete=False).id
    client = signed_in(app, org.other_practitioner)
    assert client.get(f"/cpd/entries/{entry_id}/delete").status_code == 404
    assert entry_count(app) == 1


# Framework tags ----------------------------------------------------------------------------------
def test_tags_from_the_tag_frameworks_are_saved(app, org, frameworks):
    with app.app_context():
        supervision = item_id("SWE-PS4", "4.2")
        knowledge = item_id("PCF", "5")
    client = signed_in(app, org.practitioner)
    form = page(client.get("/cpd/entries/new"))
    offered = {int(i["value"]) for i in form.soup.select("input[name=tags]")}
    assert {supervision, knowledge} <= offered

    entry_id = entry_id_from(
        submit(
            client,
            "/cpd/entries/new",
            entry_form(tags=[str(supervision), str(knowledge)], **COMPLETE),
        )
    )
    with app.app_context():
        entry = db.session.get(CpdEntry, entry_id)
        assert {t.id for t in entry.tags} == {supervision, knowledge}
    shown = page(client.get(f"/cpd/entries/{entry_id}"))
    assert "4.2 Supervision" in shown.text()
    checked = page(client.get(f"/cpd/entries/{entry_id}/edit")).soup.select(
        "input[name=tags][checked]"
    )
    assert {int(i["value"]) for i in checked} == {supervision, knowledge}
    # Saving the edit form as it is shown keeps the tags.
    entry_id_from(edit(client, entry_id, **COMPLETE))
    with app.app_context():
        assert {t.id for t in db.session.get(CpdEntry, entry_id).tags} == {supervision, knowledge}


@pytest.mark.parametrize("bad", ["other-framework", "missing"])
def test_a_tag_that_is_not_offered_is_refused(app, org, frameworks, bad):
    with app.app_context():
        # The common core is seeded but is not one of the frameworks CPD is tagged with.
        refused = item_id("CCSK", "1") if bad == "other-framework" else 999_999
        allowed = item_id("SWE-PS4", "4.2")
        assert refused is not None
    client = signed_in(app, org.practitioner)
    result = page(
        submit(
            client,
            "/cpd/entries/new",
            entry_form(tags=[str(allowed), str(refused)], **COMPLETE),
        )
    )
    errors = result.error_summary()
    assert errors == {"#tags": "Select framework items from the list"}
    assert_links_to_fields(result, errors)
    assert entry_count(app) == 0


# My CPD: filters, hours and coverage -------------------------------------------------------------
@pytest.fixture
def record(app, org, frameworks) -> dict[str, int]:  # noqa: ANN001
    """Four entries over two registration years, of different types and tags."""
    staff_id = org.practitioner.staff_id
    with app.app_context():
        supervision, knowledge = item_id("SWE-PS4", "4.2"), item_id("PCF", "5")
        entries = {
            "group": make_entry(
                staff_id,
                title="Chronologies group",
                started_on=dt.date(2026, 10, 14),
                hours=Decimal("2"),
                tag_ids={supervision},
            ),
            "court": make_entry(
                staff_id,
                title="Court skills course",
                started_on=dt.date(2025, 11, 20),
                activity_type=ActivityType.COURSE,
                hours=Decimal("6"),
                tag_ids={supervision},
            ),
            # 1 December starts the 2026 registration year.
            "reading": make_entry(
                staff_id,
                title="Reading on neglect",
                started_on=dt.date(2025, 11, 28),
                ended_on=dt.date(2025, 12, 1),
                activity_type=ActivityType.READING,
                hours=Decimal("1.5"),
                tag_ids={knowledge},
            ),
            "draft": make_entry(
                staff_id,
                complete=False,
                title="Supervision notes",
                started_on=dt.date(2026, 11, 1),
                activity_type=ActivityType.SUPERVISION,
                hours=Decimal("1"),
            ),
        }
        return {name: e.id for name, e in entries.items()}


def listed(client: FlaskClient, query: str = "") -> list[str]:
    mine = page(client.get(f"/cpd/me{query}"))
    return [a.get_text(strip=True) for a in mine.soup.select("table.app-table--compact tbody a")]


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("", ["Supervision notes", "Chronologies group", "Reading on neglect"]),
        ("?year=2026", ["Supervision notes", "Chronologies group", "Reading on neglect"]),
        ("?year=2025", ["Court skills course"]),
        (
            "?year=all",
            [
                "Supervision notes",
                "Chronologies group",
                "Reading on neglect",
                "Court skills course",
            ],
        ),
        ("?year=all&type=course", ["Court skills course"]),
        ("?year=2026&type=course", []),
        ("?year=all&item=SWE-PS4:4.2", ["Chronologies group", "Court skills course"]),
        ("?year=2026&item=SWE-PS4:4.2", ["Chronologies group"]),
        ("?year=all&item=PCF:5", ["Reading on neglect"]),
        ("?year=all&type=reading&item=PCF:5", ["Reading on neglect"]),
        ("?year=all&item=PCF:9", []),
    ],
)
def test_my_cpd_filters(app, org, record, query, titles):
    client = signed_in(app, org.practitioner)
    assert listed(client, query) == titles


def test_hours_per_registration_year_count_complete_entries(app, org, record):
    client = signed_in(app, org.practitioner)
    mine = page(client.get("/cpd/me"))
    heading = mine.soup.find("h2", string="Hours per registration year")
    rows = [
        [cell.get_text(strip=True) for cell in row.find_all(["td", "th"])]
        for row in heading.find_next("table").select("tbody tr")
    ]
    # The draft's hour does not count; the reading ended on 1 December, in the 2026 year.
    assert rows == [["2026", "2", "3.5"], ["2025", "1", "6"]]


def test_my_cpd_shows_nobody_elses_entries(app, org, record):
    with app.app_context():
        make_entry(org.other_practitioner.staff_id, title="Quinn's own learning")
    assert "Quinn's own learning" not in listed(signed_in(app, org.practitioner), "?year=all")
    assert listed(signed_in(app, org.other_practitioner), "?year=all") == ["Quinn's own learning"]


# Learning written up as CPD ----------------------------------------------------------------------
def _completion(staff_id: int, *, title: str, status=CompletionStatus.VERIFIED) -> int:  # noqa: ANN001
    activity = db.session.scalar(select(LearningActivity).where(LearningActivity.title == title))
    if activity is None:
        activity = LearningActivity(
            title=title,
            category="Practice",
            description="An online course on writing chronologies.",
            delivery_mode=DeliveryMode.E_LEARNING,
            provider=Provider.EXTERNAL,
            duration_hours=Decimal("3"),
            is_active=True,
            created_at=NOW,
            framework_items=[db.session.get(FrameworkItem, item_id("SWE-PS4", "4.3"))],
        )
        db.session.add(activity)
        db.session.flush()
    completion = Completion(
        staff_id=staff_id,
        activity_id=activity.id,
        completed_on=dt.date(2026, 11, 2),
        source=CompletionSource.MANUAL,
        status=status,
        recorded_at=NOW,
    )
    db.session.add(completion)
    db.session.commit()
    return completion.id


def test_completed_learning_becomes_a_cpd_entry(app, org, frameworks):
    with app.app_context():
        completion_id = _completion(org.practitioner.staff_id, title="Chronologies masterclass")
        _completion(
            org.practitioner.staff_id,
            title="Unchecked certificate course",
            status=CompletionStatus.PENDING,
        )
        research = item_id("SWE-PS4", "4.3")
    client = signed_in(app, org.practitioner)
    path = f"/cpd/entries/new?completion={completion_id}"
    mine = page(client.get("/cpd/me"))
    offered = [a["href"] for a in mine.soup.select("main a[href*='completion=']")]
    assert offered == [path], "only verified learning is offered"

    prefilled = form_values(client.get(path))
    assert prefilled["title"] == ["Chronologies masterclass"]
    assert [int(v) for v in prefilled["started_on"]] == [2, 11, 2026]
    assert prefilled["activity_type"] == ["e_learning"]
    assert [Decimal(h) for h in prefilled["hours"]] == [Decimal("3")]
    assert prefilled["description"][0].strip() == "An online course on writing chronologies."
    assert prefilled["tags"] == [str(research)]
    assert prefilled["learning"] == [""]

    data = {
        **prefilled,
        "learning": "Chronologies are analysis.",
        "impact": "My chronologies say what each event meant.",
        **COMPLETE,
    }
    entry_id = entry_id_from(submit(client, path, data))
    with app.app_context():
        entry = db.session.get(CpdEntry, entry_id)
        assert entry.source_completion_id == completion_id
        assert entry.title == "Chronologies masterclass"
        assert entry.started_on == dt.date(2026, 11, 2)
        assert entry.activity_type is ActivityType.E_LEARNING
        assert entry.hours == Decimal("3")
        assert {t.id for t in entry.tags} == {research}
    mine = page(client.get("/cpd/me"))
    assert mine.soup.select("main a[href*='completion=']") == []
    assert "Learning you could write up as CPD" not in mine.text()


def test_someone_elses_completion_cannot_be_turned_into_an_entry(app, org, frameworks):
    with app.app_context():
        theirs = _completion(org.other_practitioner.staff_id, title="Chronologies masterclass")
    client = signed_in(app, org.practitioner)
    path = f"/cpd/entries/new?completion={theirs}"
    assert client.get(path).status_code == 404
    assert client.get("/cpd/entries/new?completion=999999").status_code == 404
    token = form_values(client.get("/cpd/entries/new"), with_csrf=True)["csrf_token"]
    response = client.post(path, data={"csrf_token": token, **entry_form(**COMPLETE)})
    assert response.status_code == 404
    assert entry_count(app) == 0
