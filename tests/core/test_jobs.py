"""Background jobs in immediate mode (the task runs in the request that asks for it): the job
record's life, a crash, idempotence, result files, expiry, and jobs whose worker went away."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from flask import Flask

from tests.cpd.record_pdf import ask_for_record_pdf
from tests.helpers import csrf_token, sign_in
from wfld.accounts.models import User
from wfld.core import clock, jobs, jobs_queries, jobs_services, jobs_tasks
from wfld.core.jobs_models import Job, JobState
from wfld.cpd import jobs as cpd_jobs
from wfld.extensions import db

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen():  # noqa: ANN201
    clock.freeze(NOW)
    yield NOW
    clock.freeze(None)


def _jobs(app: Flask) -> list[Job]:
    with app.app_context():
        jobs_list = list(db.session.scalars(db.select(Job).order_by(Job.id)))
        db.session.expunge_all()
        return jobs_list


def _folder(app: Flask) -> Path:
    with app.app_context():
        return jobs.results_folder()


def test_asking_for_the_pdf_records_a_finished_job_with_its_file(app, client, org, frozen):
    sign_in(client, org.practitioner.email)
    response = ask_for_record_pdf(client)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    (job,) = _jobs(app)
    assert job.user_id == org.practitioner.user_id
    assert job.kind == "cpd.record_pdf"
    assert job.title == "CPD record, the last two years (PDF)"
    assert job.state is JobState.DONE
    assert job.progress_done == job.progress_total == cpd_jobs.RECORD_PDF_STEPS
    assert job.requested_at == job.started_at == job.finished_at == NOW
    assert job.expires_at == NOW + dt.timedelta(days=7)
    assert job.result_filename == "cpd-record-two-years.pdf"
    assert job.result_media_type == "application/pdf"
    assert job.error is None
    stored = _folder(app) / job.result_name
    assert stored.read_bytes() == response.data
    assert job.result_bytes == len(response.data)
    # Renamed into place: no temporary file is left beside it.
    assert sorted(p.name for p in _folder(app).iterdir()) == [job.result_name]


def test_a_crashing_task_fails_its_job_in_plain_english(
    app, client, org, frozen, monkeypatch, caplog
):
    def broken(_html: str, **_progress: object) -> bytes:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("wfld.core.pdf.render_pdf", broken)
    # Alembic's logging set-up (the suite migrates its databases) turns existing loggers off.
    monkeypatch.setattr(logging.getLogger("wfld.core.jobs"), "disabled", False)
    sign_in(client, org.practitioner.email)
    token = csrf_token(client, "/cpd/me")
    asked = client.post("/cpd/me/record-pdf", data={"csrf_token": token})
    # Not an error page: on to the list, with the job failed (it has no download link).
    assert asked.status_code == 302
    assert asked.headers["Location"] == "/downloads"
    (job,) = _jobs(app)
    assert job.state is JobState.FAILED
    assert job.error == "Something went wrong making this download. Ask for it again."
    assert job.result_name is None
    assert job.finished_at == NOW
    listing = client.get("/downloads").get_data(as_text=True)
    assert "Something went wrong making this download" in listing
    assert "ZeroDivisionError" not in listing and "a bug" not in listing
    # The traceback is logged for the people who run the service.
    logged = [r for r in caplog.records if r.levelno == logging.ERROR and r.exc_info]
    assert logged and "ZeroDivisionError" in logged[0].exc_text


def test_ask_for_record_pdf_fails_loudly_when_the_job_failed(app, client, org, monkeypatch):
    """The helper the CPD tests use cannot pass on a job that did not finish."""
    monkeypatch.setattr("wfld.core.pdf.render_pdf", lambda _html, **_progress: 1 / 0)
    sign_in(client, org.practitioner.email)
    with pytest.raises(AssertionError, match="not ready"):
        ask_for_record_pdf(client)


def test_a_job_delivered_twice_runs_once(app, client, org, frozen):
    sign_in(client, org.practitioner.email)
    ask_for_record_pdf(client)
    (job,) = _jobs(app)
    stored = _folder(app) / job.result_name
    before = stored.stat().st_mtime_ns
    clock.freeze(NOW + dt.timedelta(hours=1))
    with app.test_request_context():
        cpd_jobs.make_record_pdf(job.id, org.practitioner.staff_id, "two-years", "2026-11-23")
    (again,) = _jobs(app)
    assert again.state is JobState.DONE
    assert again.finished_at == NOW  # untouched
    assert stored.stat().st_mtime_ns == before


def test_a_job_for_a_record_that_is_gone_does_nothing(app):
    with app.test_request_context():
        cpd_jobs.make_record_pdf(999_999, 1, "two-years", "2026-11-23")
        assert db.session.scalar(db.select(db.func.count(Job.id))) == 0


def test_the_result_file_is_never_half_written(app, org, monkeypatch):
    with app.app_context():
        user = db.session.get(User, org.practitioner.user_id)
        job = jobs_services.create_job(
            actor=user, kind="test", title="Test", ask_again_path=None, now=NOW
        )
        folder = jobs.results_folder()

        def interrupted(_src: object, _dst: object) -> None:
            raise OSError("disk full")

        monkeypatch.setattr("wfld.core.jobs_services.os.replace", interrupted)
        with pytest.raises(OSError, match="disk full"):
            jobs_services.save_result(
                job.id, b"%PDF-", folder=folder, filename="x.pdf", media_type="application/pdf"
            )
        assert list(folder.iterdir()) == []
        assert job.result_name is None


def _finished_job(app: Flask, org, *, finished: dt.datetime) -> int:  # noqa: ANN001
    with app.app_context():
        user = db.session.get(User, org.practitioner.user_id)
        job = jobs_services.create_job(
            actor=user,
            kind="cpd.record_pdf",
            title="CPD record, the last two years (PDF)",
            ask_again_path="/cpd/me#download-record",
            now=finished,
        )
        jobs_services.save_result(
            job.id,
            b"%PDF-1.4\n%%EOF\n",
            folder=jobs.results_folder(),
            filename="cpd-record-two-years.pdf",
            media_type="application/pdf",
        )
        jobs_services.finish_job(job.id, now=finished, keep_days=7)
        db.session.commit()
        return job.id


def test_results_are_deleted_after_seven_days(app, org, frozen):
    old = _finished_job(app, org, finished=NOW - dt.timedelta(days=7, minutes=1))
    recent = _finished_job(app, org, finished=NOW - dt.timedelta(days=6, hours=23))
    with app.app_context():
        names = {j.id: j.result_name for j in db.session.scalars(db.select(Job))}
        assert jobs_tasks.expire_results.call_local() == 1
        folder = jobs.results_folder()
        assert not (folder / names[old]).exists()
        assert (folder / names[recent]).exists()
        assert jobs_queries.find_job(old).result_name is None
        assert jobs_queries.find_job(old).is_expired(NOW)
        assert not jobs_queries.find_job(recent).is_expired(NOW)
        # Running it again finds nothing more to do.
        assert jobs_tasks.expire_results.call_local() == 0


def test_the_periodic_tasks_run_on_their_schedule(app) -> None:
    """Huey's crontab (UTC): expiry every quarter hour, the stale-job sweep every five
    minutes, SQLite's PRAGMA optimize at 03:30; learning's stored statuses kept every minute
    and checked against the rules at 02:45."""

    def due(hour: int, minute: int) -> set[str]:
        moment = dt.datetime(2026, 11, 24, hour, minute)
        return {task.name for task in jobs.huey.read_periodic(moment)}

    every_minute = {"learning.keep_statuses"}
    assert due(3, 30) == {
        "core.expire_results",
        "core.fail_stale_jobs",
        "core.optimise_sqlite",
        *every_minute,
    }
    assert due(15, 45) == {"core.expire_results", "core.fail_stale_jobs", *every_minute}
    assert due(15, 50) == {"core.fail_stale_jobs", *every_minute}
    assert due(15, 51) == every_minute
    assert due(2, 45) == {
        "core.expire_results",
        "core.fail_stale_jobs",
        "learning.check_statuses",
        *every_minute,
    }


def test_sqlite_is_optimised_only_when_the_app_database_is_sqlite(app) -> None:
    with app.app_context():
        expected = db.engine.dialect.name == "sqlite"
        assert jobs_tasks.optimise_sqlite.call_local() is expected


def _running_job(app: Flask, org, *, heartbeat: dt.datetime, worker: str) -> int:  # noqa: ANN001
    with app.app_context():
        user = db.session.get(User, org.practitioner.user_id)
        job = jobs_services.create_job(
            actor=user, kind="cpd.record_pdf", title="PDF", ask_again_path=None, now=heartbeat
        )
        jobs_services.start_job(job.id, worker=worker, now=heartbeat)
        db.session.commit()
        return job.id


def test_jobs_left_running_by_a_worker_that_went_away_are_failed(app, org, frozen):
    stale = _running_job(app, org, heartbeat=NOW - dt.timedelta(minutes=31), worker="elsewhere:1")
    fresh = _running_job(app, org, heartbeat=NOW - dt.timedelta(minutes=5), worker="elsewhere:2")
    with app.app_context():
        assert jobs_tasks.fail_stale_jobs.call_local() == 1
        assert jobs_queries.find_job(stale).state is JobState.FAILED
        assert jobs_queries.find_job(stale).error == jobs_services.STOPPED
        assert jobs_queries.find_job(fresh).state is JobState.RUNNING


def test_a_consumer_starting_fails_the_jobs_of_dead_workers_on_its_machine(app, org, frozen):
    dead = _running_job(app, org, heartbeat=NOW, worker="this-host:41")
    alive = _running_job(app, org, heartbeat=NOW, worker="this-host:42")
    other_machine = _running_job(app, org, heartbeat=NOW, worker="that-host:41")
    with app.app_context():
        count = jobs_services.fail_abandoned_jobs(
            host="this-host", alive=lambda pid: pid == 42, now=NOW
        )
        assert count == 1
        assert jobs_queries.find_job(dead).state is JobState.FAILED
        assert jobs_queries.find_job(alive).state is JobState.RUNNING
        assert jobs_queries.find_job(other_machine).state is JobState.RUNNING


def test_a_job_waiting_for_a_day_is_failed(app, org, frozen):
    with app.app_context():
        user = db.session.get(User, org.practitioner.user_id)
        lost = jobs_services.create_job(
            actor=user,
            kind="x",
            title="X",
            ask_again_path=None,
            now=NOW - dt.timedelta(days=1, minutes=1),
        ).id
        waiting = jobs_services.create_job(
            actor=user, kind="x", title="X", ask_again_path=None, now=NOW - dt.timedelta(hours=1)
        ).id
        db.session.commit()
        assert jobs_tasks.fail_stale_jobs.call_local() == 1
        assert jobs_queries.find_job(lost).error == jobs_services.NEVER_STARTED
        assert jobs_queries.find_job(waiting).state is JobState.QUEUED


def test_a_busy_database_is_retried_while_retries_remain(app, org, frozen, monkeypatch):
    """Huey runs the task again (after its delay) for a transient error: the job waits again
    rather than failing; with no retries left it fails like any crash."""
    from types import SimpleNamespace

    from sqlalchemy.exc import OperationalError

    def busy(_html: str, **_progress: object) -> bytes:
        raise OperationalError("UPDATE", {}, Exception("database is locked"))

    monkeypatch.setattr("wfld.core.pdf.render_pdf", busy)
    with app.app_context():
        user = db.session.get(User, org.practitioner.user_id)
        job_id = jobs_services.create_job(
            actor=user, kind="cpd.record_pdf", title="PDF", ask_again_path=None, now=NOW
        ).id
        db.session.commit()
    args = (job_id, org.practitioner.staff_id, "two-years", "2026-11-23")
    with app.test_request_context():
        with pytest.raises(OperationalError):
            cpd_jobs.make_record_pdf.func(*args, task=SimpleNamespace(retries=1))
        assert jobs_queries.find_job(job_id).state is JobState.QUEUED
        cpd_jobs.make_record_pdf.func(*args, task=SimpleNamespace(retries=0))
        assert jobs_queries.find_job(job_id).state is JobState.FAILED


def test_the_worker_command_refuses_immediate_mode(app) -> None:
    result = app.test_cli_runner().invoke(args=["jobs", "worker"])
    assert result.exit_code != 0
    assert "JOBS_IMMEDIATE is on" in result.output
