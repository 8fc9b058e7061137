"""Background jobs on Huey: the queue, the task decorator and asking for a job.

One Huey instance for the process, configured by ``init_app`` from the app's config:
- ``SqliteHuey``-style storage in ``<instance>/jobs.sqlite3`` by default (one machine, nothing
  to install): ``make run`` starts a consumer beside the development server;
- Redis storage when ``WFLD_REDIS_URL`` is set, so several app servers and several consumers
  (``flask --app wsgi jobs worker``) share one queue;
- immediate mode (``JOBS_IMMEDIATE``, the tests' default): a task runs in the request that
  asks for it.

A domain's tasks live in its ``jobs.py`` and are declared with ``job_task``: thin wrappers
over services, given ids (never objects), idempotent, run inside an app context, reporting on
a ``Job`` record the person sees on "Your downloads". Asking for one goes through ``submit``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey, signals
from huey.api import TaskWrapper
from huey.storage import RedisStorage, SqliteStorage
from redis import ConnectionPool
from redis.exceptions import RedisError
from sqlalchemy.exc import OperationalError

from wfld.core import clock
from wfld.core import jobs_services as services
from wfld.core.db import reads_only, write_intent
from wfld.core.jobs_models import Job
from wfld.extensions import db

logger = logging.getLogger(__name__)

# Redis down must never hang a request: a connection attempt gives up after this long.
REDIS_CONNECT_TIMEOUT_S = 1.0
# Longer than the consumer's blocking read (1 s), so a quiet queue is not an error.
REDIS_SOCKET_TIMEOUT_S = 5.0
# The embedded consumer polls SQLite: it never waits longer than this between looks, so a job
# is picked up within a second (Huey's default back-off reaches 10 s on a quiet queue).
SQLITE_MAX_POLL_S = 0.5

# What the person reads when a task crashed; the traceback goes to the log.
CRASHED = "Something went wrong making this download. Ask for it again."
UNAVAILABLE = "Downloads are not available at the moment. Try again later."

# Until init_app runs, the queue is in memory and runs nothing on disk or on the network.
huey = Huey("wfld", immediate=True)

_consumer_app: Flask | None = None


class QueueUnavailable(Exception):
    """The queue could not take the job (Redis down, the queue file unwritable)."""


def init_app(app: Flask) -> None:
    """Point the process's queue at the storage the config names."""
    config = app.config
    old = huey.storage
    huey.name = config["JOBS_QUEUE_NAME"]
    if config.get("REDIS_URL"):
        pool = ConnectionPool.from_url(
            config["REDIS_URL"],
            socket_connect_timeout=REDIS_CONNECT_TIMEOUT_S,
            socket_timeout=REDIS_SOCKET_TIMEOUT_S,
            health_check_interval=30,
        )
        huey.storage_class = RedisStorage
        huey.storage_kwargs = {"connection_pool": pool, "blocking": True, "read_timeout": 1}
    else:
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": str(queue_file(app)), "timeout": 5}
    # Set the flag itself: the public setter would build a storage for the old settings first.
    huey._immediate = bool(config["JOBS_IMMEDIATE"])  # noqa: SLF001
    huey.storage = huey.create_storage()
    if old is not huey.storage and hasattr(old, "close"):
        old.close()


def queue_file(app: Flask) -> Path:
    return Path(app.config.get("JOBS_SQLITE_PATH") or Path(app.instance_path) / "jobs.sqlite3")


def results_folder(app: Flask | None = None) -> Path:
    """Beside the uploaded files by default (instance/uploads/downloads): private, and on the
    shared volume already needed when several machines serve the app."""
    app = app or current_app
    return Path(
        app.config.get("JOBS_RESULTS_FOLDER") or Path(app.config["UPLOAD_FOLDER"]) / "downloads"
    )


def is_distributed() -> bool:
    return isinstance(huey.storage, RedisStorage)


def set_consumer_app(app: Flask) -> None:
    """The app the consumer's tasks run in: made once per consumer process."""
    global _consumer_app
    _consumer_app = app


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@contextmanager
def _app_context() -> Iterator[None]:
    """The request's own context in immediate mode; the consumer's app in a worker thread."""
    if has_app_context():
        yield
        return
    if _consumer_app is None:
        raise RuntimeError("Run tasks with `flask --app wsgi jobs worker` (it makes the app)")
    with _consumer_app.app_context():
        try:
            yield
        finally:
            db.session.remove()


def in_app_context(func: Callable[..., Any]) -> Callable[..., Any]:
    """For periodic tasks: the body runs with the app and its database."""

    def run(*args: Any, **kwargs: Any) -> Any:
        with _app_context():
            return func(*args, **kwargs)

    run.__name__ = func.__name__
    run.__doc__ = func.__doc__
    return run


@dataclass
class JobRun:
    """What a task body is handed: its job's id, progress reporting and the result file."""

    job_id: int
    # What the result was made from (set by ``render_pdf``), kept with the file.
    source_digest: str | None = None

    def render_pdf(self, html: str, **progress: Callable[[int], None]) -> bytes:
        """The PDF of ``html``: a copy of the person's earlier file of this kind when it was
        made from the same HTML and is still kept (nothing in it has changed since, so
        laying out the same pages again would only keep someone waiting), otherwise laid
        out now (``render_pdf_in_turn``, reporting ``progress``)."""
        self.source_digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
        kept = services.kept_result_made_from(
            self.job_id, self.source_digest, folder=results_folder(), now=clock.now()
        )
        if kept is not None:
            logger.info("Job %s: the same source as a kept file, copied", self.job_id)
            return kept
        return render_pdf_in_turn(html, **progress)

    def step(self, done: int, total: int, label: str) -> None:
        """Progress "done of total" (committed, so the person's page sees it at once)."""
        with _writing():
            services.report_progress(
                self.job_id, done=done, total=total, label=label, now=clock.now()
            )
            db.session.commit()

    def save_result(self, data: bytes, *, filename: str, media_type: str) -> None:
        """Keep the finished file (written whole or not at all) for the person to download."""
        with _writing():
            services.save_result(
                self.job_id,
                data,
                folder=results_folder(),
                filename=filename,
                media_type=media_type,
                source_digest=self.source_digest,
            )


@contextmanager
def _writing() -> Iterator[None]:
    """A job's own write, in a transaction of its own that takes SQLite's write lock at once.
    The body's reads run without it (``job_task``): a job reading for a few hundred
    milliseconds must not hold up every page's write meanwhile."""
    db.session.commit()  # the reads so far wrote nothing: end their transaction
    with write_intent():
        yield


# One PDF layout at a time per consumer process, whichever domain's: WeasyPrint is not
# documented as thread-safe, and one at a time bounds the consumer's memory.
_RENDERING = threading.Lock()


def render_pdf_in_turn(html: str, **progress: Callable[[int], None]) -> bytes:
    """``core.pdf.render_pdf`` once no other thread of this consumer is laying out a PDF.

    The job's read transaction ends first: on SQLite a job's transaction holds the write
    lock, and holding it while waiting for another PDF (whose progress reports need that
    lock) stopped every write in the service until the busy timeout, one page at a time."""
    # Imported here: only the consumer, never a web worker, loads WeasyPrint.
    from wfld.core.pdf import render_pdf

    db.session.rollback()  # nothing to write yet: what the PDF needs is in ``html``
    with _RENDERING:
        return render_pdf(html, **progress)


def render_print_template(name: str, **context: Any) -> str:
    """A print template (PDF) rendered from plain data in a task: there is no request, so
    none of the page layout's context (the signed-in user, the menu) is asked for."""
    return current_app.jinja_env.get_template(name).render(**context)


def _transient(problem: BaseException) -> bool:
    """Worth another go: the database was busy or briefly away. A bug is not."""
    return isinstance(problem, OperationalError)


def job_task(
    kind: str, *, retries: int = 2, retry_delay: int = 10
) -> Callable[[Callable[..., None]], TaskWrapper]:
    """Declare a domain's task. The body is ``body(run: JobRun, *ids)``; the task itself is
    called with the job's id first. It runs once per job however often it is delivered: a job
    already finished is left alone. A crash fails the job with a plain-English error (the
    traceback is logged); a busy database is retried by Huey while retries remain."""

    def decorate(body: Callable[..., None]) -> TaskWrapper:
        def run(job_id: int, *args: Any, task: Any = None) -> None:
            with _app_context():
                now = clock.now()
                if services.start_job(job_id, worker=worker_name(), now=now) is None:
                    db.session.rollback()
                    return  # gone or already finished: delivered twice, nothing to do
                db.session.commit()
                try:
                    with reads_only():
                        body(JobRun(job_id), *args)
                    db.session.commit()  # the body's last reads: a transaction of their own
                    services.finish_job(
                        job_id, now=clock.now(), keep_days=current_app.config["JOBS_RESULT_DAYS"]
                    )
                    db.session.commit()
                except Exception as problem:
                    db.session.rollback()
                    again = task is not None and task.retries > 0 and _transient(problem)
                    logger.exception(
                        "Job %s (%s) failed%s", job_id, kind, ": retrying" if again else ""
                    )
                    if again:
                        services.requeue_job(job_id)
                        db.session.commit()
                        raise  # Huey schedules the retry
                    services.fail_job(job_id, error=CRASHED, now=clock.now())
                    db.session.commit()

        run.__name__ = body.__name__
        run.__doc__ = body.__doc__
        _JOB_TASKS.add(kind)
        return huey.task(name=kind, retries=retries, retry_delay=retry_delay, context=True)(run)

    return decorate


# The names of the tasks made by job_task (periodic tasks have no job record).
_JOB_TASKS: set[str] = set()


@huey.signal(signals.SIGNAL_INTERRUPTED)
def _interrupted(_signal: str, task: Any, *_args: Any, **_kwargs: Any) -> None:
    """A consumer stopped at once (SIGTERM) with this job in hand: failed, not left running."""
    if task.name not in _JOB_TASKS or not task.args:
        return
    with _app_context():
        services.fail_job(task.args[0], error=services.STOPPED, now=clock.now())
        db.session.commit()


def submit(
    task: TaskWrapper,
    *args: Any,
    actor: Any,
    title: str,
    ask_again_path: str | None,
) -> Job:
    """Record the job and put it on the queue. Commits first: the consumer, in another
    process, must find the record when it picks the task up. If the queue cannot take it the
    record is withdrawn and ``QueueUnavailable`` raised, for the view to say "try later"."""
    job = services.create_job(
        actor=actor,
        kind=task.name,
        title=title,
        ask_again_path=ask_again_path,
        now=clock.now(),
    )
    db.session.commit()
    job_id = job.id
    try:
        task(job_id, *args)
    except (RedisError, OSError, sqlite3.Error) as problem:
        # A refused or timed-out connection, or the queue file unwritable: nothing queued.
        logger.warning("The job queue refused job %s: %s", job_id, problem)
        db.session.rollback()
        services.withdraw_job(job_id)
        db.session.commit()
        raise QueueUnavailable(UNAVAILABLE) from problem
    db.session.expire_all()  # in immediate mode the task has already changed the record
    return db.session.get(Job, job_id)


def queue_status() -> str:
    """ "ok" when the queue answers, "unavailable" when it does not (for /healthz)."""
    try:
        huey.storage.queue_size()
    except Exception:  # noqa: BLE001 - Redis or SQLite: any failure means no queue
        logger.warning("The job queue does not answer", exc_info=True)
        return "unavailable"
    return "ok"


def pending_count() -> int:
    return huey.storage.queue_size()


def can_view_job(actor: Any, job: Job) -> bool:
    """A job and its file are the asker's alone: nobody else, whatever their role."""
    return getattr(actor, "id", None) is not None and job.user_id == actor.id
