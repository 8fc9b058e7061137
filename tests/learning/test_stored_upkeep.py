# ruff: noqa: F811 - the learning fixture is imported from test_compliance
"""The stored statuses follow every change: a booking, a cancellation, a completion, a new
role at once (in the same transaction); a pathway change reaching many people in a
background recomputation with progress, superseded by a later one, and run again when a
consumer stopped half-way."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.factories import NOW
from tests.helpers import page, sign_in, submit
from tests.learning.test_compliance import _activity, _complete, learning  # noqa: F401
from wfld.catalogue.models import Booking, BookingStatus, LearningSession
from wfld.core import clock
from wfld.extensions import db
from wfld.learning import jobs, queries, stored
from wfld.learning.models import (
    Pathway,
    Recomputation,
    RecomputationState,
    RequirementDates,
    Stage,
)
from wfld.learning.services import add_requirement
from wfld.organisation.models import JobRole, StaffMember


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _row(staff_id: int, activity_id: int) -> RequirementDates | None:
    db.session.expire_all()
    return db.session.get(RequirementDates, (staff_id, f"activity-{activity_id}"))


def _status(staff_id: int, activity_id: int) -> str | None:
    lines = queries.stored_lines(
        [staff_id], today=NOW.date(), horizon=NOW.date() + dt.timedelta(days=60), now=NOW
    )
    return next((x.status for x in lines if x.target_key == f"activity-{activity_id}"), None)


def _everyone_consistent() -> bool:
    ids = list(db.session.scalars(select(StaffMember.id)))
    return not stored.drifted(ids, now=clock.now())


def test_a_booking_and_its_cancellation_change_the_row_in_the_same_commit(app, org, learning):
    me = org.practitioner.staff_id
    with app.app_context():
        assert _status(me, learning["safeguarding"]) == "overdue"
        session = LearningSession(
            activity_id=learning["safeguarding"],
            starts_at=NOW + dt.timedelta(days=10),
            ends_at=NOW + dt.timedelta(days=10, hours=3),
            venue="Civic Offices",
            capacity=10,
            created_at=NOW,
        )
        db.session.add(session)
        db.session.flush()
        booking = Booking(
            session_id=session.id, staff_id=me, status=BookingStatus.BOOKED, requested_at=NOW
        )
        db.session.add(booking)
        db.session.commit()
        row = _row(me, learning["safeguarding"])
        assert row.booked_at == NOW + dt.timedelta(days=10)
        assert _status(me, learning["safeguarding"]) == "booked"

        booking = db.session.get(Booking, booking.id)
        booking.status = BookingStatus.CANCELLED
        db.session.commit()
        assert _row(me, learning["safeguarding"]).booked_until is None
        assert _status(me, learning["safeguarding"]) == "overdue"

        # The session moved: its people's rows follow.
        booking = db.session.get(Booking, booking.id)
        booking.status = BookingStatus.BOOKED
        db.session.commit()
        session = db.session.get(LearningSession, session.id)
        session.starts_at = NOW + dt.timedelta(days=20)
        session.ends_at = NOW + dt.timedelta(days=20, hours=3)
        db.session.commit()
        assert _row(me, learning["safeguarding"]).booked_at == NOW + dt.timedelta(days=20)
        assert _everyone_consistent()


def test_a_completion_and_a_new_role_change_the_rows(app, org, learning):
    me = org.practitioner.staff_id
    with app.app_context():
        from wfld.catalogue.models import LearningActivity

        _complete(me, db.session.get(LearningActivity, learning["safeguarding"]), NOW.date())
        db.session.commit()
        assert _status(me, learning["safeguarding"]) == "complete"
        assert _row(me, learning["safeguarding"]).completed_on == NOW.date()

        # A family worker has no pathway: the social worker's rows go.
        staff = db.session.get(StaffMember, me)
        staff.job_role_id = org.role_family_worker
        staff.job_role_since = NOW.date()
        db.session.commit()
        assert _row(me, learning["safeguarding"]) is None
        assert _everyone_consistent()


def _many_people(app, org, how_many: int) -> None:  # noqa: ANN001
    """More social workers than the change is recomputed with."""
    app.config["STATUS_SYNC_LIMIT"] = how_many // 2
    with app.app_context():
        from tests.factories import make_staff
        from wfld.organisation.models import Team

        team = db.session.get(Team, org.team_a)
        role = db.session.get(JobRole, org.role_social_worker)
        for n in range(how_many):
            make_staff("Worker", f"Number{n}", team=team, role=role)
        db.session.commit()


def test_a_pathway_change_reaching_many_people_recomputes_in_the_background(
    app,
    client,
    org,
    learning,
):  # noqa: ANN001
    _many_people(app, org, 12)
    sign_in(client, org.wfld_admin.email)
    result = submit(
        client,
        f"/learning/pathways/{learning['pathway']}/requirements/new",
        {
            "stage": "mandatory",
            "activity": str(learning["court"]),
            "is_mandatory": "yes",
            "due_within_days": "30",
            "applies_from": ["23", "11", "2026"],
            "grace_days": "90",
        },
    )
    assert result.status_code == 302
    with app.app_context():
        recomputation = db.session.scalars(select(Recomputation)).one()
        # The tests' queue runs the job as soon as the change commits.
        assert recomputation.state is RecomputationState.DONE
        assert recomputation.done == recomputation.total >= 13
        people = db.session.scalars(
            select(StaffMember.id).where(StaffMember.job_role_id == org.role_social_worker)
        ).all()
        assert all(_row(p, learning["court"]) is not None for p in people)
        assert _everyone_consistent()


def test_a_recomputation_in_hand_shows_its_progress(app, client, org, learning):
    with app.app_context():
        stored.request_recompute(pathway_id=learning["pathway"], reason="A requirement changed")
        db.session.commit()
    sign_in(client, org.wfld_admin.email)
    text = page(client.get(f"/learning/pathways/{learning['pathway']}")).text()
    assert "Statuses are being updated after a change (a requirement changed): starting" in text
    assert "Statuses are being updated" in page(client.get("/learning/compliance")).text()


def test_a_second_change_supersedes_the_first_and_the_table_ends_consistent(
    app,
    org,
    learning,
):  # noqa: ANN001
    _many_people(app, org, 8)
    with app.app_context():
        pathway = db.session.get(Pathway, learning["pathway"])
        from wfld.catalogue.models import LearningActivity

        court = db.session.get(LearningActivity, learning["court"])
        add_requirement(
            pathway=pathway,
            stage=Stage.ROLE_SPECIFIC,
            activity=court,
            framework_item=None,
            is_mandatory=True,
            due_within_days=30,
            renewal_months=None,
            actor=None,
            now=NOW,
        )
        db.session.commit()  # not through the save path: queued, not run yet
        first = db.session.scalars(select(Recomputation)).one()
        assert first.state is RecomputationState.PENDING
        pathway = db.session.get(Pathway, learning["pathway"])
        pathway.roles = [
            *pathway.roles,
            db.session.get(JobRole, org.role_family_worker),
        ]
        db.session.commit()
        first, second = db.session.scalars(select(Recomputation).order_by(Recomputation.id))
        assert first.state is RecomputationState.SUPERSEDED
        assert second.state is RecomputationState.PENDING
        assert org.role_social_worker in second.roles
        assert stored.run_recomputation(first.id) is None  # superseded: nothing to do
        assert stored.run_recomputation(second.id) is RecomputationState.DONE
        assert _row(org.practitioner.staff_id, learning["court"]) is not None
        assert _everyone_consistent()


def test_a_consumer_stopped_half_way_is_run_again_and_leaves_nothing_behind(
    app,
    org,
    learning,
    monkeypatch,
):  # noqa: ANN001
    _many_people(app, org, 8)
    with app.app_context():
        stored.request_recompute(pathway_id=learning["pathway"], reason="A requirement changed")
        db.session.commit()
        recomputation_id = db.session.scalars(select(Recomputation.id)).one()
        # Rows a later change left stale: the recomputation must put them right.
        db.session.execute(RequirementDates.__table__.delete())
        db.session.commit()
        monkeypatch.setattr(stored, "CHUNK", 3)
        real_refresh, calls = stored.refresh, []

        def dies_on_the_second_chunk(ids, *, now):  # noqa: ANN001, ANN202
            calls.append(ids)
            if len(calls) == 2:
                raise SystemExit("consumer stopped")
            return real_refresh(ids, now=now)

        monkeypatch.setattr(stored, "refresh", dies_on_the_second_chunk)
        with pytest.raises(SystemExit):
            stored.run_recomputation(recomputation_id)
        db.session.rollback()
        left = db.session.get(Recomputation, recomputation_id)
        assert left.state is RecomputationState.RUNNING
        assert left.done == 3
        monkeypatch.setattr(stored, "refresh", real_refresh)

        assert jobs.resume_left_behind(now=NOW) == []  # not silent for long enough yet
        assert jobs.resume_left_behind(now=NOW + jobs.STALLED_AFTER * 2) == [recomputation_id]
        db.session.expire_all()
        assert db.session.get(Recomputation, recomputation_id).state is RecomputationState.DONE
        reached = stored.affected_people(
            pathway_id=learning["pathway"], activity_id=None, roles={org.role_social_worker}
        )
        assert not stored.drifted(reached, now=clock.now())


def test_a_passed_booking_with_a_later_one_stays_booked_and_the_shown_one_moves_on(
    app, org, learning
):  # noqa: ANN001
    me = org.practitioner.staff_id
    with app.app_context():
        for days in (10, 20):
            session = LearningSession(
                activity_id=learning["safeguarding"],
                starts_at=NOW + dt.timedelta(days=days),
                ends_at=NOW + dt.timedelta(days=days, hours=3),
                venue="Civic Offices",
                capacity=10,
                created_at=NOW,
            )
            db.session.add(session)
            db.session.flush()
            db.session.add(
                Booking(
                    session_id=session.id,
                    staff_id=me,
                    status=BookingStatus.BOOKED,
                    requested_at=NOW,
                )
            )
        db.session.commit()
        later = NOW + dt.timedelta(days=15)
        day = later.date()
        lines = queries.stored_lines(
            [me], today=day, horizon=day + dt.timedelta(days=60), now=later
        )
        line = next(x for x in lines if x.target_key == f"activity-{learning['safeguarding']}")
        assert line.status == "booked"  # the one on day 20 is still to come
        assert line.booked_at is None  # the stored earliest has passed: not shown
        assert stored.roll_bookings_on(now=later) == 1
        db.session.commit()
        assert _row(me, learning["safeguarding"]).booked_at == NOW + dt.timedelta(days=20)
