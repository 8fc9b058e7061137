"""The layers of ARCHITECTURE.md: a domain imports only from the rows below it."""

from __future__ import annotations

import ast
from pathlib import Path

import wfld

PACKAGE = Path(wfld.__file__).parent
# Higher numbers sit higher; siblings share a number and must not import each other.
LAYER = {
    "core": 0,
    "extensions": 0,
    "accounts": 1,
    "organisation": 2,
    "frameworks": 2,
    "catalogue": 3,
    "learning": 4,
    "cpd": 5,
    "appraisal": 6,
    "programmes": 6,
    "main": 7,
    "reports": 7,
    "synthetic": 7,
    "bench": 8,
}
# The app factory, CLI and the registries of models and needs providers see everything.
ASSEMBLY = {"__init__", "cli", "models", "needs_providers"}


def _imported_domains(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("wfld."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("wfld."))
    return found


def test_every_package_has_a_layer():
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages <= set(LAYER), f"add {packages - set(LAYER)} to LAYER (and to ARCHITECTURE.md)"


def test_domains_import_only_lower_layers():
    problems = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        domain = relative.parts[0].removesuffix(".py")
        if domain in ASSEMBLY:
            continue
        for imported in _imported_domains(path) - {domain} - ASSEMBLY:
            if LAYER[imported] >= LAYER[domain] and not (
                LAYER[imported] == 0 and LAYER[domain] == 0
            ):
                problems.append(f"{relative} imports wfld.{imported}")
    assert problems == []
