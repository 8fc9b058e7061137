"""Command-line tools: the demo council loads once and only once; the first admin."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.helpers import page, sign_in
from wfld.accounts.models import User
from wfld.accounts.roles import Role
from wfld.extensions import db
from wfld.organisation.models import JobRole, ServiceArea, StaffMember, Team


def _counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (ServiceArea, Team, JobRole, StaffMember, User)
        }


def test_seed_demo_loads_a_realistic_council_and_twice_changes_nothing(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    counts = _counts(app)
    assert counts["ServiceArea"] == 2
    assert 12 <= counts["Team"] <= 20
    assert counts["JobRole"] >= 30
    assert 140 <= counts["StaffMember"] <= 170
    for persona in (
        "practitioner",
        "nqsw",
        "line_manager",
        "wfld_admin",
        "senior_manager",
        "system_admin",
    ):
        assert persona in first.output

    second = runner.invoke(args=["seed", "demo"])
    assert second.exit_code == 0, second.output
    assert "nothing new" in second.output
    assert _counts(app) == counts

    with app.app_context():
        staff = db.session.scalars(select(StaffMember)).all()
        managers = {s.line_manager_id for s in staff}
        assert sum(1 for s in staff if s.line_manager_id is None) == 1, "one person at the top"
        assert {s.employment_type.value for s in staff} >= {
            "permanent",
            "agency",
            "apprentice",
            "student",
        }
        assert len(managers) > 15, "a line-management tree, with managers of managers"
        assert any(s.leaving_date for s in staff)


def test_seed_demo_if_empty_skips_a_database_with_staff(app, org):
    result = app.test_cli_runner().invoke(args=["seed", "demo", "--if-empty"])
    assert result.exit_code == 0
    assert "not loaded again" in result.output
    assert _counts(app)["StaffMember"] == 7


def test_demo_logins_work(app, client):
    app.test_cli_runner().invoke(args=["seed", "demo"])
    from wfld import PROJECT_ROOT
    from wfld.organisation.seeding import demo_logins, demo_password

    directory = PROJECT_ROOT / "seeds" / "demo"
    logins = dict((persona, email) for persona, email, _ in demo_logins(directory))
    assert sign_in(client, logins["wfld_admin"], demo_password(directory)).status_code == 302
    assert page(client.get("/admin/staff")).h1 == "Staff"


def test_seed_demo_refused_in_production(app_config):
    from wfld import create_app

    app = create_app({**app_config, "ENV_NAME": "production"})
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code != 0
    assert "never loaded in production" in result.output


def test_create_admin(app, client):
    result = app.test_cli_runner().invoke(
        args=["users", "create-admin", "--email", "Admin@Council.example", "--name", "First Admin"],
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "admin@council.example"))
        assert user.roles == {Role.SYSTEM_ADMIN}
    assert sign_in(client, "admin@council.example", "a long enough password").status_code == 302
    again = app.test_cli_runner().invoke(
        args=["users", "create-admin", "--email", "admin@council.example", "--name", "Again"],
        input="a long enough password\na long enough password\n",
    )
    assert again.exit_code != 0 and "already exists" in again.output


def test_create_admin_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create-admin", "--email", "a@council.example", "--name", "A"],
        input="short\nshort\n",
    )
    assert result.exit_code != 0
    assert "12 characters" in result.output
