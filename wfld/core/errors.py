"""Design-system error pages: no tracebacks, nothing half-saved."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from wfld.extensions import db

TEMPLATES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    405: "errors/404.html",
    413: "errors/413.html",
}


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):  # noqa: ANN202
        db.session.rollback()
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):  # noqa: ANN202
        db.session.rollback()
        template = TEMPLATES.get(error.code or 500)
        if template is None:
            return error
        return render_template(template), error.code

    # A service or scope refusing the actor (organisation's ScopeRefused is one) is a
    # refused page, never a server error: views check their can_* predicate first, so this
    # is the backstop for a check that was missed.
    @app.errorhandler(PermissionError)
    def _refused(error: PermissionError):  # noqa: ANN202
        db.session.rollback()
        return render_template("errors/403.html"), 403

    @app.errorhandler(Exception)
    def _server_error(error: Exception):  # noqa: ANN202
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return render_template("errors/500.html"), 500
