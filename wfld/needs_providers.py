"""Every domain's needs provider, listed in one place (as ``wfld/models.py`` lists models).

The home page and the training-needs matrix read needs through this registry only, so a
domain that starts creating needs (programmes, appraisal) is added here and appears on both.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from wfld.appraisal.needs import PROVIDER as APPRAISAL
from wfld.core.needs import Need, NeedsProvider, Period, Tally
from wfld.learning.needs import PROVIDER as LEARNING

PROVIDERS: tuple[NeedsProvider, ...] = (LEARNING, APPRAISAL)


def provider(name: str) -> NeedsProvider:
    """One domain's provider by its name (``"learning"``); KeyError for an unknown one."""
    for found in PROVIDERS:
        if found.name == name:
            return found
    raise KeyError(name)


def all_needs(scope: Any, period: Period, *, now: dt.datetime) -> list[Need]:
    """Every provider's needs for the scope, most pressing priority first."""
    needs = [n for p in PROVIDERS for n in p.needs(scope, period, now=now)]
    return sorted(needs, key=lambda n: n.priority)


def tally(scope: Any, period: Period, *, now: dt.datetime) -> Tally:
    """Every provider's counts for the scope, added together."""
    total = Tally()
    for found in PROVIDERS:
        total = total + found.tally(scope, period, now=now)
    return total
