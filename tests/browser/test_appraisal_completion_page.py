"""In Chromium: the WFLD view of appraisal completion, with a signed conversation's needs in
its charts, passes axe-core; choosing a service area narrows it and the CSV downloads."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.appraisal.builders import held, make_cycle, prepared, signed_with_needs
from tests.browser.conftest import check_page
from tests.browser.test_journeys import sign_in
from tests.catalogue.builders import make_activity
from tests.factories import NOW
from wfld.core import clock
from wfld.extensions import db

pytestmark = pytest.mark.browser


@pytest.fixture
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def test_the_completion_page_is_accessible_and_downloads_its_csv(
    app, org, live_server, page: Page, console_errors, frozen_clock
) -> None:
    with app.app_context():
        cycle = make_cycle()
        signed_with_needs(
            cycle,
            org.practitioner.staff_id,
            activities=(make_activity("Court Skills"), make_activity("Chairing Meetings")),
        )
        held(prepared(cycle, org.other_practitioner.staff_id))
        db.session.commit()
    sign_in(page, live_server, org.wfld_admin.email)
    page.goto(f"{live_server}/appraisal/completion")
    expect(page.get_by_role("heading", level=1)).to_have_text("Appraisal completion")
    expect(page.get_by_role("img", name="Catalogue activities named most often")).to_be_visible()
    check_page(page, console_errors)
    page.get_by_label("Service area").select_option(label="Early Help")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#completion-table tbody tr")).to_have_count(2)
    check_page(page, console_errors)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the table as CSV").click()
    assert download.value.suggested_filename == "appraisal-completion-2026-27.csv"
