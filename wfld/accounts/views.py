"""Sign in and out, the session loader and the idle timeout."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from wfld.accounts import queries, services
from wfld.accounts.forms import SignInForm, SignOutForm
from wfld.accounts.services import SignInResult
from wfld.core import clock
from wfld.core.auth import public, signed_in
from wfld.core.db import set_write_intent
from wfld.core.saving import save
from wfld.extensions import login_manager

bp = Blueprint("accounts", __name__)

SESSION_TOKEN_KEY = "sid"  # noqa: S105 - the name of a session key, not a secret
LAST_SEEN_KEY = "seen"
SESSION_MAX_AGE = dt.timedelta(hours=12)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app: Flask) -> None:
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to continue"
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # sessions are revocable rows instead
    login_manager.user_loader(_load_user)

    @app.before_request
    def _declare_write_intent() -> None:
        # SQLite: only requests that may write take the write lock (see core.db).
        set_write_intent(request.method not in SAFE_METHODS)

    @app.before_request
    def _expire_idle_session() -> None:
        if SESSION_TOKEN_KEY not in session:
            return
        now = clock.now().timestamp()
        idle_limit = current_app.config["IDLE_TIMEOUT_MINUTES"] * 60
        if now - float(session.get(LAST_SEEN_KEY, 0)) > idle_limit:
            session.clear()
            flash("You were signed out because you had not used the service for a while", "info")
            return
        session[LAST_SEEN_KEY] = now

    @app.context_processor
    def _layout_context() -> dict:
        return {
            "council_name": current_app.config["COUNCIL_NAME"],
            "service_name": current_app.config["SERVICE_NAME"],
            # Only rendered here, never read from the request: reading the body would fail
            # again on the page that reports a body that was too big (413).
            "sign_out_form": SignOutForm(formdata=None) if current_user.is_authenticated else None,
        }


def _load_user(user_id: str):  # noqa: ANN202 - Flask-Login callback
    token = session.get(SESSION_TOKEN_KEY)
    if not token or not user_id.isdigit():
        return None
    now = clock.now()
    user = queries.find_live_session_user(
        int(user_id), services.token_hash(token), created_after=now - SESSION_MAX_AGE
    )
    if user is None or not user.may_sign_in(clock.today()):
        return None
    return user


def _client_ip() -> str | None:
    # The client's own address: behind WFLD_TRUSTED_PROXIES proxies, ProxyFix has already
    # put the address they report here (see create_app).
    return request.remote_addr


def _source_throttle() -> services.Throttle:
    return services.Throttle(
        max_failures=current_app.config["LOGIN_MAX_FAILURES_PER_SOURCE"],
        window_seconds=current_app.config["LOGIN_SOURCE_WINDOW_SECONDS"],
    )


def _safe_next(target: str | None) -> str:
    """Only ever redirect within this site after signing in."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
        ):
            return target
    return url_for("main.home")


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    # A failed attempt is saved too: it counts towards the lock-out.
    saved = form.validate_on_submit() and save(
        form,
        lambda: services.sign_in(
            email=form.email.data,
            password=form.password.data,
            now=clock.now(),
            today=clock.today(),
            window_seconds=current_app.config["LOGIN_WINDOW_SECONDS"],
            max_failures=current_app.config["LOGIN_MAX_FAILURES"],
            ip_address=_client_ip(),
            user_agent=request.user_agent.string,
            per_source=_source_throttle(),
        ),
    )
    if saved:
        outcome = saved.value
        if outcome.result is SignInResult.SIGNED_IN:
            session.clear()
            session[SESSION_TOKEN_KEY] = outcome.session_token
            session[LAST_SEEN_KEY] = clock.now().timestamp()
            login_user(outcome.user)
            return redirect(_safe_next(request.args.get("next")))
        if outcome.result is SignInResult.SOURCE_LOCKED:
            minutes = current_app.config["LOGIN_SOURCE_WINDOW_SECONDS"] // 60
            form.email.errors = [
                "There have been too many failed attempts to sign in from your network. "
                f"Wait {minutes} minutes and try again"
            ]
        elif outcome.result is SignInResult.LOCKED:
            form.email.errors = [
                "There have been too many attempts to sign in with this email address. "
                "Wait 5 minutes and try again"
            ]
        else:
            form.email.errors = ["Email address or password is wrong"]
        form.password.data = ""
        return render_template("accounts/sign_in.html", form=form), 200
    return render_template("accounts/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@signed_in
def sign_out() -> Response:
    form = SignOutForm()
    if form.validate_on_submit() and save(
        form,
        lambda: services.sign_out(
            user=current_user,
            session_token=session.get(SESSION_TOKEN_KEY),
            now=clock.now(),
            ip_address=_client_ip(),
        ),
    ):
        logout_user()
        session.clear()
        flash("You have signed out", "success")
    return redirect(url_for("accounts.sign_in"))
