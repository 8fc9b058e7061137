"""CSV downloads that spreadsheets open safely."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: make them plain text."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


ROWS_PER_CHUNK = 500


def csv_download(header: Sequence[str], rows: Iterable[Sequence[str]], filename: str) -> Response:
    """A streamed CSV attachment (in chunks of rows); every text cell is made formula-safe."""

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        pending = 0
        for row in rows:
            writer.writerow([csv_safe(cell) if isinstance(cell, str) else cell for cell in row])
            pending += 1
            if pending == ROWS_PER_CHUNK:
                yield _take(buffer)
                pending = 0
        yield _take(buffer)

    return Response(
        lines(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
