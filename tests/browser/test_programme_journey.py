"""In Chromium: a newly qualified social worker's 3-month ASYE review, from the evidence to the
cohort dashboard and the progress record PDF. Every distinct page on the way is checked with
axe-core (WCAG 2.2 AA) and for console errors.

Priya Sandhu (the practitioner) is about 80 days into the child and family ASYE (the reference
template's document, on a three-item framework so that a self-assessment can score it),
assessed by Marcus Lindqvist (her line manager); the WFLD admin coordinates the cohort. Her
support and assessment agreement is signed off and her portfolio holds everything the 3-month
review needs except its direct observation. In the browser she adds the observation and
submits the review; Marcus returns it with a comment; she resubmits; he signs it off (the
evidence is complete, so no short-evidence reason); the WFLD admin sees it signed off on the
cohort dashboard and downloads her progress record, which says so.

The live server's clock is real (not frozen), so every date is worked out from
``clock.today()``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import select

from tests.browser.conftest import check_page
from tests.browser.test_journeys import sign_in
from tests.frameworks.builders import flat_doc
from tests.programmes.builders import asye_document
from wfld.accounts.models import User
from wfld.core import clock
from wfld.extensions import db
from wfld.frameworks import services as framework_services
from wfld.frameworks.models import FrameworkItem
from wfld.organisation.models import StaffMember
from wfld.programmes import portfolio, services, signing
from wfld.programmes.models import Milestone, TemplateStatus
from wfld.programmes.portfolio import EvidenceText
from wfld.programmes.rules import EvidenceKind, MilestoneAction, ProgrammeKind, add_months

pytestmark = pytest.mark.browser

INTAKE = "ASYE child and family, this year"
SUMMARY = "Three months in: two plans, my first observed visit and a self-assessment."
COMMENT = "Say what the observation taught you about hearing the child's voice."
RESUBMITTED = SUMMARY + " The observation showed me how to keep the child's voice central."
OBSERVED = "Home visit to review a child in need plan"


@dataclass(frozen=True)
class Under:
    """The dates the journey checks the pages and the PDF against."""

    today: dt.date
    due_3m: dt.date


def _long(day: dt.date) -> str:
    """A date as the pages and the PDF write it: 14 December 2026."""
    return f"{day.day} {day:%B %Y}"


def _user(person) -> User:  # noqa: ANN001
    return db.session.get(User, person.user_id)


def _step(milestone_id: int, action: MilestoneAction, person, text: str = "") -> None:  # noqa: ANN001
    milestone = db.session.get(Milestone, milestone_id)
    signing.act(
        milestone=milestone,
        action=action,
        text=text,
        expected_version=milestone.version_id,
        actor=_user(person),
        now=clock.now(),
    )


@pytest.fixture
def under_way(app: Flask, org) -> Under:  # noqa: ANN001
    """Priya 80 days into her ASYE, agreement signed off, 3-month evidence but the
    observation in, committed through the services (so the live server sees it)."""
    today = clock.today()
    now = clock.now()
    start = today - dt.timedelta(days=80)
    with app.app_context():
        version = framework_services.import_document(
            flat_doc("TEST-KSS", ["Relationships", "Communication", "Child development"]),
            actor=None,
            now=now,
        ).version
        template = services.add_template_version(
            code="asye-child-family",
            name="ASYE child and family",
            kind=ProgrammeKind.ASYE,
            document=asye_document(),
            status=TemplateStatus.PUBLISHED,
            framework_versions=[version],
            actor=None,
            now=now,
        )
        cohort = services.create_cohort(
            template=template,
            intake=INTAKE,
            starts_on=start,
            coordinator=db.session.get(StaffMember, org.wfld_admin.staff_id),
            actor=None,
            now=now,
        )
        enrolment = services.enrol(
            cohort=cohort,
            staff=db.session.get(StaffMember, org.practitioner.staff_id),
            start_date=start,
            fte=Decimal(1),
            assessor=db.session.get(StaffMember, org.line_manager.staff_id),
            actor=None,
            now=now,
        )
        db.session.flush()
        priya = _user(org.practitioner)
        items = db.session.scalars(
            select(FrameworkItem.id).where(FrameworkItem.version_id == version.id)
        ).all()

        def add(kind: EvidenceKind, title: str, day: int, body: str = "", **extra: object) -> None:
            portfolio.add_evidence(
                enrolment=enrolment,
                kind=kind,
                text=EvidenceText(
                    title=title, occurred_on=start + dt.timedelta(days=day), body=body
                ),
                actor=priya,
                now=now,
                today=today,
                **extra,
            )

        # The agreement's minimums (a development plan and a self-assessment, in its first
        # four weeks), then the 3-month review's second development plan.
        add(EvidenceKind.DEVELOPMENT_PLAN, "Months 0 to 3", 5, "Learn the assessment framework.")
        add(
            EvidenceKind.SELF_ASSESSMENT,
            "Starting self-assessment",
            6,
            scores=dict.fromkeys(items, 2),
        )
        add(EvidenceKind.DEVELOPMENT_PLAN, "Months 1 to 3, revised", 40, "Observed practice.")
        milestones = {
            m.key: m.id
            for m in db.session.scalars(
                select(Milestone).where(Milestone.enrolment_id == enrolment.id)
            )
        }
        _step(milestones["agreement"], MilestoneAction.SUBMIT, org.practitioner, "Our agreement")
        _step(milestones["agreement"], MilestoneAction.SIGN_OFF, org.line_manager)
        db.session.commit()
        return Under(today, add_months(start, 3))


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def _fill_date(page: Page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _status(page: Page):  # noqa: ANN202
    """The review's status: the value next to "Status" in the page's summary list."""
    return (
        page.get_by_role("term")
        .filter(has_text=re.compile(r"^\s*Status\s*$"))
        .locator("xpath=following-sibling::*[1]")
    )


def _timeline_row(page: Page, label: str):  # noqa: ANN202
    return page.get_by_role("table", name="Review points").get_by_role(
        "row", name=re.compile(rf"^{re.escape(label)}")
    )


def test_the_3_month_review_from_evidence_to_the_progress_record(
    page: Page, live_server: str, org, under_way: Under, console_errors: list[str]
) -> None:
    # --- Priya adds her direct observation and submits the 3-month review --------------------
    sign_in(page, live_server, org.practitioner.email)
    expect(page).to_have_url(f"{live_server}/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My programme")
    expect(_timeline_row(page, "Support and assessment agreement")).to_contain_text("Signed off")
    three_months = _timeline_row(page, "3-month review")
    expect(three_months).to_contain_text("Not started")
    expect(three_months).to_contain_text(_long(under_way.due_3m))
    # The 3-month review needs one direct observation: the next actions and the evidence
    # still needed say so.
    expect(
        page.get_by_role("listitem").filter(has_text="Add 1 more direct observation")
    ).to_be_visible()
    expect(page.get_by_text(re.compile(r"^For the 3-month review \("))).to_be_visible()
    expect(
        page.get_by_role("listitem").filter(has_text=re.compile(r"^0 of 1 direct observations$"))
    ).to_be_visible()
    check_page(page, console_errors)

    page.get_by_role("link", name="Evidence", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Portfolio")
    check_page(page, console_errors)
    page.get_by_role("link", name="Add evidence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What kind of evidence are you adding?"
    )
    check_page(page, console_errors)
    page.get_by_label("Direct observation", exact=True).check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Add direct observation")
    check_page(page, console_errors)
    page.get_by_label("What was observed", exact=True).fill(OBSERVED)
    _fill_date(page, "Date", under_way.today)
    page.get_by_label("Setting", exact=True).fill("A family home")
    page.get_by_label("Observer", exact=True).fill("My ASYE assessor")
    page.get_by_label("The observer's assessment", exact=True).fill(
        "Warm and clear with the family; the plan was reviewed with the child present."
    )
    page.get_by_label("Your reflection", exact=True).fill(
        "I will ask the child first next time, before the adults."
    )
    page.get_by_role("button", name="Save evidence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(OBSERVED)
    expect(page.get_by_role("main")).to_contain_text("3-month review")  # counts towards it
    check_page(page, console_errors)

    page.goto(f"{live_server}/programmes/me")
    expect(page.get_by_text("Enough evidence for the 3-month review.")).to_be_visible()
    _timeline_row(page, "3-month review").get_by_role("link", name="3-month review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("3-month review")
    expect(page.get_by_role("link", name=OBSERVED)).to_be_visible()
    check_page(page, console_errors)
    page.get_by_label("Summary of your progress").fill(SUMMARY)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("3-month review")
    expect(_status(page)).to_have_text("Submitted")
    expect(page.get_by_role("button", name="Submit for review")).to_have_count(0)
    check_page(page, console_errors)
    _sign_out(page)

    # --- Marcus, her assessor, returns it with a comment -------------------------------------
    sign_in(page, live_server, org.line_manager.email)
    expect(page).to_have_url(f"{live_server}/")
    waiting = page.get_by_role("table", name=re.compile("^To sign off"))
    expect(waiting).to_be_visible()
    check_page(page, console_errors)
    waiting.get_by_role("link", name="3-month review for Priya Sandhu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("3-month review")
    expect(page.get_by_role("heading", name="Priya Sandhu’s summary")).to_be_visible()
    expect(page.get_by_text(SUMMARY).first).to_be_visible()
    expect(page.get_by_text("Evidence is short")).to_have_count(0)
    check_page(page, console_errors)
    page.get_by_label("What needs to change").fill(COMMENT)
    page.get_by_role("button", name="Return with comments").click()
    expect(_status(page)).to_have_text("Returned")
    expect(page.get_by_text(COMMENT)).to_be_visible()
    check_page(page, console_errors)
    _sign_out(page)

    # --- Priya reads the comment and resubmits -----------------------------------------------
    sign_in(page, live_server, org.practitioner.email)
    page.goto(f"{live_server}/programmes/me")
    expect(_timeline_row(page, "3-month review")).to_contain_text("Returned")
    _timeline_row(page, "3-month review").get_by_role("link", name="3-month review").click()
    expect(page.get_by_text(COMMENT)).to_be_visible()
    page.get_by_label("Summary of your progress").fill(RESUBMITTED)
    page.get_by_role("button", name="Submit for review").click()
    expect(_status(page)).to_have_text("Submitted")
    check_page(page, console_errors)
    _sign_out(page)

    # --- Marcus signs it off: the evidence is complete, so no short-evidence reason ----------
    sign_in(page, live_server, org.line_manager.email)
    page.get_by_role("table", name=re.compile("^To sign off")).get_by_role(
        "link", name="3-month review for Priya Sandhu"
    ).click()
    expect(page.get_by_label("Why sign off with evidence short of the minimum?")).to_have_count(0)
    page.get_by_label("Comment (optional)").fill("A good first quarter.")
    page.get_by_role("button", name="Sign off", exact=True).click()
    expect(_status(page)).to_have_text("Signed off")
    expect(page.get_by_text("locked")).to_be_visible()
    check_page(page, console_errors)
    _sign_out(page)

    # --- The WFLD admin sees it on the cohort dashboard and downloads the record -------------
    sign_in(page, live_server, org.wfld_admin.email)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Programmes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cohorts")
    check_page(page, console_errors)
    page.get_by_role("link", name=f"Dashboard for {INTAKE}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(INTAKE)
    chart = page.get_by_role("table", name="The chart as a table")
    signed_off = chart.get_by_role("row", name=re.compile(r"^3-month review"))
    expect(signed_off.get_by_role("cell").nth(0)).to_have_text("1")  # signed off
    members = page.get_by_role("table", name=re.compile("member"))
    expect(members.get_by_role("row", name=re.compile("Priya Sandhu"))).to_contain_text(
        "6-month review"
    )
    check_page(page, console_errors)

    members.get_by_role("link", name="Priya Sandhu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Priya Sandhu")
    expect(_timeline_row(page, "3-month review")).to_contain_text("Signed off")
    check_page(page, console_errors)
    page.get_by_role("button", name="Download the progress record (PDF)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your downloads")
    check_page(page, console_errors)
    title = "Progress record: Priya Sandhu, ASYE child and family (PDF)"
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Download {title}").click()
    download = download_info.value
    assert download.suggested_filename.startswith("progress-record-")
    with open(download.path(), "rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "Name Priya Sandhu" in text
    # The review points' table: the 3-month review, its due date, signed off.
    assert f"3-month review {_long(under_way.due_3m)} Signed off" in text
    # Its history: the assessor's comment when he returned it, then his sign-off.
    assert f"Returned with comments by Marcus Lindqvist, {_long(under_way.today)}" in text
    assert COMMENT in text
    assert "Signed off by Marcus Lindqvist" in text
