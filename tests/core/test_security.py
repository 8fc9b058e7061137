"""Headers, CSRF, error pages, cookies and the health check."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.helpers import csrf_token, page, sign_in
from wfld.accounts.models import SignInAttempt
from wfld.extensions import db
from wfld.organisation.models import StaffMember


def test_security_headers_on_every_response(client, org):
    for response in (client.get("/sign-in"), client.get("/healthz"), client.get("/no-such-page")):
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_with_personal_data_are_not_cached(client, org):
    sign_in(client, org.practitioner.email)
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get(f"/people/{org.practitioner.staff_id}").headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(client, org):
    response = sign_in(client, org.practitioner.email)
    cookie = next(
        h for h in response.headers.getlist("Set-Cookie") if h.startswith("wfld_session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_config_refuses_to_start_without_secrets(monkeypatch):
    from wfld import create_app

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(
            {"ENV_NAME": "production", "SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
        )
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app(
            {"ENV_NAME": "production", "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": None}
        )


def test_production_cookies_are_secure():
    from wfld import create_app

    app = create_app(
        {"ENV_NAME": "production", "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_sign_in_without_csrf_token_is_refused_and_records_nothing(app, client, org):
    response = client.post("/sign-in", data={"email": org.practitioner.email, "password": "x"})
    assert response.status_code == 400
    assert page(response).h1 == "Your form expired"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SignInAttempt)) == 0


def test_change_with_a_stale_csrf_token_saves_nothing(app, client, org):
    sign_in(client, org.wfld_admin.email)
    path = f"/admin/staff/{org.practitioner.staff_id}/edit"
    token = csrf_token(client, path)
    response = client.post(path, data={"csrf_token": token + "tampered", "first_name": "Changed"})
    assert response.status_code == 400
    assert "Your form expired" in page(response).h1
    with app.app_context():
        assert db.session.get(StaffMember, org.practitioner.staff_id).first_name == "Priya"


def test_not_found_page_uses_the_design_system(client, org):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert page(response).h1 == "Page not found"


def test_forbidden_page(client, org):
    sign_in(client, org.practitioner.email)
    response = client.get("/admin/staff")
    assert response.status_code == 403
    assert page(response).h1 == "You do not have permission to see this page"


def test_server_error_page_shows_no_traceback(app_config):
    from wfld import create_app
    from wfld.core.auth import public

    app = create_app({**app_config, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    @app.route("/boom")
    @public
    def boom() -> str:
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    result = page(response)
    assert result.h1 == "Sorry, there is a problem with the service"
    assert "secret internals" not in result.text() and "Traceback" not in result.text()


def test_a_refused_scope_is_a_forbidden_page_not_a_server_error(app_config):
    from wfld import create_app
    from wfld.core.auth import public
    from wfld.organisation.scopes import ScopeRefused

    app = create_app({**app_config, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    @app.route("/refused")
    @public
    def refused() -> str:
        raise ScopeRefused("no whole-service sight")

    response = app.test_client().get("/refused")
    assert response.status_code == 403
    assert page(response).h1 == "You do not have permission to see this page"


def test_healthz_reports_version_and_database(client, org):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["database"] == "ok"
    assert body["status"] == "ok"
    assert body["version"]
