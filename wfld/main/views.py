from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from werkzeug.wrappers import Response

from wfld.core import clock, health
from wfld.core.auth import current_actor, public, signed_in
from wfld.core.version import VERSION
from wfld.main.home import build_home
from wfld.main.navigation import navigation

bp = Blueprint("main", __name__)
# The layout's menu (base.html): who sees which section is decided in one module.
bp.add_app_template_global(navigation)


@bp.route("/")
@signed_in
def home() -> str:
    today = clock.today()
    page = build_home(
        current_actor(),
        now=clock.now(),
        today=today,
        due_soon_days=current_app.config["COMPLIANCE_DUE_SOON_DAYS"],
    )
    return render_template("main/home.html", page=page, today=today)


@bp.route("/healthz")
@public
def healthz() -> tuple[Response, int]:
    database = health.database_status()
    queue = health.queue_status()
    # Only the database takes the server out of service (503): without the queue everything
    # but downloads still works, and every server shares the one queue anyway.
    status = 200 if database == "ok" else 503
    body = {
        "status": "ok" if database == queue == "ok" else "degraded",
        "version": VERSION,
        "database": database,
        "queue": queue,
    }
    return jsonify(body), status


@bp.route("/accessibility")
@public
def accessibility() -> str:
    return render_template("main/accessibility.html")
