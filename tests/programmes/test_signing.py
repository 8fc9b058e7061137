"""Milestone sign-off: the state machine through the service (submit, return with a comment,
sign off, countersign, reopen), who may take each step (nobody signs their own; a line
manager is refused an assessor-only step), evidence short of the minimum, the lock on a
signed-off review, a stale step, and the milestone page (only the forms the viewer may use,
the log in words, 404 for those who may not see it and 403 for a step that is not theirs).

The practitioner (Priya Sandhu) is on the reference ASYE, assessed by the other practitioner
(Quinn Abara); her line manager (Marcus Lindqvist) is the enrolment's line manager, who
countersigns the final review.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from tests.helpers import page, sign_in
from tests.programmes.builders import make_cohort, make_enrolment
from wfld.accounts.models import AuditEvent, User
from wfld.core import clock
from wfld.core.errors_domain import RuleBroken, StaleRecord
from wfld.extensions import db
from wfld.programmes import queries, signing
from wfld.programmes.models import Evidence, Milestone, MilestoneEvent
from wfld.programmes.rules import EvidenceKind, MilestoneAction, MilestoneState

# 9:05am in London on 3 December 2026 (GMT: London and UTC agree).
NOW = dt.datetime(2026, 12, 3, 9, 5, tzinfo=dt.UTC)
WHEN = "9:05am on 3 December 2026"


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@dataclass(frozen=True)
class Asye:
    enrolment_id: int
    milestones: dict[str, int]  # review point key → milestone id


def _asye(org, *, assessor_id: int | None = None, intake: str = "ASYE September 2026") -> Asye:  # noqa: ANN001
    enrolment = make_enrolment(
        org.practitioner.staff_id,
        assessor_id=assessor_id or org.other_practitioner.staff_id,
        cohort=make_cohort(intake=intake),
    )
    db.session.commit()
    milestones = db.session.scalars(
        select(Milestone).where(Milestone.enrolment_id == enrolment.id)
    ).all()
    return Asye(enrolment.id, {m.key: m.id for m in milestones})


@pytest.fixture
def asye(app, org) -> Asye:  # noqa: ANN001
    with app.app_context():
        return _asye(org)


def _user(person) -> User:  # noqa: ANN001
    return db.session.get(User, person.user_id)


def _milestone(asye: Asye, key: str) -> Milestone:
    return queries.find_milestone(asye.milestones[key])


def _act(asye: Asye, key: str, action: MilestoneAction, person, **typed: str) -> MilestoneEvent:  # noqa: ANN001
    """One step through the service, committed."""
    milestone = _milestone(asye, key)
    event = signing.act(
        milestone=milestone,
        action=action,
        expected_version=milestone.version_id,
        actor=_user(person),
        now=NOW,
        **typed,
    )
    db.session.commit()
    return event


def _add_evidence(asye: Asye, kind: EvidenceKind, key: str, count: int = 1) -> None:
    for n in range(count):
        db.session.add(
            Evidence(
                enrolment_id=asye.enrolment_id,
                kind=kind,
                title=f"{kind.label} {n + 1}",
                occurred_on=dt.date(2026, 9, 10),
                review_key=key,
                created_at=NOW,
                updated_at=NOW,
            )
        )
    db.session.commit()


def _log(milestone_id: int) -> list[MilestoneAction]:
    return [e.action for e in queries.list_milestone_events([milestone_id])[milestone_id]]


def _rule(excinfo: pytest.ExceptionInfo[RuleBroken]) -> dict[str, str]:
    return excinfo.value.errors


def _signed_in(app, person):  # noqa: ANN001, ANN202
    client = app.test_client()
    assert sign_in(client, person.email).status_code == 302
    return client


def _post(client, milestone_id: int, word: str, **typed: str):  # noqa: ANN001, ANN202
    """Post one step from the milestone page's own form for it (its CSRF token and version)."""
    shown = client.get(f"/programmes/milestones/{milestone_id}")
    assert shown.status_code == 200
    form = page(shown).soup.select_one(f'form[action$="/{word}"]')
    assert form is not None, f"the page offers {word}"
    data = {i["name"]: i.get("value", "") for i in form.find_all("input") if i.get("name")}
    data.update({f"{word}-{name}": value for name, value in typed.items()})
    return client.post(f"/programmes/milestones/{milestone_id}/{word}", data=data)


# --- the state machine through the service ------------------------------------------------------


def test_submit_return_resubmit_sign_off_and_reopen(app, org, asye: Asye) -> None:  # noqa: ANN001
    with app.app_context():
        _add_evidence(asye, EvidenceKind.DEVELOPMENT_PLAN, "agreement")
        _add_evidence(asye, EvidenceKind.SELF_ASSESSMENT, "agreement")
        _act(
            asye, "agreement", MilestoneAction.SUBMIT, org.practitioner, text="My plan for the year"
        )
        milestone = _milestone(asye, "agreement")
        assert milestone.state is MilestoneState.SUBMITTED
        assert milestone.summary == "My plan for the year"

        _act(
            asye,
            "agreement",
            MilestoneAction.RETURN,
            org.other_practitioner,
            text="Add your learning goals",
        )
        assert _milestone(asye, "agreement").state is MilestoneState.RETURNED
        _act(asye, "agreement", MilestoneAction.SUBMIT, org.practitioner, text="Goals added")
        _act(asye, "agreement", MilestoneAction.SIGN_OFF, org.other_practitioner, text="Agreed")
        milestone = _milestone(asye, "agreement")
        assert milestone.state is MilestoneState.SIGNED_OFF

        # Locked: the person cannot submit it again.
        with pytest.raises(RuleBroken) as refused:
            _act(asye, "agreement", MilestoneAction.SUBMIT, org.practitioner, text="One more")
        assert _rule(refused) == {"milestone": "A milestone that is signed off cannot be submitted"}
        db.session.rollback()

        _act(asye, "agreement", MilestoneAction.REOPEN, org.wfld_admin, text="Wrong plan attached")
        assert _milestone(asye, "agreement").state is MilestoneState.IN_PROGRESS
        # Both the sign-off and the reopening stay in the log.
        assert _log(asye.milestones["agreement"]) == [
            MilestoneAction.SUBMIT,
            MilestoneAction.RETURN,
            MilestoneAction.SUBMIT,
            MilestoneAction.SIGN_OFF,
            MilestoneAction.REOPEN,
        ]
        audited = db.session.scalars(
            select(AuditEvent.event).where(AuditEvent.subject_type == "Milestone")
        ).all()
        assert audited == ["milestone_signed_off", "milestone_reopened"]


def test_each_step_needs_its_text(app, org, asye: Asye) -> None:  # noqa: ANN001
    with app.app_context():
        with pytest.raises(RuleBroken) as refused:
            _act(asye, "3m", MilestoneAction.SUBMIT, org.practitioner, text="  ")
        assert _rule(refused) == {"summary": "Enter a summary of your progress for this review"}
        db.session.rollback()
        _act(asye, "3m", MilestoneAction.SUBMIT, org.practitioner, text="Three months in")
        with pytest.raises(RuleBroken) as refused:
            _act(asye, "3m", MilestoneAction.RETURN, org.other_practitioner, text="")
        assert _rule(refused) == {"comment": "Enter a comment saying what to change"}
        db.session.rollback()
        _act(asye, "3m", MilestoneAction.SIGN_OFF, org.other_practitioner, short_reason="Ill")
        with pytest.raises(RuleBroken) as refused:
            _act(asye, "3m", MilestoneAction.REOPEN, org.wfld_admin, text="")
        assert _rule(refused) == {"reason": "Enter a reason for reopening this review"}
        db.session.rollback()
        assert _log(asye.milestones["3m"]) == [MilestoneAction.SUBMIT, MilestoneAction.SIGN_OFF]


def test_signing_off_short_evidence_needs_a_reason_which_is_kept(app, org, asye: Asye) -> None:  # noqa: ANN001
    with app.app_context():
        _add_evidence(asye, EvidenceKind.DEVELOPMENT_PLAN, "agreement", count=2)
        _add_evidence(asye, EvidenceKind.SELF_ASSESSMENT, "agreement")
        _act(asye, "3m", MilestoneAction.SUBMIT, org.practitioner, text="Three months in")
        with pytest.raises(RuleBroken) as refused:
            _act(asye, "3m", MilestoneAction.SIGN_OFF, org.other_practitioner)
        assert _rule(refused) == {
            "short_reason": "Evidence is short: 0 of 1 direct observations. "
            "Give a reason to sign off anyway"
        }
        db.session.rollback()
        assert _milestone(asye, "3m").state is MilestoneState.SUBMITTED, "nothing half-saved"

        event = _act(
            asye,
            "3m",
            MilestoneAction.SIGN_OFF,
            org.other_practitioner,
            short_reason="The observation was cancelled by the family; booked for next week",
        )
        assert event.short_reason.startswith("The observation was cancelled")
        audit = db.session.scalars(
            select(AuditEvent).where(AuditEvent.event == "milestone_signed_off")
        ).one()
        assert audit.details["short_reason"].startswith("The observation was cancelled")


def test_enough_evidence_signs_off_without_a_reason_and_keeps_none(app, org, asye: Asye) -> None:  # noqa: ANN001
    with app.app_context():
        _add_evidence(asye, EvidenceKind.DEVELOPMENT_PLAN, "agreement")
        _add_evidence(asye, EvidenceKind.SELF_ASSESSMENT, "agreement")
        _act(asye, "agreement", MilestoneAction.SUBMIT, org.practitioner, text="Plan")
        event = _act(
            asye,
            "agreement",
            MilestoneAction.SIGN_OFF,
            org.other_practitioner,
            short_reason="not needed",
        )
        assert event.short_reason == ""


def test_nobody_signs_off_their_own_review(app, org) -> None:  # noqa: ANN001
    """Even a person who is somehow their own signer's part (the WFLD team member on a
    programme) cannot sign, return or reopen their own review."""
    with app.app_context():
        asye = _asye(org)
        _act(asye, "3m", MilestoneAction.SUBMIT, org.practitioner, text="Three months in")
        for action in (MilestoneAction.SIGN_OFF, MilestoneAction.RETURN):
            with pytest.raises(RuleBroken) as refused:
                _act(asye, "3m", action, org.practitioner, text="Looks good to me")
            assert "it is for the assessor" in _rule(refused)["milestone"]
            db.session.rollback()
        assert _log(asye.milestones["3m"]) == [MilestoneAction.SUBMIT]


def test_a_line_manager_cannot_take_an_assessor_only_step(app, org, asye: Asye) -> None:  # noqa: ANN001
    with app.app_context():
        _act(asye, "3m", MilestoneAction.SUBMIT, org.practitioner, text="Three months in")
        with pytest.raises(RuleBroken) as refused:
            _act(asye, "3m", MilestoneAction.SIGN_OFF, org.line_manager, short_reason="x")
        assert _rule(refused) == {
            "milestone": "You cannot sign off this review: it is for the assessor to sign off"
        }


def test_countersignature_where_the_template_asks_by_its_role_not_the_signer(app, org) -> None:  # noqa: ANN001
    with app.app_context():
        # The line manager assesses too: they sign off the final review, so they may not also
        # countersign it.
        asye = _asye(org, assessor_id=org.line_manager.staff_id)
        _act(asye, "final", MilestoneAction.SUBMIT, org.practitioner, text="My year")
        _act(asye, "final", MilestoneAction.SIGN_OFF, org.line_manager, short_reason="Test")
        with pytest.raises(RuleBroken) as refused:
            _act(asye, "final", MilestoneAction.COUNTERSIGN, org.line_manager)
        assert _rule(refused) == {
            "milestone": "You signed this review off, so someone else must countersign it"
        }
        db.session.rollback()

    with app.app_context():
        asye = _asye(org, intake="ASYE January 2027")  # assessed by the other practitioner
        _act(asye, "final", MilestoneAction.SUBMIT, org.practitioner, text="My year")
        _act(asye, "final", MilestoneAction.SIGN_OFF, org.other_practitioner, short_reason="T")
        with pytest.raises(RuleBroken) as refused:
            _act(asye, "final", MilestoneAction.COUNTERSIGN, org.other_practitioner)
        assert _rule(refused) == {
            "milestone": "You cannot countersign this review: it is for the line manager"
        }
        db.session.rollback()
        _act(asye, "final", MilestoneAction.COUNTERSIGN, org.line_manager, text="Agreed")
        assert _milestone(asye, "final").state is MilestoneState.COUNTERSIGNED
        # A review the template does not ask to be countersigned cannot be.
        _act(asye, "3m", MilestoneAction.SUBMIT, org.practitioner, text="Three months")
        _act(asye, "3m", MilestoneAction.SIGN_OFF, org.other_practitioner, short_reason="T")
        with pytest.raises(RuleBroken) as refused:
            _act(asye, "3m", MilestoneAction.COUNTERSIGN, org.line_manager)
        assert _rule(refused) == {
            "milestone": "You cannot countersign this review: it is for nobody"
        }


def test_reopening_needs_the_wfld_team(app, org, asye: Asye) -> None:  # noqa: ANN001
    with app.app_context():
        _act(asye, "3m", MilestoneAction.SUBMIT, org.practitioner, text="Three months in")
        _act(asye, "3m", MilestoneAction.SIGN_OFF, org.other_practitioner, short_reason="T")
        for person in (org.other_practitioner, org.line_manager, org.practitioner):
            with pytest.raises(RuleBroken) as refused:
                _act(asye, "3m", MilestoneAction.REOPEN, person, text="Please")
            assert _rule(refused) == {
                "milestone": "Only the WFLD team can reopen a signed-off review"
            }
            db.session.rollback()
        assert _milestone(asye, "3m").state is MilestoneState.SIGNED_OFF


def test_the_panel_is_not_signed_here(app, org, asye: Asye) -> None:  # noqa: ANN001
    with app.app_context():
        with pytest.raises(RuleBroken) as refused:
            _act(asye, "panel", MilestoneAction.SUBMIT, org.practitioner, text="Panel")
        assert _rule(refused) == {
            "milestone": "The moderation panel is recorded as the outcome, not signed off"
        }


def test_a_stale_step_names_who_acted_first_and_when(app, org, asye: Asye) -> None:  # noqa: ANN001
    """A step from a page opened before someone else's is refused, and the message read from
    the log (after the rollback) names the step that won."""
    with app.app_context():
        _act(asye, "3m", MilestoneAction.SUBMIT, org.practitioner, text="Three months in")
        opened = _milestone(asye, "3m").version_id
        _act(asye, "3m", MilestoneAction.RETURN, org.other_practitioner, text="Add a reflection")
        milestone = _milestone(asye, "3m")
        with pytest.raises(StaleRecord):
            signing.act(
                milestone=milestone,
                action=MilestoneAction.SIGN_OFF,
                short_reason="Enough",
                expected_version=opened,
                actor=_user(org.other_practitioner),
                now=NOW,
            )
        db.session.rollback()
        assert signing.lost_race_message(milestone.id) == (
            f"Already returned with comments by Quinn Abara at {WHEN}"
        )
        assert _log(asye.milestones["3m"]) == [MilestoneAction.SUBMIT, MilestoneAction.RETURN]


# --- the pages -----------------------------------------------------------------------------


def _step_words(response) -> list[str]:  # noqa: ANN001
    forms = page(response).soup.select("main form[method=post]")
    return [f["action"].rsplit("/", 1)[1] for f in forms]


def test_the_page_offers_only_the_steps_the_viewer_may_take(app, org, asye: Asye) -> None:  # noqa: ANN001
    path = f"/programmes/milestones/{asye.milestones['3m']}"
    nqsw = _signed_in(app, org.practitioner)
    assessor = _signed_in(app, org.other_practitioner)
    manager = _signed_in(app, org.line_manager)
    wfld = _signed_in(app, org.wfld_admin)

    assert _step_words(nqsw.get(path)) == ["submit"]
    assert _step_words(assessor.get(path)) == []
    assert (
        _post(nqsw, asye.milestones["3m"], "submit", summary="Three months in").status_code == 302
    )
    assert _step_words(nqsw.get(path)) == []
    assert _step_words(assessor.get(path)) == ["return", "sign-off"]
    assert _step_words(manager.get(path)) == []
    assert _step_words(wfld.get(path)) == []

    response = _post(
        assessor, asye.milestones["3m"], "sign-off", comment="Good start", short_reason="Booked"
    )
    assert response.status_code == 302
    shown = page(assessor.get(path))
    assert "Signed off: 3-month review" in shown.text()
    assert _step_words(wfld.get(path)) == ["reopen"]
    assert _step_words(assessor.get(path)) == []
    log = [" ".join(li.get_text(" ").split()) for li in shown.soup.select("#milestone-log li")]
    assert log == [
        "Submitted by Priya Sandhu, 3 December 2026 at 9:05am Three months in",
        "Signed off by Quinn Abara, 3 December 2026 at 9:05am Good start "
        "Signed off with evidence short of the minimum. Reason: Booked",
    ]


def test_the_page_shows_the_due_date_evidence_and_what_is_short(app, org, asye: Asye) -> None:  # noqa: ANN001
    with app.app_context():
        _add_evidence(asye, EvidenceKind.DIRECT_OBSERVATION, "3m")
    client = _signed_in(app, org.practitioner)
    shown = page(client.get(f"/programmes/milestones/{asye.milestones['3m']}"))
    assert shown.h1 == "3-month review"
    rows = {
        " ".join(r.select_one("dt").get_text().split()): " ".join(
            r.select_one("dd").get_text().split()
        )
        for r in shown.soup.select(".govuk-summary-list__row")
    }
    assert rows["Due"] == "1 December 2026"
    assert rows["Status"] == "Not started"
    assert rows["Signed off by"] == "The assessor"
    short = [li.get_text() for li in shown.soup.select("#evidence-short li")]
    assert short == ["0 of 2 development plans", "0 of 1 self-assessments"]
    assert [a.get_text() for a in shown.soup.select("#evidence ~ * table a")] == [
        "Direct observation 1"
    ]


def test_the_short_evidence_reason_is_asked_for_on_the_page(app, org, asye: Asye) -> None:  # noqa: ANN001
    nqsw = _signed_in(app, org.practitioner)
    assert _post(nqsw, asye.milestones["3m"], "submit", summary="Three months").status_code == 302
    assessor = _signed_in(app, org.other_practitioner)
    response = _post(assessor, asye.milestones["3m"], "sign-off", comment="Fine")
    assert response.status_code == 200
    shown = page(response)
    assert shown.title.startswith("Error: ")
    assert shown.error_summary() == {
        "#sign-off-short_reason": "Evidence is short: 0 of 2 development plans, "
        "0 of 1 self-assessments, 0 of 1 direct observations. Give a reason to sign off anyway"
    }
    typed = shown.soup.select_one("textarea[name=sign-off-comment]")
    assert typed.get_text() == "Fine", "what was typed is kept"
    with app.app_context():
        assert _milestone(asye, "3m").state is MilestoneState.SUBMITTED


def test_a_return_needs_a_comment_on_the_page(app, org, asye: Asye) -> None:  # noqa: ANN001
    nqsw = _signed_in(app, org.practitioner)
    assert _post(nqsw, asye.milestones["3m"], "submit", summary="Three months").status_code == 302
    assessor = _signed_in(app, org.other_practitioner)
    shown = page(_post(assessor, asye.milestones["3m"], "return", comment=""))
    assert shown.error_summary() == {"#return-comment": "Enter a comment saying what to change"}


def test_signing_your_own_review_is_refused(app, org, asye: Asye) -> None:  # noqa: ANN001
    """The person sees their milestone (200) but posting a sign-off answers 403."""
    nqsw = _signed_in(app, org.practitioner)
    assert _post(nqsw, asye.milestones["3m"], "submit", summary="Three months").status_code == 302
    response = nqsw.post(
        f"/programmes/milestones/{asye.milestones['3m']}/sign-off",
        data={"csrf_token": _token(nqsw, asye.milestones["3m"]), "sign-off-short_reason": "x"},
    )
    assert response.status_code == 403
    with app.app_context():
        assert _log(asye.milestones["3m"]) == [MilestoneAction.SUBMIT]


def _token(client, milestone_id: int) -> str:  # noqa: ANN001
    shown = page(client.get(f"/programmes/milestones/{milestone_id}"))
    return shown.soup.select_one("input[name=csrf_token]")["value"]


def test_line_manager_sees_the_review_but_may_not_sign_an_assessor_only_step(
    app,
    org,
    asye: Asye,  # noqa: ANN001
) -> None:
    """The line manager may see the review (200) but not sign it: 403, nothing logged."""
    nqsw = _signed_in(app, org.practitioner)
    assert _post(nqsw, asye.milestones["3m"], "submit", summary="Three months").status_code == 302
    manager = _signed_in(app, org.line_manager)
    for word in ("sign-off", "return", "countersign", "reopen"):
        response = manager.post(
            f"/programmes/milestones/{asye.milestones['3m']}/{word}",
            data={"csrf_token": _token(manager, asye.milestones["3m"])},
        )
        assert response.status_code == 403, word
    with app.app_context():
        assert _log(asye.milestones["3m"]) == [MilestoneAction.SUBMIT]


def test_someone_with_no_part_in_the_enrolment_gets_404(app, org, asye: Asye) -> None:  # noqa: ANN001
    # The system admin plays no part in this programme.
    stranger = _signed_in(app, org.system_admin)
    milestone_id = asye.milestones["3m"]
    assert stranger.get(f"/programmes/milestones/{milestone_id}").status_code == 404
    token = page(stranger.get("/")).soup.select_one("input[name=csrf_token]")["value"]
    response = stranger.post(
        f"/programmes/milestones/{milestone_id}/submit", data={"csrf_token": token}
    )
    assert response.status_code == 404
    assert stranger.get("/programmes/milestones/99999").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(app, asye: Asye) -> None:
    response = app.test_client().get(f"/programmes/milestones/{asye.milestones['3m']}")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_a_second_tab_signing_off_after_the_first_is_told_who_and_when(
    app,
    org,
    asye: Asye,  # noqa: ANN001
) -> None:
    nqsw = _signed_in(app, org.practitioner)
    assert _post(nqsw, asye.milestones["3m"], "submit", summary="Three months").status_code == 302
    first = _signed_in(app, org.other_practitioner)
    second = _signed_in(app, org.other_practitioner)
    path = f"/programmes/milestones/{asye.milestones['3m']}"
    opened = page(second.get(path)).soup.select_one('form[action$="/sign-off"]')
    data = {i["name"]: i.get("value", "") for i in opened.find_all("input") if i.get("name")}
    assert _post(first, asye.milestones["3m"], "sign-off", short_reason="Booked").status_code == 302

    response = second.post(
        f"{path}/sign-off", data={**data, "sign-off-short_reason": "From the second tab"}
    )
    assert response.status_code == 200
    shown = page(response)
    assert shown.error_summary() == {
        "#main-content": f"Already signed off by Quinn Abara at {WHEN}"
    }
    assert _step_words(response) == [], "nothing more to sign on the page as it stands"
    with app.app_context():
        assert _log(asye.milestones["3m"]) == [MilestoneAction.SUBMIT, MilestoneAction.SIGN_OFF]


def test_countersigning_and_reopening_the_final_review_on_the_page(app, org, asye: Asye) -> None:  # noqa: ANN001
    final = asye.milestones["final"]
    path = f"/programmes/milestones/{final}"
    nqsw = _signed_in(app, org.practitioner)
    assessor = _signed_in(app, org.other_practitioner)
    manager = _signed_in(app, org.line_manager)
    wfld = _signed_in(app, org.wfld_admin)
    assert _post(nqsw, final, "submit", summary="My year").status_code == 302
    assert _post(assessor, final, "sign-off", short_reason="Test year").status_code == 302

    shown = page(assessor.get(path))
    assert _step_words(assessor.get(path)) == []
    links = [a.get_text() for a in shown.soup.select("main a.govuk-link")]
    assert "Record your recommendation (pass or fail)" in links
    assert _step_words(manager.get(path)) == ["countersign"]
    assert _step_words(wfld.get(path)) == ["reopen"]
    assert _post(manager, final, "countersign", comment="Agreed").status_code == 302
    assert _step_words(manager.get(path)) == []

    refused = page(_post(wfld, final, "reopen", reason=""))
    assert refused.error_summary() == {"#reopen-reason": "Enter a reason for reopening this review"}
    assert _post(wfld, final, "reopen", reason="Feedback filed under 9m").status_code == 302
    shown = page(wfld.get(path))
    what = [li.select_one("strong").get_text() for li in shown.soup.select("#milestone-log li")]
    assert what == ["Submitted", "Signed off", "Countersigned", "Reopened"]
    assert _step_words(nqsw.get(path)) == ["submit"], "open to the person again"
    with app.app_context():
        assert _milestone(asye, "final").state is MilestoneState.IN_PROGRESS


def test_the_panel_point_links_to_the_outcome_pages_and_offers_no_step(
    app,
    org,
    asye: Asye,  # noqa: ANN001
) -> None:
    path = f"/programmes/milestones/{asye.milestones['panel']}"
    wfld = _signed_in(app, org.wfld_admin)
    shown = page(wfld.get(path))
    assert _step_words(wfld.get(path)) == []
    assert [a.get_text() for a in shown.soup.select(".govuk-inset-text ~ ul a")] == [
        "Record the panel’s decision"
    ]
    assert _step_words(_signed_in(app, org.practitioner).get(path)) == []
