"""Framework documents without a database: parsing, the content hash, export, problems by line."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.frameworks.builders import nested_doc, nested_yaml
from wfld import PROJECT_ROOT
from wfld.frameworks.documents import (
    CSV_HEADER,
    DocumentError,
    FrameworkDoc,
    parse_csv,
    parse_text,
    to_csv,
    to_json,
)
from wfld.frameworks.models import ItemKind, VersionStatus

SEED_FILES = sorted((PROJECT_ROOT / "seeds" / "reference" / "frameworks").glob("*.yaml"))

# A small valid YAML document, one field per line so the line numbers below are plain.
BASE = """\
code: TEST
title: Test framework
custodian: The test council
version:
  label: "1"
  status: published
  items:
    - code: "1"
      kind: domain
      title: First domain
      children:
        - code: "1.1"
          kind: statement
          title: First statement
"""


def problems_of(text: str, filename: str = "test.yaml") -> list[str]:
    with pytest.raises(DocumentError) as caught:
        parse_text(text, filename=filename)
    return caught.value.problems


def rich_doc() -> FrameworkDoc:
    """A document whose text needs quoting in every format."""
    doc = nested_doc()
    doc.description = 'Commas, "quotes", a line\nbreak and accents: café, naïve'
    doc.source_url = "https://example.org/frameworks?id=1&lang=en"
    doc.note = "Note: with a colon # and a hash"
    doc.effective_from = dt.date(2026, 4, 1)
    doc.effective_to = dt.date(2027, 3, 31)
    doc.items[0].description = "Two lines\nof description, with a comma"
    doc.items[0].children[0].children[1].title = "Sub-statement: yes, no"
    return doc


# Round trips ----------------------------------------------------------------------------
@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_seed_file_yaml_json_csv_round_trip_keeps_the_content_hash(path):
    from_yaml = parse_text(path.read_text(encoding="utf-8"), filename=path.name)
    from_json = parse_text(to_json(from_yaml), filename="export.json")
    from_csv = parse_text(to_csv(from_json), filename="export.csv")
    assert from_yaml.content_hash() == from_json.content_hash() == from_csv.content_hash()
    assert from_csv.as_dict() == from_yaml.as_dict()


def test_round_trip_of_text_that_needs_quoting_keeps_everything():
    doc = rich_doc()
    from_json = parse_text(to_json(doc), filename="export.json")
    from_csv = parse_text(to_csv(from_json), filename="EXPORT.CSV")
    assert from_json.as_dict() == doc.as_dict()
    assert from_csv.as_dict() == doc.as_dict()
    assert from_csv.content_hash() == doc.content_hash()
    assert from_csv.description == 'Commas, "quotes", a line\nbreak and accents: café, naïve'
    assert from_csv.effective_to == dt.date(2027, 3, 31)


def test_json_export_parses_back_to_an_equal_document():
    doc = nested_doc()
    text = to_json(doc)
    parsed = parse_text(text, filename="export.json")
    assert parsed.as_dict() == doc.as_dict()
    assert json.loads(text) == doc.as_dict()
    assert to_json(parsed) == text
    # The tree is kept, not flattened.
    assert [i.code for i in parsed.items] == ["1", "2", "3"]
    assert [c.code for c in parsed.items[0].children[0].children] == ["1.1.a", "1.1.b"]
    assert parsed.items[0].children[0].children[0].kind is ItemKind.SUB_STATEMENT
    assert [(lv.code, lv.title) for lv in parsed.levels] == [
        ("junior", "Junior"),
        ("senior", "Senior"),
    ]


def test_csv_export_has_one_row_per_level_and_item():
    rows = to_csv(nested_doc()).splitlines()
    assert rows[0] == ",".join(CSV_HEADER)
    assert len(rows) == 1 + 2 + 8
    assert rows[3].endswith(",item,1,,domain,First domain,")
    assert rows[5].endswith(",item,1.1.a,1.1,sub_statement,First sub-statement,")


def test_the_hash_follows_content_not_status_or_format():
    published = nested_doc()
    draft = nested_doc(status="draft")
    assert draft.status is VersionStatus.DRAFT
    assert draft.content_hash() == published.content_hash()
    changed = nested_doc()
    changed.items[1].title = "Second domain, renamed"
    assert changed.content_hash() != published.content_hash()
    reordered = nested_doc()
    reordered.items[0], reordered.items[1] = reordered.items[1], reordered.items[0]
    assert reordered.content_hash() != published.content_hash()


def test_json_written_by_other_tools_is_read_the_same():
    doc = rich_doc()
    doc.items[2].title = "Statement with an emoji \U0001f600 and café"
    expected = doc.content_hash()
    variants = {
        "tabs": json.dumps(doc.as_dict(), indent="\t"),
        "ascii escapes": json.dumps(doc.as_dict()),
        "compact": json.dumps(doc.as_dict(), separators=(",", ":"), ensure_ascii=False),
    }
    for name, text in variants.items():
        parsed = parse_text(text, filename="other.json")
        assert parsed.content_hash() == expected, name
        assert parsed.items[2].title == "Statement with an emoji \U0001f600 and café", name


def test_yaml_codes_and_titles_stay_text():
    text = BASE.replace('code: "1.1"', "code: 1.10").replace("title: First statement", "title: No")
    doc = parse_text(text, filename="test.yaml")
    statement = doc.items[0].children[0]
    assert statement.code == "1.10"
    assert statement.title == "No"
    assert parse_text(BASE.replace('label: "1"', "label: 010"), filename="t.yaml").label == "010"


# Problems, each on its line ---------------------------------------------------------------
def test_missing_titles_are_reported_on_their_lines():
    text = BASE.replace("title: Test framework\n", "").replace(
        "          title: First statement\n", ""
    )
    assert problems_of(text) == ["line 1: enter title", "line 11: enter title"]


def test_bad_codes():
    text = BASE.replace("code: TEST", "code: test framework").replace('code: "1.1"', 'code: "1 1"')
    assert problems_of(text) == [
        "line 1: code must be capital letters, numbers and hyphens, like KSS-CF",
        "line 12: item code 1 1 may use only letters, numbers, dots and hyphens",
    ]


def test_unknown_status():
    text = BASE.replace("status: published", "status: final")
    assert problems_of(text) == ["line 5: status must be draft or published"]


def test_unknown_kind():
    text = BASE.replace("kind: statement", "kind: competency")
    assert problems_of(text) == ["line 12: kind must be domain, statement or sub_statement"]


def test_duplicate_item_code():
    text = BASE + '    - {code: "1.1", kind: statement, title: Again}\n'
    assert problems_of(text) == ["line 15: item code 1.1 is used twice"]


def test_sub_statement_at_the_top_level():
    text = BASE + '    - {code: "9", kind: sub_statement, title: Orphan}\n'
    assert problems_of(text) == ["line 15: a sub_statement cannot sit at the top level"]


def test_statement_under_a_sub_statement():
    text = BASE + (
        "          children:\n"
        '            - code: "1.1.a"\n'
        "              kind: sub_statement\n"
        "              title: A sub-statement\n"
        "              children:\n"
        '                - {code: "1.1.a.i", kind: statement, title: Too deep}\n'
    )
    assert problems_of(text) == ["line 20: a statement cannot sit under a sub_statement"]


def test_domain_under_a_domain():
    text = BASE.replace("kind: statement", "kind: domain")
    assert problems_of(text) == ["line 12: a domain cannot sit under a domain"]


def test_effective_to_before_effective_from():
    text = BASE.replace(
        "  status: published\n",
        "  status: published\n  effective_from: 2027-04-01\n  effective_to: 2027-03-31\n",
    )
    assert problems_of(text) == ["line 5: effective to must be on or after effective from"]


@pytest.mark.parametrize("value", ["2027-02-30", "01/04/2027", '"2027-13-01"', "soon"])
def test_invalid_date(value):
    text = BASE.replace(
        "  status: published\n", f"  status: published\n  effective_from: {value}\n"
    )
    assert problems_of(text) == ["line 5: effective from must be a date like 2027-04-01"]


def test_several_problems_are_all_reported_in_file_order():
    text = (
        BASE.replace("status: published", "status: final")
        .replace("kind: statement", "kind: competency")
        .replace("      title: First domain\n", "")
    )
    assert problems_of(text) == [
        "line 5: status must be draft or published",
        "line 8: enter title",
        "line 11: kind must be domain, statement or sub_statement",
    ]


def test_not_json_or_yaml_reports_the_line_of_the_syntax_error():
    yaml_text = "code: TEST\ntitle: [Test framework\ncustodian: The test council\n"
    assert problems_of(yaml_text) == ["line 3: the file is not valid JSON or YAML"]
    json_text = '{\n  "code": "TEST",\n  "title": "Test"\n  "custodian": "Us"\n}\n'
    assert problems_of(json_text, "test.json") == ["line 4: the file is not valid JSON or YAML"]


@pytest.mark.parametrize(
    "text", ["- code: TEST\n- code: OTHER\n", '[{"code": "TEST"}]', "just some words", ""]
)
def test_a_list_or_plain_text_instead_of_an_object(text):
    assert problems_of(text, "test.json") == [
        "line 1: the file must describe one framework (an object with a code)"
    ]


def test_version_problems():
    no_version = "code: TEST\ntitle: T\ncustodian: Us\nversion: 1\n"
    assert problems_of(no_version) == ["line 1: add a version with a label, a status and items"]
    no_items = "code: TEST\ntitle: T\ncustodian: Us\nversion:\n  label: A\n  status: draft\n"
    assert problems_of(no_items) == ["line 5: a version needs at least one item"]
    not_objects = no_items + "  items: [1, 2]\n"
    assert problems_of(not_objects) == ["line 5: items must be a list of objects"]


def test_duplicate_level_code():
    text = BASE.replace(
        "  items:\n",
        "  levels:\n    - {code: a, title: A}\n    - {code: a, title: B}\n  items:\n",
    )
    assert problems_of(text) == ["line 9: level code a is used twice"]


# CSV problems ------------------------------------------------------------------------------
def csv_lines() -> list[str]:
    """The nested document as CSV: line 1 the header, 2-3 levels, 4-11 items."""
    return to_csv(nested_doc()).splitlines()


def csv_problems(lines: list[str]) -> list[str]:
    with pytest.raises(DocumentError) as caught:
        parse_csv("\n".join(lines) + "\n")
    return caught.value.problems


def test_csv_with_the_wrong_header():
    lines = csv_lines()
    lines[0] = lines[0].replace("row_type", "type")
    assert csv_problems(lines) == ["line 1: the columns must be exactly: " + ", ".join(CSV_HEADER)]


def test_csv_row_with_a_different_framework_code():
    lines = csv_lines()
    lines[5] = lines[5].replace("TEST-FW,", "OTHER-FW,", 1)
    assert csv_problems(lines) == [
        "line 6: framework_code differs from line 2 (it must be the same on every row)"
    ]


def test_csv_unknown_row_type():
    lines = csv_lines()
    lines[6] = lines[6].replace(",item,", ",competency,")
    assert csv_problems(lines) == ["line 7: row type must be level or item"]


def test_csv_parent_code_must_be_defined_on_an_earlier_line():
    lines = csv_lines()
    lines[7] = lines[7].replace(",1.2,1,", ",1.2,9,")  # 9 is defined nowhere
    moved = lines.pop(4)  # 1.1 now comes after its sub-statements
    lines.insert(6, moved)
    assert csv_problems(lines) == [
        "line 5: parent code 1.1 must be an item on an earlier line",
        "line 6: parent code 1.1 must be an item on an earlier line",
        "line 8: parent code 9 must be an item on an earlier line",
    ]


def test_csv_rows_with_the_wrong_number_of_columns():
    lines = csv_lines()
    lines[3] = lines[3] + ",extra"
    lines[8] = lines[8].rsplit(",", 2)[0]
    assert csv_problems(lines) == [
        "line 4: the row has the wrong number of columns",
        "line 9: the row has the wrong number of columns",
    ]


def test_csv_item_problems_are_on_the_line_of_their_row():
    lines = csv_lines()
    lines[9] = lines[9].replace(",statement,", ",sub_statement,")  # 2.1 under a domain
    assert csv_problems(lines) == ["line 10: a sub_statement cannot sit under a domain"]


def test_csv_line_numbers_count_line_breaks_inside_values():
    doc = nested_doc()
    doc.items[0].description = "Three\nlines\nlong"
    lines = to_csv(doc).splitlines()
    # Line 4 starts the first domain's row, which ends on line 6.
    assert lines[5].endswith('long"')
    lines[8] = lines[8].replace(",item,", ",competency,")  # the row of 1.1.b
    assert csv_problems(lines) == ["line 9: row type must be level or item"]


def test_csv_with_no_rows():
    assert csv_problems([",".join(CSV_HEADER)]) == ["line 2: the file has no levels or items"]


def test_csv_with_a_byte_order_mark_is_read():
    text = "\ufeff" + to_csv(nested_doc())
    assert parse_text(text, filename="excel.csv").content_hash() == nested_doc().content_hash()


def test_nested_yaml_builder_is_valid():
    assert nested_yaml().startswith("code: TEST-FW")
    assert len(list(_walk(nested_doc().items))) == 8


def _walk(items):
    for item in items:
        yield item
        yield from _walk(item.children)
