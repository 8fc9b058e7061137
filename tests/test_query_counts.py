"""Pages run a bounded number of SQL statements, whatever the size of the organisation."""

from __future__ import annotations

import pytest

from tests.factories import make_staff
from tests.helpers import QueryCounter, sign_in
from wfld.extensions import db
from wfld.organisation.models import JobRole, StaffMember, Team

LIMIT = 12


def _grow(app, org, n: int) -> None:
    """Add n reports to the line manager, in both teams."""
    with app.app_context():
        manager = db.session.get(StaffMember, org.line_manager.staff_id)
        teams = [db.session.get(Team, org.team_a), db.session.get(Team, org.team_b)]
        role = db.session.get(JobRole, org.role_family_worker)
        for i in range(n):
            make_staff("Extra", f"Person{i:03d}", team=teams[i % 2], role=role, manager=manager)
        db.session.commit()


PAGES = [
    ("line_manager", lambda org: "/"),
    ("line_manager", lambda org: f"/people/{org.practitioner.staff_id}"),
    ("senior_manager", lambda org: "/people"),
    ("wfld_admin", lambda org: "/admin/staff"),
    ("wfld_admin", lambda org: "/admin/teams"),
    ("wfld_admin", lambda org: "/admin/job-roles"),
    ("wfld_admin", lambda org: f"/admin/teams/{org.team_a}"),
    ("wfld_admin", lambda org: f"/admin/staff/{org.line_manager.staff_id}"),
]


@pytest.mark.parametrize(
    ("persona", "path_for"), PAGES, ids=[f"{p}:{i}" for i, (p, _) in enumerate(PAGES)]
)
def test_statement_count_is_bounded_and_does_not_grow(app, client, org, persona, path_for):
    sign_in(client, getattr(org, persona).email)
    path = path_for(org)
    with QueryCounter(app) as small:
        assert client.get(path).status_code == 200
    _grow(app, org, 40)
    with QueryCounter(app) as large:
        assert client.get(path).status_code == 200
    assert large.count <= LIMIT, large.statements
    assert large.count == small.count, "one more statement per person is an N+1"
