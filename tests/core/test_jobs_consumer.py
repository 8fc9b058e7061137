"""A real consumer process (`flask jobs worker`) runs the jobs the app queues: on the embedded
SQLite queue and on Redis; ten people asking for their PDF at once all get it.

The consumer is another process, so the data it reads is really committed (the ``committed``
marker, for the PostgreSQL lane). Waiting for it polls the job record with a deadline: the
test fails if a job does not finish, never on how long it took.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from flask import Flask

from tests.conftest import IN_CI
from tests.core.consumer import DEADLINE_S, Consumer, running_consumer, worker_environment
from tests.factories import make_staff, make_user
from tests.helpers import csrf_token, sign_in
from wfld import PROJECT_ROOT
from wfld.core import jobs
from wfld.core.jobs_models import Job, JobState
from wfld.cpd import jobs as cpd_jobs
from wfld.extensions import db
from wfld.organisation.models import JobRole, Team

pytestmark = pytest.mark.committed

REDIS_URL = os.environ.get("WFLD_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as problem:
        message = f"Redis at {REDIS_URL} is not reachable: {problem.__class__.__name__}"
        if IN_CI:
            pytest.fail(message + " (CI=true: the Redis consumer test must run)", pytrace=False)
        pytest.skip(message)


@pytest.fixture(params=["sqlite", "redis"])
def queue(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The queue's settings, as the app's config and as the consumer's environment."""
    name = f"wfldtest{secrets.token_hex(4)}"  # one queue per test: nothing shared
    if request.param == "sqlite":
        yield {"JOBS_QUEUE_NAME": name, "JOBS_SQLITE_PATH": str(tmp_path / "jobs.sqlite3")}
        return
    _redis_or_skip()
    yield {"JOBS_QUEUE_NAME": name, "REDIS_URL": REDIS_URL}
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"huey.*{name}*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def app_config(app_config: dict, queue: dict[str, str]) -> dict:
    return {**app_config, **queue, "JOBS_IMMEDIATE": False}


@pytest.fixture
def consumer(app: Flask, app_config: dict, tmp_path: Path) -> Iterator[Consumer]:
    with running_consumer(app_config, tmp_path) as running:
        yield running


def test_a_consumer_process_makes_the_pdf_the_person_asked_for(app, client, org, consumer):
    sign_in(client, org.practitioner.email)
    token = csrf_token(client, "/cpd/me")
    asked = client.post("/cpd/me/record-pdf", data={"csrf_token": token, "period": "2026"})
    assert asked.status_code == 302
    with app.app_context():
        job_id = db.session.scalar(db.select(Job.id))
    (job,) = consumer.wait_for(app, [job_id])
    assert job.state is JobState.DONE, job.error
    assert job.worker and job.worker.endswith(f":{consumer.pid}")
    response = client.get(f"/downloads/{job_id}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["Content-Disposition"] == 'attachment; filename="cpd-record-2026.pdf"'


def test_ten_people_asking_for_their_pdf_at_once_all_get_it(app, org, consumer):
    with app.app_context():
        team = db.session.get(Team, org.team_a)
        role = db.session.get(JobRole, org.role_social_worker)
        askers = []
        for n in range(10):
            staff = make_staff(f"Asker{n}", "Tenfold", team=team, role=role)
            askers.append((make_user(staff), staff.id))
        db.session.commit()
        asker_ids = [user.id for user, _ in askers]
        today = dt.date(2026, 11, 23).isoformat()
        job_ids = [
            jobs.submit(
                cpd_jobs.make_record_pdf,
                staff_id,
                "two-years",
                today,
                actor=user,
                title="CPD record, the last two years (PDF)",
                ask_again_path=None,
            ).id
            for user, staff_id in askers
        ]
    finished = consumer.wait_for(app, job_ids)
    assert [job.state for job in finished] == [JobState.DONE] * 10, [j.error for j in finished]
    with app.app_context():
        folder = jobs.results_folder()
    for job, user_id in zip(finished, asker_ids, strict=True):
        assert job.user_id == user_id
        assert (folder / job.result_name).read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_make_runs_server_starts_a_consumer_and_stopping_it_stops_both(
    app_config: dict, stop: signal.Signals
) -> None:
    """`make run`'s `flask serve`: the consumer runs beside the server; Ctrl+C (SIGINT) or
    SIGTERM to the server stops both (no consumer is left behind)."""
    if app_config.get("REDIS_URL"):
        pytest.skip("make run uses the embedded SQLite queue")
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "serve", "--port", "0"],
        cwd=PROJECT_ROOT,
        env=worker_environment(app_config),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        # Reading waits for lines: a server that never says so is killed, ending the loop.
        watchdog = threading.Timer(DEADLINE_S, server.kill)
        watchdog.start()
        output = []
        for line in server.stdout:  # the banner, then the consumer saying it has started
            output.append(line)
            if "Huey consumer started" in line:
                break
        children = [
            child for child in psutil.Process(server.pid).children() if "worker" in child.cmdline()
        ]
        watchdog.cancel()
        assert children, "no consumer beside the server:\n" + "".join(output)
        server.send_signal(stop)
        assert server.wait(timeout=60) == 0
        gone, alive = psutil.wait_procs(children, timeout=30)
        assert alive == [], "the consumer outlived the server"
        assert "Stopped." in server.stdout.read()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
