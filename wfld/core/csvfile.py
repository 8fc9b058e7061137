"""CSV files that spreadsheets open safely: the one writer every export goes through."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 500


def _starts_a_formula(value: str) -> bool:
    # Leading apostrophes are looked through, so a value that already starts with the
    # prefix is prefixed again and csv_unsafe can always undo exactly what csv_safe did.
    return value.lstrip("'")[:1] in FORMULA_STARTS


def csv_safe(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ (or a tab or carriage return) as
    formulas: a leading apostrophe makes them plain text."""
    return "'" + value if _starts_a_formula(value) else value


def csv_unsafe(value: str) -> str:
    """The exact inverse of csv_safe, for files we exported and now import again."""
    if value[:1] == "'" and _starts_a_formula(value[1:]):
        return value[1:]
    return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The header, then the rows in chunks of ROWS_PER_CHUNK; every text cell formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_safe(cell) for cell in header])
    pending = 0
    for row in rows:
        writer.writerow([csv_safe(cell) if isinstance(cell, str) else cell for cell in row])
        pending += 1
        if pending == ROWS_PER_CHUNK:
            yield _take(buffer)
            pending = 0
    yield _take(buffer)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The whole file as one string (for the CLI and small exports)."""
    return "".join(csv_lines(header, rows))


def csv_download(
    header: Sequence[str], rows: Iterable[Sequence[object]], filename: str
) -> Response:
    """A streamed CSV attachment."""
    return Response(
        csv_lines(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
