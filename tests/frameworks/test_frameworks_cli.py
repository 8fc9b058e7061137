"""`flask frameworks export` and `flask frameworks import`."""

from __future__ import annotations

import json

import pytest

from tests.frameworks.builders import row_counts
from wfld import PROJECT_ROOT
from wfld.frameworks import queries
from wfld.frameworks.documents import parse_text
from wfld.frameworks.models import VersionStatus

PCF_FILE = PROJECT_ROOT / "seeds" / "reference" / "frameworks" / "pcf.yaml"


def pcf_hash() -> str:
    return parse_text(PCF_FILE.read_text(encoding="utf-8"), filename="pcf.yaml").content_hash()


@pytest.fixture
def runner(app):
    runner = app.test_cli_runner()
    seeded = runner.invoke(args=["seed", "frameworks"])
    assert seeded.exit_code == 0, seeded.output
    return runner


def counts(app) -> dict[str, int]:
    with app.app_context():
        return row_counts()


def export(runner, *args: str) -> str:
    result = runner.invoke(args=["frameworks", "export", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_parses_back_to_the_same_content(runner, fmt):
    text = export(runner, "PCF", "--format", fmt)
    doc = parse_text(text, filename=f"pcf.{fmt}")
    assert doc.content_hash() == pcf_hash()
    assert doc.code == "PCF" and len(doc.items) == 9 and len(doc.levels) == 9
    if fmt == "json":
        assert json.loads(text)["version"]["items"][0] == {
            "code": "1",
            "kind": "domain",
            "title": "Professionalism",
        }
    else:
        assert text.splitlines()[0].startswith("framework_code,framework_title,")
        assert len(text.splitlines()) == 1 + 9 + 9


def test_export_code_is_not_case_sensitive_and_can_go_to_a_file(runner, tmp_path):
    target = tmp_path / "kss.json"
    result = runner.invoke(
        args=["frameworks", "export", "kss-cf-practitioner", "--output", str(target)]
    )
    assert result.exit_code == 0, result.output
    doc = parse_text(target.read_text(encoding="utf-8"), filename=target.name)
    assert doc.code == "KSS-CF-PRACTITIONER"
    assert doc.effective_to.isoformat() == "2027-03-31"


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_importing_an_export_changes_nothing(app, runner, tmp_path, fmt):
    path = tmp_path / f"pcf.{fmt}"
    path.write_text(export(runner, "PCF", "--format", fmt), encoding="utf-8")
    before = counts(app)
    result = runner.invoke(args=["frameworks", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "PCF: this content is already version 1; nothing changed."
    assert counts(app) == before


def test_a_modified_export_imports_as_version_2(app, runner, tmp_path):
    data = json.loads(export(runner, "PCF"))
    data["version"]["label"] = "2026"
    data["version"]["items"][4]["title"] = "Knowledge and research"
    data["version"]["items"][4]["children"] = [
        {"code": "5.1", "kind": "statement", "title": "Uses research"}
    ]
    path = tmp_path / "pcf-2026.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    before = counts(app)

    result = runner.invoke(args=["frameworks", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Imported PCF as version 2 (published)."
    after = counts(app)
    assert after["FrameworkVersion"] == before["FrameworkVersion"] + 1
    assert after["FrameworkItem"] == before["FrameworkItem"] + 10
    assert after["Framework"] == before["Framework"]
    with app.app_context():
        framework = queries.find_framework_by_code("PCF")
        first, second = framework.versions
        assert (second.number, second.label) == (2, "2026")
        assert {i.code: i.title for i in second.items}["5"] == "Knowledge and research"
        assert {i.code: i.title for i in first.items}["5"] == "Knowledge"
        assert first.content_hash == pcf_hash()

    # Without --version the current (newest) version is exported; --version 1 picks version 1.
    assert parse_text(export(runner, "PCF"), filename="x.json").label == "2026"
    version_1 = parse_text(export(runner, "PCF", "--version", "1"), filename="x.json")
    assert version_1.content_hash() == pcf_hash()
    version_1_csv = export(runner, "PCF", "--version", "1", "--format", "csv")
    assert parse_text(version_1_csv, filename="x.csv").content_hash() == pcf_hash()
    version_2 = parse_text(export(runner, "PCF", "--version", "2"), filename="x.json")
    assert version_2.items[4].children[0].title == "Uses research"
    # Importing version 2's export again changes nothing either.
    again = runner.invoke(args=["frameworks", "import", str(path)])
    assert "already version 2; nothing changed" in again.output
    assert counts(app) == after


def test_a_bad_file_is_refused_with_its_problems_by_line_and_writes_nothing(app, runner, tmp_path):
    path = tmp_path / "local.yaml"
    path.write_text(
        "code: LOCAL-MODEL\n"
        "custodian: The council\n"
        "version:\n"
        '  label: "1"\n'
        "  status: final\n"
        "  effective_from: 2027-04-01\n"
        "  effective_to: 2027-01-01\n"
        "  items:\n"
        '    - {code: "1", kind: domain, title: Relationships}\n'
        '    - {code: "1", kind: domain, title: Again}\n'
        '    - {code: "2", kind: sub_statement, title: Orphan}\n'
        '    - {code: "3", kind: competency, title: Unknown kind}\n',
        encoding="utf-8",
    )
    before = counts(app)
    result = runner.invoke(args=["frameworks", "import", str(path)])
    assert result.exit_code != 0
    assert result.output.splitlines() == [
        "Error: local.yaml was not imported:",
        "  line 1: enter title",
        "  line 4: status must be draft or published",
        "  line 4: effective to must be on or after effective from",
        "  line 10: item code 1 is used twice",
        "  line 11: a sub_statement cannot sit at the top level",
        "  line 12: kind must be domain, statement or sub_statement",
    ]
    assert counts(app) == before
    with app.app_context():
        assert queries.find_framework_by_code("LOCAL-MODEL") is None


def test_a_bad_csv_is_refused_and_writes_nothing(app, runner, tmp_path):
    lines = export(runner, "CCSK", "--format", "csv").splitlines()
    lines[2] = lines[2].replace(",item,", ",thing,")
    lines[4] = lines[4].replace(",item,4,,", ",item,4,7,")
    path = tmp_path / "ccsk.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = counts(app)
    result = runner.invoke(args=["frameworks", "import", str(path)])
    assert result.exit_code != 0
    assert "ccsk.csv was not imported:" in result.output
    assert "  line 3: row type must be level or item" in result.output
    assert "  line 5: parent code 7 must be an item on an earlier line" in result.output
    assert counts(app) == before


def test_a_file_that_breaks_a_rule_is_refused_and_writes_nothing(app, runner, tmp_path):
    data = json.loads(export(runner, "ECS-CF"))
    assert data["version"]["status"] == "draft"
    data["version"]["items"][0]["title"] = "Anti-racist and anti-discriminatory practice"
    path = tmp_path / "ecs.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = counts(app)
    result = runner.invoke(args=["frameworks", "import", str(path)])
    assert result.exit_code != 0
    assert "ecs.json was not imported: ECS-CF already has a draft version" in result.output
    assert counts(app) == before


def test_a_file_that_is_not_utf8_is_refused(app, runner, tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(
        PCF_FILE.read_text("utf-8").replace("Knowledge", "Connaissé").encode("latin-1")
    )
    before = counts(app)
    result = runner.invoke(args=["frameworks", "import", str(path)])
    assert result.exit_code != 0
    assert "latin.yaml: the file must be UTF-8 text" in result.output
    assert counts(app) == before


def test_a_new_framework_can_be_imported(app, runner, tmp_path):
    path = tmp_path / "local.yaml"
    path.write_text(
        "code: PRACTICE-MODEL\ntitle: Our practice model\ncustodian: The council\n"
        "version:\n  label: '2026'\n  status: draft\n  items:\n"
        "    - {code: '1', kind: domain, title: Relational practice}\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["frameworks", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Imported PRACTICE-MODEL as version 1 (draft)."
    with app.app_context():
        framework = queries.find_framework_by_code("PRACTICE-MODEL")
        assert framework.versions[0].status is VersionStatus.DRAFT
        assert [i.title for i in framework.versions[0].items] == ["Relational practice"]


def test_export_of_an_unknown_code_or_version_fails_clearly(runner):
    unknown = runner.invoke(args=["frameworks", "export", "NOPE"])
    assert unknown.exit_code != 0
    assert "There is no framework with code NOPE" in unknown.output
    missing = runner.invoke(args=["frameworks", "export", "PCF", "--version", "9"])
    assert missing.exit_code != 0
    assert "PCF has no version 9" in missing.output
    bad_format = runner.invoke(args=["frameworks", "export", "PCF", "--format", "xml"])
    assert bad_format.exit_code != 0


def test_export_of_a_framework_with_only_a_draft_gives_the_draft(runner):
    doc = parse_text(export(runner, "ECS-CF", "--format", "csv"), filename="ecs.csv")
    assert doc.status is VersionStatus.DRAFT
    assert [i.title for i in doc.items][0] == "Anti-discriminatory practice"
