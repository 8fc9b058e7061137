"""Command-line tools: `flask --app wsgi seed demo`, `flask --app wsgi users create-admin`."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from werkzeug.serving import make_server

from wfld import PROJECT_ROOT
from wfld.accounts import queries as account_queries
from wfld.accounts import services as account_services
from wfld.accounts.roles import Role
from wfld.appraisal.demo import load_demo_appraisal
from wfld.bench.command import bench_command
from wfld.catalogue.seeding import CatalogueFileError, load_catalogue, load_demo_sessions
from wfld.core import clock
from wfld.core.errors_domain import RuleBroken
from wfld.core.jobs_cli import jobs_cli, start_worker_process, stop_worker_process
from wfld.cpd.demo import load_demo_cpd
from wfld.extensions import db
from wfld.frameworks import queries as framework_queries
from wfld.frameworks import services as framework_services
from wfld.frameworks.documents import DocumentError, parse_text, to_csv, to_json
from wfld.frameworks.seeding import load_reference_frameworks
from wfld.learning import stored as stored_statuses
from wfld.learning.demo import load_demo_pathways
from wfld.organisation import queries as org_queries
from wfld.organisation import services as org_services
from wfld.organisation.seeding import demo_logins, demo_password, load_demo
from wfld.programmes.demo import load_demo_programmes
from wfld.programmes.seeding import LoadState, ProgrammeFileError, load_reference_programmes
from wfld.synthetic import PASSWORD as SYNTHETIC_PASSWORD
from wfld.synthetic import PERSONAS as SYNTHETIC_PERSONAS
from wfld.synthetic.council import (
    NotEmpty,
    load_synthetic_council,
    settle_after_load,
    synthetic_council_loaded,
)

seed = AppGroup("seed", help="Load data into the database.")
users = AppGroup("users", help="Manage sign-in accounts.")

frameworks_cli = AppGroup("frameworks", help="Import and export competency frameworks.")

DEMO_DIR = PROJECT_ROOT / "seeds" / "demo"
FRAMEWORKS_DIR = PROJECT_ROOT / "seeds" / "reference" / "frameworks"
CATALOGUE_FILE = PROJECT_ROOT / "seeds" / "reference" / "catalogue.csv"
PROGRAMMES_DIR = PROJECT_ROOT / "seeds" / "reference" / "programmes"


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
        now, today = clock.now(), clock.today()
        # Loaded in bulk: everyone's stored statuses are computed once, at the end.
        with stored_statuses.bulk_load(db.session):
            # The demo needs the reference data: both loads are idempotent.
            load_reference_frameworks(FRAMEWORKS_DIR, now=now)
            load_catalogue(CATALOGUE_FILE, now=now)
            summary = load_demo(DEMO_DIR, now=now, today=today)
            personas = [email for _, email, _ in demo_logins(DEMO_DIR)]
            sessions = load_demo_sessions(now=now, keep_free=personas)
            learning = load_demo_pathways(DEMO_DIR / "pathways.yaml", now=now, today=today)
            cpd_entries = load_demo_cpd(now=now, today=today)
            # After the frameworks and the council's job roles, which the templates name.
            load_reference_programmes(PROGRAMMES_DIR, now=now)
            programmes = load_demo_programmes(now=now, today=today)
            # After the catalogue and frameworks, which the development needs name.
            appraisal = load_demo_appraisal(now=now, today=today)
            stored_statuses.rebuild_all(now=now)
        db.session.commit()
        created = ", ".join(f"{n} {kind}" for kind, n in summary.created.items()) or "nothing new"
        click.echo(f"Demo council loaded: {created}.")
        click.echo(
            f"Demo learning: {sessions} sessions, {learning['pathways']} pathways, "
            f"{learning['completions']} past completions, {cpd_entries} CPD entries."
        )
        made = ", ".join(f"{n} {kind}" for kind, n in programmes.items()) or "nothing new"
        click.echo(f"Demo programmes: {made}.")
        made = ", ".join(f"{n} {kind}" for kind, n in appraisal.items()) or "nothing new"
        click.echo(f"Demo appraisals: {made}.")
    click.echo("")
    click.echo(f"Demo sign-ins (password for all: {demo_password(DEMO_DIR)}):")
    for persona, email, description in demo_logins(DEMO_DIR):
        click.echo(f"  {persona:<15} {email:<45} {description}")


def demo_sign_ins_banner(url: str) -> str:
    """What `make run` prints once the server listens: where it is and who to sign in as.

    Only personas whose account exists and may sign in today are listed, so a database loaded
    from other data says so rather than offering sign-ins that would fail.
    """
    today = clock.today()
    logins = [
        (persona, email, description)
        for persona, email, description in demo_logins(DEMO_DIR)
        if (user := account_queries.find_user_by_email(email)) is not None
        and user.may_sign_in(today)
    ]
    rule = "=" * 78
    lines = ["", rule, f"WFLD tracker: {url}   (Ctrl+C stops it)", ""]
    if logins:
        lines.append(f"Demo sign-ins (the password for all: {demo_password(DEMO_DIR)})")
        for persona, email, description in logins:
            lines.append(f"  {persona:<15} {email}")
            lines.append(f"  {'':<15} {description}")
    else:
        lines.append("This database has no demo sign-ins (load them: flask --app wsgi seed demo).")
    lines += [rule, ""]
    return "\n".join(lines)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="0 picks a free port.")
@click.option(
    "--worker/--no-worker",
    default=True,
    show_default=True,
    help="Run the background jobs consumer beside the server (stopped with it).",
)
@with_appcontext
def serve(host: str, port: int, worker: bool) -> None:
    """`make run`'s development server: the demo sign-ins are printed once it is listening,
    and the jobs consumer runs beside it until Ctrl+C (or SIGTERM) stops both."""
    app = current_app._get_current_object()
    if not app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException(
            "This is a development server: in production run gunicorn (see the README)"
        )
    try:
        server = make_server(host, port, app, threaded=True)
    except (OSError, SystemExit):  # werkzeug says why on stderr, then exits
        raise click.ClickException(
            f"Cannot listen on {host}:{port}: is the tracker already running? "
            "Choose another port, e.g. `make run PORT=5050`"
        ) from None
    banner = demo_sign_ins_banner(f"http://{host}:{server.server_port}")
    # The command's own session is done with; each request gets its own.
    db.session.remove()
    consumer = None
    if worker and not app.config["JOBS_IMMEDIATE"]:  # immediate: tasks run in the request
        consumer = start_worker_process(PROJECT_ROOT)
    # SIGTERM (a supervisor, `kill`) stops the server like Ctrl+C, so the consumer goes too.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        click.echo(banner)
        server.serve_forever()  # werkzeug's returns on Ctrl+C
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()
        if consumer is not None:
            stop_worker_process(consumer)
    click.echo("Stopped.")


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


@seed.command("synthetic")
@click.option("--staff", default=5000, show_default=True, help="How many people (at least 20).")
@click.option("--seed", "seed_", default=42, show_default=True, help="Same seed, same data.")
def seed_synthetic(staff: int, seed_: int) -> None:
    """Load a large fictional council for measuring speed, into an empty database."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException(
            "The synthetic council is never loaded in production (WFLD_ENV=production)"
        )
    if synthetic_council_loaded():
        click.echo("The synthetic council is already loaded: nothing changed.")
        return
    started = time.perf_counter()
    try:
        with stored_statuses.bulk_load(db.session):
            run = load_synthetic_council(
                staff=staff,
                seed=seed_,
                now=clock.now(),
                today=clock.today(),
                frameworks_dir=FRAMEWORKS_DIR,
                catalogue_file=CATALOGUE_FILE,
            )
            run.counts["stored statuses"] = stored_statuses.rebuild_all(now=clock.now())
    except NotEmpty:
        db.session.rollback()
        raise click.ClickException(
            "The database already has staff: load the synthetic council into an empty database "
            "(for example DATABASE_URL=sqlite:///instance/synthetic.sqlite3)"
        ) from None
    except ValueError as problem:
        db.session.rollback()
        raise click.ClickException(str(problem)) from None
    db.session.commit()
    settle_after_load()
    counts = ", ".join(f"{n} {kind}" for kind, n in run.counts.items())
    click.echo(f"Synthetic council loaded in {time.perf_counter() - started:.1f} s: {counts}.")
    click.echo(f"Sign-ins (password for all: {SYNTHETIC_PASSWORD}):")
    for persona, email in SYNTHETIC_PERSONAS.items():
        click.echo(f"  {persona:<15} {email}")


@seed.command("frameworks")
def seed_frameworks() -> None:
    """Load the reference frameworks (PCF, KSS, ...). A changed file becomes a new version."""
    try:
        results = load_reference_frameworks(FRAMEWORKS_DIR, now=clock.now())
    except DocumentError as problem:
        db.session.rollback()
        raise click.ClickException("\n".join(problem.problems)) from None
    db.session.commit()
    for name, result in results:
        state = "unchanged"
        if result.created:
            state = "new version"
        elif result.refreshed:
            state = "draft refreshed"
        click.echo(
            f"  {result.version.framework.code:<22} "
            f"version {result.version.number} ({state}) from {name}"
        )


@seed.command("programmes")
def seed_programmes() -> None:
    """Load the reference programme templates (ASYE, Step Up, ...). Load the frameworks first.
    A changed file becomes a new version; versions already stored are never rewritten."""
    try:
        results = load_reference_programmes(PROGRAMMES_DIR, now=clock.now())
    except ProgrammeFileError as problem:
        db.session.rollback()
        raise click.ClickException("\n".join(problem.problems)) from None
    db.session.commit()
    for code, result in results:
        if result.state is LoadState.SKIPPED:
            click.echo(f"  {code:<28} skipped: {result.problem}")
            continue
        click.echo(f"  {code:<28} version {result.template.version} ({result.state})")
        if result.problem:
            click.echo(f"  {'':<28} {result.problem}")


@seed.command("catalogue")
def seed_catalogue() -> None:
    """Load the reference learning catalogue (new titles only). Load the frameworks first."""
    try:
        result = load_catalogue(CATALOGUE_FILE, now=clock.now())
    except CatalogueFileError as problem:
        db.session.rollback()
        raise click.ClickException("\n".join(problem.problems)) from None
    db.session.commit()
    click.echo(
        f"Learning catalogue: {len(result.created)} activities added, "
        f"{result.unchanged} already there."
    )


@frameworks_cli.command("export")
@click.argument("code")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True
)
@click.option(
    "--version", "number", type=int, help="Version number (default: the current version)."
)
@click.option(
    "--output",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="File to write (default: stdout).",
)
def export_framework(code: str, fmt: str, number: int | None, output) -> None:  # noqa: ANN001
    """Write a framework version as JSON or CSV."""
    framework = framework_queries.find_framework_by_code(code)
    if framework is None:
        raise click.ClickException(f"There is no framework with code {code}")
    if number is None:
        version = (
            framework_queries.current_version(framework, today=clock.today())
            or framework.versions[-1]
        )
    else:
        version = next((v for v in framework.versions if v.number == number), None)
        if version is None:
            raise click.ClickException(f"{framework.code} has no version {number}")
    doc = framework_services.document_for(version)
    output.write(to_json(doc) if fmt == "json" else to_csv(doc))


@frameworks_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_framework(file: Path) -> None:
    """Import a framework version from JSON, YAML or CSV (nothing is written if it has problems)."""
    try:
        doc = parse_text(file.read_text(encoding="utf-8-sig"), filename=file.name)
        result = framework_services.import_document(doc, actor=None, now=clock.now())
    except UnicodeDecodeError:
        raise click.ClickException(f"{file.name}: the file must be UTF-8 text") from None
    except DocumentError as problem:
        raise click.ClickException(
            f"{file.name} was not imported:\n" + "\n".join(f"  {p}" for p in problem.problems)
        ) from None
    except RuleBroken as problem:
        raise click.ClickException(f"{file.name} was not imported: {problem}") from None
    db.session.commit()
    if result.created:
        click.echo(
            f"Imported {doc.code} as version {result.version.number} "
            f"({result.version.status.label.lower()})."
        )
    else:
        click.echo(
            f"{doc.code}: this content is already version {result.version.number}; nothing changed."
        )


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


learning_cli = AppGroup("learning", help="Stored learning statuses.")


@learning_cli.command("rebuild-statuses")
@click.option("--if-empty", is_flag=True, help="Only when no statuses are stored yet.")
def rebuild_statuses(if_empty: bool) -> None:
    """Recompute every person's stored statuses from the rules (after upgrading to a version
    that stores them, or to start afresh). Safe to run at any time."""
    if if_empty and stored_statuses.any_stored():
        click.echo("Stored statuses are already there: nothing rebuilt.")
        return
    started = time.perf_counter()
    rows = stored_statuses.rebuild_all(now=clock.now())
    db.session.commit()
    click.echo(f"Stored statuses rebuilt: {rows} rows in {time.perf_counter() - started:.1f} s.")


@learning_cli.command("recompute")
@click.option("--pathway", "pathway_id", type=int, required=True, help="The pathway's id.")
def recompute_pathway(pathway_id: int) -> None:
    """Recompute the stored statuses of everyone a pathway reaches, here and now (what the
    background job does after a change to it), printing how long it took."""
    from wfld.learning.models import Pathway

    if db.session.get(Pathway, pathway_id) is None:
        raise click.ClickException(f"No pathway {pathway_id}")
    started = time.perf_counter()
    recomputation = stored_statuses.request_recompute(
        pathway_id=pathway_id, reason="Asked for on the command line"
    )
    db.session.commit()
    stored_statuses.run_recomputation(recomputation.id)
    done = db.session.get(type(recomputation), recomputation.id)
    click.echo(
        f"Recomputed {done.total} people in {time.perf_counter() - started:.1f} s "
        f"({done.state.value})."
    )


@learning_cli.command("check-statuses")
@click.option("--sample", default=0, help="How many people to check (default: everyone).")
def check_statuses(sample: int) -> None:
    """Compare the stored statuses with the rules; repair (and list) anyone who drifted."""
    repaired = stored_statuses.check_sample(now=clock.now(), size=sample or None)
    db.session.commit()
    who = f"{sample} people" if sample else "everyone"
    click.echo(f"Checked {who}: {len(repaired)} repaired.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(learning_cli)
    app.cli.add_command(seed)
    app.cli.add_command(users)
    app.cli.add_command(frameworks_cli)
    app.cli.add_command(bench_command)
    app.cli.add_command(serve)
    app.cli.add_command(jobs_cli)
