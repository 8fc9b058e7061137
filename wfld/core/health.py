"""Health checks for /healthz: does each service the app depends on answer?"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from wfld.core import jobs
from wfld.extensions import db

logger = logging.getLogger(__name__)


def database_status() -> str:
    """ "ok" or "unavailable"."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        logger.warning("The database does not answer", exc_info=True)
        return "unavailable"
    return "ok"


def queue_status() -> str:
    """ "ok" or "unavailable" (Redis down, the queue file unreadable)."""
    return jobs.queue_status()
