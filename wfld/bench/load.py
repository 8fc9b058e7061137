"""`make load`: the production server under a mixed journey of concurrent users.

    python -m wfld.bench.load --backend sqlite|postgresql --users 8 --duration 60s

1. Makes sure the database holds the synthetic council (``db upgrade``, then ``seed synthetic``
   only when its practitioner persona has no account yet; ``--personas demo`` uses the demo
   council instead).
2. Picks who signs in: ordinary social workers with a line manager, line managers, and the
   service-wide personas (see ``locustfile.py`` for the journey).
3. Starts gunicorn (``wsgi:app``) on a free loopback port, waits for ``/healthz``.
4. Runs locust headless against it: a short warm-up that is not counted (each worker
   compiles its templates and fills its caches), then the measured duration.
5. Prints throughput, p50/p95/p99, failures by kind (5xx, "database is locked" in responses
   and in the server's log), one line per page, each worker's resident memory, and PASS or
   MISS against the issue's targets.
6. Always stops gunicorn. Exits non-zero only when the run could not happen (``--strict``
   also fails on a missed target).

Four sync workers by default, measured on 2 cores against 2, 3 and 5 sync workers and gthread
(2 workers x 2 or 4 threads): with only quick pages 2 workers answer about 10% more requests,
but one slow page (service compliance, a PDF) then holds half the server and every quick page
queues behind it; with 4 the quick pages keep their p95 while a slow one runs. gthread spread
few keep-alive clients unevenly over its workers (one busy, one idle) and used more memory.

The app runs with ``WFLD_ENV=development`` and ``DATABASE_URL`` set: production's settings
differ only in needing the secret from the environment, refusing demo data and marking the
session cookie Secure, which a client on plain-HTTP loopback would never send back. Under
gunicorn Flask's debug mode is off either way.

Only this file's pure helpers are imported by tests; locust runs as a separate process.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LOCUSTFILE = Path(__file__).with_name("locustfile.py")

DEFAULT_URLS = {
    "sqlite": f"sqlite:///{PROJECT_ROOT / 'instance' / 'synthetic.sqlite3'}",
    "postgresql": "postgresql://postgres@127.0.0.1:5432/wfld_synthetic",
}
DEMO_URLS = {
    "sqlite": f"sqlite:///{PROJECT_ROOT / 'instance' / 'loaddemo.sqlite3'}",
    "postgresql": "postgresql://postgres@127.0.0.1:5432/wfld_loaddemo",
}


# The jobs consumer's niceness (as the README's systemd unit sets it).
CONSUMER_NICENESS = 10


# The targets for 8 concurrent users.
@dataclass(frozen=True)
class Targets:
    min_rps: float = 100.0
    max_p95_ms: float = 200.0
    max_p99_ms: float = 500.0
    max_failures: int = 0
    # Each web worker's peak resident memory (VmHWM): the CPD PDF renders in the jobs
    # consumer, so no web worker carries WeasyPrint.
    max_worker_rss_mib: float = 150.0


TARGETS = Targets()


# -- pure helpers (tested) -------------------------------------------------------------------
def parse_duration(text: str) -> int:
    """Seconds in a locust-style duration: ``90``, ``60s``, ``2m``, ``1h30m``, ``1m30s``."""
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    parts = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", text)
    if not text or parts is None:
        raise ValueError(f"not a duration: {text!r} (use e.g. 60s, 2m, 1m30s)")
    hours, minutes, seconds = (int(p or 0) for p in parts.groups())
    return hours * 3600 + minutes * 60 + seconds


@dataclass(frozen=True)
class EndpointStats:
    method: str
    name: str
    requests: int
    failures: int
    rps: float
    median_ms: float
    average_ms: float
    max_ms: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:  # "N/A" when an entry had no requests
        return 0.0


def read_stats(text: str) -> tuple[list[EndpointStats], EndpointStats]:
    """Locust's ``*_stats.csv``: one row per request name, then the "Aggregated" row."""
    rows, total = [], None
    for row in csv.DictReader(io.StringIO(text)):
        entry = EndpointStats(
            method=row["Type"],
            name=row["Name"],
            requests=int(row["Request Count"]),
            failures=int(row["Failure Count"]),
            rps=_number(row["Requests/s"]),
            median_ms=_number(row["Median Response Time"]),
            average_ms=_number(row["Average Response Time"]),
            max_ms=_number(row["Max Response Time"]),
            p50_ms=_number(row["50%"]),
            p95_ms=_number(row["95%"]),
            p99_ms=_number(row["99%"]),
        )
        if row["Name"] == "Aggregated" and not row["Type"]:
            total = entry
        else:
            rows.append(entry)
    if total is None:
        raise ValueError("locust's statistics have no Aggregated row")
    return rows, total


@dataclass(frozen=True)
class Failure:
    method: str
    name: str
    kind: str
    count: int


def failure_kind(error: str) -> str:
    """The message set by the locustfile, without locust's exception wrapper."""
    wrapped = re.fullmatch(r"\w+\((['\"])(.*)\1\)", error.strip(), re.S)
    return wrapped.group(2) if wrapped else error.strip()


def read_failures(text: str) -> list[Failure]:
    """Locust's ``*_failures.csv``."""
    return [
        Failure(row["Method"], row["Name"], failure_kind(row["Error"]), int(row["Occurrences"]))
        for row in csv.DictReader(io.StringIO(text))
    ]


def failures_by_kind(failures: list[Failure]) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for failure in failures:
        kinds[failure.kind] = kinds.get(failure.kind, 0) + failure.count
    return dict(sorted(kinds.items(), key=lambda item: (-item[1], item[0])))


def count_server_errors(failures: list[Failure]) -> int:
    return sum(f.count for f in failures if re.match(r"HTTP 5\d\d", f.kind))


def count_locked(failures: list[Failure], server_log: str) -> tuple[int, int]:
    """'database is locked': in responses (failures) and in the server's log."""
    in_responses = sum(f.count for f in failures if "database is locked" in f.kind)
    return in_responses, server_log.count("database is locked")


def vmrss_kib(status_text: str, key: str = "VmRSS") -> int | None:
    """A ``/proc/<pid>/status`` memory line, in KiB."""
    found = re.search(rf"^{key}:\s+(\d+)\s+kB", status_text, re.M)
    return int(found.group(1)) if found else None


@dataclass
class Verdict:
    label: str
    value: str
    target: str
    ok: bool


@dataclass
class Outcome:
    total: EndpointStats
    rows: list[EndpointStats]
    failures: list[Failure]
    server_log_errors: int
    locked_in_log: int
    # Each web worker's peak resident memory over its life (VmHWM), and what it held at the end.
    workers_rss_mib: dict[int, float] = field(default_factory=dict)
    workers_now_mib: dict[int, float] = field(default_factory=dict)
    consumer_peak_rss_mib: float | None = None  # the jobs consumer (reported, not judged)


def verdicts(outcome: Outcome, targets: Targets = TARGETS) -> list[Verdict]:
    total = outcome.total
    locked_responses, _ = count_locked(outcome.failures, "")
    locked = locked_responses + outcome.locked_in_log
    failures = total.failures + outcome.server_log_errors
    worst_rss = max(outcome.workers_rss_mib.values(), default=0.0)
    return [
        Verdict(
            "throughput",
            f"{total.rps:.1f} req/s",
            f">= {targets.min_rps:g}",
            total.rps >= targets.min_rps,
        ),
        Verdict(
            "p95",
            f"{total.p95_ms:.0f} ms",
            f"<= {targets.max_p95_ms:g} ms",
            0 < total.p95_ms <= targets.max_p95_ms,
        ),
        Verdict(
            "p99",
            f"{total.p99_ms:.0f} ms",
            f"<= {targets.max_p99_ms:g} ms",
            0 < total.p99_ms <= targets.max_p99_ms,
        ),
        Verdict(
            "errors", f"{failures}", f"{targets.max_failures}", failures <= targets.max_failures
        ),
        Verdict('"database is locked"', f"{locked}", "0", locked == 0),
        Verdict(
            "worker peak RSS",
            f"{worst_rss:.0f} MiB",
            f"<= {targets.max_worker_rss_mib:g} MiB",
            bool(outcome.workers_rss_mib) and worst_rss <= targets.max_worker_rss_mib,
        ),
    ]


def format_report(outcome: Outcome, *, heading: list[str]) -> str:
    total, lines = outcome.total, list(heading)
    failure_count = total.failures
    lines += [
        "",
        f"Requests: {total.requests}   failures: {failure_count}   "
        f"throughput: {total.rps:.1f} req/s",
        f"Latency: p50 {total.p50_ms:.0f} ms   p95 {total.p95_ms:.0f} ms   "
        f"p99 {total.p99_ms:.0f} ms   max {total.max_ms:.0f} ms",
        "",
        f"{'page':<28} {'reqs':>6} {'fail':>5} {'req/s':>6} {'p50':>6} {'p95':>6} {'p99':>6}"
        f" {'max':>6}",
    ]
    for row in sorted(outcome.rows, key=lambda r: -r.requests):
        lines.append(
            f"{(row.method + ' ' + row.name)[:28]:<28} {row.requests:>6} {row.failures:>5} "
            f"{row.rps:>6.1f} {row.p50_ms:>6.0f} {row.p95_ms:>6.0f} {row.p99_ms:>6.0f} "
            f"{row.max_ms:>6.0f}"
        )
    lines += ["", "Failures by kind:"]
    kinds = failures_by_kind(outcome.failures)
    if not kinds:
        lines.append("  none")
    for kind, count in kinds.items():
        lines.append(f"  {count:>6}  {kind}")
    locked_responses, _ = count_locked(outcome.failures, "")
    lines += [
        f"  5xx responses: {count_server_errors(outcome.failures)}; "
        f'"database is locked": {locked_responses} in responses, '
        f"{outcome.locked_in_log} in the server log; "
        f"errors logged by the app: {outcome.server_log_errors}",
        "",
        "Web workers' peak resident memory (VmHWM; at the end of the run, VmRSS):",
    ]
    if not outcome.workers_rss_mib:
        lines.append("  not measured (no worker processes found)")
    for pid, mib in sorted(outcome.workers_rss_mib.items()):
        now = outcome.workers_now_mib.get(pid)
        lines.append(f"  worker {pid}: peak {mib:.1f} MiB" + (f" (now {now:.1f})" if now else ""))
    if outcome.consumer_peak_rss_mib is not None:
        lines.append(
            f"  jobs consumer (PDFs): peak {outcome.consumer_peak_rss_mib:.1f} MiB (not judged)"
        )
    lines += ["", "Targets (8 concurrent users):"]
    for verdict in verdicts(outcome):
        mark = "PASS" if verdict.ok else "MISS"
        lines.append(
            f"  {mark}  {verdict.label:<22} {verdict.value:>12}  (target {verdict.target})"
        )
    return "\n".join(lines)


# -- the database ------------------------------------------------------------------------------
def _app_env(database_url: str, jobs_queue: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"WFLD_ENV": "development", "DATABASE_URL": database_url})
    if jobs_queue is not None:  # the run's own queue: nothing left over from an earlier run
        env["WFLD_JOBS_SQLITE_PATH"] = str(jobs_queue)
        env.pop("WFLD_REDIS_URL", None)
    env["PYTHONPATH"] = str(PROJECT_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _flask(database_url: str, *args: str, timeout: int) -> None:
    command = [str(BIN / "flask"), "--app", "wsgi", *args]
    print(f"$ flask --app wsgi {' '.join(args)}", flush=True)
    subprocess.run(  # noqa: S603 - our own CLI
        command, cwd=PROJECT_ROOT, env=_app_env(database_url), check=True, timeout=timeout
    )


def _engine(database_url: str):  # noqa: ANN202
    from sqlalchemy import create_engine

    from config import normalise_database_url

    return create_engine(normalise_database_url(database_url))


def _create_postgresql_database(database_url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    name = url.database
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            print(f"Creating PostgreSQL database {name}", flush=True)
            connection.execute(
                psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name))
            )


def _has_account(database_url: str, email: str) -> bool:
    from sqlalchemy import text

    engine = _engine(database_url)
    try:
        with engine.connect() as connection:
            return (
                connection.execute(
                    text("SELECT 1 FROM users WHERE email = :email"), {"email": email}
                ).first()
                is not None
            )
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Personas:
    kind: str  # "synthetic" or "demo"
    password: str
    emails: dict[str, str]


def personas_for(kind: str) -> Personas:
    if kind == "demo":
        from wfld.organisation.seeding import demo_logins, demo_password

        directory = PROJECT_ROOT / "seeds" / "demo"
        emails = {persona: email for persona, email, _ in demo_logins(directory)}
        return Personas("demo", demo_password(directory), emails)
    from wfld.synthetic import PASSWORD, PERSONAS

    return Personas("synthetic", PASSWORD, dict(PERSONAS))


def prepare_database(
    backend: str, database_url: str, personas: Personas, *, staff: int, seed: int
) -> None:
    if backend == "sqlite":
        path = database_url.removeprefix("sqlite:///")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    else:
        _create_postgresql_database(database_url)
    _flask(database_url, "db", "upgrade", timeout=600)
    if _has_account(database_url, personas.emails["practitioner"]):
        print(f"The {personas.kind} council is already loaded.", flush=True)
        # Loaded before statuses were stored: fill them once.
        _flask(database_url, "learning", "rebuild-statuses", "--if-empty", timeout=600)
        return
    if personas.kind == "demo":
        _flask(database_url, "seed", "demo", timeout=600)
    else:
        _flask(
            database_url,
            "seed",
            "synthetic",
            "--staff",
            str(staff),
            "--seed",
            str(seed),
            timeout=3600,
        )


def build_plan(database_url: str, personas: Personas, *, people: int, seed: int) -> dict:
    """Who signs in: ordinary social workers, line managers, and the service-wide personas."""
    import datetime as dt

    from sqlalchemy import and_, exists, or_, select
    from sqlalchemy.orm import aliased

    from wfld.models import LearningActivity, LearningSession, StaffMember, User, UserRole

    today = dt.date.today()
    report = aliased(StaffMember)
    signs_in = and_(
        User.is_enabled.is_(True),
        User.password_hash.is_not(None),
        or_(User.access_ends_on.is_(None), User.access_ends_on > today),
        StaffMember.start_date <= today,
        or_(StaffMember.leaving_date.is_(None), StaffMember.leaving_date > today),
        ~exists().where(UserRole.user_id == User.id),
    )
    manages = exists().where(
        report.line_manager_id == StaffMember.id,
        or_(report.leaving_date.is_(None), report.leaving_date > today),
    )
    people_sql = (
        select(User.email).join(StaffMember, StaffMember.user_id == User.id).where(signs_in)
    )
    practitioners_sql = people_sql.where(
        StaffMember.line_manager_id.is_not(None),
        StaffMember.regulator == "swe",
        ~manages,
    ).order_by(StaffMember.id)
    managers_sql = people_sql.where(manages).order_by(StaffMember.id)
    bookable_sql = (
        select(LearningSession.activity_id)
        .join(LearningActivity, LearningActivity.id == LearningSession.activity_id)
        .where(
            LearningSession.starts_at > dt.datetime.now(dt.UTC),
            LearningSession.is_cancelled.is_(False),
            LearningActivity.is_active.is_(True),
        )
        .distinct()
        .order_by(LearningSession.activity_id)
    )
    engine = _engine(database_url)
    try:
        with engine.connect() as connection:
            practitioners = list(connection.scalars(practitioners_sql))
            managers = list(connection.scalars(managers_sql))
            bookable = list(connection.scalars(bookable_sql))
    finally:
        engine.dispose()
    chooser = random.Random(seed)
    persona_emails = set(personas.emails.values())
    practitioners = [e for e in practitioners if e not in persona_emails]
    practitioners = chooser.sample(practitioners, min(people, len(practitioners)))
    line_manager = personas.emails["line_manager"]
    others = [e for e in managers if e not in persona_emails]
    managers = [line_manager, *chooser.sample(others, min(4, len(others)))]
    viewers = [personas.emails["wfld_admin"], personas.emails["senior_manager"]]
    return {
        "personas": personas.kind,
        "password": personas.password,
        "practitioners": practitioners,
        "line_managers": managers,
        "service_viewers": viewers,
        "bookable_activities": bookable,
    }


# -- the server --------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(base_url: str, server: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {server.returncode} while starting")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f}s")


def worker_pids(master: int) -> list[int]:
    """The gunicorn master's child processes (its workers)."""
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        return [int(pid) for pid in children.read_text().split()]
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return pids


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def system_busy_seconds(proc_stat: str) -> float:
    """CPU seconds all processes have used (the first line of ``/proc/stat``)."""
    fields = [int(v) for v in proc_stat.splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _postgres_cpu(database: str | None) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving ``database`` (ps shows its name)."""
    found: dict[int, float] = {}
    if not database:
        return found
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            title = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {database} " in title:
            found[int(cmdline.parent.name)] = _cpu_seconds(int(cmdline.parent.name))
    return found


def _system_busy() -> float:
    return system_busy_seconds(Path("/proc/stat").read_text())


def _memory_mib(pid: int, key: str) -> float | None:
    try:
        kib = vmrss_kib(Path(f"/proc/{pid}/status").read_text(), key)
    except OSError:
        return None
    return kib / 1024 if kib is not None else None


def _stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # gunicorn's master stops its workers gracefully
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # its own session: the master and its workers
        process.wait(timeout=grace)


# -- the run -------------------------------------------------------------------------------------
def run(args: argparse.Namespace) -> int:
    duration = parse_duration(args.duration)
    warmup = parse_duration(args.warmup) if args.warmup not in ("", "0") else 0
    mix = user_mix(args.users, args.line_managers, args.service_viewers)
    personas = personas_for(args.personas)
    urls = DEMO_URLS if personas.kind == "demo" else DEFAULT_URLS
    database_url = args.database_url or urls[args.backend]
    if args.backend == "postgresql" and not database_url.startswith("postgres"):
        raise SystemExit("--backend postgresql needs a postgresql:// database URL")
    if args.backend == "sqlite" and not database_url.startswith("sqlite:///"):
        raise SystemExit("--backend sqlite needs a sqlite:/// database URL")

    prepare_database(args.backend, database_url, personas, staff=args.staff, seed=args.seed)
    plan = build_plan(database_url, personas, people=args.people, seed=args.seed)
    if not plan["practitioners"]:
        raise SystemExit("No ordinary social worker with an account was found to sign in as")

    workdir = Path(tempfile.mkdtemp(prefix="wfld-load-"))
    pg_database = _database_name(database_url) if args.backend == "postgresql" else None
    plan_file = workdir / "plan.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    server_log = workdir / "gunicorn.log"
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    gunicorn = [
        str(BIN / "gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        args.app,
    ]
    if args.preload:
        gunicorn.insert(1, "--preload")
    heading = [
        f"== make load: {args.backend} ({_redact(database_url)}), {personas.kind} council ==",
        f"Server: gunicorn {args.app}, {args.worker_class}, {args.workers} workers"
        + (f" x {args.threads} threads" if args.worker_class == "gthread" else "")
        + (", --preload" if args.preload else "")
        + f", on {base_url}; app config WFLD_ENV=development "
        "(production's settings apart from Secure cookies, which plain-HTTP loopback drops)",
        f"Load: locust headless, {args.users} users signed in as {mix['practitioners']} social "
        f"workers, {mix['line_managers']} line manager(s), {mix['service_viewers']} service-wide "
        f"viewer(s) (from {len(plan['practitioners'])}, {len(plan['line_managers'])} and "
        f"{len(plan['service_viewers'])} people); think time "
        f"{os.environ.get('WFLD_LOAD_WAIT', '0')}s; {warmup}s warm-up (not counted), then "
        f"{duration}s measured",
    ]
    print("\n".join(heading), flush=True)

    app_env = _app_env(database_url, workdir / "jobs.sqlite3")
    consumer_log = workdir / "consumer.log"
    with server_log.open("wb") as log, consumer_log.open("wb") as jobs_log:
        server = subprocess.Popen(  # noqa: S603 - our own virtualenv's gunicorn
            gunicorn,
            cwd=PROJECT_ROOT,
            env=app_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        # The jobs consumer beside the web server, as in production: it makes the CPD PDFs,
        # at a lower CPU priority (the README's unit sets Nice=10): pages come first, and a
        # PDF waits a little longer when the machine is busy.
        consumer = subprocess.Popen(  # noqa: S603 - our own virtualenv's flask
            [str(BIN / "flask"), "--app", "wsgi", "jobs", "worker", "--workers", "2"],
            cwd=PROJECT_ROOT,
            env=app_env,
            stdout=jobs_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=lambda: os.nice(CONSUMER_NICENESS),  # noqa: PLW1509 - no threads yet
        )
        try:
            _wait_healthy(base_url, server)
            if warmup:
                _locust(args, base_url, plan_file, warmup, workdir / "warmup", mix)
                _, warm = read_stats(Path(f"{workdir / 'warmup'}_stats.csv").read_text())
                heading.append(
                    f"Warm-up: {warm.requests} requests, {warm.failures} failures (not counted)"
                )
            workers_before = {pid: _cpu_seconds(pid) for pid in worker_pids(server.pid)}
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            busy_before = _system_busy()
            postgres_before = _postgres_cpu(pg_database)
            started = time.monotonic()
            prefix = workdir / "locust"
            output = _locust(args, base_url, plan_file, duration, prefix, mix)
            elapsed = time.monotonic() - started
            busy = _system_busy() - busy_before
            postgres_cpu = sum(
                cpu - postgres_before.get(pid, 0.0)
                for pid, cpu in _postgres_cpu(pg_database).items()
            )
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            locust_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            pids = worker_pids(server.pid)
            peaks = {pid: _memory_mib(pid, "VmHWM") for pid in pids}
            rss = {pid: mib for pid, mib in peaks.items() if mib is not None}
            now = {pid: mib for pid in pids if (mib := _memory_mib(pid, "VmRSS")) is not None}
            consumer_peak = _memory_mib(consumer.pid, "VmHWM")
            workers_cpu = sum(_cpu_seconds(pid) - workers_before.get(pid, 0.0) for pid in pids)
        finally:
            _stop(server)
            _stop(consumer)

    stats_file = Path(f"{prefix}_stats.csv")
    rows, total = read_stats(stats_file.read_text(encoding="utf-8"))
    failures_file = Path(f"{prefix}_failures.csv")
    failures = (
        read_failures(failures_file.read_text(encoding="utf-8")) if failures_file.exists() else []
    )
    log_text = server_log.read_text(encoding="utf-8", errors="replace")
    outcome = Outcome(
        total=total,
        rows=rows,
        failures=failures,
        server_log_errors=log_text.count("Unhandled error"),
        locked_in_log=log_text.count("database is locked"),
        workers_rss_mib=rss,
        workers_now_mib=now,
        consumer_peak_rss_mib=consumer_peak,
    )
    others = max(0.0, busy - workers_cpu - locust_cpu - postgres_cpu)
    heading.append(
        f"CPU (cores busy over {elapsed:.0f}s): gunicorn workers {workers_cpu / elapsed:.2f}, "
        f"PostgreSQL {postgres_cpu / elapsed:.2f}, locust {locust_cpu / elapsed:.2f}, "
        f"everything else {others / elapsed:.2f}; the machine has {os.cpu_count()}"
    )
    if others / elapsed > 0.2:
        heading.append(
            "WARNING: other processes were busy during the run: these figures understate "
            "what the server can do on a quiet machine"
        )
    warnings = [
        line
        for line in output.stderr.splitlines()
        if "WARNING" in line or "ERROR" in line or "Traceback" in line
    ]
    heading += [f"locust: {line.strip()}" for line in warnings[:10]]
    print(format_report(outcome, heading=heading[3:]), flush=True)
    if outcome.server_log_errors or outcome.locked_in_log:
        print(f"\nServer log kept: {server_log}")
        keep = True
    else:
        keep = args.keep
    if keep:
        print(f"Locust statistics and the server log: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    missed = [v for v in verdicts(outcome) if not v.ok]
    return 1 if (args.strict and missed) else 0


def user_mix(users: int, line_managers: int, service_viewers: int) -> dict[str, int]:
    """How many of the users are of each kind: the rest are social workers (at least one)."""
    line_managers = min(line_managers, max(0, users - 1))
    service_viewers = min(service_viewers, max(0, users - 1 - line_managers))
    return {
        "practitioners": users - line_managers - service_viewers,
        "line_managers": line_managers,
        "service_viewers": service_viewers,
    }


def _locust(
    args: argparse.Namespace,
    base_url: str,
    plan_file: Path,
    seconds: int,
    prefix: Path,
    mix: dict[str, int],
) -> subprocess.CompletedProcess:
    command = [
        str(BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.users),
        "--run-time",
        f"{seconds}s",
        "--host",
        base_url,
        "--csv",
        str(prefix),
        "--only-summary",
        "--stop-timeout",
        "10",
        "--exit-code-on-error",
        "0",
        "--loglevel",
        "WARNING",
    ]
    env = dict(
        os.environ,
        WFLD_LOAD_PLAN=str(plan_file),
        WFLD_LOAD_LINE_MANAGERS=str(mix["line_managers"]),
        WFLD_LOAD_SERVICE_VIEWERS=str(mix["service_viewers"]),
    )
    output = subprocess.run(  # noqa: S603 - our own virtualenv's locust
        command,
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds + 120,
        check=False,
    )
    if output.returncode != 0 or not Path(f"{prefix}_stats.csv").exists():
        sys.stderr.write(output.stdout[-4000:] + output.stderr[-4000:])
        raise SystemExit(f"locust did not run (exit code {output.returncode})")
    return output


def _database_name(url: str) -> str | None:
    from sqlalchemy.engine import make_url

    return make_url(url).database


def _redact(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]+@", r"//\1:***@", url)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m wfld.bench.load", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", help="default: the synthetic council's own database")
    parser.add_argument("--users", type=int, default=8, help="concurrent users (default 8)")
    parser.add_argument("--duration", default="60s", help="e.g. 60s, 2m (default 60s)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--worker-class", choices=("sync", "gthread"), default="sync")
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument(
        "--app", default="wsgi:app", help='gunicorn\'s app, e.g. "wfld:create_app({...})"'
    )
    parser.add_argument("--preload", action="store_true", help="gunicorn --preload")
    parser.add_argument("--personas", choices=("synthetic", "demo"), default="synthetic")
    parser.add_argument("--staff", type=int, default=5000, help="synthetic council size to load")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--people", type=int, default=40, help="social workers to sign in as")
    parser.add_argument(
        "--warmup", default="5s", help="an unmeasured run first, to warm the workers (0: none)"
    )
    parser.add_argument("--line-managers", type=int, default=1, help="of the users (default 1)")
    parser.add_argument(
        "--service-viewers", type=int, default=1, help="of the users, WFLD admin etc. (default 1)"
    )
    parser.add_argument("--keep", action="store_true", help="keep locust's CSV and the log")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.users < 1 or args.workers < 1 or args.threads < 1:
        raise SystemExit("--users, --workers and --threads must be at least 1")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
