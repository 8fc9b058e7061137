from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from wfld import __version__
from wfld.core import clock
from wfld.core.auth import current_actor, public, signed_in
from wfld.extensions import db
from wfld.main.home import build_home

bp = Blueprint("main", __name__)


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
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        db.session.rollback()
        database = "unavailable"
    status = 200 if database == "ok" else 503
    body = {
        "status": "ok" if status == 200 else "degraded",
        "version": __version__,
        "database": database,
    }
    return jsonify(body), status


@bp.route("/accessibility")
@public
def accessibility() -> str:
    return render_template("main/accessibility.html")
