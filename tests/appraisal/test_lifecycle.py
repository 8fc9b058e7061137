"""The conversation's life through the services: open, prepare, record, needs and objectives,
both signatures lock it and make the plan, a new version, and the bad input the issue names."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.appraisal.builders import (
    NOW,
    TODAY,
    add_need,
    add_objective,
    held,
    make_cycle,
    open_for,
    prepared,
    sign_both,
)
from tests.catalogue.builders import make_activity
from wfld.appraisal import queries, services, signing
from wfld.appraisal.models import AppraisalEvent
from wfld.appraisal.rules import ActionState, EventKind, Stage
from wfld.core.errors_domain import RuleBroken
from wfld.extensions import db
from wfld.organisation.models import StaffMember


@pytest.fixture(autouse=True)
def context(app: Flask):  # noqa: ANN201
    with app.app_context():
        yield


def test_both_signatures_lock_the_record_and_make_the_plan(org) -> None:
    cycle = make_cycle()
    appraisal = held(prepared(cycle, org.practitioner.staff_id))
    assert appraisal.stage is Stage.HELD
    court = make_activity("Court Skills")
    add_need(appraisal, "Court skills", activity=court)
    add_need(appraisal, "Chairing meetings", activity=make_activity("Chairing Meetings"))
    add_objective(appraisal)
    sign_both(appraisal)
    db.session.commit()
    assert appraisal.stage is Stage.SIGNED
    plan = queries.find_plan_for(org.practitioner.staff_id, cycle.id)
    actions = queries.list_actions(plan.id)
    assert [a.title for a in actions] == ["Court skills", "Chairing meetings"]
    assert {a.state for a in actions} == {ActionState.PLANNED}
    kinds = [e.kind for e in queries.list_events(appraisal.id)]
    assert kinds[-1] is EventKind.APPRAISER_SIGNED
    signed = db.session.scalars(
        db.select(AppraisalEvent).where(AppraisalEvent.kind == EventKind.APPRAISER_SIGNED)
    ).one()
    assert signed.snapshot["needs"][0]["activity"] == "Court Skills"
    with pytest.raises(RuleBroken, match="signed by both"):
        add_need(appraisal, "Another")


def test_a_new_version_keeps_the_signed_one_and_updates_the_plan(org) -> None:
    cycle = make_cycle()
    appraisal = held(prepared(cycle, org.practitioner.staff_id))
    add_need(appraisal, "Court skills", activity=make_activity("Court Skills"))
    sign_both(appraisal)
    signing.start_new_version(
        appraisal=appraisal,
        reason="Target date agreed later",
        expected_version=None,
        actor=None,
        now=NOW,
    )
    assert appraisal.record_version == 2 and appraisal.stage is Stage.HELD
    add_need(appraisal, "Supervising students", activity=make_activity("Practice Educator"))
    sign_both(appraisal)
    db.session.commit()
    plan = queries.find_plan_for(org.practitioner.staff_id, cycle.id)
    assert len(queries.list_actions(plan.id)) == 2
    snapshots = [e.snapshot for e in queries.list_events(appraisal.id) if e.snapshot]
    assert [s["record_version"] for s in snapshots] == [1, 2]
    assert len(snapshots[0]["needs"]) == 1


def test_bad_input(org) -> None:
    cycle = make_cycle()
    appraisal = held(prepared(cycle, org.practitioner.staff_id))
    with pytest.raises(RuleBroken) as broken:
        add_objective(appraisal, target_date=TODAY.replace(year=2025))
    assert broken.value.errors == {"target_date": "Target date must be today or in the future"}
    me = db.session.get(StaffMember, org.practitioner.staff_id)
    other = db.session.get(StaffMember, org.other_practitioner.staff_id)
    with pytest.raises(RuleBroken, match="not one of your reports"):
        services.open_appraisal(
            cycle=cycle,
            staff=other,
            actor=None,
            opened_by=db.session.get(StaffMember, org.line_manager.staff_id),
            now=NOW,
        )
    with pytest.raises(RuleBroken, match="someone other than"):
        services.set_appraiser(cycle=cycle, staff=me, appraiser=me, actor=None, now=NOW)
    assert open_for(cycle, org.practitioner.staff_id).id == appraisal.id
