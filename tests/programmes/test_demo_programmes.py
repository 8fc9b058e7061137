"""The demo council's programmes: `seed demo` loads the reference templates and the demo
cohorts, and loading twice changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from wfld.accounts.models import AuditEvent
from wfld.extensions import db
from wfld.organisation import queries as org_queries
from wfld.programmes import queries
from wfld.programmes.models import (
    AssessorCapacity,
    Cohort,
    Enrolment,
    Evidence,
    MilestoneEvent,
    ProgrammeTemplate,
)
from wfld.programmes.rules import MilestoneState

COUNTED = (ProgrammeTemplate, Cohort, Enrolment, Evidence, MilestoneEvent, AssessorCapacity)


def _counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (*COUNTED, AuditEvent)
    }


def test_seed_demo_twice_changes_nothing_and_leaves_the_nqsw_at_her_3_month_review(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    assert "Demo programmes: " in first.output
    assert "assessor" in first.output  # the assessor persona's sign-in is listed
    with app.app_context():
        counts = _counts()
        assert counts["ProgrammeTemplate"] == 8
        assert counts["Cohort"] == 3
        folake = org_queries.find_staff_by_email("folake.eze@northbrook.gov.example")
        hannah = org_queries.find_staff_by_employee_number("E19534")
        cohort = queries.find_cohort_by_intake("ASYE September 2026")
        assert cohort.template.code == "asye-child-family"
        enrolment = queries.find_enrolment_of(cohort.id, folake.id)
        assert enrolment.assessor_id == hannah.id
        assert enrolment.line_manager_id != hannah.id
        states = {m.key: m.state for m in enrolment.milestones}
        assert states["agreement"] is MilestoneState.SIGNED_OFF
        assert states["3m"] is MilestoneState.NOT_STARTED
        members = db.session.scalar(select(func.count()).where(Enrolment.cohort_id == cohort.id))
        assert 3 <= members <= 4
        capacity = db.session.get(AssessorCapacity, hannah.id)
        assert capacity is not None and capacity.capacity >= queries.count_assessing(hannah.id)
        kinds = {c.template.kind.value for c in db.session.scalars(select(Cohort))}
        assert kinds == {"asye", "step_up", "apprenticeship"}

    second = runner.invoke(args=["seed", "demo"])
    assert second.exit_code == 0, second.output
    assert "Demo programmes: nothing new." in second.output
    with app.app_context():
        assert _counts() == counts
