"""Supervision sessions through the pages: recording (supervisor, WFLD team), bad input, the
themes confidentiality check, who sees a log (own vs other → 404), changing a session (its
supervisor only, optimistic locking), the team page and turning a session into a CPD entry.

The clock is frozen at 09:00 UTC on 23 November 2026 (council year 2026/27 from 1 April).
In the test organisation M line manages P, and the head of service H manages M; Q is in
another team (managed by E), with the WFLD admin W and the system admin S.
"""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.factories import NOW, Person, make_staff
from tests.helpers import QueryCounter, form_values, page, sign_in, submit
from wfld.accounts.models import User
from wfld.core import clock
from wfld.cpd.models import CpdEntry, EntryStatus
from wfld.cpd.rules import ActivityType, has_peer_reflection
from wfld.extensions import db
from wfld.organisation.models import StaffMember
from wfld.supervision import services
from wfld.supervision.models import SupervisionKind, SupervisionRecord

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def signed_in(app: Flask, person: Person) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, person.email).status_code == 302
    return client


def make_session(
    app: Flask,
    staff: Person,
    supervisor: Person,
    *,
    held_on: dt.date = dt.date(2026, 11, 2),
    minutes: int = 90,
    kind: SupervisionKind = SupervisionKind.REFLECTIVE,
    themes: str = "Managing workload and using research in assessments",
) -> int:
    with app.app_context():
        record = services.record_session(
            staff=db.session.get(StaffMember, staff.staff_id),
            supervisor=db.session.get(StaffMember, supervisor.staff_id),
            held_on=held_on,
            kind=kind,
            minutes=minutes,
            themes=themes,
            actor=db.session.get(User, supervisor.user_id),
            now=NOW,
            today=TODAY,
        )
        db.session.commit()
        return record.id


def session_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "held_on": ["16", "11", "2026"],
        "kind": "case",
        "minutes": "90",
        "themes": "Workload, a training need in analytical writing",
    }
    data.update(changes)
    return data


def records(app: Flask) -> list[SupervisionRecord]:
    with app.app_context():
        return list(db.session.scalars(select(SupervisionRecord).order_by(SupervisionRecord.id)))


# Recording ----------------------------------------------------------------------------------
def test_line_manager_records_a_session_for_a_direct_report(app: Flask, org) -> None:  # noqa: ANN001
    client = signed_in(app, org.line_manager)
    path = f"/supervision/staff/{org.practitioner.staff_id}/new"
    form = page(client.get(path))
    assert form.h1 == "Record a supervision session"
    # The manager holds the session: they are not asked who did.
    assert form.soup.find(attrs={"name": "supervisor"}) is None
    assert "Do not record case details" in form.text()

    response = submit(client, path, session_form())

    assert response.status_code == 302
    assert response.location == f"/supervision/staff/{org.practitioner.staff_id}"
    [record] = records(app)
    assert (record.staff_id, record.supervisor_id) == (
        org.practitioner.staff_id,
        org.line_manager.staff_id,
    )
    assert (record.held_on, record.kind, record.minutes) == (
        dt.date(2026, 11, 16),
        SupervisionKind.CASE,
        90,
    )
    assert record.created_by_id == org.line_manager.user_id
    log = page(client.get(response.location))
    assert "Supervision session saved" in log.text()
    assert "16 November 2026" in log.text() and "1 hour 30 minutes" in log.text()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"held_on": ["24", "11", "2026"]},
            "#held_on-day",
            "Date of the supervision must be today or in the past",
        ),
        ({"held_on": ["", "", ""]}, "#held_on-day", "Enter the date of the supervision"),
        ({"minutes": "0"}, "#minutes", "Duration must be between 1 and 600 minutes"),
        ({"minutes": "601"}, "#minutes", "Duration must be between 1 and 600 minutes"),
        (
            {"minutes": "an hour"},
            "#minutes",
            "Enter the duration as a whole number of minutes, like 90",
        ),
        ({"kind": ""}, "#kind", "Select the type of supervision"),
    ],
)
def test_bad_input_is_refused_with_an_error_linked_to_its_field(
    app: Flask,
    org,  # noqa: ANN001
    changes: dict,
    field: str,
    message: str,
) -> None:
    client = signed_in(app, org.line_manager)
    path = f"/supervision/staff/{org.practitioner.staff_id}/new"
    response = client.post(
        path, data={**form_values(client.get(path), with_csrf=True), **session_form(**changes)}
    )

    assert response.status_code == 200
    result = page(response)
    assert result.title.startswith("Error: ")
    assert result.error_summary().get(field) == message
    assert records(app) == []


def test_every_error_shows_at_once(app: Flask, org) -> None:  # noqa: ANN001
    client = signed_in(app, org.line_manager)
    path = f"/supervision/staff/{org.practitioner.staff_id}/new"
    response = submit(client, path, session_form(held_on=["1", "12", "2026"], minutes="x"))
    summary = page(response).error_summary()
    assert summary["#held_on-day"] == "Date of the supervision must be today or in the past"
    assert summary["#minutes"] == "Enter the duration as a whole number of minutes, like 90"


def test_themes_that_identify_someone_are_refused(app: Flask, org) -> None:  # noqa: ANN001
    client = signed_in(app, org.line_manager)
    path = f"/supervision/staff/{org.practitioner.staff_id}/new"
    response = submit(client, path, session_form(themes="Visit to Tom, aged 7, at SW1A 1AA"))

    summary = page(response).error_summary()
    assert summary["#themes"].startswith("Themes must not identify anyone: ")
    assert "“SW1A 1AA” looks like a postcode" in summary["#themes"]
    assert summary["#themes"].endswith("Remove case details")
    assert records(app) == []


@pytest.mark.parametrize(
    "who", ["other_practitioner", "practitioner", "senior_manager", "system_admin"]
)
def test_only_a_supervisor_records_for_someone(app: Flask, org, who: str) -> None:  # noqa: ANN001
    """Q and the system admin are nothing to P; P cannot supervise themselves; the head of
    service reads P's log but keeps no log for someone they do not manage directly."""
    client = signed_in(app, getattr(org, who))
    path = f"/supervision/staff/{org.practitioner.staff_id}/new"
    assert client.get(path).status_code == 404
    assert submit(client, path, session_form(), form_path="/").status_code == 404
    assert records(app) == []


def test_a_manager_cannot_record_for_someone_else_s_report(app: Flask, org) -> None:  # noqa: ANN001
    client = signed_in(app, org.line_manager)
    assert (
        client.get(f"/supervision/staff/{org.other_practitioner.staff_id}/new").status_code == 404
    )
    assert client.get("/supervision/staff/999999/new").status_code == 404


def test_the_wfld_team_names_the_supervisor_who_then_keeps_the_log(app: Flask, org) -> None:  # noqa: ANN001
    """A programme supervisor who is not the line manager: the WFLD team records the first
    session naming them; from then on they record for that person and see what they held."""
    admin = signed_in(app, org.wfld_admin)
    path = f"/supervision/staff/{org.other_practitioner.staff_id}/new"
    response = submit(admin, path, session_form(supervisor=org.line_manager.email))
    assert response.status_code == 302
    [record] = records(app)
    assert (record.staff_id, record.supervisor_id) == (
        org.other_practitioner.staff_id,
        org.line_manager.staff_id,
    )
    assert record.created_by_id == org.wfld_admin.user_id

    manager = signed_in(app, org.line_manager)
    assert submit(manager, path, session_form(held_on=["20", "11", "2026"])).status_code == 302
    # Sessions Q's own line manager holds are not the supervisor's to read.
    make_session(app, org.other_practitioner, org.wfld_admin, held_on=dt.date(2026, 11, 9))
    log = page(manager.get(f"/supervision/staff/{org.other_practitioner.staff_id}"))
    assert "The sessions you held with Quinn." in log.text()
    dates = [row.find("td").get_text() for row in log.soup.select("tbody tr")]
    assert dates == ["20 November 2026", "16 November 2026"]


def test_the_wfld_team_cannot_name_the_person_as_their_own_supervisor(app: Flask, org) -> None:  # noqa: ANN001
    admin = signed_in(app, org.wfld_admin)
    path = f"/supervision/staff/{org.practitioner.staff_id}/new"
    same = submit(admin, path, session_form(supervisor=org.practitioner.email))
    assert page(same).error_summary()["#supervisor"] == (
        "The supervisor must be someone other than the person supervised"
    )
    unknown = submit(admin, path, session_form(supervisor="nobody@test.example"))
    assert page(unknown).error_summary()["#supervisor"] == (
        "Enter the work email of someone on the staff list"
    )
    assert records(app) == []


# Seeing -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "status", "may_record"),
    [
        ("practitioner", 200, False),  # their own record
        ("line_manager", 200, True),  # the supervisor who held it, and the line manager
        ("senior_manager", 200, False),  # the management chain: read only
        ("wfld_admin", 200, True),
        ("other_practitioner", 404, False),
        ("system_admin", 404, False),
    ],
)
def test_who_sees_a_person_s_log(app: Flask, org, who: str, status: int, may_record: bool) -> None:  # noqa: ANN001
    make_session(app, org.practitioner, org.line_manager)
    client = signed_in(app, getattr(org, who))
    response = client.get(f"/supervision/staff/{org.practitioner.staff_id}")
    assert response.status_code == status
    if status == 200:
        log = page(response)
        assert log.h1 == "Supervision: Priya Sandhu"
        assert "Managing workload" in log.text()
        assert (log.soup.find("a", string="Record a session") is not None) is may_record


def test_my_supervision_lists_my_sessions_newest_first_with_this_year_s_totals(
    app: Flask,
    org,  # noqa: ANN001
) -> None:
    make_session(app, org.practitioner, org.line_manager, held_on=dt.date(2026, 3, 20), minutes=60)
    make_session(app, org.practitioner, org.line_manager, held_on=dt.date(2026, 10, 5), minutes=90)
    make_session(app, org.practitioner, org.line_manager, held_on=dt.date(2026, 11, 2), minutes=45)
    make_session(app, org.other_practitioner, org.wfld_admin, held_on=dt.date(2026, 11, 3))
    client = signed_in(app, org.practitioner)

    mine = page(client.get("/supervision/me"))

    assert mine.h1 == "My supervision"
    dates = [row.find("td").get_text() for row in mine.soup.select("tbody tr")]
    assert dates == ["2 November 2026", "5 October 2026", "20 March 2026"]
    # The council's year began on 1 April: March's session is last year's.
    totals = {
        " ".join(row.find("dt").get_text().split()): " ".join(row.find("dd").get_text().split())
        for row in mine.soup.select(".govuk-summary-list__row")
    }
    assert totals == {
        "Sessions since 1 April 2026": "2",
        "Time in supervision": "2 hours 15 minutes",
    }
    buttons = [b.get_text(" ", strip=True) for b in mine.soup.select("main form button")]
    assert buttons[0] == "Turn into a CPD entry : session on 2 November 2026"
    assert len(buttons) == 3


def test_team_page_shows_each_report_s_last_session_and_recent_count(app: Flask, org) -> None:  # noqa: ANN001
    make_session(app, org.practitioner, org.line_manager, held_on=dt.date(2026, 8, 1))
    make_session(app, org.practitioner, org.line_manager, held_on=dt.date(2026, 9, 1))
    make_session(app, org.practitioner, org.line_manager, held_on=dt.date(2026, 11, 2))
    client = signed_in(app, org.line_manager)

    team = page(client.get("/supervision/team"))

    [row] = team.soup.select("tbody tr")
    cells = [" ".join(c.get_text().split()) for c in row.find_all("td")]
    # Since 23 August 2026: September's and November's sessions.
    assert cells == ["Priya Sandhu", "Social Worker", "2 November 2026", "2"]
    assert signed_in(app, org.practitioner).get("/supervision/team").status_code == 403


# Changing -----------------------------------------------------------------------------------
def test_only_the_supervisor_who_held_it_changes_a_session(app: Flask, org) -> None:  # noqa: ANN001
    session_id = make_session(app, org.practitioner, org.line_manager)
    path = f"/supervision/sessions/{session_id}/edit"
    for who in ("practitioner", "senior_manager", "wfld_admin", "other_practitioner"):
        assert signed_in(app, getattr(org, who)).get(path).status_code == 404, who
    assert (
        signed_in(app, org.practitioner).get("/supervision/sessions/999999/edit").status_code == 404
    )

    client = signed_in(app, org.line_manager)
    opened = client.get(path)
    assert page(opened).h1 == "Change a supervision session"
    values = form_values(opened, with_csrf=True)
    assert values["minutes"] == ["90"] and values["kind"] == ["reflective"]
    response = client.post(path, data={**values, "minutes": "75"})

    assert response.status_code == 302
    [record] = records(app)
    assert record.minutes == 75 and record.version_id == 2


def test_a_stale_change_is_refused_and_keeps_what_was_typed(app: Flask, org) -> None:  # noqa: ANN001
    session_id = make_session(app, org.practitioner, org.line_manager)
    path = f"/supervision/sessions/{session_id}/edit"
    client = signed_in(app, org.line_manager)
    values = form_values(client.get(path), with_csrf=True)
    assert client.post(path, data={**values, "minutes": "60"}).status_code == 302

    late = client.post(path, data={**values, "minutes": "120"})

    result = page(late)
    assert any("changed this record" in m for m in result.error_summary().values())
    assert result.soup.find("input", attrs={"name": "minutes"})["value"] == "120"
    assert records(app)[0].minutes == 60


def test_a_change_with_bad_input_saves_nothing(app: Flask, org) -> None:  # noqa: ANN001
    session_id = make_session(app, org.practitioner, org.line_manager)
    path = f"/supervision/sessions/{session_id}/edit"
    client = signed_in(app, org.line_manager)
    values = form_values(client.get(path), with_csrf=True)
    response = client.post(path, data={**values, "held_on": ["1", "1", "2027"]})
    assert page(response).error_summary()["#held_on-day"] == (
        "Date of the supervision must be today or in the past"
    )
    assert records(app)[0].held_on == dt.date(2026, 11, 2)


# Into CPD -----------------------------------------------------------------------------------
def test_a_session_becomes_a_draft_cpd_entry_with_a_peer_reflection_once(app: Flask, org) -> None:  # noqa: ANN001
    session_id = make_session(app, org.practitioner, org.line_manager)
    client = signed_in(app, org.practitioner)
    path = f"/supervision/sessions/{session_id}/cpd"

    response = submit(client, path, {}, form_path="/supervision/me")

    with app.app_context():
        [entry] = db.session.scalars(select(CpdEntry)).all()
        assert response.status_code == 302
        assert response.location == f"/cpd/entries/{entry.id}/edit"
        assert entry.staff_id == org.practitioner.staff_id
        assert entry.status is EntryStatus.DRAFT
        assert entry.activity_type is ActivityType.SUPERVISION
        assert entry.started_on == dt.date(2026, 11, 2)
        assert str(entry.hours) == "1.50"
        assert entry.title == "Reflective supervision on 2 November 2026"
        assert "Managing workload" in entry.peer_reflection
        assert entry.peer_role == "My supervisor (Team Manager)"
        assert has_peer_reflection(entry.facts())  # peer reflection counts for SWE
        assert db.session.get(SupervisionRecord, session_id).cpd_entry_id == entry.id

    again = submit(client, path, {}, form_path="/supervision/me")

    assert again.status_code == 302 and again.location == "/supervision/me"
    assert "This session is already in your CPD" in page(client.get("/supervision/me")).text()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CpdEntry)) == 1


@pytest.mark.parametrize(
    "who", ["line_manager", "senior_manager", "other_practitioner", "wfld_admin"]
)
def test_only_the_supervisee_turns_a_session_into_cpd(app: Flask, org, who: str) -> None:  # noqa: ANN001
    session_id = make_session(app, org.practitioner, org.line_manager)
    client = signed_in(app, getattr(org, who))
    token_page = "/supervision/team" if who == "line_manager" else "/"
    response = submit(client, f"/supervision/sessions/{session_id}/cpd", {}, form_path=token_page)
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CpdEntry)) == 0


def test_anonymous_visitors_are_sent_to_sign_in(app: Flask, org) -> None:  # noqa: ANN001
    session_id = make_session(app, org.practitioner, org.line_manager)
    client = app.test_client()
    for path in (
        "/supervision/me",
        "/supervision/team",
        f"/supervision/staff/{org.practitioner.staff_id}",
        f"/supervision/staff/{org.practitioner.staff_id}/new",
        f"/supervision/sessions/{session_id}/edit",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.location, path


def test_deleting_the_draft_lets_the_session_become_an_entry_again(app: Flask, org) -> None:  # noqa: ANN001
    session_id = make_session(app, org.practitioner, org.line_manager)
    client = signed_in(app, org.practitioner)
    made = submit(
        client, f"/supervision/sessions/{session_id}/cpd", {}, form_path="/supervision/me"
    )
    entry_path = made.location.removesuffix("/edit")

    deleted = submit(client, f"{entry_path}/delete", {"confirm": "y"})

    assert deleted.status_code == 302
    with app.app_context():
        assert db.session.get(SupervisionRecord, session_id).cpd_entry_id is None
    again = submit(
        client, f"/supervision/sessions/{session_id}/cpd", {}, form_path="/supervision/me"
    )
    assert again.location.startswith("/cpd/entries/")


def test_the_team_page_reads_in_the_same_statements_however_big_the_team(
    app: Flask,
    org,  # noqa: ANN001
) -> None:
    client = signed_in(app, org.line_manager)
    make_session(app, org.practitioner, org.line_manager)

    def statements() -> int:
        with QueryCounter(app) as counter:
            assert client.get("/supervision/team").status_code == 200
        return counter.count

    before = statements()
    with app.app_context():
        manager = db.session.get(StaffMember, org.line_manager.staff_id)
        for n in range(3):
            report = make_staff(
                f"Report{n}", "Extra", team=manager.team, role=manager.job_role, manager=manager
            )
            services.record_session(
                staff=report,
                supervisor=manager,
                held_on=dt.date(2026, 11, 10),
                kind=SupervisionKind.CASE,
                minutes=60,
                themes="",
                actor=db.session.get(User, org.line_manager.user_id),
                now=NOW,
                today=TODAY,
            )
        db.session.commit()
    assert len(page(client.get("/supervision/team")).soup.select("tbody tr")) == 4
    assert statements() == before


def test_my_supervision_leads_a_line_manager_to_their_team(app, client, org) -> None:  # noqa: ANN001
    """The team page is not in the menu: My supervision links to it, for line managers only."""
    sign_in(client, org.line_manager.email)
    shown = page(client.get("/supervision/me"))
    assert [a["href"] for a in shown.soup.select("main a[href='/supervision/team']")]
    other = app.test_client()
    sign_in(other, org.practitioner.email)
    shown = page(other.get("/supervision/me"))
    assert not shown.soup.select("main a[href='/supervision/team']")


def test_recording_and_changing_a_session_are_audited_without_its_themes(app, org) -> None:  # noqa: ANN001
    import datetime as dt

    from sqlalchemy import select

    from wfld.accounts.models import AuditEvent, User
    from wfld.extensions import db
    from wfld.organisation.models import StaffMember
    from wfld.supervision import services
    from wfld.supervision.models import SupervisionKind

    now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    with app.app_context():
        person = db.session.get(StaffMember, org.practitioner.staff_id)
        manager = db.session.get(User, org.line_manager.user_id)
        session = services.record_session(
            staff=person,
            supervisor=person.line_manager,
            held_on=dt.date(2026, 11, 2),
            kind=SupervisionKind.CASE,
            minutes=90,
            themes="Workload and planning",
            actor=manager,
            now=now,
            today=now.date(),
        )
        services.update_session(
            record=session,
            held_on=dt.date(2026, 11, 2),
            kind=SupervisionKind.REFLECTIVE,
            minutes=60,
            themes="Workload and planning",
            expected_version=session.version_id,
            actor=manager,
            now=now,
            today=now.date(),
        )
        logged = db.session.scalars(
            select(AuditEvent).where(AuditEvent.event.like("supervision_%")).order_by(AuditEvent.id)
        ).all()
        assert [e.event for e in logged] == ["supervision_recorded", "supervision_changed"]
        assert all(e.details == {"staff_id": person.id} for e in logged)
        assert all(e.actor_user_id == manager.id for e in logged)
