"""The framework screens, as practitioners and the WFLD team use them."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from tests.helpers import csrf_token, page, sign_in, submit
from wfld.extensions import db
from wfld.frameworks import queries
from wfld.frameworks.models import (
    CrosswalkLink,
    Framework,
    FrameworkItem,
    FrameworkVersion,
    VersionStatus,
)


@pytest.fixture
def seeded(app, org):  # noqa: ANN001, ANN201
    result = app.test_cli_runner().invoke(args=["seed", "frameworks"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        return {f.code: f.versions[0].id for f in queries.list_frameworks()}


def _counts(app) -> tuple[int, int, int]:  # noqa: ANN001
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Framework, FrameworkVersion, FrameworkItem)
        )


def test_practitioner_browses_published_frameworks_but_not_drafts(client, org, seeded):
    sign_in(client, org.practitioner.email)
    listing = page(client.get("/frameworks"))
    titles = [a.get_text(strip=True) for a in listing.soup.select("table a")]
    assert "Professional Capabilities Framework" in titles
    assert "Child and family social worker early career standards" not in titles, "a draft only"
    assert not listing.soup.select("a[href='/frameworks/new']")

    pcf = page(client.get(f"/frameworks/versions/{seeded['PCF']}"))
    rows = [tr.select("td")[1].get_text(" ", strip=True) for tr in pcf.soup.select("tbody tr")]
    assert rows[0] == "Professionalism" and rows[-1] == "Professional leadership" and len(rows) == 9
    assert "Readiness for practice" in pcf.text()
    assert not pcf.soup.select("main form[method=post]"), "nothing to change"
    assert client.get(f"/frameworks/versions/{seeded['ECS-CF']}").status_code == 404


def test_export_downloads_as_attachments(client, org, seeded):
    sign_in(client, org.practitioner.email)
    response = client.get(f"/frameworks/versions/{seeded['KSS-CF-PRACTITIONER']}/export.json")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    body = json.loads(response.data)
    assert len(body["version"]["items"]) == 10
    assert body["version"]["effective_to"] == "2027-03-31"
    csv_response = client.get(f"/frameworks/versions/{seeded['PCF']}/export.csv")
    assert csv_response.mimetype == "text/csv"
    assert csv_response.data.decode().count("\n") == 1 + 9 + 9  # header, levels, items


def test_wfld_admin_builds_and_publishes_a_local_framework(app, client, org, seeded):
    sign_in(client, org.wfld_admin.email)
    response = submit(
        client, "/frameworks/new", {"code": "practice-model", "title": "Our practice model"}
    )
    assert response.status_code == 302
    version_path = response.headers["Location"]
    version_id = int(version_path.rsplit("/", 1)[1])
    add = f"/frameworks/versions/{version_id}/items/new"

    # A sub-statement cannot sit at the top level.
    refused = page(
        submit(client, add, {"kind": "sub_statement", "parent": "", "code": "1", "title": "X"})
    )
    assert refused.error_summary() == {"#kind": "A sub-statement cannot sit at the top level"}

    assert (
        submit(
            client, add, {"kind": "domain", "parent": "", "code": "1", "title": "Relationships"}
        ).status_code
        == 302
    )
    assert (
        submit(
            client, add, {"kind": "domain", "parent": "", "code": "2", "title": "Risk"}
        ).status_code
        == 302
    )
    with app.app_context():
        domain_id = queries.find_item_by_code(version_id, "1").id
    assert (
        submit(
            client,
            add,
            {"kind": "statement", "parent": str(domain_id), "code": "1.1", "title": "Direct work"},
        ).status_code
        == 302
    )
    duplicate = page(
        submit(client, add, {"kind": "domain", "parent": "", "code": "2", "title": "Again"})
    )
    assert duplicate.error_summary() == {"#code": "Another item in this version has this code"}

    # Move "Risk" above "Relationships", then check the order shown.
    with app.app_context():
        risk_id = queries.find_item_by_code(version_id, "2").id
    token = csrf_token(client, version_path)
    assert (
        client.post(f"/frameworks/items/{risk_id}/up", data={"csrf_token": token}).status_code
        == 302
    )
    shown = [
        tr.select("td")[0].get_text(strip=True)
        for tr in page(client.get(version_path)).soup.select("tbody tr")
    ]
    assert shown == ["2", "1", "1.1"]

    # Publishing needs confirmation, then the version is fixed.
    publish = f"/frameworks/versions/{version_id}/publish"
    assert page(submit(client, publish, {})).error_summary() == {
        "#confirm": "Confirm that you have checked the items"
    }
    assert submit(client, publish, {"confirm": "y"}).status_code == 302
    with app.app_context():
        version = db.session.get(FrameworkVersion, version_id)
        assert version.status is VersionStatus.PUBLISHED and version.content_hash
    assert client.get(add).status_code == 404, "a published version cannot change"

    # A new version is a draft copy; the published one stays as it was.
    with app.app_context():
        framework_id = db.session.get(FrameworkVersion, version_id).framework_id
    response = submit(client, f"/frameworks/{framework_id}/new-version", {"label": "2"})
    assert response.status_code == 302
    draft_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        draft = db.session.get(FrameworkVersion, draft_id)
        assert draft.is_draft and len(draft.items) == 3
        assert all(i.previous_item_id for i in draft.items)


def test_import_upload_reports_problems_by_line_and_writes_nothing(app, client, org, seeded):
    sign_in(client, org.wfld_admin.email)
    before = _counts(app)
    bad_csv = (
        "framework_code,framework_title,custodian,source_url,framework_description,version_label,status,"
        "effective_from,effective_to,note,row_type,code,parent_code,kind,title,description\n"
        "LOCAL,Local,Us,,,1,published,,,,item,1,,domain,First,\n"
        "LOCAL,Local,Us,,,1,published,,,,item,2,9,statement,Orphan,\n"
    )
    token = csrf_token(client, "/frameworks/import")
    response = client.post(
        "/frameworks/import",
        data={"csrf_token": token, "file": (io.BytesIO(bad_csv.encode()), "local.csv")},
        content_type="multipart/form-data",
    )
    result = page(response)
    assert "#file" in result.error_summary()
    assert "line 3: parent code 9 must be an item on an earlier line" in result.text()
    assert _counts(app) == before

    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    token = csrf_token(client, "/frameworks/import")
    response = client.post(
        "/frameworks/import",
        data={"csrf_token": token, "file": (io.BytesIO(png), "framework.json")},
        content_type="multipart/form-data",
    )
    assert "must be JSON, YAML or CSV text" in page(response).text()
    assert _counts(app) == before


def test_import_upload_of_an_edited_export_makes_a_new_version(app, client, org, seeded):
    sign_in(client, org.wfld_admin.email)
    exported = json.loads(client.get(f"/frameworks/versions/{seeded['CCSK']}/export.json").data)
    exported["version"]["items"][3]["title"] = "Supporting transitions and change"
    token = csrf_token(client, "/frameworks/import")
    response = client.post(
        "/frameworks/import",
        data={
            "csrf_token": token,
            "file": (io.BytesIO(json.dumps(exported).encode()), "ccsk.json"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        versions = queries.find_framework_by_code("CCSK").versions
        assert [v.number for v in versions] == [1, 2]
        assert versions[0].items[3].title == "Supporting transitions"


def test_crosswalk_links_and_unlinks(app, client, org, seeded):
    sign_in(client, org.wfld_admin.email)
    with app.app_context():
        pcf = queries.find_framework_by_code("PCF")
        kss = queries.find_framework_by_code("KSS-CF-PRACTITIONER")
        pcf_6 = queries.find_item_by_code(seeded["PCF"], "6").id
        kss_7 = queries.find_item_by_code(seeded["KSS-CF-PRACTITIONER"], "7").id
        path = f"/frameworks/crosswalk?a={pcf.id}&b={kss.id}"
    assert submit(client, path, {"item_a": pcf_6, "item_b": kss_7}).status_code == 302
    again = page(submit(client, path, {"item_a": pcf_6, "item_b": kss_7}))
    assert again.error_summary() == {"#item_b": "These two items are linked already"}
    listing = page(client.get(path))
    assert "Critical reflection and analysis" in listing.text()
    with app.app_context():
        link_id = db.session.scalar(select(CrosswalkLink.id))
    token = csrf_token(client, path)
    assert (
        client.post(
            f"/frameworks/crosswalk/{link_id}/delete", data={"csrf_token": token}
        ).status_code
        == 302
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CrosswalkLink)) == 0


def test_framework_admin_pages_are_refused_to_others(client, org, seeded):
    sign_in(client, org.senior_manager.email)
    for path in ("/frameworks/new", "/frameworks/import", "/frameworks/crosswalk"):
        assert client.get(path).status_code == 403


def test_a_version_page_shows_the_items_linked_in_the_crosswalk(app, client, org, seeded):
    from tests.factories import NOW
    from wfld.frameworks import services

    with app.app_context():
        pcf_6 = queries.find_item_by_code(seeded["PCF"], "6")
        kss_7 = queries.find_item_by_code(seeded["KSS-CF-PRACTITIONER"], "7")
        services.link_items(item_a=pcf_6, item_b=kss_7, actor=None, now=NOW)
        db.session.commit()
    sign_in(client, org.practitioner.email)
    pcf = page(client.get(f"/frameworks/versions/{seeded['PCF']}"))
    # Framework named by its title, not its code (KSS-CF-PRACTITIONER means nothing to most).
    also = [" ".join(s.get_text(" ").split()) for s in pcf.soup.select("main td span")]
    assert (
        "Also covers Post-qualifying standard: knowledge and skills statement for child and "
        "family practitioners: 7 Analysis, decision-making, planning and review"
    ) in also
    kss = page(client.get(f"/frameworks/versions/{seeded['KSS-CF-PRACTITIONER']}"))
    also = [" ".join(s.get_text(" ").split()) for s in kss.soup.select("main td span")]
    assert (
        "Also covers Professional Capabilities Framework: 6 Critical reflection and analysis"
        in also
    )


def test_the_early_career_draft_is_renamed_when_it_is_published(app, client, org, seeded):
    """The seeded draft is labelled the 2025 consultation draft; once the admin has completed it
    from the final text they publish it under a name that fits."""
    sign_in(client, org.wfld_admin.email)
    version_path = f"/frameworks/versions/{seeded['ECS-CF']}"
    shown = page(client.get(version_path))
    lines = [p.get_text(" ", strip=True) for p in shown.soup.select("main p.govuk-body")]
    assert any(line.startswith("Version 2025 consultation draft Draft") for line in lines)
    publish = f"{version_path}/publish"
    too_long = page(submit(client, publish, {"confirm": "y", "label": "x" * 41}))
    assert too_long.error_summary() == {"#label": "Name must be 40 characters or fewer"}
    assert submit(client, publish, {"confirm": "y", "label": " 2026 "}).status_code == 302
    with app.app_context():
        version = db.session.get(FrameworkVersion, seeded["ECS-CF"])
        assert (version.label, version.status) == ("2026", VersionStatus.PUBLISHED)
