"""A real jobs consumer for tests: `flask --app wsgi jobs worker` in a process of its own,
configured from the environment like production, on the test's database and queue."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

from wfld import PROJECT_ROOT
from wfld.core.db import set_write_intent
from wfld.core.jobs_models import Job
from wfld.extensions import db

# Generous: a deadline for a job that never finishes, not a measure of speed.
DEADLINE_S = 120


class Consumer:
    def __init__(self, process: subprocess.Popen, log_path: Path) -> None:
        self.process = process
        self.log_path = log_path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, app: Flask, job_ids: list[int]) -> list[Job]:
        """Poll until every job has finished; fail if the deadline passes or it dies."""
        deadline = time.monotonic() + DEADLINE_S
        while True:
            # A read-only transaction (plain BEGIN): polling must not take SQLite's write
            # lock from the consumer it waits for.
            set_write_intent(False)
            try:
                with app.app_context():
                    found = list(db.session.scalars(db.select(Job).where(Job.id.in_(job_ids))))
                    db.session.expunge_all()
            finally:
                set_write_intent(True)
            if len(found) == len(job_ids) and all(job.state.finished for job in found):
                return sorted(found, key=lambda job: job.id)
            assert self.process.poll() is None, f"the consumer stopped:\n{self.log()}"
            assert time.monotonic() < deadline, f"unfinished after {DEADLINE_S} s:\n{self.log()}"
            time.sleep(0.1)


def worker_environment(app_config: dict) -> dict[str, str]:
    env = {
        **os.environ,
        "WFLD_ENV": "development",
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app_config["SECRET_KEY"],
        "WFLD_UPLOAD_FOLDER": app_config["UPLOAD_FOLDER"],
        "WFLD_JOBS_QUEUE_NAME": app_config["JOBS_QUEUE_NAME"],
    }
    for key, variable in (
        ("JOBS_SQLITE_PATH", "WFLD_JOBS_SQLITE_PATH"),
        ("REDIS_URL", "WFLD_REDIS_URL"),
    ):
        if app_config.get(key):
            env[variable] = app_config[key]
        else:
            env.pop(variable, None)
    return env


@contextmanager
def running_consumer(app_config: dict, folder: Path) -> Iterator[Consumer]:
    """The consumer for the block; stopped with Ctrl+C's signal (SIGINT) at its end."""
    log_path = folder / "consumer.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--workers", "2"],
            cwd=PROJECT_ROOT,
            env=worker_environment(app_config),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield Consumer(process, log_path)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
