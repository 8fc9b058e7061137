"""The job record: what someone asked to be done in the background, and how it went.

Huey carries the work; this table is what the person sees on "Your downloads" (Huey's own
storage is a queue, not a history, and lives in Redis or a separate SQLite file).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from wfld.core.db import UTCDateTime, string_enum
from wfld.extensions import db


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED)


_LABELS = {
    JobState.QUEUED: "Waiting",
    JobState.RUNNING: "In progress",
    JobState.DONE: "Ready",
    JobState.FAILED: "Failed",
}


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_user_id_requested_at", "user_id", "requested_at"),
        Index("ix_jobs_state_heartbeat_at", "state", "heartbeat_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Core knows no domain: the user is named by the table, not imported.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # What was asked, for the task and for people: e.g. "cpd.record_pdf", "CPD record, ...".
    kind: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    # Where the person asked for it, so an expired or failed download can be asked for again.
    ask_again_path: Mapped[str | None] = mapped_column(String(300))
    state: Mapped[JobState] = mapped_column(
        string_enum(JobState, "job_state"), default=JobState.QUEUED
    )
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The last sign of life from the worker running it (start and each step of progress), and
    # which worker that is (host:pid): a job whose worker has gone is failed, not left running.
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    worker: Mapped[str | None] = mapped_column(String(120))
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    progress_label: Mapped[str | None] = mapped_column(String(120))
    # The finished file: a name inside the results folder (never a path a person gave), the
    # name it downloads as and its media type.
    result_name: Mapped[str | None] = mapped_column(String(120))
    result_filename: Mapped[str | None] = mapped_column(String(200))
    result_media_type: Mapped[str | None] = mapped_column(String(100))
    result_bytes: Mapped[int | None] = mapped_column(Integer)
    # SHA-256 of what the file was made from (a PDF's HTML): the same source makes the same
    # file, so a later ask of the same person's with the same source is served a copy of it.
    source_digest: Mapped[str | None] = mapped_column(String(64))
    # Plain English for the person; the traceback goes to the log only.
    error: Mapped[str | None] = mapped_column(String(500))
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    def is_expired(self, now: dt.datetime) -> bool:
        """A finished download whose file has been (or is due to be) deleted."""
        return self.state is JobState.DONE and (
            self.result_name is None or (self.expires_at is not None and self.expires_at <= now)
        )

    @property
    def progress(self) -> str | None:
        """ "2 of 3" while there is something to count."""
        if not self.progress_total:
            return None
        return f"{self.progress_done} of {self.progress_total}"
