"""Places are never overbooked, even when several people book the last one at the same moment.

Separate processes (as gunicorn workers are) book different people onto the same sessions at
once. The session row lock (FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite) makes them
take turns: each session ends with exactly its capacity booked, everyone else waiting, and
nobody sees an error.
"""

from __future__ import annotations

import multiprocessing
import time

import pytest
from sqlalchemy import select

from tests.catalogue.builders import make_activity, make_session
from tests.factories import NOW, TODAY, make_staff
from wfld.catalogue.models import Booking, BookingStatus
from wfld.extensions import db
from wfld.organisation.models import JobRole, Team

PROCESSES = 6
SESSIONS = 4
CAPACITY = 1


def _book_everything(
    app_config: dict,
    session_ids: list[int],
    staff_id: int,
    barrier,
    results,  # noqa: ANN001
) -> None:
    """Runs in its own process: book one person onto every session, as the view would."""
    from wfld import create_app
    from wfld.catalogue import queries as catalogue_queries
    from wfld.catalogue import services as catalogue_services
    from wfld.extensions import db as child_db
    from wfld.organisation.models import StaffMember

    app = create_app(app_config)
    with app.app_context():
        _pause_after_counting(child_db.engine)
    errors: list[str] = []
    statuses: list[str] = []
    # Every process has started the app: go together, so the bookings really overlap.
    barrier.wait(timeout=120)
    for session_id in session_ids:
        with app.app_context():
            try:
                # The view loads the session (to check access) before the service locks it.
                session = catalogue_queries.find_session(session_id)
                staff = child_db.session.get(StaffMember, staff_id)
                booking = catalogue_services.book_place(
                    session=session, staff=staff, actor=None, now=NOW, today=TODAY
                )
                statuses.append(booking.status.value)
                child_db.session.commit()
            except Exception as problem:  # noqa: BLE001 - every failure is the test's finding
                child_db.session.rollback()
                errors.append(f"{type(problem).__name__}: {problem}")
    with app.app_context():
        for engine in child_db.engines.values():
            engine.dispose()
    results.put((errors, statuses))


def _pause_after_counting(engine) -> None:  # noqa: ANN001
    """Widen the race: after counting a session's bookings, wait as a busy request might
    before writing. Without the lock, every process would count the same free place."""
    from sqlalchemy import event

    @event.listens_for(engine, "after_cursor_execute")
    def _pause(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001, PLR0913
        if statement.lstrip().upper().startswith("SELECT COUNT") and "bookings" in statement:
            time.sleep(0.05)


@pytest.mark.committed  # the bookers are other processes
def test_concurrent_bookings_never_overbook_and_never_fail(app, app_config, org):
    with app.app_context():
        activity = make_activity("Safeguarding Children Level 3")
        session_ids = [
            make_session(activity, days=7 + i, capacity=CAPACITY).id for i in range(SESSIONS)
        ]
        team = db.session.get(Team, org.team_a)
        role = db.session.get(JobRole, org.role_family_worker)
        staff_ids = [
            make_staff("Booker", f"Number{i}", team=team, role=role).id for i in range(PROCESSES)
        ]
        db.session.commit()

    ctx = multiprocessing.get_context("spawn")
    barrier, queue = ctx.Barrier(PROCESSES), ctx.Queue()
    processes = [
        ctx.Process(target=_book_everything, args=(app_config, session_ids, s, barrier, queue))
        for s in staff_ids
    ]
    for process in processes:
        process.start()
    try:
        results = [queue.get(timeout=180) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()

    errors = [e for process_errors, _ in results for e in process_errors]
    assert errors == []
    with app.app_context():
        for session_id in session_ids:
            statuses = db.session.scalars(
                select(Booking.status).where(Booking.session_id == session_id)
            ).all()
            assert len(statuses) == PROCESSES
            assert statuses.count(BookingStatus.BOOKED) == CAPACITY, f"session {session_id}"
            assert statuses.count(BookingStatus.WAITING) == PROCESSES - CAPACITY
    # What each process was told agrees with what was stored.
    told = [s for _, process_statuses in results for s in process_statuses]
    assert told.count("booked") == SESSIONS * CAPACITY
    assert told.count("waiting") == SESSIONS * (PROCESSES - CAPACITY)
