"""The layers of ARCHITECTURE.md, enforced by import-linter (.importlinter, `make layers`): a
domain imports only from the rows below it, and every package has a row; views never import
SQLAlchemy; a domain reaches another only through its public modules. Run here too, so the
test suite fails on a breach with lint-imports' report of which import broke which contract.
(This replaces the hand-written AST walk: one list of layers, not two that could disagree.)"""

from __future__ import annotations

from pathlib import Path

from importlinter import configuration
from importlinter.application.use_cases import lint_imports

ROOT = Path(__file__).resolve().parent.parent
configuration.configure()  # what the lint-imports command does first: its file readers


def test_the_tree_keeps_every_import_contract() -> None:
    assert lint_imports(config_filename=str(ROOT / ".importlinter"), cache_dir=None, no_logo=True)
