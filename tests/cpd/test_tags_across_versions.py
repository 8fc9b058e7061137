"""CPD tags on an earlier version of a framework, after the framework gets a new version.

Seeding a changed reference file (the descriptions added to Social Work England's standard 4)
makes a new version of the framework; the CPD form offers the new version's items. An entry
tagged with the earlier version's items must not lose its tags when the person edits it."""

from __future__ import annotations

import shutil

import pytest
from flask import Flask
from sqlalchemy import select

from tests.cpd.builders import make_entry
from tests.factories import NOW
from tests.helpers import form_values, page, sign_in, submit
from wfld import PROJECT_ROOT
from wfld.core import clock
from wfld.cpd.models import CpdEntry
from wfld.extensions import db
from wfld.frameworks.models import Framework, FrameworkItem, FrameworkVersion
from wfld.frameworks.seeding import load_reference_frameworks

SEEDS = PROJECT_ROOT / "seeds" / "reference" / "frameworks"


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def item_id(framework_code: str, code: str, number: int) -> int:
    return db.session.scalar(
        select(FrameworkItem.id)
        .join(FrameworkVersion, FrameworkVersion.id == FrameworkItem.version_id)
        .join(Framework, Framework.id == FrameworkVersion.framework_id)
        .where(
            Framework.code == framework_code,
            FrameworkVersion.number == number,
            FrameworkItem.code == code,
        )
    )


def test_editing_an_entry_tagged_on_an_earlier_version_keeps_its_tags(
    app: Flask, org, tmp_path
) -> None:  # noqa: ANN001
    earlier = tmp_path / "frameworks"
    shutil.copytree(SEEDS, earlier)
    swe = earlier / "swe-standard-4.yaml"
    swe.write_text(swe.read_text("utf-8").replace("Reflect on my own values", "Reflect"), "utf-8")
    with app.app_context():
        load_reference_frameworks(earlier, now=NOW)
        db.session.commit()
        old_values, old_supervision = item_id("SWE-PS4", "4.8", 1), item_id("SWE-PS4", "4.2", 1)
        entry_id = make_entry(org.practitioner.staff_id, tag_ids={old_values, old_supervision}).id
        load_reference_frameworks(SEEDS, now=NOW)  # SWE-PS4 becomes version 2
        db.session.commit()
        new_values, new_supervision = item_id("SWE-PS4", "4.8", 2), item_id("SWE-PS4", "4.2", 2)
    assert new_values and new_supervision

    client = app.test_client()
    sign_in(client, org.practitioner.email)
    path = f"/cpd/entries/{entry_id}/edit"
    checked = page(client.get(path)).soup.select("input[name=tags][checked]")
    assert {int(i["value"]) for i in checked} == {new_values, new_supervision}

    data = dict(form_values(client.get(path)))
    data["save_complete"] = "Save and mark as complete"
    assert submit(client, path, data).status_code == 302
    with app.app_context():
        entry = db.session.get(CpdEntry, entry_id)
        assert {t.id for t in entry.tags} == {new_values, new_supervision}
