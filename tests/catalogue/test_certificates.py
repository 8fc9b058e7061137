"""Certificates of external learning: checked by content, stored privately, verified by WFLD."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.factories import NOW
from tests.helpers import csrf_token, page, sign_in
from wfld.accounts.models import AuditEvent
from wfld.catalogue.models import (
    CertificateFile,
    Completion,
    CompletionStatus,
    DeliveryMode,
    LearningActivity,
    Provider,
)
from wfld.core import clock
from wfld.extensions import db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def first_aid(app, org) -> int:  # noqa: ANN001
    with app.app_context():
        activity = LearningActivity(
            title="First Aid at Work",
            category="Mandatory training",
            delivery_mode=DeliveryMode.CLASSROOM,
            provider=Provider.EXTERNAL,
            duration_hours=Decimal("18"),
            validity_months=36,
            is_active=True,
            created_at=NOW,
        )
        db.session.add(activity)
        db.session.commit()
        return activity.id


def _send(client, activity_id: int, content: bytes, name: str, day: str = "10"):  # noqa: ANN001, ANN202
    token = csrf_token(client, "/catalogue/certificates/new")
    return client.post(
        "/catalogue/certificates/new",
        data={
            "csrf_token": token,
            "activity": str(activity_id),
            "completed_on": [day, "11", "2026"],
            "certificate": (io.BytesIO(content), name),
        },
        content_type="multipart/form-data",
    )


def _count(app, model) -> int:  # noqa: ANN001
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_certificate_is_sent_checked_and_then_counts(app, client, org, first_aid):
    sign_in(client, org.practitioner.email)
    assert _send(client, first_aid, PDF, "first-aid.pdf").status_code == 302
    mine = page(client.get("/learning/me"))
    assert "Awaiting checking" in mine.text()
    with app.app_context():
        completion = db.session.scalars(select(Completion)).one()
        assert completion.status is CompletionStatus.PENDING
        assert completion.expires_on == dt.date(2029, 11, 10)
        stored = (
            Path(app.config["UPLOAD_FOLDER"])
            / completion.certificate.storage_key[:2]
            / completion.certificate.storage_key
        )
        assert stored.read_bytes() == PDF
        assert "static" not in str(stored)
        completion_id = completion.id

    client.delete_cookie("wfld_session")
    sign_in(client, org.wfld_admin.email)
    queue = page(client.get("/catalogue/certificates"))
    assert "Priya Sandhu" in queue.text()
    download = client.get(f"/catalogue/completions/{completion_id}/certificate")
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    refused = page(
        client.post(
            f"/catalogue/certificates/{completion_id}",
            data={
                "csrf_token": csrf_token(client, f"/catalogue/certificates/{completion_id}"),
                "decision": "reject",
            },
        )
    )
    assert refused.error_summary() == {"#reason": "Enter why the certificate cannot be accepted"}
    response = client.post(
        f"/catalogue/certificates/{completion_id}",
        data={
            "csrf_token": csrf_token(client, f"/catalogue/certificates/{completion_id}"),
            "decision": "accept",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        completion = db.session.get(Completion, completion_id)
        assert completion.status is CompletionStatus.VERIFIED
        assert (
            db.session.scalar(select(AuditEvent).where(AuditEvent.event == "certificate_accepted"))
            is not None
        )


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            b"<html><script>alert(1)</script></html>",
            "certificate.pdf",
            "The selected file must be a PDF, PNG or JPEG image",
        ),
        (
            b"PK\x03\x04" + b"\x00" * 40,
            "certificate.png",
            "The selected file must be a PDF, PNG or JPEG image",
        ),
        (
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",
            "certificate.jpg",
            "The selected file must be a PDF, PNG or JPEG image",
        ),
        (b"", "empty.pdf", "The selected file is empty"),
    ],
)
def test_files_are_checked_by_content_not_name(app, client, org, first_aid, content, name, message):
    sign_in(client, org.practitioner.email)
    result = page(_send(client, first_aid, content, name))
    assert result.error_summary() == {"#certificate": message}
    assert _count(app, Completion) == 0
    assert _count(app, CertificateFile) == 0
    folder = Path(app.config["UPLOAD_FOLDER"])
    assert not folder.exists() or not [p for p in folder.rglob("*") if p.is_file()], "nothing kept"


def test_an_image_is_accepted(app, client, org, first_aid):
    sign_in(client, org.practitioner.email)
    assert _send(client, first_aid, PNG, "photo.png").status_code == 302


def test_a_future_date_is_refused(app, client, org, first_aid):
    sign_in(client, org.practitioner.email)
    token = csrf_token(client, "/catalogue/certificates/new")
    response = client.post(
        "/catalogue/certificates/new",
        data={
            "csrf_token": token,
            "activity": str(first_aid),
            "completed_on": ["1", "12", "2026"],
            "certificate": (io.BytesIO(PDF), "c.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert page(response).error_summary() == {
        "#completed_on-day": "The date you completed it must be today or in the past"
    }
    assert _count(app, Completion) == 0


def test_only_the_person_their_managers_and_wfld_can_download(app, client, org, first_aid):
    sign_in(client, org.practitioner.email)
    _send(client, first_aid, PDF, "first-aid.pdf")
    with app.app_context():
        completion_id = db.session.scalar(select(Completion.id))
    url = f"/catalogue/completions/{completion_id}/certificate"
    assert client.get(url).status_code == 200
    for person, expected in (
        (org.line_manager, 200),
        (org.senior_manager, 200),  # head of service: above the practitioner in line management
        (org.other_practitioner, 404),
        (org.system_admin, 200),
    ):
        client.delete_cookie("wfld_session")
        sign_in(client, person.email)
        assert client.get(url).status_code == expected, person.email
    client.delete_cookie("wfld_session")
    sign_in(client, org.other_practitioner.email)
    assert client.get(f"/catalogue/certificates/{completion_id}").status_code == 404
