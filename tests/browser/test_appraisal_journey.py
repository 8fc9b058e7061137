"""In Chromium: an annual appraisal conversation from the practitioner's self-reflection to
her development plan, the team's roll-up and the signed record's PDF. Every main page on the
way is checked with axe-core (WCAG 2.2 AA) and for console errors.

Priya Sandhu (the practitioner) prepares her appraisal; Marcus Lindqvist (her line manager)
opens it from his team page, records the conversation with two development needs (each a
catalogue activity with a session coming up) and one objective linked to a strategy priority,
and signs; Priya agrees and signs, so the record is locked. Her development plan then has two
actions: she books a place on one from the catalogue and it shows as booked. Marcus's team
plan rolls up both needs (he starts the plan and writes its priorities), and the signed record,
asked for as a background job, downloads from Your downloads as a PDF that says what was
agreed.

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
TEAM_PRIORITIES = "Court work: every social worker confident in the family court by March."
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


def _fill_date(page: Page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _status(page: Page):  # noqa: ANN202
    """The conversation's status: the value next to "Status" in the page's summary list."""
    return (
        page.get_by_role("term")
        .filter(has_text=re.compile(r"^\s*Status\s*$"))
        .locator("xpath=following-sibling::*[1]")
    )


def _on_the_conversation(page: Page, base_url: str, appraisal_id: int) -> None:
    """Back on the conversation's page (at one of its sections, perhaps)."""
    expect(page).to_have_url(
        re.compile(rf"^{re.escape(base_url)}/appraisal/conversations/{appraisal_id}(#[\w-]+)?$")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual conversation: Priya Sandhu")


def _add_need(
    page: Page, errors: list[str], description: str, activity: str, target: dt.date
) -> None:
    page.get_by_role("link", name="Add a development need").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a development need")
    check_page(page, errors)
    page.get_by_label("Development need", exact=True).fill(description)
    page.get_by_role("group", name="How will the need be met?").get_by_label(
        "Course", exact=True
    ).check()
    page.get_by_label("Learning activity (optional)").select_option(label=activity)
    _fill_date(page, "Target date (optional)", target)
    page.get_by_role("button", name="Save development need").click()


def _menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True).click()


def _actions(page: Page):  # noqa: ANN202
    return page.get_by_role("table", name=re.compile(r"^Actions in your development plan"))


def test_appraisal_from_preparation_to_the_plan_the_roll_up_and_the_pdf(
    page: Page, live_server: str, org, offered: Offered, console_errors: list[str]
) -> None:
    target = offered.today + dt.timedelta(days=90)

    # --- Priya starts her appraisal and writes her self-reflection ---------------------------
    sign_in(page, live_server, org.practitioner.email)
    expect(page).to_have_url(f"{live_server}/")
    _menu(page, "My development plan")
    expect(page).to_have_url(f"{live_server}/appraisal/my-development-plan")
    expect(page.get_by_role("heading", level=1)).to_have_text("My development plan")
    expect(page.get_by_role("heading", name=f"Your appraisal for {offered.cycle}")).to_be_visible()
    expect(page.get_by_text("Your appraisal for this cycle has not been started.")).to_be_visible()
    check_page(page, console_errors)
    page.get_by_role("button", name="Start your appraisal").click()
    expect(page).to_have_url(re.compile(r"/appraisal/conversations/\d+$"))
    appraisal_id = int(re.search(r"/appraisal/conversations/(\d+)", page.url).group(1))
    _on_the_conversation(page, live_server, appraisal_id)
    expect(_status(page)).to_have_text("Not started")
    check_page(page, console_errors)

    page.get_by_role("link", name="Prepare your self-reflection").click()
    expect(page).to_have_url(f"{live_server}/appraisal/conversations/{appraisal_id}/prepare")
    check_page(page, console_errors)
    page.get_by_label("Your self-reflection").fill(REFLECTION)
    page.get_by_role("button", name="Save self-reflection").click()
    _on_the_conversation(page, live_server, appraisal_id)
    expect(page.get_by_text("Self-reflection saved")).to_be_visible()
    expect(page.get_by_text(REFLECTION)).to_be_visible()
    expect(_status(page)).to_have_text("Prepared")
    check_page(page, console_errors)
    _sign_out(page)

    # --- Marcus opens it from his team page and records the conversation ---------------------
    sign_in(page, live_server, org.line_manager.email)
    expect(page).to_have_url(f"{live_server}/")
    _menu(page, "Team appraisals")
    expect(page).to_have_url(f"{live_server}/appraisal/team")
    expect(page.get_by_role("heading", level=1)).to_have_text("My team’s appraisals")
    priya = page.get_by_role("row", name=re.compile(r"^Priya Sandhu"))
    expect(priya).to_contain_text("Prepared")
    check_page(page, console_errors)
    priya.get_by_role("link", name="View Priya Sandhu’s appraisal").click()
    _on_the_conversation(page, live_server, appraisal_id)
    expect(page.get_by_text(REFLECTION)).to_be_visible()
    check_page(page, console_errors)

    page.get_by_role("link", name="Record the conversation").click()
    expect(page).to_have_url(f"{live_server}/appraisal/conversations/{appraisal_id}/record")
    check_page(page, console_errors)
    _fill_date(page, "Date of the conversation", offered.today)
    page.get_by_label("Your view of the year").fill(VIEW)
    page.get_by_label("Strengths (optional)").fill(STRENGTHS)
    page.get_by_label("Wellbeing was discussed").check()
    page.get_by_role("button", name="Save the conversation").click()
    _on_the_conversation(page, live_server, appraisal_id)
    expect(page.get_by_text("Conversation saved")).to_be_visible()
    expect(_status(page)).to_have_text("Held")
    summary = page.locator("#conversation-summary")
    expect(summary).to_contain_text(VIEW)
    expect(summary).to_contain_text(STRENGTHS)
    expect(summary).to_contain_text(re.compile(r"Wellbeing\s*Discussed"))

    _add_need(page, console_errors, COURT_NEED, COURT, target)
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual conversation: Priya Sandhu")
    check_page(page, console_errors)
    _add_need(page, console_errors, CHAIRING_NEED, CHAIRING, target)
    _on_the_conversation(page, live_server, appraisal_id)
    expect(page.get_by_text("Development need saved")).to_be_visible()
    for title in (f"Need 1: {COURT_NEED}", f"Need 2: {CHAIRING_NEED}"):
        expect(page.get_by_role("heading", name=title)).to_be_visible()

    page.get_by_role("link", name="Add an objective").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("objective")
    check_page(page, console_errors)
    page.get_by_label("Objective", exact=True).fill(OBJECTIVE)
    page.get_by_role(
        "group", name="Which of this year’s strategy priorities does it serve?"
    ).get_by_label(PRIORITY, exact=True).check()
    # A target date already passed is refused, with the error linked to the date.
    _fill_date(page, "Target date", offered.today - dt.timedelta(days=1))
    page.get_by_role("button", name="Save objective").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(
        page.get_by_role("link", name="Target date must be today or in the future")
    ).to_be_visible()
    check_page(page, console_errors)
    _fill_date(page, "Target date", target)
    page.get_by_role("button", name="Save objective").click()
    _on_the_conversation(page, live_server, appraisal_id)
    expect(page.get_by_text("Objective saved")).to_be_visible()
    objective = page.locator("[id^=objective-]")
    expect(objective).to_contain_text(OBJECTIVE)
    expect(objective).to_contain_text(_long(target))
    expect(objective).to_contain_text(PRIORITY)
    check_page(page, console_errors)

    page.get_by_role("link", name="Check and sign the record").click()
    expect(page).to_have_url(f"{live_server}/appraisal/conversations/{appraisal_id}/sign")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check and sign the record")
    # An objective serves a priority, so the page has no warning about it.
    expect(page.get_by_text("not linked to a strategy priority")).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text(COURT_NEED)
    check_page(page, console_errors)
    page.get_by_role("button", name="Sign the record").click()
    _on_the_conversation(page, live_server, appraisal_id)
    expect(page.locator("#signatures-summary")).to_contain_text(
        re.compile(r"Marcus Lindqvist \(appraiser\)\s*Signed on")
    )
    expect(_status(page)).to_have_text("Held")  # until Priya signs too
    check_page(page, console_errors)
    _sign_out(page)

    # --- Priya agrees and signs: the record is locked ----------------------------------------
    sign_in(page, live_server, org.practitioner.email)
    page.goto(f"{live_server}/appraisal/my-development-plan")
    page.get_by_role("link", name="Read and sign your appraisal").click()
    expect(page).to_have_url(f"{live_server}/appraisal/conversations/{appraisal_id}/sign")
    expect(page.get_by_role("main")).to_contain_text(VIEW)
    expect(page.get_by_role("main")).to_contain_text(OBJECTIVE)
    check_page(page, console_errors)
    page.get_by_role("button", name="I agree – sign the record").click()
    _on_the_conversation(page, live_server, appraisal_id)
    expect(_status(page)).to_have_text("Signed")
    expect(page.locator("#locked")).to_contain_text("this record is locked")
    expect(page.get_by_role("link", name="Add a development need")).to_have_count(0)
    expect(page.get_by_role("link", name="Prepare your self-reflection")).to_have_count(0)
    expect(page.get_by_role("link", name="Change your self-reflection")).to_have_count(0)
    check_page(page, console_errors)

    # --- Her plan has the two actions; she books a place on one from the catalogue ----------
    page.goto(f"{live_server}/appraisal/my-development-plan")
    expect(page.get_by_role("heading", level=1)).to_have_text("My development plan")
    expect(page.get_by_text("Your appraisal is signed.")).to_be_visible()
    expect(_actions(page).locator("tbody tr")).to_have_count(2)
    court = _actions(page).get_by_role("row", name=re.compile(rf"^{COURT_NEED}"))
    expect(court).to_contain_text("Planned")
    expect(court).to_contain_text(COURT)
    chairing = _actions(page).get_by_role("row", name=re.compile(rf"^{CHAIRING_NEED}"))
    expect(chairing).to_contain_text("Planned")
    expect(chairing).to_contain_text(CHAIRING)
    check_page(page, console_errors)

    court.get_by_role("link", name=re.compile(rf"^Book a place\s*: {COURT_NEED}$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Book a place on {COURT}")
    sessions = page.get_by_role("group", name="Which session?").get_by_role("radio")
    expect(sessions).to_have_count(1)
    expect(sessions).to_be_checked()  # the one session there is
    check_page(page, console_errors)
    page.get_by_role("button", name="Book a place").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My development plan")
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        f"You are booked on {COURT} on "
    )
    court = _actions(page).get_by_role("row", name=re.compile(rf"^{COURT_NEED}"))
    expect(court.get_by_role("cell").nth(4)).to_contain_text("Booked")
    chairing = _actions(page).get_by_role("row", name=re.compile(rf"^{CHAIRING_NEED}"))
    expect(chairing.get_by_role("cell").nth(4)).to_contain_text("Planned")
    check_page(page, console_errors)
    _sign_out(page)

    # --- Marcus's team plan rolls up both needs ----------------------------------------------
    sign_in(page, live_server, org.line_manager.email)
    page.goto(f"{live_server}/appraisal/team")
    priya = page.get_by_role("row", name=re.compile(r"^Priya Sandhu"))
    expect(priya).to_contain_text("Signed")
    check_page(page, console_errors)
    page.get_by_role("link", name="Your team’s development plan").click()
    expect(page).to_have_url(f"{live_server}/appraisal/teams/{org.team_a}/plan")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Team development plan: Access and Assessment"
    )
    check_page(page, console_errors)
    by_activity = page.get_by_role("table", name="Development actions by learning activity")
    # Actions, people, booked, done.
    for activity, counts in ((COURT, ["1", "1", "1", "0"]), (CHAIRING, ["1", "1", "0", "0"])):
        row = by_activity.get_by_role("row", name=re.compile(rf"^{activity}"))
        expect(row.get_by_role("cell")).to_have_text(counts)
    # Marcus starts the team's plan for the cycle and writes its priorities.
    page.get_by_role("button", name="Start the team plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The team’s priorities")
    check_page(page, console_errors)
    page.get_by_label("The team’s priorities this year").fill(TEAM_PRIORITIES)
    page.get_by_role("button", name="Save the plan").click()
    expect(page).to_have_url(f"{live_server}/appraisal/teams/{org.team_a}/plan")
    expect(page.get_by_text(TEAM_PRIORITIES)).to_be_visible()
    expect(by_activity.get_by_role("row", name=re.compile(rf"^{COURT}"))).to_be_visible()
    expect(by_activity.get_by_role("row", name=re.compile(rf"^{CHAIRING}"))).to_be_visible()
    check_page(page, console_errors)

    # --- The signed record downloads as a PDF ------------------------------------------------
    page.goto(f"{live_server}/appraisal/conversations/{appraisal_id}")
    page.get_by_role("button", name="Download the signed record (PDF)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your downloads")
    check_page(page, console_errors)
    title = f"Appraisal record: Priya Sandhu, {offered.cycle} (PDF)"
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Download {title}").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    with open(download.path(), "rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "Priya Sandhu" in text
    assert "Marcus Lindqvist" in text
    assert COURT_NEED in text
    assert CHAIRING_NEED in text
    assert OBJECTIVE in text
    assert PRIORITY in text
    assert REFLECTION in text
