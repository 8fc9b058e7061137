"""Optimistic locking: a form opened before someone else's save cannot overwrite it."""

from __future__ import annotations

from tests.factories import NOW
from tests.helpers import form_values, page, sign_in
from wfld.core import clock
from wfld.extensions import db
from wfld.organisation.models import StaffMember, Team


def test_second_editor_is_told_and_nothing_is_overwritten(app, org):
    clock.freeze(NOW)  # the message says when the record changed
    first, second = app.test_client(), app.test_client()
    sign_in(first, org.wfld_admin.email)
    sign_in(second, org.system_admin.email)
    path = f"/admin/staff/{org.practitioner.staff_id}/edit"
    first_form = form_values(first.get(path), with_csrf=True)
    second_form = form_values(second.get(path), with_csrf=True)

    assert first.post(path, data={**first_form, "first_name": "Priyanka"}).status_code == 302
    response = second.post(path, data={**second_form, "last_name": "Overwritten"})

    assert response.status_code == 200
    result = page(response)
    assert list(result.error_summary().values()) == [
        "Someone changed this record at 9am on 23 November 2026. Your changes are below and "
        "have not been saved: check them and save again"
    ]
    # What the second editor typed is still there, on the record's new version.
    kept = form_values(response, with_csrf=True)
    assert (kept["first_name"], kept["last_name"]) == (["Priya"], ["Overwritten"])
    assert int(kept["version"][0]) == int(second_form["version"][0]) + 1
    with app.app_context():
        staff = db.session.get(StaffMember, org.practitioner.staff_id)
        assert (staff.first_name, staff.last_name) == ("Priyanka", "Sandhu")

    # Saving again, once they have checked, works.
    assert second.post(path, data={**kept, "first_name": "Priyanka"}).status_code == 302
    with app.app_context():
        assert (
            db.session.get(StaffMember, org.practitioner.staff_id).full_name
            == "Priyanka Overwritten"
        )


def test_team_edit_from_a_stale_form_is_refused(app, org):
    first, second = app.test_client(), app.test_client()
    sign_in(first, org.wfld_admin.email)
    sign_in(second, org.system_admin.email)
    path = f"/admin/teams/{org.team_a}/edit"
    first_form, second_form = (
        form_values(first.get(path), with_csrf=True),
        form_values(second.get(path), with_csrf=True),
    )
    assert first.post(path, data={**first_form, "name": "Front Door"}).status_code == 302
    assert second.post(path, data={**second_form, "name": "Duty"}).status_code == 200
    with app.app_context():
        assert db.session.get(Team, org.team_a).name == "Front Door"
