"""Free text in every domain is cleaned at the form layer (core.text, core.baseform).

NUL (which PostgreSQL refuses), other control characters and, in one-line fields and file
names, bidirectional overrides are removed before anything is stored; each domain's forms are
posted with them and must save (no 500) the cleaned text. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import importlib
import io
import pkgutil
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from sqlalchemy import select

import wfld
from tests.catalogue.builders import make_activity, make_session
from tests.cpd.builders import make_entry
from tests.factories import NOW
from tests.helpers import csrf_token, form_values, page, sign_in, submit
from wfld.catalogue.models import CertificateFile, LearningActivity, LearningSession
from wfld.core import clock
from wfld.core.baseform import Form
from wfld.core.text import BIDI_CONTROLS, clean_text
from wfld.cpd.models import CpdEntry, CpdEvidence
from wfld.extensions import db
from wfld.frameworks import queries as framework_queries
from wfld.learning.models import Pathway
from wfld.organisation.models import StaffMember, Team

# What a person could paste or a crafted request send: NUL, a bell, an escape, C1's CSI,
# a right-to-left override and a left-to-right isolate, a tab.
DIRTY_LINE = "Ab\x00c\x07 d\x1b[31me\x9b \u202eright\u2066to\u2069left\tend"
CLEAN_LINE = "Abc d[31me righttoleft end"
DIRTY_TEXT = "First\x00 line\x0b\r\nSecond\x7f line\twith a tab"
CLEAN_TEXT = "First line\r\nSecond line\twith a tab"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DIRTY_FILE_NAME = "invoice\x00\x07\u202efdp.exe\t.pdf"
CLEAN_FILE_NAME = "invoicefdp.exe .pdf"


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _client(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def _edit(client: FlaskClient, path: str, **changes: object):  # noqa: ANN202
    """Post the form on ``path`` as it stands, with some answers changed."""
    response = client.get(path)
    assert response.status_code == 200, f"GET {path} answered {response.status_code}"
    data: dict[str, object] = form_values(response)
    data.update(changes)
    return submit(client, path, data)


def _saved(response) -> None:  # noqa: ANN001
    assert response.status_code == 302, page(response).error_summary()


# The one function ---------------------------------------------------------------------------
def test_clean_text_keeps_words_tabs_and_line_breaks():
    assert clean_text(DIRTY_TEXT) == CLEAN_TEXT
    assert (
        clean_text("caf\u00e9 \u05e9\u05dc\u05d5\u05dd \u202e")
        == "caf\u00e9 \u05e9\u05dc\u05d5\u05dd \u202e"
    )
    assert clean_text(DIRTY_LINE, single_line=True) == CLEAN_LINE
    for character in BIDI_CONTROLS:
        assert clean_text(f"a{character}b", single_line=True) == "ab"
    assert all(clean_text(chr(c)) == "" for c in [*range(0x00, 0x09), 0x0B, 0x1F, 0x7F, 0x9F])


def _form_classes() -> Iterator[type]:
    for module in pkgutil.walk_packages(wfld.__path__, "wfld."):
        if module.name.startswith("wfld.bench"):
            continue
        importlib.import_module(module.name)

    def walk(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    return (c for c in walk(FlaskForm) if c.__module__.startswith("wfld."))


def test_every_form_is_built_on_the_cleaning_base_form():
    classes = list(_form_classes())
    assert len(classes) > 20
    assert [c.__qualname__ for c in classes if not issubclass(c, Form)] == []


# Each domain's forms ------------------------------------------------------------------------
def test_organisation_team_and_staff_names(app, org):
    admin = _client(app, org.wfld_admin.email)
    _saved(_edit(admin, f"/admin/teams/{org.team_a}/edit", name=DIRTY_LINE))
    staff_id = org.other_practitioner.staff_id
    _saved(_edit(admin, f"/admin/staff/{staff_id}/edit", first_name=DIRTY_LINE))
    with app.app_context():
        assert db.session.get(Team, org.team_a).name == CLEAN_LINE
        assert db.session.get(StaffMember, staff_id).first_name == CLEAN_LINE


def test_searches_and_filters_with_nul_do_not_fail(app, org):
    admin = _client(app, org.wfld_admin.email)
    assert admin.get("/admin/staff", query_string={"q": "Pri\x00ya"}).status_code == 200
    sysadmin = _client(app, org.system_admin.email)
    assert sysadmin.get("/admin/audit", query_string={"event": "sign\x00_in"}).status_code == 200
    practitioner = _client(app, org.practitioner.email)
    assert practitioner.get("/cpd/me", query_string={"item": "PCF:\x00"}).status_code == 200
    assert practitioner.get("/catalogue/", query_string={"q": "a\x00"}).status_code == 200


def test_learning_activity_session_and_pathway(app, org):
    with app.app_context():
        activity = make_activity("Court Skills")
        session_id = make_session(activity).id
        activity_id = activity.id
        db.session.commit()
    admin = _client(app, org.wfld_admin.email)
    _saved(
        _edit(
            admin,
            f"/catalogue/activities/{activity_id}/edit",
            title=DIRTY_LINE,
            description=DIRTY_TEXT,
        )
    )
    _saved(_edit(admin, f"/catalogue/sessions/{session_id}/edit", venue=DIRTY_LINE))
    _saved(
        submit(
            admin,
            "/learning/pathways/new",
            {"name": DIRTY_LINE, "description": DIRTY_TEXT, "roles": [str(org.role_social_worker)]},
        )
    )
    with app.app_context():
        activity = db.session.get(LearningActivity, activity_id)
        assert activity.title == CLEAN_LINE
        assert activity.description.replace("\r\n", "\n") == CLEAN_TEXT.replace("\r\n", "\n")
        assert db.session.get(LearningSession, session_id).venue == CLEAN_LINE
        pathway = db.session.scalar(select(Pathway).where(Pathway.name == CLEAN_LINE))
        assert pathway is not None
        assert "\x00" not in pathway.description and "\x7f" not in pathway.description


def test_frameworks_item(app, org):
    admin = _client(app, org.wfld_admin.email)
    response = submit(admin, "/frameworks/new", {"code": "practice-model", "title": DIRTY_LINE})
    _saved(response)
    version_id = int(response.headers["Location"].rsplit("/", 1)[1])
    _saved(
        submit(
            admin,
            f"/frameworks/versions/{version_id}/items/new",
            {"kind": "domain", "parent": "", "code": "1", "title": DIRTY_LINE},
        )
    )
    with app.app_context():
        item = framework_queries.find_item_by_code(version_id, "1")
        assert item.title == CLEAN_LINE
        assert item.version.framework.title == CLEAN_LINE


def test_cpd_entry(app, org):
    client = _client(app, org.practitioner.email)
    data = {
        "title": DIRTY_LINE,
        "started_on": ["14", "10", "2026"],
        "ended_on": ["", "", ""],
        "activity_type": "peer_discussion",
        "hours": "2",
        "description": DIRTY_TEXT,
        "learning": DIRTY_TEXT,
        "impact": DIRTY_TEXT,
        "peer_reflection": "",
        "peer_role": "",
        "save_complete": "Save and mark as complete",
    }
    _saved(submit(client, "/cpd/entries/new", data))
    with app.app_context():
        entry = db.session.scalars(
            select(CpdEntry).where(CpdEntry.staff_id == org.practitioner.staff_id)
        ).one()
        assert entry.title == CLEAN_LINE
        # CPD also makes Windows line endings plain line breaks.
        assert entry.learning == CLEAN_TEXT.replace("\r\n", "\n")


def _upload(client: FlaskClient, path: str, form_path: str, data: dict):  # noqa: ANN202
    token = csrf_token(client, form_path)
    return client.post(path, data={"csrf_token": token, **data}, content_type="multipart/form-data")


def test_certificate_and_evidence_file_names(app, org):
    with app.app_context():
        activity_id = make_activity("First Aid at Work").id
        entry_id = make_entry(org.practitioner.staff_id).id
        db.session.commit()
    client = _client(app, org.practitioner.email)
    path = "/catalogue/certificates/new"
    certificate = {
        "activity": str(activity_id),
        "completed_on": ["10", "11", "2026"],
        "certificate": (io.BytesIO(PDF), DIRTY_FILE_NAME),
    }
    _saved(_upload(client, path, path, certificate))
    evidence = {"file": (io.BytesIO(PDF), DIRTY_FILE_NAME)}
    _saved(
        _upload(client, f"/cpd/entries/{entry_id}/evidence", f"/cpd/entries/{entry_id}", evidence)
    )
    with app.app_context():
        assert db.session.scalars(select(CertificateFile.original_name)).all() == [CLEAN_FILE_NAME]
        assert db.session.scalars(select(CpdEvidence.original_name)).all() == [CLEAN_FILE_NAME]
