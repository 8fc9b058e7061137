"""Measuring tools for the benchmark: statistics, SQL recording and replay, memory.

Nothing here knows about pages or personas; ``runner.py`` puts the pieces together.
"""

from __future__ import annotations

import math
import re
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event

MIB = 1024 * 1024

# Statistics -------------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def p95(values: Sequence[float]) -> float:
    """The nearest-rank 95th percentile: the smallest value at least 95% of runs stay within
    (with 20 runs, the 19th fastest; with fewer than 20, the slowest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def timed(action: Callable[[], Any]) -> float:
    """Milliseconds that ``action()`` took."""
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


# SQL --------------------------------------------------------------------------------------

_TRANSACTION_CONTROL = re.compile(
    r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|END)\b", re.IGNORECASE
)
_READ = re.compile(r"^\s*(SELECT|WITH)\b", re.IGNORECASE)
_WRITE = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Statement:
    sql: str
    parameters: Any  # as the DBAPI received them (the dialect's paramstyle)

    @property
    def is_transaction_control(self) -> bool:
        return bool(_TRANSACTION_CONTROL.match(self.sql))

    @property
    def is_read(self) -> bool:
        """A plain read: SELECT, or WITH ... SELECT (a WITH that writes is not a read)."""
        return bool(_READ.match(self.sql)) and not (
            self.sql.lstrip()[:4].upper() == "WITH" and _WRITE.search(self.sql)
        )


class StatementRecorder:
    """Records every statement an engine sends to the database while the block is open."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[Statement] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001, PLR0913 - SQLAlchemy's event signature
        self.statements.append(Statement(statement, parameters))

    def __enter__(self) -> StatementRecorder:
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def counted(self) -> list[Statement]:
        """The statements that do work: BEGIN, COMMIT and friends left out, so that SQLite
        (whose BEGIN the app issues itself) and PostgreSQL count alike."""
        return [s for s in self.statements if not s.is_transaction_control]

    @property
    def reads(self) -> list[Statement]:
        return [s for s in self.counted if s.is_read]

    @property
    def writes(self) -> list[Statement]:
        return [s for s in self.counted if not s.is_read]


def replay_ms(engine: Engine, statements: Sequence[Statement]) -> float:
    """Milliseconds to run ``statements`` on a bare DBAPI connection and fetch every row:
    no ORM, no templates. Run in one transaction, as the page runs them, then rolled back."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        started = time.perf_counter()
        if engine.dialect.name == "sqlite":
            # core.db turns pysqlite's own transaction handling off: begin as the app does.
            cursor.execute("BEGIN")
        for statement in statements:
            cursor.execute(statement.sql, statement.parameters)
            cursor.fetchall()
        elapsed = (time.perf_counter() - started) * 1000
        cursor.close()
        raw.rollback()
        return elapsed
    finally:
        raw.close()


# Memory -----------------------------------------------------------------------------------


def _status_kib(field: str) -> int | None:
    """A ``kB`` field of /proc/self/status (Linux), or None elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def reset_peak_rss() -> bool:
    """Start a new peak-RSS measurement for this process. Linux lets a process reset its
    high-water mark (VmHWM) by writing 5 to /proc/self/clear_refs; True when that worked."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return _status_kib("VmHWM") is not None


def peak_rss_mib(*, since_reset: bool) -> float:
    """The peak resident set size: since the last reset_peak_rss() when it worked, else
    since the process started (getrusage's ru_maxrss, KiB on Linux)."""
    kib = _status_kib("VmHWM") if since_reset else None
    if kib is None:
        kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024


def current_rss_mib() -> float | None:
    kib = _status_kib("VmRSS")
    return None if kib is None else kib / 1024


def python_peak_mib(action: Callable[[], Any]) -> float:
    """How far memory allocated by Python rose above its starting point while ``action()``
    ran (tracemalloc). It does not see allocations made in C libraries, such as WeasyPrint's
    Pango and HarfBuzz, and makes the action several times slower."""
    already_tracing = tracemalloc.is_tracing()  # e.g. python -X tracemalloc: leave it on
    if already_tracing:
        tracemalloc.reset_peak()
    else:
        tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not already_tracing:
            tracemalloc.stop()
    return (peak - before) / MIB
