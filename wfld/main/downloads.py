"""Your downloads: the jobs a person asked for, their progress, and the finished files.

The files are private (in the jobs results folder, never under static) and go only to the
person who asked: anyone else's job is "not found", whoever they are.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, send_file, url_for
from werkzeug.wrappers import Response

from wfld.core import clock, jobs, jobs_queries
from wfld.core.auth import allowed_or_404, current_actor, signed_in
from wfld.core.jobs_models import Job, JobState

bp = Blueprint("downloads", __name__, url_prefix="/downloads")


@bp.app_errorhandler(jobs.QueueUnavailable)
def queue_unavailable(_problem: jobs.QueueUnavailable) -> tuple[str, int]:
    """Whatever asked for the job: a page saying to try later, not an error page or a hang."""
    return render_template("downloads/unavailable.html"), 503


def _file_exists(job: Job) -> bool:
    return job.result_name is not None and (jobs.results_folder() / job.result_name).is_file()


@bp.route("")
@signed_in
def list_downloads() -> str:
    now = clock.now()
    listed = jobs_queries.list_jobs_for(current_actor().id, now=now)
    return render_template(
        "downloads/list_downloads.html",
        jobs=listed,
        now=now,
        pending=any(not job.state.finished for job in listed),
    )


@bp.route("/status")
@signed_in
def job_statuses() -> Response:
    """For the page's script: each listed job's state and its row, drawn by the same partial
    as the page, so the page with and without JavaScript cannot disagree."""
    now = clock.now()
    listed = jobs_queries.list_jobs_for(current_actor().id, now=now)
    body = {
        "pending": any(not job.state.finished for job in listed),
        "jobs": [
            {
                "id": job.id,
                "state": job.state.value,
                "title": job.title,
                "finished": job.state.finished,
                # Changes whenever the row would look different (see _job_row.html).
                "step": f"{job.state.value}-{job.progress_done}-{job.is_expired(now)}",
                "row": render_template("downloads/_job_row.html", job=job, now=now),
            }
            for job in listed
        ],
    }
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:job_id>")
@signed_in
def download_job(job_id: int) -> Response | tuple[str, int]:
    job = allowed_or_404(jobs_queries.find_job(job_id), jobs.can_view_job)
    if job.state is not JobState.DONE:
        # Not ready (or failed): the list says which.
        return redirect(url_for("downloads.list_downloads"))
    if job.is_expired(clock.now()) or not _file_exists(job):
        return render_template("downloads/download_expired.html", job=job), 410
    path = jobs.results_folder() / job.result_name
    response = send_file(path, mimetype=job.result_media_type, as_attachment=True)
    # Quoted, as every other download here: filenames are ours (e.g. cpd-record-2026.pdf).
    response.headers["Content-Disposition"] = f'attachment; filename="{job.result_filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
