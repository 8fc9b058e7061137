"""Reads of supervision records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import joinedload

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


def find_session(supervision_id: int) -> SupervisionRecord | None:
    return db.session.get(
        SupervisionRecord,
        supervision_id,
        options=[joinedload(SupervisionRecord.staff), joinedload(SupervisionRecord.supervisor)],
    )


def list_sessions_of(staff_id: int, *, held_by: int | None = None) -> list[SupervisionRecord]:
    """A person's sessions, newest first, with their supervisors; ``held_by`` keeps only the
    sessions one supervisor held (what a supervisor who is not the manager may see)."""
    statement = (
        select(SupervisionRecord)
        .where(SupervisionRecord.staff_id == staff_id)
        .options(joinedload(SupervisionRecord.supervisor))
        .order_by(SupervisionRecord.held_on.desc(), SupervisionRecord.id.desc())
    )
    if held_by is not None:
        statement = statement.where(SupervisionRecord.supervisor_id == held_by)
    return list(db.session.scalars(statement))


def has_supervised(supervisor_id: int, staff_id: int) -> bool:
    """Whether a record already names this supervisor for this person."""
    found = db.session.scalar(
        select(literal(True))
        .where(
            SupervisionRecord.supervisor_id == supervisor_id,
            SupervisionRecord.staff_id == staff_id,
        )
        .limit(1)
    )
    return bool(found)


@dataclass(frozen=True)
class Totals:
    sessions: int
    minutes: int


def totals_between(staff_id: int, *, start: dt.date, end: dt.date) -> Totals:
    """How many sessions a person had from ``start`` to ``end`` (both included), and for how
    long, counted in SQL."""
    sessions, minutes = db.session.execute(
        select(
            func.count(SupervisionRecord.id), func.coalesce(func.sum(SupervisionRecord.minutes), 0)
        ).where(
            SupervisionRecord.staff_id == staff_id,
            SupervisionRecord.held_on >= start,
            SupervisionRecord.held_on <= end,
        )
    ).one()
    return Totals(int(sessions), int(minutes))


@dataclass(frozen=True)
class TeamFigures:
    last_held_on: dt.date | None
    recent: int  # sessions on or after the ``since`` date asked about


def team_figures(staff_ids: Sequence[int], *, since: dt.date) -> dict[int, TeamFigures]:
    """Each person's last session and how many they had since a date, in one statement
    whatever the size of the team."""
    found = {i: TeamFigures(None, 0) for i in staff_ids}
    if not staff_ids:
        return found
    recent = func.sum(case((SupervisionRecord.held_on >= since, 1), else_=0))
    rows = db.session.execute(
        select(SupervisionRecord.staff_id, func.max(SupervisionRecord.held_on), recent)
        .where(SupervisionRecord.staff_id.in_(list(staff_ids)))
        .group_by(SupervisionRecord.staff_id)
    )
    for staff_id, last_held_on, count in rows:
        found[staff_id] = TeamFigures(last_held_on, int(count or 0))
    return found


def council_year(today: dt.date) -> tuple[dt.date, dt.date]:
    """The council's financial year (April to March) that ``today`` falls in."""
    start_year = today.year if today.month >= 4 else today.year - 1
    return dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31)
