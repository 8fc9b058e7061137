"""Team development plans through the pages: starting the plan, its priorities, the team's
needs (bad input, every error at once, a stale change), the roll-up of the members' plans by
framework item and by activity with booked and done counts, and who may see and change it
(its manager writes; the WFLD team and senior managers read; another team's manager: 404).

The clock is frozen at 09:00 UTC on 23 November 2026. In the test organisation M manages P
in team A (Access and Assessment); E manages Q in team B.
"""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.appraisal.builders import NOW, TODAY, make_cycle, signed_with_needs
from tests.catalogue.builders import book, make_activity, make_session
from tests.factories import make_staff
from tests.frameworks.builders import nested_doc
from tests.helpers import form_values, page, sign_in, submit
from wfld.accounts.models import User
from wfld.appraisal import team_plans
from wfld.appraisal.models import (
    AppraisalCycle,
    DevelopmentAction,
    TeamNeed,
    TeamNeedSource,
    TeamPlan,
)
from wfld.appraisal.rules import ActionState
from wfld.catalogue.models import LearningActivity
from wfld.core import clock
from wfld.extensions import db
from wfld.frameworks import queries as framework_queries
from wfld.frameworks import services as framework_services
from wfld.organisation.models import StaffMember, Team

EWAN = "ewan.talbot@test.example"  # team B's manager


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def _items() -> dict[str, object]:
    framework_services.import_document(nested_doc("TEAM-FW"), actor=None, now=NOW)
    version = framework_queries.find_framework_by_code("TEAM-FW").versions[0]
    return {code: framework_queries.find_item_by_code(version.id, code) for code in ("1.1", "1.2")}


@pytest.fixture
def world(app: Flask, org):  # noqa: ANN001, ANN201
    """A cycle, the catalogue's Court Skills and Chairing Meetings, and a started team plan
    for team A with one need."""
    with app.app_context():
        cycle = make_cycle()
        court, chairing = make_activity("Court Skills"), make_activity("Chairing Meetings")
        items = _items()
        manager = db.session.get(User, org.line_manager.user_id)
        plan = team_plans.start_team_plan(
            team=db.session.get(Team, org.team_a), cycle=cycle, actor=manager, now=NOW
        )
        need = team_plans.save_team_need(
            plan=plan,
            need=None,
            details=team_plans.TeamNeedDetails(
                description="Court work after the new practice direction",
                source=TeamNeedSource.LAW,
                activity=court,
                framework_item=None,
                people=3,
                needed_by=dt.date(2027, 1, 31),
            ),
            expected_version=None,
            actor=manager,
            now=NOW,
            today=TODAY,
        )
        db.session.commit()
        return {
            "cycle": cycle.id,
            "court": court.id,
            "chairing": chairing.id,
            "item_1_1": items["1.1"].id,
            "item_1_2": items["1.2"].id,
            "plan": plan.id,
            "need": need.id,
        }


def _need_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "description": "Chairing child protection conferences",
        "source": "business_plan",
        "activity": "",
        "framework_item": "",
        "people": "2",
        "needed_by": ["", "", ""],
    }
    data.update(changes)
    return data


# Who may see it ------------------------------------------------------------------------------
def test_anonymous_is_sent_to_sign_in(client: FlaskClient, org, world) -> None:  # noqa: ANN001
    for path in (
        f"/appraisal/teams/{org.team_a}/plan",
        f"/appraisal/team-plans/{world['plan']}/edit",
        f"/appraisal/team-plans/{world['plan']}/needs/new",
        f"/appraisal/team-needs/{world['need']}/edit",
        f"/appraisal/team-needs/{world['need']}/remove",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.location, path


def test_another_teams_manager_and_practitioners_get_404(app: Flask, org, world) -> None:  # noqa: ANN001
    paths = (
        f"/appraisal/teams/{org.team_a}/plan",
        f"/appraisal/team-plans/{world['plan']}/edit",
        f"/appraisal/team-plans/{world['plan']}/needs/new",
        f"/appraisal/team-needs/{world['need']}/edit",
        f"/appraisal/team-needs/{world['need']}/remove",
    )
    for email in (EWAN, org.practitioner.email, org.other_practitioner.email):
        client = signed_in(app, email)
        for path in paths:
            assert client.get(path).status_code == 404, (email, path)
    assert signed_in(app, EWAN).get(f"/appraisal/teams/{org.team_b}/plan").status_code == 200
    assert (
        signed_in(app, org.line_manager.email).get("/appraisal/teams/999/plan").status_code == 404
    )


def test_the_wfld_team_reads_without_changing(app: Flask, org, world) -> None:  # noqa: ANN001
    client = signed_in(app, org.wfld_admin.email)
    shown = page(client.get(f"/appraisal/teams/{org.team_a}/plan"))
    assert shown.h1 == "Team development plan: Access and Assessment"
    assert "Court work after the new practice direction" in shown.text()
    assert not shown.soup.select("main a[href*='/team-needs/'], main a[href$='/edit'], main form")
    assert client.get(f"/appraisal/team-plans/{world['plan']}/edit").status_code == 404
    # Starting a team's plan is not theirs to do.
    assert (
        submit(client, f"/appraisal/teams/{org.team_b}/plan", {}, form_path="/").status_code == 403
    )


# Starting and writing the plan ---------------------------------------------------------------
def test_the_manager_starts_the_plan_and_writes_its_priorities(app: Flask, org, world) -> None:  # noqa: ANN001
    client = signed_in(app, EWAN)
    path = f"/appraisal/teams/{org.team_b}/plan"
    shown = page(client.get(path))
    assert "Family Support has no development plan for 2026/27 yet." in shown.text()
    button = shown.soup.select_one("main form button")
    assert " ".join(button.get_text().split()) == "Start the team plan"
    response = submit(client, path, {})
    with app.app_context():
        plan = db.session.scalars(db.select(TeamPlan).where(TeamPlan.team_id == org.team_b)).one()
        plan_id = plan.id
    assert response.location == f"/appraisal/team-plans/{plan_id}/edit"
    # A second click finds the same plan.
    assert submit(client, path, {}, form_path="/appraisal/team").location == response.location
    edit = f"/appraisal/team-plans/{plan_id}/edit"
    values = form_values(client.get(edit))
    values["summary"] = ["Early help assessments within 10 days; relationship-based practice."]
    assert submit(client, edit, values).location == path
    shown = page(client.get(path))
    assert "Early help assessments within 10 days" in shown.text()
    with app.app_context():
        assert db.session.get(TeamPlan, plan_id).summary.startswith("Early help")


def test_a_stale_change_to_the_priorities_is_refused(app: Flask, org, world) -> None:  # noqa: ANN001
    client = signed_in(app, org.line_manager.email)
    edit = f"/appraisal/team-plans/{world['plan']}/edit"
    values = form_values(client.get(edit))
    with app.app_context():
        plan = db.session.get(TeamPlan, world["plan"])
        team_plans.update_team_plan(
            plan=plan, summary="Someone else's", expected_version=None, actor=None, now=NOW
        )
        db.session.commit()
    values["summary"] = ["Mine"]
    shown = page(submit(client, edit, values))
    assert "changed this record" in shown.text()
    with app.app_context():
        assert db.session.get(TeamPlan, world["plan"]).summary == "Someone else's"


# The team's needs -----------------------------------------------------------------------------
def test_adding_a_need(app: Flask, org, world) -> None:  # noqa: ANN001
    client = signed_in(app, org.line_manager.email)
    path = f"/appraisal/team-plans/{world['plan']}/needs/new"
    data = _need_form(
        activity=str(world["chairing"]),
        framework_item=str(world["item_1_2"]),
        needed_by=["1", "3", "2027"],
    )
    data["version"] = form_values(client.get(path))["version"]
    response = submit(client, path, data)
    assert response.location == f"/appraisal/teams/{org.team_a}/plan"
    with app.app_context():
        need = db.session.scalars(
            db.select(TeamNeed).where(TeamNeed.description.like("Chairing%"))
        ).one()
        assert (need.activity_id, need.framework_item_id) == (world["chairing"], world["item_1_2"])
        assert (need.people, need.needed_by, need.position) == (2, dt.date(2027, 3, 1), 2)
        assert need.source is TeamNeedSource.BUSINESS_PLAN
    shown = page(client.get(f"/appraisal/teams/{org.team_a}/plan"))
    assert "Chairing child protection conferences" in shown.text()


def test_bad_input_shows_every_error_and_saves_nothing(app: Flask, org, world) -> None:  # noqa: ANN001
    client = signed_in(app, org.line_manager.email)
    path = f"/appraisal/team-plans/{world['plan']}/needs/new"
    shown = page(
        submit(
            client,
            path,
            _need_form(description="", source="", people="", needed_by=["1", "1", "2026"]),
        )
    )
    assert shown.title.startswith("Error: ")
    assert shown.error_summary() == {
        "#description": "Enter the team’s need",
        "#source": "Select where the need comes from",
        "#activity": "Select a learning activity or a framework item",
        "#people": "Enter how many people need it",
        "#needed_by-day": "Date needed by must be today or in the future",
    }
    shown = page(submit(client, path, _need_form(activity=str(world["court"]), people="0")))
    assert shown.error_summary() == {"#people": "Number of people must be 1 or more"}
    shown = page(submit(client, path, _need_form(activity=str(world["court"]), people="two")))
    assert shown.error_summary() == {
        "#people": "Enter the number of people as a whole number, like 4"
    }
    shown = page(submit(client, path, _need_form(activity="99999")))
    assert shown.error_summary()["#activity"] == "Select a learning activity from the list"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(TeamNeed.id))) == 1


def test_changing_and_removing_a_need(app: Flask, org, world) -> None:  # noqa: ANN001
    client = signed_in(app, org.line_manager.email)
    edit = f"/appraisal/team-needs/{world['need']}/edit"
    values = form_values(client.get(edit))
    assert values["activity"] == [str(world["court"])]
    assert values["people"] == ["3"]
    values["people"] = ["5"]
    values["source"] = ["practice"]
    assert submit(client, edit, values).location == f"/appraisal/teams/{org.team_a}/plan"
    with app.app_context():
        need = db.session.get(TeamNeed, world["need"])
        assert (need.people, need.source) == (5, TeamNeedSource.PRACTICE)
    remove = f"/appraisal/team-needs/{world['need']}/remove"
    shown = page(client.get(remove))
    assert "Court work after the new practice direction" in shown.text()
    assert submit(client, remove, form_values(client.get(remove))).status_code == 302
    with app.app_context():
        assert db.session.get(TeamNeed, world["need"]) is None
    assert client.get(remove).status_code == 404


# The roll-up ----------------------------------------------------------------------------------
def _table(shown, caption: str) -> dict[str, list[str]]:  # noqa: ANN001
    for table in shown.soup.select("main table"):
        if caption in table.caption.get_text():
            return {
                " ".join(tr.th.get_text().split()): [td.get_text(strip=True) for td in tr("td")]
                for tr in table.select("tbody tr")
            }
    raise AssertionError(f"no table {caption!r}")


def test_the_roll_up_counts_the_members_actions_by_item_and_activity(
    app: Flask,
    org,  # noqa: ANN001
    world,  # noqa: ANN001
) -> None:
    with app.app_context():
        cycle = db.session.get(AppraisalCycle, world["cycle"])
        court = db.session.get(LearningActivity, world["court"])
        chairing = db.session.get(LearningActivity, world["chairing"])
        item_1_1, item_1_2 = (
            framework_queries.find_item(world[k]) for k in ("item_1_1", "item_1_2")
        )
        manager = db.session.get(StaffMember, org.line_manager.staff_id)
        other = make_staff(
            "Ada", "Extra", team=manager.team, role=manager.job_role, manager=manager
        )
        signed_with_needs(
            cycle, org.practitioner.staff_id, activities=(court, chairing), items=(item_1_1,)
        )
        signed_with_needs(cycle, other.id, activities=(court,), items=(item_1_1, item_1_2))
        # Q (team B) has a plan too: not in team A's roll-up.
        signed_with_needs(cycle, org.other_practitioner.staff_id, activities=(court,))
        book(make_session(court), org.practitioner.staff_id)
        actions = db.session.scalars(
            db.select(DevelopmentAction).where(DevelopmentAction.staff_id == other.id)
        ).all()
        by_title = {a.title: a for a in actions}
        by_title["Learn: Court Skills"].state = ActionState.DONE
        by_title["Develop: Second statement"].state = ActionState.DROPPED
        by_title["Develop: Second statement"].drop_reason = "Met another way"
        db.session.commit()
    client = signed_in(app, org.line_manager.email)
    shown = page(client.get(f"/appraisal/teams/{org.team_a}/plan"))
    # Actions, people, booked, done.
    assert _table(shown, "by learning activity") == {
        "Court Skills": ["2", "2", "1", "1"],
        "Chairing Meetings": ["1", "1", "0", "0"],
    }
    assert _table(shown, "by framework item") == {"1.1 First statement": ["2", "2", "0", "0"]}
    # The senior manager reads the same figures.
    senior = page(
        signed_in(app, org.senior_manager.email).get(f"/appraisal/teams/{org.team_a}/plan")
    )
    assert _table(senior, "by learning activity") == _table(shown, "by learning activity")


def test_no_cycle_no_plan(app: Flask, org) -> None:  # noqa: ANN001
    shown = page(signed_in(app, org.line_manager.email).get(f"/appraisal/teams/{org.team_a}/plan"))
    assert "no appraisal cycle running today" in shown.text()
    assert not shown.soup.select("main form")
