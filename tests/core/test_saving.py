"""The one save path: a service call commits, or is rolled back with its reasons on the form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from wtforms import HiddenField, StringField

from tests.factories import make_role, make_service_area, make_staff, make_team
from wfld.core.baseform import Form
from wfld.core.errors_domain import RuleBroken, StaleRecord, check_version
from wfld.core.forms import error_summary
from wfld.core.saving import STALE_ADVICE, NotSaved, Saved, save, save_apart
from wfld.extensions import db
from wfld.organisation.models import ServiceArea, StaffMember, Team


class _TeamForm(Form):
    name = StringField("Team name")
    version = HiddenField()


@pytest.fixture
def request_context(app: Flask) -> Iterator[None]:
    with app.test_request_context("/", method="POST", data={"name": "Duty", "version": "1"}):
        yield


def _form() -> _TeamForm:
    form = _TeamForm(meta={"csrf": False})
    assert form.validate()
    return form


def _areas() -> int:
    return db.session.scalar(select(func.count()).select_from(ServiceArea))


def _add_area(name: str) -> ServiceArea:
    area = ServiceArea(name=name)
    db.session.add(area)
    db.session.flush()
    return area


def test_a_call_that_keeps_the_rules_is_committed(app: Flask, request_context: None) -> None:
    saved = save(_form(), lambda: _add_area("Early Help"))

    assert saved
    assert isinstance(saved, Saved)
    assert saved.value.name == "Early Help"
    # Committed: a fresh session (as the next request has) sees it.
    db.session.remove()
    assert db.session.scalar(select(ServiceArea.name)) == "Early Help"


def test_a_broken_rule_rolls_back_and_shows_on_the_field_and_the_summary(
    app: Flask, request_context: None
) -> None:
    form = _form()

    def break_a_rule() -> None:
        _add_area("Early Help")
        raise RuleBroken(
            {"name": "A team with this name already exists", "confirm": "Close the team first"}
        )

    result = save(form, break_a_rule)

    assert not result
    assert isinstance(result, NotSaved)
    assert result.messages == ("A team with this name already exists", "Close the team first")
    assert form.name.errors == ["A team with this name already exists"]
    # No field of that name: the message heads the error summary instead.
    assert form.form_errors == ["Close the team first"]
    assert [item["text"] for item in error_summary(form)["errorList"]] == [
        "A team with this name already exists",
        "Close the team first",
    ]
    # What was typed stays on the form, and nothing of the change was kept.
    assert form.name.data == "Duty"
    assert _areas() == 0


def test_without_a_form_the_messages_come_back_to_show_another_way(app: Flask) -> None:
    with app.app_context():
        result = save(None, lambda: (_ for _ in ()).throw(RuleBroken({"item": "Already first"})))
        assert not result
        assert result.message == "Already first"


def _staff() -> StaffMember:
    area = make_service_area()
    return make_staff(
        "Priya", "Sandhu", team=make_team("Duty", area), role=make_role("Social worker")
    )


def test_a_lost_edit_race_says_when_the_record_changed_and_moves_the_form_on(
    app: Flask, request_context: None
) -> None:
    staff = _staff()
    db.session.commit()
    opened_at = staff.version_id
    # Someone else saves it, in summer time, while the form is open.
    staff.first_name = "Priyanka"
    staff.updated_at = dt.datetime(2026, 7, 1, 13, 30, tzinfo=dt.UTC)
    db.session.commit()
    form = _form()
    form.version.data = str(opened_at)

    def change_from_the_old_form() -> None:
        staff.last_name = "Overwritten"
        check_version(staff, opened_at)

    result = save(form, change_from_the_old_form, record=staff)

    assert not result
    message = f"Someone changed this record at 2:30pm on 1 July 2026. {STALE_ADVICE}"
    assert result.messages == (message,)
    assert form.form_errors == [message]
    assert STALE_ADVICE == (
        "Your changes are below and have not been saved: check them and save again"
    )
    # The form now carries the current version, so saving again once checked can work.
    assert form.version.data == str(opened_at + 1)
    assert form.name.data == "Duty"
    assert db.session.get(StaffMember, staff.id).last_name == "Sandhu"


def test_a_race_lost_in_the_database_reads_the_same(app: Flask, request_context: None) -> None:
    """The row moved between our read and our write: the UPDATE matches no row and SQLAlchemy
    raises StaleDataError, at flush or at commit."""
    team = make_team("Duty", make_service_area())
    db.session.commit()
    assert team.version_id == 1
    db.session.expunge(team)  # our copy keeps version 1...
    db.session.execute(
        text("UPDATE teams SET name = 'Front Door', version_id = 2 WHERE id = :id"),
        {"id": team.id},
    )
    db.session.commit()  # ...while someone else's save makes it version 2
    db.session.add(team)
    form = _form()

    result = save(form, lambda: setattr(team, "name", "Duty and Assessment"), record=team)

    assert not result
    # Teams keep no time of change: the message says only that someone changed it.
    assert form.form_errors == [f"Someone changed this record. {STALE_ADVICE}"]
    assert form.version.data == "2"
    assert db.session.get(Team, team.id).name == "Front Door"


def test_a_record_that_knows_who_changed_it_names_them(app: Flask, request_context: None) -> None:
    record = SimpleNamespace(
        version_id=7,
        updated_at=dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC),
        updated_by=SimpleNamespace(full_name="Asha Patel"),
    )
    form = _form()

    def stale() -> None:
        raise StaleRecord()

    save(form, stale, record=record)

    assert form.form_errors == [
        f"Asha Patel changed this record at 9am on 23 November 2026. {STALE_ADVICE}"
    ]
    assert form.version.data == "7"


def test_any_other_failure_rolls_back_and_goes_on(app: Flask, request_context: None) -> None:
    def fail_half_way() -> None:
        _add_area("Early Help")
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        save(_form(), fail_half_way)

    assert _areas() == 0
    # The session is usable again straight away (nothing left to roll back).
    assert save(_form(), lambda: _add_area("Fostering"))
    assert _areas() == 1


def test_a_write_apart_from_a_page_commits_or_keeps_nothing(app: Flask) -> None:
    with app.app_context():
        assert save_apart(lambda: _add_area("Early Help")).name == "Early Help"
        with pytest.raises(ZeroDivisionError):
            save_apart(lambda: (_add_area("Fostering"), 1 / 0))
        db.session.remove()
        assert db.session.scalars(select(ServiceArea.name)).all() == ["Early Help"]


def test_every_view_saves_through_the_one_path() -> None:
    """No view commits, rolls back or catches a broken rule itself: each hands its service
    call to save(), so none can forget the rollback or word a lost edit race its own way."""
    import re
    from pathlib import Path

    own_saving = re.compile(
        r"db\.session\.(commit|rollback)\(|except[^:\n]*\b(RuleBroken|STALE_ERRORS|StaleDataError)\b"
    )
    views = sorted((Path(__file__).resolve().parents[2] / "wfld").glob("*/views.py"))
    assert len(views) >= 6
    found = [
        f"{path.parent.name}/views.py:{number}: {line.strip()}"
        for path in views
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if own_saving.search(line)
    ]
    assert found == []
