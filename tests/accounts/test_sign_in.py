"""Signing in and out: messages, throttle, sessions, leavers, audit trail."""

from __future__ import annotations

import datetime as dt
import multiprocessing

import pytest
from sqlalchemy import func, select

from tests.factories import NOW
from tests.helpers import page, sign_in, sign_out
from wfld.accounts.models import AuditEvent, SignInAttempt, UserSession
from wfld.core import clock
from wfld.extensions import db
from wfld.organisation import services as org_services
from wfld.organisation.models import StaffMember


def _events(app, name: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == name)))


def test_anonymous_user_is_sent_to_sign_in(client, org):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_sign_in_success_records_session_and_audit(app, client, org):
    response = sign_in(client, org.practitioner.email.upper())  # email case does not matter
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert page(client.get("/")).h1.endswith("Priya Sandhu")
    events = _events(app, "sign_in")
    assert [e.actor_user_id for e in events] == [org.practitioner.user_id]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1


def test_wrong_password_and_unknown_email_get_the_same_generic_message(app, client, org):
    for email, password in [
        (org.practitioner.email, "not the password"),
        ("nobody@test.example", "whatever"),
    ]:
        response = sign_in(client, email, password)
        assert response.status_code == 200
        result = page(response)
        assert result.title.startswith("Error: ")
        assert result.error_summary() == {"#email": "Email address or password is wrong"}
        assert "Email address or password is wrong" in result.inline_errors()
    assert len(_events(app, "sign_in_failed")) == 2


def test_empty_sign_in_form_names_each_field(client, org):
    result = page(sign_in(client, "", ""))
    assert result.error_summary() == {
        "#email": "Enter your email address",
        "#password": "Enter your password",
    }


def test_next_only_redirects_within_the_site(client, org):
    from tests.helpers import submit

    response = submit(
        client,
        "/sign-in?next=https://evil.example/",
        {"email": org.practitioner.email, "password": "correct horse battery staple"},
    )
    assert response.headers["Location"] == "/"


def test_throttle_locks_after_ten_failures_even_with_the_right_password(app, client, org):
    for _ in range(10):
        assert (
            "Email address or password is wrong"
            in page(sign_in(client, org.practitioner.email, "wrong")).text()
        )
    result = page(sign_in(client, org.practitioner.email))  # the right password, but locked
    assert "too many attempts" in result.error_summary()["#email"]
    assert len(_events(app, "account_locked")) == 1
    assert len(_events(app, "sign_in_refused_locked")) == 1
    # Another account is not affected.
    assert sign_in(client, org.other_practitioner.email).status_code == 302


def test_throttle_window_passes_after_five_minutes(app, client, org):
    clock.freeze(NOW)
    for _ in range(10):
        sign_in(client, org.practitioner.email, "wrong")
    assert sign_in(client, org.practitioner.email).status_code == 200
    clock.freeze(NOW + dt.timedelta(minutes=5, seconds=1))
    assert sign_in(client, org.practitioner.email).status_code == 302


def _fail_sign_ins(app_config: dict, email: str, times: int) -> int:
    """Runs in another process, with its own app and connection pool."""
    from tests.helpers import sign_in as child_sign_in
    from wfld import create_app

    child = create_app(app_config)
    child_client = child.test_client()
    failures = 0
    for _ in range(times):
        if child_sign_in(child_client, email, "wrong password").status_code == 200:
            failures += 1
    return failures


@pytest.mark.committed  # the other worker is another process
def test_throttle_holds_across_two_app_processes(app, app_config, client, org):
    """Failures counted by one worker process lock the account in another."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        assert pool.apply(_fail_sign_ins, (app_config, org.practitioner.email, 6)) == 6
    for _ in range(4):
        sign_in(client, org.practitioner.email, "wrong")
    result = page(sign_in(client, org.practitioner.email))
    assert "too many attempts" in result.error_summary()["#email"]
    with app.app_context():
        failures = db.session.scalar(
            select(func.count())
            .select_from(SignInAttempt)
            .where(SignInAttempt.succeeded.is_(False))
        )
    assert failures == 11


def test_sign_out_revokes_the_session_even_for_a_copied_cookie(app, client, org):
    sign_in(client, org.practitioner.email)
    stolen = client.get_cookie("wfld_session").value
    assert sign_out(client).headers["Location"] == "/sign-in"
    assert client.get("/").status_code == 302
    other = app.test_client()
    other.set_cookie("wfld_session", stolen)
    assert other.get("/").status_code == 302, "a copy of the old cookie no longer works"
    assert len(_events(app, "sign_out")) == 1


def test_idle_session_times_out(app, client, org):
    clock.freeze(NOW)
    sign_in(client, org.practitioner.email)
    clock.freeze(NOW + dt.timedelta(minutes=29))
    assert client.get("/").status_code == 200
    clock.freeze(NOW + dt.timedelta(minutes=29 + 31))
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_sign_in_page_for_signed_in_user_goes_home(client, org):
    sign_in(client, org.practitioner.email)
    assert client.get("/sign-in").headers["Location"] == "/"


def test_leaver_loses_their_login_but_keeps_their_record(app, client, org):
    sign_in(client, org.practitioner.email)
    with app.app_context():
        staff = db.session.get(StaffMember, org.practitioner.staff_id)
        org_services.record_leaver(
            staff=staff,
            leaving_date=clock.today(),
            reason="Moved away",
            actor=None,
            now=clock.now(),
            today=clock.today(),
        )
        db.session.commit()
    assert client.get("/").status_code == 302, "their open session ends"
    result = page(sign_in(client, org.practitioner.email))
    assert result.error_summary() == {"#email": "Email address or password is wrong"}
    with app.app_context():
        staff = db.session.get(StaffMember, org.practitioner.staff_id)
        assert staff is not None and staff.has_left(clock.today())


def test_future_leaving_date_keeps_login_until_that_day(app, client, org):
    clock.freeze(NOW)
    with app.app_context():
        staff = db.session.get(StaffMember, org.practitioner.staff_id)
        org_services.record_leaver(
            staff=staff,
            leaving_date=dt.date(2026, 12, 31),
            reason=None,
            actor=None,
            now=NOW,
            today=NOW.date(),
        )
        db.session.commit()
    assert sign_in(client, org.practitioner.email).status_code == 302
    clock.freeze(dt.datetime(2026, 12, 31, 9, 0, tzinfo=dt.UTC))
    assert client.get("/").status_code == 302


def test_passwords_are_hashed_with_argon2id(app):
    from wfld.accounts.services import AccountError, hash_password

    hashed = hash_password("a long enough password")
    assert hashed.startswith("$argon2id$")
    assert "a long enough password" not in hashed
    import pytest

    with pytest.raises(AccountError):
        hash_password("too short")
