"""The one place that reads the clock, so tests can freeze time.

Rules take ``today``/``now`` as parameters; views, services and CLI commands call these.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """The current instant, aware, in UTC."""
    if _frozen is not None:
        return _frozen
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date in England, where the council works."""
    return now().astimezone(LONDON).date()


def freeze(instant: dt.datetime | None) -> None:
    """Pin the clock (tests only); None releases it."""
    global _frozen
    if instant is not None and instant.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen = instant.astimezone(dt.UTC) if instant is not None else None
