"""In Chromium: an annual appraisal conversation from the practitioner's self-reflection to
her development plan, the team's roll-up and the signed record's PDF. Every main page on the
way is checked with axe-core (WCAG 2.2 AA) and for console errors.

Priya Sandhu (the practitioner) prepares her appraisal; Marcus Lindqvist (her line manager)
opens it from his team page, records the conversation with two development needs (each a
catalogue activity with a session coming up) and one objective linked to a strategy priority,
and signs; Priya agrees and signs, so the record is locked. Her development plan then has two
actions: she books a place on one from the catalogue and it shows as booked. Marcus's team
plan rolls up both needs, and the signed record downloads as a PDF that says what was agreed.

The live server's clock is real (not frozen), so the cycle and every date are worked out from
``clock.today()``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.conftest import check_page
from tests.browser.test_journeys import sign_in
from tests.catalogue.builders import make_activity, make_session
from wfld.appraisal import services
from wfld.core import clock
from wfld.extensions import db

pytestmark = pytest.mark.browser

PRIORITY = "Stable, skilled workforce"
REFLECTION = "A year of growth: my first care proceedings and a steadier caseload."
VIEW = "A strong year; court work is the next step."
STRENGTHS = "Relationships with families."
COURT = "Court Skills"
CHAIRING = "Chairing Child Protection Conferences"
COURT_NEED = "Write clear court statements"
CHAIRING_NEED = "Chair a core group with confidence"
OBJECTIVE = "Complete three court statements, each signed off first time"


@dataclass(frozen=True)
class Offered:
    """What the journey's pages are checked against."""

    today: dt.date
    cycle: str


def _long(day: dt.date) -> str:
    """A date as the pages write it: 14 December 2026."""
    return f"{day.day} {day:%B %Y}"


@pytest.fixture
def offered(app: Flask, org) -> Offered:  # noqa: ANN001
    """This year's cycle (open today, two strategy priorities) and two catalogue activities,
    each with a session in three weeks, committed through the services."""
    today = clock.today()
    now = clock.now()
    with app.app_context():
        # As tests.appraisal.builders.make_cycle, on dates around the real today.
        cycle = services.create_cycle(
            details=services.CycleDetails(
                name=f"{today.year}/{(today.year + 1) % 100:02d}",
                starts_on=today - dt.timedelta(days=120),
                ends_on=today + dt.timedelta(days=240),
                due_from=today - dt.timedelta(days=30),
                due_by=today + dt.timedelta(days=60),
                mid_year_from=None,
                mid_year_by=None,
                needs_countersignature=False,
                priorities=(PRIORITY, "Relationship-based practice"),
            ),
            actor=None,
            now=now,
        )
        for title in (COURT, CHAIRING):
            make_session(make_activity(title), days=21, capacity=12, now=now)
        name = cycle.name
        db.session.commit()
    return Offered(today, name)


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def _fill_date(page: Page, legend: str | re.Pattern, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _add_need(page: Page, description: str, activity: str, target: dt.date) -> None:
    page.get_by_role("link", name=re.compile(r"^Add (a )?(development )?need")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("development need")
    page.get_by_label(re.compile(r"^(Development need|Describe the need|Need)")).fill(description)
    page.get_by_label("Course", exact=True).check()
    page.get_by_label(
        re.compile(r"^(Learning activity|Catalogue activity|Activity)")
    ).select_option(label=activity)
    _fill_date(page, re.compile(r"^Target date"), target)
    page.get_by_role("button", name=re.compile(r"^(Save|Add)")).click()


def test_appraisal_from_preparation_to_the_plan_the_roll_up_and_the_pdf(
    page: Page, live_server: str, org, offered: Offered, console_errors: list[str]
) -> None:
    target = offered.today + dt.timedelta(days=90)

    # --- Priya prepares her appraisal --------------------------------------------------------
    sign_in(page, live_server, org.practitioner.email)
    expect(page).to_have_url(f"{live_server}/")
    page.goto(f"{live_server}/appraisal/my-development-plan")
    expect(page.get_by_role("heading", level=1)).to_have_text("My development plan")
    check_page(page, console_errors)
    page.get_by_role("button", name=re.compile(r"^(Start|Prepare)")).click()
    expect(page).to_have_url(re.compile(r"/appraisal/conversations/\d+"))
    appraisal_id = int(re.search(r"/appraisal/conversations/(\d+)", page.url).group(1))
    check_page(page, console_errors)
    if not page.url.endswith("/prepare"):
        page.get_by_role("link", name=re.compile(r"^Prepare")).first.click()
    expect(page).to_have_url(re.compile(rf"/appraisal/conversations/{appraisal_id}/prepare$"))
    check_page(page, console_errors)
    page.get_by_label(re.compile(r"self-reflection", re.IGNORECASE)).fill(REFLECTION)
    page.get_by_role("button", name=re.compile(r"^Save")).click()
    expect(page).to_have_url(f"{live_server}/appraisal/conversations/{appraisal_id}")
    expect(page.get_by_text(REFLECTION)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Prepared")
    check_page(page, console_errors)
    _sign_out(page)

    # --- Marcus records the conversation from his team page ----------------------------------
    sign_in(page, live_server, org.line_manager.email)
    page.goto(f"{live_server}/appraisal/team")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    priya = page.get_by_role("row", name=re.compile("Priya Sandhu"))
    expect(priya).to_contain_text("Prepared")
    check_page(page, console_errors)
    priya.get_by_role("link", name=re.compile("Priya Sandhu")).first.click()
    expect(page).to_have_url(f"{live_server}/appraisal/conversations/{appraisal_id}")
    expect(page.get_by_text(REFLECTION)).to_be_visible()
    check_page(page, console_errors)

    page.get_by_role("link", name=re.compile(r"^Record the conversation")).click()
    expect(page).to_have_url(re.compile(rf"/conversations/{appraisal_id}/record$"))
    check_page(page, console_errors)
    _fill_date(page, re.compile(r"^Date of the conversation"), offered.today)
    page.get_by_label(re.compile(r"^Your view")).fill(VIEW)
    page.get_by_label(re.compile(r"^Strengths")).fill(STRENGTHS)
    page.get_by_label(re.compile(r"^Wellbeing")).check()
    page.get_by_role("button", name=re.compile(r"^Save")).click()
    expect(page).to_have_url(f"{live_server}/appraisal/conversations/{appraisal_id}")
    expect(page.get_by_text(VIEW)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Held")

    _add_need(page, COURT_NEED, COURT, target)
    expect(page).to_have_url(f"{live_server}/appraisal/conversations/{appraisal_id}")
    expect(page.get_by_text(COURT_NEED)).to_be_visible()
    _add_need(page, CHAIRING_NEED, CHAIRING, target)
    expect(page).to_have_url(f"{live_server}/appraisal/conversations/{appraisal_id}")
    expect(page.get_by_text(CHAIRING_NEED)).to_be_visible()
    check_page(page, console_errors)

    page.get_by_role("link", name=re.compile(r"^Add (an )?objective")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("objective")
    check_page(page, console_errors)
    page.get_by_label(re.compile(r"^Objective")).fill(OBJECTIVE)
    _fill_date(page, re.compile(r"^Target date"), target)
    page.get_by_label(PRIORITY, exact=True).check()
    page.get_by_role("button", name=re.compile(r"^(Save|Add)")).click()
    expect(page).to_have_url(f"{live_server}/appraisal/conversations/{appraisal_id}")
    expect(page.get_by_text(OBJECTIVE)).to_be_visible()
    check_page(page, console_errors)

    page.get_by_role("link", name=re.compile(r"sign", re.IGNORECASE)).first.click()
    expect(page).to_have_url(re.compile(rf"/conversations/{appraisal_id}/sign$"))
    # An objective serves a priority: no warning on the sign-off page.
    expect(page.get_by_text(re.compile("not linked to a (strategy )?priority"))).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text(COURT_NEED)
    check_page(page, console_errors)
    page.get_by_role("button", name=re.compile(r"sign", re.IGNORECASE)).click()
    expect(page).to_have_url(f"{live_server}/appraisal/conversations/{appraisal_id}")
    check_page(page, console_errors)
    _sign_out(page)

    # --- Priya agrees and signs: the record is locked ----------------------------------------
    sign_in(page, live_server, org.practitioner.email)
    page.goto(f"{live_server}/appraisal/my-development-plan")
    page.get_by_role("link", name=re.compile(r"sign", re.IGNORECASE)).first.click()
    expect(page).to_have_url(re.compile(rf"/conversations/{appraisal_id}/sign$"))
    expect(page.get_by_role("main")).to_contain_text(VIEW)
    check_page(page, console_errors)
    page.get_by_role("button", name=re.compile(r"sign", re.IGNORECASE)).click()
    expect(page).to_have_url(f"{live_server}/appraisal/conversations/{appraisal_id}")
    expect(page.get_by_role("main")).to_contain_text("Signed")
    expect(page.get_by_text(re.compile("locked|cannot be changed"))).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile(r"^Add (a )?(development )?need"))
    ).to_have_count(0)
    check_page(page, console_errors)

    # --- Her plan has the two actions; she books one from the catalogue ----------------------
    page.goto(f"{live_server}/appraisal/my-development-plan")
    expect(page.get_by_role("heading", level=1)).to_have_text("My development plan")
    actions = page.get_by_role("table", name=re.compile("action", re.IGNORECASE))
    court = actions.get_by_role("row", name=re.compile(COURT_NEED))
    chairing = actions.get_by_role("row", name=re.compile(CHAIRING_NEED))
    expect(court).to_contain_text("Planned")
    expect(chairing).to_contain_text("Planned")
    check_page(page, console_errors)
    court.get_by_role("link", name=re.compile(r"^Book a place")).click()
    check_page(page, console_errors)
    page.get_by_role("button", name=re.compile(r"^Book")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My development plan")
    actions = page.get_by_role("table", name=re.compile("action", re.IGNORECASE))
    expect(actions.get_by_role("row", name=re.compile(COURT_NEED))).to_contain_text("Booked")
    expect(actions.get_by_role("row", name=re.compile(CHAIRING_NEED))).to_contain_text("Planned")
    check_page(page, console_errors)

    # --- The signed record downloads as a PDF ------------------------------------------------
    response = page.request.get(f"{live_server}/appraisal/conversations/{appraisal_id}/record.pdf")
    assert response.status == 200, response.status
    assert response.headers["content-type"].startswith("application/pdf")
    reader = PdfReader(io.BytesIO(response.body()))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "Priya Sandhu" in text
    assert "Marcus Lindqvist" in text
    assert COURT_NEED in text
    assert CHAIRING_NEED in text
    assert OBJECTIVE in text
    _sign_out(page)

    # --- Marcus's team plan rolls up both needs ----------------------------------------------
    sign_in(page, live_server, org.line_manager.email)
    page.goto(f"{live_server}/appraisal/team")
    expect(page.get_by_role("row", name=re.compile("Priya Sandhu"))).to_contain_text("Signed")
    check_page(page, console_errors)
    page.goto(f"{live_server}/appraisal/teams/{org.team_a}/plan")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Access and Assessment")
    main = page.get_by_role("main")
    expect(main).to_contain_text(COURT)
    expect(main).to_contain_text(CHAIRING)
    check_page(page, console_errors)
