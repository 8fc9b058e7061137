"""Whole journeys in Chromium: signing in and out, the admin's staff screens, a wrong password.

Each page visited is checked with axe-core (WCAG 2.2 AA rules; serious or critical findings
fail) and for browser console errors, with the app's Content-Security-Policy in force.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_page
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    response = page.goto(f"{base_url}/sign-in")
    # The pages are checked with the app's real Content-Security-Policy in force.
    assert (
        response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_practitioner_signs_in_sees_their_home_and_signs_out(
    page: Page, live_server: str, org, console_errors: list[str]
) -> None:
    page.goto(f"{live_server}/")
    # Signed out, the home page sends you to sign in.
    expect(page).to_have_url(re.compile(r"/sign-in(\?|$)"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check_page(page, console_errors)

    sign_in(page, live_server, org.practitioner.email)
    expect(page).to_have_url(f"{live_server}/")
    expect(page).to_have_title(re.compile(r"^Home – "))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Priya Sandhu")
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()
    # A practitioner has no admin screens.
    expect(page.get_by_role("link", name="Organisation admin")).to_have_count(0)
    check_page(page, console_errors)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server}/sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_text("You have signed out")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    check_page(page, console_errors)

    # The session is gone: home sends you back to sign in.
    page.goto(f"{live_server}/")
    expect(page).to_have_url(re.compile(r"/sign-in(\?|$)"))


def test_wfld_admin_reaches_the_staff_screens(
    page: Page, live_server: str, org, console_errors: list[str]
) -> None:
    sign_in(page, live_server, org.wfld_admin.email)
    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wren Castell")
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()
    check_page(page, console_errors)

    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Organisation admin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisation admin")
    check_page(page, console_errors)
    page.get_by_role("main").get_by_role("link", name="Staff", exact=True).click()
    expect(page).to_have_url(f"{live_server}/admin/staff")
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff")
    staff_table = page.get_by_role("table")
    expect(staff_table.get_by_role("link", name="Sandhu, Priya")).to_be_visible()
    check_page(page, console_errors)

    staff_table.get_by_role("link", name="Sandhu, Priya").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Priya Sandhu")
    expect(page.get_by_text(org.practitioner.email).first).to_be_visible()
    check_page(page, console_errors)

    page.get_by_role("link", name="Back to staff").click()
    page.get_by_role("link", name="Add a member of staff").click()
    expect(page).to_have_url(f"{live_server}/admin/staff/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a member of staff")
    check_page(page, console_errors)

    # Submitted empty: the error summary, focused by GOV.UK Frontend, links to each field.
    page.get_by_role("button", name="Add member of staff").click()
    expect(page).to_have_title(re.compile(r"^Error: Add a member of staff"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter the employee number")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter the first name")).to_be_visible()
    check_page(page, console_errors)

    summary.get_by_role("link", name="Enter the employee number").click()
    expect(page.get_by_label("Employee number", exact=True)).to_be_focused()
    check_page(page, console_errors)


def test_wrong_password_shows_the_error_summary(
    page: Page, live_server: str, org, console_errors: list[str]
) -> None:
    sign_in(page, live_server, org.practitioner.email, password="not the password")
    expect(page).to_have_url(f"{live_server}/sign-in")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link", name="Email address or password is wrong")).to_be_visible()
    # The email address stays filled in; the password does not.
    expect(page.get_by_label("Email address", exact=True)).to_have_value(org.practitioner.email)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    check_page(page, console_errors)
