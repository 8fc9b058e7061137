"""Shared pieces for the synthetic-data generators each domain keeps in ``synthetic.py``.

Generators insert in bulk (one executemany per chunk, through the session's connection so
everything is one transaction) rather than one ORM object at a time, and draw every random
choice from a ``random.Random`` seeded by the run's seed and the generator's name: the same
seed gives the same data.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, insert

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
    total = 0
    for chunk in _chunks(rows):
        db.session.execute(insert(table), chunk)
        total += len(chunk)
    return total


def insert_returning_ids(model: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert rows and return their new ids in the rows' order."""
    table = table_of(model)
    ids: list[int] = []
    for chunk in _chunks(rows):
        result = db.session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), chunk
        )
        ids.extend(result.scalars())
    return ids


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
