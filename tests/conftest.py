"""Test fixtures: a clean, migrated database for every test, on SQLite or PostgreSQL.

WFLD_TEST_BACKEND picks the lane (sqlite, the default, or postgresql). The PostgreSQL lane
creates its own databases on the server at WFLD_TEST_DATABASE_URL and drops them at the end;
when that server cannot be reached the lane is skipped, except under CI=true where it fails.

How each lane gives a test its clean database:

- SQLite: a file copy of a template migrated once per session (with the `org` people in it
  when the test asks for ``org``).
- PostgreSQL: the test runs inside one transaction that is rolled back at the end. The app's
  engine is replaced by a single connection on which that outer transaction is open, and the
  session joins it with ``join_transaction_mode="create_savepoint"``, so the app's own
  ``commit()`` and ``rollback()`` work on SAVEPOINTs and nothing the test does is ever really
  committed. Sequences are put back before each test, so ids are the same as on a freshly
  migrated database. A test that uses ``org`` runs on a second database, cloned from the
  template once per session, in which the `org` people were built and committed.

The ``committed`` marker (``@pytest.mark.committed``; every ``browser`` test counts as one)
is for tests whose data must really be committed on PostgreSQL, because something other than
the test's one connection reads or writes it: another process (multiprocessing, a
subprocess, a server), another thread (a live server), another app created in the test that
must use its own connection, or code that opens its own connections (``db.engine.connect()``)
or checks what two separate connections see (edit races). Those tests get a third database,
emptied with TRUNCATE and given back the migrations' reference data before each test, and
the `org` people are built per test. On SQLite the marker changes nothing.

Forgetting the marker fails loudly rather than leaking data into the shared databases: a
second database session that begins while another still holds its SAVEPOINT is refused, and
the databases the rolled-back tests share are read-only (``default_transaction_read_only``)
to every connection but the session's own one, so a write from anywhere else fails with
"cannot execute ... in a read-only transaction".
"""

from __future__ import annotations

import os
import secrets
import shutil
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, SessionTransaction

from config import normalise_database_url
from tests.helpers import Database, migrate_to_head

BACKEND = os.environ.get("WFLD_TEST_BACKEND", "sqlite").strip().lower()
PG_URL = os.environ.get("WFLD_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
TEST_SECRET = secrets.token_hex(32)


def pytest_report_header(config: pytest.Config) -> str:
    return f"wfld database backend: {BACKEND}"


def _pg_admin_engine() -> Engine:
    return create_engine(normalise_database_url(PG_URL), isolation_level="AUTOCOMMIT")


def _needs_committed_data(request: pytest.FixtureRequest) -> bool:
    node = request.node
    return (
        node.get_closest_marker("committed") is not None
        or node.get_closest_marker("browser") is not None
    )


@pytest.fixture(scope="session")
def database_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A migrated template database for the session."""
    if BACKEND == "sqlite":
        directory = tmp_path_factory.mktemp("sqlite")
        template = directory / "template.sqlite3"
        migrate_to_head(f"sqlite:///{template}", TEST_SECRET)
        yield Database(backend="sqlite", template_path=template, workdir=directory)
        return
    if BACKEND != "postgresql":
        raise pytest.UsageError(f"WFLD_TEST_BACKEND must be sqlite or postgresql, not {BACKEND!r}")

    admin = _pg_admin_engine()
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as problem:  # noqa: BLE001 - any failure to reach the server
        admin.dispose()
        message = f"PostgreSQL at {PG_URL} is not reachable: {problem.__class__.__name__}"
        if IN_CI:
            pytest.fail(message + " (CI=true: the PostgreSQL lane must run)", pytrace=False)
        pytest.skip(message)
    name = f"wfld_test_{os.getpid()}_{secrets.token_hex(3)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = (
        make_url(normalise_database_url(PG_URL))
        .set(database=name)
        .render_as_string(hide_password=False)
    )
    database = Database(
        backend="postgresql",
        url=url,
        name=name,
        admin_engine=admin,
        workdir=tmp_path_factory.mktemp("pg"),
    )
    try:
        migrate_to_head(url, TEST_SECRET)
        for suffix in ("org", "committed"):
            database.clone(suffix)
        yield database
    finally:
        with admin.connect() as conn:
            for each in [*database.clones.values(), name]:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{each}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def org_template(database_server: Database) -> tuple[str, Any]:
    """The template with the `org` people in it, built once per session: a file on SQLite,
    a database cloned from the template on PostgreSQL; and the `org` ids.

    Tests that use `org` start from it instead of building the people again.
    """
    from tests.factories import build_org
    from wfld import create_app
    from wfld.extensions import db

    if database_server.backend == "sqlite":
        path = database_server.workdir / "org.sqlite3"
        shutil.copyfile(database_server.template_path, path)
        location = f"sqlite:///{path}"
    else:
        location = database_server.clone_url("org")
    app = create_app(
        {"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": location, "SECRET_KEY": TEST_SECRET}
    )
    with app.app_context():
        org = build_org()
        for engine in db.engines.values():
            engine.dispose()
    if database_server.backend == "sqlite":
        return str(path), org
    return location, org


@pytest.fixture(scope="session")
def committed_database(database_server: Database) -> Iterator[_SharedConnection]:
    """PostgreSQL: the database for ``committed`` tests, emptied before each of them."""
    shared = _SharedConnection(database_server.clone_url("committed"))
    yield shared
    shared.close()


@pytest.fixture(scope="session")
def rolled_back_databases(database_server: Database) -> Iterator[dict[str, _SharedConnection]]:
    """PostgreSQL: one open connection per database the rolled-back tests run on (the
    template, and the `org` clone), kept for the session instead of one engine per test."""
    connections: dict[str, _SharedConnection] = {}
    yield connections
    for shared in connections.values():
        shared.close()


class _SharedConnection:
    """One session-long connection to a test database, and what a test needs to start on it
    as the database stood when the connection was opened."""

    def __init__(self, url: str) -> None:
        self.url = url
        # This connection may write even where the database defaults to read-only.
        self.engine = create_engine(
            normalise_database_url(url),
            connect_args={"options": "-c default_transaction_read_only=off"},
        )
        self.connection = self.engine.connect()
        self.tables = [
            t for t in inspect(self.connection).get_table_names() if t != "alembic_version"
        ]
        # Sequences ignore rollbacks: ids drawn in one test would carry on into the next, so
        # each test first sets every sequence back (setval) to where it stood here.
        rows = self.connection.execute(
            text(
                "SELECT format('%I.%I', schemaname, sequencename), last_value, start_value "
                "FROM pg_sequences"
            )
        ).all()
        self.connection.rollback()
        self.sequence_reset = (
            text(
                "SELECT "
                + ", ".join(
                    f"setval(CAST(:name{i} AS regclass), :value{i}, :called{i})"
                    for i in range(len(rows))
                )
            )
            if rows
            else None
        )
        self.sequence_values: dict[str, Any] = {}
        for i, (name, last_value, start_value) in enumerate(rows):
            self.sequence_values[f"name{i}"] = name
            self.sequence_values[f"value{i}"] = start_value if last_value is None else last_value
            self.sequence_values[f"called{i}"] = last_value is not None

    def close(self) -> None:
        self.connection.close()
        self.engine.dispose()

    def empty(self) -> None:
        """Empty every table and put back the reference data the migrations seed."""
        from tests.cpd.terms import reseed

        with self.connection.begin():
            if self.tables:
                self.connection.execute(
                    text(
                        "TRUNCATE "
                        + ", ".join(f'"{t}"' for t in self.tables)
                        + " RESTART IDENTITY CASCADE"
                    )
                )
                reseed(self.connection)

    @contextmanager
    def rolled_back(self) -> Iterator[None]:
        """Everything inside runs in one transaction on this connection, rolled back at the
        end; every app created inside uses this connection as its engine."""
        from wfld.extensions import db

        connection = self.connection
        outer = connection.begin()
        guard = _OneSessionAtATime(connection)
        try:
            if self.sequence_reset is not None:
                connection.execute(self.sequence_reset, self.sequence_values)
            with pytest.MonkeyPatch.context() as patch:
                # Flask-SQLAlchemy builds each app's engine with _make_engine: hand out the
                # connection instead, so the session (and db.engine users) join the test's
                # transaction.
                patch.setattr(db, "_make_engine", lambda _key, _options, _app: connection)
                patch.setitem(
                    db.session.session_factory.kw, "join_transaction_mode", "create_savepoint"
                )
                with guard.listening(db.session.session_factory):
                    yield
        finally:
            if outer.is_active:
                outer.rollback()
            else:
                connection.rollback()


class _OneSessionAtATime:
    """Refuse a second session on the test's connection while another holds its SAVEPOINT,
    and any session in another thread.

    Interleaved sessions would nest one's SAVEPOINT inside the other's, so the first one's
    rollback would silently undo the second one's commit; and a connection is not for two
    threads at once. A test like that needs committed data on separate connections (the
    ``committed`` marker).
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.thread = threading.get_ident()
        self.holders: weakref.WeakSet[Session] = weakref.WeakSet()

    def after_begin(
        self, session: Session, _transaction: SessionTransaction, connection: Connection
    ) -> None:
        if connection is not self.connection:
            return
        if threading.get_ident() != self.thread:
            raise RuntimeError(
                "A thread other than the test's uses its PostgreSQL connection (a live server, "
                "a job consumer): mark the test @pytest.mark.committed so it runs on committed "
                "data, each thread with connections of its own."
            )
        if any(other is not session for other in self.holders):
            raise RuntimeError(
                "Two database sessions are open at once on this test's PostgreSQL connection "
                "(say, two app contexts interleaved): mark the test @pytest.mark.committed so "
                "it runs on committed data, or close the first session before the second begins."
            )
        self.holders.add(session)

    def after_transaction_end(self, session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:
            self.holders.discard(session)

    @contextmanager
    def listening(self, target: Any) -> Iterator[None]:
        event.listen(target, "after_begin", self.after_begin)
        event.listen(target, "after_transaction_end", self.after_transaction_end)
        try:
            yield
        finally:
            event.remove(target, "after_begin", self.after_begin)
            event.remove(target, "after_transaction_end", self.after_transaction_end)


@pytest.fixture
def database_url(
    database_server: Database, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A clean, migrated database for one test (with the `org` people if it uses `org`)."""
    if database_server.backend == "sqlite":
        source = database_server.template_path
        if "org" in request.fixturenames:
            source = Path(request.getfixturevalue("org_template")[0])
        path = tmp_path / "wfld.sqlite3"
        shutil.copyfile(source, path)
        yield f"sqlite:///{path}"
        return
    if _needs_committed_data(request):
        committed: _SharedConnection = request.getfixturevalue("committed_database")
        committed.empty()
        yield committed.url
        return
    url = database_server.url
    if "org" in request.fixturenames:
        url = request.getfixturevalue("org_template")[0]
    connections: dict[str, _SharedConnection] = request.getfixturevalue("rolled_back_databases")
    if url not in connections:
        connections[url] = _SharedConnection(url)
        database_server.make_read_only(url)
    with connections[url].rolled_back():
        yield url


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict:
    return {
        "ENV_NAME": "test",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": TEST_SECRET,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
    }


@pytest.fixture
def app(app_config: dict) -> Iterator[Flask]:
    """The app, with no context pushed: tests open ``with app.app_context():`` blocks for
    set-up and checks, so each request gets its own session and ``g`` as in production."""
    from wfld import create_app
    from wfld.core import clock
    from wfld.extensions import db

    application = create_app(app_config)
    yield application
    clock.freeze(None)
    with application.app_context():
        for engine in db.engines.values():
            # On PostgreSQL's rolled-back lane the "engine" is the test's shared connection.
            if isinstance(engine, Engine):
                engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def org(app: Flask, request: pytest.FixtureRequest, database_server: Database):  # noqa: ANN201
    """A small organisation with one user per persona (see tests.factories.build_org)."""
    from tests.factories import build_org

    if database_server.backend == "sqlite" or not _needs_committed_data(request):
        # The database was copied (SQLite) or cloned (PostgreSQL) from the snapshot.
        return request.getfixturevalue("org_template")[1]
    with app.app_context():
        return build_org()
