"""The demo council's appraisal year: `seed demo` loads the 2026/27 cycle, the practitioner's
prepared conversation and his team's recorded and signed ones; loading twice changes nothing.

The clock is frozen at 23 November 2026 (tests.factories.NOW), after the demo's meetings."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.factories import NOW
from wfld.accounts.models import AuditEvent
from wfld.appraisal import queries
from wfld.appraisal.models import (
    Appraisal,
    AppraisalCycle,
    AppraisalEvent,
    DevelopmentAction,
    DevelopmentNeed,
    DevelopmentPlan,
    Objective,
    StrategyPriority,
)
from wfld.appraisal.rules import ActionState, Stage
from wfld.core import clock
from wfld.extensions import db
from wfld.organisation import queries as org_queries

COUNTED = (
    AppraisalCycle,
    StrategyPriority,
    Appraisal,
    AppraisalEvent,
    DevelopmentNeed,
    Objective,
    DevelopmentPlan,
    DevelopmentAction,
    AuditEvent,
)


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in COUNTED
    }


def test_seed_demo_twice_changes_nothing_and_leaves_the_practitioner_prepared(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    assert "Demo appraisals: 1 cycle 2026/27, 4 strategy priorities, " in first.output
    with app.app_context():
        counts = _counts()
        cycle = queries.find_cycle_by_name("2026/27")
        assert (cycle.starts_on, cycle.ends_on) == (dt.date(2026, 4, 1), dt.date(2027, 3, 31))
        assert (cycle.due_from, cycle.due_by) == (dt.date(2026, 10, 1), dt.date(2027, 1, 31))
        assert cycle.mid_year_from is None and not cycle.needs_countersignature
        assert [p.title for p in cycle.priorities][:3] == [
            "A stable, skilled and supported workforce",
            "Relationship-based practice",
            "Learning from reviews",
        ]

        rhys = org_queries.find_staff_by_email("rhys.critchley@northbrook.gov.example")
        callum = org_queries.find_staff_by_email("callum.ashworth@northbrook.gov.example")
        assert rhys.line_manager_id == callum.id
        mine = queries.find_appraisal_for(rhys.id, cycle.id)
        assert mine.stage is Stage.PREPARED
        assert mine.appraiser_id == callum.id
        assert mine.self_reflection.startswith("A busy year on duty and assessment.")
        assert mine.held_on is None and mine.prepared_at <= NOW

        # The line manager's team page has each stage to show.
        team = queries.list_direct_reports_with_appraisals(callum.id, cycle.id, today=NOW.date())
        stages = {staff.last_name: a.stage if a else None for staff, a in team}
        assert stages["Critchley"] is Stage.PREPARED
        assert stages["Yilmaz"] is Stage.HELD
        assert stages["Clarke-Bennett"] is Stage.SIGNED
        assert stages["Tran"] is Stage.SIGNED
        assert None in stages.values()  # someone not started yet

        # A signed conversation made its plan: an action per need, each still planned.
        george = org_queries.find_staff_by_employee_number("E15150")
        signed = queries.find_appraisal_for(george.id, cycle.id)
        assert signed.signatures.both and signed.held_on == dt.date(2026, 10, 21)
        assert signed.appraiser_signed_at <= NOW
        assert all(o.priority is not None for o in signed.objectives)
        plan = queries.find_plan_for(george.id, cycle.id)
        actions = queries.list_actions(plan.id)
        assert [a.activity.title for a in actions] == ["Court Skills", "Report Writing"]
        assert {a.state for a in actions} == {ActionState.PLANNED}
        trang = org_queries.find_staff_by_employee_number("E21524")
        items = [
            i.code
            for need in queries.find_appraisal_for(trang.id, cycle.id).needs
            for i in need.framework_items
        ]
        assert items == ["7"]

    second = runner.invoke(args=["seed", "demo"])
    assert second.exit_code == 0, second.output
    assert "Demo appraisals: nothing new." in second.output
    with app.app_context():
        assert _counts() == counts
