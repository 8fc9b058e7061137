"""The queue's own periodic tasks (Huey's crontab, run by a consumer started with periodic
tasks on): expiring old downloads, failing jobs whose worker went away, and SQLite upkeep."""

from __future__ import annotations

import datetime as dt
import logging

from flask import current_app
from huey import crontab

from wfld.core import clock
from wfld.core import jobs_services as services
from wfld.core.jobs import huey, in_app_context, results_folder
from wfld.extensions import db

logger = logging.getLogger(__name__)


@huey.periodic_task(crontab(minute="*/15"), name="core.expire_results")
@in_app_context
def expire_results() -> int:
    """Downloads are kept for JOBS_RESULT_DAYS (7) days, then their files are deleted."""
    count = services.expire_results(folder=results_folder(), now=clock.now())
    db.session.commit()
    if count:
        logger.info("Deleted %d expired downloads", count)
    return count


@huey.periodic_task(crontab(minute="*/5"), name="core.fail_stale_jobs")
@in_app_context
def fail_stale_jobs() -> int:
    stale_after = dt.timedelta(minutes=current_app.config["JOBS_STALE_MINUTES"])
    count = services.fail_stale_jobs(now=clock.now(), stale_after=stale_after)
    db.session.commit()
    if count:
        logger.warning("Failed %d jobs whose worker had gone", count)
    return count


@huey.periodic_task(crontab(minute="30", hour="3"), name="core.optimise_sqlite")
@in_app_context
def optimise_sqlite() -> bool:
    """SQLite's own advice: PRAGMA optimize now and then keeps the query planner's statistics
    fresh. Only for the app's database when it is SQLite; PostgreSQL's autovacuum does this."""
    if db.engine.dialect.name != "sqlite":
        return False
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA optimize")
        connection.commit()  # it may write the statistics tables
    return True
