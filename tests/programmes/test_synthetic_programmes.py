"""The synthetic council's programmes (`flask seed synthetic`, small): its rows are the ones
the services would make — every milestone's cached state is its log replayed, every date
comes from the rules, sign-offs are by the template's signer and never the person, a
sign-off short of evidence carries its reason — and the benchmark's ids point where its
scenarios say (cohort 1 the biggest ASYE cohort, enrolment 1 a whole ASYE year)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import func, select

from wfld.extensions import db
from wfld.organisation.models import StaffMember
from wfld.programmes import queries
from wfld.programmes.models import (
    Cohort,
    Enrolment,
    EnrolmentEventKind,
    Evidence,
    Milestone,
    MilestoneEvent,
    Outcome,
)
from wfld.programmes.rules import (
    EnrolmentStatus,
    MilestoneAction,
    Signer,
    review_point_for,
    shortfalls,
    state_from,
)
from wfld.supervision.models import SupervisionRecord
from wfld.synthetic import PERSONAS

STAFF = 400


def check_programmes(today: dt.date) -> Counter:
    """Every rule the services keep, over every enrolment; what was checked, counted."""
    checked: Counter = Counter()
    enrolments = db.session.scalars(select(Enrolment).order_by(Enrolment.id)).all()
    events = queries.list_enrolment_events([e.id for e in enrolments])
    staff_users = dict(db.session.execute(select(StaffMember.id, StaffMember.user_id)).all())
    for enrolment in enrolments:
        spec = enrolment.template.spec
        log = events[enrolment.id]
        assert log[0].kind is EnrolmentEventKind.ENROLLED
        statuses = [e.status for e in log if e.status is not None]
        assert enrolment.status is statuses[-1]
        dates = queries.dates_from(enrolment, queries.facts_from(enrolment, log))
        assert enrolment.ends_on == dates[-1].due_on
        assert enrolment.assessor_id not in (enrolment.staff_id, enrolment.line_manager_id)
        pieces = db.session.scalars(
            select(Evidence).where(Evidence.enrolment_id == enrolment.id)
        ).all()
        for piece in pieces:
            assert enrolment.start_date <= piece.occurred_on <= today
            assert piece.review_key == review_point_for(dates, piece.occurred_on)
            checked["pieces"] += 1
        person = staff_users[enrolment.staff_id]
        signer = {
            Signer.ASSESSOR: staff_users[enrolment.assessor_id],
            Signer.LINE_MANAGER: staff_users[enrolment.line_manager_id],
            Signer.SUPERVISOR: staff_users[enrolment.supervisor_id],
        }
        milestone_logs = queries.list_milestone_events([m.id for m in enrolment.milestones])
        for milestone in enrolment.milestones:
            point = spec.point(milestone.key)
            actions = milestone_logs[milestone.id]
            assert milestone.state is state_from(
                [e.action for e in actions], countersign_needed=point.countersign is not None
            )
            signed_by = None
            for event in actions:
                assert event.at.date() <= today
                if event.action is MilestoneAction.SUBMIT:
                    assert event.actor_id == person
                elif event.action in (MilestoneAction.RETURN, MilestoneAction.SIGN_OFF):
                    assert event.actor_id == signer[point.signer] != person
                    if event.action is MilestoneAction.SIGN_OFF:
                        signed_by = event.actor_id
                        held = Counter(p.kind for p in pieces if p.created_at <= event.at)
                        short = shortfalls(spec, milestone.key, dict(held))
                        assert bool(event.short_reason) == bool(short)
                        checked["sign-offs"] += 1
                elif event.action is MilestoneAction.COUNTERSIGN:
                    assert event.actor_id == signer[point.countersign]
                    assert event.actor_id not in (person, signed_by)
                    checked["countersignatures"] += 1
            if point.panel:
                assert not actions, "the panel is recorded as the outcome, not signed off"
        outcome = db.session.get(Outcome, enrolment.id)
        if enrolment.status in (EnrolmentStatus.COMPLETED, EnrolmentStatus.FAILED):
            assert outcome is not None and outcome.decision is not None
            assert enrolment.completed_on == outcome.panel_on
        checked["enrolments"] += 1
    return checked


@pytest.mark.committed  # the load runs VACUUM on a connection of its own
def test_the_synthetic_programmes_are_what_the_services_would_make(app):
    result = app.test_cli_runner().invoke(args=["seed", "synthetic", "--staff", str(STAFF)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        checked = check_programmes(dt.date.today())
        assert checked["enrolments"] > 20
        assert checked["sign-offs"] > 20 and checked["countersignatures"] > 0
        sizes = dict(
            db.session.execute(
                select(Enrolment.cohort_id, func.count()).group_by(Enrolment.cohort_id)
            ).all()
        )
        intakes = dict(db.session.execute(select(Cohort.id, Cohort.intake)).all())
        year = dt.date.today().year
        # Cohort 1 (the dashboard scenario's) is this year's ASYE: every NQSW, and at least 6%
        # of staff (topped up with recent starters: 300 at 5,000 staff).
        assert intakes[1] == f"ASYE child and family {year}"
        assert sizes[1] >= round(STAFF * 0.06)
        assert sizes[1] == max(sizes.values())
        assert any(
            intake.startswith("Social work degree apprenticeship") for intake in intakes.values()
        )
        # Enrolment 1 (the record PDF scenario's) is a whole ASYE year from last year's cohort.
        first = db.session.get(Enrolment, 1)
        assert intakes[first.cohort_id] == f"ASYE child and family {year - 1}"
        assert first.status in (EnrolmentStatus.COMPLETED, EnrolmentStatus.FAILED)
        pieces = db.session.scalar(
            select(func.count()).select_from(Evidence).where(Evidence.enrolment_id == 1)
        )
        assert 30 <= pieces <= 50
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(SupervisionRecord)
                .where(SupervisionRecord.staff_id == first.staff_id)
            )
            >= 15
        )
        # The NQSW persona is on this year's ASYE, with reviews behind them.
        nqsw = db.session.scalar(
            select(Enrolment)
            .join(StaffMember, StaffMember.id == Enrolment.staff_id)
            .where(StaffMember.work_email == PERSONAS["nqsw"])
        )
        assert nqsw is not None and nqsw.cohort_id == 1
        assert db.session.scalar(
            select(func.count())
            .select_from(MilestoneEvent)
            .join(Milestone, Milestone.id == MilestoneEvent.milestone_id)
            .where(Milestone.enrolment_id == nqsw.id)
        )
