"""Sign-in throttling per source address: one guess at each of many accounts (password
spraying) from one address is stopped, without telling anyone which accounts exist."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import NOW, make_user
from tests.helpers import page, sign_in
from wfld import create_app
from wfld.accounts.models import AuditEvent, SignInAttempt
from wfld.accounts.services import sign_in_source
from wfld.core import clock
from wfld.extensions import db

SPRAYER = "203.0.113.7"
ELSEWHERE = "198.51.100.9"
WRONG = "Email address or password is wrong"
NETWORK = (
    "There have been too many failed attempts to sign in from your network. "
    "Wait 15 minutes and try again"
)


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def accounts(app: Flask, org) -> list[str]:  # noqa: ANN001
    """40 real accounts (the org's people and more)."""
    with app.app_context():
        for n in range(40):
            make_user(email=f"person{n:02d}@test.example")
        db.session.commit()
    return [f"person{n:02d}@test.example" for n in range(40)]


def _from(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _message(response) -> dict[str, str]:  # noqa: ANN001
    assert response.status_code == 200
    return page(response).error_summary()


def _events(app: Flask, name: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == name)))


def test_forty_accounts_one_guess_each_from_one_address_is_stopped(app, org, accounts):
    sprayer = _from(app, SPRAYER)
    answers = [_message(sign_in(sprayer, email, "Password1234")) for email in accounts]
    assert answers[:30] == [{"#email": WRONG}] * 30
    assert answers[30:] == [{"#email": NETWORK}] * 10
    [locked] = _events(app, "sign_in_source_locked")
    assert locked.ip_address == SPRAYER
    assert locked.details["source"] == SPRAYER
    assert len(_events(app, "sign_in_refused_source_locked")) == 10

    # The right password is refused too, and an unknown email gets exactly the same answer.
    right = sign_in(sprayer, org.practitioner.email)
    unknown = sign_in(sprayer, "nobody@test.example", "whatever it is")
    assert _message(right) == _message(unknown) == {"#email": NETWORK}
    assert page(right).inline_errors() == page(unknown).inline_errors()

    # Another address is not affected, nor are the accounts tried.
    elsewhere = _from(app, ELSEWHERE)
    assert sign_in(elsewhere, accounts[0]).status_code == 302
    assert sign_in(_from(app, ELSEWHERE), org.practitioner.email).status_code == 302


def test_the_source_limit_holds_for_unknown_email_addresses_alike(app, org):
    sprayer = _from(app, SPRAYER)
    for n in range(30):
        assert _message(sign_in(sprayer, f"guess{n}@test.example", "x")) == {"#email": WRONG}
    assert _message(sign_in(sprayer, "guess99@test.example", "x")) == {"#email": NETWORK}


def test_the_source_window_passes_after_fifteen_minutes(app, org, accounts):
    sprayer = _from(app, SPRAYER)
    for email in accounts[:30]:
        sign_in(sprayer, email, "wrong")
    assert _message(sign_in(sprayer, org.practitioner.email)) == {"#email": NETWORK}
    # Refused attempts count as failures too: the wait runs from the last one.
    clock.freeze(NOW + dt.timedelta(minutes=15, seconds=1))
    assert sign_in(sprayer, org.practitioner.email).status_code == 302


def test_every_attempt_records_its_source(app, org):
    sign_in(_from(app, "2001:db8:1:2::5"), "someone@test.example", "wrong")
    sign_in(_from(app, SPRAYER), org.practitioner.email)
    with app.app_context():
        sources = db.session.scalars(select(SignInAttempt.source).order_by(SignInAttempt.id))
        assert list(sources) == ["2001:db8:1:2::/64", SPRAYER]


def test_sources_are_addresses_or_ipv6_networks():
    assert sign_in_source("203.0.113.7") == "203.0.113.7"
    assert sign_in_source("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64"
    assert sign_in_source("2001:db8:1:2::1") == sign_in_source("2001:db8:1:2:ffff::9")
    assert sign_in_source("2001:db8:1:3::1") != sign_in_source("2001:db8:1:2::1")
    assert sign_in_source("::ffff:203.0.113.7") == "203.0.113.7"
    assert sign_in_source(None) is None
    assert sign_in_source("not an address") == "not an address"


@pytest.mark.committed  # two more apps, each with its own engine
def test_a_forwarded_address_is_ignored_unless_the_proxy_is_trusted(app, app_config, org):
    # Reached directly, a client could claim any address: the header changes nothing.
    direct = create_app({**app_config, "LOGIN_MAX_FAILURES_PER_SOURCE": 3})
    client = _from(direct, SPRAYER)
    for n in range(3):
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"192.0.2.{n}"
        assert _message(sign_in(client, f"a{n}@test.example", "x")) == {"#email": WRONG}
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "192.0.2.99"
    assert _message(sign_in(client, org.practitioner.email)) == {"#email": NETWORK}

    # Behind one trusted proxy, the address it reports is the source.
    proxied = create_app({**app_config, "LOGIN_MAX_FAILURES_PER_SOURCE": 3, "TRUSTED_PROXIES": 1})
    client = _from(proxied, "10.0.0.2")  # the proxy
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "192.0.2.50"
    for n in range(3):
        assert _message(sign_in(client, f"b{n}@test.example", "x")) == {"#email": WRONG}
    assert _message(sign_in(client, org.practitioner.email)) == {"#email": NETWORK}
    other = _from(proxied, "10.0.0.2")
    other.environ_base["HTTP_X_FORWARDED_FOR"] = "192.0.2.51"
    assert sign_in(other, org.practitioner.email).status_code == 302
    throttled = {e.ip_address for e in _events(proxied, "sign_in_source_locked")}
    assert throttled == {SPRAYER, "192.0.2.50"}
    for extra in (direct, proxied):
        with extra.app_context():
            for engine in db.engines.values():
                engine.dispose()
