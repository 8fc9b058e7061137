"""The public-modules contract (import_contracts.py, ours: import-linter has no such type)
catches a domain reaching into another's private module, and lets the public ones through.
tests/test_layers.py runs every contract on the tree."""

from __future__ import annotations

from pathlib import Path

import pytest
from importlinter import configuration
from importlinter.application.use_cases import lint_imports

configuration.configure()  # what the lint-imports command does first: its file readers


SHOP = {
    "__init__.py": "",
    "core/__init__.py": "",
    "core/clock.py": "",
    "stock/__init__.py": "",
    "stock/queries.py": "from shop.core import clock\n",
    "stock/rules.py": "",
    "stock/seams.py": "",
    "orders/__init__.py": "",
    "cli.py": "from shop.stock import rules\n",
}
CONFIG = """
[importlinter]
root_packages =
    shop
contract_types =
    public_modules: import_contracts.PublicModulesContract

[importlinter:contract:public]
name = public modules
type = public_modules
container = shop
public =
    queries
shared =
    shop.stock.seams
open_domains =
    core
exempt =
    shop.cli
"""


@pytest.mark.parametrize(
    ("orders_imports", "kept"),
    [
        ("from shop.stock import queries", True),
        ("from shop.stock.queries import clock", True),  # inside a public module
        ("import shop.stock", True),  # the domain's package itself
        ("from shop.stock import seams", True),  # a shared module, by full name
        ("from shop.core import clock", True),  # plumbing
        ("from shop.stock import rules", False),  # a private module of another domain
        ("def later():\n    from shop.stock.rules import x", False),  # inside a function too
    ],
)
def test_a_domain_reaches_another_only_through_its_public_modules(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    orders_imports: str,
    kept: bool,
) -> None:
    for name, source in {**SHOP, "orders/views.py": orders_imports + "\n"}.items():
        path = tmp_path / "shop" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    (tmp_path / "contracts.ini").write_text(CONFIG, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    config = str(tmp_path / "contracts.ini")
    assert lint_imports(config_filename=config, cache_dir=None, no_logo=True) is kept
    report = capsys.readouterr().out
    # Broken for the breach itself, not for a mistake in the configuration.
    assert ("- shop.orders.views -> shop.stock.rules" in report) is not kept, report
