"""The mid-year review: started from My development plan or the manager's team page once the
cycle's mid-year window has opened and the annual conversation is signed by both; the same
prepare, record and sign flow; its agreed needs join the same cycle's development plan; its
status is due by the mid-year window's close.

The cycle 2026/27 has its annual window 1 November 2026 to 31 January 2027 and its mid-year
window 1 February to 15 March 2027. The clock is frozen at 09:00 UTC on 15 February 2027 (inside
the mid-year window) unless a test says otherwise. In the test organisation M line manages P.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.appraisal.builders import (
    add_need,
    held,
    make_cycle,
    prepared,
    sign_both,
    signed_with_needs,
)
from tests.catalogue.builders import make_activity
from tests.factories import NOW, Person, make_staff
from tests.helpers import QueryCounter, csrf_token, page, sign_in
from wfld.appraisal import services
from wfld.appraisal.models import Appraisal, AppraisalCycle, DevelopmentAction, DevelopmentPlan
from wfld.appraisal.rules import AppraisalKind, Status, due_by_for, may_start_mid_year
from wfld.core import clock
from wfld.core.errors_domain import RuleBroken
from wfld.extensions import db
from wfld.organisation.models import StaffMember

MID_YEAR_FROM = dt.date(2027, 2, 1)
MID_YEAR_BY = dt.date(2027, 3, 15)
IN_MID_YEAR = dt.datetime(2027, 2, 15, 9, 0, tzinfo=dt.UTC)
AFTER_MID_YEAR = dt.datetime(2027, 3, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(IN_MID_YEAR)
    yield
    clock.freeze(None)


def mid_year_cycle() -> AppraisalCycle:
    return make_cycle(mid_year_from=MID_YEAR_FROM, mid_year_by=MID_YEAR_BY)


def signed_annual(app: Flask, org, *, window: bool = True) -> SimpleNamespace:  # noqa: ANN001
    """The cycle (with a mid-year window unless told) and P's annual conversation signed by
    both, with one agreed need (so P has a plan with one action)."""
    with app.app_context():
        cycle = mid_year_cycle() if window else make_cycle()
        annual = signed_with_needs(
            cycle, org.practitioner.staff_id, activities=(make_activity("A1"),)
        )
        db.session.commit()
        plan = db.session.scalar(
            select(DevelopmentPlan).where(DevelopmentPlan.cycle_id == cycle.id)
        )
        return SimpleNamespace(id=cycle.id, annual_id=annual.id, plan_id=plan.id)


def open_mid_year(cycle_id: int, staff_id: int) -> Appraisal:
    return services.open_appraisal(
        cycle=db.session.get(AppraisalCycle, cycle_id),
        staff=db.session.get(StaffMember, staff_id),
        kind=AppraisalKind.MID_YEAR,
        actor=None,
        opened_by=None,
        now=NOW,
    )


def signed_in(app: Flask, person: Person) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, person.email).status_code == 302
    return client


def start(client: FlaskClient, cycle_id: int, staff_id: int, kind: str = "mid_year", **data: str):  # noqa: ANN201
    return client.post(
        f"/appraisal/staff/{staff_id}/start?cycle_id={cycle_id}&kind={kind}",
        data={"csrf_token": csrf_token(client, "/"), **data},
    )


def mid_years_of(app: Flask, staff_id: int) -> list[Appraisal]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Appraisal).where(
                    Appraisal.staff_id == staff_id, Appraisal.kind == AppraisalKind.MID_YEAR
                )
            )
        )


# The rules --------------------------------------------------------------------------------------
def test_a_mid_year_review_is_due_by_the_mid_year_window_close() -> None:
    annual, mid = dt.date(2027, 1, 31), dt.date(2027, 3, 15)
    assert due_by_for(AppraisalKind.ANNUAL, due_by=annual, mid_year_by=mid) == annual
    assert due_by_for(AppraisalKind.MID_YEAR, due_by=annual, mid_year_by=mid) == mid
    assert due_by_for("mid_year", due_by=annual, mid_year_by=None) == annual
    assert not may_start_mid_year(None)
    assert not may_start_mid_year(SimpleNamespace(person_signed_at=NOW, appraiser_signed_at=None))
    assert may_start_mid_year(SimpleNamespace(person_signed_at=NOW, appraiser_signed_at=NOW))


# The service ------------------------------------------------------------------------------------
def test_refused_before_the_annual_conversation_is_signed_by_both(app: Flask, org) -> None:  # noqa: ANN001
    with app.app_context():
        cycle = mid_year_cycle()
        with pytest.raises(RuleBroken) as no_annual:
            open_mid_year(cycle.id, org.practitioner.staff_id)
        held(prepared(cycle, org.practitioner.staff_id))
        with pytest.raises(RuleBroken) as unsigned:
            open_mid_year(cycle.id, org.practitioner.staff_id)
    expected = {"staff": "Sign the annual conversation before the mid-year review"}
    assert no_annual.value.errors == expected
    assert unsigned.value.errors == expected


def test_refused_in_a_cycle_without_a_mid_year_window(app: Flask, org) -> None:  # noqa: ANN001
    with app.app_context():
        cycle = make_cycle()
        sign_both(held(prepared(cycle, org.practitioner.staff_id)))
        with pytest.raises(RuleBroken) as refused:
            open_mid_year(cycle.id, org.practitioner.staff_id)
    assert refused.value.errors == {"staff": "This cycle has no mid-year review"}


def test_signing_the_mid_year_review_adds_its_needs_to_the_same_plan(app: Flask, org) -> None:  # noqa: ANN001
    cycle = signed_annual(app, org)
    with app.app_context():
        review = open_mid_year(cycle.id, org.practitioner.staff_id)
        assert review.kind is AppraisalKind.MID_YEAR and review.id != cycle.annual_id
        review = services.prepare(
            appraisal=review,
            self_reflection="Half way: court work going well.",
            expected_version=None,
            actor=None,
            now=NOW,
        )
        held(review)
        add_need(review, "Chairing child protection conferences", activity=make_activity("C1"))
        sign_both(review)
        db.session.commit()
        plans = list(
            db.session.scalars(
                select(DevelopmentPlan).where(DevelopmentPlan.staff_id == org.practitioner.staff_id)
            )
        )
        actions = list(
            db.session.scalars(
                select(DevelopmentAction.title).where(DevelopmentAction.plan_id == cycle.plan_id)
            )
        )
    assert [p.id for p in plans] == [cycle.plan_id]
    assert len(actions) == 2 and "Chairing child protection conferences" in actions


# Starting it from a page ------------------------------------------------------------------------
def test_the_person_starts_it_once_the_annual_is_signed(app: Flask, org) -> None:  # noqa: ANN001
    cycle = signed_annual(app, org)
    client = signed_in(app, org.practitioner)
    response = start(client, cycle.id, org.practitioner.staff_id, came_from="plan")
    [review] = mid_years_of(app, org.practitioner.staff_id)
    assert response.status_code == 302
    assert response.location.endswith(f"/appraisal/conversations/{review.id}")
    assert review.appraiser_id == org.line_manager.staff_id
    shown = page(client.get(response.location))
    assert shown.h1 == "Mid-year review: Priya Sandhu"
    assert shown.title.startswith("Mid-year review")
    # Starting again finds the same one.
    again = start(client, cycle.id, org.practitioner.staff_id, came_from="plan")
    assert again.location.endswith(f"/appraisal/conversations/{review.id}")
    assert len(mid_years_of(app, org.practitioner.staff_id)) == 1


def test_starting_before_the_annual_is_signed_flashes_the_refusal(app: Flask, org) -> None:  # noqa: ANN001
    with app.app_context():
        cycle = mid_year_cycle()
        prepared(cycle, org.practitioner.staff_id)
        db.session.commit()
        cycle_id = cycle.id
    client = signed_in(app, org.practitioner)
    response = start(client, cycle_id, org.practitioner.staff_id, came_from="plan")
    assert response.status_code == 302 and response.location.endswith("/my-development-plan")
    shown = page(client.get(response.location))
    assert "Sign the annual conversation before the mid-year review" in shown.text()
    assert mid_years_of(app, org.practitioner.staff_id) == []


def test_a_cycle_without_a_mid_year_window_flashes_the_refusal(app: Flask, org) -> None:  # noqa: ANN001
    cycle = signed_annual(app, org, window=False)
    client = signed_in(app, org.line_manager)
    response = start(client, cycle.id, org.practitioner.staff_id, came_from="team")
    assert response.status_code == 302 and response.location.endswith("/appraisal/team")
    assert "This cycle has no mid-year review" in page(client.get(response.location)).text()
    assert mid_years_of(app, org.practitioner.staff_id) == []


def test_an_unknown_kind_is_not_found(app: Flask, org) -> None:  # noqa: ANN001
    cycle = signed_annual(app, org)
    client = signed_in(app, org.practitioner)
    assert start(client, cycle.id, org.practitioner.staff_id, kind="quarterly").status_code == 404
    assert mid_years_of(app, org.practitioner.staff_id) == []


def test_someone_else_cannot_start_it(app: Flask, org) -> None:  # noqa: ANN001
    cycle = signed_annual(app, org)
    client = signed_in(app, org.other_practitioner)
    assert start(client, cycle.id, org.practitioner.staff_id).status_code == 404
    assert mid_years_of(app, org.practitioner.staff_id) == []


# Its status -------------------------------------------------------------------------------------
def test_the_review_is_overdue_after_the_mid_year_window_closes(app: Flask, org) -> None:  # noqa: ANN001
    cycle = signed_annual(app, org)
    with app.app_context():
        review_id = open_mid_year(cycle.id, org.practitioner.staff_id).id
        db.session.commit()

    def tag(appraisal_id: int) -> str:
        client = signed_in(app, org.practitioner)  # a month on: signed in afresh
        shown = page(client.get(f"/appraisal/conversations/{appraisal_id}"))
        return " ".join(shown.soup.select_one("#appraisal-status").get_text().split())

    # Inside the window (after the annual window's close) it is not overdue.
    assert tag(review_id) == Status.NOT_STARTED.label
    clock.freeze(AFTER_MID_YEAR)
    assert tag(review_id) == Status.OVERDUE.label
    assert tag(cycle.annual_id) == Status.SIGNED.label


def test_the_sign_page_names_the_mid_year_review(app: Flask, org) -> None:  # noqa: ANN001
    cycle = signed_annual(app, org)
    with app.app_context():
        review = open_mid_year(cycle.id, org.practitioner.staff_id)
        held(review)
        db.session.commit()
        review_id = review.id
    shown = page(signed_in(app, org.practitioner).get(f"/appraisal/conversations/{review_id}/sign"))
    caption = shown.soup.select_one(".govuk-caption-l").get_text()
    assert "mid-year review" in caption


# My development plan ----------------------------------------------------------------------------
def mid_year_block(client: FlaskClient) -> str | None:
    shown = page(client.get("/appraisal/my-development-plan"))
    heading = shown.soup.find("h2", string="Mid-year review")
    if heading is None:
        return None
    parts = []
    for sibling in heading.find_next_siblings():
        if sibling.name == "h2":
            break
        parts.append(" ".join(sibling.get_text(" ").split()))
    return " ".join(parts)


def test_my_plan_offers_to_start_the_mid_year_review(app: Flask, org) -> None:  # noqa: ANN001
    cycle = signed_annual(app, org)
    client = signed_in(app, org.practitioner)
    shown = page(client.get("/appraisal/my-development-plan"))
    form = shown.soup.find("button", string="Start your mid-year review").find_parent("form")
    assert "kind=mid_year" in form["action"] and f"cycle_id={cycle.id}" in form["action"]
    assert "Not started" in mid_year_block(client)
    # The annual block still reads as it did.
    assert shown.soup.find("a", string="View your signed appraisal") is not None


def test_my_plan_says_what_comes_next_once_started(app: Flask, org) -> None:  # noqa: ANN001
    cycle = signed_annual(app, org)
    with app.app_context():
        review_id = open_mid_year(cycle.id, org.practitioner.staff_id).id
        db.session.commit()
    client = signed_in(app, org.practitioner)
    shown = page(client.get("/appraisal/my-development-plan"))
    link = shown.soup.find("a", string="Prepare for your mid-year review")
    assert link["href"].endswith(f"/appraisal/conversations/{review_id}/prepare")


def test_my_plan_waits_for_the_annual_signatures(app: Flask, org) -> None:  # noqa: ANN001
    with app.app_context():
        prepared(mid_year_cycle(), org.practitioner.staff_id)
        db.session.commit()
    client = signed_in(app, org.practitioner)
    block = mid_year_block(client)
    assert "once you and your appraiser have both signed your appraisal" in block
    shown = page(client.get("/appraisal/my-development-plan"))
    assert shown.soup.find("button", string="Start your mid-year review") is None


def test_my_plan_has_no_mid_year_block_before_the_window_opens(app: Flask, org) -> None:  # noqa: ANN001
    signed_annual(app, org)
    clock.freeze(NOW)
    assert mid_year_block(signed_in(app, org.practitioner)) is None


def test_my_plan_reads_in_one_more_statement_for_the_mid_year(app: Flask, org) -> None:  # noqa: ANN001
    """The same statements before and after the mid-year review is started (its record is one
    statement either way)."""
    cycle = signed_annual(app, org)
    client = signed_in(app, org.practitioner)

    def statements() -> int:
        with QueryCounter(app) as counter:
            assert client.get("/appraisal/my-development-plan").status_code == 200
        return counter.count

    before = statements()
    with app.app_context():
        open_mid_year(cycle.id, org.practitioner.staff_id)
        db.session.commit()
    assert statements() == before


# The manager's team page ------------------------------------------------------------------------
def team_rows(client: FlaskClient) -> tuple[list[str], dict[str, list[str]]]:
    shown = page(client.get("/appraisal/team"))
    headers = [" ".join(th.get_text(" ").split()) for th in shown.soup.select("main thead th")]
    out = {}
    for tr in shown.soup.select("main tbody tr"):
        cells = [" ".join(td.get_text(" ").split()) for td in tr.select("td")]
        out[cells[0]] = cells[1:]
    return headers, out


def test_the_team_page_shows_the_mid_year_column_and_start_button(app: Flask, org) -> None:  # noqa: ANN001
    cycle = signed_annual(app, org)
    with app.app_context():
        manager = db.session.get(StaffMember, org.line_manager.staff_id)
        unsigned = make_staff(
            "Una", "Signed", team=manager.team, role=manager.job_role, manager=manager
        )
        prepared(db.session.get(AppraisalCycle, cycle.id), unsigned.id)
        db.session.commit()
    client = signed_in(app, org.line_manager)
    headers, rows = team_rows(client)
    assert "Mid-year review" in headers
    column = headers.index("Mid-year review") - 1
    assert rows["Priya Sandhu"][column].startswith("Not started Start")
    assert rows["Una Signed"][column] == "Not started"  # no button before the annual is signed
    shown = page(client.get("/appraisal/team"))
    forms = [f["action"] for f in shown.soup.select("main form") if "kind=mid_year" in f["action"]]
    assert forms == [
        f"/appraisal/staff/{org.practitioner.staff_id}/start?cycle_id={cycle.id}&kind=mid_year"
    ]
    response = client.post(
        forms[0], data={"csrf_token": csrf_token(client, "/"), "came_from": "team"}
    )
    [review] = mid_years_of(app, org.practitioner.staff_id)
    assert response.location.endswith(f"/appraisal/conversations/{review.id}")
    _, rows = team_rows(client)
    assert rows["Priya Sandhu"][column].startswith("Not started View")


def test_the_team_page_has_no_mid_year_column_before_the_window_opens(app: Flask, org) -> None:  # noqa: ANN001
    signed_annual(app, org)
    clock.freeze(NOW)
    headers, _ = team_rows(signed_in(app, org.line_manager))
    assert "Mid-year review" not in headers


def test_the_team_page_reads_the_mid_year_reviews_in_one_statement(app: Flask, org) -> None:  # noqa: ANN001
    cycle = signed_annual(app, org)
    with app.app_context():
        open_mid_year(cycle.id, org.practitioner.staff_id)
        db.session.commit()
    client = signed_in(app, org.line_manager)

    def statements() -> int:
        with QueryCounter(app) as counter:
            assert client.get("/appraisal/team").status_code == 200
        return counter.count

    before = statements()
    with app.app_context():
        made = db.session.get(AppraisalCycle, cycle.id)
        manager = db.session.get(StaffMember, org.line_manager.staff_id)
        for n in range(3):
            report = make_staff(
                f"Report{n}", "Extra", team=manager.team, role=manager.job_role, manager=manager
            )
            signed_with_needs(made, report.id, activities=(make_activity(f"B{n}"),))
            if n:
                open_mid_year(cycle.id, report.id)
        db.session.commit()
    assert len(team_rows(client)[1]) == 4
    assert statements() == before
    clock.freeze(NOW)  # before the window: the mid-year statement is not made
    assert statements() == before - 1
