"""Evidence files on CPD entries: checked by content, stored privately under random names,
within a per-person quota, downloaded only by the person (and their line manager once shared),
and removed from disk only when the database change that drops them is committed."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.cpd.builders import make_entry
from tests.factories import NOW
from tests.helpers import csrf_token, page, sign_in, submit
from wfld.accounts.models import AuditEvent, User
from wfld.core import clock, filetypes
from wfld.cpd import services
from wfld.cpd.models import CpdEntry, CpdEvidence
from wfld.extensions import db

MB = 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TEXT = "Notes from group supervision – café, naïve, ✓ and 20 minutes.\nSecond line.\n".encode()


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCUMENT = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>Reflective log</w:t></w:r></w:p></w:body></w:document>"
)
DOCX = _zip({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": DOCUMENT})
DOCM = _zip(
    {
        "[Content_Types].xml": CONTENT_TYPES,
        "word/document.xml": DOCUMENT,
        "word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro code",
    }
)
PLAIN_ZIP = _zip({"notes.txt": b"some notes", "photo.png": _png()})


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def entry_id(app: Flask, org) -> int:  # noqa: ANN001
    with app.app_context():
        return make_entry(org.practitioner.staff_id).id


def _upload(client: FlaskClient, entry_id: int, content: bytes, name: str):  # noqa: ANN202
    token = csrf_token(client, f"/cpd/entries/{entry_id}")
    return client.post(
        f"/cpd/entries/{entry_id}/evidence",
        data={"csrf_token": token, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def _stored_files(app: Flask) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _path_of(app: Flask, storage_key: str) -> Path:
    return Path(app.config["UPLOAD_FOLDER"]) / storage_key[:2] / storage_key


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _events(app: Flask, name: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == name)))


def _switch(client: FlaskClient, email: str) -> None:
    client.delete_cookie("wfld_session")
    sign_in(client, email)


# Accepted files -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (PDF, "course certificate.pdf", filetypes.PDF),
        (DOCX, "reflective-log.docx", filetypes.DOCX),
        (_png(), "whiteboard.png", filetypes.PNG),
        (TEXT, "supervision notes.txt", filetypes.TEXT),
    ],
)
def test_documents_images_and_text_are_stored_privately(
    app, client, org, entry_id, content, name, content_type
):
    sign_in(client, org.practitioner.email)
    response = _upload(client, entry_id, content, name)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cpd/entries/{entry_id}#evidence")

    with app.app_context():
        evidence = db.session.scalars(select(CpdEvidence)).one()
        assert evidence.entry_id == entry_id
        assert evidence.content_type == content_type
        assert evidence.original_name == name
        assert evidence.size_bytes == len(content)
        assert evidence.uploaded_by_id == org.practitioner.user_id
        key = evidence.storage_key
    stored = _path_of(app, key)
    assert _stored_files(app) == [stored], "one file, and no temporary file left behind"
    assert stored.read_bytes() == content
    # A random name, unrelated to the person's file name, outside anything the web server serves.
    stem = Path(name).stem
    assert stem not in key and stem.split()[0] not in key
    assert not key.endswith(Path(name).suffix)
    assert len(key) >= 32
    assert not stored.resolve().is_relative_to(Path(app.static_folder).resolve())
    assert stored.resolve().is_relative_to(Path(app.config["UPLOAD_FOLDER"]).resolve())

    shown = page(client.get(f"/cpd/entries/{entry_id}"))
    links = [a.get_text(strip=True) for a in shown.soup.select("#evidence + ul a[href^='/cpd/ev']")]
    assert name in links
    assert [e.details["sha256"] for e in _events(app, "cpd_evidence_added")] == [evidence.sha256]


def test_two_uploads_of_the_same_file_get_different_storage_names(app, client, org, entry_id):
    sign_in(client, org.practitioner.email)
    _upload(client, entry_id, PDF, "certificate.pdf")
    _upload(client, entry_id, PDF, "certificate.pdf")
    with app.app_context():
        keys = list(db.session.scalars(select(CpdEvidence.storage_key)))
    assert len(set(keys)) == 2
    assert len(_stored_files(app)) == 2


# Refused files --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"<html><body><script>alert(1)</script></body></html>", "notes.pdf", filetypes.WEB_PAGE),
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "diagram.png",
            filetypes.SVG_IMAGE,
        ),
        (b"#!/bin/sh\nrm -rf ~\n", "notes.txt", filetypes.SCRIPT),
        (
            b"MZ\x90\x00\x03" + b"\x00" * 59 + b"This program cannot be run",
            "cv.docx",
            filetypes.PROGRAM,
        ),
        (PLAIN_ZIP, "evidence.zip", filetypes.ARCHIVE),
        (DOCM, "reflective-log.docx", filetypes.MACROS),
        (b"", "empty.pdf", filetypes.EMPTY),
    ],
    ids=["html-named-pdf", "svg", "shebang", "exe", "zip", "docm", "empty"],
)
def test_files_are_refused_by_content_and_nothing_is_kept(
    app, client, org, entry_id, content, name, message
):
    sign_in(client, org.practitioner.email)
    response = _upload(client, entry_id, content, name)
    assert response.status_code == 200
    result = page(response)
    assert result.title.startswith("Error: ")
    assert result.error_summary() == {"#file": message}
    assert result.inline_errors() == [message]
    assert _count(app, CpdEvidence) == 0
    assert _stored_files(app) == [], "nothing kept, not even a temporary file"
    assert _events(app, "cpd_evidence_added") == []


def test_a_request_bigger_than_the_limit_gets_the_too_big_page(app, client, org, entry_id):
    sign_in(client, org.practitioner.email)
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit == 20 * MB + 64 * 1024
    response = _upload(client, entry_id, b"%PDF-1.4\n" + b"0" * limit, "huge.pdf")
    assert response.status_code == 413
    result = page(response)
    assert result.h1 == "The file you chose is too big"
    assert "Files must be 20MB or smaller" in result.text()
    assert _count(app, CpdEvidence) == 0
    assert _stored_files(app) == []


def test_a_file_just_over_20mb_is_refused_on_the_field(app, client, org, entry_id):
    """Within the request limit (which leaves room for the form around the file), but over the
    service's limit for one file."""
    sign_in(client, org.practitioner.email)
    content = b"%PDF-1.4\n" + b"0" * (20 * MB + 1 - 9)
    assert len(content) == 20 * MB + 1
    result = page(_upload(client, entry_id, content, "big.pdf"))
    assert result.error_summary() == {"#file": "The file must be 20MB or smaller"}
    assert result.inline_errors() == ["The file must be 20MB or smaller"]
    assert _count(app, CpdEvidence) == 0
    assert _stored_files(app) == []


def test_a_file_of_exactly_20mb_is_accepted(app, client, org, entry_id):
    sign_in(client, org.practitioner.email)
    content = b"%PDF-1.4\n" + b"0" * (20 * MB - 9)
    assert _upload(client, entry_id, content, "exactly.pdf").status_code == 302
    with app.app_context():
        assert db.session.scalars(select(CpdEvidence.size_bytes)).one() == 20 * MB


def test_no_file_chosen(app, client, org, entry_id):
    sign_in(client, org.practitioner.email)
    token = csrf_token(client, f"/cpd/entries/{entry_id}")
    response = client.post(
        f"/cpd/entries/{entry_id}/evidence",
        data={"csrf_token": token},
        content_type="multipart/form-data",
    )
    assert page(response).error_summary() == {"#file": "Choose a file"}
    assert _count(app, CpdEvidence) == 0


# The quota ----------------------------------------------------------------------------------
def test_the_quota_counts_every_entry_and_refuses_the_upload_that_would_pass_it(
    app, client, org, entry_id
):
    app.config["CPD_EVIDENCE_QUOTA_BYTES"] = 1 * MB
    with app.app_context():
        second_entry = make_entry(org.practitioner.staff_id, title="Second piece").id
        other_entry = make_entry(org.other_practitioner.staff_id).id
    sign_in(client, org.practitioner.email)
    first = b"%PDF-1.4\n" + b"1" * (700_000 - 9)
    assert _upload(client, entry_id, first, "first.pdf").status_code == 302
    assert "You have 1MB for evidence in all" in page(client.get(f"/cpd/entries/{entry_id}")).text()

    # Onto another entry: the quota is the person's, not the entry's.
    too_much = b"%PDF-1.4\n" + b"2" * (400_000 - 9)
    result = page(_upload(client, second_entry, too_much, "second.pdf"))
    message = (
        "You have used 0.7MB of your 1MB for evidence files. "
        "Remove a file you no longer need, or choose a smaller file"
    )
    assert result.error_summary() == {"#file": message}
    assert result.inline_errors() == [message]
    with app.app_context():
        assert list(db.session.scalars(select(CpdEvidence.original_name))) == ["first.pdf"]
    assert len(_stored_files(app)) == 1, "the refused file was not kept"

    # What still fits is accepted.
    fits = b"%PDF-1.4\n" + b"3" * (300_000 - 9)
    assert _upload(client, second_entry, fits, "third.pdf").status_code == 302
    # Once the quota is used up, even a tiny file is refused.
    assert page(_upload(client, second_entry, b"x" * 100_000, "notes.txt")).error_summary() == {
        "#file": "You have used 1.0MB of your 1MB for evidence files. "
        "Remove a file you no longer need, or choose a smaller file"
    }
    assert len(_stored_files(app)) == 2

    # Someone else's files are not counted against this person.
    _switch(client, org.other_practitioner.email)
    assert _upload(client, other_entry, first, "theirs.pdf").status_code == 302
    assert _count(app, CpdEvidence) == 3


# Downloads ----------------------------------------------------------------------------------
def _evidence_id(app: Flask) -> int:
    with app.app_context():
        return db.session.scalars(select(CpdEvidence.id)).one()


def test_the_owner_downloads_the_file_as_an_attachment(app, client, org, entry_id):
    sign_in(client, org.practitioner.email)
    _upload(client, entry_id, PDF, "course certificate.pdf")
    response = client.get(f"/cpd/evidence/{_evidence_id(app)}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "course certificate.pdf" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_text_evidence_downloads_as_text_never_html(app, client, org, entry_id):
    sign_in(client, org.practitioner.email)
    _upload(client, entry_id, TEXT, "notes.html")  # the name does not decide the type
    response = client.get(f"/cpd/evidence/{_evidence_id(app)}")
    assert response.data == TEXT
    assert response.mimetype == "text/plain"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_only_the_owner_and_the_direct_line_manager_of_a_shared_entry_can_download(
    app, client, org, entry_id
):
    sign_in(client, org.practitioner.email)
    _upload(client, entry_id, PDF, "certificate.pdf")
    url = f"/cpd/evidence/{_evidence_id(app)}"
    nobody_else = (org.other_practitioner, org.senior_manager, org.wfld_admin, org.system_admin)

    for person in (org.line_manager, *nobody_else):
        _switch(client, person.email)
        assert client.get(url).status_code == 404, f"{person.email} before sharing"

    _switch(client, org.practitioner.email)
    shared = submit(
        client,
        f"/cpd/entries/{entry_id}/share",
        {"shared": "yes"},
        form_path=f"/cpd/entries/{entry_id}",
    )
    assert shared.status_code == 302
    with app.app_context():
        assert db.session.get(CpdEntry, entry_id).shared is True

    _switch(client, org.line_manager.email)
    response = client.get(url)
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    for person in nobody_else:  # the head of service manages the manager, not the practitioner
        _switch(client, person.email)
        assert client.get(url).status_code == 404, f"{person.email} after sharing"

    client.delete_cookie("wfld_session")
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/sign-in")


def test_a_missing_evidence_id_is_not_found(app, client, org):
    sign_in(client, org.practitioner.email)
    assert client.get("/cpd/evidence/999999").status_code == 404
    assert client.get("/cpd/evidence/999999/remove").status_code == 404


def test_nobody_else_can_upload_to_or_remove_from_an_entry(app, client, org, entry_id):
    sign_in(client, org.practitioner.email)
    _upload(client, entry_id, PDF, "certificate.pdf")
    evidence_id = _evidence_id(app)
    with app.app_context():
        db.session.get(CpdEntry, entry_id).shared = True
        db.session.commit()

    _switch(client, org.line_manager.email)  # can read the shared entry, but not change it
    token = csrf_token(client, f"/cpd/entries/{entry_id}")
    response = client.post(
        f"/cpd/entries/{entry_id}/evidence",
        data={"csrf_token": token, "file": (io.BytesIO(PDF), "managers.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 404
    assert client.get(f"/cpd/evidence/{evidence_id}/remove").status_code == 404
    removed = client.post(
        f"/cpd/evidence/{evidence_id}/remove", data={"csrf_token": token, "confirm": "y"}
    )
    assert removed.status_code == 404
    assert _count(app, CpdEvidence) == 1
    assert len(_stored_files(app)) == 1


# Removing files -------------------------------------------------------------------------------
def test_removing_evidence_asks_first_then_deletes_the_row_and_the_file(app, client, org, entry_id):
    sign_in(client, org.practitioner.email)
    _upload(client, entry_id, PDF, "certificate.pdf")
    evidence_id = _evidence_id(app)
    [stored] = _stored_files(app)
    path = f"/cpd/evidence/{evidence_id}/remove"

    confirm = page(client.get(path))
    assert confirm.soup.select_one("main form[method=post] input[name=confirm]") is not None

    not_confirmed = page(submit(client, path, {}))
    assert not_confirmed.error_summary() == {"#confirm": "Confirm that you are sure"}
    assert _count(app, CpdEvidence) == 1
    assert stored.exists()

    response = submit(client, path, {"confirm": "y"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cpd/entries/{entry_id}#evidence")
    assert _count(app, CpdEvidence) == 0
    assert not stored.exists()
    assert _stored_files(app) == []
    [added] = _events(app, "cpd_evidence_added")
    [removed] = _events(app, "cpd_evidence_removed")
    assert removed.actor_user_id == org.practitioner.user_id
    assert (removed.subject_type, removed.subject_id) == ("CpdEntry", entry_id)
    assert removed.details["evidence_id"] == added.details["evidence_id"] == evidence_id
    assert client.get(f"/cpd/evidence/{evidence_id}").status_code == 404


def test_the_file_is_deleted_only_when_the_removal_is_committed(app, client, org, entry_id):
    sign_in(client, org.practitioner.email)
    _upload(client, entry_id, PDF, "certificate.pdf")
    evidence_id = _evidence_id(app)
    [stored] = _stored_files(app)

    with app.app_context():
        actor = db.session.get(User, org.practitioner.user_id)
        evidence = db.session.get(CpdEvidence, evidence_id)
        services.remove_evidence(evidence=evidence, actor=actor, now=NOW)
        assert stored.exists(), "not before the commit"
        db.session.rollback()
        assert stored.exists(), "a rolled-back removal keeps the file"
    assert _count(app, CpdEvidence) == 1

    with app.app_context():
        actor = db.session.get(User, org.practitioner.user_id)
        evidence = db.session.get(CpdEvidence, evidence_id)
        services.remove_evidence(evidence=evidence, actor=actor, now=NOW)
        assert stored.exists()
        db.session.commit()
        assert not stored.exists()
    assert _count(app, CpdEvidence) == 0


def test_a_rolled_back_upload_leaves_no_file(app, org, entry_id):
    with app.app_context():
        entry = db.session.get(CpdEntry, entry_id)
        evidence = services.add_evidence(
            entry=entry,
            stream=io.BytesIO(PDF),
            filename="certificate.pdf",
            quota_bytes=200 * MB,
            actor=db.session.get(User, org.practitioner.user_id),
            now=NOW,
        )
        stored = _path_of(app, evidence.storage_key)
        assert stored.read_bytes() == PDF
        db.session.rollback()
        assert not stored.exists()
    assert _stored_files(app) == []
    assert _count(app, CpdEvidence) == 0


def test_a_committed_upload_keeps_its_file_after_a_later_rollback(app, org, entry_id):
    """The clean-up belongs to the transaction that stored the file, not to later ones."""
    with app.app_context():
        evidence = services.add_evidence(
            entry=db.session.get(CpdEntry, entry_id),
            stream=io.BytesIO(PDF),
            filename="certificate.pdf",
            quota_bytes=200 * MB,
            actor=db.session.get(User, org.practitioner.user_id),
            now=NOW,
        )
        stored = _path_of(app, evidence.storage_key)
        db.session.commit()
        db.session.rollback()
        assert stored.exists()


def test_deleting_a_draft_deletes_its_evidence_files(app, client, org):
    with app.app_context():
        draft_id = make_entry(org.practitioner.staff_id, complete=False).id
        kept_id = make_entry(org.practitioner.staff_id, title="Kept").id
    sign_in(client, org.practitioner.email)
    _upload(client, draft_id, PDF, "one.pdf")
    _upload(client, draft_id, _png(), "two.png")
    _upload(client, kept_id, TEXT, "kept.txt")
    assert len(_stored_files(app)) == 3
    with app.app_context():
        kept_key = db.session.scalars(
            select(CpdEvidence.storage_key).where(CpdEvidence.entry_id == kept_id)
        ).one()

    response = submit(client, f"/cpd/entries/{draft_id}/delete", {"confirm": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(CpdEntry, draft_id) is None
        assert list(db.session.scalars(select(CpdEvidence.entry_id))) == [kept_id]
    assert _stored_files(app) == [_path_of(app, kept_key)]


def test_a_complete_entry_cannot_be_deleted_so_its_files_stay(app, client, org, entry_id):
    sign_in(client, org.practitioner.email)
    _upload(client, entry_id, PDF, "certificate.pdf")
    assert client.get(f"/cpd/entries/{entry_id}/delete").status_code == 404
    assert _count(app, CpdEvidence) == 1
    assert len(_stored_files(app)) == 1
