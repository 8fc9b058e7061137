"""`flask seed synthetic` at a tiny scale: what it builds, that it is deterministic, and where
it refuses to run. (Its speed at 5,000 staff is measured by the bench, never here.)"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import func, select

from tests.helpers import sign_in
from wfld.catalogue.models import Completion
from wfld.cpd.models import CpdEntry
from wfld.extensions import db
from wfld.learning.models import PathwayRequirement
from wfld.organisation import queries as org_queries
from wfld.organisation.models import StaffMember
from wfld.organisation.synthetic import AREAS, _people
from wfld.synthetic import HEAVY_CPD_ENTRIES, PASSWORD, PERSONAS

TODAY = dt.date(2026, 11, 23)


def _count(model, *where) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.committed  # the load runs VACUUM on a connection of its own
def test_a_small_synthetic_council_with_every_persona(app, client):
    result = app.test_cli_runner().invoke(args=["seed", "synthetic", "--staff", "60"])
    assert result.exit_code == 0, result.output
    assert "Synthetic council loaded" in result.output
    with app.app_context():
        assert _count(StaffMember) == 60
        assert _count(PathwayRequirement) == 60
        assert _count(Completion) > 0
        staff = {p: org_queries.find_staff_by_email(e) for p, e in PERSONAS.items()}
        assert all(staff.values()), staff
        practitioner = staff["practitioner"]
        assert _count(CpdEntry, CpdEntry.staff_id == practitioner.id) == HEAVY_CPD_ENTRIES
        below = db.session.scalars(
            org_queries.chain_below(staff["line_manager"].id, today=dt.date.today())
        ).all()
        assert practitioner.id in below, "the practitioner is in the line manager's team"
        # Managers of managers: the line manager reports to someone who has a manager too.
        assert staff["line_manager"].line_manager.line_manager is not None
    # Every persona signs in with the shared password.
    assert sign_in(client, PERSONAS["wfld_admin"], PASSWORD).status_code == 302

    again = app.test_cli_runner().invoke(args=["seed", "synthetic", "--staff", "60"])
    assert again.exit_code == 0
    assert "already loaded" in again.output
    with app.app_context():
        assert _count(StaffMember) == 60


def test_same_seed_same_people_and_a_different_seed_different_ones():
    def plan(seed: int) -> list[tuple]:
        people = _people(
            random.Random(f"{seed}:organisation"),
            TODAY,
            staff=500,
            areas=AREAS[:2],
            team_area=[None, None] + [k % 2 for k in range(8)],
            personas=PERSONAS,
            domain="synthetic.example",
        )
        return [(p.email, p.role, p.team, p.manager, p.start_date, p.leaving_date) for p in people]

    assert plan(42) == plan(42)
    assert plan(42) != plan(43)
    people = plan(42)
    assert len(people) == 500
    assert len({email for email, *_ in people}) == 500, "emails are unique"


def test_refuses_a_database_that_already_has_staff(app, org):
    result = app.test_cli_runner().invoke(args=["seed", "synthetic", "--staff", "50"])
    assert result.exit_code != 0
    assert "empty database" in result.output


def test_refuses_too_small_a_council(app):
    result = app.test_cli_runner().invoke(args=["seed", "synthetic", "--staff", "5"])
    assert result.exit_code != 0
    assert "at least 20" in result.output


def test_refused_in_production(app_config):
    from wfld import create_app

    app = create_app({**app_config, "ENV_NAME": "production", "DEMO_DATA_ALLOWED": False})
    result = app.test_cli_runner().invoke(args=["seed", "synthetic", "--staff", "50"])
    assert result.exit_code != 0
    assert "never loaded in production" in result.output
