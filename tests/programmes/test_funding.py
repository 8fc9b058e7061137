"""ASYE funding: claim periods (financial-year quarters), each NQSW's registration and
completion claims, the page and its CSV, and who may see them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import yaml

from tests.factories import NOW, make_staff
from tests.helpers import page, sign_in
from tests.programmes.builders import REFERENCE, make_cohort, make_enrolment, make_template
from wfld.core import clock
from wfld.extensions import db
from wfld.organisation.models import JobRole, Team
from wfld.programmes.funding import GRANTS, ClaimPeriod, financial_year_label
from wfld.programmes.models import Enrolment
from wfld.programmes.rules import EnrolmentStatus


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)  # 23 November 2026: 2026/27 Q3
    yield
    clock.freeze(None)


@pytest.mark.parametrize(
    ("day", "label", "key"),
    [
        (dt.date(2026, 4, 1), "2026/27 Q1", "2026-27-q1"),
        (dt.date(2026, 6, 30), "2026/27 Q1", "2026-27-q1"),
        (dt.date(2026, 7, 1), "2026/27 Q2", "2026-27-q2"),
        (dt.date(2026, 11, 23), "2026/27 Q3", "2026-27-q3"),
        (dt.date(2027, 1, 1), "2026/27 Q4", "2026-27-q4"),
        (dt.date(2027, 3, 31), "2026/27 Q4", "2026-27-q4"),
        (dt.date(2026, 3, 31), "2025/26 Q4", "2025-26-q4"),
        (dt.date(2099, 12, 31), "2099/00 Q3", "2099-00-q3"),
    ],
)
def test_claim_periods_are_financial_year_quarters(day, label, key):
    period = ClaimPeriod.of(day)
    assert (period.label, period.key) == (label, key)
    assert period.starts_on <= day <= period.ends_on
    assert ClaimPeriod.parse(key) == period


def test_a_quarter_runs_from_its_first_day_to_its_last():
    q4 = ClaimPeriod(2026, 4)
    assert (q4.starts_on, q4.ends_on) == (dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    q3 = ClaimPeriod(2026, 3)
    assert (q3.starts_on, q3.ends_on) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert financial_year_label(2026) == "2026/27"


@pytest.mark.parametrize("key", ["2026-28-q1", "2026-27-q5", "q3", "", "2026/27 Q3"])
def test_a_claim_period_that_is_not_one_is_refused(key):
    assert ClaimPeriod.parse(key) is None


def test_the_grant_for_2026_27_is_a_thousand_pounds_at_each_end():
    assert GRANTS[2026].registration == GRANTS[2026].completion == Decimal(1000)


@pytest.fixture
def nqsws(app, org) -> dict[str, int]:  # noqa: ANN001
    """Priya: registered and claimed in October, still on the programme (her completion claim
    falls on 31 March 2027, the final year). Ravi: qualified 5 years before his start, no
    claim made yet (due at his start, in Q2). Una: a family worker with no registration
    number. Will: withdrawn (no completion claim)."""
    with app.app_context():
        cohort = make_cohort()
        team = db.session.get(Team, org.team_a)
        social_worker = db.session.get(JobRole, org.role_social_worker)
        family_worker = db.session.get(JobRole, org.role_family_worker)
        assessor = org.other_practitioner.staff_id

        priya = make_enrolment(org.practitioner.staff_id, assessor_id=assessor, cohort=cohort)
        priya.qualified_on = dt.date(2026, 7, 1)
        priya.registered_on = dt.date(2026, 8, 1)
        priya.registration_claimed_on = dt.date(2026, 10, 5)
        ravi_staff = make_staff("Ravi", "=SUM(A1)", team=team, role=social_worker)
        ravi = make_enrolment(ravi_staff.id, assessor_id=assessor, cohort=cohort)
        ravi.qualified_on = dt.date(2021, 6, 1)
        ravi.registered_on = dt.date(2021, 7, 1)
        una_staff = make_staff("Una", "Ray", team=team, role=family_worker)
        una = make_enrolment(una_staff.id, assessor_id=assessor, cohort=cohort)
        una.registration_claimed_on = dt.date(2026, 11, 2)
        will_staff = make_staff("Will", "Shaw", team=team, role=social_worker)
        will = make_enrolment(will_staff.id, assessor_id=assessor, cohort=cohort)
        will.status = EnrolmentStatus.WITHDRAWN
        will.registration_claimed_on = dt.date(2026, 12, 1)
        db.session.commit()
        return {"priya": priya.id, "ravi": ravi.id, "una": una.id, "will": will.id}


def test_the_adults_asye_is_not_claimed_from_the_department_for_education(app, client, org, nqsws):
    """Adults' ASYE is funded by DHSC: only child and family NQSWs are listed."""
    with app.app_context():
        adults = yaml.safe_load((REFERENCE / "asye-adults.yaml").read_text())["document"]
        cohort = make_cohort(make_template(adults, code="asye-adults"), intake="Adults 2026")
        person = make_staff(
            "Ada",
            "Adult",
            team=db.session.get(Team, org.team_b),
            role=db.session.get(JobRole, org.role_social_worker),
        )
        make_enrolment(person.id, assessor_id=org.other_practitioner.staff_id, cohort=cohort)
        db.session.commit()
    sign_in(client, org.wfld_admin.email)
    for period in ("2026-27-q2", "2026-27-q3", "2026-27-q4"):
        _, rows = _claims(client, f"?period={period}")
        assert rows and "Ada Adult" not in rows


def _claims(client, query: str = ""):  # noqa: ANN001, ANN202
    response = client.get(f"/programmes/funding{query}")
    assert response.status_code == 200
    shown = page(response)
    rows = {}
    for row in shown.soup.select("#claims tbody tr"):
        name = row.th.a.get_text(strip=True)
        rows[name] = [td.get_text(" ", strip=True) for td in row.find_all("td")]
        rows[name].append([t.get_text(strip=True) for t in row.th.select(".govuk-tag")])
    return shown, rows


def test_the_claims_of_this_quarter(client, org, nqsws):
    sign_in(client, org.wfld_admin.email)
    shown, rows = _claims(client)
    assert shown.h1 == "ASYE funding claims"
    assert "Claim period 2026/27 Q3" in shown.text()
    assert set(rows) == {"Priya Sandhu", "Una Ray", "Will Shaw"}
    priya = rows["Priya Sandhu"]
    assert priya[0] == "Registration"
    assert priya[2:6] == ["1 August 2026", "1 July 2026", "1 September 2026", "5 October 2026"]
    assert priya[-2] == "£1,000"
    assert priya[-1] == []
    assert rows["Una Ray"][-1] == [
        "No registration number",
        "No registration date",
        "No qualification date",
    ]
    assert "3 claims in 2026/27 Q3, £3,000" in shown.soup.select_one("#claims caption").get_text()


def test_a_claim_not_made_yet_falls_when_it_became_due(client, org, nqsws):
    sign_in(client, org.wfld_admin.email)
    _, rows = _claims(client, "?period=2026-27-q2")
    assert set(rows) == {"Ravi =SUM(A1)"}
    assert rows["Ravi =SUM(A1)"][0] == "Registration (not claimed yet)"
    assert rows["Ravi =SUM(A1)"][-1] == ["Qualified more than 4 years before the start"]


def test_in_the_final_year_everyone_still_on_the_programme_is_claimed_for_at_completion(
    client, org, nqsws
):
    sign_in(client, org.wfld_admin.email)
    _, rows = _claims(client, "?period=2026-27-q4")
    assert set(rows) == {"Priya Sandhu", "Ravi =SUM(A1)", "Una Ray"}, "not the withdrawn"
    assert {r[0] for r in rows.values()} == {"Completion (not claimed yet)"}


def test_a_completion_is_claimed_in_the_quarter_it_was_completed(app, client, org, nqsws):
    with app.app_context():
        enrolment = db.session.get(Enrolment, nqsws["priya"])
        enrolment.status = EnrolmentStatus.COMPLETED
        enrolment.completed_on = dt.date(2026, 11, 20)
        db.session.commit()
    sign_in(client, org.wfld_admin.email)
    _, rows = _claims(client)
    assert rows["Priya Sandhu"][0] == "Completion (not claimed yet)"
    assert "Completed" in rows["Priya Sandhu"][-3]


def test_the_csv_of_a_claim_period(client, org, nqsws):
    sign_in(client, org.wfld_admin.email)
    shown, _ = _claims(client, "?period=2026-27-q4")
    href = shown.soup.select_one("#download-csv")["href"]
    assert href == "/programmes/funding.csv?period=2026-27-q4"
    response = client.get(href)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "asye-funding-2026-27-q4.csv" in response.headers["Content-Disposition"]
    header, *rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert header == [
        "Claim period",
        "Claim",
        "Name",
        "Employee number",
        "Registration number",
        "Registration date",
        "Qualification date",
        "ASYE start",
        "Cohort",
        "Registration claim date",
        "Completion date",
        "Completion claim date",
        "Outcome",
        "Amount (£)",
        "Problems",
    ]
    priya = next(r for r in rows if r[2] == "Priya Sandhu")
    assert priya[0:2] == ["2026/27 Q4", "Completion"]
    assert priya[5:10] == [
        "2026-08-01",
        "2026-07-01",
        "2026-09-01",
        "ASYE September 2026",
        "2026-10-05",
    ]
    assert priya[13] == "1000.00"
    # A name a spreadsheet would run is made plain text.
    names = [r[2] for r in rows]
    assert "'Ravi =SUM(A1)" not in names and "Ravi =SUM(A1)" in names  # starts with R: safe


def test_a_cell_starting_like_a_formula_is_made_plain_text(app, client, org, nqsws):
    with app.app_context():
        db.session.get(Enrolment, nqsws["una"]).staff.first_name = "@Una"
        db.session.commit()
    sign_in(client, org.wfld_admin.email)
    rows = list(
        csv.reader(io.StringIO(client.get("/programmes/funding.csv").get_data(as_text=True)))
    )
    assert "'@Una Ray" in [r[2] for r in rows]


def test_an_unknown_period_is_not_found(client, org, nqsws):
    sign_in(client, org.wfld_admin.email)
    assert client.get("/programmes/funding?period=2026-q9").status_code == 404
    assert client.get("/programmes/funding.csv?period=nonsense").status_code == 404


@pytest.mark.parametrize("persona", ["practitioner", "line_manager", "senior_manager"])
def test_only_the_wfld_team_sees_funding(client, org, nqsws, persona):
    sign_in(client, getattr(org, persona).email)
    assert client.get("/programmes/funding").status_code == 403
    assert client.get("/programmes/funding.csv").status_code == 403
