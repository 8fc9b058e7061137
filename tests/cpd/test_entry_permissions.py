"""Who may open a CPD entry and its evidence: "nobody but the person and those they shared with".

The authorisation table (tests/test_authorisation.py) covers unshared entries: only the person.
Here an entry is shared with the practitioner's direct line manager, who may read it, its
earlier versions and its evidence, and comment on it — and nothing more. Nobody else (another
practitioner, the senior manager above the line manager, the WFLD team, system admins) gets
anything, shared or not. Then the pages without an id: readiness for managers and the service,
and My CPD pages for an account without a staff record.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.cpd.builders import PIECE, make_entry
from tests.factories import NOW, TODAY, make_user
from tests.helpers import csrf_token, page, sign_in, sign_out, submit
from wfld.accounts.models import User
from wfld.core import clock
from wfld.cpd import services
from wfld.cpd.models import CpdComment, CpdEntry, CpdEvidence
from wfld.extensions import db
from wfld.organisation.models import StaffMember

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SHARED_TITLE = "Shared: chronologies in supervision"
PRIVATE_TITLE = "Private: my own reflection"
NOBODY_ELSE = ("other_practitioner", "senior_manager", "wfld_admin", "system_admin")


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _add_evidence(entry: CpdEntry, user_id: int) -> CpdEvidence:
    evidence = services.add_evidence(
        entry=entry,
        stream=io.BytesIO(PDF),
        filename="supervision-notes.pdf",
        quota_bytes=10 * 1024 * 1024,
        actor=db.session.get(User, user_id),
        now=NOW,
    )
    db.session.commit()
    return evidence


@pytest.fixture
def cpd(app: Flask, org) -> SimpleNamespace:  # noqa: ANN001
    """The practitioner's CPD: a complete entry shared with their line manager (changed once,
    so it has an earlier version, and with a file of evidence), a shared draft, and a complete
    entry and a draft that are not shared, the complete one with evidence."""
    person = org.practitioner
    with app.app_context():
        shared = make_entry(person.staff_id, share=True, title=SHARED_TITLE)
        services.save_entry(
            staff=db.session.get(StaffMember, person.staff_id),
            entry=shared,
            text=dataclasses.replace(PIECE, title=SHARED_TITLE, learning="Rewritten learning."),
            complete=True,
            tag_ids=set(),
            allowed_tag_ids=set(),
            share=None,
            confirmed_digest=None,
            expected_version=shared.version_id,
            actor=db.session.get(User, person.user_id),
            now=NOW,
            today=TODAY,
        )
        db.session.commit()
        assert len(shared.versions) == 1
        shared_evidence = _add_evidence(shared, person.user_id)
        shared_draft = make_entry(person.staff_id, complete=False, share=True, title="Shared draft")
        private = make_entry(person.staff_id, title=PRIVATE_TITLE)
        private_evidence = _add_evidence(private, person.user_id)
        private_draft = make_entry(person.staff_id, complete=False, title="Private draft")
        return SimpleNamespace(
            shared=shared.id,
            shared_evidence=shared_evidence.id,
            shared_draft=shared_draft.id,
            private=private.id,
            private_evidence=private_evidence.id,
            private_draft=private_draft.id,
        )


def _as(client: FlaskClient, org, persona: str) -> None:  # noqa: ANN001
    response = sign_in(client, getattr(org, persona).email)
    assert response.status_code == 302, f"{persona} could not sign in"


def _entry_form(**changes: str) -> dict:
    return {
        "title": "Changed by someone else",
        "started_on": ["14", "10", "2026"],
        "activity_type": "supervision",
        "description": "Changed.",
        "learning": "Changed.",
        "impact": "Changed.",
        "save_complete": "Save and mark as complete",
        **changes,
    }


# The line manager and a shared entry ----------------------------------------------------------
def test_the_line_manager_reads_a_shared_entry_its_versions_and_evidence(app, client, org, cpd):
    _as(client, org, "line_manager")
    entry_page = page(client.get(f"/cpd/entries/{cpd.shared}"))
    assert entry_page.h1 == SHARED_TITLE
    assert entry_page.soup.select_one(".govuk-caption-l").get_text(strip=True) == (
        "Priya Sandhu’s CPD, shared with you"
    )
    assert "Rewritten learning." in entry_page.text()
    # What they may not do is not offered: no change, delete, share, upload or remove.
    hrefs = {a["href"] for a in entry_page.soup.select("main a[href]")}
    assert f"/cpd/entries/{cpd.shared}/edit" not in hrefs
    assert f"/cpd/evidence/{cpd.shared_evidence}/remove" not in hrefs
    assert f"/cpd/evidence/{cpd.shared_evidence}" in hrefs
    actions = {form.get("action") for form in entry_page.soup.select("main form")}
    assert actions == {f"/cpd/entries/{cpd.shared}/comments"}

    versions = client.get(f"/cpd/entries/{cpd.shared}/versions")
    assert versions.status_code == 200
    headings = [h.get_text(" ", strip=True) for h in page(versions).soup.select("main h2")]
    assert headings == [f"Version 1: {SHARED_TITLE}"]

    download = client.get(f"/cpd/evidence/{cpd.shared_evidence}")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")


def test_the_line_manager_comments_and_the_person_reads_it(app, client, org, cpd):
    _as(client, org, "line_manager")
    path = f"/cpd/entries/{cpd.shared}"
    response = submit(
        client, f"{path}/comments", {"body": "Good use of the chronology."}, form_path=path
    )
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == path
    with app.app_context():
        comments = db.session.scalars(
            select(CpdComment).where(CpdComment.entry_id == cpd.shared)
        ).all()
        assert [(c.author_id, c.body) for c in comments] == [
            (org.line_manager.staff_id, "Good use of the chronology.")
        ]

    sign_out(client)
    _as(client, org, "practitioner")
    comment = page(client.get(path)).soup.select_one("#comments ~ div .app-written")
    assert comment.get_text(strip=True) == "Good use of the chronology."


def _entry_state(app: Flask, cpd) -> dict:  # noqa: ANN001
    with app.app_context():
        entry = db.session.get(CpdEntry, cpd.shared)
        return {
            "title": entry.title,
            "shared": entry.shared,
            "submitted_for_year": entry.submitted_for_year,
            "version": entry.version_id,
            "draft exists": db.session.get(CpdEntry, cpd.shared_draft) is not None,
            "evidence": sorted(
                db.session.scalars(select(CpdEvidence.id).where(CpdEvidence.entry_id == cpd.shared))
            ),
        }


# (method, path, data) for each change a line manager might try on a shared entry.
CHANGES = {
    "edit (form)": ("get", "/cpd/entries/{shared}/edit", None),
    "edit": ("post", "/cpd/entries/{shared}/edit", _entry_form()),
    "delete a shared draft (form)": ("get", "/cpd/entries/{shared_draft}/delete", None),
    "delete a shared draft": ("post", "/cpd/entries/{shared_draft}/delete", {"confirm": "y"}),
    "stop sharing": ("post", "/cpd/entries/{shared}/share", {"shared": "no"}),
    "record as used for renewal": ("post", "/cpd/entries/{shared}/recorded", {"year": "2026"}),
    "upload evidence": ("post", "/cpd/entries/{shared}/evidence", "file"),
    "remove evidence (form)": ("get", "/cpd/evidence/{shared_evidence}/remove", None),
    "remove evidence": ("post", "/cpd/evidence/{shared_evidence}/remove", {"confirm": "y"}),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_the_line_manager_cannot_change_a_shared_entry(app, client, org, cpd, change: str):
    method, template, data = CHANGES[change]
    path = template.format(**vars(cpd))
    before = _entry_state(app, cpd)
    _as(client, org, "line_manager")
    if method == "get":
        response = client.get(path)
    elif data == "file":
        response = submit(
            client,
            path,
            {"file": (io.BytesIO(PDF), "mine.pdf")},
            form_path=f"/cpd/entries/{cpd.shared}",
            content_type="multipart/form-data",
        )
    else:
        response = submit(client, path, data, form_path=f"/cpd/entries/{cpd.shared}")
    assert response.status_code == 404
    assert _entry_state(app, cpd) == before
    with app.app_context():
        evidence = db.session.get(CpdEvidence, cpd.shared_evidence)
        stored = Path(app.config["UPLOAD_FOLDER"]) / evidence.storage_key[:2] / evidence.storage_key
    assert stored.read_bytes() == PDF


@pytest.mark.parametrize("which", ["private", "private_draft"])
def test_the_line_manager_is_told_an_unshared_entry_does_not_exist(app, client, org, cpd, which):
    entry_id = getattr(cpd, which)
    _as(client, org, "line_manager")
    assert client.get(f"/cpd/entries/{entry_id}").status_code == 404
    assert client.get(f"/cpd/entries/{entry_id}/versions").status_code == 404
    assert client.get(f"/cpd/evidence/{cpd.private_evidence}").status_code == 404
    response = submit(client, f"/cpd/entries/{entry_id}/comments", {"body": "Hello"}, form_path="/")
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(CpdComment.id))) == 0


def test_sharing_everything_shares_complete_entries_but_not_drafts(app, client, org, cpd):
    person = org.practitioner
    with app.app_context():
        services.update_profile(
            staff=db.session.get(StaffMember, person.staff_id),
            share_all=True,
            registered_on=None,
            revalidation_due_on=None,
            expected_version=None,
            actor=db.session.get(User, person.user_id),
            now=NOW,
            today=TODAY,
        )
        db.session.commit()
    _as(client, org, "line_manager")
    assert page(client.get(f"/cpd/entries/{cpd.private}")).h1 == PRIVATE_TITLE
    assert client.get(f"/cpd/evidence/{cpd.private_evidence}").data == PDF
    assert client.get(f"/cpd/entries/{cpd.private_draft}").status_code == 404
    # Still read-only for them.
    assert client.get(f"/cpd/entries/{cpd.private}/edit").status_code == 404


def test_stopping_sharing_hides_the_entry_and_its_evidence_again(app, client, org, cpd):
    _as(client, org, "practitioner")
    path = f"/cpd/entries/{cpd.shared}"
    assert submit(client, f"{path}/share", {"shared": "no"}, form_path=path).status_code == 302
    sign_out(client)
    _as(client, org, "line_manager")
    assert client.get(path).status_code == 404
    assert client.get(f"/cpd/evidence/{cpd.shared_evidence}").status_code == 404
    listed = page(client.get("/cpd/shared")).soup.select("main table a")
    assert [a.get_text(strip=True) for a in listed] == ["Shared draft"]


def test_the_line_manager_lists_only_what_was_shared_with_them(app, client, org, cpd):
    _as(client, org, "line_manager")
    listed = page(client.get("/cpd/shared")).soup.select("main table a")
    assert sorted((a.get_text(strip=True), a["href"]) for a in listed) == [
        ("Shared draft", f"/cpd/entries/{cpd.shared_draft}"),
        (SHARED_TITLE, f"/cpd/entries/{cpd.shared}"),
    ]


# Everyone else, shared or not ---------------------------------------------------------------------
@pytest.mark.parametrize("persona", NOBODY_ELSE)
def test_nobody_else_opens_a_shared_entry_or_its_evidence(app, client, org, cpd, persona: str):
    _as(client, org, persona)
    for which in ("shared", "shared_draft", "private"):
        entry_id = getattr(cpd, which)
        assert client.get(f"/cpd/entries/{entry_id}").status_code == 404, which
        assert client.get(f"/cpd/entries/{entry_id}/versions").status_code == 404, which
        response = submit(
            client, f"/cpd/entries/{entry_id}/comments", {"body": "Hi"}, form_path="/"
        )
        assert response.status_code == 404, which
    for evidence_id in (cpd.shared_evidence, cpd.private_evidence):
        assert client.get(f"/cpd/evidence/{evidence_id}").status_code == 404
    # Nor is it listed for them: it was shared with the practitioner's line manager only.
    titles = [a.get_text(strip=True) for a in page(client.get("/cpd/shared")).soup.select("main a")]
    assert SHARED_TITLE not in titles
    with app.app_context():
        assert db.session.scalar(select(func.count(CpdComment.id))) == 0


# Pages without an id ------------------------------------------------------------------------------
READINESS = {
    "practitioner": 403,  # no reports
    "other_practitioner": 403,
    "line_manager": 200,  # their chain
    "senior_manager": 200,  # the whole service
    "wfld_admin": 200,
    "system_admin": 200,
}


@pytest.mark.parametrize(("persona", "status"), READINESS.items())
def test_readiness_is_for_line_managers_and_the_service(app, client, org, cpd, persona, status):
    _as(client, org, persona)
    response = client.get("/cpd/readiness")
    assert response.status_code == status
    if status == 200:
        readiness = page(response)
        names = [
            row.select_one("td").get_text(strip=True)
            for row in readiness.soup.select("main table")[1].select("tbody tr")
            if row.select_one("td[colspan]") is None
        ]
        assert "Priya Sandhu" in names  # not yet ready: one complete piece counts
        # Counts only: nobody's words.
        assert SHARED_TITLE not in readiness.text()
        assert PRIVATE_TITLE not in readiness.text()


CPD_PAGES = (
    "/cpd/me",
    "/cpd/entries/new",
    "/cpd/me/settings",
    "/cpd/me/social-work-england",
    "/cpd/me/record.csv",
    "/cpd/shared",
    "/cpd/readiness",
)


@pytest.mark.parametrize("path", CPD_PAGES)
def test_an_account_without_a_staff_record_has_no_cpd_pages(app, client, org, path: str):
    with app.app_context():
        make_user(email="service.desk@test.example")
        db.session.commit()
    assert sign_in(client, "service.desk@test.example").status_code == 302
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", CPD_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(app, client, org, path: str):
    response = client.get(path)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/sign-in"


# The record's PDF is asked for with a button (a POST: it starts a background job).
def test_an_account_without_a_staff_record_cannot_ask_for_a_cpd_pdf(app, client, org):
    with app.app_context():
        make_user(email="service.desk@test.example")
        db.session.commit()
    assert sign_in(client, "service.desk@test.example").status_code == 302
    token = csrf_token(client, "/")
    assert client.post("/cpd/me/record-pdf", data={"csrf_token": token}).status_code == 403


def test_anonymous_visitors_asking_for_a_cpd_pdf_are_sent_to_sign_in(app, client, org):
    token = csrf_token(client, "/sign-in")
    response = client.post("/cpd/me/record-pdf", data={"csrf_token": token})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/sign-in"
