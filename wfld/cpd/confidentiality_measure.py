"""How well the confidentiality check does on a labelled corpus: recall and false-positive rate.

    .venv/bin/python -m wfld.cpd.confidentiality_measure [corpus.yaml]

The corpus (by default tests/cpd/confidentiality_corpus.yaml) has ``identifying`` sentences,
each with the details the check should find, and ``ordinary`` sentences that should raise
nothing. Recall is the share of listed details that a finding overlaps; the false-positive
rate is the share of ordinary sentences with any finding. Pure apart from reading the file.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from wfld.cpd import confidentiality

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "tests/cpd/confidentiality_corpus.yaml"


@dataclass(frozen=True)
class Case:
    text: str
    find: tuple[str, ...] = ()  # empty: an ordinary sentence


@dataclass(frozen=True)
class Measure:
    details: int
    details_found: int
    ordinary: int
    ordinary_flagged: int
    missed: list[tuple[str, str]] = field(default_factory=list)  # (sentence, detail)
    false_alarms: list[tuple[str, str]] = field(default_factory=list)  # (sentence, excerpt)

    @property
    def recall(self) -> float:
        return self.details_found / self.details if self.details else 1.0

    @property
    def false_positive_rate(self) -> float:
        return self.ordinary_flagged / self.ordinary if self.ordinary else 0.0


def load_corpus(path: Path = DEFAULT_CORPUS) -> list[Case]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = [Case(item["text"], tuple(item["find"])) for item in data["identifying"]]
    cases += [Case(item["text"]) for item in data["ordinary"]]
    return cases


def _overlaps(excerpt: str, detail: str) -> bool:
    return detail in excerpt or excerpt in detail


def measure(cases: Sequence[Case]) -> Measure:
    details = found = ordinary = flagged = 0
    missed: list[tuple[str, str]] = []
    false_alarms: list[tuple[str, str]] = []
    for case in cases:
        excerpts = [f.excerpt for f in confidentiality.scan({"text": case.text})]
        if case.find:
            for detail in case.find:
                details += 1
                if any(_overlaps(excerpt, detail) for excerpt in excerpts):
                    found += 1
                else:
                    missed.append((case.text, detail))
        else:
            ordinary += 1
            if excerpts:
                flagged += 1
                false_alarms.extend((case.text, excerpt) for excerpt in excerpts)
    return Measure(details, found, ordinary, flagged, missed, false_alarms)


def report(result: Measure) -> str:
    lines = [
        f"Recall: {result.recall:.1%} ({result.details_found} of {result.details} "
        "identifying details found)",
        f"False-positive rate: {result.false_positive_rate:.1%} ({result.ordinary_flagged} of "
        f"{result.ordinary} ordinary sentences flagged)",
    ]
    lines += [f"Missed: {detail!r} in {text!r}" for text, detail in result.missed]
    lines += [f"False alarm: {excerpt!r} in {text!r}" for text, excerpt in result.false_alarms]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    path = Path(args[0]) if args else DEFAULT_CORPUS
    print(report(measure(load_corpus(path))))  # noqa: T201 - a command-line report
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
