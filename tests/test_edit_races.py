"""Losing an edit race loses nothing typed: every form that carries a record's version, opened
twice from the same version and saved from the second copy after the first, comes back with
the conflict message (one wording everywhere), the second person's typed values and the
record's new version. Nothing of the second save is kept, and saving again from that page
works."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import NOW
from tests.helpers import form_values, page, sign_in
from wfld.core import clock
from wfld.extensions import db

ADVICE = "Your changes are below and have not been saved: check them and save again"
# A record that keeps the time it was last changed says when (the first save ran at NOW);
# one that keeps no time says only that it changed. No record keeps who changed it.
MESSAGE = f"Someone changed this record. {ADVICE}"
MESSAGE_AT_NOW = f"Someone changed this record at 9am on 23 November 2026. {ADVICE}"


@pytest.fixture(autouse=True)
def frozen_clock():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@dataclass
class Race:
    """Where the form is, who edits it, what each types, and how to read the saved value."""

    path: str
    editors: tuple[str, str]
    first: dict[str, list[str]]
    second: dict[str, list[str]]
    saved: Callable[[], object]  # the saved value(s) of the fields typed, in the app context
    keeps_change_time: bool = False  # the record has an updated_at


def _team(app: Flask, org) -> Race:  # noqa: ANN001
    from wfld.organisation.models import Team

    return Race(
        f"/admin/teams/{org.team_a}/edit",
        ("wfld_admin", "system_admin"),
        {"name": ["Front Door"]},
        {"name": ["Duty and Assessment East"]},
        lambda: db.session.get(Team, org.team_a).name,
    )


def _job_role(app: Flask, org) -> Race:  # noqa: ANN001
    from wfld.organisation.models import JobRole

    return Race(
        f"/admin/job-roles/{org.role_social_worker}/edit",
        ("wfld_admin", "system_admin"),
        {"grade": ["SW Grade 10"]},
        {"grade": ["Soulbury 4"]},
        lambda: db.session.get(JobRole, org.role_social_worker).grade,
    )


def _staff(app: Flask, org) -> Race:  # noqa: ANN001
    from wfld.organisation.models import StaffMember

    def saved() -> object:
        staff = db.session.get(StaffMember, org.practitioner.staff_id)
        return (staff.first_name, staff.last_name)

    return Race(
        f"/admin/staff/{org.practitioner.staff_id}/edit",
        ("wfld_admin", "system_admin"),
        {"first_name": ["Priyanka"]},
        {"last_name": ["Sandhu-Rao"], "fte": ["0.8"]},
        saved,
        keeps_change_time=True,
    )


def _activity(app: Flask, org) -> Race:  # noqa: ANN001
    from tests.catalogue.builders import make_activity
    from wfld.catalogue.models import LearningActivity

    activity_id = make_activity("Safeguarding refresher").id
    db.session.commit()

    def saved() -> object:
        activity = db.session.get(LearningActivity, activity_id)
        return (activity.title, activity.description)

    return Race(
        f"/catalogue/activities/{activity_id}/edit",
        ("wfld_admin", "wfld_admin"),
        {"title": ["Safeguarding children refresher"]},
        {"description": ["A half day on the 2023 guidance.\nBring a case to discuss."]},
        saved,
    )


def _session(app: Flask, org) -> Race:  # noqa: ANN001
    from tests.catalogue.builders import make_activity, make_session
    from wfld.catalogue.models import LearningSession

    session_id = make_session(make_activity("Court Skills"), days=14).id
    db.session.commit()

    def saved() -> object:
        session = db.session.get(LearningSession, session_id)
        return (session.trainer, session.capacity)

    return Race(
        f"/catalogue/sessions/{session_id}/edit",
        ("wfld_admin", "system_admin"),
        {"trainer": ["Dr A Patel"]},
        {"capacity": ["20"], "venue": ["Room 4, County Hall"]},
        saved,
    )


def _entry(app: Flask, org) -> Race:  # noqa: ANN001
    from tests.cpd.builders import make_entry
    from wfld.cpd.models import CpdEntry

    entry_id = make_entry(org.practitioner.staff_id, complete=False).id
    db.session.commit()

    def saved() -> object:
        entry = db.session.get(CpdEntry, entry_id)
        return (entry.learning, entry.impact)

    return Race(
        f"/cpd/entries/{entry_id}/edit",
        ("practitioner", "practitioner"),
        {"learning": ["Saved from the first tab."]},
        {"impact": ["I now plan visits around the family's week.\nThis came from the course."]},
        saved,
        keeps_change_time=True,
    )


def _settings(app: Flask, org) -> Race:  # noqa: ANN001
    from wfld.accounts.models import User
    from wfld.cpd import queries, services
    from wfld.organisation.models import StaffMember

    services.update_profile(
        staff=db.session.get(StaffMember, org.practitioner.staff_id),
        share_all=False,
        registered_on=None,
        revalidation_due_on=None,
        expected_version=None,
        actor=db.session.get(User, org.practitioner.user_id),
        now=NOW,
        today=NOW.date(),
    )
    db.session.commit()

    def saved() -> object:
        profile = queries.find_profile(org.practitioner.staff_id)
        return (profile.share_all, profile.registered_on)

    return Race(
        "/cpd/me/settings",
        ("practitioner", "practitioner"),
        {"share_all": ["yes"]},
        {"registered_on": ["2", "10", "2026"]},
        saved,
    )


RACES = {
    "team": _team,
    "job role": _job_role,
    "staff": _staff,
    "activity": _activity,
    "session": _session,
    "cpd entry": _entry,
    "cpd settings": _settings,
}


def _signed_in(app: Flask, org, persona: str) -> FlaskClient:  # noqa: ANN001
    client = app.test_client()
    assert sign_in(client, getattr(org, persona).email).status_code == 302
    return client


@pytest.mark.parametrize("kind", RACES)
def test_the_loser_of_an_edit_race_keeps_what_they_typed(app: Flask, org, kind: str) -> None:  # noqa: ANN001
    with app.app_context():
        race = RACES[kind](app, org)
        before = race.saved()
    first, second = (_signed_in(app, org, persona) for persona in race.editors)
    first_form = form_values(first.get(race.path), with_csrf=True)
    second_form = form_values(second.get(race.path), with_csrf=True)
    assert first_form["version"] == second_form["version"]

    assert first.post(race.path, data={**first_form, **race.first}).status_code == 302
    with app.app_context():
        after_first = race.saved()
    assert after_first != before

    response = second.post(race.path, data={**second_form, **race.second})

    assert response.status_code == 200
    shown = page(response)
    assert shown.title.startswith("Error: ")
    expected = MESSAGE_AT_NOW if race.keeps_change_time else MESSAGE
    assert shown.error_summary() == {"#main-content": expected}
    kept = form_values(response, with_csrf=True)
    for name, typed in race.second.items():
        assert kept[name] == typed, f"{name}: what was typed is shown again"
    for name in race.first.keys() - race.second.keys():
        # The loser's form is theirs: the winner's change is not slipped into it.
        assert kept[name] == second_form[name]
    assert int(kept["version"][0]) > int(second_form["version"][0])
    with app.app_context():
        assert race.saved() == after_first, "nothing of the losing save is kept"

    # Saving again from that page (after checking) works, and saves what they typed.
    assert second.post(race.path, data=kept).status_code == 302
    with app.app_context():
        final = race.saved()
    assert final != after_first


@pytest.mark.committed  # the other editor saves on a connection of its own
def test_a_race_lost_between_the_check_and_the_write_reads_the_same(
    app: Flask,
    org,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Someone saves after our version check but before our write (possible on PostgreSQL;
    SQLite's write lock serialises the two): the database refuses the write, and the person
    sees the same message with what they typed, not an error page."""
    from sqlalchemy import create_engine, text

    from wfld.organisation import services
    from wfld.organisation.models import Team

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite takes the write lock before the check: this race cannot happen")
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    checked = services.check_version

    def check_then_someone_saves(record, expected) -> None:  # noqa: ANN001
        checked(record, expected)
        with other.begin() as connection:
            connection.execute(
                text(
                    "UPDATE teams SET name = 'Front Door', version_id = version_id + 1 "
                    "WHERE id = :id"
                ),
                {"id": record.id},
            )

    client = _signed_in(app, org, "wfld_admin")
    path = f"/admin/teams/{org.team_a}/edit"
    opened = form_values(client.get(path), with_csrf=True)
    monkeypatch.setattr(services, "check_version", check_then_someone_saves)
    response = client.post(path, data={**opened, "name": "Duty and Assessment East"})
    other.dispose()

    assert response.status_code == 200
    assert page(response).error_summary() == {"#main-content": MESSAGE}
    assert form_values(response)["name"] == ["Duty and Assessment East"]
    with app.app_context():
        assert db.session.get(Team, org.team_a).name == "Front Door"
