"""`flask --app wsgi jobs worker`: the consumer that runs background jobs.

In production run one or more beside the app servers (see the README); `make run` starts one
beside the development server (``start_worker_process``), and stops it with the server.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from wfld.core import clock, jobs
from wfld.core import jobs_services as services
from wfld.extensions import db

jobs_cli = AppGroup("jobs", help="Background jobs (PDFs, exports).")

# Linux's prctl(PR_SET_PDEATHSIG): the worker `make run` starts gets SIGTERM if the server
# dies without stopping it (killed with SIGKILL, say), so no orphan keeps running.
PR_SET_PDEATHSIG = 1


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


@jobs_cli.command("worker")
@click.option(
    "--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Threads."
)
@click.option(
    "--periodic/--no-periodic",
    default=True,
    show_default=True,
    help="Also run the periodic tasks (expiring downloads, SQLite upkeep). With several "
    "consumers, one is enough (running them twice does no harm).",
)
@with_appcontext
def worker(workers: int, periodic: bool) -> None:
    """Run background jobs until Ctrl+C (SIGINT: finish the jobs in hand) or SIGTERM."""
    app = current_app._get_current_object()
    if app.config["JOBS_IMMEDIATE"]:
        raise click.ClickException(
            "JOBS_IMMEDIATE is on: tasks run in the request that asks, there is nothing to consume"
        )
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    # A worker of this machine that died mid-job (killed, power cut) left it "running".
    abandoned = services.fail_abandoned_jobs(
        host=socket.gethostname(), alive=_alive, now=clock.now()
    )
    db.session.commit()
    db.session.remove()
    jobs.set_consumer_app(app)
    where = "Redis" if jobs.is_distributed() else str(jobs.queue_file(app))
    click.echo(
        f"Jobs consumer: {workers} workers on queue {jobs.huey.name!r} ({where})"
        + (f"; {abandoned} abandoned jobs marked failed" if abandoned else "")
    )
    consumer = jobs.huey.create_consumer(
        workers=workers,
        worker_type="thread",
        periodic=periodic,
        # Poll an idle SQLite queue at least every half second (Redis blocks, waking at once).
        initial_delay=0.1,
        backoff=1.15,
        max_delay=jobs.SQLITE_MAX_POLL_S,
    )
    consumer.run()


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, before exec
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: the server's own shutdown stops the worker


def start_worker_process(project_root: Path) -> subprocess.Popen:
    """The development server's consumer, as a child process sharing its environment."""
    return subprocess.Popen(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--workers", "2"],
        cwd=project_root,
        # Its own process group: Ctrl+C reaches the server only, which then stops the worker
        # once, gracefully (a second SIGINT would cut the worker's shutdown short).
        start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
    )


def stop_worker_process(process: subprocess.Popen) -> None:
    """Let the jobs in hand finish (SIGINT), then insist."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
