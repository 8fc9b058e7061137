"""The appraisal domain's needs provider: development plan actions not yet booked or done, and
team plans' needs, for the training-needs matrix; its tally equals the needs it counts.

The clock is frozen at 09:00 UTC on 23 November 2026. In the test organisation M line manages
P (team A, Access and Assessment); Q is in team B.
"""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import select

from tests.appraisal.builders import NOW, TODAY, make_cycle, signed_with_needs
from tests.catalogue.builders import book, make_activity, make_session
from tests.frameworks.builders import nested_doc
from wfld import needs_providers
from wfld.accounts.models import User
from wfld.appraisal import plan_view, queries, team_plans
from wfld.appraisal.models import DevelopmentAction, TeamNeedSource
from wfld.appraisal.needs import PROVIDER
from wfld.appraisal.rollup import effective_state
from wfld.appraisal.rules import ActionState
from wfld.catalogue.models import (
    Attendance,
    BookingStatus,
    Completion,
    CompletionSource,
    CompletionStatus,
)
from wfld.core import clock
from wfld.core.needs import (
    Need,
    NeedsProvider,
    Period,
    Priority,
    Source,
    State,
    Target,
    tally_of,
)
from wfld.extensions import db
from wfld.frameworks import queries as framework_queries
from wfld.frameworks import services as framework_services
from wfld.organisation.models import StaffMember, Team
from wfld.organisation.scopes import Purpose, system_scope, visible_scope

QUARTER = Period(TODAY, dt.date(2027, 2, 23))
TARGET_DATE = dt.date(2027, 3, 1)  # the builders' need target date


@pytest.fixture(autouse=True)
def context(app: Flask):  # noqa: ANN201
    clock.freeze(NOW)
    with app.app_context():
        yield
    clock.freeze(None)


def _item(code: str = "1.2"):  # noqa: ANN202
    framework_services.import_document(nested_doc("APPR-FW"), actor=None, now=NOW)
    version = framework_queries.find_framework_by_code("APPR-FW").versions[0]
    return framework_queries.find_item_by_code(version.id, code)


def _actions(staff_id: int) -> dict[str, DevelopmentAction]:
    return {
        a.title: a
        for a in db.session.scalars(
            select(DevelopmentAction).where(DevelopmentAction.staff_id == staff_id)
        )
    }


def _everyone() -> object:
    return system_scope(TODAY)


@pytest.fixture
def plan(org):  # noqa: ANN001, ANN201
    """P's signed plan: Court Skills, Chairing Meetings, Report Writing, Analysis and an action
    with only a framework item; M's team plan with one need."""
    cycle = make_cycle()
    activities = {
        title: make_activity(title)
        for title in ("Court Skills", "Chairing Meetings", "Report Writing", "Analysis")
    }
    item = _item()
    signed_with_needs(
        cycle, org.practitioner.staff_id, activities=tuple(activities.values()), items=(item,)
    )
    db.session.commit()
    return {"cycle": cycle, "item": item, **activities}


def _need(staff_id: int, target: Target, title: str) -> Need:
    return Need(
        target=target,
        title=title,
        source=Source.IDP_ACTION,
        priority=Priority.DEVELOPMENT,
        state=State.OPEN,
        needed_by=TARGET_DATE,
        staff_id=staff_id,
    )


def test_open_actions_are_needs_and_booked_done_or_dropped_ones_are_not(org, plan) -> None:
    p = org.practitioner.staff_id
    actions = _actions(p)
    # Court Skills: a place booked. Chairing: attended. Report Writing: marked done by hand.
    # Analysis: dropped. Only the item's action is left.
    book(make_session(plan["Court Skills"]), p)
    chairing = book(make_session(plan["Chairing Meetings"], days=2), p)
    chairing.attendance = Attendance.ATTENDED
    actions["Learn: Report Writing"].state = ActionState.DONE
    actions["Learn: Analysis"].state = ActionState.DROPPED
    actions["Learn: Analysis"].drop_reason = "Covered by the team's training"
    db.session.commit()
    found = PROVIDER.needs(_everyone(), QUARTER, now=NOW)
    assert found == [
        _need(p, Target(framework_item_id=plan["item"].id), "1.2 Second statement"),
    ]


def test_an_unbooked_action_is_a_need_for_its_activity(org, plan) -> None:
    p = org.practitioner.staff_id
    found = PROVIDER.needs(_everyone(), QUARTER, now=NOW)
    assert _need(p, Target(activity_id=plan["Court Skills"].id), "Court Skills") in found
    assert len(found) == 5
    # A cancelled booking gives the need back.
    booking = book(make_session(plan["Court Skills"]), p)
    db.session.commit()
    assert len(PROVIDER.needs(_everyone(), QUARTER, now=NOW)) == 4
    booking.status = BookingStatus.CANCELLED
    db.session.commit()
    assert len(PROVIDER.needs(_everyone(), QUARTER, now=NOW)) == 5


def test_only_people_in_the_scope_and_plans_of_cycles_not_ended(org, plan) -> None:
    q_scope = system_scope(
        TODAY, ids=select(StaffMember.id).where(StaffMember.id == org.other_practitioner.staff_id)
    )
    assert PROVIDER.needs(q_scope, QUARTER, now=NOW) == []
    later = Period(dt.date(2027, 4, 1), dt.date(2027, 6, 30))  # after the cycle ends
    assert PROVIDER.needs(_everyone(), later, now=NOW) == []


def test_a_team_plans_needs_belong_to_the_team(org, plan) -> None:
    team = db.session.get(Team, org.team_a)
    manager = db.session.get(User, org.line_manager.user_id)
    team_plan = team_plans.start_team_plan(team=team, cycle=plan["cycle"], actor=manager, now=NOW)
    team_plans.save_team_need(
        plan=team_plan,
        need=None,
        details=team_plans.TeamNeedDetails(
            description="Everyone refreshes court work after the new practice direction",
            source=TeamNeedSource.LAW,
            activity=None,
            framework_item=plan["item"],
            people=4,
            needed_by=dt.date(2027, 1, 31),
        ),
        expected_version=None,
        actor=manager,
        now=NOW,
        today=TODAY,
    )
    db.session.commit()
    p_only = visible_scope(db.session.get(User, org.practitioner.user_id), TODAY, Purpose.SELF)
    team_needs = [
        n for n in PROVIDER.needs(p_only, QUARTER, now=NOW) if n.source is Source.TEAM_PLAN
    ]
    assert team_needs == [
        Need(
            target=Target(framework_item_id=plan["item"].id),
            title="1.2 Second statement",
            source=Source.TEAM_PLAN,
            priority=Priority.DEVELOPMENT,
            state=State.OPEN,
            needed_by=dt.date(2027, 1, 31),
            team_id=org.team_a,
        )
    ]
    # Team B's people have no team plan.
    q_scope = system_scope(
        TODAY, ids=select(StaffMember.id).where(StaffMember.id == org.other_practitioner.staff_id)
    )
    assert PROVIDER.needs(q_scope, QUARTER, now=NOW) == []


@pytest.mark.parametrize("who", ["practitioner", "line_manager", "system", "other"])
def test_the_tally_counts_the_needs(org, plan, who) -> None:
    p = org.practitioner.staff_id
    book(make_session(plan["Court Skills"]), p)
    team = db.session.get(Team, org.team_a)
    team_plan = team_plans.start_team_plan(team=team, cycle=plan["cycle"], actor=None, now=NOW)
    for activity in (plan["Analysis"], plan["Analysis"], plan["Report Writing"]):
        team_plans.save_team_need(
            plan=team_plan,
            need=None,
            details=team_plans.TeamNeedDetails(
                description="A team need",
                source=TeamNeedSource.BUSINESS_PLAN,
                activity=activity,
                framework_item=plan["item"],
                people=2,
                needed_by=None,
            ),
            expected_version=None,
            actor=None,
            now=NOW,
            today=TODAY,
        )
    db.session.commit()
    if who == "system":
        scope = _everyone()
    elif who == "practitioner":
        scope = visible_scope(db.session.get(User, org.practitioner.user_id), TODAY, Purpose.SELF)
    elif who == "line_manager":
        user = db.session.get(User, org.line_manager.user_id)
        scope = visible_scope(user, TODAY, Purpose.SELF_AND_TEAM)
    else:
        user = db.session.get(User, org.other_practitioner.user_id)
        scope = visible_scope(user, TODAY, Purpose.SELF)
    needs = PROVIDER.needs(scope, QUARTER, now=NOW)
    tally = PROVIDER.tally(scope, QUARTER, now=NOW)
    assert tally == tally_of(needs, actor_id=scope.actor_id)
    if who == "practitioner":
        assert tally.count(own=True, sources={Source.IDP_ACTION}) == 4
        assert tally.count(sources={Source.TEAM_PLAN}) == 3
        assert tally.by_target(sources={Source.TEAM_PLAN}) == {
            Target(activity_id=plan["Analysis"].id): 2,
            Target(activity_id=plan["Report Writing"].id): 1,
        }
    if who == "line_manager":
        assert tally.count(own=False, sources={Source.IDP_ACTION}) == 4
        assert tally.count(own=True) == 0
    if who == "other":
        assert tally.total == 0


def test_the_registry_lists_the_appraisal_provider(org, plan) -> None:
    assert needs_providers.provider("appraisal") is PROVIDER
    assert isinstance(PROVIDER, NeedsProvider)
    scope = _everyone()
    everything = needs_providers.all_needs(scope, QUARTER, now=NOW)
    assert needs_providers.tally(scope, QUARTER, now=NOW) == tally_of(everything)
    assert {n.source for n in everything} >= {Source.IDP_ACTION}
    assert queries.find_plan_for(org.practitioner.staff_id, plan["cycle"].id) is not None


def test_the_sql_state_agrees_with_the_plan_pages(org, plan) -> None:
    """rollup.effective_state (the needs, the roll-up) and plan_view (the plan pages) give
    every action the same state: booked, attended, a completion since the action was made and
    one before it, done and dropped by hand, and "booked" by hand with no booking."""
    p = org.practitioner.staff_id
    actions = _actions(p)
    book(make_session(plan["Court Skills"]), p)
    chairing = book(make_session(plan["Chairing Meetings"], days=2), p)
    chairing.attendance = Attendance.ATTENDED
    for activity, day in ((plan["Report Writing"], TODAY), (plan["Analysis"], dt.date(2025, 5, 1))):
        db.session.add(
            Completion(
                staff_id=p,
                activity_id=activity.id,
                completed_on=day,
                source=CompletionSource.MANUAL,
                status=CompletionStatus.VERIFIED,
                recorded_at=NOW,
            )
        )
    actions["Develop: Second statement"].state = ActionState.BOOKED
    db.session.commit()
    sql = dict(
        db.session.execute(
            select(DevelopmentAction.id, effective_state()).where(DevelopmentAction.staff_id == p)
        ).all()
    )
    seen = {a.title: ActionState(sql[a.id]) for a in actions.values()}
    assert seen == {a.title: plan_view.effective_state(a) for a in actions.values()}
    assert seen == {
        "Learn: Court Skills": ActionState.BOOKED,
        "Learn: Chairing Meetings": ActionState.DONE,
        "Learn: Report Writing": ActionState.DONE,
        "Learn: Analysis": ActionState.PLANNED,  # completed before the action was made
        "Develop: Second statement": ActionState.PLANNED,  # "booked" with nothing booked
    }
    for title, state in (
        ("Learn: Court Skills", ActionState.DROPPED),
        ("Learn: Analysis", ActionState.DONE),
    ):
        actions[title].state = state
        actions[title].drop_reason = "Not needed now" if state is ActionState.DROPPED else ""
    db.session.commit()
    sql = dict(
        db.session.execute(
            select(DevelopmentAction.id, effective_state()).where(DevelopmentAction.staff_id == p)
        ).all()
    )
    assert {a.id: ActionState(sql[a.id]) for a in actions.values()} == {
        a.id: plan_view.effective_state(a) for a in actions.values()
    }
