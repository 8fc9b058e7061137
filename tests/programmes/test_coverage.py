"""The coverage map: the pure builder's numbers, the one statement that feeds it, and the page
(a picture with an accessible name and a text alternative holding the same numbers; item
titles escaped)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from tests.factories import NOW, TODAY
from tests.frameworks.builders import nested_doc
from tests.helpers import QueryCounter, page, sign_in
from tests.programmes.builders import asye_document, make_cohort, make_enrolment
from wfld.accounts.models import User
from wfld.core import clock
from wfld.extensions import db
from wfld.frameworks import services as framework_services
from wfld.frameworks.documents import parse_text
from wfld.programmes import coverage, portfolio, queries, services
from wfld.programmes.coverage import Point, build_coverage
from wfld.programmes.models import TemplateStatus
from wfld.programmes.portfolio import EvidenceText
from wfld.programmes.rules import EvidenceKind, ProgrammeKind

POINTS = (Point("agreement", "Agreement"), Point("3m", "3-month review"), Point("final", "Final"))


def _row(source: str, item_id: int, **values: object) -> SimpleNamespace:
    base = {
        "source": source,
        "item_id": item_id,
        "parent_id": None,
        "position": 0,
        "code": None,
        "title": None,
        "framework_code": None,
        "framework_title": None,
        "review_key": None,
        "value": None,
        "day": None,
        "evidence_id": None,
    }
    return SimpleNamespace(**{**base, **values})


def _item(item_id: int, code: str, *, parent: int | None = None, position: int = 0, fw="B"):  # noqa: ANN001, ANN202
    return _row(
        "item",
        item_id,
        parent_id=parent,
        position=position,
        code=code,
        title=f"Item {code}",
        framework_code=fw,
        framework_title=f"Framework {fw}",
    )


def test_the_builder_counts_by_item_and_review_point() -> None:
    rows = [
        _item(2, "1.1", parent=1, position=0),
        _item(1, "1", position=0),
        _item(3, "2", position=1),
        _item(9, "A", fw="A"),
        _row("count", 2, review_key="3m", value=2),
        _row("count", 2, review_key="final", value=1),
        _row("count", 9, review_key="agreement", value=4),
        _row("count", 3, review_key="panel", value=5),  # not a column: left out
        _row("count", 77, review_key="3m", value=1),  # not the template's item: left out
        _row("score", 1, review_key="agreement", value=2, day=dt.date(2026, 9, 5), evidence_id=1),
        _row("score", 1, review_key="agreement", value=3, day=dt.date(2026, 9, 20), evidence_id=2),
        _row("score", 1, review_key="final", value=4, day=dt.date(2027, 8, 1), evidence_id=3),
    ]
    built = build_coverage(POINTS, ["A", "B"], rows)
    assert [block.title for block in built.frameworks] == ["Framework A", "Framework B"]
    assert [(r.code, r.depth, r.counts) for r in built.rows] == [
        ("A", 0, (4, 0, 0)),
        ("1", 0, (0, 0, 0)),
        ("1.1", 1, (0, 2, 1)),
        ("2", 0, (0, 0, 0)),
    ]
    assert [r.code for r in built.never_evidenced] == ["1", "2"]
    assert built.evidenced_count == 2
    assert built.point_totals == (4, 2, 1)
    # The latest self-assessment at a point wins.
    assert built.rows[1].scores == (3, None, 4)
    assert built.has_scores
    assert built.summary.startswith("Coverage map: 2 of 4 framework items evidenced across 3")
    assert built.shade(0) != built.shade(1) != built.shade(2) != built.shade(3)
    assert built.shade(7) == built.shade(3)


def test_a_template_without_frameworks_maps_nothing() -> None:
    built = build_coverage(POINTS, [], [])
    assert built.rows == ()
    assert "no framework items" in built.summary


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def mapped(app, org):  # noqa: ANN001, ANN201
    """The practitioner's ASYE against a nested framework and one whose item's title holds a
    script; a few pieces of evidence and a self-assessment."""
    with app.app_context():
        nested = framework_services.import_document(
            nested_doc("TEST-NESTED"), actor=None, now=NOW
        ).version
        hostile = framework_services.import_document(
            parse_text(
                "code: HOSTILE\ntitle: Hostile framework\ncustodian: Test\nversion:\n"
                '  label: "1"\n  status: published\n  items:\n'
                f'    - {{code: "H1", kind: statement, title: "{SCRIPT}"}}\n',
                filename="hostile.yaml",
            ),
            actor=None,
            now=NOW,
        ).version
        template = services.add_template_version(
            code="asye-map",
            name="ASYE child and family",
            kind=ProgrammeKind.ASYE,
            document=asye_document(),
            status=TemplateStatus.PUBLISHED,
            framework_versions=[nested, hostile],
            actor=None,
            now=NOW,
        )
        enrolment = make_enrolment(
            org.practitioner.staff_id, assessor_id=None, cohort=make_cohort(template)
        )
        items = {item.code: item.id for item in nested.items}
        actor = db.session.get(User, org.practitioner.user_id)

        def add(kind, day, item_codes=(), scores=None, **text):  # noqa: ANN001, ANN202
            return portfolio.add_evidence(
                enrolment=queries.find_enrolment(enrolment.id),
                kind=kind,
                text=EvidenceText(title="A piece", occurred_on=day, **text),
                item_ids={items[c] for c in item_codes},
                scores=scores,
                actor=actor,
                now=NOW,
                today=TODAY,
            )

        observed = {"setting": "A home", "observer": "Assessor"}
        add(EvidenceKind.DIRECT_OBSERVATION, dt.date(2026, 9, 15), ["1.1", "1.1.a"], **observed)
        add(EvidenceKind.DIRECT_OBSERVATION, dt.date(2026, 10, 1), ["1.1"], **observed)
        add(EvidenceKind.WRITTEN_WORK, dt.date(2026, 11, 2), ["1.1", "2.1"], body="A report")
        every = [i.id for i in nested.items] + [hostile.items[0].id]
        add(
            EvidenceKind.SELF_ASSESSMENT,
            dt.date(2026, 9, 10),
            scores={item_id: 2 for item_id in every},
        )
        db.session.commit()
        return {"enrolment_id": enrolment.id, "items": items}


def test_the_map_counts_what_the_portfolio_holds_in_one_statement(app, mapped) -> None:
    with app.app_context():
        enrolment = queries.find_enrolment(mapped["enrolment_id"])
        with QueryCounter(app) as counter:
            rows = coverage.coverage_rows(enrolment)
        assert counter.count == 1
        built = coverage.build_coverage(
            coverage.points_of(enrolment.template.spec),
            [ref.code for ref in enrolment.template.spec.frameworks],
            rows,
        )
        keys = [p.key for p in built.points]
        assert keys == ["agreement", "3m", "6m", "9m", "final"]  # not the panel
        by_code = {row.code: row for row in built.rows}
        assert by_code["1.1"].counts == (1, 2, 0, 0, 0)
        assert by_code["1.1.a"].counts == (1, 0, 0, 0, 0)
        assert by_code["2.1"].counts == (0, 1, 0, 0, 0)
        assert by_code["1.1.a"].depth == 2
        assert {row.code for row in built.never_evidenced} == {"1", "1.1.b", "1.2", "2", "3", "H1"}
        assert by_code["3"].scores == (2, None, None, None, None)


def test_the_page_draws_the_map_and_says_it_in_words(client, org, mapped) -> None:
    sign_in(client, org.practitioner.email)
    response = client.get(f"/programmes/enrolments/{mapped['enrolment_id']}/coverage")
    shown = page(response)  # also: no script element anywhere on the page
    assert shown.h1 == "Coverage map"
    picture = shown.soup.select_one("svg[role=img]")
    assert picture["aria-label"].startswith("Coverage map: 3 of 9 framework items evidenced")
    assert picture.find("title").get_text() == picture["aria-label"]
    tables = shown.soup.select("table.govuk-table")
    nested = next(t for t in tables if "Test framework TEST-NESTED" in t.caption.get_text())
    cells = {
        " ".join(row.th.get_text().split()): [td.get_text(strip=True) for td in row.select("td")]
        for row in nested.select("tbody tr")
    }
    assert cells["1.1 First statement"] == ["1", "2", "0", "0", "0", "3"]
    assert cells["1.2 Second statement"] == ["0", "0", "0", "0", "0", "0"]
    never = [li.get_text(" ", strip=True) for li in shown.soup.select("#never-evidenced + ul li")]
    assert "Test framework TEST-NESTED: 1.2 Second statement" in never
    # Every number of the picture is in the table too (colour is never the only signal).
    drawn = {
        group.title.get_text().split(":")[0]: [
            t.get_text() for t in group.select("text[text-anchor=middle]")
        ]
        for group in picture.select("g")
    }
    assert drawn["1.1 First statement"] == ["1", "2", "0", "0", "0"]
    assert drawn["1.2 Second statement"] == ["0", "0", "0", "0", "0"]
    scores = shown.soup.select_one("#self-assessment-scores + div table")
    assert scores is not None and "2" in scores.get_text()


def test_an_item_title_with_markup_is_escaped(client, org, mapped) -> None:
    sign_in(client, org.practitioner.email)
    response = client.get(f"/programmes/enrolments/{mapped['enrolment_id']}/coverage")
    assert SCRIPT.encode() not in response.data
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.data
    shown = page(response)
    assert not shown.soup.find("script", src=False)
    assert f"H1 {SCRIPT}" in shown.text()  # shown as text


def test_only_those_who_see_the_enrolment_see_its_map(client, org, mapped) -> None:
    path = f"/programmes/enrolments/{mapped['enrolment_id']}/coverage"
    assert client.get(path).status_code == 302
    sign_in(client, org.other_practitioner.email)
    assert client.get(path).status_code == 404
