"""The regulator terms migration 0007 seeds, as typed terms, for tests of the pure rules."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

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
