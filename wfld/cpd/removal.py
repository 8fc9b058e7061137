"""Which identifying words sit in an entry's earlier versions, and what removing them changes.

When the author takes flagged text (a name, an address, a date of birth...) out of a complete
entry, the earlier versions still hold it, and a line manager the entry is shared with can read
them. The author may remove those words from the earlier versions too.

What is removed is the whole field: in every earlier version, each field (title, description,
what they learnt, impact, peer reflection, peer role) that contains one of the words, in any
case, is replaced by "Removed by the author on <date>". Cutting out only the words or the
sentence would leave the rest of the paragraph, which may still identify the child through
the details around the name (a first name alone in the next sentence, the school, the
family's circumstances); the entry as it is now keeps the person's reflection.

Only words that are no longer in the entry as it is now are offered: removing them from the
history while the entry still shows them would protect nobody.

Pure: no Flask, no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from wfld.core.dates import long_date
from wfld.cpd import confidentiality

# The fields of a version a person wrote in words (dates, type and hours identify nobody).
TEXT_FIELDS = ("title", "description", "learning", "impact", "peer_reflection", "peer_role")


@dataclass(frozen=True)
class Flagged:
    """Words the check flags in one or more earlier versions."""

    excerpt: str
    kind: str
    reason: str
    version_numbers: tuple[int, ...]  # ascending
    still_in_entry: bool


def notice(on: dt.date) -> str:
    return f"Removed by the author on {long_date(on)}"


def _contains(text: str | None, words: Iterable[str]) -> bool:
    folded = (text or "").casefold()
    return any(word.casefold() in folded for word in words if word)


def flagged_in_versions(
    versions: Sequence[tuple[int, Mapping[str, str | None]]],
    current: Mapping[str, str | None],
) -> list[Flagged]:
    """Every distinct excerpt flagged in the earlier versions (number, fields), first seen
    first, with the versions holding it and whether the entry now still contains it."""
    seen: dict[str, tuple[str, set[int]]] = {}
    order: list[str] = []
    for number, fields in sorted(versions, key=lambda version: version[0]):
        texts = {name: fields.get(name) for name in TEXT_FIELDS}
        for finding in confidentiality.scan(texts):
            if finding.excerpt not in seen:
                seen[finding.excerpt] = (finding.kind, set())
                order.append(finding.excerpt)
            seen[finding.excerpt][1].add(number)
    flagged = []
    for excerpt in order:
        kind, numbers = seen[excerpt]
        # A word flagged in one version is removed from every version that holds it.
        numbers |= {n for n, fields in versions if _contains_any_field(fields, [excerpt])}
        flagged.append(
            Flagged(
                excerpt=excerpt,
                kind=kind,
                reason=confidentiality.REASONS.get(kind, ""),
                version_numbers=tuple(sorted(numbers)),
                still_in_entry=_contains_any_field(current, [excerpt]),
            )
        )
    return flagged


def _contains_any_field(fields: Mapping[str, str | None], words: Iterable[str]) -> bool:
    words = list(words)
    return any(_contains(fields.get(name), words) for name in TEXT_FIELDS)


def fields_to_replace(fields: Mapping[str, str | None], words: Iterable[str]) -> list[str]:
    """The text fields of one version that contain any of ``words`` (any case)."""
    words = list(words)
    return [name for name in TEXT_FIELDS if _contains(fields.get(name), words)]
