"""The home page's own read: the signed-in person and the people who report to them."""

from __future__ import annotations

import datetime as dt
from functools import cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from wfld.extensions import db
from wfld.organisation.models import StaffMember, Team


@cache
def _person_and_reports() -> Select:
    """Built once, on first use (every home page runs it; only the person's id changes), and
    not at import, before every model is mapped."""
    report = aliased(StaffMember, name="report")
    return (
        select(StaffMember)
        .outerjoin(report, StaffMember.direct_reports.of_type(report))
        .where(StaffMember.id == bindparam("staff_id"))
        .options(
            joinedload(StaffMember.team).joinedload(Team.service_area),
            joinedload(StaffMember.job_role),
            joinedload(StaffMember.line_manager),
            contains_eager(StaffMember.direct_reports.of_type(report)).options(
                joinedload(report.team), joinedload(report.job_role)
            ),
        )
        .order_by(report.last_name, report.first_name, report.id)
    )


def person_and_reports(
    staff: StaffMember, *, today: dt.date
) -> tuple[StaffMember, list[StaffMember]]:
    """The person's record as the page shows it (team and service area, job role, line
    manager) and their direct reports in post by name (team, job role), in one statement where
    organisation's ``find_staff_for_user`` and ``list_direct_reports`` take two.

    The reports come as the person's whole ``direct_reports`` collection, ordered by the
    database as ``list_direct_reports`` orders them; leavers are left out with the model's own
    rule (``StaffMember.has_left``) rather than in the SQL, so the collection loaded is never a
    filtered one that a later read in the request would take for the whole.
    """
    person = db.session.scalars(_person_and_reports(), {"staff_id": staff.id}).unique().one()
    return person, [r for r in person.direct_reports if not r.has_left(today)]
