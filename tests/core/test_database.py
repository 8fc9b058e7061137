"""The database: migrations build the models' schema; SQLite survives concurrent writers;
the audit log cannot be changed."""

from __future__ import annotations

import multiprocessing
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from tests.factories import NOW
from wfld.accounts import audit
from wfld.accounts.models import AuditEvent
from wfld.extensions import db
from wfld.organisation.models import JobRole, Regulator


@pytest.mark.committed  # compares on a connection of its own
def test_migrations_build_exactly_the_models_schema(app):
    """`flask db upgrade` on an empty database leaves no autogenerate diff."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_sqlite_connections_are_configured(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite connection settings")
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_audit_log_is_append_only(app):
    with app.app_context():
        entry = audit.record("test_event", now=NOW, note="first")
        db.session.commit()
        entry_id = entry.id
    with app.app_context():
        with pytest.raises(DatabaseError):
            db.session.execute(
                text("UPDATE audit_events SET event = 'changed' WHERE id = :id"), {"id": entry_id}
            )
        db.session.rollback()
        with pytest.raises(DatabaseError):
            db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": entry_id})
        db.session.rollback()
        assert (
            db.session.scalar(select(AuditEvent.event).where(AuditEvent.id == entry_id))
            == "test_event"
        )


WRITERS = 4
WRITES_EACH = 50


def _increment(app_config: dict, role_id: int, times: int, start_at: float) -> list[str]:
    """Runs in its own process: read a counter, then write it back plus one, `times` times.

    A read-then-write transaction is the case that fails with "database is locked" on
    SQLite unless writers take the lock when they begin. (FOR UPDATE is how PostgreSQL
    serialises it; SQLite ignores it and relies on BEGIN IMMEDIATE.)
    """
    from wfld import create_app
    from wfld.extensions import db as child_db
    from wfld.organisation.models import JobRole as ChildJobRole

    app = create_app(app_config)
    errors: list[str] = []
    while time.time() < start_at:  # start together, so the writers really overlap
        time.sleep(0.005)
    for _ in range(times):
        with app.app_context():
            try:
                role = child_db.session.get(ChildJobRole, role_id, with_for_update=True)
                time.sleep(0.002)  # a request's work between its read and its write
                role.grade = str(int(role.grade) + 1)
                child_db.session.commit()
            except Exception as problem:  # noqa: BLE001 - every failure is the test's finding
                child_db.session.rollback()
                errors.append(f"{type(problem).__name__}: {problem}")
    with app.app_context():
        for engine in child_db.engines.values():
            engine.dispose()
    return errors


@pytest.mark.committed  # the writers are other processes
def test_concurrent_writers_lose_nothing_and_never_see_a_lock_error(app, app_config):
    with app.app_context():
        role = JobRole(title="Counter", grade="0", regulator=Regulator.NONE, is_active=True)
        db.session.add(role)
        db.session.commit()
        role_id = role.id
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(WRITERS) as pool:
        start_at = time.time() + 3  # after every process has imported the app
        results = pool.starmap(_increment, [(app_config, role_id, WRITES_EACH, start_at)] * WRITERS)
    errors = [e for result in results for e in result]
    assert errors == []
    with app.app_context():
        assert db.session.get(JobRole, role_id).grade == str(WRITERS * WRITES_EACH)
