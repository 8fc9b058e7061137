"""Every CSV the app produces goes through the one formula-safe writer (wfld/core/csvfile.py).

Formula payloads are stored in every field that reaches a CSV; each CSV route is fetched and
no cell may start with a character a spreadsheet runs as a formula. The list of CSV routes is
checked against the URL map, so a new CSV route cannot be missed.
"""

from __future__ import annotations

import csv
import inspect
import io
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from flask import Flask

from tests.appraisal.builders import make_cycle
from tests.cpd.builders import make_entry
from tests.factories import NOW
from tests.helpers import sign_in
from wfld.catalogue.models import DeliveryMode, LearningActivity, Provider
from wfld.core import clock
from wfld.core.csvfile import FORMULA_STARTS, csv_safe, csv_text, csv_unsafe
from wfld.cpd.models import CpdEvidence
from wfld.extensions import db
from wfld.frameworks import services as framework_services
from wfld.frameworks.documents import parse_text, to_csv
from wfld.frameworks.models import FrameworkVersion
from wfld.learning import services as learning_services
from wfld.learning.models import Stage
from wfld.organisation.models import JobRole, StaffMember, Team

PAYLOADS = [
    '=HYPERLINK("http://x.example","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _payload(n: int) -> str:
    return PAYLOADS[n % len(PAYLOADS)]


@pytest.fixture
def stored(app: Flask, org) -> dict[str, int]:  # noqa: ANN001
    """Formula payloads in every field that reaches a CSV file."""
    with app.app_context():
        staff = db.session.get(StaffMember, org.practitioner.staff_id)
        staff.first_name, staff.last_name = _payload(0), _payload(1)
        db.session.get(Team, staff.team_id).name = _payload(2)
        role = db.session.get(JobRole, org.role_social_worker)
        role.title = _payload(3)
        activity = LearningActivity(
            title=_payload(4),
            category="Mandatory",
            delivery_mode=DeliveryMode.CLASSROOM,
            provider=Provider.IN_HOUSE,
            duration_hours=Decimal("3"),
            is_active=True,
            created_at=NOW,
        )
        db.session.add(activity)
        db.session.flush()
        pathway = learning_services.create_pathway(
            name="Pathway", description=None, roles=[role], actor=None, now=NOW
        )
        learning_services.add_requirement(
            pathway=pathway,
            stage=Stage.MANDATORY,
            activity=activity,
            framework_item=None,
            is_mandatory=True,
            due_within_days=30,
            renewal_months=None,
            actor=None,
            now=NOW,
        )
        entry = make_entry(
            staff.id,
            title=_payload(0),
            description=_payload(1),
            learning=_payload(2),
            impact=_payload(3),
            peer_reflection=_payload(4),
            peer_role=_payload(5),
        )
        db.session.add(
            CpdEvidence(
                entry_id=entry.id,
                storage_key="csv-test-key",
                original_name=_payload(0) + ".pdf",
                content_type="application/pdf",
                size_bytes=1,
                sha256="0" * 64,
                uploaded_at=NOW,
            )
        )
        result = framework_services.import_document(
            parse_text(_framework_yaml(), filename="f.yaml"), actor=None, now=NOW
        )
        cohort = _asye_cohort(org, staff)
        # The appraisal completion CSV is of a cycle: this year's covers the frozen day.
        make_cycle()
        db.session.commit()
        return {"version_id": result.version.id, "cohort_id": cohort.id}


def _asye_cohort(org, staff: StaffMember):  # noqa: ANN001, ANN202
    """A child and family ASYE (so its funding claims are listed) whose intake is a payload,
    with the practitioner (whose names are payloads) on it from 1 September 2026."""
    from tests.programmes.builders import asye_document, make_cohort, make_enrolment
    from wfld.frameworks.documents import from_dict
    from wfld.programmes import services as programme_services
    from wfld.programmes.models import TemplateStatus
    from wfld.programmes.rules import ProgrammeKind

    kss = framework_services.import_document(
        from_dict(
            {
                "code": "KSS-CF-PRACTITIONER",
                "title": "Practitioner KSS",
                "custodian": "Test",
                "version": {
                    "label": "2018",
                    "status": "published",
                    "items": [{"code": "1", "kind": "statement", "title": _payload(5)}],
                },
            }
        ),
        actor=None,
        now=NOW,
    ).version
    template = programme_services.add_template_version(
        code="asye-child-family",
        name=_payload(1),
        kind=ProgrammeKind.ASYE,
        document=asye_document(),
        status=TemplateStatus.PUBLISHED,
        framework_versions=[kss],
        actor=None,
        now=NOW,
    )
    cohort = make_cohort(template, intake=_payload(0))
    make_enrolment(staff.id, assessor_id=org.line_manager.staff_id, cohort=cohort)
    return cohort


def _framework_yaml() -> str:
    quoted = [p.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") for p in PAYLOADS]
    quoted = [q.replace("\r", "\\r") for q in quoted]
    items = "\n".join(
        f'    - {{code: "{n}", kind: statement, title: "{q}", description: "{q}"}}'
        for n, q in enumerate(quoted, start=1)
    )
    return f"""\
code: CSV-TEST
title: "{quoted[0]}"
custodian: "{quoted[1]}"
description: "{quoted[2]}"
version:
  label: "1"
  status: published
  note: "{quoted[3]}"
  levels:
    - {{code: a, title: "{quoted[4]}"}}
  items:
{items}
"""


# Each CSV route: who fetches it and its address.
CSV_ROUTES: dict[str, tuple[str, Callable[[dict[str, int]], str]]] = {
    "learning.team_compliance_csv": ("line_manager", lambda ids: "/learning/team.csv"),
    "learning.service_compliance_csv": ("wfld_admin", lambda ids: "/learning/compliance.csv"),
    "cpd.record_csv": ("practitioner", lambda ids: "/cpd/me/record.csv"),
    "programmes.cohort_dashboard_csv": (
        "wfld_admin",
        lambda ids: f"/programmes/cohorts/{ids['cohort_id']}/dashboard.csv",
    ),
    # The practitioner's ASYE began on 1 September 2026: its registration claim is in Q2.
    "programmes.funding_csv": (
        "wfld_admin",
        lambda ids: "/programmes/funding.csv?period=2026-27-q2",
    ),
    # Needs a cycle covering today (the `stored` fixture makes one): the team table's names.
    "appraisal.completion_csv": ("wfld_admin", lambda ids: "/appraisal/completion.csv"),
    "frameworks.export_version": (
        "practitioner",
        lambda ids: f"/frameworks/versions/{ids['version_id']}/export.csv",
    ),
}


def _produces_csv(app: Flask, endpoint: str, rule: str) -> bool:
    """A rule whose address names a CSV, or a view that writes one."""
    if re.search(r"\.csv$|\bcsv\b", rule):
        return True
    source = inspect.getsource(inspect.unwrap(app.view_functions[endpoint]))
    return re.search(r"\b(csv_download|csv_text|to_csv|csv\.writer)\(|text/csv", source) is not None


def test_the_list_of_csv_routes_is_every_csv_route(app):
    found = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and _produces_csv(app, rule.endpoint, rule.rule)
    }
    assert found == set(CSV_ROUTES)


@pytest.mark.parametrize("endpoint", sorted(CSV_ROUTES))
def test_no_cell_of_any_csv_can_run_as_a_formula(app, org, stored, endpoint):
    persona, address = CSV_ROUTES[endpoint]
    client = app.test_client()
    assert sign_in(client, getattr(org, persona).email).status_code == 302
    response = client.get(address(stored))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    cells = [c for row in csv.reader(io.StringIO(response.get_data(as_text=True))) for c in row]
    assert [c for c in cells if c[:1] in FORMULA_STARTS] == []
    neutralised = {p for p in PAYLOADS if any(c.startswith("'" + p) for c in cells)}
    assert neutralised, "the payloads reach this file"


def test_csv_safe_and_csv_unsafe_undo_each_other():
    for value in [*PAYLOADS, "", "plain", "'quoted", "'=already", "''+x", "'", "1-2"]:
        assert csv_unsafe(csv_safe(value)) == value
        assert csv_safe(value)[:1] not in FORMULA_STARTS
    assert csv_safe("'=already") == "''=already"
    assert csv_unsafe("'tis") == "'tis"


def test_csv_text_neutralises_every_cell():
    text = csv_text(["=header"], [["+1", 2, None]])
    assert list(csv.reader(io.StringIO(text))) == [["'=header"], ["'+1", "2", ""]]


def test_a_framework_export_with_formula_cells_imports_as_it_was(app, org, stored):
    with app.app_context():
        doc = framework_services.document_for(
            db.session.get(FrameworkVersion, stored["version_id"])
        )
        exported = to_csv(doc)
        assert "\n=" not in exported and ",=" not in exported
        again = parse_text(exported, filename="export.csv")
        assert again.as_dict() == doc.as_dict()
        assert again.content_hash() == doc.content_hash()
        assert again.items[0].title == PAYLOADS[0]


def test_the_cli_export_is_formula_safe_and_imports_back(app, org, stored, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["frameworks", "export", "CSV-TEST", "--format", "csv"])
    assert result.exit_code == 0, result.output
    cells = [c for row in csv.reader(io.StringIO(result.output)) for c in row]
    assert [c for c in cells if c[:1] in FORMULA_STARTS] == []
    assert "'" + PAYLOADS[0] in cells
    # Importing it again finds the same content: nothing new is stored.
    path = tmp_path / "again.csv"
    path.write_text(result.output, encoding="utf-8")
    imported = runner.invoke(args=["frameworks", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    with app.app_context():
        assert len(db.session.get(FrameworkVersion, stored["version_id"]).framework.versions) == 1
