"""The conversation pages: reading a conversation (who sees what, which links), starting one,
the person's self-reflection, the appraiser's record, development needs and objectives; bad
input, a stale form, and any change once both have signed.

The clock is frozen at 09:00 UTC on 23 November 2026. In the test organisation M line manages
P, and the head of service H manages M; Q is in another team, with the WFLD admin W.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.appraisal.builders import (
    add_need,
    add_objective,
    held,
    make_cycle,
    open_for,
    prepared,
    sign_both,
)
from tests.catalogue.builders import make_activity
from tests.cpd.builders import make_entry
from tests.factories import NOW, Person
from tests.helpers import QueryCounter, csrf_token, form_values, page, sign_in, submit
from tests.supervision.test_sessions import make_session
from wfld.accounts.models import User
from wfld.appraisal import services
from wfld.appraisal.models import Appraisal, DevelopmentNeed, Objective
from wfld.appraisal.rules import LOCKED_MESSAGE, ActionType, Stage
from wfld.core import clock
from wfld.extensions import db
from wfld.frameworks.models import Framework, FrameworkItem, FrameworkVersion
from wfld.learning import services as learning_services
from wfld.organisation.models import StaffMember


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def cycle(app: Flask, org) -> SimpleNamespace:  # noqa: ANN001
    """The 2026/27 cycle (two strategy priorities) and P's conversation, opened and prepared."""
    with app.app_context():
        made = make_cycle()
        appraisal = prepared(made, org.practitioner.staff_id, "I led my first care proceedings.")
        db.session.commit()
        return SimpleNamespace(
            id=made.id,
            appraisal_id=appraisal.id,
            priority_ids=[p.id for p in made.priorities],
        )


def signed_in(app: Flask, person: Person) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, person.email).status_code == 302
    return client


def fetch(app: Flask, appraisal_id: int) -> Appraisal:
    with app.app_context():
        appraisal = db.session.get(Appraisal, appraisal_id)
        db.session.expunge(appraisal)
        return appraisal


def with_record(app: Flask, appraisal_id: int, step) -> None:  # noqa: ANN001
    """Run a builder step on the conversation and commit."""
    with app.app_context():
        step(db.session.get(Appraisal, appraisal_id))
        db.session.commit()


def need_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(DevelopmentNeed))


def objective_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Objective))


def flashes(client: FlaskClient) -> list[str]:
    with client.session_transaction() as session:
        return [message for _, message in session.get("_flashes", [])]


def conversation_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "held_on": ["20", "11", "2026"],
        "appraiser_view": "A strong year; court work is the next step.",
        "feedback": "Case audit in July rated practice good.",
        "strengths": "Relationships with families.",
        "discussed": ["wellbeing"],
        "aspirations": ["advanced_practitioner", "practice_educator"],
        "aspirations_note": "In two years",
    }
    data.update(changes)
    return data


def objective_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "text": "Complete three court statements by March, each signed off first time",
        "target_date": ["31", "3", "2027"],
        "priority": "none",
    }
    data.update(changes)
    return data


def post_form(client: FlaskClient, path: str, changes: dict[str, object]):  # noqa: ANN201
    """POST the page's form as it stands, with ``changes`` (and its CSRF token and version)."""
    return client.post(path, data={**form_values(client.get(path), with_csrf=True), **changes})


# Who sees what ------------------------------------------------------------------------------
GET_PATHS = [
    "/appraisal/conversations/{a}",
    "/appraisal/conversations/{a}/prepare",
    "/appraisal/conversations/{a}/record",
    "/appraisal/conversations/{a}/needs/new",
    "/appraisal/conversations/{a}/objectives/new",
]


@pytest.mark.parametrize("path", GET_PATHS)
def test_anonymous_people_are_sent_to_sign_in(app: Flask, cycle, path: str) -> None:  # noqa: ANN001
    response = app.test_client().get(path.format(a=cycle.appraisal_id))
    assert response.status_code == 302
    assert "/sign-in" in response.location


def test_the_person_reads_their_conversation_and_may_prepare_it(app: Flask, org, cycle) -> None:  # noqa: ANN001
    client = signed_in(app, org.practitioner)
    result = page(client.get(f"/appraisal/conversations/{cycle.appraisal_id}"))
    assert result.h1 == "Annual conversation: Priya Sandhu"
    assert result.soup.select_one("#appraisal-status .govuk-tag").get_text() == "Prepared"
    assert (
        "I led my first care proceedings."
        in result.soup.select_one("#self-reflection").find_next("div").get_text()
    )
    links = {
        a.get_text(" ", strip=True): a["href"] for a in result.soup.select("#appraisal-actions a")
    }
    assert links["Change your self-reflection"].endswith(f"/{cycle.appraisal_id}/prepare")
    assert "Record the conversation" not in links
    assert "Add a development need" not in links
    assert links["Check and sign the record"].endswith(f"/{cycle.appraisal_id}/sign")
    assert "Start a new version to change it" not in links


def test_the_appraiser_may_record_but_not_prepare(app: Flask, org, cycle) -> None:  # noqa: ANN001
    client = signed_in(app, org.line_manager)
    result = page(client.get(f"/appraisal/conversations/{cycle.appraisal_id}"))
    links = {
        a.get_text(" ", strip=True): a["href"] for a in result.soup.select("#appraisal-actions a")
    }
    assert set(links) >= {"Record the conversation", "Add a development need", "Add an objective"}
    assert "Change your self-reflection" not in links
    assert client.get(f"/appraisal/conversations/{cycle.appraisal_id}/prepare").status_code == 403


def test_the_head_of_service_reads_but_changes_nothing(app: Flask, org, cycle) -> None:  # noqa: ANN001
    client = signed_in(app, org.senior_manager)
    result = page(client.get(f"/appraisal/conversations/{cycle.appraisal_id}"))
    assert result.soup.select_one("#read-only") is not None
    links = [a.get_text(" ", strip=True) for a in result.soup.select("#appraisal-actions a")]
    assert links == ["History of this record"]
    base = f"/appraisal/conversations/{cycle.appraisal_id}"
    for path in (
        f"{base}/prepare",
        f"{base}/record",
        f"{base}/needs/new",
        f"{base}/objectives/new",
    ):
        assert client.get(path).status_code == 403, path
    response = submit(client, f"{base}/record", conversation_form(), form_path=base)
    assert response.status_code == 403
    assert fetch(app, cycle.appraisal_id).stage is Stage.PREPARED


@pytest.mark.parametrize("who", ["other_practitioner", "wfld_admin", "system_admin"])
def test_anyone_without_a_part_is_answered_404(app: Flask, org, cycle, who: str) -> None:  # noqa: ANN001
    client = signed_in(app, getattr(org, who))
    for path in GET_PATHS:
        assert client.get(path.format(a=cycle.appraisal_id)).status_code == 404, path
    with app.app_context():
        appraisal = db.session.get(Appraisal, cycle.appraisal_id)
        need = add_need(appraisal, activity=make_activity("Court Skills"))
        objective = add_objective(appraisal)
        db.session.commit()
        ids = need.id, objective.id
    for path in (
        f"/appraisal/needs/{ids[0]}/edit",
        f"/appraisal/needs/{ids[0]}/remove",
        f"/appraisal/objectives/{ids[1]}/edit",
        f"/appraisal/objectives/{ids[1]}/remove",
    ):
        assert client.get(path).status_code == 404, path
    assert client.get("/appraisal/conversations/999999").status_code == 404


# Starting ---------------------------------------------------------------------------------
def start(client: FlaskClient, cycle_id: int, staff_id: int, **data: str):  # noqa: ANN201
    return client.post(
        f"/appraisal/staff/{staff_id}/start?cycle_id={cycle_id}",
        data={"csrf_token": csrf_token(client, "/"), **data},
    )


def appraisals_of(app: Flask, staff_id: int) -> list[Appraisal]:
    with app.app_context():
        return list(db.session.scalars(select(Appraisal).where(Appraisal.staff_id == staff_id)))


def test_the_person_starts_their_own_conversation(app: Flask, org) -> None:  # noqa: ANN001
    with app.app_context():
        cycle_id = make_cycle().id
        db.session.commit()
    client = signed_in(app, org.practitioner)
    response = start(client, cycle_id, org.practitioner.staff_id)
    [appraisal] = appraisals_of(app, org.practitioner.staff_id)
    assert response.status_code == 302
    assert response.location == f"/appraisal/conversations/{appraisal.id}"
    assert appraisal.appraiser_id == org.line_manager.staff_id
    assert appraisal.stage is Stage.NOT_STARTED
    # Starting again finds the same conversation.
    again = start(client, cycle_id, org.practitioner.staff_id)
    assert again.location == f"/appraisal/conversations/{appraisal.id}"
    assert len(appraisals_of(app, org.practitioner.staff_id)) == 1


def test_the_line_manager_starts_one_for_a_report(app: Flask, org) -> None:  # noqa: ANN001
    with app.app_context():
        cycle_id = make_cycle().id
        db.session.commit()
    client = signed_in(app, org.line_manager)
    response = start(client, cycle_id, org.practitioner.staff_id, came_from="team")
    [appraisal] = appraisals_of(app, org.practitioner.staff_id)
    assert response.location == f"/appraisal/conversations/{appraisal.id}"


@pytest.mark.parametrize("who", ["other_practitioner", "senior_manager", "wfld_admin"])
def test_no_one_else_starts_a_conversation_for_someone(app: Flask, org, who: str) -> None:  # noqa: ANN001
    """Q is nothing to P; the head of service is P's manager's manager, not P's; the WFLD team
    sets appraisers on the cycle's page instead."""
    with app.app_context():
        cycle_id = make_cycle().id
        db.session.commit()
    client = signed_in(app, getattr(org, who))
    assert start(client, cycle_id, org.practitioner.staff_id).status_code == 404
    assert appraisals_of(app, org.practitioner.staff_id) == []


def test_a_start_without_its_csrf_token_is_refused(app: Flask, org) -> None:  # noqa: ANN001
    with app.app_context():
        cycle_id = make_cycle().id
        db.session.commit()
    client = signed_in(app, org.practitioner)
    response = client.post(
        f"/appraisal/staff/{org.practitioner.staff_id}/start?cycle_id={cycle_id}"
    )
    assert response.status_code == 400
    assert appraisals_of(app, org.practitioner.staff_id) == []


def test_a_manager_who_is_not_the_appraiser_is_told_why(app: Flask, org) -> None:  # noqa: ANN001
    """The WFLD team made the head of service P's appraiser: P's line manager starting the
    conversation is refused with the reason, on the page the button was on."""
    with app.app_context():
        made = make_cycle()
        services.set_appraiser(
            cycle=made,
            staff=db.session.get(StaffMember, org.practitioner.staff_id),
            appraiser=db.session.get(StaffMember, org.senior_manager.staff_id),
            actor=None,
            now=NOW,
        )
        db.session.commit()
        cycle_id = made.id
    client = signed_in(app, org.line_manager)
    response = start(client, cycle_id, org.practitioner.staff_id, came_from="team")
    assert response.status_code == 302
    assert response.location == "/appraisal/team"
    assert flashes(client) == ["You are not Priya Sandhu’s appraiser"]


def test_someone_without_a_line_manager_is_told_to_ask_the_wfld_team(app: Flask, org) -> None:  # noqa: ANN001
    with app.app_context():
        cycle_id = make_cycle().id
        db.session.commit()
    client = signed_in(app, org.senior_manager)
    response = start(client, cycle_id, org.senior_manager.staff_id, came_from="plan")
    assert response.location == "/appraisal/my-development-plan"
    assert flashes(client) == [
        "Hana Okafor has no line manager: ask the WFLD team to set their appraiser"
    ]
    assert appraisals_of(app, org.senior_manager.staff_id) == []


# The self-reflection --------------------------------------------------------------------------
def test_the_person_writes_their_self_reflection(app: Flask, org) -> None:  # noqa: ANN001
    with app.app_context():
        appraisal_id = open_for(make_cycle(), org.practitioner.staff_id).id
        db.session.commit()
    client = signed_in(app, org.practitioner)
    path = f"/appraisal/conversations/{appraisal_id}/prepare"
    form = page(client.get(path))
    assert form.h1 == "Your self-reflection"
    hint = form.soup.select_one("#self_reflection-hint").get_text()
    for topic in ("achievements", "went well", "hard", "learnt", "support"):
        assert topic in hint
    assert form.soup.find(attrs={"name": "wellbeing"}) is None

    response = post_form(client, path, {"self_reflection": "My first care proceedings."})
    assert response.status_code == 302
    assert response.location == f"/appraisal/conversations/{appraisal_id}"
    saved = fetch(app, appraisal_id)
    assert saved.self_reflection == "My first care proceedings."
    assert saved.stage is Stage.PREPARED
    assert "Self-reflection saved" in page(client.get(response.location)).text()


def test_an_empty_self_reflection_is_refused(app: Flask, org, cycle) -> None:  # noqa: ANN001
    client = signed_in(app, org.practitioner)
    path = f"/appraisal/conversations/{cycle.appraisal_id}/prepare"
    response = post_form(client, path, {"self_reflection": "   "})
    result = page(response)
    assert result.title.startswith("Error: ")
    assert result.error_summary() == {"#self_reflection": "Enter your self-reflection"}
    assert fetch(app, cycle.appraisal_id).self_reflection == "I led my first care proceedings."


def test_a_stale_self_reflection_does_not_overwrite_a_later_save(app: Flask, org, cycle) -> None:  # noqa: ANN001
    client = signed_in(app, org.practitioner)
    path = f"/appraisal/conversations/{cycle.appraisal_id}/prepare"
    values = form_values(client.get(path), with_csrf=True)
    with_record(app, cycle.appraisal_id, lambda a: held(a))  # the appraiser saved meanwhile
    response = client.post(path, data={**values, "self_reflection": "Written on an old page"})
    result = page(response)
    [message] = result.error_summary().values()
    assert "changed this record" in message
    assert fetch(app, cycle.appraisal_id).self_reflection == "I led my first care proceedings."
    # The form now carries the current version: saving again works.
    again = client.post(path, data=form_values(response, with_csrf=True))
    assert again.status_code == 302
    assert fetch(app, cycle.appraisal_id).self_reflection == "Written on an old page"


# The appraiser's record -----------------------------------------------------------------------
def test_the_appraiser_records_the_conversation(app: Flask, org, cycle) -> None:  # noqa: ANN001
    with app.app_context():
        entry = make_entry(org.practitioner.staff_id, share=True, title="Chronologies group")
        private = make_entry(org.practitioner.staff_id, title="My private reflection")
        entry_id = entry.id
        assert private.id != entry_id
    session_id = make_session(app, org.practitioner, org.line_manager)
    client = signed_in(app, org.line_manager)
    path = f"/appraisal/conversations/{cycle.appraisal_id}/record"
    form = page(client.get(path))
    assert form.h1 == "Record the conversation"
    # The person's self-reflection is there to read.
    assert (
        "I led my first care proceedings."
        in form.soup.select_one("#self-reflection-text").get_text()
    )
    hint = form.soup.select_one("#feedback-hint").get_text()
    assert "audit" in hint and "supervision" in hint and "case details" in hint
    # A CPD entry the person has not shared is not offered.
    offered = {int(i["value"]) for i in form.soup.select("input[name=cpd_entries]")}
    assert offered == {entry_id}
    assert {int(i["value"]) for i in form.soup.select("input[name=supervision_sessions]")} == {
        session_id
    }
    # Nowhere to write what was said about wellbeing or support.
    assert "Record only that they were discussed" in form.text()
    assert not form.soup.select("textarea[name*=wellbeing], textarea[name*=support]")

    response = post_form(
        client,
        path,
        conversation_form(cpd_entries=[str(entry_id)], supervision_sessions=[str(session_id)]),
    )
    assert response.status_code == 302
    assert response.location == f"/appraisal/conversations/{cycle.appraisal_id}"
    with app.app_context():
        saved = db.session.get(Appraisal, cycle.appraisal_id)
        assert saved.stage is Stage.HELD
        assert saved.held_on == dt.date(2026, 11, 20)
        assert saved.appraiser_view == "A strong year; court work is the next step."
        assert (saved.wellbeing_discussed, saved.support_discussed) == (True, False)
        assert saved.aspirations == ["advanced_practitioner", "practice_educator"]
        assert [e.id for e in saved.cpd_entries] == [entry_id]
        assert [s.id for s in saved.supervision_sessions] == [session_id]

    view = page(client.get(response.location))
    assert view.soup.select_one("#appraisal-status .govuk-tag").get_text() == "Held"
    assert view.soup.select_one("#wellbeing").get_text(strip=True) == "Discussed"
    assert view.soup.select_one("#support").get_text(strip=True) == "Not discussed"
    assert "Advanced practitioner" in view.soup.select_one("#aspirations").get_text()
    link = view.soup.select_one("#feedback-cpd a")
    assert link.get_text() == "Chronologies group"
    assert link["href"] == f"/cpd/entries/{entry_id}"
    sessions = view.soup.select_one("#feedback-supervision").get_text(" ", strip=True)
    assert sessions == "Reflective supervision on 2 November 2026"
    assert "Managing workload" not in view.text()  # a session's themes stay in supervision


def test_wellbeing_is_recorded_only_as_discussed(app: Flask, org, cycle) -> None:  # noqa: ANN001
    """Whatever else a request sends, what was said about wellbeing is never stored: the record
    has only the two yes-or-no answers."""
    client = signed_in(app, org.line_manager)
    path = f"/appraisal/conversations/{cycle.appraisal_id}/record"
    secret = "Going through a divorce and not sleeping"
    response = post_form(
        client,
        path,
        conversation_form(
            discussed=["wellbeing", "support"], wellbeing=secret, wellbeing_notes=secret
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(Appraisal, cycle.appraisal_id)
        assert saved.wellbeing_discussed is True and saved.support_discussed is True
        stored = [
            getattr(saved, column.key)
            for column in Appraisal.__table__.columns
            if isinstance(getattr(saved, column.key), str)
        ]
        assert all(secret not in value for value in stored)
    assert secret not in page(client.get(f"/appraisal/conversations/{cycle.appraisal_id}")).text()


def test_the_record_needs_a_date_and_the_appraiser_s_view(app: Flask, org, cycle) -> None:  # noqa: ANN001
    client = signed_in(app, org.line_manager)
    path = f"/appraisal/conversations/{cycle.appraisal_id}/record"
    response = post_form(client, path, conversation_form(held_on=["", "", ""], appraiser_view=""))
    summary = page(response).error_summary()
    assert summary == {
        "#held_on-day": "Enter the date of the conversation",
        "#appraiser_view": "Enter your view of the year",
    }
    future = post_form(client, path, conversation_form(held_on=["24", "11", "2026"]))
    assert page(future).error_summary() == {
        "#held_on-day": "Date of the conversation must be today or in the past"
    }
    assert fetch(app, cycle.appraisal_id).stage is Stage.PREPARED


def test_a_cpd_entry_not_offered_cannot_be_linked(app: Flask, org, cycle) -> None:  # noqa: ANN001
    with app.app_context():
        private = make_entry(org.practitioner.staff_id, title="My private reflection").id
        others = make_entry(org.other_practitioner.staff_id, share=True).id
    client = signed_in(app, org.line_manager)
    path = f"/appraisal/conversations/{cycle.appraisal_id}/record"
    for entry_id in (private, others):
        response = post_form(client, path, conversation_form(cpd_entries=[str(entry_id)]))
        assert page(response).error_summary() == {
            "#cpd_entries": "Select CPD entries from the list"
        }
    assert fetch(app, cycle.appraisal_id).stage is Stage.PREPARED


def test_the_person_cannot_record_the_conversation(app: Flask, org, cycle) -> None:  # noqa: ANN001
    client = signed_in(app, org.practitioner)
    path = f"/appraisal/conversations/{cycle.appraisal_id}/record"
    assert client.get(path).status_code == 403
    response = submit(
        client,
        path,
        conversation_form(),
        form_path=f"/appraisal/conversations/{cycle.appraisal_id}",
    )
    assert response.status_code == 403
    assert fetch(app, cycle.appraisal_id).stage is Stage.PREPARED


def test_a_stale_record_does_not_overwrite_a_later_save(app: Flask, org, cycle) -> None:  # noqa: ANN001
    client = signed_in(app, org.line_manager)
    path = f"/appraisal/conversations/{cycle.appraisal_id}/record"
    values = form_values(client.get(path), with_csrf=True)
    with_record(
        app,
        cycle.appraisal_id,
        lambda a: services.prepare(
            appraisal=a,
            self_reflection="Changed after the page was opened",
            expected_version=None,
            actor=None,
            now=NOW,
        ),
    )
    response = client.post(path, data={**values, **conversation_form()})
    [message] = page(response).error_summary().values()
    assert "changed this record" in message
    saved = fetch(app, cycle.appraisal_id)
    assert saved.stage is Stage.PREPARED and saved.appraiser_view == ""


# Development needs ----------------------------------------------------------------------------
@pytest.fixture
def frameworks(app: Flask, org) -> None:  # noqa: ANN001
    result = app.test_cli_runner().invoke(args=["seed", "frameworks"])
    assert result.exit_code == 0, result.output


def item_id(app: Flask, framework_code: str, code: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(FrameworkItem.id)
            .join(FrameworkVersion, FrameworkVersion.id == FrameworkItem.version_id)
            .join(Framework, Framework.id == FrameworkVersion.framework_id)
            .where(Framework.code == framework_code, FrameworkItem.code == code)
        )


def test_the_appraiser_adds_a_need_linked_to_framework_items_and_an_activity(
    app: Flask,
    org,
    cycle,
    frameworks,  # noqa: ANN001
) -> None:
    with app.app_context():
        court = make_activity("Court Skills").id
        make_activity("Old Course", is_active=False)
        db.session.commit()
    client = signed_in(app, org.line_manager)
    path = f"/appraisal/conversations/{cycle.appraisal_id}/needs/new"
    form = page(client.get(path))
    assert form.h1 == "Add a development need"
    legends = [f.get_text(" ", strip=True) for f in form.soup.select("details legend")]
    assert any(legend.startswith("Professional Capabilities Framework") for legend in legends)
    options = [o.get_text() for o in form.soup.select("select[name=activity] option")]
    assert options == ["No activity", "Court Skills"]
    radios = [i["value"] for i in form.soup.select("input[name=action_type]")]
    assert radios == [t.value for t in ActionType]

    pcf = item_id(app, "PCF", "7")
    response = post_form(
        client,
        path,
        {
            "description": "Write clear court statements",
            "action_type": "course",
            "framework_items": [str(pcf)],
            "activity": str(court),
            "target_date": ["1", "3", "2027"],
        },
    )
    assert response.status_code == 302
    assert response.location == f"/appraisal/conversations/{cycle.appraisal_id}#needs"
    with app.app_context():
        [need] = db.session.scalars(select(DevelopmentNeed)).all()
        assert need.description == "Write clear court statements"
        assert need.action_type is ActionType.COURSE
        assert [i.id for i in need.framework_items] == [pcf]
        assert need.activity_id == court
        assert need.target_date == dt.date(2027, 3, 1)
    view = page(client.get(f"/appraisal/conversations/{cycle.appraisal_id}"))
    card = view.soup.select_one(f"#need-{need.id}").get_text(" ", strip=True)
    assert (
        "7 Skills and interventions" in card and "Court Skills" in card and "1 March 2027" in card
    )


def test_a_need_offers_the_frameworks_of_the_person_s_role(
    app: Flask, org, cycle, frameworks
) -> None:  # noqa: ANN001
    """Social workers are expected to work at a PCF level: the PCF is offered, not the KSS for
    practice supervisors or the nursing code."""
    with app.app_context():
        pcf = db.session.scalar(select(Framework).where(Framework.code == "PCF"))
        version = max(pcf.versions, key=lambda v: v.number)
        learning_services.set_expected_levels(
            choices={(org.role_social_worker, pcf.id): version.levels[5].id},
            allowed={pcf.id: {level.id for level in version.levels}},
            actor=None,
            now=NOW,
        )
        db.session.commit()
    client = signed_in(app, org.line_manager)
    form = page(client.get(f"/appraisal/conversations/{cycle.appraisal_id}/needs/new"))
    legends = [f.get_text(" ", strip=True) for f in form.soup.select("details legend")]
    assert len(legends) == 1 and legends[0].startswith("Professional Capabilities Framework")


def test_a_need_shows_every_error_at_once(app: Flask, org, cycle) -> None:  # noqa: ANN001
    client = signed_in(app, org.line_manager)
    path = f"/appraisal/conversations/{cycle.appraisal_id}/needs/new"
    response = post_form(client, path, {"description": "", "target_date": ["1", "1", "2026"]})
    summary = page(response).error_summary()
    assert summary == {
        "#description": "Enter the development need",
        "#action_type": "Select how the need will be met",
        "#framework_items": "Select at least one framework item or a learning activity the need "
        "is about",
        "#target_date-day": "Target date must be today or in the future",
    }
    assert need_count(app) == 0


def test_a_need_for_a_withdrawn_or_unknown_activity_is_refused(app: Flask, org, cycle) -> None:  # noqa: ANN001
    with app.app_context():
        old = make_activity("Old Course", is_active=False).id
        db.session.commit()
    client = signed_in(app, org.line_manager)
    path = f"/appraisal/conversations/{cycle.appraisal_id}/needs/new"
    response = post_form(
        client, path, {"description": "Court work", "action_type": "course", "activity": str(old)}
    )
    assert page(response).error_summary()["#activity"] == "Select a learning activity from the list"
    assert need_count(app) == 0


def test_the_appraiser_changes_and_removes_a_need(app: Flask, org, cycle) -> None:  # noqa: ANN001
    with app.app_context():
        appraisal = db.session.get(Appraisal, cycle.appraisal_id)
        need_id = add_need(appraisal, "Court work", activity=make_activity("Court Skills")).id
        db.session.commit()
    client = signed_in(app, org.line_manager)
    edit = f"/appraisal/needs/{need_id}/edit"
    assert page(client.get(edit)).h1 == "Change a development need"
    response = post_form(
        client, edit, {"description": "Court statements", "action_type": "reading"}
    )
    assert response.status_code == 302
    with app.app_context():
        need = db.session.get(DevelopmentNeed, need_id)
        assert (need.description, need.action_type) == ("Court statements", ActionType.READING)
        assert need.activity is not None  # kept from the form as it stood

    remove = f"/appraisal/needs/{need_id}/remove"
    confirm = page(client.get(remove))
    assert confirm.h1 == "Remove this development need"
    assert "Court statements" in confirm.text()
    assert need_count(app) == 1  # nothing removed by looking
    response = post_form(client, remove, {})
    assert response.status_code == 302
    assert need_count(app) == 0


# Objectives -----------------------------------------------------------------------------------
def test_the_appraiser_adds_an_objective_linked_to_a_priority(app: Flask, org, cycle) -> None:  # noqa: ANN001
    client = signed_in(app, org.line_manager)
    path = f"/appraisal/conversations/{cycle.appraisal_id}/objectives/new"
    form = page(client.get(path))
    assert form.h1 == "Add an objective"
    assert "SMART" in form.soup.select_one("#text-hint").get_text()
    labels = [
        label.get_text(strip=True) for label in form.soup.select("input[name=priority] + label")
    ]
    assert labels == [
        "Stable, skilled workforce",
        "Relationship-based practice",
        "Not linked to a priority",
    ]
    response = post_form(client, path, objective_form(priority=str(cycle.priority_ids[0])))
    assert response.status_code == 302
    with app.app_context():
        [objective] = db.session.scalars(select(Objective)).all()
        assert objective.priority_id == cycle.priority_ids[0]
        assert objective.target_date == dt.date(2027, 3, 31)
    view = page(client.get(f"/appraisal/conversations/{cycle.appraisal_id}"))
    assert (
        "Stable, skilled workforce" in view.soup.select_one(f"#objective-{objective.id}").get_text()
    )


def test_an_objective_not_linked_to_a_priority_says_so(app: Flask, org, cycle) -> None:  # noqa: ANN001
    client = signed_in(app, org.line_manager)
    path = f"/appraisal/conversations/{cycle.appraisal_id}/objectives/new"
    assert post_form(client, path, objective_form()).status_code == 302
    with app.app_context():
        [objective] = db.session.scalars(select(Objective)).all()
        assert objective.priority_id is None
    view = page(client.get(f"/appraisal/conversations/{cycle.appraisal_id}"))
    assert (
        "Not linked to a priority" in view.soup.select_one(f"#objective-{objective.id}").get_text()
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"target_date": ["", "", ""]},
            "#target_date-day",
            "Enter a target date for the objective",
        ),
        (
            {"target_date": ["22", "11", "2026"]},
            "#target_date-day",
            "Target date must be today or in the future",
        ),
        (
            {"target_date": ["31", "2", "2027"]},
            "#target_date-day",
            "Target date must be a real date",
        ),
        ({"text": ""}, "#text", "Enter the objective"),
        (
            {"priority": ""},
            "#priority",
            "Select the priority it serves, or that it is not linked to one",
        ),
        (
            {"priority": "999999"},
            "#priority",
            "Select the priority it serves, or that it is not linked to one",
        ),
    ],
)
def test_bad_objectives_are_refused(
    app: Flask,
    org,
    cycle,  # noqa: ANN001
    changes: dict,
    field: str,
    message: str,
) -> None:
    client = signed_in(app, org.line_manager)
    path = f"/appraisal/conversations/{cycle.appraisal_id}/objectives/new"
    response = post_form(client, path, objective_form(**changes))
    result = page(response)
    assert result.title.startswith("Error: ")
    assert result.error_summary().get(field) == message
    assert objective_count(app) == 0


def test_a_past_date_and_no_text_show_at_once(app: Flask, org, cycle) -> None:  # noqa: ANN001
    client = signed_in(app, org.line_manager)
    path = f"/appraisal/conversations/{cycle.appraisal_id}/objectives/new"
    response = post_form(client, path, objective_form(text="", target_date=["1", "4", "2026"]))
    assert page(response).error_summary() == {
        "#text": "Enter the objective",
        "#target_date-day": "Target date must be today or in the future",
    }


def test_the_appraiser_changes_and_removes_an_objective(app: Flask, org, cycle) -> None:  # noqa: ANN001
    with app.app_context():
        appraisal = db.session.get(Appraisal, cycle.appraisal_id)
        objective_id = add_objective(appraisal).id
        db.session.commit()
    client = signed_in(app, org.line_manager)
    edit = f"/appraisal/objectives/{objective_id}/edit"
    values = form_values(client.get(edit))
    assert values["priority"] == [str(cycle.priority_ids[0])]
    response = post_form(client, edit, {"priority": "none", "target_date": ["30", "6", "2027"]})
    assert response.status_code == 302
    with app.app_context():
        objective = db.session.get(Objective, objective_id)
        assert objective.priority_id is None and objective.target_date == dt.date(2027, 6, 30)
    remove = f"/appraisal/objectives/{objective_id}/remove"
    assert page(client.get(remove)).h1 == "Remove this objective"
    assert post_form(client, remove, {}).status_code == 302
    assert objective_count(app) == 0


# Once both have signed ------------------------------------------------------------------------
@pytest.fixture
def signed(app: Flask, org, cycle) -> SimpleNamespace:  # noqa: ANN001
    with app.app_context():
        appraisal = held(db.session.get(Appraisal, cycle.appraisal_id))
        need = add_need(appraisal, "Court work", activity=make_activity("Court Skills"))
        objective = add_objective(appraisal)
        sign_both(appraisal)
        db.session.commit()
        return SimpleNamespace(
            appraisal_id=appraisal.id, need_id=need.id, objective_id=objective.id
        )


def test_a_signed_record_shows_no_change_links(app: Flask, org, signed) -> None:  # noqa: ANN001
    for person in (org.practitioner, org.line_manager):
        client = signed_in(app, person)
        result = page(client.get(f"/appraisal/conversations/{signed.appraisal_id}"))
        links = [a.get_text(" ", strip=True) for a in result.soup.select("#appraisal-actions a")]
        assert "Check and sign the record" not in links
        assert "Add a development need" not in links
        assert "Change your self-reflection" not in links
        pdf = f"form[action='/appraisal/conversations/{signed.appraisal_id}/record.pdf'] button"
        assert (
            result.soup.select_one(pdf).get_text(strip=True) == "Download the signed record (PDF)"
        )
        assert result.soup.select_one("#locked") is not None
        assert not result.soup.select(f"#need-{signed.need_id} .govuk-summary-card__actions")
    manager = page(
        signed_in(app, org.line_manager).get(f"/appraisal/conversations/{signed.appraisal_id}")
    )
    links = [a.get_text(" ", strip=True) for a in manager.soup.select("#appraisal-actions a")]
    assert "Start a new version to change it" in links


def _locked_edits(signed: SimpleNamespace) -> list[tuple[str, dict]]:
    base = f"/appraisal/conversations/{signed.appraisal_id}"
    return [
        (f"{base}/record", conversation_form()),
        (f"{base}/needs/new", {"description": "More", "action_type": "reading", "activity": ""}),
        (f"{base}/objectives/new", objective_form()),
        (f"/appraisal/needs/{signed.need_id}/edit", {"description": "Changed"}),
        (f"/appraisal/needs/{signed.need_id}/remove", {}),
        (f"/appraisal/objectives/{signed.objective_id}/edit", {"text": "Changed"}),
        (f"/appraisal/objectives/{signed.objective_id}/remove", {}),
    ]


def test_no_change_is_saved_once_both_have_signed(app: Flask, org, signed) -> None:  # noqa: ANN001
    """A page opened before the signatures (or typed in) is told the record is locked."""
    client = signed_in(app, org.line_manager)
    before = fetch(app, signed.appraisal_id).version_id
    with app.app_context():
        activity = make_activity("Reading Group").id
        db.session.commit()
    for path, changes in _locked_edits(signed):
        if path.endswith("/needs/new"):
            changes = {**changes, "activity": str(activity)}
        response = post_form(client, path, changes)
        result = page(response)
        assert LOCKED_MESSAGE in result.error_summary().values(), path
    person = signed_in(app, org.practitioner)
    response = post_form(
        person,
        f"/appraisal/conversations/{signed.appraisal_id}/prepare",
        {"self_reflection": "New"},
    )
    assert LOCKED_MESSAGE in page(response).error_summary().values()
    saved = fetch(app, signed.appraisal_id)
    assert saved.version_id == before
    assert saved.self_reflection == "I led my first care proceedings."
    assert need_count(app) == 1 and objective_count(app) == 1


def test_the_conversation_page_runs_the_same_statements_for_more_needs(
    app: Flask,
    org,
    cycle,  # noqa: ANN001
) -> None:
    client = signed_in(app, org.line_manager)
    path = f"/appraisal/conversations/{cycle.appraisal_id}"

    def statements() -> int:
        with QueryCounter(app) as counter:
            assert client.get(path).status_code == 200
        return counter.count

    with app.app_context():
        appraisal = held(db.session.get(Appraisal, cycle.appraisal_id))
        add_need(appraisal, "First", activity=make_activity("Court Skills"))
        add_objective(appraisal)
        db.session.commit()
    one = statements()
    with app.app_context():
        appraisal = db.session.get(Appraisal, cycle.appraisal_id)
        for n in range(4):
            add_need(appraisal, f"Need {n}", activity=make_activity(f"Course {n}"))
            add_objective(appraisal, f"Objective {n}", linked=n % 2 == 0)
        db.session.commit()
    assert statements() == one


# Reading a conversation whose parts are linked ------------------------------------------------
def test_a_countersigner_reads_without_links_to_private_cpd(app: Flask, org, cycle) -> None:  # noqa: ANN001
    """The head of service reads the feedback's CPD entries by title, without a link: CPD is
    shared with the line manager only."""
    with app.app_context():
        entry = make_entry(org.practitioner.staff_id, share=True, title="Chronologies group")
        appraisal = db.session.get(Appraisal, cycle.appraisal_id)
        services.record_conversation(
            appraisal=appraisal,
            details=services.ConversationDetails(
                held_on=dt.date(2026, 11, 20),
                appraiser_view="Good year",
                feedback="",
                strengths="",
                wellbeing_discussed=False,
                support_discussed=False,
                aspirations=(),
                aspirations_note="",
                cpd_entry_ids=(entry.id,),
            ),
            expected_version=None,
            actor=db.session.get(User, org.line_manager.user_id),
            now=NOW,
            today=dt.date(2026, 11, 23),
        )
        db.session.commit()
    result = page(
        signed_in(app, org.senior_manager).get(f"/appraisal/conversations/{cycle.appraisal_id}")
    )
    cpd = result.soup.select_one("#feedback-cpd")
    assert cpd.get_text(strip=True) == "Chronologies group"
    assert cpd.find("a") is None
    assert result.soup.select_one("#wellbeing").get_text(strip=True) == "Not discussed"
