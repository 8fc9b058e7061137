"""Two signatures on the same conversation at the same moment: exactly one is taken, the record
stays whole, and the other signer is told who signed and when, on SQLite and on PostgreSQL.

Two real requests run at once, each in its own thread with its own test client (its own
session and database connection, as two gunicorn workers would have).

How the two meet differs by database, and the tests make each database's race happen:
- SQLite takes its write lock at the start of each writing transaction (BEGIN IMMEDIATE), so
  the second request waits for the first to commit, then finds the form's version behind the
  record's (``check_version``);
- on PostgreSQL both requests read the record before either writes (each waits for the other at
  a barrier after that read), both pass the version check, and the second UPDATE matches no
  row once the first commits (the version column: ``StaleDataError``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from tests.appraisal.builders import add_need, add_objective, held, make_cycle, prepared
from tests.catalogue.builders import make_activity
from tests.factories import NOW
from tests.helpers import form_values, page, sign_in
from wfld.appraisal import signing
from wfld.appraisal.models import Appraisal, AppraisalEvent, DevelopmentAction
from wfld.appraisal.rules import EventKind, Stage
from wfld.core import clock
from wfld.core.errors_domain import StaleRecord
from wfld.extensions import db

WHEN = "9am on 23 November 2026"
SIGNATURES = (EventKind.PERSON_SIGNED, EventKind.APPRAISER_SIGNED)


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _held(app: Flask, org) -> int:  # noqa: ANN001
    with app.app_context():
        appraisal = held(prepared(make_cycle(), org.practitioner.staff_id))
        add_need(appraisal, "Court report writing", activity=make_activity("Court Skills"))
        add_objective(appraisal)
        db.session.commit()
        return appraisal.id


def _signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


@contextmanager
def _both_read_before_either_writes(app: Flask) -> Iterator[None]:
    """PostgreSQL: hold each request after it has read the record until the other has too (two
    readers never block each other there). SQLite serialises writing transactions from their
    first statement, so the requests meet at its write lock instead."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        yield
        return
    barrier = threading.Barrier(2, timeout=30)
    held_here = threading.local()

    def hold(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001, PLR0913
        if getattr(held_here, "done", False):
            return
        if statement.lstrip().upper().startswith("SELECT") and "FROM appraisals" in statement:
            held_here.done = True
            barrier.wait()

    event.listen(engine, "after_cursor_execute", hold)
    try:
        yield
    finally:
        event.remove(engine, "after_cursor_execute", hold)


def _race(
    app: Flask,
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    clients: dict[str, FlaskClient],
) -> tuple[dict[str, object], list[str]]:
    """Each client posts the sign page's form as it opened it, both at once."""
    forms = {
        name: form_values(client.get(path), with_csrf=True) for name, client in clients.items()
    }
    assert len({tuple(form["version"]) for form in forms.values()}) == 1
    # Which check caught the loser: the form's version, or (nobody's version check failing)
    # the version column.
    checks: list[str] = []
    checked = signing.check_version

    def check_version(record: object, expected: int | None) -> None:
        try:
            checked(record, expected)
        except StaleRecord:
            checks.append("stale form")
            raise
        checks.append("passed")

    monkeypatch.setattr(signing, "check_version", check_version)
    start = threading.Barrier(2, timeout=30)
    responses: dict[str, object] = {}
    failures: list[BaseException] = []

    def post(name: str) -> None:
        try:
            start.wait()
            responses[name] = clients[name].post(path, data=forms[name])
        except BaseException as problem:  # noqa: BLE001 - reported by the test
            failures.append(problem)

    threads = [threading.Thread(target=post, args=(name,)) for name in clients]
    with _both_read_before_either_writes(app):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert failures == []
    assert not any(thread.is_alive() for thread in threads)
    monkeypatch.setattr(signing, "check_version", checked)
    return responses, checks


def _assert_caught(app: Flask, checks: list[str]) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert sorted(checks) == ["passed", "stale form"]
    else:
        assert checks == ["passed", "passed"], "both got past the form's version"


def _events(app: Flask, appraisal_id: int) -> list[tuple[EventKind, str, bool]]:
    """The record's signature events: kind, who, whether it kept a snapshot."""
    with app.app_context():
        events = db.session.scalars(
            select(AppraisalEvent)
            .where(AppraisalEvent.appraisal_id == appraisal_id)
            .order_by(AppraisalEvent.id)
        ).all()
        return [
            (e.kind, e.actor.display_name, e.snapshot is not None)
            for e in events
            if e.kind in SIGNATURES
        ]


@pytest.mark.committed  # two requests on their own connections, in two threads
def test_the_person_signing_in_two_windows_at_once_signs_once(
    app: Flask,
    org,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    appraisal_id = _held(app, org)
    path = f"/appraisal/conversations/{appraisal_id}/sign"
    clients = {
        "first window": _signed_in(app, org.practitioner.email),
        "second window": _signed_in(app, org.practitioner.email),
    }
    responses, checks = _race(app, monkeypatch, path, clients)

    codes = {name: response.status_code for name, response in responses.items()}
    assert sorted(codes.values()) == [200, 302], codes
    loser = next(name for name, code in codes.items() if code == 200)
    assert page(responses[loser]).error_summary() == {
        "#main-content": f"Already signed by Priya Sandhu at {WHEN}"
    }
    _assert_caught(app, checks)
    assert _events(app, appraisal_id) == [(EventKind.PERSON_SIGNED, "Priya Sandhu", False)]
    with app.app_context():
        appraisal = db.session.get(Appraisal, appraisal_id)
        assert appraisal.stage is Stage.HELD
        assert appraisal.person_signed_at == NOW and appraisal.appraiser_signed_at is None


@pytest.mark.committed  # two requests on their own connections, in two threads
def test_the_person_and_the_appraiser_signing_at_once(
    app: Flask,
    org,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One signature is taken; the other is refused with who signed and when, and nothing is
    locked or snapshotted from a half-seen record. Signing again then locks it once."""
    appraisal_id = _held(app, org)
    path = f"/appraisal/conversations/{appraisal_id}/sign"
    people = {"Priya Sandhu": org.practitioner.email, "Marcus Lindqvist": org.line_manager.email}
    clients = {name: _signed_in(app, email) for name, email in people.items()}
    responses, checks = _race(app, monkeypatch, path, clients)

    codes = {name: response.status_code for name, response in responses.items()}
    assert sorted(codes.values()) == [200, 302], codes
    winner = next(name for name, code in codes.items() if code == 302)
    loser = next(name for name, code in codes.items() if code == 200)
    assert page(responses[loser]).error_summary() == {
        "#main-content": f"{winner} signed this record at {WHEN}, after you opened it: "
        "check it and try again"
    }
    _assert_caught(app, checks)
    signed = _events(app, appraisal_id)
    assert [who for _, who, _ in signed] == [winner]
    assert not any(snapshot for _, _, snapshot in signed)
    with app.app_context():
        appraisal = db.session.get(Appraisal, appraisal_id)
        assert appraisal.stage is Stage.HELD
        assert [appraisal.person_signed_at, appraisal.appraiser_signed_at].count(None) == 1
        assert db.session.scalars(select(DevelopmentAction)).all() == []

    # The loser signs from the page as it now stands: the record locks, once.
    form = form_values(clients[loser].get(path), with_csrf=True)
    assert clients[loser].post(path, data=form).status_code == 302
    signed = _events(app, appraisal_id)
    assert sorted(kind for kind, _, _ in signed) == sorted(SIGNATURES)
    assert [snapshot for _, _, snapshot in signed] == [False, True]
    with app.app_context():
        assert db.session.get(Appraisal, appraisal_id).stage is Stage.SIGNED
        assert len(db.session.scalars(select(DevelopmentAction)).all()) == 1
