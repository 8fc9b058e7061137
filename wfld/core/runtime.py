"""Process-level settings for serving requests (called from wsgi.py, so gunicorn workers and
``flask --app wsgi`` commands such as ``bench`` run the same way)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Collections of the youngest generation happen after this many new container objects
# (Python's default is 700). The service compliance view builds ~90,000 small tuples for a
# council of 5,000: with the default, cyclic collection took a quarter of its time
# (median 249 ms → 197 ms with this setting and the freeze below, measured with
# `flask --app wsgi bench --scenario service-compliance` on the synthetic council).
YOUNG_GENERATION_THRESHOLD = 10_000


def tune_garbage_collector() -> None:
    """Move everything loaded at start-up out of the collector's reach (it lives as long as
    the process anyway) and collect less often while a request allocates heavily."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)


@contextmanager
def default_collection() -> Iterator[None]:
    """Python's own collection thresholds for a block that builds many short-lived cycles
    (WeasyPrint's layout): its peak memory stays lower."""
    saved = gc.get_threshold()
    gc.set_threshold(700, saved[1], saved[2])
    try:
        yield
    finally:
        gc.set_threshold(*saved)
