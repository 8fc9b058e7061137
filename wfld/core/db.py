"""Database base class, column types and the engine set-up that keeps SQLite honest.

SQLite is the embedded default. Several gunicorn workers may write to the same file, so:
- every connection turns on foreign keys, WAL and a busy timeout;
- pysqlite's own transaction handling is switched off and we issue BEGIN ourselves:
  ``BEGIN IMMEDIATE`` for any transaction that may write, so a writer takes the write lock
  before it reads and can never fail half-way with "database is locked" (a deferred
  transaction that reads and then writes cannot be rescued by the busy timeout);
  plain ``BEGIN`` for the read-only transactions of GET requests, which WAL never blocks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, DateTime, Engine, Enum, MetaData, String, event, type_coerce
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in Python, stored the same way on SQLite and PostgreSQL."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


# True while the current unit of work may write. Requests with safe methods set it False.
_write_intent: ContextVar[bool] = ContextVar("wfld_write_intent", default=True)


def set_write_intent(may_write: bool) -> None:
    _write_intent.set(may_write)


@contextmanager
def write_intent() -> Iterator[None]:
    """Mark a block inside a GET request that must write (its transaction starts IMMEDIATE)."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


@contextmanager
def reads_only() -> Iterator[None]:
    """Mark a block that only reads (its transactions start DEFERRED: no write lock), such as a
    background job gathering what it will render; its own writes use ``write_intent``."""
    token = _write_intent.set(False)
    try:
        yield
    finally:
        _write_intent.reset(token)


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Attach the pragmas and explicit BEGIN to a SQLite engine (no-op for other backends)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (see module docstring).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def string_enum(enum_cls: type[StrEnum], name: str, *, length: int = 20) -> Enum:
    """An enum stored as its value in a short string column with a CHECK constraint, the same
    on SQLite and PostgreSQL (no native PostgreSQL enum types to migrate)."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def contains_pattern(term: str) -> str:
    """A LIKE pattern matching ``term`` anywhere, with its own % and _ taken literally
    (use with ``escape="\\\\"``)."""
    escaped = term.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fast_dates(expression: ColumnElement) -> ColumnElement:
    """A date expression fetched as the driver gives it (ISO text on SQLite, dates on
    PostgreSQL), skipping SQLAlchemy's per-row parsing; read each value with ``to_date``.
    For queries that fetch tens of thousands of dates."""
    return type_coerce(expression, String)


def to_date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def plain_rows(session: Any, statement: Any) -> list[tuple]:
    """The statement's rows as the driver returns them: plain tuples, without SQLAlchemy's
    per-row processing (so dates stay ISO text on SQLite: see ``fast_dates``). Only for
    queries that fetch tens of thousands of rows of simple values."""
    result = session.connection().execute(statement)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


# Work to do once a transaction has committed (e.g. putting a background job on the queue
# that must find the committed rows): registered by a service, run by the save path.
_AFTER_COMMIT = "wfld.after_commit"


def after_commit(session: Any, work: Callable[[], None]) -> None:
    """Run ``work`` once the session's transaction has committed (by ``run_after_commit``,
    which the save path calls); dropped if it rolls back instead."""
    session.info.setdefault(_AFTER_COMMIT, []).append(work)


def run_after_commit(session: Any) -> None:
    for work in session.info.pop(_AFTER_COMMIT, []):
        work()


def _drop_after_commit(session: Any, *_args: Any) -> None:
    session.info.pop(_AFTER_COMMIT, None)


event.listen(Session, "after_rollback", _drop_after_commit)
