"""The progress record: built from the database as data, printed as an A4 PDF with a running
header and page numbers, asked for as a background job by anyone who may see the enrolment."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pypdf
import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.helpers import QueryCounter, csrf_token, sign_in
from tests.programmes.builders import asye_document, make_cohort, make_enrolment
from tests.programmes.portfolio_data import (
    NOW,
    Act,
    act,
    add_outcome,
    add_piece,
    add_sessions,
)
from wfld.core import clock
from wfld.core.jobs_models import Job, JobState
from wfld.extensions import db
from wfld.frameworks import queries as framework_queries
from wfld.frameworks.seeding import load_reference_frameworks
from wfld.programmes import record, services
from wfld.programmes.models import Enrolment, TemplateStatus
from wfld.programmes.rules import EvidenceKind, MilestoneAction, MilestoneState, ProgrammeKind

FRAMEWORKS = Path(__file__).resolve().parents[2] / "seeds" / "reference" / "frameworks"
START = dt.date(2026, 9, 1)
RETURN_COMMENT = "Please add a direct observation before I sign this off."
SIGN_COMMENT = "A thoughtful review: the observation shows real progress."
SHORT_REASON = "Second observation cancelled by the family; rebooked for December."
OBSERVATION = "Home visit with a family of four"


@pytest.fixture(autouse=True)
def frozen():  # noqa: ANN201
    clock.freeze(NOW)
    yield NOW
    clock.freeze(None)


def kss_template(tmp_path: Path):  # noqa: ANN201
    """The reference ASYE assessing against the practitioner KSS (loaded alone: quick)."""
    shutil.copy(FRAMEWORKS / "kss-practitioner.yaml", tmp_path / "kss-practitioner.yaml")
    load_reference_frameworks(tmp_path, now=NOW)
    framework = framework_queries.find_framework_by_code("KSS-CF-PRACTITIONER")
    version = framework.versions[-1]
    template = services.add_template_version(
        code="asye-child-family",
        name="ASYE child and family",
        kind=ProgrammeKind.ASYE,
        document=asye_document(),
        status=TemplateStatus.PUBLISHED,
        framework_versions=[version],
        actor=None,
        now=NOW,
    )
    return template, {item.code: item for item in version.items}


def full_portfolio(app: Flask, org, tmp_path: Path) -> int:  # noqa: ANN001
    """Priya's year: assessed by Quinn, managed by Marcus; every kind of evidence, a review
    returned and signed off short, the final one countersigned, 20 supervisions, a pass."""
    with app.app_context():
        template, items = kss_template(tmp_path)
        enrolment = make_enrolment(
            org.practitioner.staff_id,
            assessor_id=org.other_practitioner.staff_id,
            cohort=make_cohort(template, intake="ASYE September 2026"),
            start=START,
        )
        add_piece(
            enrolment,
            EvidenceKind.DIRECT_OBSERVATION,
            OBSERVATION,
            dt.date(2026, 11, 10),
            items=[items["1"], items["6"]],
            setting="Family home",
            observer="Assessor",
        )
        for n, kind in enumerate(EvidenceKind):
            add_piece(
                enrolment, kind, f"{kind.label} number {n}", dt.date(2027, 2, 1), items=[items["7"]]
            )
        assessor, person = org.other_practitioner.user_id, org.practitioner.user_id
        manager = org.line_manager.user_id

        def at(day: str) -> dt.datetime:
            return dt.datetime.fromisoformat(f"{day}T10:00:00+00:00")

        act(
            enrolment,
            [
                Act("agreement", MilestoneAction.SUBMIT, person, at("2026-09-20")),
                Act("agreement", MilestoneAction.SIGN_OFF, assessor, at("2026-09-25")),
                Act("3m", MilestoneAction.SUBMIT, person, at("2026-11-20")),
                Act("3m", MilestoneAction.RETURN, assessor, at("2026-11-22"), RETURN_COMMENT),
                Act("3m", MilestoneAction.SUBMIT, person, at("2026-11-25")),
                Act(
                    "3m",
                    MilestoneAction.SIGN_OFF,
                    assessor,
                    at("2026-11-28"),
                    SIGN_COMMENT,
                    SHORT_REASON,
                ),
                Act("final", MilestoneAction.SUBMIT, person, at("2027-08-20")),
                Act("final", MilestoneAction.SIGN_OFF, assessor, at("2027-08-27")),
                Act("final", MilestoneAction.COUNTERSIGN, manager, at("2027-08-30")),
            ],
        )
        add_sessions(
            org.practitioner.staff_id,
            org.line_manager.staff_id,
            [START + dt.timedelta(weeks=w) for w in range(20)],
        )
        add_sessions(org.practitioner.staff_id, org.line_manager.staff_id, [START], minutes=45)
        add_outcome(enrolment, by_user_id=assessor, day=dt.date(2027, 9, 2))
        db.session.commit()
        return enrolment.id


def ask_for(client: FlaskClient, path: str) -> TestResponse:
    """POST the button's form; when it leads to "Your downloads", the newest download."""
    asked = client.post(path, data={"csrf_token": csrf_token(client, "/downloads")})
    if asked.status_code != 302 or not asked.headers["Location"].endswith("/downloads"):
        return asked
    listing = BeautifulSoup(client.get("/downloads").data, "html.parser")
    link = listing.select_one("table tbody tr a[href^='/downloads/']")
    assert link is not None, "the newest download is ready"
    return client.get(link["href"])


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_the_record_holds_dates_sign_offs_evidence_supervision_coverage_and_outcome(
    app, org, tmp_path
):
    enrolment_id = full_portfolio(app, org, tmp_path)
    with app.app_context():
        built = record.build_record(enrolment_id, today=NOW.date())
    assert (built.person, built.assessor, built.line_manager) == (
        "Priya Sandhu",
        "Quinn Abara",
        "Marcus Lindqvist",
    )
    assert built.cohort == "ASYE September 2026"
    assert built.programme == "ASYE child and family (version 1)"
    points = {p.key: p for p in built.review_points}
    assert points["3m"].due_on == dt.date(2026, 12, 1)
    assert points["final"].due_on == dt.date(2027, 9, 1)
    assert points["3m"].state is MilestoneState.SIGNED_OFF
    assert [(e.action, e.who) for e in points["3m"].log] == [
        (MilestoneAction.SUBMIT, "Priya Sandhu"),
        (MilestoneAction.RETURN, "Quinn Abara"),
        (MilestoneAction.SUBMIT, "Priya Sandhu"),
        (MilestoneAction.SIGN_OFF, "Quinn Abara"),
    ]
    assert points["3m"].log[1].comment == RETURN_COMMENT
    assert points["3m"].log[3].short_reason == SHORT_REASON
    assert points["final"].complete and points["final"].state is MilestoneState.COUNTERSIGNED
    assert not points["6m"].complete
    # 1 observation by the 3-month review; 7 more pieces counted towards the 6-month one.
    assert (points["3m"].evidence_count, points["6m"].evidence_count) == (1, 7)
    observations = {g.kind: g for g in built.evidence}[EvidenceKind.DIRECT_OBSERVATION]
    assert (len(observations.lines), observations.needed, observations.met) == (2, 3, False)
    assert observations.lines[0].items == ("KSS-CF-PRACTITIONER 1", "KSS-CF-PRACTITIONER 6")
    # 21 sessions: the 45-minute one does not count towards the cadence.
    assert (built.supervision.sessions, built.supervision.counted) == (21, 20)
    assert built.supervision.gaps  # nothing after week 20: monthly sessions were missed
    rows = {row.code: row for row in built.coverage.rows}
    assert len(rows) == 10
    assert rows["7"].total == 7 and rows["1"].total == 1 and rows["2"].total == 0
    assert built.outcome.recommendation == "Pass"
    assert built.outcome.decision == "Confirmed"


def test_the_person_asks_for_their_record_and_gets_a_pdf_with_header_and_page_numbers(
    app, client, org, tmp_path
):
    enrolment_id = full_portfolio(app, org, tmp_path)
    sign_in(client, org.practitioner.email)
    response = ask_for(client, f"/programmes/enrolments/{enrolment_id}/record.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    pages = pdf_pages(response.data)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        # The running header and "Page X of Y" on every page.
        assert "Priya Sandhu · ASYE child and family (version 1) · ASYE September 2026" in text
        assert "Assessor: Quinn Abara" in text
        assert f"Page {number} of {len(pages)}" in text
    whole = " ".join(" ".join(pages).split())
    for expected in (
        "Progress record",
        "3-month review",
        "Final review",
        "Countersigned",
        RETURN_COMMENT,
        SIGN_COMMENT,
        SHORT_REASON,
        OBSERVATION,
        "Direct observation: 2 of 3 needed",
        "21 sessions since the start",
        "Relationships and effective direct work",
        "Pass",
        "Confirmed",
    ):
        assert expected in whole, expected
    with app.app_context():
        job = db.session.scalars(db.select(Job)).one()
        assert job.kind == "programmes.record_pdf"
        assert job.state is JobState.DONE
        assert job.title == "Progress record: Priya Sandhu, ASYE child and family (PDF)"
        assert (job.progress_done, job.progress_total) == (3, 3)


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("practitioner", True),  # the person
        ("other_practitioner", True),  # their assessor
        ("line_manager", True),
        ("wfld_admin", True),
        ("system_admin", False),  # nothing to do with them: not found
    ],
)
def test_who_may_have_the_record(app, client, org, tmp_path, persona, allowed):
    enrolment_id = full_portfolio(app, org, tmp_path)
    sign_in(client, getattr(org, persona).email)
    token = csrf_token(client, "/downloads")
    asked = client.post(
        f"/programmes/enrolments/{enrolment_id}/record.pdf", data={"csrf_token": token}
    )
    assert asked.status_code == (302 if allowed else 404)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Job)) == int(allowed)


def test_no_such_enrolment_is_not_found(app, client, org):
    sign_in(client, org.wfld_admin.email)
    token = csrf_token(client, "/downloads")
    missing = client.post("/programmes/enrolments/999/record.pdf", data={"csrf_token": token})
    assert missing.status_code == 404


def test_signed_out_is_sent_to_sign_in(app, client, org, tmp_path):
    enrolment_id = full_portfolio(app, org, tmp_path)
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post(f"/programmes/enrolments/{enrolment_id}/record.pdf")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_text_typed_by_users_is_printed_not_run(app, client, org, tmp_path):
    enrolment_id = full_portfolio(app, org, tmp_path)
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        add_piece(
            enrolment,
            EvidenceKind.WRITTEN_WORK,
            "<img src='http://example.com/x.png'> Court statement",
            dt.date(2027, 5, 1),
        )
        db.session.commit()
    sign_in(client, org.practitioner.email)
    response = ask_for(client, f"/programmes/enrolments/{enrolment_id}/record.pdf")
    assert response.status_code == 200
    printed = " ".join(" ".join(pdf_pages(response.data)).split())
    assert "<img src='http://example.com/x.png'> Court statement" in printed


def test_the_record_is_read_in_the_same_statements_however_much_evidence(app, org, tmp_path):
    """The bundle builds one record per member: its reads must not grow with the portfolio."""
    enrolment_id = full_portfolio(app, org, tmp_path)

    def statements() -> int:
        with app.app_context(), QueryCounter(app) as counter:
            record.build_record(enrolment_id, today=NOW.date())
        return counter.count

    before = statements()
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        items = list(enrolment.template.framework_versions[0].items)
        for n in range(30):
            add_piece(
                enrolment,
                EvidenceKind.FEEDBACK_PROFESSIONAL,
                f"Feedback {n}",
                dt.date(2027, 4, 1) + dt.timedelta(days=n),
                items=items[: 1 + n % 3],
            )
        db.session.commit()
    assert statements() == before
