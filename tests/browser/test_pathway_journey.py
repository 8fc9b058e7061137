"""In Chromium: the WFLD team builds a pathway for a role; a practitioner in that role sees it
on My learning and books a session; their manager sees the team's compliance change."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_page
from tests.browser.test_journeys import sign_in
from tests.catalogue.builders import make_activity, make_session
from wfld.core import clock
from wfld.extensions import db

pytestmark = pytest.mark.browser


@pytest.fixture
def safeguarding_session(app, org) -> None:  # noqa: ANN001
    with app.app_context():
        activity = make_activity(
            "Safeguarding Children Level 3", category="Mandatory training", validity_months=36
        )
        make_session(activity, days=21, capacity=10, now=clock.now())
        db.session.commit()


def _team_safeguarding_row(page: Page):  # noqa: ANN202
    table = page.get_by_role("table").filter(has_text="Requirement")
    return table.get_by_role("row", name=re.compile("Safeguarding Children Level 3"))


def test_a_pathway_reaches_the_practitioner_and_their_manager(
    page: Page, live_server: str, org, safeguarding_session, console_errors: list[str]
) -> None:
    # The WFLD team builds a pathway for social workers.
    sign_in(page, live_server, org.wfld_admin.email)
    page.get_by_role("link", name="Learning pathways").click()
    check_page(page, console_errors)
    page.get_by_role("link", name="Create a pathway").click()
    page.get_by_label("Pathway name").fill("Social work pathway")
    page.get_by_label("Social Worker", exact=True).check()
    check_page(page, console_errors)
    page.get_by_role("button", name="Save pathway").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Social work pathway"))
    page.get_by_role("link", name="Add a requirement").click()
    page.get_by_label("Mandatory", exact=True).first.check()
    page.get_by_label("Learning activity").select_option(label="Safeguarding Children Level 3")
    page.get_by_label("Due within how many days of starting in the role? (optional)").fill("90")
    check_page(page, console_errors)
    page.get_by_role("button", name="Add requirement").click()
    expect(
        page.get_by_role("cell", name="Safeguarding Children Level 3", exact=True)
    ).to_be_visible()
    check_page(page, console_errors)
    page.get_by_role("button", name="Sign out").click()

    # Their manager sees it in the team, not yet done: the social worker started years ago,
    # but a requirement added today gives people already in the role 90 days from today.
    sign_in(page, live_server, org.line_manager.email)
    page.get_by_role("link", name="Your team’s learning").click()
    expect(_team_safeguarding_row(page)).to_contain_text("0%")
    check_page(page, console_errors)
    page.get_by_role("button", name="Sign out").click()

    # The social worker sees it on My learning and books a place from there.
    sign_in(page, live_server, org.practitioner.email)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My learning").click()
    expect(page.get_by_role("cell", name="Not started")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("^Due by "))).to_be_visible()
    check_page(page, console_errors)
    page.get_by_role("link", name=re.compile("^Book a place on Safeguarding")).click()
    page.get_by_role("button", name=re.compile(r"^Book a place on ")).click()
    expect(page.get_by_text("You are booked on Safeguarding Children Level 3")).to_be_visible()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My learning").click()
    expect(page.get_by_role("cell", name="Booked", exact=True)).to_be_visible()
    check_page(page, console_errors)
    page.get_by_role("button", name="Sign out").click()

    # The manager's view has changed: booked.
    sign_in(page, live_server, org.line_manager.email)
    page.get_by_role("link", name="Your team’s learning").click()
    row = _team_safeguarding_row(page)
    # Complete, Booked, Due soon, Overdue, Not started, % complete
    expect(row.get_by_role("cell")).to_have_text(
        ["Safeguarding Children Level 3", "0", "1", "0", "0", "0", "0%"]
    )
    check_page(page, console_errors)
