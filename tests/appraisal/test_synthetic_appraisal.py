"""The synthetic council's appraisals (`flask seed synthetic`, small): this year's cycle with
its priorities, a conversation for people with a line manager in a mix of stages, every signed
one with its snapshot and its development plan, and team plans; the benchmark's ids point
where its scenarios say (record 1 is the practitioner persona's, signed). Same seed, same
conversations."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections import Counter

import pytest
from sqlalchemy import func, select

from wfld.appraisal import queries
from wfld.appraisal.models import (
    Appraisal,
    AppraisalCycle,
    AppraisalEvent,
    DevelopmentAction,
    DevelopmentNeed,
    DevelopmentPlan,
    Objective,
    TeamNeed,
    TeamPlan,
)
from wfld.appraisal.record import snapshot_of
from wfld.appraisal.rules import EventKind, Stage, Status, cycle_errors, status_of
from wfld.appraisal.synthetic import (
    _Activity,
    _Item,
    cycle_dates,
    plan_conversations,
)
from wfld.extensions import db
from wfld.organisation.models import StaffMember
from wfld.organisation.synthetic import AREAS, _people
from wfld.synthetic import PERSONAS

STAFF = 200


def _count(model, *where) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.committed  # the load runs VACUUM on a connection of its own
def test_the_synthetic_appraisals_are_what_the_services_would_make(app):
    result = app.test_cli_runner().invoke(args=["seed", "synthetic", "--staff", str(STAFF)])
    assert result.exit_code == 0, result.output
    assert "appraisals" in result.output
    today = dt.date.today()
    with app.app_context():
        cycle = queries.current_cycle(today)
        assert cycle is not None and _count(AppraisalCycle) == 1
        assert cycle.starts_on.month == 4 and cycle.ends_on.month == 3
        assert cycle.name == f"{cycle.starts_on.year}/{(cycle.starts_on.year + 1) % 100:02d}"
        assert len(cycle.priorities) >= 3
        assert cycle.due_by >= today, "the window is still open: stages, not all overdue"

        appraisals = db.session.scalars(select(Appraisal).order_by(Appraisal.id)).all()
        staff = {s.id: s for s in db.session.scalars(select(StaffMember))}
        stages = Counter(a.stage for a in appraisals)
        with_manager = [
            s
            for s in staff.values()
            if s.line_manager_id and (s.leaving_date is None or s.leaving_date > today)
        ]
        # The mix: some with no record yet, and every stage.
        assert set(stages) == set(Stage)
        assert 0 < len(with_manager) - len(appraisals) < len(with_manager) * 0.3
        assert stages[Stage.SIGNED] > len(appraisals) * 0.35
        assert {status_of(a.stage, due_by=cycle.due_by, today=today) for a in appraisals} >= {
            Status.PREPARED,
            Status.HELD,
            Status.SIGNED,
        }

        for appraisal in appraisals:
            person = staff[appraisal.staff_id]
            assert appraisal.cycle_id == cycle.id
            assert appraisal.appraiser_id == person.line_manager_id != appraisal.staff_id
            assert appraisal.countersigner_id == staff[appraisal.appraiser_id].line_manager_id
            events = queries.list_events(appraisal.id)
            assert events[0].kind is EventKind.CREATED
            assert [e.at for e in events] == sorted(e.at for e in events)
            assert all(e.at.date() <= today for e in events)
            held = appraisal.stage in (Stage.HELD, Stage.SIGNED)
            assert (appraisal.held_on is not None) == held
            assert bool(appraisal.needs) == held and bool(appraisal.objectives) == held
            if held:
                assert appraisal.held_on <= today
                assert 1 <= len(appraisal.needs) <= 3 and 1 <= len(appraisal.objectives) <= 2
            for need in appraisal.needs:
                assert need.activity_id is not None or need.framework_items
                assert need.target_date >= appraisal.held_on
            for objective in appraisal.objectives:
                assert objective.target_date >= appraisal.held_on
            signed = appraisal.stage is Stage.SIGNED
            assert appraisal.signatures.both == signed
            plan = queries.find_plan_for(appraisal.staff_id, cycle.id)
            assert (plan is not None) == signed
            if not signed:
                continue
            # The plan, as apply_to_plan makes it: an action per need.
            actions = queries.list_actions(plan.id)
            assert plan.appraisal_id == appraisal.id
            assert sorted(a.need_id for a in actions) == sorted(n.id for n in appraisal.needs)
            for action in actions:
                need = next(n for n in appraisal.needs if n.id == action.need_id)
                assert action.staff_id == appraisal.staff_id
                assert (action.title, action.activity_id) == (need.description, need.activity_id)
                assert action.booking_id is None
                assert {i.id for i in action.framework_items} == {
                    i.id for i in need.framework_items
                }
            # The last signature keeps the record as signed, in snapshot_of's shape.
            last = [e for e in events if e.snapshot]
            assert last and last[-1].kind is EventKind.APPRAISER_SIGNED
            assert last[-1].record_version == appraisal.record_version
            assert set(last[-1].snapshot) == set(snapshot_of(appraisal))
            assert last[-1].snapshot["person"] == f"{person.first_name} {person.last_name}"
            assert len(last[-1].snapshot["needs"]) == len(appraisal.needs)

        assert _count(DevelopmentPlan) == stages[Stage.SIGNED]
        assert _count(DevelopmentAction) == _count(
            DevelopmentNeed,
            DevelopmentNeed.appraisal_id.in_(
                select(Appraisal.id).where(Appraisal.stage == Stage.SIGNED)
            ),
        )
        states = Counter(db.session.scalars(select(DevelopmentAction.state)))
        assert len(states) >= 3, states
        linked = _count(Objective, Objective.priority_id.is_not(None))
        assert linked > _count(Objective) * 0.6, "most objectives serve a priority"

        # The personas: the practitioner's record is the first, signed, with a plan.
        practitioner = next(s for s in staff.values() if s.work_email == PERSONAS["practitioner"])
        first = db.session.get(Appraisal, 1)
        assert first.staff_id == practitioner.id and first.stage is Stage.SIGNED
        assert queries.find_plan_for(practitioner.id, cycle.id).actions
        manager = next(s for s in staff.values() if s.work_email == PERSONAS["line_manager"])
        reports = queries.list_direct_reports_with_appraisals(manager.id, cycle.id, today=today)
        assert any(a is not None for _, a in reports)
        team_plan = queries.find_team_plan_for(manager.team_id, cycle.id)
        assert team_plan is not None and team_plan.author_id == manager.id
        assert 2 <= len(team_plan.needs) <= 4
        plans = db.session.scalars(select(TeamPlan)).all()
        teams = {s.team_id for s in staff.values()}
        assert 1 <= len(plans) < len(teams)
        for plan in plans:
            assert 1 <= len(plan.needs) <= 4
        assert (
            _count(TeamNeed, TeamNeed.activity_id.is_(None), TeamNeed.framework_item_id.is_(None))
            == 0
        )
        assert _count(AppraisalEvent) > len(appraisals)


def _council(seed: int) -> list:
    people = _people(
        random.Random(f"{seed}:organisation"),
        dt.date(2026, 11, 23),
        staff=300,
        areas=AREAS[:2],
        team_area=[None, None] + [k % 2 for k in range(6)],
        personas=PERSONAS,
        domain="synthetic.example",
    )
    for person in people:
        person.id = person.user_id = person.n
    return people


def _decided(seed: int) -> list:
    today = dt.date(2026, 11, 23)
    items = {
        "PCF": [_Item(k, f"{k} Item {k}", "PCF") for k in range(1, 10)],
        "COUNCIL-CORE": [_Item(k, f"{k} Item {k}", "COUNCIL-CORE") for k in range(10, 15)],
    }
    activities = [_Activity(100 + k, f"Course {k}", (items["PCF"][k],)) for k in range(5)]
    conversations = plan_conversations(
        random.Random(f"{seed}:appraisal"),
        _council(seed),
        today=today,
        dates=cycle_dates(today),
        items_by_framework=items,
        activities=activities,
        priority_ids=[1, 2, 3],
    )
    return [
        (
            c.person.n,
            c.appraiser.n,
            c.stage,
            c.days,
            c.person_signed,
            c.appraiser_signed,
            c.reopened,
            [dataclasses.astuple(n) for n in c.needs],
            c.objectives,
            c.texts,
        )
        for c in conversations
    ]


def test_same_seed_same_conversations():
    assert _decided(42) == _decided(42)
    assert _decided(42) != _decided(43)


def test_the_cycle_is_the_april_to_march_year_with_the_window_open_past_today():
    dates = cycle_dates(dt.date(2026, 12, 3))
    assert (dates["starts_on"], dates["ends_on"]) == (dt.date(2026, 4, 1), dt.date(2027, 3, 31))
    assert dates["due_from"] == dates["starts_on"] < dt.date(2026, 12, 3) < dates["due_by"]
    assert dates["due_by"] < dates["mid_year_from"] <= dates["mid_year_by"] <= dates["ends_on"]
    # Early in the year the window still runs at least three months.
    early = cycle_dates(dt.date(2027, 1, 10))
    assert early["starts_on"] == dt.date(2026, 4, 1)
    assert cycle_dates(dt.date(2026, 4, 2))["due_by"] == dt.date(2026, 6, 30)
    late = cycle_dates(dt.date(2027, 3, 25))
    assert late["due_by"] == late["ends_on"] and late["mid_year_from"] is None
    for day in (
        dt.date(2026, 4, 2),
        dt.date(2026, 12, 3),
        dt.date(2027, 1, 10),
        dt.date(2027, 3, 25),
    ):
        assert cycle_errors(name="2026/27", **cycle_dates(day)) == {}, day
