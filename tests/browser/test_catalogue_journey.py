"""In Chromium: a practitioner finds a course, books it, sees it under My bookings and cancels;
the WFLD team adds an activity and a session to it."""

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
def offered(app, org) -> None:  # noqa: ANN001
    """Two activities; the safeguarding one has a session in two weeks (the real clock)."""
    with app.app_context():
        activity = make_activity(
            "Safeguarding Children Level 3", category="Mandatory training", validity_months=36
        )
        make_activity("Court Skills")
        make_session(activity, days=14, capacity=12, now=clock.now())
        db.session.commit()


def test_practitioner_books_a_session_sees_it_and_cancels_it(
    page: Page, live_server: str, org, offered, console_errors: list[str]
) -> None:
    sign_in(page, live_server, org.practitioner.email)
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Course catalogue", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Learning catalogue")
    check_page(page, console_errors)

    page.get_by_label("Search by title").fill("safeguarding")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("table")
    expect(results.get_by_role("link")).to_have_count(1)
    expect(results.get_by_role("cell", name="Every 36 months")).to_be_visible()
    check_page(page, console_errors)

    results.get_by_role("link", name="Safeguarding Children Level 3").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safeguarding Children Level 3")
    expect(page.get_by_role("cell", name="12 of 12")).to_be_visible()
    check_page(page, console_errors)

    page.get_by_role("button", name=re.compile(r"^Book a place on ")).click()
    expect(page.get_by_text("You are booked on Safeguarding Children Level 3")).to_be_visible()
    expect(page.get_by_role("cell", name="11 of 12")).to_be_visible()
    expect(page.get_by_text("Booked", exact=True)).to_be_visible()
    check_page(page, console_errors)

    page.get_by_role("link", name="See all my bookings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My bookings")
    row = page.get_by_role("row", name=re.compile("Safeguarding Children Level 3"))
    expect(row.get_by_text("Booked", exact=True)).to_be_visible()
    check_page(page, console_errors)

    row.get_by_role("link", name=re.compile(r"^Cancel booking")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your booking")
    check_page(page, console_errors)
    page.get_by_role("button", name="Yes, cancel the booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My bookings")
    expect(page.get_by_text("Booking cancelled: Safeguarding Children Level 3")).to_be_visible()
    expect(page.get_by_text("You have no sessions booked.")).to_be_visible()
    check_page(page, console_errors)


def test_wfld_admin_adds_an_activity_and_a_session(
    page: Page, live_server: str, app, org, console_errors: list[str]
) -> None:
    result = app.test_cli_runner().invoke(args=["seed", "frameworks"])
    assert result.exit_code == 0, result.output
    sign_in(page, live_server, org.wfld_admin.email)
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Course catalogue", exact=True
    ).click()
    page.get_by_role("link", name="Add a learning activity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a learning activity")
    check_page(page, console_errors)

    page.get_by_label("Title", exact=True).fill("Working with Fathers")
    page.get_by_label("Category").fill("Practice development")
    page.get_by_label("Delivery mode").select_option("workshop")
    page.get_by_label("In-house").check()
    page.get_by_label("Duration in hours").fill("-3")
    page.get_by_label("5 Abuse and neglect of children").check()
    page.get_by_role("button", name="Save activity").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.get_by_role("link", name="Duration must be 0 hours or more")).to_be_visible()
    check_page(page, console_errors)
    page.get_by_label("Duration in hours").fill("3")
    page.get_by_role("button", name="Save activity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Working with Fathers")
    expect(page.get_by_text("5 Abuse and neglect of children")).to_be_visible()
    check_page(page, console_errors)

    page.get_by_role("link", name="Add a session").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Add a session")
    check_page(page, console_errors)
    page.get_by_role("button", name="Add session").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.get_by_role("link", name="Enter the date of the session")).to_be_visible()
    check_page(page, console_errors)

    next_year = clock.today().year + 1
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill(str(next_year))
    page.get_by_label("Start time").fill("9:30am")
    page.get_by_label("End time").fill("12:30pm")
    page.get_by_label("Online", exact=True).check()
    page.get_by_label("Venue or online platform").fill("Microsoft Teams")
    page.get_by_label("Number of places").fill("20")
    page.get_by_role("button", name="Add session").click()
    expect(page.get_by_text(f"Session added for 14 January {next_year} at 9:30am")).to_be_visible()
    session_link = page.get_by_role("link", name=f"14 January {next_year}, 9:30am to 12:30pm")
    expect(session_link).to_be_visible()
    expect(page.get_by_role("cell", name="Online (Microsoft Teams)")).to_be_visible()
    check_page(page, console_errors)

    session_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Session on 14 January {next_year}")
    expect(page.get_by_text("Nobody is booked on this session.")).to_be_visible()
    check_page(page, console_errors)
