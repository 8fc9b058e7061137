"""Two people signing off the same milestone at the same moment: exactly one wins, and the other
is told who did and when, on SQLite and on PostgreSQL.

Two real requests run at once, each in its own thread with its own test client (its own
session and database connection, as two gunicorn workers would have). The review point here
is signed by the line manager, and two people are that to the practitioner: her line manager
now (Marcus Lindqvist) and the enrolment's line manager (Hana Okafor, who managed her when she
enrolled).

How the two meet differs by database, and the test makes each database's race happen:
- SQLite takes its write lock at the start of each writing transaction (BEGIN IMMEDIATE), so
  the second request waits for the first to commit, then finds the form's version behind the
  milestone's (``check_version``);
- on PostgreSQL both requests read the milestone before either writes (each waits for the
  other at a barrier after that read), both pass the version check, and the second UPDATE
  matches no row once the first commits (the version column: ``StaleDataError``).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from tests.helpers import page, sign_in
from tests.programmes.builders import asye_document, make_cohort
from wfld.accounts.models import User
from wfld.core import clock
from wfld.core.errors_domain import StaleRecord
from wfld.extensions import db
from wfld.organisation.models import StaffMember
from wfld.programmes import services, signing
from wfld.programmes.models import Milestone, MilestoneEvent, TemplateStatus
from wfld.programmes.rules import MilestoneAction, MilestoneState, ProgrammeKind

NOW = dt.datetime(2026, 12, 3, 9, 5, tzinfo=dt.UTC)
WHEN = "9:05am on 3 December 2026"


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _milestone_signed_by_line_managers(org) -> int:  # noqa: ANN001
    """The practitioner's 3-month review, signed by a line manager, submitted."""
    document = asye_document()
    for point in document["review_points"]:
        if point["key"] == "3m":
            point["signer"] = "line_manager"
    template = services.add_template_version(
        code="asye-line-managed",
        name="ASYE child and family",
        kind=ProgrammeKind.ASYE,
        document=document,
        status=TemplateStatus.PUBLISHED,
        framework_versions=[],
        actor=None,
        now=NOW,
    )
    enrolment = services.enrol(
        cohort=make_cohort(template),
        staff=db.session.get(StaffMember, org.practitioner.staff_id),
        start_date=dt.date(2026, 9, 1),
        fte=Decimal(1),
        assessor=db.session.get(StaffMember, org.other_practitioner.staff_id),
        line_manager=db.session.get(StaffMember, org.senior_manager.staff_id),
        actor=None,
        now=NOW,
    )
    milestone = db.session.scalar(
        select(Milestone).where(Milestone.enrolment_id == enrolment.id, Milestone.key == "3m")
    )
    signing.act(
        milestone=milestone,
        action=MilestoneAction.SUBMIT,
        text="Three months in",
        expected_version=milestone.version_id,
        actor=db.session.get(User, org.practitioner.user_id),
        now=NOW,
    )
    db.session.commit()
    return milestone.id


def _signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def _sign_off_form(client: FlaskClient, path: str) -> dict[str, str]:
    form = page(client.get(path)).soup.select_one('form[action$="/sign-off"]')
    assert form is not None, "the page offers the sign-off"
    data = {i["name"]: i.get("value", "") for i in form.find_all("input") if i.get("name")}
    return {**data, "sign-off-comment": "Good progress", "sign-off-short_reason": "Booked"}


@contextmanager
def _both_read_before_either_writes(app: Flask) -> Iterator[None]:
    """PostgreSQL: hold each request after it has read the milestone until the other has too
    (two readers never block each other there). SQLite serialises writing transactions from
    their first statement, so the requests meet at its write lock instead."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        yield
        return
    barrier = threading.Barrier(2, timeout=30)
    held = threading.local()

    def hold(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001, PLR0913
        if getattr(held, "done", False):
            return
        if statement.lstrip().upper().startswith("SELECT") and "FROM milestones" in statement:
            held.done = True
            barrier.wait()

    event.listen(engine, "after_cursor_execute", hold)
    try:
        yield
    finally:
        event.remove(engine, "after_cursor_execute", hold)


@pytest.mark.committed  # two requests on their own connections, in two threads
def test_two_people_signing_off_at_once_exactly_one_wins(
    app: Flask,
    org,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with app.app_context():
        milestone_id = _milestone_signed_by_line_managers(org)
    path = f"/programmes/milestones/{milestone_id}"
    people = {"Marcus Lindqvist": org.line_manager.email, "Hana Okafor": org.senior_manager.email}
    clients = {name: _signed_in(app, email) for name, email in people.items()}
    forms = {name: _sign_off_form(client, path) for name, client in clients.items()}
    assert len({form["sign-off-version"] for form in forms.values()}) == 1

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

    def sign_off(name: str) -> None:
        try:
            start.wait()
            responses[name] = clients[name].post(f"{path}/sign-off", data=forms[name])
        except BaseException as problem:  # noqa: BLE001 - reported by the test below
            failures.append(problem)

    threads = [threading.Thread(target=sign_off, args=(name,)) for name in clients]
    with _both_read_before_either_writes(app):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert failures == []
    assert not any(thread.is_alive() for thread in threads)

    codes = {name: response.status_code for name, response in responses.items()}
    assert sorted(codes.values()) == [200, 302], codes
    winner = next(name for name, code in codes.items() if code == 302)
    loser = next(name for name, code in codes.items() if code == 200)
    shown = page(responses[loser])
    assert shown.error_summary() == {"#main-content": f"Already signed off by {winner} at {WHEN}"}

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert sorted(checks) == ["passed", "stale form"]
    else:
        assert checks == ["passed", "passed"], "both got past the form's version"

    with app.app_context():
        events = db.session.scalars(
            select(MilestoneEvent).where(MilestoneEvent.milestone_id == milestone_id)
        ).all()
        assert [e.action for e in events] == [MilestoneAction.SUBMIT, MilestoneAction.SIGN_OFF]
        assert events[-1].actor.display_name == winner
        assert db.session.get(Milestone, milestone_id).state is MilestoneState.SIGNED_OFF
