"""Test fixtures: a fresh, migrated database per test on SQLite or PostgreSQL.

WFLD_TEST_BACKEND picks the lane (sqlite, the default, or postgresql). The PostgreSQL lane
creates its own database on the server at WFLD_TEST_DATABASE_URL and drops it at the end;
when that server cannot be reached the lane is skipped, except under CI=true where it fails.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from config import normalise_database_url
from tests.helpers import Database, migrate_to_head

BACKEND = os.environ.get("WFLD_TEST_BACKEND", "sqlite").strip().lower()
PG_URL = os.environ.get("WFLD_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
TEST_SECRET = secrets.token_hex(32)


def pytest_report_header(config: pytest.Config) -> str:
    return f"wfld database backend: {BACKEND}"


def _pg_admin_engine():  # noqa: ANN202
    return create_engine(normalise_database_url(PG_URL), isolation_level="AUTOCOMMIT")


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
    try:
        migrate_to_head(url, TEST_SECRET)
        yield Database(
            backend="postgresql", url=url, admin_engine=admin, workdir=tmp_path_factory.mktemp("pg")
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def org_template(database_server: Database):  # noqa: ANN201
    """SQLite: a copy of the template with the `org` people in it, built once per session.

    Tests that use `org` start from a copy of it instead of building the people again.
    """
    if database_server.backend != "sqlite":
        return None
    from tests.factories import build_org
    from wfld import create_app
    from wfld.extensions import db

    path = database_server.workdir / "org.sqlite3"
    shutil.copyfile(database_server.template_path, path)
    app = create_app(
        {
            "ENV_NAME": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "SECRET_KEY": TEST_SECRET,
        }
    )
    with app.app_context():
        org = build_org()
        for engine in db.engines.values():
            engine.dispose()
    return path, org


@pytest.fixture
def database_url(database_server: Database, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A clean, migrated database for one test."""
    if database_server.backend == "sqlite":
        source = database_server.template_path
        if "org" in request.fixturenames:
            source = request.getfixturevalue("org_template")[0]
        path = tmp_path / "wfld.sqlite3"
        shutil.copyfile(source, path)
        return f"sqlite:///{path}"
    engine = create_engine(database_server.url)
    with engine.begin() as conn:
        tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
        if tables:
            conn.execute(
                text(
                    "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
                )
            )
            # Reference data the migrations seed goes back in, as a migrated database has it.
            from tests.cpd.terms import reseed

            reseed(conn)
    engine.dispose()
    return database_server.url


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
            engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def org(app: Flask, request: pytest.FixtureRequest):  # noqa: ANN201
    """A small organisation with one user per persona (see tests.factories.build_org)."""
    from tests.factories import build_org

    snapshot = request.getfixturevalue("org_template")
    if snapshot is not None:  # SQLite: the database was copied from the snapshot
        return snapshot[1]
    with app.app_context():
        return build_org()
