"""A social worker asks for the PDF of their CPD record, watches it being made on "Your
downloads" (the page updates itself: no reload) and downloads it. A real consumer process
makes it, started only once the page shows the job waiting, so each state is seen."""

from __future__ import annotations

import io
import re
import secrets
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.conftest import check_page
from tests.browser.test_journeys import sign_in
from tests.core.consumer import running_consumer

TITLE = "CPD record, the last two years (PDF)"


@pytest.fixture
def app_config(app_config: dict, tmp_path: Path) -> dict:
    """The embedded SQLite queue (not immediate mode): jobs wait for a consumer."""
    return {
        **app_config,
        "JOBS_IMMEDIATE": False,
        "JOBS_QUEUE_NAME": f"wfldbrowser{secrets.token_hex(4)}",
        "JOBS_SQLITE_PATH": str(tmp_path / "jobs.sqlite3"),
    }


def test_a_social_worker_asks_for_their_cpd_pdf_and_downloads_it(
    page: Page, live_server: str, app_config: dict, org, console_errors, tmp_path: Path
) -> None:
    sign_in(page, live_server, org.practitioner.email)
    page.goto(f"{live_server}/cpd/me")
    page.get_by_role("button", name="Download as PDF").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your downloads")
    row = page.get_by_role("row", name=re.compile(re.escape(TITLE)))
    expect(row.locator(".govuk-tag")).to_have_text("Waiting")
    refresh = page.get_by_role("link", name="Refresh this page")
    expect(refresh).to_be_visible()  # without JavaScript, the way to see it change
    expect(page.get_by_role("link", name=f"Download {TITLE}")).to_have_count(0)
    check_page(page, console_errors)
    page.evaluate("window.appSamePage = true")  # gone if the page were reloaded

    with running_consumer(app_config, tmp_path):
        expect(row.locator(".govuk-tag")).to_have_text("Ready", timeout=60_000)
    assert page.evaluate("window.appSamePage") is True, "the row changed without a reload"
    expect(page.locator("#downloads-announcer")).to_have_text(f"{TITLE}: ready to download.")
    expect(refresh).to_be_hidden()
    check_page(page, console_errors)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Download {TITLE}").click()
    download = download_info.value
    assert download.suggested_filename == "cpd-record-two-years.pdf"
    with open(download.path(), "rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "Priya Sandhu" in text
    assert "CPD record" in text
