"""Learning's background tasks: recomputing stored statuses after a change that reaches many
people, picking up any a stopped consumer left behind, and the nightly check of the stored
rows against the rules (stored.py)."""

from __future__ import annotations

import datetime as dt
import logging

from flask import current_app
from huey import crontab

from wfld.core import clock
from wfld.core.jobs import huey, in_app_context
from wfld.extensions import db
from wfld.learning import queries, stored

logger = logging.getLogger(__name__)

RECOMPUTE = "learning.recompute"
# A running recomputation that has not moved for this long was left by a stopped consumer.
STALLED_AFTER = dt.timedelta(minutes=2)
# A pending one not picked up for this long was never queued (or the queue lost it).
UNQUEUED_AFTER = dt.timedelta(minutes=1)


@huey.task(name=RECOMPUTE, retries=2, retry_delay=10)
@in_app_context
def recompute(recomputation_id: int) -> str | None:
    state = stored.run_recomputation(recomputation_id)
    return state.value if state is not None else None


def start_pending() -> int:
    """Queue every pending recomputation (after the change that asked for it committed)."""
    ids = queries.pending_recomputations()
    for recomputation_id in ids:
        recompute(recomputation_id)
    return len(ids)


def resume_left_behind(*, now: dt.datetime) -> list[int]:
    """Run again what a stopped consumer (or a refused queue) left pending or running."""
    ids = queries.left_behind_recomputations(
        queued_before=now - UNQUEUED_AFTER, moved_before=now - STALLED_AFTER
    )
    db.session.rollback()
    for recomputation_id in ids:
        logger.warning("Recomputation %s was left behind: running it again", recomputation_id)
        stored.run_recomputation(recomputation_id, force=True)
    return ids


@huey.periodic_task(crontab(minute="*"), name="learning.keep_statuses")
@in_app_context
def keep_statuses() -> None:
    """Every minute: finish recomputations left behind, and move shown bookings on."""
    now = clock.now()
    resume_left_behind(now=now)
    stored.roll_bookings_on(now=now)
    db.session.commit()


@huey.periodic_task(crontab(minute="45", hour="2"), name="learning.check_statuses")
@in_app_context
def check_statuses() -> int:
    """Nightly: a sample of people's stored rows checked against the rules (drift repaired
    and logged), after finishing anything left behind."""
    now = clock.now()
    resume_left_behind(now=now)
    repaired = stored.check_sample(now=now, size=current_app.config["STATUS_CHECK_SAMPLE"])
    db.session.commit()
    return len(repaired)
