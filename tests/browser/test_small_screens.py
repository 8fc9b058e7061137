"""Phones and wide screens, in Chromium, on the demo council (its real names, teams and data).

At 375 × 800 (a small phone) no main page scrolls sideways: wide tables scroll inside their own
focusable region instead; every page is checked with axe (WCAG 2.2 A/AA). At 1280 px, for the
person with the most navigation links, "Sign out" shares the header's row with the council's
name rather than ending up on a row of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from tests.browser.conftest import check_page
from tests.browser.test_journeys import sign_in
from wfld import PROJECT_ROOT
from wfld.appraisal.models import Appraisal, DevelopmentPlan
from wfld.appraisal.rules import Stage
from wfld.catalogue.models import LearningActivity
from wfld.cpd.models import CpdEntry
from wfld.extensions import db
from wfld.frameworks.models import FrameworkVersion
from wfld.learning.models import Pathway
from wfld.organisation.models import StaffMember
from wfld.organisation.seeding import demo_logins, demo_password

pytestmark = pytest.mark.browser

DEMO_DIR = PROJECT_ROOT / "seeds" / "demo"
PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 800}


@dataclass(frozen=True)
class Demo:
    emails: dict[str, str]
    password: str
    pages: dict[str, list[str]]  # persona -> the paths to visit as them


def _id(statement) -> int:  # noqa: ANN001 - a select of one id
    found = db.session.scalars(statement.limit(1)).first()
    assert found is not None, f"the demo council has no row for {statement}"
    return found


@pytest.fixture
def demo(app: Flask) -> Demo:
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    emails = {persona: email for persona, email, _ in demo_logins(DEMO_DIR)}
    with app.app_context():

        def staff_id(persona: str) -> int:
            return _id(select(StaffMember.id).where(StaffMember.work_email == emails[persona]))

        practitioner = staff_id("practitioner")
        entry = _id(
            select(CpdEntry.id).where(CpdEntry.staff_id == practitioner).order_by(CpdEntry.id)
        )
        shared = _id(
            select(CpdEntry.id)
            .where(CpdEntry.staff_id == practitioner, CpdEntry.shared.is_(True))
            .order_by(CpdEntry.id)
        )
        activity = _id(
            select(LearningActivity.id)
            .where(LearningActivity.is_active.is_(True))
            .order_by(LearningActivity.id)
        )
        version = _id(select(FrameworkVersion.id).order_by(FrameworkVersion.id))
        pathway = _id(select(Pathway.id).order_by(Pathway.id))
        # The demo's appraisal year: the practitioner's prepared conversation, his manager's
        # team, a teammate's recorded one awaiting signatures and a signed one with its plan.
        mine = _id(select(Appraisal.id).where(Appraisal.staff_id == practitioner))
        team = _id(
            select(StaffMember.team_id).where(StaffMember.work_email == emails["line_manager"])
        )
        held = _id(select(Appraisal.id).where(Appraisal.stage == Stage.HELD).order_by(Appraisal.id))
        signed = _id(
            select(Appraisal.id).where(Appraisal.stage == Stage.SIGNED).order_by(Appraisal.id)
        )
        plan = _id(
            select(DevelopmentPlan.id)
            .join(Appraisal, Appraisal.id == DevelopmentPlan.appraisal_id)
            .where(Appraisal.id == signed)
        )
    pages = {
        "practitioner": [
            "/",
            "/learning/me",
            "/catalogue/",
            f"/catalogue/activities/{activity}",
            "/catalogue/my-bookings",
            "/cpd/me",
            f"/cpd/entries/{entry}",
            f"/cpd/entries/{entry}/versions",
            "/cpd/me/social-work-england",
            "/cpd/me/settings",
            "/cpd/entries/new",
            "/frameworks",
            f"/frameworks/versions/{version}",
            f"/people/{practitioner}",
            "/appraisal/my-development-plan",
            f"/appraisal/conversations/{mine}",
            f"/appraisal/conversations/{mine}/prepare",
        ],
        "line_manager": [
            "/",
            "/learning/team",
            "/learning/team?drill",  # replaced by the first requirement's drill-down
            "/cpd/readiness",
            "/cpd/shared",
            f"/cpd/entries/{shared}",
            f"/people/{practitioner}",
            f"/learning/people/{practitioner}",
            "/appraisal/team",
            f"/appraisal/teams/{team}/plan",
            f"/appraisal/conversations/{held}",
            f"/appraisal/conversations/{held}/record",
            f"/appraisal/conversations/{held}/sign",
            f"/appraisal/conversations/{signed}",
            f"/appraisal/conversations/{signed}/history",
            f"/appraisal/plans/{plan}",
        ],
        "wfld_admin": [
            "/",
            "/learning/compliance",
            "/learning/compliance?drill",
            "/learning/pathways",
            f"/learning/pathways/{pathway}",
            "/learning/expected-levels",
            "/catalogue/certificates",
            "/admin",
            "/admin/staff",
            f"/admin/staff/{practitioner}",
            "/admin/teams",
            "/admin/job-roles",
            "/frameworks/crosswalk",
            "/people",
            "/appraisal/cycles",
            "/appraisal/completion",
        ],
        "senior_manager": [
            "/",
            "/learning/compliance",
            "/cpd/readiness",
            "/people",
            "/appraisal/completion",
        ],
    }
    return Demo(emails, demo_password(DEMO_DIR), pages)


def _open(page: Page, base_url: str, path: str) -> None:
    if path.endswith("?drill"):
        # One requirement's people, as linked from the compliance page's table.
        page.goto(base_url + path.removesuffix("?drill"))
        page.get_by_role("main").locator("a[href*='requirement=']").first.click()
        expect(page).to_have_url(re.compile(r"requirement="))
    else:
        response = page.goto(base_url + path)
        assert response is not None and response.status == 200, f"{path}: {response.status}"


def _horizontal_overflow(page: Page) -> dict:
    return page.evaluate(
        """() => ({
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth: window.innerWidth,
            // What sticks out past the right edge, outside any scroll region: the culprits.
            culprits: [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
                              && !el.closest('.app-scroll-region'))
                .slice(0, 5)
                .map(el => el.tagName.toLowerCase() + '.' + [...el.classList].join('.')),
        })"""
    )


@pytest.mark.parametrize(
    "persona", ["practitioner", "line_manager", "wfld_admin", "senior_manager"]
)
def test_no_page_scrolls_sideways_on_a_phone(
    browser: Browser, live_server: str, demo: Demo, persona: str
) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        sign_in(page, live_server, demo.emails[persona], demo.password)
        expect(page).to_have_url(f"{live_server}/")
        for path in demo.pages[persona]:
            _open(page, live_server, path)
            width = _horizontal_overflow(page)
            assert width["scrollWidth"] <= width["innerWidth"], (
                f"{persona} {page.url} scrolls sideways at 375 px: {width}"
            )
            # Signing out is never hidden behind the collapsed menu.
            expect(page.get_by_role("button", name="Sign out")).to_be_visible()
            check_page(page, errors)
    finally:
        context.close()


def test_wide_tables_scroll_in_their_own_region_on_a_phone(
    browser: Browser, live_server: str, demo: Demo
) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        sign_in(page, live_server, demo.emails["wfld_admin"], demo.password)
        page.goto(f"{live_server}/learning/compliance")
        region = page.get_by_role("region", name="Compliance by team")
        expect(region).to_be_visible()
        sizes = region.evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert sizes[0] > sizes[1], "the table is wider than the phone: its region scrolls"
        # A keyboard user reaches the region and scrolls it with the arrow keys.
        region.focus()
        expect(region).to_be_focused()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "() => document.activeElement.scrollLeft > 0", polling="raf", timeout=2000
        )
    finally:
        context.close()


def _nav_items(page: Page) -> int:
    return page.locator("nav[aria-label='Menu'] .govuk-service-navigation__item").count()


def test_sign_out_shares_the_header_row_at_1280_px(
    browser: Browser, live_server: str, demo: Demo, console_errors: list[str]
) -> None:
    # The persona with the most navigation links, found by signing each in.
    counts = {}
    for persona in ("practitioner", "line_manager", "wfld_admin", "senior_manager", "system_admin"):
        context = browser.new_context(viewport=DESKTOP)
        probe = context.new_page()
        sign_in(probe, live_server, demo.emails[persona], demo.password)
        expect(probe).to_have_url(f"{live_server}/")
        counts[persona] = _nav_items(probe)
        context.close()
    busiest = max(counts, key=counts.get)
    assert counts[busiest] >= 10, counts

    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        sign_in(page, live_server, demo.emails[busiest], demo.password)
        for path in ("/", "/learning/pathways", "/learning/compliance"):
            page.goto(live_server + path)
            council = page.locator(".app-header__council").bounding_box()
            person = page.locator(".app-header__person").bounding_box()
            sign_out = page.get_by_role("button", name="Sign out").bounding_box()
            # One row: "Sign out" and the person's name sit level with each other, beside the
            # council's name (their boxes overlap vertically), to its right.
            middle = sign_out["y"] + sign_out["height"] / 2
            assert middle == pytest.approx(person["y"] + person["height"] / 2, abs=2), (
                sign_out,
                person,
            )
            assert sign_out["y"] < council["y"] + council["height"], (sign_out, council)
            assert council["y"] < sign_out["y"] + sign_out["height"], (sign_out, council)
            assert sign_out["x"] > council["x"] + council["width"]
            # The navigation's links start on one row too (they may wrap, but never alone).
            tops = page.locator(
                "nav[aria-label='Menu'] .govuk-service-navigation__item"
            ).evaluate_all("items => items.map(i => Math.round(i.getBoundingClientRect().top))")
            assert tops.count(tops[-1]) >= 2, f"the last link is alone on its row: {tops}"
        check_page(page, console_errors)
    finally:
        context.close()
