"""Run the benchmark's scenarios in-process against the app's own database.

Each persona signs in once through the real sign-in form (CSRF token and all), so the pages
are measured exactly as a signed-in browser gets them. Apart from what signing in and out
writes (session rows, sign-in attempts, audit events) the benchmark only reads.
"""

from __future__ import annotations

import contextvars
import gc
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, update

from wfld import PROJECT_ROOT
from wfld.accounts import queries as account_queries
from wfld.bench import measure
from wfld.bench.scenarios import Scenario
from wfld.core import clock, jobs
from wfld.core.jobs_models import Job
from wfld.extensions import db
from wfld.organisation import queries as org_queries
from wfld.organisation.seeding import demo_logins, demo_password
from wfld.synthetic import PASSWORD as SYNTHETIC_PASSWORD
from wfld.synthetic import PERSONAS as SYNTHETIC_PERSONAS

# Production sits behind TLS: request the pages over https, as browsers do.
BASE_URL = "https://localhost"
_CSRF_FIELD = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)


class BenchError(Exception):
    """The benchmark cannot run (no such persona, a page that does not answer 200...)."""


# Personas ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Personas:
    kind: str
    emails: dict[str, str]  # persona -> email
    password: str
    how_to_load: str


PERSONA_KINDS = ("synthetic", "demo")


def personas_for(kind: str) -> Personas:
    if kind == "synthetic":
        return Personas(
            kind,
            dict(SYNTHETIC_PERSONAS),
            SYNTHETIC_PASSWORD,
            "load the synthetic council first: "
            "flask --app wsgi seed synthetic --staff 5000 --seed 42",
        )
    if kind == "demo":
        directory = PROJECT_ROOT / "seeds" / "demo"
        return Personas(
            kind,
            {persona: email for persona, email, _ in demo_logins(directory)},
            demo_password(directory),
            "load the demo council first: flask --app wsgi seed demo",
        )
    raise ValueError(f"unknown persona set {kind!r}")


def check_personas(app: Flask, personas: Personas, needed: Iterable[str]) -> None:
    """Every persona the scenarios need has an account that may sign in."""
    with app.app_context():
        for persona in sorted(set(needed)):
            email = personas.emails.get(persona)
            user = account_queries.find_user_by_email(email) if email else None
            if user is None or not user.may_sign_in(clock.today()):
                raise BenchError(
                    f"There is no {personas.kind} {persona} who can sign in "
                    f"({email or 'no email'}): {personas.how_to_load}"
                )


def _csrf_token(html: str) -> str:
    match = _CSRF_FIELD.search(html)
    if match is None:
        raise BenchError("The page has no CSRF token")
    return match.group(1) or match.group(2)


class SignedIn:
    """One test client per persona, each signed in once through the real sign-in form.

    Signing in costs a password hash check (argon2, tens of milliseconds), so it happens
    once per persona, never per run. Each page request refreshes the idle timeout.
    """

    def __init__(self, app: Flask, personas: Personas) -> None:
        self.app = app
        self.personas = personas
        self._clients: dict[str, FlaskClient] = {}

    def client(self, persona: str) -> FlaskClient:
        if persona not in self._clients:
            self._clients[persona] = self._sign_in(persona)
        return self._clients[persona]

    def _sign_in(self, persona: str) -> FlaskClient:
        client = self.app.test_client()
        email = self.personas.emails[persona]
        form = client.get("/sign-in", base_url=BASE_URL)
        response = client.post(
            "/sign-in",
            base_url=BASE_URL,
            # Over https, Flask-WTF also checks the Referer is this site, as browsers send it.
            headers={"Referer": f"{BASE_URL}/sign-in"},
            data={
                "csrf_token": _csrf_token(form.get_data(as_text=True)),
                "email": email,
                "password": self.personas.password,
            },
        )
        if response.status_code != 302:
            raise BenchError(
                f"Could not sign in as the {persona} ({email}): the sign-in page answered "
                f"{response.status_code} (wrong password, or locked out for 5 minutes?)"
            )
        return client

    def sign_out_all(self) -> None:
        """End the benchmark's sessions, so no live session outlives it."""
        for client in self._clients.values():
            home = client.get("/", base_url=BASE_URL)
            if home.status_code == 200:
                token = _csrf_token(home.get_data(as_text=True))
                client.post(
                    "/sign-out",
                    base_url=BASE_URL,
                    headers={"Referer": f"{BASE_URL}/"},
                    data={"csrf_token": token},
                )
        self._clients.clear()


# One scenario -----------------------------------------------------------------------------


@dataclass
class Result:
    """One scenario's measures: the keys of the JSON output (see the command's help)."""

    scenario: str
    path: str
    persona: str
    runs: int
    warmup: int
    median_ms: float
    p95_ms: float
    min_ms: float
    max_ms: float
    statements: int
    write_statements: int
    floor_ms: float | None
    floor_statements: int | None
    ratio: float | None
    peak_rss_mib: float
    peak_rss_scope: str  # "scenario" or "process" (see measure.peak_rss_mib)
    python_peak_mib: float | None
    rss_growth_pct: float | None
    growth_renders: int | None
    response_bytes: int
    target: dict[str, float]
    met: bool | None
    missed: list[str]
    backend: str
    staff: int
    personas: str

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, float):
                data[key] = round(value, 3)
        return data


def _fetch(client: FlaskClient, scenario: Scenario) -> bytes:
    """GET the page and read the whole body (a streamed response runs to the end)."""
    if scenario.job_from is not None:
        return _fetch_job(client, scenario)
    response = client.get(scenario.path, base_url=BASE_URL)
    try:
        body = response.get_data()
    finally:
        response.close()
    if response.status_code != 200:
        where = response.headers.get("Location", "")
        raise BenchError(
            f"{scenario.name}: GET {scenario.path} answered {response.status_code}"
            + (f" (to {where})" if where else "")
        )
    return body


def _fetch_job(client: FlaskClient, scenario: Scenario) -> bytes:
    """Ask for a background job with the button on its page (a POST with the page's CSRF
    token), then download the file it made: the job runs in this process (the bench puts the
    queue in immediate mode), so the time is the person's wait for their file."""
    token = getattr(client, "_bench_csrf_token", None)
    if token is None:
        page = client.get(scenario.job_from, base_url=BASE_URL)
        token = _csrf_token(page.get_data(as_text=True))
        client._bench_csrf_token = token  # type: ignore[attr-defined]
    asked = client.post(
        scenario.path,
        base_url=BASE_URL,
        headers={"Referer": f"{BASE_URL}{scenario.job_from}"},
        data={"csrf_token": token, **dict(scenario.form)},
    )
    if asked.status_code != 302:
        raise BenchError(f"{scenario.name}: POST {scenario.path} answered {asked.status_code}")
    status = client.get("/downloads/status", base_url=BASE_URL).get_json()
    newest = status["jobs"][0]
    if newest["state"] != "done":
        raise BenchError(f"{scenario.name}: the job ended {newest['state']}")
    response = client.get(f"/downloads/{newest['id']}", base_url=BASE_URL)
    try:
        body = response.get_data()
    finally:
        response.close()
    if response.status_code != 200:
        raise BenchError(f"{scenario.name}: its download answered {response.status_code}")
    if not scenario.copies:
        _forget_source(client.application, newest["id"])
    return body


def _forget_source(app: Flask, job_id: int) -> None:
    """The next ask lays the PDF out again instead of copying a kept file: forget what this
    job's file, and the asker's earlier ones of its kind, were made from."""
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.execute(
            update(Job)
            .where(Job.user_id == job.user_id, Job.kind == job.kind)
            .values(source_digest=None)
        )
        db.session.commit()


def _judge(scenario: Scenario, measured: dict[str, float | None]) -> tuple[bool | None, list[str]]:
    limits = scenario.target.limits()
    if not limits:
        return None, []
    # A measure that could not be taken (no floor, growth with one run) is not judged.
    judged = {name: limit for name, limit in limits.items() if measured[name] is not None}
    missed = [name for name, limit in judged.items() if measured[name] > limit]
    return (not missed if judged else None), missed


def run_scenario(
    scenario: Scenario,
    client: FlaskClient,
    engine: Engine,
    *,
    runs: int,
    warmup: int,
    python_heap: bool,
    context: dict[str, Any],
) -> Result:
    scoped = measure.reset_peak_rss()

    for _ in range(warmup):
        _fetch(client, scenario)
    times: list[float] = []
    rss_after: list[float | None] = []  # after each timed run, for the growth check
    for _ in range(runs):
        times.append(measure.timed(lambda: _fetch(client, scenario)))
        if scenario.memory_growth:
            gc.collect()  # outside the timed call: count memory still held, not garbage
            rss_after.append(measure.current_rss_mib())
    peak = measure.peak_rss_mib(since_reset=scoped)

    # One more, untimed, run records the SQL and (unless turned off) the Python heap:
    # tracemalloc slows everything down and takes memory itself, so it comes after the timed
    # runs and the peak.
    body: list[bytes] = []
    python_peak = None
    with measure.StatementRecorder(engine) as recorder:
        if python_heap:
            python_peak = measure.python_peak_mib(lambda: body.append(_fetch(client, scenario)))
        else:
            body.append(_fetch(client, scenario))

    floor_ms = ratio = None
    if scenario.has_floor and recorder.reads:
        for _ in range(warmup):
            measure.replay_ms(engine, recorder.reads)
        floor_ms = measure.median([measure.replay_ms(engine, recorder.reads) for _ in range(runs)])
        ratio = measure.median(times) / floor_ms if floor_ms > 0 else None

    growth_pct = _growth_pct(rss_after) if scenario.memory_growth else None
    measured: dict[str, float | None] = {
        "median_ms": measure.median(times),
        "p95_ms": measure.p95(times),
        "statements": len(recorder.counted),
        "ratio": ratio,
        "peak_rss_mib": peak,
        "rss_growth_pct": growth_pct,
    }
    met, missed = _judge(scenario, measured)
    return Result(
        scenario=scenario.name,
        path=scenario.path,
        persona=scenario.persona,
        runs=runs,
        warmup=warmup,
        median_ms=measure.median(times),
        p95_ms=measure.p95(times),
        min_ms=min(times),
        max_ms=max(times),
        statements=len(recorder.counted),
        write_statements=len(recorder.writes),
        floor_ms=floor_ms,
        floor_statements=len(recorder.reads) if floor_ms is not None else None,
        ratio=ratio,
        peak_rss_mib=peak,
        peak_rss_scope="scenario" if scoped else "process",
        python_peak_mib=python_peak,
        rss_growth_pct=growth_pct,
        growth_renders=runs if growth_pct is not None else None,
        response_bytes=len(body[0]),
        target=scenario.target.limits(),
        met=met,
        missed=missed,
        **context,
    )


def _growth_pct(rss_after: list[float | None]) -> float | None:
    """How much resident memory grew from after the first timed render to after the last,
    in per cent of the first (None with fewer than two, or where RSS cannot be read)."""
    if len(rss_after) < 2 or rss_after[0] is None or rss_after[-1] is None:
        return None
    return (rss_after[-1] - rss_after[0]) / rss_after[0] * 100


# All of them ------------------------------------------------------------------------------


def _context(app: Flask, personas: Personas) -> dict[str, Any]:
    with app.app_context():
        staff = org_queries.list_staff(per_page=1, status="all", today=clock.today()).total
        return {"backend": db.engine.dialect.name, "staff": staff, "personas": personas.kind}


def run(
    app: Flask,
    scenarios: Iterable[Scenario],
    personas: Personas,
    *,
    runs: int,
    warmup: int,
    python_heap: bool,
    report: Callable[[Result], None],
) -> None:
    """Run each scenario and hand its result to ``report`` as soon as it is known."""
    scenarios = list(scenarios)
    check_personas(app, personas, (s.persona for s in scenarios))
    # Jobs (the CPD PDF) run inside the request that asks, so their work is measured here.
    jobs.huey.immediate = True
    # A CLI command runs inside an app context. Were it still current, every request would
    # share it, and so share one database session (its identity map would serve objects
    # from earlier runs, and fewer statements). In a fresh contextvars context each request
    # pushes its own app context, with its own session, as in production.
    contextvars.Context().run(
        _run_all,
        app,
        scenarios,
        personas,
        runs=runs,
        warmup=warmup,
        python_heap=python_heap,
        report=report,
    )


def _run_all(
    app: Flask,
    scenarios: list[Scenario],
    personas: Personas,
    *,
    runs: int,
    warmup: int,
    python_heap: bool,
    report: Callable[[Result], None],
) -> None:
    context = _context(app, personas)
    with app.app_context():
        engine = db.engine
    signed_in = SignedIn(app, personas)
    try:
        for scenario in scenarios:
            result = run_scenario(
                scenario,
                signed_in.client(scenario.persona),
                engine,
                runs=runs,
                warmup=warmup,
                python_heap=python_heap,
                context=context,
            )
            report(result)
    finally:
        signed_in.sign_out_all()
