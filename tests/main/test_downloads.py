"""Your downloads: the list, its status endpoint, someone else's job, an expired download,
the queue down (Redis unreachable) and /healthz."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import Engine

from tests.cpd.record_pdf import ask_for_record_pdf
from tests.helpers import csrf_token, page, sign_in
from wfld.accounts.models import User
from wfld.core import clock, jobs, jobs_services, jobs_tasks
from wfld.core.jobs_models import Job
from wfld.extensions import db

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen():  # noqa: ANN201
    clock.freeze(NOW)
    yield NOW
    clock.freeze(None)


def _job(app: Flask, user_id: int, *, started: bool = False) -> int:
    with app.app_context():
        job = jobs_services.create_job(
            actor=db.session.get(User, user_id),
            kind="cpd.record_pdf",
            title="CPD record, registration year 2025 to 2026 (PDF)",
            ask_again_path="/cpd/me#download-record",
            now=clock.now(),
        )
        if started:
            jobs_services.start_job(job.id, worker="elsewhere:1", now=clock.now())
            jobs_services.report_progress(
                job.id, done=2, total=3, label="Making the PDF", now=clock.now()
            )
        db.session.commit()
        return job.id


def test_anonymous_visitors_are_sent_to_sign_in(client) -> None:
    for path in ("/downloads", "/downloads/status", "/downloads/1"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert urlsplit(response.headers["Location"]).path == "/sign-in"


def test_the_list_shows_each_state_in_colour_and_words(app, client, org, frozen) -> None:
    sign_in(client, org.practitioner.email)
    ask_for_record_pdf(client)  # done
    running = _job(app, org.practitioner.user_id, started=True)
    waiting = _job(app, org.practitioner.user_id)
    _job(app, org.other_practitioner.user_id)  # someone else's: not listed
    shown = page(client.get("/downloads"))
    assert shown.h1 == "Your downloads"
    rows = shown.soup.select("table tbody tr")
    assert len(rows) == 3
    tags = {row["id"]: row.select_one(".govuk-tag") for row in rows}
    assert tags[f"job-{waiting}"].get_text(strip=True) == "Waiting"
    assert "govuk-tag--grey" in tags[f"job-{waiting}"]["class"]
    assert tags[f"job-{running}"].get_text(strip=True) == "In progress"
    assert "govuk-tag--blue" in tags[f"job-{running}"]["class"]
    running_row = shown.soup.select_one(f"#job-{running}").get_text(" ", strip=True)
    assert "Step 2 of 3: Making the PDF" in running_row
    done_row = next(r for r in rows if r.select_one(".govuk-tag--green"))
    assert done_row.select_one(".govuk-tag").get_text(strip=True) == "Ready"
    link = done_row.select_one("a[href^='/downloads/']")
    assert " ".join(link.get_text(" ").split()) == ("Download CPD record, the last two years (PDF)")
    # Works without JavaScript: a refresh link while something is being made; the script
    # has its status address and a polite live region to speak in.
    refresh = shown.soup.select_one("#downloads-refresh a")
    assert refresh["href"] == "/downloads"
    assert shown.soup.select_one("table[data-app-downloads]")["data-status-url"] == (
        "/downloads/status"
    )
    assert shown.soup.select_one("#downloads-announcer")["aria-live"] == "polite"
    assert shown.soup.find("script", src=False) is None, "no inline script"


def test_the_status_endpoint_lists_only_the_persons_jobs(app, client, org, frozen) -> None:
    mine = _job(app, org.practitioner.user_id, started=True)
    _job(app, org.other_practitioner.user_id)
    sign_in(client, org.practitioner.email)
    response = client.get("/downloads/status")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["pending"] is True
    (job,) = body["jobs"]
    assert job["id"] == mine and job["state"] == "running" and not job["finished"]
    assert f'id="job-{mine}"' in job["row"]
    assert "Step 2 of 3" in job["row"]


def test_a_download_not_ready_goes_back_to_the_list(app, client, org) -> None:
    job_id = _job(app, org.practitioner.user_id)
    sign_in(client, org.practitioner.email)
    response = client.get(f"/downloads/{job_id}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/downloads"


def test_someone_elses_download_is_not_found(app, client, org) -> None:
    sign_in(client, org.practitioner.email)
    ask_for_record_pdf(client)
    with app.app_context():
        job_id = db.session.scalar(db.select(Job.id))
    for persona in ("other_practitioner", "line_manager", "system_admin"):
        other = app.test_client()
        sign_in(other, getattr(org, persona).email)
        assert other.get(f"/downloads/{job_id}").status_code == 404, persona
    assert client.get(f"/downloads/{job_id}").status_code == 200


def test_an_expired_download_says_to_ask_again(app, client, org, frozen) -> None:
    sign_in(client, org.practitioner.email)
    ask_for_record_pdf(client)
    with app.app_context():
        job_id = db.session.scalar(db.select(Job.id))
    clock.freeze(NOW + dt.timedelta(days=7, minutes=1))
    sign_in(client, org.practitioner.email)  # a week later: the idle session has ended
    # Past its expiry, even before the periodic task has deleted the file.
    expired = client.get(f"/downloads/{job_id}")
    assert expired.status_code == 410
    shown = page(expired)
    assert shown.h1 == "This download has expired"
    ask_again = shown.soup.find("a", string="Ask for it again")
    assert ask_again["href"] == "/cpd/me#download-record"
    with app.app_context():
        assert jobs_tasks.expire_results.call_local() == 1
    assert client.get(f"/downloads/{job_id}").status_code == 410
    listing = page(client.get("/downloads"))
    assert listing.soup.select_one(f"#job-{job_id} .govuk-tag").get_text(strip=True) == "Expired"


# Redis down ---------------------------------------------------------------------------------
@pytest.fixture
def redis_down_app(app: Flask, app_config: dict):  # noqa: ANN201
    """The app with WFLD_REDIS_URL naming a port nothing listens on. Made after the test's
    own app: the process has one queue, set up by the app made last."""
    from wfld import create_app

    application = create_app(
        {
            **app_config,
            "REDIS_URL": "redis://127.0.0.1:1/0",
            "JOBS_IMMEDIATE": False,
            "JOBS_QUEUE_NAME": "wfld-test-redis-down",
        }
    )
    yield application
    with application.app_context():
        for engine in db.engines.values():
            if isinstance(engine, Engine):  # the PostgreSQL lane lends it the test's connection
                engine.dispose()
    jobs.init_app(app)  # the process's queue back to the test's (immediate) one


def test_asking_for_a_job_with_redis_down_says_try_later(redis_down_app, org) -> None:
    client = redis_down_app.test_client()
    sign_in(client, org.practitioner.email)
    token = csrf_token(client, "/cpd/me")
    response = client.post("/cpd/me/record-pdf", data={"csrf_token": token})
    assert response.status_code == 503
    shown = page(response)
    assert shown.h1 == "Downloads are not available at the moment"
    assert "Downloads are not available at the moment. Try again later." in shown.soup.get_text()
    # Nothing was queued, so nothing is left waiting on the person's list.
    with redis_down_app.app_context():
        assert db.session.scalar(db.select(db.func.count(Job.id))) == 0
    assert page(client.get("/downloads")).soup.select("table tbody tr") == []


def test_healthz_reports_the_queue_unavailable_when_redis_is_down(redis_down_app) -> None:
    response = redis_down_app.test_client().get("/healthz")
    # Only the database takes the server out of service; the queue is reported.
    assert response.status_code == 200
    assert response.get_json()["database"] == "ok"
    assert response.get_json()["queue"] == "unavailable"
    assert response.get_json()["status"] == "degraded"


def test_healthz_reports_the_queue(client) -> None:
    body = client.get("/healthz").get_json()
    assert body["queue"] == "ok"
    assert body["status"] == "ok"
    assert jobs.queue_status() == "ok"
