"""The regulator terms migration 0007 seeds, as typed terms, for tests of the pure rules."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import sqlalchemy as sa

from wfld.core.db import UTCDateTime
from wfld.cpd import rules

_MIGRATION = Path(__file__).parents[2] / "migrations" / "versions" / "0007_regulator_terms.py"


def _seeded() -> object:
    spec = importlib.util.spec_from_file_location("seeded_regulator_terms", _MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


_module = _seeded()
SEEDED_FROM: dt.date = _module.SEEDED_FROM
SWE_TERMS: rules.SweTerms = rules.parse_terms("swe", _module.SWE)
HCPC_TERMS: rules.HcpcTerms = rules.parse_terms("hcpc", _module.HCPC)
NMC_TERMS: rules.NmcTerms = rules.parse_terms("nmc", _module.NMC)
TERMS = rules.Terms(swe=SWE_TERMS, hcpc=HCPC_TERMS, nmc=NMC_TERMS)


def reseed(conn: sa.Connection) -> None:
    """Insert the seeded terms again, as migration 0007 did (after a test empties the tables)."""
    table = sa.table(
        "regulator_terms",
        sa.column("regulator", sa.String),
        sa.column("effective_from", sa.Date),
        sa.column("document", sa.JSON),
        sa.column("note", sa.String),
        sa.column("created_at", UTCDateTime),
        sa.column("created_by_id", sa.Integer),
    )
    conn.execute(table.insert(), _module.seed_rows())
