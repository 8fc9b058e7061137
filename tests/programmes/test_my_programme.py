"""My programme, one enrolment's overview and To sign off: what each shows (the timeline and
its status tags, next actions, evidence still needed, supervision gaps) and who may see it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from tests.factories import NOW, make_staff
from tests.helpers import page, sign_in, sign_out
from tests.programmes.builders import make_cohort, make_enrolment
from tests.programmes.progress_builders import add_pieces, add_sessions, step
from wfld.core import clock
from wfld.extensions import db
from wfld.organisation.models import JobRole, Team
from wfld.programmes import progress
from wfld.programmes.models import Enrolment
from wfld.programmes.rules import EnrolmentStatus, EvidenceKind, MilestoneAction

# Today is 23 November 2026. Both started on 1 September 2026: the agreement was due on
# 29 September, the 3-month review is due on 1 December 2026.
START = dt.date(2026, 9, 1)


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@dataclass(frozen=True)
class Setting:
    priya: int  # the practitioner's enrolment: agreement signed off, at risk
    nina: int  # someone else's, assessed by the senior manager: agreement overdue
    nina_staff: int


@pytest.fixture
def setting(app, org) -> Setting:  # noqa: ANN001
    """Priya (the practitioner) is assessed by Quinn (the other practitioner): her agreement
    is signed off; for the 3-month review she has 1 of 2 development plans and no direct
    observation; she missed supervision in weeks 3 and 6. Nina, in the other team, is
    assessed by the senior manager and has done nothing yet."""
    with app.app_context():
        cohort = make_cohort()
        mine = make_enrolment(
            org.practitioner.staff_id, assessor_id=org.other_practitioner.staff_id, cohort=cohort
        )
        nina = make_staff(
            "Nina",
            "Obi",
            team=db.session.get(Team, org.team_b),
            role=db.session.get(JobRole, org.role_social_worker),
        )
        theirs = make_enrolment(nina.id, assessor_id=org.senior_manager.staff_id, cohort=cohort)
        add_pieces(mine, EvidenceKind.DEVELOPMENT_PLAN, 1, on=dt.date(2026, 9, 10))
        add_pieces(mine, EvidenceKind.SELF_ASSESSMENT, 1, on=dt.date(2026, 9, 10))
        step(
            mine,
            "agreement",
            MilestoneAction.SUBMIT,
            by=org.practitioner.staff_id,
            at=dt.datetime(2026, 9, 20, 9, tzinfo=dt.UTC),
        )
        step(
            mine,
            "agreement",
            MilestoneAction.SIGN_OFF,
            by=org.other_practitioner.staff_id,
            at=dt.datetime(2026, 9, 25, 9, tzinfo=dt.UTC),
        )
        weeks = [1, 2, 4, 5, 7, 9]  # weekly to week 6, then fortnightly: weeks 3 and 6 missed
        add_sessions(
            org.practitioner.staff_id,
            org.line_manager.staff_id,
            [START + dt.timedelta(weeks=w - 1, days=1) for w in weeks],
        )
        db.session.commit()
        return Setting(mine.id, theirs.id, nina.id)


def _get(client, path: str):  # noqa: ANN001, ANN202
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return page(response)


def test_my_programme_shows_the_timeline_next_actions_evidence_and_supervision(
    client, org, setting
):
    sign_in(client, org.practitioner.email)
    shown = _get(client, "/programmes/me")
    assert shown.h1 == "My programme"
    soup = shown.soup
    agreement = soup.select_one("#point-agreement")
    assert [t.get_text(strip=True) for t in agreement.select(".govuk-tag")] == ["Signed off"]
    assert "govuk-tag--green" in agreement.select_one(".govuk-tag")["class"]
    assert "Signed off by Quinn Abara, 25 September 2026" in agreement.get_text(" ", strip=True)
    three = soup.select_one("#point-3m")
    assert "1 December 2026" in three.get_text()
    assert [t.get_text(strip=True) for t in three.select(".govuk-tag")] == ["Not started"]
    assert "(optional)" in soup.select_one("#point-9m").get_text()

    actions = [li.get_text(strip=True) for li in soup.select("ul[aria-labelledby=next-actions] li")]
    assert actions == [
        "Submit your 3-month review by 1 December 2026",
        "Add 1 more development plan",
        "Add 1 more direct observation",
        "Talk to your supervisor: 2 supervisions missed in weeks 3–6",
    ]
    assert [li.get_text(strip=True) for li in soup.select("#needed-next li")] == [
        "1 of 2 development plans",
        "0 of 1 direct observations",
    ]
    final = [li.get_text(strip=True) for li in soup.select("#needed-final li")]
    assert "0 of 3 direct observations" in final
    assert "1 of 3 self-assessments" in final
    assert "6 supervisions recorded since the start; the last on 28 October 2026" in (
        soup.select_one("#supervision-summary").get_text(" ", strip=True)
    )
    assert [li.get_text(strip=True) for li in soup.select("#supervision-gaps li")] == [
        "2 supervisions missed in weeks 3–6"
    ]
    progress_cell = soup.select_one("#enrolment-progress")
    assert progress_cell.select_one(".govuk-tag").get_text(strip=True) == "At risk"
    assert "Evidence short: 1 of 2 development plans, 0 of 1 direct observations" in (
        progress_cell.get_text()
    )
    assert soup.select_one("#assessor").get_text(strip=True) == "Quinn Abara"
    hrefs = {a["href"] for a in soup.select("main a")}
    assert f"/programmes/enrolments/{setting.priya}/evidence" in hrefs
    assert f"/programmes/enrolments/{setting.priya}/coverage" in hrefs
    assert not any(h.endswith("/manage") for h in hrefs), "only the WFLD team manages"
    assert soup.select_one(f"form[action='/programmes/enrolments/{setting.priya}/record.pdf']")
    assert soup.select_one("#agreement-needed") is None
    assert soup.select_one("#supervision-log")["href"] == "/supervision/me"


def test_an_overdue_review_point_is_red_and_says_so(client, org, setting):
    sign_in(client, org.wfld_admin.email)
    shown = _get(client, f"/programmes/enrolments/{setting.nina}")
    assert shown.h1 == "Nina Obi"
    tags = shown.soup.select("#point-agreement .govuk-tag")
    assert [t.get_text(strip=True) for t in tags] == ["Not started", "Overdue"]
    assert "govuk-tag--red" in tags[1]["class"]
    assert shown.soup.select_one("#point-3m .govuk-tag--red") is None
    assert shown.soup.select_one("#enrolment-progress .govuk-tag").get_text(strip=True) == (
        "Overdue"
    )
    actions = [
        li.get_text(strip=True) for li in shown.soup.select("ul[aria-labelledby=next-actions] li")
    ]
    assert actions[0] == "Nina to submit the support and assessment agreement by 29 September 2026"
    assert shown.soup.select_one(f"a[href='/programmes/enrolments/{setting.nina}/manage']")
    assert shown.soup.select_one("#supervision-log")["href"] == (
        f"/supervision/staff/{setting.nina_staff}"
    )


def test_an_assessor_who_is_not_the_manager_is_not_sent_to_the_supervision_log(
    client, org, setting
):
    sign_in(client, org.other_practitioner.email)
    shown = _get(client, f"/programmes/enrolments/{setting.priya}")
    assert shown.soup.select_one("#supervision-log") is None
    assert shown.soup.select_one("#supervision-summary") is not None


def test_a_new_agreement_is_asked_for_when_the_assessor_changed(app, client, org, setting):
    with app.app_context():
        db.session.get(Enrolment, setting.priya).agreement_needed = True
        db.session.commit()
    sign_in(client, org.practitioner.email)
    banner = _get(client, "/programmes/me").soup.select_one("#agreement-needed")
    assert "you and your new assessor need a new support and assessment agreement" in (
        banner.get_text()
    )


def test_someone_on_no_programme_is_told_who_to_ask(client, org, setting):
    sign_in(client, org.other_practitioner.email)
    shown = _get(client, "/programmes/me")
    assert shown.h1 == "You are not on a programme"
    assert "contact your workforce learning and development team" in shown.text()


def test_my_programme_shows_the_open_enrolment_before_a_newer_finished_one(
    app, client, org, setting
):
    with app.app_context():
        later = make_enrolment(
            org.practitioner.staff_id,
            assessor_id=org.other_practitioner.staff_id,
            cohort=make_cohort(intake="Step Up January 2027"),
            start=dt.date(2027, 1, 4),
        )
        later.status = EnrolmentStatus.WITHDRAWN
        db.session.commit()
        later_id = later.id
    sign_in(client, org.practitioner.email)
    shown = _get(client, "/programmes/me")
    assert shown.soup.select_one("#point-agreement .govuk-tag").get_text(strip=True) == "Signed off"
    assert shown.soup.select_one(f"a[href='/programmes/enrolments/{later_id}']")


def test_current_enrolment_prefers_an_open_one(app, org, setting):
    with app.app_context():
        newest_first = [db.session.get(Enrolment, i) for i in (setting.nina, setting.priya)]
        newest_first[0].status = EnrolmentStatus.COMPLETED
        assert progress.current_enrolment(newest_first).id == setting.priya
        newest_first[1].status = EnrolmentStatus.WITHDRAWN
        assert progress.current_enrolment(newest_first).id == setting.nina
        assert progress.current_enrolment([]) is None


@pytest.mark.parametrize(
    ("persona", "whose", "status"),
    [
        ("practitioner", "priya", 200),  # their own
        ("practitioner", "nina", 404),  # someone else's
        ("other_practitioner", "priya", 200),  # the assessor of Priya
        ("other_practitioner", "nina", 404),  # not assessing Nina
        ("line_manager", "priya", 200),  # Priya's line manager
        ("line_manager", "nina", 404),
        ("senior_manager", "nina", 200),  # Nina's assessor
        ("wfld_admin", "priya", 200),
        ("system_admin", "priya", 404),
    ],
)
def test_who_may_see_an_enrolment(client, org, setting, persona, whose, status):
    sign_in(client, getattr(org, persona).email)
    assert client.get(f"/programmes/enrolments/{getattr(setting, whose)}").status_code == status


def test_an_unknown_enrolment_is_not_found(client, org, setting):
    sign_in(client, org.wfld_admin.email)
    assert client.get("/programmes/enrolments/999999").status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client, setting):
    for path in (
        "/programmes/me",
        f"/programmes/enrolments/{setting.priya}",
        "/programmes/to-sign-off",
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert "/sign-in" in response.headers["Location"]


# To sign off ---------------------------------------------------------------------------------


def _submit_3m(app, org, setting, *, at: dt.datetime) -> None:  # noqa: ANN001
    with app.app_context():
        enrolment = db.session.get(Enrolment, setting.priya)
        step(enrolment, "3m", MilestoneAction.SUBMIT, by=org.practitioner.staff_id, at=at)
        db.session.commit()


def test_the_assessor_sees_a_submitted_review_on_the_home_page(app, client, org, setting):
    _submit_3m(app, org, setting, at=dt.datetime(2026, 11, 20, 15, tzinfo=dt.UTC))
    sign_in(client, org.practitioner.email)
    actions = _get(client, "/programmes/me").soup.select("ul[aria-labelledby=next-actions] li")
    assert actions[0].get_text(strip=True) == (
        "Your 3-month review is waiting for Quinn Abara to sign it off"
    )
    sign_out(client)
    sign_in(client, org.other_practitioner.email)
    home = _get(client, "/")
    rows = home.soup.select("#to-sign-off tbody tr")
    assert len(rows) == 1
    cells = [c.get_text(" ", strip=True) for c in rows[0].find_all(["th", "td"])]
    assert cells[0].startswith("Priya Sandhu")
    assert cells[1].startswith("3-month review")
    assert cells[2:] == ["Sign off or return", "20 November 2026", "3"]
    link = rows[0].select_one("a")["href"]
    assert link.startswith("/programmes/milestones/")
    listed = _get(client, "/programmes/to-sign-off")
    assert len(listed.soup.select("#to-sign-off tbody tr")) == 1


def test_nobody_sees_their_own_review_or_one_that_is_not_theirs_to_sign(app, client, org, setting):
    _submit_3m(app, org, setting, at=dt.datetime(2026, 11, 20, 15, tzinfo=dt.UTC))
    for persona in ("practitioner", "line_manager", "senior_manager"):
        sign_in(client, getattr(org, persona).email)
        assert _get(client, "/").soup.select_one("#to-sign-off") is None, persona
        assert (
            "Nothing is waiting for your signature"
            in _get(client, "/programmes/to-sign-off").text()
        )
        sign_out(client)


def test_the_line_manager_is_asked_to_countersign_the_final_review(app, client, org, setting):
    with app.app_context():
        enrolment = db.session.get(Enrolment, setting.priya)
        step(enrolment, "final", MilestoneAction.SUBMIT, by=org.practitioner.staff_id)
        step(
            enrolment,
            "final",
            MilestoneAction.SIGN_OFF,
            by=org.other_practitioner.staff_id,
            reason="Observations are booked for December",
        )
        db.session.commit()
    sign_in(client, org.line_manager.email)
    rows = _get(client, "/programmes/to-sign-off").soup.select("#to-sign-off tbody tr")
    assert [r.find_all("td")[1].get_text(strip=True) for r in rows] == ["Countersign"]
    sign_out(client)
    sign_in(client, org.other_practitioner.email)
    assert _get(client, "/programmes/to-sign-off").soup.select_one("#to-sign-off") is None


def test_the_panel_shows_the_recommendation_then_the_decision(app, client, org, setting):
    from tests.programmes.progress_builders import user_of
    from wfld.programmes.models import Outcome, PanelDecision, Recommendation

    with app.app_context():
        db.session.add(
            Outcome(
                enrolment_id=setting.priya,
                recommendation=Recommendation.PASS,
                recommended_on=dt.date(2026, 11, 20),
                recommended_by_id=user_of(org.other_practitioner.staff_id).id,
                updated_at=NOW,
            )
        )
        db.session.commit()
    sign_in(client, org.practitioner.email)
    tag = _get(client, "/programmes/me").soup.select_one("#point-panel .govuk-tag")
    assert tag.get_text(strip=True) == "Pass recommended"
    assert "govuk-tag--blue" in tag["class"]
    with app.app_context():
        outcome = db.session.get(Outcome, setting.priya)
        outcome.decision = PanelDecision.CONFIRM
        outcome.panel_on = dt.date(2026, 11, 22)
        db.session.commit()
    tag = _get(client, "/programmes/me").soup.select_one("#point-panel .govuk-tag")
    assert tag.get_text(strip=True) == "Confirmed"
    assert "govuk-tag--green" in tag["class"]
