"""In Chromium: a social worker logs two pieces of CPD, attaches evidence, is ready for renewal,
shares a piece with their supervisor, who comments; the social worker reads the comment and
downloads their CPD record as a PDF. Every page on the way is checked with axe-core.

The clock is frozen at tests.factories.NOW (23 November 2026, in the Social Work England
registration year 1 December 2025 to 30 November 2026), so both pieces fall in the year.
"""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.conftest import check_page
from tests.browser.test_journeys import sign_in
from tests.factories import NOW
from wfld.core import clock

pytestmark = pytest.mark.browser

# A small, real PDF (one blank page), as a person's scanned certificate might be.
EVIDENCE_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
FIRST = "Reflective group on chronologies"
SECOND = "Supervision on analysis"
COMMENT = "A clear reflection. Bring one chronology to our next supervision."


@pytest.fixture
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def frameworks(app) -> None:  # noqa: ANN001
    """The reference frameworks, whose items CPD entries are tagged with."""
    result = app.test_cli_runner().invoke(args=["seed", "frameworks"])
    assert result.exit_code == 0, result.output


def _fill_date(page: Page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def _fill_piece(page: Page, title: str, day: str, kind: str, words: str) -> None:
    page.get_by_label("Title", exact=True).fill(title)
    _fill_date(page, "Date", day, "10", "2026")
    page.get_by_role("radio", name=kind, exact=True).check()
    page.get_by_label("Short description and why it is relevant to your work").fill(
        f"{words}: why I chose it for my practice."
    )
    page.get_by_label("What did you learn?").fill(f"What {words.lower()} taught me.")
    page.get_by_label(
        "What impact has it had on your practice and on the people you work with?"
    ).fill("My assessments now say what each event meant for the child.")


def _my_cpd(page: Page) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My CPD").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My CPD")


def test_a_social_worker_logs_cpd_shares_it_and_downloads_the_record(
    page: Page, live_server: str, org, frozen_clock, frameworks, console_errors: list[str]
) -> None:
    sign_in(page, live_server, org.practitioner.email)
    _my_cpd(page)
    expect(page.locator("#readiness-headline")).to_contain_text("0 pieces (2 needed)")
    check_page(page, console_errors)

    # The form, and its error summary when nothing has been written.
    page.get_by_role("link", name="Add a CPD entry").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a CPD entry")
    check_page(page, console_errors)
    page.get_by_role("button", name="Save and mark as complete").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.get_by_role("link", name="Enter a title")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_page(page, console_errors)

    # The first piece, complete, then a file of evidence on it.
    _fill_piece(page, FIRST, "14", "Peer discussion or reflective group", "The group")
    page.get_by_role("button", name="Save and mark as complete").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FIRST)
    expect(page.get_by_text("CPD entry saved as complete")).to_be_visible()
    page.get_by_label("Add a file of evidence").set_input_files(
        {"name": "group-notes.pdf", "mimeType": "application/pdf", "buffer": EVIDENCE_PDF}
    )
    page.get_by_role("button", name="Upload file").click()
    expect(page.get_by_text("File uploaded")).to_be_visible()
    expect(page.get_by_role("link", name="group-notes.pdf", exact=True)).to_be_visible()
    check_page(page, console_errors)

    # The second piece, with a peer reflection and a framework item. A name after "mother"
    # stops it until the social worker has looked again and confirmed.
    _my_cpd(page)
    page.get_by_role("link", name="Add a CPD entry").first.click()
    _fill_piece(page, SECOND, "28", "Supervision", "Supervision")
    page.get_by_label("Peer reflection (optional)").fill(
        "My supervisor and I went through my analysis of the visit to the mother, Jane Smith."
    )
    page.get_by_label("Who did you discuss it with? Give their role, not their name").fill(
        "my supervisor, a team manager"
    )
    page.get_by_label("4.2 Supervision", exact=True).check()
    page.get_by_role("button", name="Save and mark as complete").click()
    expect(page.locator("#confidentiality")).to_contain_text("Jane Smith")
    confirm = page.get_by_label(
        "I have checked the highlighted text: it does not identify a child, family or case"
    )
    expect(confirm).not_to_be_checked()
    expect(page.get_by_label("4.2 Supervision", exact=True)).to_be_checked()
    check_page(page, console_errors)
    confirm.check()
    page.get_by_role("button", name="Save and mark as complete").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SECOND)
    expect(page.get_by_text("4.2 Supervision")).to_be_visible()
    check_page(page, console_errors)

    # Two pieces, one with a peer reflection: ready for renewal.
    _my_cpd(page)
    expect(page.locator("#readiness-headline")).to_contain_text("Ready for renewal")
    entries = page.get_by_role("table").filter(has_text="Title")
    expect(entries.get_by_role("link", name=FIRST)).to_be_visible()
    expect(entries.get_by_role("link", name=SECOND)).to_be_visible()
    check_page(page, console_errors)

    page.get_by_role("link", name="Copy for Social Work England").click()
    expect(page.get_by_role("heading", level=2, name=f"Piece 1: {FIRST}")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=f"Piece 2: {SECOND}")).to_be_visible()
    check_page(page, console_errors)
    page.get_by_role("link", name="Back to my CPD").click()
    page.get_by_role("link", name="CPD settings and sharing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CPD settings and sharing")
    check_page(page, console_errors)

    # Share the first piece with the supervisor (the line manager).
    page.get_by_role("link", name="Back to my CPD").click()
    page.get_by_role("link", name=FIRST).click()
    expect(page.get_by_text("Only you can see this entry.")).to_be_visible()
    page.get_by_role("button", name="Share with my line manager").click()
    expect(page.get_by_text("Shared with your line manager", exact=True)).to_be_visible()
    expect(
        page.get_by_text("Your line manager can read this entry and comment on it.")
    ).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The supervisor reads it and comments.
    sign_in(page, live_server, org.line_manager.email)
    page.get_by_role("link", name="CPD shared with you").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CPD shared with you")
    expect(page.get_by_role("link", name=SECOND)).to_have_count(0)  # not shared
    check_page(page, console_errors)
    page.get_by_role("link", name=FIRST).click()
    expect(page.get_by_text("Priya Sandhu’s CPD, shared with you")).to_be_visible()
    expect(page.get_by_role("link", name="group-notes.pdf", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Change this entry")).to_have_count(0)
    check_page(page, console_errors)
    page.get_by_label("Add a comment").fill(COMMENT)
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("Comment added")).to_be_visible()
    expect(page.get_by_text(COMMENT)).to_be_visible()
    check_page(page, console_errors)

    page.goto(f"{live_server}/cpd/readiness?show=all")
    expect(page.get_by_role("heading", level=1)).to_have_text("Readiness for registration renewal")
    priya = page.get_by_role("row", name=re.compile("Priya Sandhu"))
    expect(priya).to_contain_text("Ready for renewal")
    expect(page.get_by_text(FIRST)).to_have_count(0)  # counts only, never the words
    check_page(page, console_errors)
    page.get_by_role("button", name="Sign out").click()

    # The social worker reads the comment and downloads their record.
    sign_in(page, live_server, org.practitioner.email)
    _my_cpd(page)
    page.get_by_role("link", name=FIRST).click()
    comments = page.locator("#comments ~ div")
    expect(comments).to_contain_text("Marcus Lindqvist")
    expect(comments).to_contain_text(COMMENT)
    page.get_by_role("link", name="Back to my CPD").click()
    # The PDF is made as a background job (at once in the tests): "Your downloads" has it.
    page.get_by_role("button", name="Download as PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your downloads")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CPD record, the last two years (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == "cpd-record-two-years.pdf"
    with open(download.path(), "rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert FIRST in text
    assert SECOND in text
    assert "Priya Sandhu" in text
    assert "group-notes.pdf" in text
