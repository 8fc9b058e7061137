"""Protected development time and workload through the pages: months so far with hours taken
against the template's target (pro rata), recording and correcting a month, bad input, and
who may see (the enrolment's people and the WFLD team) and record (the person, their
supervisor, line manager and assessor).

The clock is frozen at 09:00 UTC on 23 November 2026; the enrolments start on 1 September
2026, so September, October and November are open. The reference ASYE protects 10% of a
37-hour week: 3.7 hours a week, 16.0 over an average month (52/12 weeks).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import NOW, Person
from tests.helpers import form_values, page, sign_in, submit
from tests.programmes.builders import make_enrolment
from wfld.core import clock
from wfld.extensions import db
from wfld.programmes import enrolling
from wfld.programmes.models import Enrolment, WorkloadMonth
from wfld.programmes.queries import DateFacts
from wfld.programmes.rules import FteChange, Pause
from wfld.programmes.workload import STANDARD_WEEK_HOURS, fte_in, share_of_month, target_for


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def enrolment_id(app: Flask, org) -> int:  # noqa: ANN001
    """The practitioner's ASYE, assessed by the other practitioner; their manager is M."""
    with app.app_context():
        enrolment = make_enrolment(
            org.practitioner.staff_id, assessor_id=org.other_practitioner.staff_id
        )
        db.session.commit()
        return enrolment.id


def signed_in(app: Flask, person: Person) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, person.email).status_code == 302
    return client


def month_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "month": "2026-10",
        "caseload": "12",
        "protected_hours": "16",
        "note": "",
    }
    data.update(changes)
    return data


def table(response) -> list[list[str]]:  # noqa: ANN001
    rows = page(response).soup.select("main table tbody tr")
    return [
        [" ".join(cell.get_text(" ").split()) for cell in row.find_all(["th", "td"])][:5]
        for row in rows
    ]


def months(app: Flask) -> list[WorkloadMonth]:
    with app.app_context():
        return list(db.session.scalars(select(WorkloadMonth).order_by(WorkloadMonth.month)))


def test_the_person_records_months_and_sees_each_against_its_target(
    app: Flask,
    org,  # noqa: ANN001
    enrolment_id: int,
) -> None:
    client = signed_in(app, org.practitioner)
    path = f"/programmes/enrolments/{enrolment_id}/workload"
    assert table(client.get(path)) == [
        ["November 2026", "–", "–", "16", "Not recorded"],
        ["October 2026", "–", "–", "16", "Not recorded"],
        ["September 2026", "–", "–", "16", "Not recorded"],
    ]

    assert submit(client, path, month_form()).status_code == 302
    assert (
        submit(client, path, month_form(month="2026-09", protected_hours="10.5")).status_code == 302
    )

    shown = client.get(path)
    assert table(shown) == [
        ["November 2026", "–", "–", "16", "Not recorded"],
        ["October 2026", "12", "16", "16", "Target met"],
        ["September 2026", "12", "10.5", "16", "Below target"],
    ]
    tags = {t.get_text(strip=True): t["class"] for t in page(shown).soup.select(".govuk-tag")}
    assert "govuk-tag--green" in tags["Target met"]
    assert "govuk-tag--red" in tags["Below target"]
    # Only the month not yet recorded is offered.
    options = [o["value"] for o in page(shown).soup.select("select[name=month] option")]
    assert options == ["", "2026-11"]
    [september, october] = months(app)
    assert (september.protected_hours, october.caseload) == (Decimal("10.5"), 12)
    assert october.updated_by_id == org.practitioner.user_id


def test_the_target_is_pro_rata_to_the_hours_worked(app: Flask, org) -> None:  # noqa: ANN001
    with app.app_context():
        enrolment = make_enrolment(org.practitioner.staff_id, assessor_id=None, fte=Decimal("0.5"))
        db.session.commit()
        enrolment_id = enrolment.id
    client = signed_in(app, org.practitioner)
    rows = table(client.get(f"/programmes/enrolments/{enrolment_id}/workload"))
    assert {row[3] for row in rows} == {"8"}


def test_a_change_of_fte_counts_from_the_month_after_it() -> None:
    facts = DateFacts(
        fte=Decimal(1),
        fte_changes=(FteChange(dt.date(2026, 10, 15), Decimal("0.6")),),
        pauses=(),
        extensions=(),
    )
    assert fte_in(facts, dt.date(2026, 10, 1)) == Decimal(1)
    assert fte_in(facts, dt.date(2026, 11, 1)) == Decimal("0.6")
    assert Decimal(37) == STANDARD_WEEK_HOURS


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"month": "2026-08"},
            "#month",
            "Month must be September 2026 or later, when the programme started",
        ),
        ({"month": "2026-12"}, "#month", "Month must be this month or in the past"),
        ({"month": ""}, "#month", "Select the month"),
        ({"month": "October"}, "#month", "Select the month"),
        ({"caseload": "-1"}, "#caseload", "Caseload must be 0 or more"),
        ({"caseload": ""}, "#caseload", "Enter the caseload"),
        ({"caseload": "lots"}, "#caseload", "Enter the caseload as a whole number, like 12"),
        (
            {"protected_hours": "-2"},
            "#protected_hours",
            "Protected development hours must be 0 or more",
        ),
        ({"protected_hours": "abc"}, "#protected_hours", "Enter hours as a number, like 15.5"),
        (
            {"protected_hours": ""},
            "#protected_hours",
            "Enter the protected development hours taken",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(
    app: Flask,
    org,  # noqa: ANN001
    enrolment_id: int,
    changes: dict,
    field: str,
    message: str,
) -> None:
    client = signed_in(app, org.practitioner)
    response = submit(
        client, f"/programmes/enrolments/{enrolment_id}/workload", month_form(**changes)
    )
    assert response.status_code == 200
    result = page(response)
    assert result.title.startswith("Error: ")
    assert result.error_summary().get(field) == message
    assert months(app) == []


def test_a_recorded_month_is_changed_from_its_row_not_replaced(
    app: Flask,
    org,  # noqa: ANN001
    enrolment_id: int,
) -> None:
    path = f"/programmes/enrolments/{enrolment_id}/workload"
    person = signed_in(app, org.practitioner)
    manager = signed_in(app, org.line_manager)
    assert submit(person, path, month_form()).status_code == 302

    twice = submit(manager, path, month_form(protected_hours="2"))

    assert page(twice).error_summary()["#month"] == (
        "October 2026 is already recorded: change it from its row"
    )
    [october] = months(app)
    assert october.protected_hours == Decimal(16)

    edit = f"/programmes/workload/{october.id}/edit"
    opened = manager.get(edit)
    assert page(opened).h1 == "Change October 2026"
    values = form_values(opened, with_csrf=True)
    assert values["protected_hours"] == ["16.0"] and "month" not in values
    opened_by_person = form_values(person.get(edit), with_csrf=True)
    assert manager.post(edit, data={**values, "protected_hours": "12"}).status_code == 302
    assert months(app)[0].protected_hours == Decimal(12)

    late = person.post(edit, data={**opened_by_person, "protected_hours": "20"})
    assert any("changed this record" in m for m in page(late).error_summary().values())
    assert months(app)[0].protected_hours == Decimal(12)


@pytest.mark.parametrize(
    ("who", "status", "records"),
    [
        ("practitioner", 200, True),  # the person
        ("line_manager", 200, True),  # their line manager
        ("other_practitioner", 200, True),  # their assessor
        ("wfld_admin", 200, False),  # reads every enrolment, records none
        ("senior_manager", 404, False),  # above in the chain, but no part in the programme
        ("system_admin", 404, False),
    ],
)
def test_who_sees_and_who_records(
    app: Flask,
    org,  # noqa: ANN001
    enrolment_id: int,
    who: str,
    status: int,
    records: bool,
) -> None:
    client = signed_in(app, getattr(org, who))
    path = f"/programmes/enrolments/{enrolment_id}/workload"
    response = client.get(path)
    assert response.status_code == status
    if status == 200:
        assert page(response).h1 == "Protected time and workload"
        assert (page(response).soup.select_one("select[name=month]") is not None) is records
    posted = submit(client, path, month_form(), form_path="/")
    assert posted.status_code == (302 if records else 404)
    assert len(months(app)) == (1 if records else 0)
    if records:
        edit = f"/programmes/workload/{months(app)[0].id}/edit"
        assert client.get(edit).status_code == 200


@pytest.mark.parametrize("who", ["wfld_admin", "senior_manager", "system_admin"])
def test_only_those_who_record_change_a_month(
    app: Flask,
    org,  # noqa: ANN001
    enrolment_id: int,
    who: str,
) -> None:
    submit(
        signed_in(app, org.practitioner),
        f"/programmes/enrolments/{enrolment_id}/workload",
        month_form(),
    )
    [october] = months(app)
    client = signed_in(app, getattr(org, who))
    assert client.get(f"/programmes/workload/{october.id}/edit").status_code == 404
    assert client.get("/programmes/workload/999999/edit").status_code == 404
    assert client.get("/programmes/enrolments/999999/workload").status_code == 404


def test_a_pause_and_a_change_of_fte_change_the_months_targets(
    app: Flask,
    org,  # noqa: ANN001
    enrolment_id: int,
) -> None:
    """October is a pause from start to end (no target, "Paused"); from 1 November the
    person works 0.6 FTE: 16.0 x 0.6 = 9.6."""
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        enrolling.pause(
            enrolment=enrolment,
            starts_on=dt.date(2026, 10, 1),
            ends_on=dt.date(2026, 10, 31),
            reason="Sickness absence",
            expected_version=None,
            actor=None,
            now=NOW,
        )
        enrolling.change_fte(
            enrolment=enrolment,
            fte=Decimal("0.6"),
            from_date=dt.date(2026, 11, 1),
            reason="Flexible working request",
            expected_version=None,
            actor=None,
            now=NOW,
        )
        db.session.commit()
    client = signed_in(app, org.practitioner)
    assert table(client.get(f"/programmes/enrolments/{enrolment_id}/workload")) == [
        ["November 2026", "–", "–", "9.6", "Not recorded"],
        ["October 2026", "–", "–", "0", "Paused"],
        ["September 2026", "–", "–", "16", "Not recorded"],
    ]


def test_a_month_partly_on_the_programme_has_its_share_of_the_target() -> None:
    september = dt.date(2026, 9, 1)
    far = dt.date(2027, 9, 1)
    assert share_of_month(september, start=dt.date(2026, 9, 15), end=far, pauses=()) == Fraction(
        16, 30
    )
    week_off = (Pause(dt.date(2026, 9, 8), dt.date(2026, 9, 14)),)
    assert share_of_month(september, start=september, end=far, pauses=week_off) == Fraction(23, 30)
    assert share_of_month(september, start=september, end=dt.date(2026, 9, 10), pauses=()) == (
        Fraction(10, 30)
    )
    assert target_for(Decimal("16.0"), Fraction(16, 30)) == Decimal("8.5")
