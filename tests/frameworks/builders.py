"""Small framework documents for the tests (built as text, so they go through the parser)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from wfld.accounts.models import AuditEvent
from wfld.extensions import db
from wfld.frameworks.documents import FrameworkDoc, parse_text
from wfld.frameworks.models import Framework, FrameworkItem, FrameworkLevel, FrameworkVersion

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 11, 24, 10, 30, tzinfo=dt.UTC)


def nested_yaml(code: str = "TEST-FW", *, status: str = "published", extra: str = "") -> str:
    """A framework with levels, domains, statements and sub-statements."""
    return f"""\
code: {code}
title: Test framework {code}
custodian: The test council
version:
  label: "1"
  status: {status}
{extra}  levels:
    - {{code: junior, title: Junior}}
    - {{code: senior, title: Senior}}
  items:
    - code: "1"
      kind: domain
      title: First domain
      children:
        - code: "1.1"
          kind: statement
          title: First statement
          children:
            - {{code: "1.1.a", kind: sub_statement, title: First sub-statement}}
            - {{code: "1.1.b", kind: sub_statement, title: Second sub-statement}}
        - {{code: "1.2", kind: statement, title: Second statement}}
    - code: "2"
      kind: domain
      title: Second domain
      children:
        - {{code: "2.1", kind: statement, title: Third statement}}
    - {{code: "3", kind: statement, title: A top-level statement}}
"""


def nested_doc(code: str = "TEST-FW", **kwargs: object) -> FrameworkDoc:
    return parse_text(nested_yaml(code, **kwargs), filename="test.yaml")


def flat_doc(
    code: str,
    titles: list[str],
    *,
    status: str = "published",
    effective_from: dt.date | None = None,
    effective_to: dt.date | None = None,
) -> FrameworkDoc:
    lines = [
        f"code: {code}",
        f"title: Flat framework {code}",
        "custodian: The test council",
        "version:",
        '  label: "1"',
        f"  status: {status}",
    ]
    if effective_from:
        lines.append(f"  effective_from: {effective_from.isoformat()}")
    if effective_to:
        lines.append(f"  effective_to: {effective_to.isoformat()}")
    lines.append("  items:")
    for number, title in enumerate(titles, start=1):
        lines.append(f'    - {{code: "{number}", kind: statement, title: "{title}"}}')
    return parse_text("\n".join(lines) + "\n", filename="flat.yaml")


def row_counts() -> dict[str, int]:
    """Rows of every framework table and of the audit trail (call inside an app context)."""
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Framework, FrameworkVersion, FrameworkItem, FrameworkLevel, AuditEvent)
    }
