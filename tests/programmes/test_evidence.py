"""The portfolio's evidence: every kind through the services (review point, bad input, locked
review points, identifying feedback, a critical reflection into the CPD log) and the pages
(who may see, add, change and remove; the kind first; errors linked to their fields)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.factories import NOW, TODAY
from tests.frameworks.builders import flat_doc
from tests.helpers import QueryCounter, form_values, page, sign_in, sign_out, submit
from tests.programmes.builders import asye_document, make_cohort, make_enrolment
from wfld.accounts.models import AuditEvent, User
from wfld.core import clock
from wfld.core.errors_domain import RuleBroken, StaleRecord
from wfld.cpd.models import CpdEntry, EntryStatus
from wfld.extensions import db
from wfld.frameworks import services as framework_services
from wfld.programmes import portfolio, queries, services
from wfld.programmes.models import Evidence, SelfAssessmentScore, TemplateStatus
from wfld.programmes.portfolio import EvidenceText
from wfld.programmes.rules import EvidenceKind, MilestoneState, ProgrammeKind

START = dt.date(2026, 9, 1)


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def setting(app, org):  # noqa: ANN001, ANN201
    """The practitioner on an ASYE assessed against a three-item framework, assessed by the
    other practitioner; the ids of the enrolment and the items (and of an item of a framework
    the template does not use)."""
    with app.app_context():
        version = framework_services.import_document(
            flat_doc("TEST-KSS", ["Relationships", "Communication", "Child development"]),
            actor=None,
            now=NOW,
        ).version
        other = framework_services.import_document(
            flat_doc("OTHER-FW", ["Not on this programme"]), actor=None, now=NOW
        ).version
        template = services.add_template_version(
            code="asye-test",
            name="ASYE child and family",
            kind=ProgrammeKind.ASYE,
            document=asye_document(),
            status=TemplateStatus.PUBLISHED,
            framework_versions=[version],
            actor=None,
            now=NOW,
        )
        enrolment = make_enrolment(
            org.practitioner.staff_id,
            assessor_id=org.other_practitioner.staff_id,
            cohort=make_cohort(template),
        )
        db.session.commit()
        return {
            "enrolment_id": enrolment.id,
            "items": [item.id for item in version.items],
            "foreign_item": other.items[0].id,
        }


def _enrolment(setting):  # noqa: ANN001, ANN202
    return queries.find_enrolment(setting["enrolment_id"])


def _user(person) -> User:  # noqa: ANN001
    return db.session.get(User, person.user_id)


OBSERVATION = EvidenceText(
    title="Home visit to review the plan",
    occurred_on=dt.date(2026, 10, 1),
    setting="A family home",
    observer="My ASYE assessor",
    assessment="Warm and clear with the family.",
    reflection="I will check understanding more often.",
    body="not an observation's field",
)


def _add(setting, org, kind=EvidenceKind.DIRECT_OBSERVATION, text=OBSERVATION, **kw):  # noqa: ANN001, ANN202
    return portfolio.add_evidence(
        enrolment=_enrolment(setting),
        kind=kind,
        text=text,
        actor=_user(org.practitioner),
        now=NOW,
        today=TODAY,
        **kw,
    )


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Evidence))


def _sign_off(setting, key: str) -> None:  # noqa: ANN001
    """The review point as the signing service leaves it (its state caches the log)."""
    milestone = queries.find_milestone_by_key(_enrolment(setting), key)
    milestone.state = MilestoneState.SIGNED_OFF
    db.session.commit()


# --- services --------------------------------------------------------------------------------


def test_an_observation_counts_towards_the_review_its_date_falls_in(app, org, setting) -> None:
    with app.app_context():
        piece = _add(setting, org, item_ids=set(setting["items"][:2]))
        db.session.commit()
        piece = portfolio.find_evidence(piece.id)
        # 1 October 2026 is after the agreement (29 September) and before the 3-month review.
        assert piece.review_key == "3m"
        assert piece.setting == "A family home"
        assert piece.body == ""  # not an observation's field: not kept
        assert sorted(i.id for i in piece.items) == setting["items"][:2]


def test_a_chosen_review_point_wins_and_the_panel_is_not_one(app, org, setting) -> None:
    with app.app_context():
        assert _add(setting, org, review_key="6m").review_key == "6m"
        with pytest.raises(RuleBroken) as refused:
            _add(setting, org, review_key="panel")
        assert refused.value.errors == {"review_key": "Select a review point from the list"}


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (
            dt.date(2026, 8, 31),
            "Date must be on or after the start of the programme, 1 September 2026",
        ),
        (TODAY + dt.timedelta(days=1), "Date must be today or in the past"),
        (None, "Enter the date"),
    ],
)
def test_dates_before_the_start_or_in_the_future_are_refused(app, org, setting, day, message):  # noqa: ANN001, ANN201
    with app.app_context():
        text = EvidenceText(**{**OBSERVATION.__dict__, "occurred_on": day})
        with pytest.raises(RuleBroken) as refused:
            _add(setting, org, text=text)
        assert refused.value.errors == {"occurred_on": message}
        assert _count() == 0


def test_each_kind_asks_for_its_own_fields(app, org, setting) -> None:
    with app.app_context():
        empty = EvidenceText(title="", occurred_on=dt.date(2026, 10, 1))
        with pytest.raises(RuleBroken) as refused:
            _add(setting, org, text=empty)
        assert refused.value.errors == {
            "title": "Enter what was observed",
            "setting": "Enter the setting, for example a home visit",
            "observer": "Enter who observed you, for example your assessor",
        }
        with pytest.raises(RuleBroken) as refused:
            _add(setting, org, kind=EvidenceKind.DEVELOPMENT_PLAN, text=empty)
        assert refused.value.errors == {
            "title": "Enter the period, for example months 3 to 6",
            "body": "Enter the plan",
        }
        with pytest.raises(RuleBroken) as refused:
            _add(setting, org, kind=EvidenceKind.CRITICAL_REFLECTION, text=empty)
        assert set(refused.value.errors) == {"title", "reflection"}
        work = EvidenceText(
            title="Child and family assessment",
            occurred_on=dt.date(2026, 11, 2),
            body="An assessment of a family's needs after a referral.",
        )
        piece = _add(setting, org, kind=EvidenceKind.WRITTEN_WORK, text=work)
        assert (piece.body, piece.assessment) == (work.body, "")


def test_framework_items_outside_the_template_are_refused(app, org, setting) -> None:
    with app.app_context():
        with pytest.raises(RuleBroken) as refused:
            _add(setting, org, item_ids={setting["items"][0], setting["foreign_item"]})
        assert refused.value.errors == {"items": "Select framework items from the list"}
        assert _count() == 0


FEEDBACK = EvidenceText(
    title="Feedback after a family meeting",
    occurred_on=dt.date(2026, 10, 20),
    observer="A parent",
    body="She listened to us and explained what would happen next.",
    reflection="Explaining next steps matters to families.",
)


def test_feedback_is_recorded_without_identifying_details(app, org, setting) -> None:
    with app.app_context():
        piece = _add(setting, org, kind=EvidenceKind.FEEDBACK_PERSON, text=FEEDBACK)
        assert piece.observer == "A parent"
        identifying = EvidenceText(
            **{**FEEDBACK.__dict__, "body": "Tom, aged 7, said she was kind. DOB 3 March 2019."}
        )
        with pytest.raises(RuleBroken) as refused:
            _add(setting, org, kind=EvidenceKind.FEEDBACK_PROFESSIONAL, text=identifying)
        message = refused.value.errors["body"]
        assert message.startswith("The feedback looks as if it identifies someone:")
        assert "“Tom, aged 7” looks like a person's name with their age" in message
        assert "“3 March 2019” looks like a date of birth" in message
        assert _count() == 1


def test_a_self_assessment_scores_every_item_from_1_to_4(app, org, setting) -> None:
    with app.app_context():
        first, second, third = setting["items"]
        text = EvidenceText(title="Initial self-assessment", occurred_on=dt.date(2026, 9, 10))
        with pytest.raises(RuleBroken) as refused:
            _add(
                setting,
                org,
                kind=EvidenceKind.SELF_ASSESSMENT,
                text=text,
                scores={first: 5, second: 2},
            )
        assert refused.value.errors == {
            f"score_{first}": "Score for 1 Relationships must be from 1 to 4",
            f"score_{third}": "Select a score for 3 Child development",
        }
        assert db.session.scalar(select(func.count()).select_from(SelfAssessmentScore)) == 0
        piece = _add(
            setting,
            org,
            kind=EvidenceKind.SELF_ASSESSMENT,
            text=text,
            scores={first: 1, second: 2, third: 4},
        )
        db.session.commit()
        assert piece.review_key == "agreement"
        assert {s.item_id: s.score for s in portfolio.find_evidence(piece.id).scores} == {
            first: 1,
            second: 2,
            third: 4,
        }


def test_a_signed_off_review_point_locks_its_evidence(app, org, setting) -> None:
    with app.app_context():
        piece_id = _add(setting, org).id
        db.session.commit()
        _sign_off(setting, "3m")
        locked = "The 3-month review is signed off: ask the WFLD team to reopen it"
        with pytest.raises(RuleBroken) as refused:
            _add(setting, org)
        assert refused.value.errors == {"review_key": locked}
        piece = portfolio.find_evidence(piece_id)
        with pytest.raises(RuleBroken) as refused:
            portfolio.update_evidence(
                piece=piece,
                text=OBSERVATION,
                expected_version=piece.version_id,
                actor=_user(org.practitioner),
                now=NOW,
                today=TODAY,
            )
        assert refused.value.errors == {"review_key": locked}
        with pytest.raises(RuleBroken):
            portfolio.remove_evidence(
                piece=piece, expected_version=None, actor=_user(org.practitioner), now=NOW
            )
        # Evidence for a review point still open is added as usual.
        later = EvidenceText(**{**OBSERVATION.__dict__, "occurred_on": dt.date(2026, 11, 20)})
        assert _add(setting, org, text=later, review_key="6m").review_key == "6m"


def test_a_piece_cannot_move_into_a_signed_off_review_point(app, org, setting) -> None:
    with app.app_context():
        piece = _add(setting, org, review_key="6m")
        db.session.commit()
        _sign_off(setting, "3m")
        piece = portfolio.find_evidence(piece.id)
        with pytest.raises(RuleBroken) as refused:
            portfolio.update_evidence(
                piece=piece,
                text=OBSERVATION,
                review_key="3m",
                expected_version=piece.version_id,
                actor=_user(org.practitioner),
                now=NOW,
                today=TODAY,
            )
        assert "signed off" in refused.value.errors["review_key"]


def test_a_stale_edit_is_refused_and_a_removal_is_audited(app, org, setting) -> None:
    with app.app_context():
        piece = _add(setting, org, item_ids={setting["items"][0]})
        db.session.commit()
        opened = piece.version_id
        portfolio.update_evidence(
            piece=piece,
            text=EvidenceText(**{**OBSERVATION.__dict__, "title": "Changed"}),
            expected_version=opened,
            actor=_user(org.practitioner),
            now=NOW,
            today=TODAY,
        )
        db.session.commit()
        with pytest.raises(StaleRecord):
            portfolio.update_evidence(
                piece=piece,
                text=OBSERVATION,
                expected_version=opened,
                actor=_user(org.practitioner),
                now=NOW,
                today=TODAY,
            )
        db.session.rollback()
        portfolio.remove_evidence(
            piece=piece,
            expected_version=piece.version_id,
            actor=_user(org.practitioner),
            now=NOW,
        )
        db.session.commit()
        assert _count() == 0
        assert db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.event == "programme_evidence_removed")
        )


REFLECTION = EvidenceText(
    title="Critical reflection at 6 months",
    occurred_on=dt.date(2026, 11, 10),
    reflection="I have learnt to hold uncertainty in assessments.",
)


def test_a_critical_reflection_becomes_a_draft_cpd_entry_once(app, org, setting) -> None:
    with app.app_context():
        piece = _add(
            setting,
            org,
            kind=EvidenceKind.CRITICAL_REFLECTION,
            text=REFLECTION,
            item_ids={setting["items"][1]},
        )
        db.session.commit()
        entry_id = portfolio.copy_to_cpd(
            piece=piece, actor=_user(org.practitioner), now=NOW, today=TODAY
        )
        db.session.commit()
        entry = db.session.get(CpdEntry, entry_id)
        assert entry.staff_id == org.practitioner.staff_id
        assert entry.status is EntryStatus.DRAFT
        assert entry.learning == REFLECTION.reflection
        assert [t.id for t in entry.tags] == [setting["items"][1]]
        assert portfolio.find_evidence(piece.id).cpd_entry_id == entry_id
        with pytest.raises(RuleBroken) as refused:
            portfolio.copy_to_cpd(piece=piece, actor=_user(org.practitioner), now=NOW, today=TODAY)
        assert refused.value.errors == {"cpd": "This reflection is already in your CPD log"}
        observation = _add(setting, org)
        with pytest.raises(RuleBroken):
            portfolio.copy_to_cpd(
                piece=observation, actor=_user(org.practitioner), now=NOW, today=TODAY
            )


# --- pages ---------------------------------------------------------------------------------


def _evidence_path(setting) -> str:  # noqa: ANN001
    return f"/programmes/enrolments/{setting['enrolment_id']}/evidence"


def test_the_person_adds_an_observation_kind_first(client, app, org, setting) -> None:
    sign_in(client, org.practitioner.email)
    new = _evidence_path(setting) + "/new"
    chooser = page(client.get(new))
    assert chooser.h1 == "What kind of evidence are you adding?"
    assert len(chooser.soup.select("input[name=kind]")) == len(EvidenceKind)
    nothing = page(submit(client, new, {}))
    assert nothing.error_summary() == {"#kind": "Select the kind of evidence"}
    chosen = submit(client, new, {"kind": "direct_observation"})
    assert chosen.status_code == 302
    assert chosen.headers["Location"].endswith("/evidence/new?kind=direct_observation")
    form_path = new + "?kind=direct_observation"
    response = submit(
        client,
        form_path,
        {
            "title": "Home visit",
            "occurred_on": ["1", "10", "2026"],
            "setting": "A family home",
            "observer": "My assessor",
            "items": [str(setting["items"][2])],
            "review_key": "",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        piece = db.session.scalars(select(Evidence)).one()
        assert (piece.kind, piece.review_key) == (EvidenceKind.DIRECT_OBSERVATION, "3m")
        assert [i.id for i in piece.items] == [setting["items"][2]]
        assert response.headers["Location"].endswith(f"/programmes/evidence/{piece.id}")
    shown = page(client.get(response.headers["Location"]))
    assert shown.h1 == "Home visit"
    assert "3-month review" in shown.text()
    listed = page(client.get(_evidence_path(setting)))
    counts = listed.soup.select_one("#evidence-counts")
    row = [r for r in counts.select("tbody tr") if "Direct observation" in r.get_text()][0]
    assert [c.get_text(strip=True) for c in row.select("td")][:2] == ["1", "3"]


def test_bad_input_is_shown_on_its_fields(client, app, org, setting) -> None:
    sign_in(client, org.practitioner.email)
    path = _evidence_path(setting) + "/new?kind=feedback_person"
    response = page(
        submit(
            client,
            path,
            {
                "title": "Feedback",
                "occurred_on": ["31", "8", "2026"],
                "observer": "A parent",
                "body": "Her brother Jack said the visit helped.",
            },
        )
    )
    assert response.title.startswith("Error: ")
    errors = response.error_summary()
    assert errors["#occurred_on-day"] == (
        "Date must be on or after the start of the programme, 1 September 2026"
    )
    assert errors["#body"].startswith("The feedback looks as if it identifies someone")
    assert "“Jack” looks like a person's name" in errors["#body"]
    with app.app_context():
        assert _count() == 0


def test_the_assessor_adds_observations_only(client, org, setting) -> None:
    sign_in(client, org.other_practitioner.email)
    new = _evidence_path(setting) + "/new"
    nothing_to_choose = client.get(new)  # one kind: straight to its form
    assert nothing_to_choose.headers["Location"].endswith("/new?kind=direct_observation")
    assert page(client.get(new + "?kind=direct_observation")).h1 == "Add direct observation"
    assert client.get(new + "?kind=critical_reflection").status_code == 404


def test_who_may_see_and_change_a_piece(client, app, org, setting) -> None:
    with app.app_context():
        piece_id = _add(setting, org, kind=EvidenceKind.CRITICAL_REFLECTION, text=REFLECTION).id
        db.session.commit()
    view, edit = f"/programmes/evidence/{piece_id}", f"/programmes/evidence/{piece_id}/edit"
    assert client.get(view).status_code == 302  # anonymous: to sign in
    sign_in(client, org.line_manager.email)
    assert client.get(view).status_code == 200
    assert client.get(edit).status_code == 404
    assert client.get(_evidence_path(setting) + "/new").status_code == 404
    sign_out(client)
    sign_in(client, org.other_practitioner.email)  # the assessor: not a reflection
    assert client.get(view).status_code == 200
    assert client.get(edit).status_code == 404
    sign_out(client)
    sign_in(client, org.system_admin.email)
    for path in (view, edit, _evidence_path(setting), _evidence_path(setting) + "/coverage"):
        assert client.get(path).status_code == 404, path
    sign_out(client)
    sign_in(client, org.wfld_admin.email)
    assert client.get(view).status_code == 200


def test_the_person_edits_copies_to_cpd_and_removes(client, app, org, setting) -> None:
    with app.app_context():
        piece_id = _add(setting, org, kind=EvidenceKind.CRITICAL_REFLECTION, text=REFLECTION).id
        db.session.commit()
    sign_in(client, org.practitioner.email)
    view, edit = f"/programmes/evidence/{piece_id}", f"/programmes/evidence/{piece_id}/edit"
    opened = page(client.get(edit))
    assert opened.soup.select_one("input[name=title]")["value"] == REFLECTION.title
    assert opened.soup.select_one("input[name=setting]") is None  # not a reflection's field
    version = opened.soup.select_one("input[name=version]")["value"]
    changed = submit(
        client,
        edit,
        {
            "title": "Reflection at 6 months",
            "occurred_on": ["10", "11", "2026"],
            "reflection": "Holding uncertainty.",
            "review_key": "6m",
            "version": version,
        },
    )
    assert changed.status_code == 302
    copied = submit(client, view + "/cpd", {}, form_path=view)
    assert copied.status_code == 302
    with app.app_context():
        piece = portfolio.find_evidence(piece_id)
        assert (piece.title, piece.review_key) == ("Reflection at 6 months", "6m")
        assert piece.cpd_entry_id is not None
        assert copied.headers["Location"].endswith(f"/cpd/entries/{piece.cpd_entry_id}/edit")
    again = submit(client, view + "/cpd", {}, form_path=view)
    assert again.status_code == 302
    assert "already in your CPD log" in page(client.get(view)).text()
    version = page(client.get(view)).soup.select_one("input[name=version]")["value"]
    removed = submit(client, view + "/remove", {"version": version}, form_path=view)
    assert removed.headers["Location"].endswith(_evidence_path(setting))
    with app.app_context():
        assert _count() == 0


def test_a_signed_off_piece_offers_no_change(client, app, org, setting) -> None:
    with app.app_context():
        piece_id = _add(setting, org).id
        db.session.commit()
        _sign_off(setting, "3m")
    sign_in(client, org.practitioner.email)
    shown = page(client.get(f"/programmes/evidence/{piece_id}"))
    assert "The 3-month review is signed off: ask the WFLD team to reopen it" in shown.text()
    assert shown.soup.select_one("input[name=version]") is None  # no remove form
    assert shown.soup.find("a", string="Change this evidence") is None


def test_a_self_assessment_page_scores_each_item(client, app, org, setting) -> None:
    sign_in(client, org.practitioner.email)
    path = _evidence_path(setting) + "/new?kind=self_assessment"
    first, second, third = setting["items"]
    blank = page(
        submit(
            client,
            path,
            {
                "title": "Initial",
                "occurred_on": ["10", "9", "2026"],
                f"score_{first}": "3",
                f"score_{second}": "9",
            },
        )
    )
    assert set(blank.inline_errors()) == {
        "Score for 2 Communication must be from 1 to 4",
        "Select a score for 3 Child development",
    }
    done = submit(
        client,
        path,
        {
            "title": "Initial",
            "occurred_on": ["10", "9", "2026"],
            f"score_{first}": "3",
            f"score_{second}": "2",
            f"score_{third}": "1",
        },
    )
    assert done.status_code == 302
    with app.app_context():
        scores = db.session.scalars(select(SelfAssessmentScore)).all()
        assert {s.item_id: s.score for s in scores} == {first: 3, second: 2, third: 1}


def test_deleting_the_draft_cpd_entry_keeps_the_reflection(app, org, setting) -> None:
    from wfld.cpd import services as cpd_services

    with app.app_context():
        piece = _add(setting, org, kind=EvidenceKind.CRITICAL_REFLECTION, text=REFLECTION)
        db.session.commit()
        entry_id = portfolio.copy_to_cpd(
            piece=piece, actor=_user(org.practitioner), now=NOW, today=TODAY
        )
        db.session.commit()
        cpd_services.delete_draft(
            entry=db.session.get(CpdEntry, entry_id), actor=_user(org.practitioner), now=NOW
        )
        db.session.commit()
        db.session.expire_all()
        assert portfolio.find_evidence(piece.id).cpd_entry_id is None


def test_the_portfolio_list_reads_a_constant_number_of_statements(client, app, org, setting):  # noqa: ANN001, ANN201
    sign_in(client, org.practitioner.email)
    path = _evidence_path(setting)

    def statements() -> int:
        with QueryCounter(app) as counter:
            assert client.get(path).status_code == 200
        return counter.count

    with app.app_context():
        _add(setting, org, item_ids={setting["items"][0]})
        db.session.commit()
    one = statements()
    with app.app_context():
        for kind, text in [
            (EvidenceKind.FEEDBACK_PERSON, FEEDBACK),
            (EvidenceKind.CRITICAL_REFLECTION, REFLECTION),
            (EvidenceKind.DIRECT_OBSERVATION, OBSERVATION),
        ]:
            _add(setting, org, kind=kind, text=text, item_ids={setting["items"][1]})
        db.session.commit()
    assert statements() == one


def test_text_with_markup_is_shown_as_text(client, app, org, setting) -> None:
    script = "<script>alert(1)</script>"
    with app.app_context():
        text = EvidenceText(**{**OBSERVATION.__dict__, "title": script, "reflection": script})
        piece_id = _add(setting, org, text=text).id
        db.session.commit()
    sign_in(client, org.practitioner.email)
    for path in (f"/programmes/evidence/{piece_id}", _evidence_path(setting)):
        response = client.get(path)
        assert script.encode() not in response.data, path
        assert script in page(response).text(), path  # page() also finds no script element


def test_a_self_assessment_opens_for_a_change_with_its_scores(client, app, org, setting) -> None:
    first, second, third = setting["items"]
    with app.app_context():
        piece_id = _add(
            setting,
            org,
            kind=EvidenceKind.SELF_ASSESSMENT,
            text=EvidenceText(title="Midway", occurred_on=dt.date(2026, 11, 1)),
            scores={first: 1, second: 4, third: 2},
        ).id
        db.session.commit()
    sign_in(client, org.practitioner.email)
    opened = page(client.get(f"/programmes/evidence/{piece_id}/edit"))
    checked = {
        radio["name"]: radio["value"] for radio in opened.soup.select("input[type=radio][checked]")
    }
    assert checked == {f"score_{first}": "1", f"score_{second}": "4", f"score_{third}": "2"}
    assert opened.soup.select_one("select[name=review_key] option[selected]")["value"] == ""


def test_every_problem_shows_on_the_first_submission(client, app, org, setting) -> None:
    sign_in(client, org.practitioner.email)
    path = _evidence_path(setting) + "/new?kind=direct_observation"
    response = page(submit(client, path, {"title": "", "occurred_on": ["31", "2", "2027"]}))
    assert response.error_summary() == {
        "#title": "Enter what was observed",
        "#occurred_on-day": "Date must be a real date",
        "#setting": "Enter the setting, for example a home visit",
        "#observer": "Enter who observed you, for example your assessor",
    }


def test_losing_an_edit_race_keeps_what_was_typed(client, app, org, setting) -> None:
    with app.app_context():
        piece_id = _add(setting, org).id
        db.session.commit()
    sign_in(client, org.practitioner.email)
    edit = f"/programmes/evidence/{piece_id}/edit"
    first = form_values(client.get(edit))
    second = form_values(client.get(edit))
    assert submit(client, edit, {**first, "title": "First save"}).status_code == 302
    lost = page(submit(client, edit, {**second, "title": "Second save"}))
    assert (
        "Priya Sandhu changed this record at 9am on 23 November 2026. Your changes are below "
        "and have not been saved: check them and save again"
    ) in lost.text()
    assert lost.soup.select_one("input[name=title]")["value"] == "Second save"
    version = lost.soup.select_one("input[name=version]")["value"]
    saved = submit(client, edit, {**second, "title": "Second save", "version": version})
    assert saved.status_code == 302
    with app.app_context():
        assert portfolio.find_evidence(piece_id).title == "Second save"
