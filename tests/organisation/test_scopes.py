"""Staff scopes: each purpose for each persona, narrowing, and agreement with the policy.

The org fixture: the head of service (senior manager) manages the team manager M (who
manages practitioner P) and the Early Help manager E (who manages Q, the WFLD admin and the
system admin).
"""

from __future__ import annotations

import datetime as dt

import pytest
from flask_login import AnonymousUserMixin

from tests.factories import TODAY, make_staff, make_user
from wfld.accounts.models import User
from wfld.accounts.roles import Role
from wfld.extensions import db
from wfld.organisation import permissions
from wfld.organisation.models import JobRole, StaffMember, Team
from wfld.organisation.scopes import (
    Purpose,
    ScopeRefused,
    StaffScope,
    system_scope,
    visible_scope,
)

PERSONAS = ["practitioner", "line_manager", "senior_manager", "wfld_admin", "system_admin"]


def _ids(scope: StaffScope) -> set[int]:
    return set(db.session.scalars(scope.ids))


def _user(person) -> User:  # noqa: ANN001 - a factories.Person
    return db.session.get(User, person.user_id)


@pytest.fixture
def people(app, org):  # noqa: ANN001, ANN201
    """Everyone's staff id by a short name, plus a leaver who reported to the manager."""
    with app.app_context():
        manager = db.session.get(StaffMember, org.line_manager.staff_id)
        leaver = make_staff(
            "Lee",
            "Gone",
            team=db.session.get(Team, org.team_a),
            role=db.session.get(JobRole, org.role_social_worker),
            manager=manager,
            leaving_date=TODAY - dt.timedelta(days=1),
        )
        db.session.commit()
        ewan = db.session.scalar(db.select(StaffMember.id).where(StaffMember.last_name == "Talbot"))
        return {
            "hos": org.senior_manager.staff_id,
            "m": org.line_manager.staff_id,
            "p": org.practitioner.staff_id,
            "e": ewan,
            "q": org.other_practitioner.staff_id,
            "wfld": org.wfld_admin.staff_id,
            "sys": org.system_admin.staff_id,
            "leaver": leaver.id,
        }


def test_self_is_the_actor_only(app, org, people):
    with app.app_context():
        for persona in PERSONAS:
            person = getattr(org, persona)
            scope = visible_scope(_user(person), TODAY, Purpose.SELF)
            assert _ids(scope) == {person.staff_id}
            assert scope.actor_id == person.staff_id
            assert scope.today == TODAY
            assert scope.purpose is Purpose.SELF


def test_team_is_the_line_management_chain_below_in_post(app, org, people):
    expected = {
        "practitioner": set(),
        "line_manager": {people["p"]},  # not the leaver
        "senior_manager": {people[k] for k in ("m", "p", "e", "q", "wfld", "sys")},
        "wfld_admin": set(),  # sight of the service, but nobody below them
        "system_admin": set(),
    }
    with app.app_context():
        for persona in PERSONAS:
            scope = visible_scope(_user(getattr(org, persona)), TODAY, Purpose.TEAM)
            assert _ids(scope) == expected[persona], persona


def test_self_and_team_adds_the_actor(app, org, people):
    with app.app_context():
        scope = visible_scope(_user(org.line_manager), TODAY, Purpose.SELF_AND_TEAM)
        assert _ids(scope) == {people["m"], people["p"]}
        scope = visible_scope(_user(org.practitioner), TODAY, Purpose.SELF_AND_TEAM)
        assert _ids(scope) == {people["p"]}


def test_service_is_everyone_in_post_for_service_wide_roles_only(app, org, people):
    in_post = {v for k, v in people.items() if k != "leaver"}
    with app.app_context():
        for persona in ("senior_manager", "wfld_admin", "system_admin"):
            scope = visible_scope(_user(getattr(org, persona)), TODAY, Purpose.SERVICE)
            assert _ids(scope) == in_post, persona
        for persona in ("practitioner", "line_manager"):
            with pytest.raises(ScopeRefused):
                visible_scope(_user(getattr(org, persona)), TODAY, Purpose.SERVICE)


def test_the_leaver_was_in_post_the_day_before_they_left(app, org, people):
    with app.app_context():
        scope = visible_scope(_user(org.line_manager), TODAY - dt.timedelta(days=2), Purpose.TEAM)
        assert _ids(scope) == {people["p"], people["leaver"]}


def test_person_follows_the_permission_policy(app, org, people):
    with app.app_context():
        cases = {
            ("practitioner", "p"): True,
            ("practitioner", "q"): False,
            ("line_manager", "p"): True,
            ("line_manager", "q"): False,
            ("senior_manager", "p"): True,  # the chain, two levels down
            ("wfld_admin", "p"): True,  # service-wide sight
            ("system_admin", "q"): True,
        }
        for (persona, who), allowed in cases.items():
            staff = db.session.get(StaffMember, people[who])
            user = _user(getattr(org, persona))
            if allowed:
                scope = visible_scope(user, TODAY, Purpose.PERSON, person=staff)
                assert _ids(scope) == {staff.id}
            else:
                with pytest.raises(ScopeRefused):
                    visible_scope(user, TODAY, Purpose.PERSON, person=staff)
        with pytest.raises(ValueError, match="names the person"):
            visible_scope(_user(org.practitioner), TODAY, Purpose.PERSON)


def test_scopes_agree_with_can_view_staff(app, org, people):
    """Everyone in post a persona may view is in their widest scope, and nobody else."""
    with app.app_context():
        everyone = [db.session.get(StaffMember, v) for k, v in people.items() if k != "leaver"]
        for persona in PERSONAS:
            user = _user(getattr(org, persona))
            whole = permissions.can_view_whole_service(user)
            widest = Purpose.SERVICE if whole else Purpose.SELF_AND_TEAM
            seen = _ids(visible_scope(user, TODAY, widest))
            assert seen == {s.id for s in everyone if permissions.can_view_staff(user, s)}, persona


def test_accounts_without_a_staff_record_see_nobody_of_their_own(app, org):
    with app.app_context():
        admin = make_user(email="ops@test.example", roles={Role.SYSTEM_ADMIN})
        db.session.commit()
        for purpose in (Purpose.SELF, Purpose.TEAM, Purpose.SELF_AND_TEAM):
            scope = visible_scope(admin, TODAY, purpose)
            assert _ids(scope) == set()
            assert scope.actor_id is None
        assert len(_ids(visible_scope(admin, TODAY, Purpose.SERVICE))) == 7
        anonymous = AnonymousUserMixin()
        assert _ids(visible_scope(anonymous, TODAY, Purpose.SELF)) == set()
        with pytest.raises(ScopeRefused):
            visible_scope(anonymous, TODAY, Purpose.SERVICE)
        with pytest.raises(ValueError, match="system_scope"):
            visible_scope(admin, TODAY, Purpose.SYSTEM)


def test_narrowing_never_widens(app, org, people):
    with app.app_context():
        service = visible_scope(_user(org.senior_manager), TODAY, Purpose.SERVICE)
        assert _ids(service.within_team(org.team_a)) == {people["hos"], people["m"], people["p"]}
        team = visible_scope(_user(org.line_manager), TODAY, Purpose.TEAM)
        assert _ids(team.within_team(org.team_b)) == set()
        assert _ids(team.only(people["p"])) == {people["p"]}
        assert _ids(team.only(people["q"])) == set()  # not theirs to see
        narrowed = team.within_team(org.team_a)
        assert (narrowed.today, narrowed.purpose, narrowed.actor_id) == (
            TODAY,
            Purpose.TEAM,
            people["m"],
        )


def test_system_scope_is_everyone_in_post_or_the_ids_given(app, org, people):
    with app.app_context():
        scope = system_scope(TODAY)
        assert _ids(scope) == {v for k, v in people.items() if k != "leaver"}
        assert scope.purpose is Purpose.SYSTEM and scope.actor_id is None
        given = system_scope(TODAY, ids=db.select(StaffMember.id))
        assert people["leaver"] in _ids(given)
