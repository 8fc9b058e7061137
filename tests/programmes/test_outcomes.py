"""The final outcome: the assessor's recommendation once the final review is signed off, the
WFLD team's moderation panel (confirm, refer back, defer) once it is countersigned, and the one
progression a confirmed pass allows (the person's job role changes from a chosen date, through
organisation's staff service and its audit).

Who reaches the pages: anyone who may not see the enrolment gets 404; those who see it but may
not take the step (the person themselves, their line manager) get 403.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from tests.factories import make_role
from tests.helpers import form_values, page, sign_in
from tests.programmes.builders import asye_document, make_cohort, make_enrolment
from wfld.accounts.models import AuditEvent, User
from wfld.core import clock
from wfld.core.errors_domain import RuleBroken
from wfld.extensions import db
from wfld.organisation.models import JobRole, StaffMember
from wfld.programmes import outcomes, queries, services, signing
from wfld.programmes.models import (
    EnrolmentEvent,
    EnrolmentEventKind,
    Milestone,
    Outcome,
    PanelDecision,
    Recommendation,
    TemplateStatus,
)
from wfld.programmes.rules import EnrolmentStatus, MilestoneAction, MilestoneState, ProgrammeKind

NOW = dt.datetime(2027, 9, 20, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
PANEL_DAY = dt.date(2027, 9, 15)


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@dataclass(frozen=True)
class Year:
    enrolment_id: int
    final_id: int
    nqsw_role_id: int


@pytest.fixture
def year(app, org) -> Year:  # noqa: ANN001
    """The practitioner, an NQSW on an ASYE whose progression rule makes her a social worker,
    assessed by the other practitioner; nothing signed yet."""
    with app.app_context():
        nqsw = make_role("Newly Qualified Social Worker", grade="SW Grade 8")
        staff = db.session.get(StaffMember, org.practitioner.staff_id)
        staff.job_role = nqsw
        template = services.add_template_version(
            code="asye-progression",
            name="ASYE child and family",
            kind=ProgrammeKind.ASYE,
            document=asye_document(),
            status=TemplateStatus.PUBLISHED,
            framework_versions=[],
            progression_role_id=org.role_social_worker,
            actor=None,
            now=NOW,
        )
        enrolment = make_enrolment(
            org.practitioner.staff_id,
            assessor_id=org.other_practitioner.staff_id,
            cohort=make_cohort(template),
        )
        db.session.commit()
        final = queries.find_milestone_by_key(enrolment, "final")
        return Year(enrolment.id, final.id, nqsw.id)


def _user(person) -> User:  # noqa: ANN001
    return db.session.get(User, person.user_id)


def _step(year: Year, action: MilestoneAction, person, **typed: str) -> None:  # noqa: ANN001
    milestone = queries.find_milestone(year.final_id)
    signing.act(
        milestone=milestone,
        action=action,
        expected_version=milestone.version_id,
        actor=_user(person),
        now=NOW,
        **typed,
    )
    db.session.commit()


def _sign_final(year: Year, org, *, countersign: bool = True) -> None:  # noqa: ANN001
    _step(year, MilestoneAction.SUBMIT, org.practitioner, text="My year")
    _step(year, MilestoneAction.SIGN_OFF, org.other_practitioner, short_reason="Test year")
    if countersign:
        _step(year, MilestoneAction.COUNTERSIGN, org.line_manager)


def _enrolment(year: Year):  # noqa: ANN202
    return queries.find_enrolment(year.enrolment_id)


def _recommend(year: Year, org, recommendation: Recommendation = Recommendation.PASS) -> Outcome:  # noqa: ANN001
    outcome = outcomes.record_recommendation(
        enrolment=_enrolment(year),
        recommendation=recommendation,
        rationale="Strong evidence across the year",
        expected_version=None,
        actor=_user(org.other_practitioner),
        now=NOW,
        today=dt.date(2027, 9, 10),
    )
    db.session.commit()
    return outcome


def _panel(year: Year, org, decision: PanelDecision, note: str = "") -> Outcome:  # noqa: ANN001
    outcome = outcomes.record_panel(
        enrolment=_enrolment(year),
        panel_on=PANEL_DAY,
        members="Hana Okafor (chair), Wren Castell",
        decision=decision,
        note=note,
        expected_version=None,
        actor=_user(org.wfld_admin),
        now=NOW,
        today=TODAY,
    )
    db.session.commit()
    return outcome


def _kinds(year: Year) -> list[EnrolmentEventKind]:
    return [
        e.kind
        for e in queries.list_enrolment_events([year.enrolment_id])[year.enrolment_id]
        if e.kind is not EnrolmentEventKind.ENROLLED
    ]


def _signed_in(app, person):  # noqa: ANN001, ANN202
    client = app.test_client()
    assert sign_in(client, person.email).status_code == 302
    return client


# --- the services --------------------------------------------------------------------------


def test_the_recommendation_waits_for_the_final_review_sign_off(app, org, year: Year) -> None:  # noqa: ANN001
    with app.app_context():
        with pytest.raises(RuleBroken) as refused:
            _recommend(year, org)
        assert refused.value.errors == {
            "recommendation": "Recommend once the final review is signed off"
        }
        db.session.rollback()
        _sign_final(year, org, countersign=False)
        outcome = _recommend(year, org)
        assert outcome.recommendation is Recommendation.PASS
        assert outcome.recommended_by_id == org.other_practitioner.user_id
        assert _kinds(year) == [EnrolmentEventKind.RECOMMENDED]


def test_the_rationale_is_needed(app, org, year: Year) -> None:  # noqa: ANN001
    with app.app_context():
        _sign_final(year, org)
        with pytest.raises(RuleBroken) as refused:
            outcomes.record_recommendation(
                enrolment=_enrolment(year),
                recommendation=Recommendation.FAIL,
                rationale=" ",
                expected_version=None,
                actor=_user(org.other_practitioner),
                now=NOW,
                today=TODAY,
            )
        assert refused.value.errors == {"rationale": "Enter your rationale"}


def test_the_panel_waits_for_the_countersignature(app, org, year: Year) -> None:  # noqa: ANN001
    with app.app_context():
        _sign_final(year, org, countersign=False)
        with pytest.raises(RuleBroken) as refused:
            _panel(year, org, PanelDecision.CONFIRM)
        assert refused.value.errors == {
            "decision": "The assessor must record a recommendation first"
        }
        db.session.rollback()
        _recommend(year, org)
        with pytest.raises(RuleBroken) as refused:
            _panel(year, org, PanelDecision.CONFIRM)
        assert refused.value.errors == {
            "decision": "The final review must be signed off and countersigned before the panel"
        }


def test_a_confirmed_pass_completes_the_enrolment_once(app, org, year: Year) -> None:  # noqa: ANN001
    with app.app_context():
        _sign_final(year, org)
        _recommend(year, org)
        _panel(year, org, PanelDecision.CONFIRM)
        enrolment = _enrolment(year)
        assert enrolment.status is EnrolmentStatus.COMPLETED
        assert enrolment.completed_on == PANEL_DAY
        with pytest.raises(RuleBroken) as refused:
            _panel(year, org, PanelDecision.DEFER, note="Again")
        assert refused.value.errors == {"decision": "The panel has already confirmed the outcome"}
        db.session.rollback()
        with pytest.raises(RuleBroken):
            _recommend(year, org, Recommendation.FAIL)
        db.session.rollback()
        assert _kinds(year) == [EnrolmentEventKind.RECOMMENDED, EnrolmentEventKind.PANEL_DECIDED]
        audited = db.session.scalars(
            select(AuditEvent.details).where(AuditEvent.event == "programme_panel_decided")
        ).all()
        assert audited == [{"decision": "confirm", "recommendation": "pass", "status": "completed"}]


def test_a_confirmed_fail_fails_the_enrolment(app, org, year: Year) -> None:  # noqa: ANN001
    with app.app_context():
        _sign_final(year, org)
        _recommend(year, org, Recommendation.FAIL)
        _panel(year, org, PanelDecision.CONFIRM)
        enrolment = _enrolment(year)
        assert enrolment.status is EnrolmentStatus.FAILED
        assert enrolment.completed_on == PANEL_DAY


def test_refer_back_leaves_it_active_and_reopens_nothing_then_defer(app, org, year: Year) -> None:  # noqa: ANN001
    with app.app_context():
        _sign_final(year, org)
        _recommend(year, org)
        with pytest.raises(RuleBroken) as refused:
            _panel(year, org, PanelDecision.REFER_BACK)
        assert refused.value.errors == {"note": "Enter what the panel asks for"}
        db.session.rollback()
        _panel(year, org, PanelDecision.REFER_BACK, note="More feedback from families")
        enrolment = _enrolment(year)
        assert enrolment.status is EnrolmentStatus.ACTIVE
        assert enrolment.completed_on is None
        assert db.session.get(Milestone, year.final_id).state is MilestoneState.COUNTERSIGNED
        # The assessor may change the recommendation after a referral; the panel meets again.
        _recommend(year, org, Recommendation.FAIL)
        _panel(year, org, PanelDecision.DEFER, note="Waiting for HR")
        assert _enrolment(year).status is EnrolmentStatus.DEFERRED
        events = queries.list_enrolment_events([year.enrolment_id])[year.enrolment_id]
        decided = [e.reason for e in events if e.kind is EnrolmentEventKind.PANEL_DECIDED]
        assert decided == [
            "Referred back (pass): More feedback from families",
            "Deferred (fail): Waiting for HR",
        ]


def test_panel_dates_and_members(app, org, year: Year) -> None:  # noqa: ANN001
    with app.app_context():
        _sign_final(year, org)
        _recommend(year, org)
        with pytest.raises(RuleBroken) as refused:
            outcomes.record_panel(
                enrolment=_enrolment(year),
                panel_on=TODAY + dt.timedelta(days=1),
                members="",
                decision=PanelDecision.CONFIRM,
                note="",
                expected_version=None,
                actor=_user(org.wfld_admin),
                now=NOW,
                today=TODAY,
            )
        assert refused.value.errors == {
            "panel_on": "Date of the panel must be today or in the past",
            "members": "Enter the panel members",
        }
        db.session.rollback()
        with pytest.raises(RuleBroken) as refused:
            outcomes.record_panel(
                enrolment=_enrolment(year),
                panel_on=dt.date(2027, 9, 1),
                members="Hana Okafor",
                decision=PanelDecision.CONFIRM,
                note="",
                expected_version=None,
                actor=_user(org.wfld_admin),
                now=NOW,
                today=TODAY,
            )
        assert refused.value.errors == {
            "panel_on": "Date of the panel must be on or after the recommendation "
            "(10 September 2027)"
        }


def test_progression_changes_the_job_role_from_the_date_once(app, org, year: Year) -> None:  # noqa: ANN001
    with app.app_context():
        _sign_final(year, org)
        _recommend(year, org)
        with pytest.raises(RuleBroken) as refused:
            outcomes.apply_progression(
                enrolment=_enrolment(year),
                progressed_on=dt.date(2027, 10, 1),
                expected_version=None,
                actor=_user(org.wfld_admin),
                now=NOW,
            )
        assert refused.value.errors == {
            "progressed_on": "Progression follows a pass the panel confirmed"
        }
        db.session.rollback()
        _panel(year, org, PanelDecision.CONFIRM)
        with pytest.raises(RuleBroken) as refused:
            outcomes.apply_progression(
                enrolment=_enrolment(year),
                progressed_on=dt.date(2027, 9, 1),
                expected_version=None,
                actor=_user(org.wfld_admin),
                now=NOW,
            )
        assert refused.value.errors == {
            "progressed_on": "The date must be on or after the panel (15 September 2027)"
        }
        db.session.rollback()

        outcome = outcomes.apply_progression(
            enrolment=_enrolment(year),
            progressed_on=dt.date(2027, 10, 1),
            expected_version=None,
            actor=_user(org.wfld_admin),
            now=NOW,
        )
        db.session.commit()
        assert outcome.progressed_on == dt.date(2027, 10, 1)
        staff = db.session.get(StaffMember, org.practitioner.staff_id)
        assert staff.job_role_id == org.role_social_worker
        assert staff.job_role_since == dt.date(2027, 10, 1)
        # Organisation's own audit of the staff change is kept.
        changed = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.event == "staff_updated", AuditEvent.subject_id == staff.id
            )
        ).one()
        assert changed.details["changes"]["job_role_id"] == [
            str(year.nqsw_role_id),
            str(org.role_social_worker),
        ]
        progressed = db.session.scalars(
            select(EnrolmentEvent).where(
                EnrolmentEvent.enrolment_id == year.enrolment_id,
                EnrolmentEvent.kind == EnrolmentEventKind.PROGRESSED,
            )
        ).one()
        assert progressed.starts_on == dt.date(2027, 10, 1)
        assert progressed.reason == "Social Worker from 1 October 2027"

        with pytest.raises(RuleBroken) as refused:
            outcomes.apply_progression(
                enrolment=_enrolment(year),
                progressed_on=dt.date(2027, 11, 1),
                expected_version=None,
                actor=_user(org.wfld_admin),
                now=NOW,
            )
        assert refused.value.errors == {
            "progressed_on": "Progression was already applied from 1 October 2027"
        }


# --- the pages -----------------------------------------------------------------------------


def test_who_reaches_the_outcome_pages(app, org, year: Year) -> None:  # noqa: ANN001
    pages = ("outcome", "panel", "progression")
    answers = {
        "practitioner": (403, 403, 403),  # sees her enrolment, takes no step on her own outcome
        "line_manager": (403, 403, 403),
        "other_practitioner": (200, 403, 403),  # the assessor recommends
        "wfld_admin": (403, 200, 200),
        "system_admin": (404, 404, 404),  # plays no part in the enrolment
    }
    for persona, expected in answers.items():
        client = _signed_in(app, getattr(org, persona))
        got = tuple(
            client.get(f"/programmes/enrolments/{year.enrolment_id}/{p}").status_code for p in pages
        )
        assert got == expected, persona
    assert (
        app.test_client().get(f"/programmes/enrolments/{year.enrolment_id}/outcome").status_code
        == 302
    )


def test_the_journey_through_the_pages(app, org, year: Year) -> None:  # noqa: ANN001
    base = f"/programmes/enrolments/{year.enrolment_id}"
    assessor = _signed_in(app, org.other_practitioner)
    shown = page(assessor.get(f"{base}/outcome"))
    assert "once the final review is signed off" in shown.text()
    assert not shown.soup.select("main form")

    with app.app_context():
        _sign_final(year, org)
    values = form_values(assessor.get(f"{base}/outcome"), with_csrf=True)
    response = assessor.post(f"{base}/outcome", data={**values, "rationale": ""})
    assert page(response).error_summary() == {
        "#recommendation": "Select pass or fail",
    }
    response = assessor.post(
        f"{base}/outcome", data={**values, "recommendation": "pass", "rationale": "A strong year"}
    )
    assert response.status_code == 302

    wfld = _signed_in(app, org.wfld_admin)
    values = form_values(wfld.get(f"{base}/panel"), with_csrf=True)
    response = wfld.post(
        f"{base}/panel",
        data={
            **values,
            "panel_on": ["20", "9", "2027"],
            "members": "Hana Okafor (chair)",
            "decision": "confirm",
        },
    )
    assert response.status_code == 302
    shown = page(wfld.get(f"{base}/panel"))
    assert [a.get_text() for a in shown.soup.select("main a.govuk-button")] == ["Apply progression"]

    values = form_values(wfld.get(f"{base}/progression"), with_csrf=True)
    response = wfld.post(
        f"{base}/progression",
        data={
            **values,
            "progressed_on": ["1", "10", "2027"],
        },
    )
    assert response.status_code == 302
    shown = page(wfld.get(f"{base}/panel"))
    assert not shown.soup.select("main a.govuk-button"), "progression is offered once"
    # Posting again from the old page is refused, and the role stays as it was set.
    response = wfld.post(
        f"{base}/progression",
        data={**values, "progressed_on": ["2", "10", "2027"]},
    )
    assert response.status_code == 200
    assert (
        "Progression was already applied from 1 October 2027"
        in page(response).error_summary().values()
    )
    with app.app_context():
        staff = db.session.get(StaffMember, org.practitioner.staff_id)
        assert staff.job_role_since == dt.date(2027, 10, 1)
        assert db.session.get(JobRole, staff.job_role_id).title == "Social Worker"
