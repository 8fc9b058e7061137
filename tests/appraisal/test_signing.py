"""Signing a conversation's record: the check of the whole record with the objective-to-priority
warning, the person's agreement (with comments) and the appraiser's signature that lock it and
make the plan, the countersignature where the cycle asks, a new version that keeps the signed
one, the history with each signed version as it was signed, and the signed record's PDF (asked
for with a button, made in the background; in tests the queue runs at once)."""

from __future__ import annotations

import io

import pypdf
import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from tests.appraisal.builders import (
    add_need,
    add_objective,
    held,
    make_cycle,
    prepared,
    sign_both,
)
from tests.catalogue.builders import make_activity
from tests.factories import NOW
from tests.helpers import csrf_token, form_values, page, sign_in
from wfld.accounts.models import User
from wfld.appraisal import jobs as appraisal_jobs
from wfld.appraisal import queries
from wfld.appraisal.models import Appraisal, AppraisalEvent
from wfld.appraisal.rules import LOCKED_MESSAGE, EventKind, Stage
from wfld.core import clock, jobs_queries, jobs_services
from wfld.core.errors_domain import RuleBroken
from wfld.core.jobs_models import Job, JobState
from wfld.extensions import db

SIGNED_WHEN = "23 November 2026 at 9am"
COMMENT = "I would like the court skills course before March."


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _client(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def _held(app: Flask, org, *, linked: bool = True, countersign: bool = False) -> int:  # noqa: ANN001
    """Priya's conversation with Marcus, recorded: one need, one objective."""
    with app.app_context():
        cycle = make_cycle(countersign=countersign)
        appraisal = held(prepared(cycle, org.practitioner.staff_id))
        add_need(appraisal, "Court report writing", activity=make_activity("Court Skills"))
        add_objective(appraisal, linked=linked)
        db.session.commit()
        return appraisal.id


def _signed(app: Flask, org, **kwargs: bool) -> int:  # noqa: ANN001
    appraisal_id = _held(app, org, **kwargs)
    with app.app_context():
        sign_both(db.session.get(Appraisal, appraisal_id))
        db.session.commit()
    return appraisal_id


def _sign(client: FlaskClient, appraisal_id: int, **typed: str):  # noqa: ANN202
    path = f"/appraisal/conversations/{appraisal_id}/sign"
    data = form_values(client.get(path), with_csrf=True)
    data.update({name: [value] for name, value in typed.items()})
    return client.post(path, data=data)


def _events(app: Flask, appraisal_id: int) -> list[AppraisalEvent]:
    with app.app_context():
        events = list(
            db.session.scalars(
                select(AppraisalEvent)
                .where(AppraisalEvent.appraisal_id == appraisal_id)
                .order_by(AppraisalEvent.id)
            )
        )
        db.session.expunge_all()
        return events


def _appraisal(app: Flask, appraisal_id: int) -> Appraisal:
    with app.app_context():
        appraisal = db.session.get(Appraisal, appraisal_id)
        db.session.expunge(appraisal)
        return appraisal


def _posted_version(app: Flask, appraisal_id: int) -> str:
    return str(_appraisal(app, appraisal_id).version_id)


# The states ------------------------------------------------------------------------------------
def test_the_person_agrees_then_the_appraiser_signs_and_the_record_locks(app: Flask, org) -> None:
    appraisal_id = _held(app, org)
    priya = _client(app, org.practitioner.email)
    shown = page(priya.get(f"/appraisal/conversations/{appraisal_id}/sign"))
    assert shown.h1 == "Check and sign the record"
    assert "Court report writing" in shown.text()
    assert "Complete three court reports by March" in shown.text()
    assert shown.soup.select_one("textarea[name=comments]") is not None

    response = _sign(priya, appraisal_id, comments=COMMENT)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/appraisal/conversations/{appraisal_id}")
    after = _appraisal(app, appraisal_id)
    assert after.person_signed_at == NOW and after.appraiser_signed_at is None
    assert after.person_comments == COMMENT and after.stage is Stage.HELD
    assert _events(app, appraisal_id)[-1].kind is EventKind.PERSON_SIGNED
    assert _events(app, appraisal_id)[-1].note == COMMENT

    marcus = _client(app, org.line_manager.email)
    shown = page(marcus.get(f"/appraisal/conversations/{appraisal_id}/sign"))
    assert shown.soup.select_one("textarea[name=comments]") is None, "comments are the person's"
    assert COMMENT in shown.text()
    response = _sign(marcus, appraisal_id)
    assert response.status_code == 302
    after = _appraisal(app, appraisal_id)
    assert after.stage is Stage.SIGNED and after.appraiser_signed_at == NOW
    last = _events(app, appraisal_id)[-1]
    assert last.kind is EventKind.APPRAISER_SIGNED
    assert last.snapshot["person_comments"] == COMMENT
    with app.app_context():
        plan = queries.find_plan_for(org.practitioner.staff_id, after.cycle_id)
        assert [a.title for a in queries.list_actions(plan.id)] == ["Court report writing"]
    shown = page(marcus.get(f"/appraisal/conversations/{appraisal_id}/sign"))
    assert shown.h1 == "The signed record"
    assert _forms_but_the_pdf(shown) == []
    assert "locked" in shown.text()
    links = {a.get_text(" ", strip=True): a["href"] for a in shown.soup.select("main a")}
    assert links["View Priya Sandhu’s development plan"] == f"/appraisal/plans/{plan.id}"
    assert _pdf_button(shown, appraisal_id) == "Download the signed record (PDF)"
    shown = page(priya.get(f"/appraisal/conversations/{appraisal_id}/sign"))
    links = {a.get_text(" ", strip=True): a["href"] for a in shown.soup.select("main a")}
    assert links["View your development plan"] == "/appraisal/my-development-plan"


def _forms_but_the_pdf(shown) -> list:  # noqa: ANN001
    return [
        f
        for f in shown.soup.select("main form[method=post]")
        if not f.get("action", "").endswith("/record.pdf")
    ]


def _pdf_button(shown, appraisal_id: int) -> str | None:  # noqa: ANN001
    """The text of the button that asks for the signed record, if the page has one."""
    form = shown.soup.select_one(
        f"main form[method=post][action='/appraisal/conversations/{appraisal_id}/record.pdf']"
    )
    if form is None:
        return None
    assert form.select_one("input[name=csrf_token]") is not None
    return form.select_one("button.govuk-button--secondary").get_text(strip=True)


def _banner(client: FlaskClient, response) -> tuple[str, dict[str, str]]:  # noqa: ANN001
    shown = page(client.get(response.headers["Location"]))
    banner = shown.soup.select_one(".govuk-notification-banner--success")
    assert banner is not None
    links = {a.get_text(strip=True): a["href"] for a in banner.select("a")}
    return " ".join(banner.get_text(" ").split()), links


def test_the_second_signature_says_the_plan_was_made_with_a_link(app: Flask, org) -> None:
    appraisal_id = _held(app, org)
    marcus = _client(app, org.line_manager.email)
    text, links = _banner(marcus, _sign(marcus, appraisal_id))
    assert "You have signed the record" in text and links == {}
    priya = _client(app, org.practitioner.email)
    text, links = _banner(priya, _sign(priya, appraisal_id))
    assert "locked" in text and "development plan has been made from its needs" in text
    assert links == {"View the development plan": "/appraisal/my-development-plan"}


def test_the_appraiser_signing_second_is_linked_to_the_plan_page(app: Flask, org) -> None:
    appraisal_id = _held(app, org)
    _sign(_client(app, org.practitioner.email), appraisal_id)
    marcus = _client(app, org.line_manager.email)
    text, links = _banner(marcus, _sign(marcus, appraisal_id))
    with app.app_context():
        plan = queries.find_plan_for(
            org.practitioner.staff_id, _appraisal(app, appraisal_id).cycle_id
        )
    assert links == {"View the development plan": f"/appraisal/plans/{plan.id}"}


def test_the_countersignature_where_the_cycle_asks(app: Flask, org) -> None:
    appraisal_id = _signed(app, org, countersign=True)
    path = f"/appraisal/conversations/{appraisal_id}/countersign"
    hana = _client(app, org.senior_manager.email)  # Marcus's manager: the countersigner
    shown = page(hana.get(path))
    assert shown.h1 == "Countersign the record"
    response = hana.post(path, data=form_values(hana.get(path), with_csrf=True))
    assert response.status_code == 302
    after = _appraisal(app, appraisal_id)
    assert after.countersigned_at == NOW
    last = _events(app, appraisal_id)[-1]
    assert last.kind is EventKind.COUNTERSIGNED
    assert last.snapshot["countersigner"] == "Hana Okafor"
    shown = page(hana.get(path))
    assert shown.soup.select_one("main form[method=post]") is None
    assert "This record has already been countersigned" in shown.text()
    # The PDF is the countersigned snapshot.
    text = _pdf_text(_ask(hana, appraisal_id))
    assert f"Hana Okafor (countersigned) {SIGNED_WHEN}" in text


def test_a_countersignature_waits_for_both_signatures(app: Flask, org) -> None:
    appraisal_id = _held(app, org, countersign=True)
    path = f"/appraisal/conversations/{appraisal_id}/countersign"
    hana = _client(app, org.senior_manager.email)
    shown = page(hana.get(path))
    assert "Both the person and the appraiser sign before the countersignature" in shown.text()
    data = {"csrf_token": _csrf(hana), "version": _posted_version(app, appraisal_id)}
    shown = page(hana.post(path, data=data))
    assert shown.error_summary() == {
        "#main-content": "Both the person and the appraiser sign before the countersignature"
    }
    assert _appraisal(app, appraisal_id).countersigned_at is None


def test_no_countersignature_where_the_cycle_does_not_ask(app: Flask, org) -> None:
    appraisal_id = _signed(app, org)
    hana = _client(app, org.senior_manager.email)
    assert hana.get(f"/appraisal/conversations/{appraisal_id}/countersign").status_code == 403


# Bad input -------------------------------------------------------------------------------------
def _csrf(client: FlaskClient) -> str:
    return csrf_token(client, "/")


def test_signing_twice_is_refused(app: Flask, org) -> None:
    appraisal_id = _held(app, org)
    priya = _client(app, org.practitioner.email)
    assert _sign(priya, appraisal_id).status_code == 302
    path = f"/appraisal/conversations/{appraisal_id}/sign"
    shown = page(priya.get(path))
    assert "You have already signed this record" in shown.text()
    assert shown.soup.select_one("main form[method=post]") is None
    response = priya.post(
        path, data={"csrf_token": _csrf(priya), "version": _posted_version(app, appraisal_id)}
    )
    assert response.status_code == 200
    assert page(response).error_summary() == {
        "#main-content": "You have already signed this record"
    }
    kinds = [e.kind for e in _events(app, appraisal_id)]
    assert kinds.count(EventKind.PERSON_SIGNED) == 1


def test_signing_before_the_conversation_is_recorded_is_refused(app: Flask, org) -> None:
    with app.app_context():
        appraisal_id = prepared(make_cycle(), org.practitioner.staff_id).id
        db.session.commit()
    message = "The conversation has not been recorded yet: the appraiser records it first"
    priya = _client(app, org.practitioner.email)
    path = f"/appraisal/conversations/{appraisal_id}/sign"
    assert message in page(priya.get(path)).text()
    response = priya.post(
        path, data={"csrf_token": _csrf(priya), "version": _posted_version(app, appraisal_id)}
    )
    assert page(response).error_summary() == {"#main-content": message}
    assert _appraisal(app, appraisal_id).person_signed_at is None


def test_comments_too_long(app: Flask, org) -> None:
    appraisal_id = _held(app, org)
    priya = _client(app, org.practitioner.email)
    shown = page(_sign(priya, appraisal_id, comments="x" * 5001))
    assert shown.error_summary() == {"#comments": "Comments must be 5,000 characters or fewer"}
    assert shown.title.startswith("Error: ")
    assert _appraisal(app, appraisal_id).person_signed_at is None


def test_a_form_opened_before_a_change_is_told_who_changed_it(app: Flask, org) -> None:
    """The appraiser opened the sign page, then the person signed: the appraiser's signature
    is refused with who signed and when (their version is behind), nothing is signed twice."""
    appraisal_id = _held(app, org)
    marcus = _client(app, org.line_manager.email)
    stale = form_values(marcus.get(f"/appraisal/conversations/{appraisal_id}/sign"), with_csrf=True)
    _sign(_client(app, org.practitioner.email), appraisal_id)
    response = marcus.post(f"/appraisal/conversations/{appraisal_id}/sign", data=stale)
    assert page(response).error_summary() == {
        "#main-content": "Priya Sandhu signed this record at 9am on 23 November 2026, "
        "after you opened it: check it and try again"
    }
    assert _appraisal(app, appraisal_id).appraiser_signed_at is None
    # Signing again from the page as it now stands works.
    assert _sign(marcus, appraisal_id).status_code == 302
    assert _appraisal(app, appraisal_id).stage is Stage.SIGNED


def test_editing_after_both_signed_is_refused(app: Flask, org) -> None:
    appraisal_id = _signed(app, org)
    with app.app_context():
        appraisal = db.session.get(Appraisal, appraisal_id)
        with pytest.raises(RuleBroken) as broken:
            add_need(appraisal, "Another need", activity=make_activity("Chairing"))
        assert LOCKED_MESSAGE in broken.value.errors.values()
        db.session.rollback()
        assert len(db.session.get(Appraisal, appraisal_id).needs) == 1
    marcus = _client(app, org.line_manager.email)
    shown = page(marcus.get(f"/appraisal/conversations/{appraisal_id}/sign"))
    assert _forms_but_the_pdf(shown) == []


# New versions and the history ------------------------------------------------------------------
def test_a_new_version_keeps_both_signed_versions(app: Flask, org) -> None:
    appraisal_id = _signed(app, org)
    marcus = _client(app, org.line_manager.email)
    path = f"/appraisal/conversations/{appraisal_id}/new-version"
    shown = page(marcus.get(path))
    assert shown.h1 == "Start a new version of the record"
    data = form_values(marcus.get(path), with_csrf=True)
    data["reason"] = ["The court course moved to April"]
    response = marcus.post(path, data=data)
    assert response.status_code == 302
    after = _appraisal(app, appraisal_id)
    assert after.record_version == 2 and after.stage is Stage.HELD

    # While version 2 is changed, the signed record (PDF) is version 1.
    text = _pdf_text(_ask(marcus, appraisal_id))
    assert "Version 1" in text and "Supervising students" not in text

    with app.app_context():
        appraisal = db.session.get(Appraisal, appraisal_id)
        add_need(appraisal, "Supervising students", activity=make_activity("Practice Educator"))
        sign_both(appraisal)
        db.session.commit()
    history = page(marcus.get(f"/appraisal/conversations/{appraisal_id}/history"))
    assert history.h1 == "History of the record"
    versions = history.soup.select("section.app-signed-version")
    assert [v.find("h2").get_text(strip=True) for v in versions] == [
        "Version 2 as signed",
        "Version 1 as signed",
    ]
    assert "Supervising students" in versions[0].get_text()
    assert "Supervising students" not in versions[1].get_text()
    assert "Court report writing" in versions[1].get_text()
    steps = [" ".join(li.get_text(" ").split()) for li in history.soup.select("#appraisal-log li")]
    assert any(
        s.startswith("New version started by Marcus Lindqvist")
        and "(version 2)" in s
        and "The court course moved to April" in s
        for s in steps
    )
    assert sum("Signed by the person" in s for s in steps) == 2
    text = _pdf_text(_ask(marcus, appraisal_id))
    assert "Supervising students" in text


def test_a_new_version_needs_a_reason(app: Flask, org) -> None:
    appraisal_id = _signed(app, org)
    marcus = _client(app, org.line_manager.email)
    path = f"/appraisal/conversations/{appraisal_id}/new-version"
    data = form_values(marcus.get(path), with_csrf=True)
    data["reason"] = ["   "]
    shown = page(marcus.post(path, data=data))
    assert shown.error_summary() == {"#reason": "Enter why the record needs to change"}
    assert _appraisal(app, appraisal_id).record_version == 1


def test_only_a_signed_record_gets_a_new_version_and_only_from_the_appraiser(
    app: Flask, org
) -> None:
    appraisal_id = _held(app, org)
    path = f"/appraisal/conversations/{appraisal_id}/new-version"
    assert _client(app, org.line_manager.email).get(path).status_code == 403
    appraisal_id = _signed_other_cycle(app, org)
    path = f"/appraisal/conversations/{appraisal_id}/new-version"
    assert _client(app, org.practitioner.email).get(path).status_code == 403


def _signed_other_cycle(app: Flask, org) -> int:  # noqa: ANN001
    with app.app_context():
        cycle = make_cycle("2027/28")
        appraisal = held(prepared(cycle, org.practitioner.staff_id))
        sign_both(appraisal)
        db.session.commit()
        return appraisal.id


# The priority warning --------------------------------------------------------------------------
WARNING = ".govuk-warning-text"


def test_the_warning_when_no_objective_is_linked_to_a_priority(app: Flask, org) -> None:
    appraisal_id = _held(app, org, linked=False)
    for email, whose in (
        (org.line_manager.email, "Priya Sandhu’s objectives"),
        (org.practitioner.email, "Your objectives"),
    ):
        shown = page(_client(app, email).get(f"/appraisal/conversations/{appraisal_id}/sign"))
        warning = shown.soup.select_one(f"main {WARNING}")
        assert warning is not None, email
        assert f"{whose} are not linked to a strategy priority" in warning.get_text()


def test_no_warning_when_an_objective_is_linked(app: Flask, org) -> None:
    appraisal_id = _held(app, org, linked=True)
    shown = page(
        _client(app, org.line_manager.email).get(f"/appraisal/conversations/{appraisal_id}/sign")
    )
    assert shown.soup.select_one(f"main {WARNING}") is None


def test_no_warning_when_the_cycle_lists_no_priorities(app: Flask, org) -> None:
    with app.app_context():
        appraisal = held(prepared(make_cycle(priorities=()), org.practitioner.staff_id))
        add_objective(appraisal, linked=False)
        db.session.commit()
        appraisal_id = appraisal.id
    shown = page(
        _client(app, org.line_manager.email).get(f"/appraisal/conversations/{appraisal_id}/sign")
    )
    assert shown.soup.select_one(f"main {WARNING}") is None


# Permissions -----------------------------------------------------------------------------------
PAGES = ("sign", "countersign", "new-version", "history")


def test_anonymous_people_are_sent_to_sign_in(app: Flask, org) -> None:
    appraisal_id = _signed(app, org)
    client = app.test_client()
    for name in PAGES:
        response = client.get(f"/appraisal/conversations/{appraisal_id}/{name}")
        assert response.status_code == 302, name
        assert "/sign-in" in response.headers["Location"], name
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post(f"/appraisal/conversations/{appraisal_id}/record.pdf")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    assert _jobs(app) == 0


@pytest.mark.parametrize("person", ["other_practitioner", "wfld_admin", "system_admin"])
def test_everyone_else_gets_404(app: Flask, org, person: str) -> None:
    appraisal_id = _signed(app, org, countersign=True)
    client = _client(app, getattr(org, person).email)
    for name in PAGES:
        assert client.get(f"/appraisal/conversations/{appraisal_id}/{name}").status_code == 404
    data = {"csrf_token": _csrf(client), "version": _posted_version(app, appraisal_id)}
    for name in ("sign", "countersign", "new-version", "record.pdf"):
        response = client.post(f"/appraisal/conversations/{appraisal_id}/{name}", data=data)
        assert response.status_code == 404, name
    assert _jobs(app) == 0, "nothing was queued for someone who may not see the record"


def test_the_head_of_service_reads_but_does_not_sign(app: Flask, org) -> None:
    appraisal_id = _held(app, org)
    hana = _client(app, org.senior_manager.email)
    path = f"/appraisal/conversations/{appraisal_id}"
    history = page(hana.get(f"{path}/history"))
    assert history.h1 == "History of the record"
    assert not [a for a in history.soup.select("main a") if "/sign" in a["href"]]
    assert hana.get(f"{path}/sign").status_code == 403
    data = {"csrf_token": _csrf(hana), "version": _posted_version(app, appraisal_id)}
    assert hana.post(f"{path}/sign", data=data).status_code == 403
    assert _appraisal(app, appraisal_id).person_signed_at is None
    assert hana.get(f"{path}/new-version").status_code == 403


def test_the_appraiser_cannot_countersign(app: Flask, org) -> None:
    appraisal_id = _signed(app, org, countersign=True)
    marcus = _client(app, org.line_manager.email)
    assert marcus.get(f"/appraisal/conversations/{appraisal_id}/countersign").status_code == 403


# The PDF ---------------------------------------------------------------------------------------
def _ask(client: FlaskClient, appraisal_id: int) -> TestResponse:
    """POST the button's form; when it leads to "Your downloads", the newest download."""
    asked = client.post(
        f"/appraisal/conversations/{appraisal_id}/record.pdf", data={"csrf_token": _csrf(client)}
    )
    if asked.status_code != 302 or not asked.headers["Location"].endswith("/downloads"):
        return asked
    listing = BeautifulSoup(client.get("/downloads").data, "html.parser")
    link = listing.select_one("table tbody tr a[href^='/downloads/']")
    assert link is not None, "the newest download is ready"
    return client.get(link["href"])


def _jobs(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Job))


def _pdf_text(response) -> str:  # noqa: ANN001
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def test_the_signed_record_as_a_pdf(app: Flask, org) -> None:
    appraisal_id = _held(app, org)
    priya = _client(app, org.practitioner.email)
    _sign(priya, appraisal_id, comments=COMMENT)
    _sign(_client(app, org.line_manager.email), appraisal_id)
    response = _ask(priya, appraisal_id)
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="appraisal-record-priya-sandhu-2026-27-v1.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4
    assert "/StructTreeRoot" in reader.trailer["/Root"], "a tagged PDF"
    text = _pdf_text(response)
    for words in (
        "Appraisal record",
        "Priya Sandhu, Social Worker",
        "Marcus Lindqvist",
        "Annual conversation, 2026/27",
        "Court report writing",
        "Complete three court reports by March",
        "Stable, skilled workforce",
        COMMENT,
        f"Priya Sandhu (the person) {SIGNED_WHEN}",
        f"Marcus Lindqvist (appraiser) {SIGNED_WHEN}",
    ):
        assert words in text, words
    with app.app_context():
        job = db.session.scalars(select(Job)).one()
        assert job.kind == "appraisal.record_pdf"
        assert job.state is JobState.DONE
        assert job.title == "Appraisal record: Priya Sandhu, 2026/27 (PDF)"
        assert (job.progress_done, job.progress_total) == (3, 3)


def test_the_pdf_is_asked_for_with_a_button_not_a_link(app: Flask, org) -> None:
    appraisal_id = _signed(app, org)
    priya = _client(app, org.practitioner.email)
    path = f"/appraisal/conversations/{appraisal_id}"
    for shown in (page(priya.get(path)), page(priya.get(f"{path}/history"))):
        assert _pdf_button(shown, appraisal_id) == "Download the signed record (PDF)"
        assert not shown.soup.select("main a[href$='/record.pdf']")
    assert priya.get(f"{path}/record.pdf").status_code == 405
    assert _jobs(app) == 0
    response = priya.post(f"{path}/record.pdf", data={"csrf_token": _csrf(priya)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/downloads")
    assert _jobs(app) == 1


def test_no_pdf_before_both_have_signed(app: Flask, org) -> None:
    appraisal_id = _held(app, org)
    priya = _client(app, org.practitioner.email)
    _sign(priya, appraisal_id)
    assert (
        _pdf_button(page(priya.get(f"/appraisal/conversations/{appraisal_id}")), appraisal_id)
        is None
    )
    assert _ask(priya, appraisal_id).status_code == 404
    assert _jobs(app) == 0


def test_the_head_of_service_may_have_the_pdf(app: Flask, org) -> None:
    appraisal_id = _signed(app, org)
    hana = _client(app, org.senior_manager.email)
    assert "Priya Sandhu" in _pdf_text(_ask(hana, appraisal_id))


def test_signing_a_new_version_says_the_plan_was_updated(app: Flask, org) -> None:
    appraisal_id = _signed(app, org)
    marcus = _client(app, org.line_manager.email)
    path = f"/appraisal/conversations/{appraisal_id}/new-version"
    data = form_values(marcus.get(path), with_csrf=True)
    data["reason"] = ["A new need agreed in supervision"]
    assert marcus.post(path, data=data).status_code == 302
    _sign(marcus, appraisal_id)
    priya = _client(app, org.practitioner.email)
    text, _ = _banner(priya, _sign(priya, appraisal_id))
    assert "development plan has been updated from its needs" in text
    assert _appraisal(app, appraisal_id).record_version == 2


def test_a_job_for_a_record_with_no_signed_version_fails_and_saves_nothing(app: Flask, org) -> None:
    """Queued, then the record is found unsigned by both (or gone): the job fails plainly."""
    appraisal_id = _held(app, org)
    with app.app_context():
        user = db.session.get(User, org.practitioner.user_id)
        job_ids = [
            jobs_services.create_job(
                actor=user, kind=appraisal_jobs.RECORD_PDF, title="PDF", ask_again_path=None,
                now=NOW,
            ).id
            for _ in range(2)
        ]  # fmt: skip
        db.session.commit()
    with app.test_request_context():
        appraisal_jobs.make_record_pdf(job_ids[0], appraisal_id, "2026-11-23")
        appraisal_jobs.make_record_pdf(job_ids[1], 999_999, "2026-11-23")
        for job_id in job_ids:
            job = jobs_queries.find_job(job_id)
            assert job.state is JobState.FAILED and job.result_name is None
