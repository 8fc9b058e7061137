"""Writes of job records and their result files. Nothing here commits (see ``jobs.py``)."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wfld.core import jobs_queries as queries
from wfld.core.jobs_models import Job, JobState
from wfld.extensions import db

# What the person reads when the worker running their job went away mid-way.
STOPPED = "This download stopped before it finished. Ask for it again."
NEVER_STARTED = "This download was not started in time. Ask for it again."
# A job waiting this long has lost its place on the queue (e.g. Redis was emptied).
QUEUED_AT_MOST = dt.timedelta(hours=24)
# Temporary files older than this are left over from a worker killed while writing.
LEFTOVER_AFTER_S = 3600
TEMP_PREFIX = ".partial-"


def create_job(
    *, actor: Any, kind: str, title: str, ask_again_path: str | None, now: dt.datetime
) -> Job:
    job = Job(
        user_id=actor.id,
        kind=kind,
        title=title,
        ask_again_path=ask_again_path,
        state=JobState.QUEUED,
        requested_at=now,
        progress_done=0,
        progress_total=0,
    )
    db.session.add(job)
    db.session.flush()
    return job


def withdraw_job(job_id: int) -> None:
    """The queue never took it: as if it had not been asked for."""
    job = queries.find_job(job_id)
    if job is not None:
        db.session.delete(job)
        db.session.flush()


def start_job(job_id: int, *, worker: str, now: dt.datetime) -> Job | None:
    """Mark the job running on this worker; None when there is nothing to do (it is gone, or
    finished by an earlier delivery of the same task)."""
    job = queries.find_job(job_id)
    if job is None or job.state.finished:
        return None
    job.state = JobState.RUNNING
    job.started_at = now
    job.heartbeat_at = now
    job.worker = worker[:120]
    job.error = None
    db.session.flush()
    return job


def report_progress(job_id: int, *, done: int, total: int, label: str, now: dt.datetime) -> None:
    job = _get(job_id)
    job.progress_done, job.progress_total = done, total
    job.progress_label = label[:120]
    job.heartbeat_at = now
    db.session.flush()


def kept_result_made_from(
    job_id: int, digest: str, *, folder: Path, now: dt.datetime
) -> bytes | None:
    """The bytes of the person's earlier file of the same kind made from the same source, while
    it is kept; None when there is none (or its file has gone meanwhile)."""
    earlier = queries.find_result_made_from(_get(job_id), digest, now=now)
    if earlier is None:
        return None
    try:
        return (folder / earlier.result_name).read_bytes()
    except FileNotFoundError:  # expired between the query and the read
        return None


def save_result(
    job_id: int,
    data: bytes,
    *,
    folder: Path,
    filename: str,
    media_type: str,
    source_digest: str | None = None,
) -> None:
    """Write the file beside its final name and rename it into place: a reader (or a worker
    killed mid-write) never sees half a file. One name per job, so a retry replaces it."""
    job = _get(job_id)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"job-{job.id}{Path(filename).suffix.lower()[:10]}"
    partial = folder / f"{TEMP_PREFIX}{name}.{secrets.token_hex(4)}"
    try:
        with open(partial, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        partial.chmod(0o600)
        os.replace(partial, folder / name)
    finally:
        partial.unlink(missing_ok=True)
    job.result_name = name
    job.result_filename = filename[:200]
    job.result_media_type = media_type[:100]
    job.result_bytes = len(data)
    job.source_digest = source_digest
    db.session.flush()


def finish_job(job_id: int, *, now: dt.datetime, keep_days: int) -> None:
    job = _get(job_id)
    if job.result_name is None:
        raise RuntimeError(f"job {job_id} finished without a result")
    job.state = JobState.DONE
    job.finished_at = now
    job.heartbeat_at = now
    job.expires_at = now + dt.timedelta(days=keep_days)
    if job.progress_total:
        job.progress_done = job.progress_total
    db.session.flush()


def fail_job(job_id: int, *, error: str, now: dt.datetime) -> None:
    job = queries.find_job(job_id)
    if job is None:
        return
    job.state = JobState.FAILED
    job.error = error[:500]
    job.finished_at = now
    db.session.flush()


def requeue_job(job_id: int) -> None:
    """Back to waiting: Huey will run it again after its retry delay."""
    job = queries.find_job(job_id)
    if job is not None and not job.state.finished:
        job.state = JobState.QUEUED
        db.session.flush()


def expire_results(*, folder: Path, now: dt.datetime) -> int:
    """Delete the files of downloads past their expiry (the record stays, saying so) and any
    temporary file a killed worker left behind. Returns how many downloads expired."""
    expired = queries.list_results_to_expire(now)
    for job in expired:
        (folder / job.result_name).unlink(missing_ok=True)
        job.result_name = None
    db.session.flush()
    if folder.is_dir():
        cutoff = time.time() - LEFTOVER_AFTER_S
        for leftover in folder.glob(f"{TEMP_PREFIX}*"):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink(missing_ok=True)
    return len(expired)


def fail_abandoned_jobs(*, host: str, alive: Callable[[int], bool], now: dt.datetime) -> int:
    """At a consumer's start: jobs left "running" by a worker process of this machine that no
    longer exists (killed, or the machine restarted) are failed, never left running."""
    count = 0
    for job in queries.list_running_jobs():
        worker_host, _, pid = (job.worker or "").rpartition(":")
        if worker_host == host and pid.isdigit() and not alive(int(pid)):
            fail_job(job.id, error=STOPPED, now=now)
            count += 1
    return count


def fail_stale_jobs(*, now: dt.datetime, stale_after: dt.timedelta) -> int:
    """Periodically, for workers on any machine: running with no sign of life for
    ``stale_after``, or waiting for a day. Failed (not requeued): a job that took its worker
    down, e.g. by memory, would take the next one down too; the person can ask again."""
    stale = queries.list_stale_jobs(
        running_before=now - stale_after, queued_before=now - QUEUED_AT_MOST
    )
    for job in stale:
        fail_job(job.id, error=STOPPED if job.state is JobState.RUNNING else NEVER_STARTED, now=now)
    return len(stale)


def _get(job_id: int) -> Job:
    job = queries.find_job(job_id)
    if job is None:
        raise LookupError(f"no job {job_id}")
    return job
