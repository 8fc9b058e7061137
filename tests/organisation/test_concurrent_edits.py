"""Optimistic locking: a form opened before someone else's save cannot overwrite it."""

from __future__ import annotations

from bs4 import BeautifulSoup

from tests.helpers import page, sign_in
from wfld.extensions import db
from wfld.organisation.models import StaffMember, Team


def _form_values(client, path: str) -> dict:
    soup = BeautifulSoup(client.get(path).data, "html.parser")
    form = soup.select_one("main form[method=post]")
    values: dict = {}
    for field in form.select("input, select"):
        name = field.get("name")
        if not name or field.get("type") == "submit":
            continue
        if field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            values[name] = chosen["value"]
        elif field.get("type") == "radio":
            if field.has_attr("checked"):
                values[name] = field["value"]
        else:
            values.setdefault(name, []).append(field.get("value", ""))
    return {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in values.items()}


def test_second_editor_is_told_and_nothing_is_overwritten(app, org):
    first, second = app.test_client(), app.test_client()
    sign_in(first, org.wfld_admin.email)
    sign_in(second, org.system_admin.email)
    path = f"/admin/staff/{org.practitioner.staff_id}/edit"
    first_form = _form_values(first, path)
    second_form = _form_values(second, path)

    assert first.post(path, data={**first_form, "first_name": "Priyanka"}).status_code == 302
    response = second.post(path, data={**second_form, "last_name": "Overwritten"})

    assert response.status_code == 200
    result = page(response)
    assert list(result.error_summary().values()) == [
        "Someone else changed these details while you were editing them. The form now shows "
        "the latest details: make your change again"
    ]
    assert result.soup.select_one("input[name=first_name]")["value"] == "Priyanka"
    with app.app_context():
        staff = db.session.get(StaffMember, org.practitioner.staff_id)
        assert (staff.first_name, staff.last_name) == ("Priyanka", "Sandhu")

    # Saving again from the refreshed form works.
    refreshed = _form_values(second, path)
    assert second.post(path, data={**refreshed, "last_name": "Sandhu-Rao"}).status_code == 302
    with app.app_context():
        assert (
            db.session.get(StaffMember, org.practitioner.staff_id).full_name
            == "Priyanka Sandhu-Rao"
        )


def test_team_edit_from_a_stale_form_is_refused(app, org):
    first, second = app.test_client(), app.test_client()
    sign_in(first, org.wfld_admin.email)
    sign_in(second, org.system_admin.email)
    path = f"/admin/teams/{org.team_a}/edit"
    first_form, second_form = _form_values(first, path), _form_values(second, path)
    assert first.post(path, data={**first_form, "name": "Front Door"}).status_code == 302
    assert second.post(path, data={**second_form, "name": "Duty"}).status_code == 200
    with app.app_context():
        assert db.session.get(Team, org.team_a).name == "Front Door"
