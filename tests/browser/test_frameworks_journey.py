"""In Chromium: the WFLD team builds and publishes a local framework; a practitioner reads PCF."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_page
from tests.browser.test_journeys import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def frameworks_loaded(app, org) -> None:  # noqa: ANN001
    result = app.test_cli_runner().invoke(args=["seed", "frameworks"])
    assert result.exit_code == 0, result.output


def test_wfld_admin_builds_a_local_framework_and_a_practitioner_reads_pcf(
    page: Page, live_server: str, org, frameworks_loaded, console_errors: list[str]
) -> None:
    sign_in(page, live_server, org.wfld_admin.email)
    page.get_by_role("link", name="Frameworks").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Competency frameworks")
    check_page(page, console_errors)

    page.get_by_role("link", name="Create a local framework").click()
    page.get_by_role("button", name="Create framework").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    check_page(page, console_errors)
    page.get_by_label("Short code").fill("PRACTICE-MODEL")
    page.get_by_label("Title", exact=True).fill("Our practice model")
    page.get_by_role("button", name="Create framework").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Our practice model")
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    check_page(page, console_errors)

    page.get_by_role("link", name="Add an item").click()
    page.get_by_label("Domain").check()
    page.get_by_label("Code").fill("1")
    page.get_by_label("Title", exact=True).fill("Relationship-based practice")
    check_page(page, console_errors)
    page.get_by_role("button", name="Save item").click()
    expect(page.get_by_role("cell", name="Relationship-based practice")).to_be_visible()

    page.get_by_role("link", name="Publish this version").click()
    page.get_by_label("I have checked the items: publish this version").check()
    check_page(page, console_errors)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Current", exact=True)).to_be_visible()
    check_page(page, console_errors)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, org.practitioner.email)
    page.get_by_role("link", name="Frameworks").first.click()
    page.get_by_role("link", name="Professional Capabilities Framework").click()
    expect(page).to_have_title(re.compile(r"^Professional Capabilities Framework \(2018\)"))
    expect(page.get_by_role("cell", name="Critical reflection and analysis")).to_be_visible()
    check_page(page, console_errors)
