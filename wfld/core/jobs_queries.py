"""Reads of job records."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from wfld.core.jobs_models import Job, JobState
from wfld.extensions import db

# "Your downloads" lists a fortnight of asking: a week of downloads and a week of "expired".
LISTED_DAYS = 14
LISTED_AT_MOST = 50


def find_job(job_id: int) -> Job | None:
    return db.session.get(Job, job_id)


def list_jobs_for(user_id: int, *, now: dt.datetime) -> list[Job]:
    """The person's recent jobs, newest first."""
    since = now - dt.timedelta(days=LISTED_DAYS)
    return list(
        db.session.scalars(
            select(Job)
            .where(Job.user_id == user_id, Job.requested_at >= since)
            .order_by(Job.requested_at.desc(), Job.id.desc())
            .limit(LISTED_AT_MOST)
        )
    )


def find_result_made_from(job: Job, digest: str, *, now: dt.datetime) -> Job | None:
    """The newest finished job of the same person and kind made from the same source, with its
    file still kept."""
    return db.session.scalars(
        select(Job)
        .where(
            Job.user_id == job.user_id,
            Job.kind == job.kind,
            Job.id != job.id,
            Job.source_digest == digest,
            Job.state == JobState.DONE,
            Job.result_name.is_not(None),
            Job.expires_at > now,
        )
        .order_by(Job.id.desc())
        .limit(1)
    ).first()


def list_results_to_expire(now: dt.datetime) -> list[Job]:
    return list(
        db.session.scalars(
            select(Job).where(
                Job.state == JobState.DONE,
                Job.result_name.is_not(None),
                Job.expires_at <= now,
            )
        )
    )


def list_running_jobs() -> list[Job]:
    return list(db.session.scalars(select(Job).where(Job.state == JobState.RUNNING)))


def list_stale_jobs(*, running_before: dt.datetime, queued_before: dt.datetime) -> list[Job]:
    """Running with no sign of life since ``running_before``; queued since ``queued_before``."""
    return list(
        db.session.scalars(
            select(Job).where(
                ((Job.state == JobState.RUNNING) & (Job.heartbeat_at < running_before))
                | ((Job.state == JobState.QUEUED) & (Job.requested_at < queued_before))
            )
        )
    )
