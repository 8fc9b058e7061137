"""Reads of supervision records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from wfld.extensions import db
from wfld.supervision.models import SupervisionRecord


def sessions_for(
    staff_ids: Sequence[int], *, since: dt.date | None = None
) -> dict[int, list[tuple[dt.date, int]]]:
    """Each person's sessions as (date, minutes), oldest first, in one statement: what the
    programme cadence rule (``programmes.rules.cadence_gaps``) reads."""
    found: dict[int, list[tuple[dt.date, int]]] = {i: [] for i in staff_ids}
    if not staff_ids:
        return found
    statement = (
        select(SupervisionRecord.staff_id, SupervisionRecord.held_on, SupervisionRecord.minutes)
        .where(SupervisionRecord.staff_id.in_(list(staff_ids)))
        .order_by(SupervisionRecord.staff_id, SupervisionRecord.held_on)
    )
    if since is not None:
        statement = statement.where(SupervisionRecord.held_on >= since)
    for staff_id, held_on, minutes in db.session.execute(statement):
        found[staff_id].append((held_on, minutes))
    return found
