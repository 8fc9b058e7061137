"""The cohort bundle for the moderation panel: one progress record PDF per member and an index
(PDF and CSV) in a ZIP, made by a background job (run in the request in the tests' immediate
mode) that reports its progress member by member."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from flask import Flask

from tests.factories import make_staff
from tests.helpers import csrf_token, sign_in
from tests.programmes.builders import make_cohort, make_enrolment
from tests.programmes.portfolio_data import NOW, Act, act, add_outcome, add_piece
from tests.programmes.test_record_pdf import ask_for, pdf_pages
from wfld.core import clock
from wfld.core.jobs_models import Job, JobState
from wfld.extensions import db
from wfld.organisation.models import JobRole, StaffMember, Team
from wfld.programmes import jobs as programme_jobs
from wfld.programmes.rules import EvidenceKind, MilestoneAction

INTAKE = "ASYE September 2026"


@pytest.fixture(autouse=True)
def frozen():  # noqa: ANN201
    clock.freeze(NOW)
    yield NOW
    clock.freeze(None)


def cohort_of_three(app: Flask, org, *, coordinator_id: int | None = None) -> int:  # noqa: ANN001
    """Priya (a pass, signed-off agreement), Zara and Abe (nothing yet), all assessed by
    Marcus; Zara and Abe are new social workers in Priya's team."""
    with app.app_context():
        cohort = make_cohort(intake=INTAKE)
        cohort.coordinator_id = coordinator_id
        practitioner = db.session.get(StaffMember, org.practitioner.staff_id)
        team = db.session.get(Team, org.team_a)
        role = db.session.get(JobRole, org.role_social_worker)
        others = [
            make_staff(first, last, team=team, role=role, manager=practitioner.line_manager)
            for first, last in (("Zara", "Quayle"), ("Abe", "Abbott"))
        ]
        enrolment = make_enrolment(
            org.practitioner.staff_id, assessor_id=org.line_manager.staff_id, cohort=cohort
        )
        for staff in others:
            make_enrolment(staff.id, assessor_id=org.line_manager.staff_id, cohort=cohort)
        add_piece(enrolment, EvidenceKind.DEVELOPMENT_PLAN, "Initial PDP", dt.date(2026, 9, 10))
        at = dt.datetime(2026, 9, 20, 10, tzinfo=dt.UTC)
        act(
            enrolment,
            [
                Act("agreement", MilestoneAction.SUBMIT, org.practitioner.user_id, at),
                Act("agreement", MilestoneAction.SIGN_OFF, org.line_manager.user_id, at),
            ],
        )
        add_outcome(enrolment, by_user_id=org.line_manager.user_id, day=dt.date(2027, 9, 2))
        db.session.commit()
        return cohort.id


def test_the_bundle_holds_a_record_per_member_and_an_index(app, client, org):
    cohort_id = cohort_of_three(app, org)
    sign_in(client, org.wfld_admin.email)
    response = ask_for(client, f"/programmes/cohorts/{cohort_id}/bundle")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    bundle = zipfile.ZipFile(io.BytesIO(response.data))
    # Members by surname, each numbered, after the index.
    assert bundle.namelist() == [
        "001-abe-abbott.pdf",
        "002-zara-quayle.pdf",
        "003-priya-sandhu.pdf",
        "000-index.pdf",
        "000-index.csv",
    ]
    for name, person in (
        ("001-abe-abbott.pdf", "Abe Abbott"),
        ("002-zara-quayle.pdf", "Zara Quayle"),
        ("003-priya-sandhu.pdf", "Priya Sandhu"),
    ):
        first_page = pdf_pages(bundle.read(name))[0]
        assert f"{person} · ASYE child and family (version 1) · {INTAKE}" in first_page
        assert "Assessor: Marcus Lindqvist" in first_page
    index = list(csv.DictReader(io.StringIO(bundle.read("000-index.csv").decode())))
    assert [row["Name"] for row in index] == ["Abe Abbott", "Zara Quayle", "Priya Sandhu"]
    priya = index[2]
    assert priya["File"] == "003-priya-sandhu.pdf"
    assert priya["Review points complete"] == "1 of 6"
    assert priya["Pieces of evidence"] == "1"
    assert priya["Recommendation"] == "Pass"
    assert priya["Panel decision"] == "Confirmed"
    assert index[0]["Recommendation"] == ""
    index_text = " ".join(pdf_pages(bundle.read("000-index.pdf")))
    assert f"Moderation bundle: {INTAKE}" in index_text
    assert "003-priya-sandhu.pdf" in index_text
    with app.app_context():
        job = db.session.scalars(db.select(Job)).one()
        assert job.kind == programme_jobs.COHORT_BUNDLE
        assert job.state is JobState.DONE
        assert job.title == f"Moderation bundle: {INTAKE} (ZIP)"
        assert job.result_filename == "moderation-bundle-asye-september-2026.zip"
        # Progress: one step per member, the index, the ZIP.
        assert (job.progress_done, job.progress_total) == (5, 5)


def test_progress_is_reported_member_by_member(app, client, org, monkeypatch):
    cohort_id = cohort_of_three(app, org)
    seen: list[tuple[int, int, str]] = []
    step = programme_jobs.JobRun.step

    def recording(run, done, total, label):  # noqa: ANN001, ANN202
        seen.append((done, total, label))
        return step(run, done, total, label)

    monkeypatch.setattr(programme_jobs.JobRun, "step", recording)
    sign_in(client, org.wfld_admin.email)
    token = csrf_token(client, "/downloads")
    asked = client.post(f"/programmes/cohorts/{cohort_id}/bundle", data={"csrf_token": token})
    assert asked.status_code == 302
    assert seen == [
        (0, 5, "Making Abe Abbott's record (1 of 3)"),
        (1, 5, "Making Zara Quayle's record (2 of 3)"),
        (2, 5, "Making Priya Sandhu's record (3 of 3)"),
        (3, 5, "Making the index"),
        (4, 5, "Saving the bundle"),
    ]


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("wfld_admin", True),
        ("line_manager", True),  # the cohort's coordinator
        ("senior_manager", False),
        ("practitioner", False),  # a member sees their own record, not the cohort's
    ],
)
def test_who_may_have_the_bundle(app, client, org, persona, allowed):
    cohort_id = cohort_of_three(app, org, coordinator_id=org.line_manager.staff_id)
    sign_in(client, getattr(org, persona).email)
    token = csrf_token(client, "/downloads")
    asked = client.post(f"/programmes/cohorts/{cohort_id}/bundle", data={"csrf_token": token})
    assert asked.status_code == (302 if allowed else 404)


def test_no_such_cohort_is_not_found(app, client, org):
    sign_in(client, org.wfld_admin.email)
    token = csrf_token(client, "/downloads")
    assert client.post(
        "/programmes/cohorts/999/bundle", data={"csrf_token": token}
    ).status_code == (404)
