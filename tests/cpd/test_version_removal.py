"""Removing identifying words from a CPD entry's earlier versions.

The practitioner's complete entry, shared with their line manager, once named a child with
his age and street address. The practitioner took them out of the entry; the earlier versions
still held them, and the line manager could read those. Now the author is offered to remove
them from the history: each field holding them is replaced by "Removed by the author on
<date>", the removal is audited without the words, and the manager never sees them again.

The clock is frozen at 09:00 UTC on 23 November 2026.
"""

from __future__ import annotations

import dataclasses
import json
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.cpd.builders import PIECE
from tests.cpd.record_pdf import ask_for_record_pdf
from tests.factories import NOW, TODAY
from tests.helpers import page, sign_in, submit
from wfld.accounts.models import AuditEvent, User
from wfld.core import clock
from wfld.core.errors_domain import RuleBroken
from wfld.cpd import queries, removal, services
from wfld.cpd.models import CpdEntry, CpdEntryVersion
from wfld.extensions import db
from wfld.organisation.models import StaffMember

NOTICE = "Removed by the author on 23 November 2026"
FIRST = "I visited Tom, aged 7, at 14 Elm Road. A chronology is an analysis, not a list."
SECOND = "I visited a child at 14 Elm Road. A chronology is an analysis, not a list."
NOW_SAYS = "I visited a child at home. A chronology is an analysis, not a list."
IMPACT = "I now ask what a good day looks like, as the staff at Little Acorns Nursery do."
REMOVED_WORDS = ("Tom, aged 7", "Elm Road", "Tom")


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _save(staff_id: int, entry: CpdEntry | None, **changes: object) -> CpdEntry:
    """Save through the service, confirming the confidentiality check as the person would."""
    staff = db.session.get(StaffMember, staff_id)
    text = dataclasses.replace(PIECE, **changes)
    kwargs = dict(
        staff=staff,
        entry=entry,
        text=text,
        complete=True,
        tag_ids=set(),
        allowed_tag_ids=set(),
        share=True if entry is None else None,
        expected_version=entry.version_id if entry is not None else None,
        actor=db.session.get(User, staff.user_id),
        now=NOW,
        today=TODAY,
    )
    try:
        saved = services.save_entry(confirmed_digest=None, **kwargs)
    except services.NeedsConfidentialityCheck as check:
        db.session.rollback()
        saved = services.save_entry(confirmed_digest=check.digest, **kwargs)
    db.session.commit()
    return saved


@pytest.fixture
def entry(app: Flask, org) -> SimpleNamespace:  # noqa: ANN001
    """A complete shared entry changed once, still naming the street: version 1 names Tom, his
    age and street; the entry now names the street. The nursery is in every version."""
    with app.app_context():
        saved = _save(org.practitioner.staff_id, None, learning=FIRST, impact=IMPACT)
        saved = _save(org.practitioner.staff_id, saved, learning=SECOND, impact=IMPACT)
        return SimpleNamespace(id=saved.id, version=saved.version_id)


def _client(app: Flask, person) -> FlaskClient:  # noqa: ANN001
    client = app.test_client()
    assert sign_in(client, person.email).status_code == 302
    return client


def _edit_form(**changes: str) -> dict:
    return {
        "title": PIECE.title,
        "started_on": ["14", "10", "2026"],
        "ended_on": ["", "", ""],
        "activity_type": PIECE.activity_type.value,
        "hours": "2",
        "description": PIECE.description,
        "learning": NOW_SAYS,
        "impact": IMPACT,
        "peer_reflection": "",
        "peer_role": "",
        "share": "y",
        "save_complete": "Save changes",
        **changes,
    }


def _take_the_words_out(client: FlaskClient, entry: SimpleNamespace):  # noqa: ANN202
    """The author changes the entry so that it no longer names the street (the nursery is
    still there, so the form asks them to confirm it first)."""
    path = f"/cpd/entries/{entry.id}/edit"
    warned = submit(client, path, _edit_form(version=str(entry.version)))
    assert warned.status_code == 200
    digest = page(warned).soup.select_one("input[name=shown_digest]")["value"]
    return submit(
        client,
        path,
        _edit_form(version=str(entry.version), shown_digest=digest, confirm_checked="y"),
    )


def _remove(client: FlaskClient, entry_id: int, **data: str):  # noqa: ANN202
    path = f"/cpd/entries/{entry_id}/versions/remove-words"
    shown = page(client.get(path))
    digest = shown.soup.select_one("input[name=shown_digest]")["value"]
    return submit(client, path, {"shown_digest": digest, **data})


def _versions(app: Flask, entry_id: int) -> list[CpdEntryVersion]:
    with app.app_context():
        return queries.list_versions(entry_id)


# The journey --------------------------------------------------------------------------------
def test_taking_words_out_offers_to_remove_them_from_the_earlier_versions(app, org, entry):
    author = _client(app, org.practitioner)
    saved = _take_the_words_out(author, entry)
    assert saved.status_code == 302
    assert saved.headers["Location"] == f"/cpd/entries/{entry.id}/versions/remove-words"

    offer = page(author.get(saved.headers["Location"]))
    assert offer.h1 == "Remove words from earlier versions"
    listed = [m.get_text() for m in offer.soup.select("#words-to-remove mark")]
    assert listed == ["Tom, aged 7", "14 Elm Road"]
    checkbox = offer.soup.select_one("input[name=confirm]")
    assert checkbox is not None and checkbox.get("checked") is None
    label = offer.soup.find("label", attrs={"for": checkbox["id"]}).get_text(strip=True)
    assert label == "Also remove these words from the earlier versions of this entry"
    # The nursery is still in the entry: not offered, and the page says so.
    assert "Little Acorns Nursery" not in " ".join(listed)
    assert "Little Acorns Nursery" in offer.soup.select_one("main").get_text()

    done = _remove(author, entry.id, confirm="y")
    assert done.status_code == 302
    assert done.headers["Location"] == f"/cpd/entries/{entry.id}/versions"

    versions = _versions(app, entry.id)
    assert [(v.number, v.learning) for v in versions] == [(1, NOTICE), (2, NOTICE)]
    assert [v.impact for v in versions] == [IMPACT, IMPACT]  # still in the entry: kept
    assert [v.title for v in versions] == [PIECE.title, PIECE.title]


def test_the_removal_is_audited_without_the_words(app, org, entry):
    author = _client(app, org.practitioner)
    _take_the_words_out(author, entry)
    assert _remove(author, entry.id, confirm="y").status_code == 302
    with app.app_context():
        [event] = db.session.scalars(
            select(AuditEvent).where(AuditEvent.event == "cpd_version_text_removed")
        ).all()
        version_ids = [v.id for v in queries.list_versions(entry.id)]
        assert event.actor_user_id == org.practitioner.user_id
        assert (event.subject_type, event.subject_id) == ("CpdEntry", entry.id)
        assert event.occurred_at == NOW
        assert event.details == {
            "version_ids": version_ids,
            "version_numbers": [1, 2],
            "fields": ["learning"],
            "words_removed": 2,
        }
        logged = json.dumps(event.details)
        assert not any(word in logged for word in REMOVED_WORDS)


def test_the_line_manager_never_sees_the_removed_words(app, org, entry):
    author = _client(app, org.practitioner)
    _take_the_words_out(author, entry)
    manager = _client(app, org.line_manager)
    # Before: the manager reads the child's name and street in the earlier versions.
    before = manager.get(f"/cpd/entries/{entry.id}/versions").get_data(as_text=True)
    assert "Tom, aged 7" in before and "14 Elm Road" in before

    assert _remove(author, entry.id, confirm="y").status_code == 302

    # Versions have no page of their own: the versions page shows every one of them.
    versions = manager.get(f"/cpd/entries/{entry.id}/versions")
    assert versions.status_code == 200
    shown = page(versions)
    assert [h.get_text(" ", strip=True) for h in shown.soup.select("main h2")] == [
        f"Version 2: {PIECE.title}",
        f"Version 1: {PIECE.title}",
    ]
    assert shown.text().count(NOTICE) == 2
    assert shown.soup.select_one("#remove-words") is None  # only the author is offered it
    responses = {
        "versions": versions,
        "entry": manager.get(f"/cpd/entries/{entry.id}"),
        "shared with me": manager.get("/cpd/shared"),
    }
    for name, response in responses.items():
        assert response.status_code == 200, name
        body = response.get_data(as_text=True)
        assert not any(word in body for word in REMOVED_WORDS), name
    # The author's own record (PDF and CSV) holds the entry as it is now, not its versions.
    for path in ("/cpd/me/record.csv", "/cpd/me/record.pdf"):
        record = ask_for_record_pdf(author) if path.endswith(".pdf") else author.get(path)
        assert record.status_code == 200
        assert b"Elm Road" not in record.data and b"Tom, aged" not in record.data, path


def test_nothing_is_removed_without_the_box_ticked(app, org, entry):
    author = _client(app, org.practitioner)
    _take_the_words_out(author, entry)
    refused = _remove(author, entry.id)
    assert refused.status_code == 200
    shown = page(refused)
    assert shown.title.startswith("Error: ")
    link = shown.soup.select_one(".govuk-error-summary a")
    assert link.get_text(strip=True) == (
        "Select the box to remove these words from the earlier versions, or go back"
    )
    assert shown.soup.select_one(link["href"])["name"] == "confirm"
    assert [v.learning for v in _versions(app, entry.id)] == [FIRST, SECOND]


def test_words_changed_since_the_page_was_shown_are_not_removed(app, org, entry):
    author = _client(app, org.practitioner)
    _take_the_words_out(author, entry)
    path = f"/cpd/entries/{entry.id}/versions/remove-words"
    refused = submit(author, path, {"shown_digest": "not-what-was-shown", "confirm": "y"})
    assert refused.status_code == 200
    assert "have changed since you opened this page" in page(refused).text()
    assert [v.learning for v in _versions(app, entry.id)] == [FIRST, SECOND]


def test_a_word_still_in_the_entry_is_not_offered(app, org, entry):
    """Before the edit, the entry still names the street: only Tom and his age are offered."""
    author = _client(app, org.practitioner)
    offer = page(author.get(f"/cpd/entries/{entry.id}/versions/remove-words"))
    listed = [m.get_text() for m in offer.soup.select("#words-to-remove mark")]
    assert listed == ["Tom, aged 7"]
    assert _remove(author, entry.id, confirm="y").status_code == 302
    assert [v.learning for v in _versions(app, entry.id)] == [NOTICE]


def test_the_author_is_offered_it_from_the_versions_page(app, org, entry):
    author = _client(app, org.practitioner)
    _take_the_words_out(author, entry)
    versions = page(author.get(f"/cpd/entries/{entry.id}/versions"))
    link = versions.soup.select_one("#remove-words a")
    assert link["href"] == f"/cpd/entries/{entry.id}/versions/remove-words"


def test_an_edit_that_removes_no_flagged_words_goes_back_to_the_entry(app, org, entry):
    author = _client(app, org.practitioner)
    path = f"/cpd/entries/{entry.id}/edit"
    form = _edit_form(version=str(entry.version), learning=SECOND + " More.")
    warned = submit(author, path, form)
    digest = page(warned).soup.select_one("input[name=shown_digest]")["value"]
    saved = submit(author, path, {**form, "shown_digest": digest, "confirm_checked": "y"})
    assert saved.status_code == 302
    assert saved.headers["Location"] == f"/cpd/entries/{entry.id}"


@pytest.mark.parametrize("persona", ["line_manager", "other_practitioner", "wfld_admin"])
def test_only_the_author_can_remove_words(app, org, entry, persona):
    author = _client(app, org.practitioner)
    _take_the_words_out(author, entry)
    token_page = f"/cpd/entries/{entry.id}/versions/remove-words"
    someone = _client(app, getattr(org, persona))
    assert someone.get(token_page).status_code == 404
    token = page(author.get(token_page)).soup.select_one("input[name=csrf_token]")["value"]
    # Even with a valid form (the author's own token is useless to them: sessions differ).
    refused = submit(someone, token_page, {"confirm": "y", "shown_digest": token}, form_path="/")
    assert refused.status_code == 404
    assert [v.learning for v in _versions(app, entry.id)] == [FIRST, SECOND]


def test_nothing_is_half_saved_when_the_audit_fails(app, org, entry, monkeypatch):
    with app.app_context():
        saved = db.session.get(CpdEntry, entry.id)
        _save(org.practitioner.staff_id, saved, learning=NOW_SAYS, impact=IMPACT)
        saved = db.session.get(CpdEntry, entry.id)
        digest = services.words_digest(queries.list_words_to_remove(saved))

        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("audit store unavailable")

        monkeypatch.setattr(services.audit, "record", broken)
        with pytest.raises(RuntimeError):
            services.remove_from_versions(
                entry=saved,
                shown_digest=digest,
                actor=db.session.get(User, org.practitioner.user_id),
                now=NOW,
                today=TODAY,
            )
        db.session.rollback()
    assert [v.learning for v in _versions(app, entry.id)] == [FIRST, SECOND]


def test_with_nothing_to_remove_the_service_refuses(app, org, entry):
    with app.app_context():
        saved = db.session.get(CpdEntry, entry.id)
        _save(org.practitioner.staff_id, saved, learning=FIRST, impact=IMPACT)
        saved = db.session.get(CpdEntry, entry.id)
        assert queries.list_words_to_remove(saved) == []
        with pytest.raises(RuleBroken):
            services.remove_from_versions(
                entry=saved,
                shown_digest=services.words_digest([]),
                actor=db.session.get(User, org.practitioner.user_id),
                now=NOW,
                today=TODAY,
            )


# The pure parts -----------------------------------------------------------------------------
def test_flagged_words_in_versions() -> None:
    versions = [
        (1, {"title": "Visit", "learning": "Tom, aged 7, at 14 Elm Road", "impact": "x"}),
        (2, {"title": "Visit", "learning": "a child at 14 Elm Road", "impact": "x"}),
    ]
    flagged = removal.flagged_in_versions(versions, {"learning": "a child at 14 elm road"})
    assert [(f.excerpt, f.version_numbers, f.still_in_entry) for f in flagged] == [
        ("Tom, aged 7", (1,), False),
        ("14 Elm Road", (1, 2), True),  # in any case
    ]
    assert flagged[0].reason


def test_a_word_flagged_once_is_removed_wherever_it_appears() -> None:
    """Tom is flagged with his age in version 1; version 2 holds the same words too."""
    versions = [(1, {"learning": "Tom (6) was quiet"}), (2, {"learning": "later Tom (6) said"})]
    [flagged] = removal.flagged_in_versions(versions, {"learning": ""})
    assert flagged.version_numbers == (1, 2)


def test_fields_to_replace_are_whole_fields_holding_a_word() -> None:
    fields = {"title": "Visit", "learning": "At 14 ELM ROAD.", "impact": None, "peer_role": ""}
    assert removal.fields_to_replace(fields, ["14 Elm Road"]) == ["learning"]
    assert removal.notice(TODAY) == NOTICE
