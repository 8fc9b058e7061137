"""Words on the pages: what is counted is explained, and framework codes come with names."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import NOW
from tests.helpers import page, sign_in
from wfld.core import clock
from wfld.extensions import db


@pytest.fixture(autouse=True)
def frozen_clock():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def frameworks(app: Flask, org) -> dict[str, int]:  # noqa: ANN001
    result = app.test_cli_runner().invoke(args=["seed", "frameworks"])
    assert result.exit_code == 0, result.output
    from wfld.frameworks import queries

    with app.app_context():
        return {f.code: f.versions[-1].id for f in queries.list_frameworks()}


def _client(app: Flask, person) -> FlaskClient:  # noqa: ANN001
    client = app.test_client()
    assert sign_in(client, person.email).status_code == 302
    return client


def test_my_cpd_explains_which_entries_count_and_names_their_framework_items(
    app: Flask,
    org,  # noqa: ANN001
    frameworks,  # noqa: ANN001
) -> None:
    from tests.cpd.builders import make_entry
    from wfld.frameworks import queries

    with app.app_context():
        item = queries.find_item_by_code(frameworks["SWE-PS4"], "4.1")
        label = item.label
        make_entry(org.practitioner.staff_id, tag_ids={item.id})
        db.session.commit()
    shown = page(_client(app, org.practitioner).get("/cpd/me"))

    tag = shown.soup.find("strong", class_="govuk-tag--turquoise")
    assert " ".join(tag.get_text().split()) == "Counts for renewal"
    explained = shown.soup.find(id="counts-for-renewal")
    assert explained is not None and "“Counts for renewal” marks" in explained.get_text()
    title_cell = shown.soup.select_one("main tbody tr td:nth-of-type(2) .govuk-hint")
    assert " ".join(title_cell.get_text().split()) == label  # "4.1 ..." with its name
    assert label.startswith("4.1 ") and len(label) > len("4.1 ")


def test_the_readiness_counts_say_what_is_counted(app: Flask, org) -> None:  # noqa: ANN001
    shown = page(_client(app, org.line_manager).get("/cpd/readiness"))
    captions = [" ".join(c.get_text(" ").split()) for c in shown.soup.select("main caption")]
    assert "Counts" not in captions
    first = captions[0]
    assert first.startswith("Number of people by readiness")
    assert "People are counted, not CPD entries" in first


def test_pathway_framework_items_are_offered_by_framework_name(
    app: Flask,
    org,  # noqa: ANN001
    frameworks,  # noqa: ANN001
) -> None:
    from wfld.learning import services

    with app.app_context():
        pathway_id = services.create_pathway(
            name="Induction", description=None, roles=[], actor=None, now=NOW
        ).id
        db.session.commit()
    shown = page(
        _client(app, org.wfld_admin).get(f"/learning/pathways/{pathway_id}/requirements/new")
    )
    options = [
        " ".join(o.get_text().split())
        for o in shown.soup.select("select[name=framework_item] option")
        if o.get("value")
    ]
    assert options
    assert not [o for o in options if o.split(" ")[0].isupper() and "-" in o.split(" ")[0]], (
        "no option starts with a bare framework code like KSS-CF-PRACTITIONER"
    )
    assert all(": " in o for o in options)
