"""Load the reference frameworks shipped in seeds/reference/frameworks/ (idempotent)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from wfld.core.errors_domain import RuleBroken
from wfld.frameworks.documents import DocumentError, parse_text
from wfld.frameworks.services import ImportResult, import_document


def load_reference_frameworks(
    directory: Path, *, now: dt.datetime
) -> list[tuple[str, ImportResult]]:
    results = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            doc = parse_text(path.read_text(encoding="utf-8"), filename=path.name)
        except DocumentError as problem:
            raise DocumentError([f"{path.name}: {p}" for p in problem.problems]) from None
        try:
            result = import_document(doc, actor=None, now=now, refresh_untouched_draft=True)
            results.append((path.name, result))
        except RuleBroken as problem:
            raise DocumentError([f"{path.name}: {p}" for p in problem.errors.values()]) from None
    return results
