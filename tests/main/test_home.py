"""The home page's person and direct reports: one statement (wfld/main/queries.py) that shows
what organisation's find_staff_for_user and list_direct_reports showed."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import NOW, TODAY, make_staff
from tests.helpers import QueryCounter, page, sign_in
from wfld.core import clock
from wfld.extensions import db
from wfld.main import queries
from wfld.organisation import queries as org_queries
from wfld.organisation.models import JobRole, StaffMember, Team


@pytest.fixture
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def reports(app, org) -> None:  # noqa: ANN001
    """Besides the fixture's reports: one who left yesterday, one who leaves tomorrow (still
    in post), and two surnames that sort before and after everyone else."""
    with app.app_context():
        manager = db.session.get(StaffMember, org.line_manager.staff_id)
        team = db.session.get(Team, org.team_a)
        role = db.session.get(JobRole, org.role_family_worker)
        make_staff("Lena", "Aalto", team=team, role=role, manager=manager)
        make_staff("Zak", "Zeller", team=team, role=role, manager=manager)
        make_staff(
            "Gone", "Yesterday", team=team, role=role, manager=manager,
            leaving_date=TODAY - dt.timedelta(days=1),
        )  # fmt: skip
        make_staff(
            "Still", "Tomorrow", team=team, role=role, manager=manager,
            leaving_date=TODAY + dt.timedelta(days=1),
        )  # fmt: skip
        db.session.commit()


def _reports_table(client) -> list[str]:  # noqa: ANN001
    home = page(client.get("/"))
    table = home.soup.find("caption", string="Direct reports").find_parent("table")
    return [row.find("td").get_text(strip=True) for row in table.select("tbody tr")]


@pytest.mark.usefixtures("frozen_clock", "reports")
def test_the_direct_reports_are_those_in_post_by_surname(app, client, org):
    sign_in(client, org.line_manager.email)
    shown = _reports_table(client)
    assert shown[0] == "Lena Aalto"
    assert shown[-1] == "Zak Zeller"
    assert "Still Tomorrow" in shown
    assert "Gone Yesterday" not in shown
    with app.app_context():
        expected = org_queries.list_direct_reports(org.line_manager.staff_id, today=TODAY)
        assert shown == [person.full_name for person in expected]
    assert f"Your direct reports ({len(shown)})" in page(client.get("/")).text()


@pytest.mark.usefixtures("reports")
def test_person_and_reports_is_one_statement_with_what_the_page_reads(app, org):
    with app.app_context():
        # As at sign-in: the record alone, none of its relationships loaded.
        me = db.session.get(StaffMember, org.line_manager.staff_id)
        with QueryCounter(app) as counted:
            person, in_post = queries.person_and_reports(me, today=TODAY)
            # What the page reads of them: no statement more.
            _ = (person.team.service_area.name, person.job_role.title, person.line_manager)
            _ = [(r.full_name, r.team.name, r.job_role.title) for r in in_post]
        reads = [s for s in counted.statements if s.lstrip().upper().startswith("SELECT")]
        assert len(reads) == 1, counted.statements
        assert person is me
        assert [r.id for r in in_post] == [
            r.id for r in org_queries.list_direct_reports(me.id, today=TODAY)
        ]
        # The collection loaded is the whole one, the leaver included: never a filtered one.
        assert "Gone Yesterday" in {r.full_name for r in person.direct_reports}


def test_someone_without_reports_has_none_and_their_manager(app, org):
    with app.app_context():
        me = db.session.get(StaffMember, org.practitioner.staff_id)
        person, in_post = queries.person_and_reports(me, today=TODAY)
        assert in_post == []
        assert person.line_manager.id == org.line_manager.staff_id
