"""Programme template pages for the WFLD team: the list, one version in words, changing it
(a draft in place, a published version as the next version, which never touches the version
an enrolment is on), publishing and retiring, optimistic locking, GOV.UK errors on their
fields, the audit trail, and 403/404 for everyone else."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.helpers import QueryCounter, form_values, page, sign_in, submit
from tests.programmes.builders import asye_document, make_cohort, make_enrolment, make_template
from wfld.accounts.models import AuditEvent
from wfld.core import clock
from wfld.core.errors_domain import RuleBroken
from wfld.extensions import db
from wfld.programmes import services
from wfld.programmes.models import Enrolment, ProgrammeTemplate, TemplateStatus
from wfld.programmes.rules import EvidenceKind, ProgrammeKind

NOW = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _published(app) -> int:  # noqa: ANN001
    with app.app_context():
        template = make_template()
        db.session.commit()
        return template.id


def _draft(app) -> int:  # noqa: ANN001
    with app.app_context():
        template = services.add_template_version(
            code="ecdp",
            name="Early Career Development Programme (draft)",
            kind=ProgrammeKind.ECDP,
            document=asye_document() | {"length_months": 24},
            status=TemplateStatus.DRAFT,
            framework_versions=[],
            actor=None,
            now=NOW,
        )
        db.session.commit()
        return template.id


def _edit_values(client, template_id: int, **changes) -> dict:  # noqa: ANN001
    """The edit form as the page fills it in, with ``changes`` typed over it."""
    values = form_values(client.get(f"/programmes/templates/{template_id}/edit"), with_csrf=True)
    values.update({name: [value] for name, value in changes.items()})
    return values


def _audit(app, event: str) -> int:  # noqa: ANN001
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.event == event)
        )


# Who may reach the pages --------------------------------------------------------------------
def test_anonymous_people_are_sent_to_sign_in(app, client, org):
    template_id = _published(app)
    for url in ("/programmes/templates", f"/programmes/templates/{template_id}"):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.location


def test_only_the_wfld_team_reaches_templates_others_get_403_on_the_list_404_on_a_version(
    app, client, org
):
    template_id = _published(app)
    for person in (org.practitioner, org.line_manager, org.senior_manager):
        client = app.test_client()
        sign_in(client, person.email)
        assert client.get("/programmes/templates").status_code == 403
        assert client.get(f"/programmes/templates/{template_id}").status_code == 404
        assert client.get(f"/programmes/templates/{template_id}/edit").status_code == 404
        response = submit(
            client,
            f"/programmes/templates/{template_id}/retire",
            {"version": "1"},
            form_path="/",
        )
        assert response.status_code == 404
    with app.app_context():
        assert db.session.get(ProgrammeTemplate, template_id).status is TemplateStatus.PUBLISHED
    client = app.test_client()
    sign_in(client, org.wfld_admin.email)
    assert client.get("/programmes/templates/999999").status_code == 404


# Reading ------------------------------------------------------------------------------------
def test_the_list_shows_each_codes_latest_version_with_its_status(app, client, org):
    _published(app)
    draft_id = _draft(app)
    sign_in(client, org.wfld_admin.email)
    listing = page(client.get("/programmes/templates"))
    rows = [
        [" ".join(td.get_text(" ").split()) for td in tr.select("td")]
        for tr in listing.soup.select("tbody tr")
    ]
    assert rows == [
        ["ASYE child and family", "ASYE", "12 months", "1", "Published"],
        [
            "Early Career Development Programme (draft)",
            "Early Career Development Programme",
            "24 months",
            "1",
            "Draft",
        ],
    ]
    link = listing.soup.find("a", string="Early Career Development Programme (draft)")
    assert link["href"] == f"/programmes/templates/{draft_id}"


def test_a_version_reads_in_words(app, client, org):
    template_id = _published(app)
    with app.app_context():
        make_enrolment(
            org.practitioner.staff_id,
            assessor_id=org.line_manager.staff_id,
            cohort=make_cohort(db.session.get(ProgrammeTemplate, template_id)),
        )
        db.session.commit()
    sign_in(client, org.wfld_admin.email)
    view = page(client.get(f"/programmes/templates/{template_id}"))
    assert view.h1 == "ASYE child and family (version 1)"
    text = view.text()
    for words in (
        "Support and assessment agreement 4 weeks after the start Signed off by the assessor",
        "Final review 12 months after the start Signed off by the assessor, then countersigned "
        "by the line manager",
        "9-month review Optional",
        "By the 3-month review 2 development plans 1 direct observation",
        "3 pieces of feedback from other professionals",
        "Every week in weeks 1 to 6",
        "Every 4 weeks in weeks 27 to 52",
        "at least 1 hour 30 minutes",
        "10% of working time, pro rata",
    ):
        assert words in text, words
    cohorts = [" ".join(li.get_text().split()) for li in view.soup.select("main li")]
    assert "ASYE September 2026: starts 1 September 2026, 1 member" in cohorts


# Changing ---------------------------------------------------------------------------------
def test_changing_a_published_version_saves_a_new_draft_and_leaves_enrolments_on_theirs(
    app, client, org
):
    template_id = _published(app)
    with app.app_context():
        template = db.session.get(ProgrammeTemplate, template_id)
        before = dict(template.document)
        enrolment_id = make_enrolment(
            org.practitioner.staff_id, assessor_id=None, cohort=make_cohort(template)
        ).id
        db.session.commit()
    sign_in(client, org.wfld_admin.email)
    edit = page(client.get(f"/programmes/templates/{template_id}/edit"))
    assert "saving makes version 2, a draft" in edit.text()
    values = _edit_values(
        client,
        template_id,
        session_minutes="60",
        external_moderation="yes",
        **{"points-3-label": "", "points-3-months": "", "points-3-weeks": ""},
    )
    response = client.post(f"/programmes/templates/{template_id}/edit", data=values)
    assert response.status_code == 302, page(response).error_summary()
    with app.app_context():
        new = db.session.scalars(
            select(ProgrammeTemplate).where(ProgrammeTemplate.version == 2)
        ).one()
        assert response.location == f"/programmes/templates/{new.id}"
        assert new.status is TemplateStatus.DRAFT
        assert new.spec.session_minutes == 60
        assert new.spec.external_moderation is True
        assert "9m" not in [p.key for p in new.spec.review_points]
        assert new.document["frameworks"] == before["frameworks"]
        old = db.session.get(ProgrammeTemplate, template_id)
        assert old.document == before
        assert old.status is TemplateStatus.PUBLISHED
        assert db.session.get(Enrolment, enrolment_id).template_id == template_id
    assert _audit(app, "programme_template_added") == 2


def test_a_draft_is_changed_in_place_and_a_blank_row_adds_a_review_point_in_date_order(
    app, client, org
):
    draft_id = _draft(app)
    sign_in(client, org.wfld_admin.email)
    values = _edit_values(
        client,
        draft_id,
        name="Early Career Development Programme",
        length_months="24",
        **{
            "points-6-label": "18-month review",
            "points-6-months": "18",
            "points-6-signer": "assessor",
            "points-6-countersign": "line_manager",
            "minimums-14-kind": "critical_reflection",
            "minimums-14-count": "3",
            "minimums-14-by": "final",
        },
    )
    values["points-4-months"] = ["24"]  # the final review, at the end of 2 years
    values["points-5-months"] = ["25"]
    response = client.post(f"/programmes/templates/{draft_id}/edit", data=values)
    assert response.status_code == 302, page(response).error_summary()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProgrammeTemplate)) == 1
        draft = db.session.get(ProgrammeTemplate, draft_id)
        assert draft.name == "Early Career Development Programme"
        assert draft.version_id == 2
        points = draft.spec.review_points
        assert [p.label for p in points][-3:] == [
            "18-month review",
            "Final review",
            "Internal moderation panel",
        ]
        added = draft.spec.point("18-month-review")
        assert added.countersign is not None and added.countersign.value == "line_manager"
        assert draft.spec.minimums_by("final")[EvidenceKind.CRITICAL_REFLECTION] == 3
    assert _audit(app, "programme_template_changed") == 1


def test_saving_without_changes_makes_no_version(app, client, org):
    template_id = _published(app)
    sign_in(client, org.wfld_admin.email)
    response = client.post(
        f"/programmes/templates/{template_id}/edit", data=_edit_values(client, template_id)
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProgrammeTemplate)) == 1


@pytest.mark.parametrize(
    ("changes", "href", "message"),
    [
        ({"name": ""}, "#name", "Enter the programme's name"),
        ({"length_months": "0"}, "#length_months", "Length in months must be between 1 and 60"),
        (
            {"length_months": "a year"},
            "#length_months",
            "Enter the length as a whole number of months, like 12",
        ),
        (
            {"protected_time_percent": "120"},
            "#protected_time_percent",
            "Protected time must be from 0 to 100",
        ),
        ({"points-6-months": "4"}, "#points-6-label", "Enter the review point's name"),
        (
            {"points-1-signer": "nobody"},
            "#points-1-signer",
            "Select who signs this review point off",
        ),
        (
            {"points-1-countersign": "assessor"},
            "#points-1-countersign",
            "Choose someone other than the person who signs it off",
        ),
        (
            {"minimums-14-kind": "direct_observation"},
            "#minimums-14-count",
            "Enter how many are needed",
        ),
        (
            {"minimums-0-by": "nowhere"},
            "#minimums-0-by",
            "Select the review point they are needed by",
        ),
        (
            {"points-1-label": "", "points-1-months": "", "points-1-weeks": ""},
            "#minimums",
            "An evidence minimum is due by a review point that is no longer in the template: "
            "choose another review point for it, or remove it",
        ),
    ],
)
def test_bad_input_is_a_govuk_error_on_its_field_and_nothing_is_saved(
    app, client, org, changes, href, message
):
    template_id = _published(app)
    sign_in(client, org.wfld_admin.email)
    response = client.post(
        f"/programmes/templates/{template_id}/edit",
        data=_edit_values(client, template_id, **changes),
    )
    assert response.status_code == 200
    errors = page(response)
    assert errors.error_summary()[href] == message
    assert message in errors.inline_errors()
    assert errors.title.startswith("Error: ")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProgrammeTemplate)) == 1


def test_removing_every_review_point_is_refused_on_the_list(app, client, org):
    draft_id = _draft(app)
    sign_in(client, org.wfld_admin.email)
    values = _edit_values(client, draft_id)
    for name in list(values):
        if name.startswith(("points-", "minimums-")) and name.endswith(
            ("-label", "-months", "-weeks", "-kind", "-count")
        ):
            values[name] = [""]
    response = client.post(f"/programmes/templates/{draft_id}/edit", data=values)
    refused = page(response)
    assert refused.error_summary() == {"#points": "Add at least one review point"}
    assert refused.soup.find(id="points").name == "fieldset"
    assert refused.inline_errors() == ["Add at least one review point"]


def test_an_edit_opened_before_someone_elses_save_is_refused_and_keeps_what_was_typed(
    app, client, org
):
    draft_id = _draft(app)
    sign_in(client, org.wfld_admin.email)
    stale = _edit_values(client, draft_id, name="Mine")
    first = client.post(
        f"/programmes/templates/{draft_id}/edit",
        data=_edit_values(client, draft_id, name="Theirs"),
    )
    assert first.status_code == 302
    response = client.post(f"/programmes/templates/{draft_id}/edit", data=stale)
    refused = page(response)
    assert response.status_code == 200
    assert "Your changes are below and have not been saved" in " ".join(
        refused.error_summary().values()
    )
    assert refused.soup.find("input", attrs={"name": "name"})["value"] == "Mine"
    with app.app_context():
        assert db.session.get(ProgrammeTemplate, draft_id).name == "Theirs"


# Publishing and retiring ---------------------------------------------------------------------
def test_publishing_a_draft_retires_the_version_before_it_and_retiring_stops_new_cohorts(
    app, client, org
):
    template_id = _published(app)
    sign_in(client, org.wfld_admin.email)
    client.post(
        f"/programmes/templates/{template_id}/edit",
        data=_edit_values(client, template_id, session_minutes="75"),
    )
    with app.app_context():
        draft = db.session.scalars(
            select(ProgrammeTemplate).where(ProgrammeTemplate.version == 2)
        ).one()
        draft_id = draft.id
    view = page(client.get(f"/programmes/templates/{template_id}"))
    assert "Version 2 is a draft of this template" in view.text()
    assert not view.soup.find("a", string="Change (saves version 3)")

    response = submit(
        client,
        f"/programmes/templates/{draft_id}/publish",
        {"version": "1"},
        form_path=f"/programmes/templates/{draft_id}",
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(ProgrammeTemplate, draft_id).status is TemplateStatus.PUBLISHED
        assert db.session.get(ProgrammeTemplate, template_id).status is TemplateStatus.RETIRED
    assert _audit(app, "programme_template_published") == 1
    assert _audit(app, "programme_template_retired") == 1

    response = submit(
        client,
        f"/programmes/templates/{draft_id}/retire",
        {"version": "2"},
        form_path=f"/programmes/templates/{draft_id}",
    )
    assert response.status_code == 302
    with app.app_context():
        retired = db.session.get(ProgrammeTemplate, draft_id)
        assert retired.status is TemplateStatus.RETIRED
        with pytest.raises(RuleBroken):
            make_cohort(retired, intake="Too late")


def test_publishing_what_is_not_a_draft_or_from_a_stale_page_is_refused_with_a_message(
    app, client, org
):
    template_id = _published(app)
    sign_in(client, org.wfld_admin.email)
    response = submit(
        client,
        f"/programmes/templates/{template_id}/publish",
        {"version": "1"},
        form_path=f"/programmes/templates/{template_id}",
        follow_redirects=True,
    )
    assert "Only a draft can be published" in page(response).text()
    response = submit(
        client,
        f"/programmes/templates/{template_id}/retire",
        {"version": "7"},
        form_path=f"/programmes/templates/{template_id}",
        follow_redirects=True,
    )
    assert "changed this record" in page(response).text()
    with app.app_context():
        assert db.session.get(ProgrammeTemplate, template_id).status is TemplateStatus.PUBLISHED


def test_the_list_and_a_version_page_run_the_same_statements_however_many_versions(
    app, client, org
):
    template_id = _published(app)
    sign_in(client, org.wfld_admin.email)

    def statements(url: str) -> int:
        with QueryCounter(app) as counter:
            assert client.get(url).status_code == 200
        return counter.count

    few = statements("/programmes/templates"), statements(f"/programmes/templates/{template_id}")
    with app.app_context():
        template = db.session.get(ProgrammeTemplate, template_id)
        for number in range(3):
            make_cohort(template, intake=f"ASYE intake {number}")
            services.add_template_version(
                code=f"other-{number}",
                name=f"Other programme {number}",
                kind=ProgrammeKind.PEPS,
                document=asye_document(),
                status=TemplateStatus.PUBLISHED,
                framework_versions=[],
                actor=None,
                now=NOW,
            )
            make_template()  # the next version of the ASYE
        db.session.commit()
    many = statements("/programmes/templates"), statements(f"/programmes/templates/{template_id}")
    assert many == few
