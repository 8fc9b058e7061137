"""Command-line tools: `flask --app wsgi seed demo`, `flask --app wsgi users create-admin`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from wfld import PROJECT_ROOT
from wfld.accounts import services as account_services
from wfld.accounts.roles import Role
from wfld.core import clock
from wfld.extensions import db
from wfld.organisation import queries as org_queries
from wfld.organisation import services as org_services
from wfld.organisation.seeding import demo_logins, demo_password, load_demo

seed = AppGroup("seed", help="Load data into the database.")
users = AppGroup("users", help="Manage sign-in accounts.")

DEMO_DIR = PROJECT_ROOT / "seeds" / "demo"


@seed.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no staff yet.")
def seed_demo(if_empty: bool) -> None:
    """Load the fictional demo council (running it twice changes nothing)."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException(
            "The demo council is never loaded in production (WFLD_ENV=production)"
        )
    if if_empty and org_queries.list_staff(per_page=1, status="all", today=clock.today()).total:
        click.echo("The database already has staff: demo council not loaded again.")
    else:
        summary = load_demo(DEMO_DIR, now=clock.now(), today=clock.today())
        db.session.commit()
        created = ", ".join(f"{n} {kind}" for kind, n in summary.created.items()) or "nothing new"
        click.echo(f"Demo council loaded: {created}.")
    click.echo("")
    click.echo(f"Demo sign-ins (password for all: {demo_password(DEMO_DIR)}):")
    for persona, email, description in demo_logins(DEMO_DIR):
        click.echo(f"  {persona:<15} {email:<45} {description}")


@users.command("create-admin")
@click.option("--email", prompt="Email address", help="The admin's email address.")
@click.option("--name", prompt="Full name", help="The admin's name as shown in the service.")
@click.password_option(help="At least 12 characters (you will be asked twice).")
def create_admin(email: str, name: str, password: str) -> None:
    """Create a system admin account (the first admin of a new installation)."""
    try:
        user = account_services.create_user(
            email=email,
            display_name=name,
            password=password,
            roles={Role.SYSTEM_ADMIN},
            now=clock.now(),
            actor=None,
        )
    except account_services.AccountError as problem:
        raise click.ClickException(str(problem)) from None
    staff = org_queries.find_staff_by_email(user.email)
    if staff is not None and staff.user is None:
        org_services.link_account(staff=staff, user=user)
    db.session.commit()
    click.echo(f"System admin {user.email} created.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed)
    app.cli.add_command(users)
