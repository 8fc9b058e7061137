"""The cohort dashboard, its CSV, the programme figures and To sign off run the same number
of SQL statements for 3 members as for 30: each member's events, evidence, supervision,
assessor load and outcome are read in one statement for the whole cohort, never one per
person."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import NOW, make_staff, make_user
from tests.helpers import QueryCounter, sign_in
from tests.programmes.builders import make_cohort, make_enrolment
from tests.programmes.progress_builders import add_pieces, add_sessions, step
from wfld.core import clock
from wfld.extensions import db
from wfld.organisation.models import JobRole, StaffMember, Team
from wfld.programmes.models import AssessorCapacity, Cohort, Enrolment
from wfld.programmes.rules import EvidenceKind, MilestoneAction

# The dashboard's own statements (12): the transaction, the user and their roles, the cohort,
# its members (with their people, teams and assessors in one statement, their template
# version and their milestones in two more), events, evidence counts, supervision sessions,
# assessor loads and outcomes. Then the navigation's (2 today: whether the person has a
# programme, whether they manage anyone), and 2 to spare for the menu. A new per-page read
# must say why here.
LIMIT = 16


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _add_members(app, org, cohort_id: int, n: int, first: int) -> None:  # noqa: ANN001
    """``n`` members with everything the dashboard reads: evidence of two kinds, supervision,
    a submitted agreement, spread over three assessors (one with a capacity) and two teams,
    all managed by the line manager."""
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        teams = [db.session.get(Team, org.team_a), db.session.get(Team, org.team_b)]
        role = db.session.get(JobRole, org.role_social_worker)
        # Managed by the line manager (whom the senior manager manages): asking whether a
        # reader is someone's line manager must not walk the chain once per member.
        manager = db.session.get(StaffMember, org.line_manager.staff_id)
        assessors = [
            org.other_practitioner.staff_id,
            org.senior_manager.staff_id,
            org.line_manager.staff_id,
        ]
        if db.session.get(AssessorCapacity, assessors[0]) is None:
            db.session.add(AssessorCapacity(staff_id=assessors[0], capacity=5))
        for i in range(first, first + n):
            person = make_staff(
                "Member", f"Number{i:03d}", team=teams[i % 2], role=role, manager=manager
            )
            enrolment = make_enrolment(
                person.id, assessor_id=assessors[i % 3], cohort=cohort, start=dt.date(2026, 9, 1)
            )
            add_pieces(enrolment, EvidenceKind.DEVELOPMENT_PLAN, 1, on=dt.date(2026, 9, 10))
            add_pieces(enrolment, EvidenceKind.DIRECT_OBSERVATION, i % 3, on=dt.date(2026, 10, 1))
            add_sessions(person.id, org.line_manager.staff_id, [dt.date(2026, 9, 2)])
            if i % 2:
                make_user(person)
                step(enrolment, "agreement", MilestoneAction.SUBMIT, by=person.id)
        db.session.commit()


@pytest.fixture
def cohort_id(app, org) -> int:  # noqa: ANN001
    with app.app_context():
        cohort = make_cohort()
        db.session.commit()
        made = cohort.id
    _add_members(app, org, made, 3, 0)
    return made


@pytest.mark.parametrize(
    "path",
    [
        "/programmes/cohorts/{cohort_id}/dashboard",
        "/programmes/cohorts/{cohort_id}/dashboard.csv",
        "/programmes/figures",
    ],
)
def test_the_dashboard_runs_as_many_statements_for_30_members_as_for_3(
    app, client, org, cohort_id, path
):
    sign_in(client, org.wfld_admin.email)
    path = path.format(cohort_id=cohort_id)
    with QueryCounter(app) as small:
        response = client.get(path)
        assert response.status_code == 200
        response.get_data()  # a streamed CSV runs its statements while it is read
    _add_members(app, org, cohort_id, 27, 3)
    with QueryCounter(app) as large:
        response = client.get(path)
        assert response.status_code == 200
        body = response.get_data(as_text=True)
    if "figures" not in path:
        assert body.count("Number0") >= 30
    assert large.count == small.count, "one more statement per member is an N+1"
    assert large.count <= LIMIT, large.statements


def test_to_sign_off_runs_as_many_statements_for_15_waiting_as_for_1(app, client, org, cohort_id):
    """Every odd member has submitted their agreement; the senior manager assesses every
    third member: a third of them wait for the senior manager."""
    sign_in(client, org.senior_manager.email)
    with QueryCounter(app) as small:
        assert client.get("/programmes/to-sign-off").status_code == 200
    _add_members(app, org, cohort_id, 27, 3)
    with QueryCounter(app) as large:
        page = client.get("/programmes/to-sign-off")
        assert page.status_code == 200
    assert page.get_data(as_text=True).count("/programmes/milestones/") >= 5
    assert large.count == small.count, "one more statement per milestone is an N+1"


def test_my_programme_runs_as_many_statements_for_a_full_portfolio_as_for_a_new_one(
    app, client, org
):
    """A year's evidence, supervision and sign-offs add no statement to My programme: one
    piece, one session and one step read as many as dozens."""
    with app.app_context():
        enrolment = make_enrolment(
            org.practitioner.staff_id, assessor_id=org.other_practitioner.staff_id
        )
        add_pieces(enrolment, EvidenceKind.DEVELOPMENT_PLAN, 1, on=dt.date(2026, 9, 2))
        add_sessions(org.practitioner.staff_id, org.line_manager.staff_id, [dt.date(2026, 9, 2)])
        step(enrolment, "agreement", MilestoneAction.SUBMIT, by=org.practitioner.staff_id)
        db.session.commit()
        enrolment_id = enrolment.id
    sign_in(client, org.practitioner.email)
    with QueryCounter(app) as small:
        assert client.get("/programmes/me").status_code == 200
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        for kind in EvidenceKind:
            add_pieces(enrolment, kind, 5, on=dt.date(2026, 10, 1))
        add_sessions(
            org.practitioner.staff_id,
            org.line_manager.staff_id,
            [dt.date(2026, 9, 8) + dt.timedelta(weeks=w) for w in range(12)],
        )
        step(enrolment, "agreement", MilestoneAction.SIGN_OFF, by=org.other_practitioner.staff_id)
        step(enrolment, "3m", MilestoneAction.SUBMIT, by=org.practitioner.staff_id)
        step(enrolment, "3m", MilestoneAction.SIGN_OFF, by=org.other_practitioner.staff_id)
        db.session.commit()
    with QueryCounter(app) as large:
        response = client.get("/programmes/me")
        assert response.status_code == 200
    assert "Signed off by Quinn Abara" in response.get_data(as_text=True)
    assert large.count == small.count, large.statements
