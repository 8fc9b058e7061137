"""Shared pieces for the synthetic-data generators each domain keeps in ``synthetic.py``.

Generators insert in bulk through the session's connection (so everything is one
transaction) rather than one ORM object at a time: on PostgreSQL with COPY (a county's
million rows in seconds rather than minutes), elsewhere one executemany per chunk. They draw
every random choice from a ``random.Random`` seeded by the run's seed and the generator's
name: the same seed gives the same data.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Table, func, insert, select

from wfld.extensions import db

CHUNK = 5_000


@dataclass
class SyntheticRun:
    """What every generator is given: the seed, the clock and a place to report counts."""

    seed: int
    now: dt.datetime
    today: dt.date
    counts: dict[str, int] = field(default_factory=dict)

    def rng(self, name: str) -> random.Random:
        """A random source of its own for each generator, so one cannot shift another."""
        return random.Random(f"{self.seed}:{name}")

    def count(self, kind: str, n: int) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n


def table_of(model: Any) -> Table:
    return model if isinstance(model, Table) else model.__table__


def insert_rows(model: Any, rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows in chunks; returns how many."""
    table = table_of(model)
    if _copies():
        return _copy(table, rows)
    total = 0
    for chunk in _chunks(rows):
        db.session.execute(insert(table), chunk)
        total += len(chunk)
    return total


def insert_returning_ids(model: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert rows and return their new ids in the rows' order."""
    table = table_of(model)
    if _copies():
        # COPY returns nothing: take the ids from the table's sequence first, as the
        # insert would have (so a fresh database numbers the rows 1, 2, 3... the same way).
        ids = _next_ids(table, len(rows))
        _copy(table, ({**row, "id": id_} for row, id_ in zip(rows, ids, strict=True)))
        return ids
    ids: list[int] = []
    for chunk in _chunks(rows):
        result = db.session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), chunk
        )
        ids.extend(result.scalars())
    return ids


def _copies() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _next_ids(table: Table, n: int) -> list[int]:
    if not n:
        return []
    sequence = func.pg_get_serial_sequence(table.name, "id")
    ids = db.session.scalars(
        select(func.nextval(sequence)).select_from(func.generate_series(1, n))
    ).all()
    return sorted(ids)


def _copy(table: Table, rows: Iterable[dict[str, Any]]) -> int:
    """COPY the rows in (psycopg 3), each value through its column type's bind processing as
    an insert would, and the columns' Python-side defaults for the keys a row leaves out."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    connection = db.session.connection()
    dialect = connection.dialect
    named = [table.c[key] for key in first]
    defaulted = [
        c for c in table.c if c.key not in first and c.default is not None and not c.primary_key
    ]
    columns = named + defaulted
    defaults = [_default_of(c) for c in defaulted]
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    processed = [(i, p) for i, p in enumerate(processors) if p is not None]
    keys = [c.key for c in named]
    statement = "COPY {} ({}) FROM STDIN".format(
        dialect.identifier_preparer.format_table(table),
        ", ".join(dialect.identifier_preparer.format_column(c) for c in columns),
    )
    total = 0
    cursor = connection.connection.driver_connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for row in _with_first(first, rows):
                values = [row[k] for k in keys]
                values.extend(d() for d in defaults)
                for i, process in processed:
                    values[i] = process(values[i])
                copy.write_row(values)
                total += 1
    finally:
        cursor.close()
    return total


def _default_of(column: Column) -> Any:
    default = column.default
    if default.is_callable:
        return lambda: default.arg(None)
    if default.is_scalar:
        return lambda: default.arg
    raise ValueError(f"{column} has a default COPY cannot give: name it in the rows")


def _with_first(first: dict[str, Any], rest: Iterable[dict[str, Any]]) -> Iterable[dict]:
    yield first
    yield from rest


def _chunks(rows: Iterable[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A random day from first to last inclusive (first when the range is empty)."""
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def add_months(day: dt.date, months: int) -> dt.date:
    """``day + relativedelta(months=months)``, the same day (the month's last where it is
    shorter), without relativedelta's cost: generators call it hundreds of thousands of times."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )
