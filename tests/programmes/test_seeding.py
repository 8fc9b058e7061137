"""The reference programme templates: every file makes a template the rules accept, loading
is idempotent by code, a changed file adds a version without touching the ones enrolments
are pinned to, frameworks are resolved by code and label (and missing ones skip the file with
a clear message), and `seed programmes` says what it did."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from tests.programmes.builders import make_cohort, make_enrolment
from wfld import PROJECT_ROOT
from wfld.extensions import db
from wfld.frameworks.seeding import load_reference_frameworks
from wfld.programmes import queries
from wfld.programmes.models import ProgrammeTemplate, TemplateStatus
from wfld.programmes.rules import parse_template
from wfld.programmes.seeding import (
    LoadState,
    ProgrammeFileError,
    load_reference_programmes,
    read_reference_file,
)

REFERENCE = PROJECT_ROOT / "seeds" / "reference" / "programmes"
FRAMEWORKS = PROJECT_ROOT / "seeds" / "reference" / "frameworks"
NOW = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=30)


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "programmes"
    shutil.copytree(REFERENCE, folder)
    return folder


def _template_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ProgrammeTemplate))


@pytest.mark.parametrize("path", sorted(REFERENCE.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_reference_file_is_a_template_the_rules_accept(path):
    reference = read_reference_file(path)
    spec = parse_template(reference.document)
    assert reference.code == path.stem
    assert spec.notes, "each template says where its rules come from"
    assert spec.review_points[-1].months <= spec.length_months + 1


def test_the_programmes_the_issue_names_with_their_facts():
    files = {p.stem: read_reference_file(p) for p in REFERENCE.glob("*.yaml")}
    specs = {code: parse_template(r.document) for code, r in files.items()}
    assert set(files) == {
        "asye-child-family",
        "asye-adults",
        "ecdp",
        "step-up",
        "approach-social-work",
        "social-work-apprenticeship",
        "peps-stage-1",
        "peps-stage-2",
    }
    adults = specs["asye-adults"]
    assert adults.external_moderation is True
    assert [(f.code, f.level) for f in adults.frameworks] == [("PCF", "asye")]
    assert files["ecdp"].status is TemplateStatus.DRAFT
    assert specs["ecdp"].length_months == 24
    assert [(f.code, f.version) for f in specs["ecdp"].frameworks] == [
        (
            "ECS-CF",
            yaml.safe_load((FRAMEWORKS / "early-career-standards.yaml").read_text())["version"][
                "label"
            ],
        )
    ]
    assert "not yet published (confirm)" in specs["ecdp"].notes.lower()
    assert specs["step-up"].length_months == 14
    assert specs["approach-social-work"].length_months == 36
    apprenticeship = specs["social-work-apprenticeship"]
    assert apprenticeship.length_months == 36
    assert apprenticeship.tripartite_review_weeks == 12
    assert apprenticeship.off_the_job_hours and "confirm" in apprenticeship.notes
    tripartite = [p for p in apprenticeship.review_points if p.key.startswith("tripartite")]
    assert [p.weeks for p in tripartite] == list(range(12, 145, 12))
    assert {code for code, r in files.items() if r.progression_role} == {
        "asye-child-family",
        "asye-adults",
    }
    assert all(specs[c].frameworks[0].level == "advanced" for c in ("peps-stage-1", "peps-stage-2"))


def test_loading_twice_changes_nothing_and_links_frameworks_and_the_progression_role(app, org):
    with app.app_context():
        load_reference_frameworks(FRAMEWORKS, now=NOW)
        first = load_reference_programmes(REFERENCE, now=NOW)
        assert {r.state for _, r in first} == {LoadState.ADDED}
        assert all(not r.problem for _, r in first)
        count = _template_count()
        assert count == 8
        second = load_reference_programmes(REFERENCE, now=LATER)
        assert {r.state for _, r in second} == {LoadState.UNCHANGED}
        assert _template_count() == count

        asye = queries.latest_template("asye-child-family")
        assert sorted((v.framework.code, v.label) for v in asye.framework_versions) == [
            ("KSS-CF-PRACTITIONER", "2018"),
            ("PCF", "2018"),
        ]
        assert asye.progression_role_id == org.role_social_worker
        assert asye.status is TemplateStatus.PUBLISHED
        ecdp = queries.latest_template("ecdp")
        assert ecdp.status is TemplateStatus.DRAFT
        assert [v.framework.code for v in ecdp.framework_versions] == ["ECS-CF"]
        assert queries.latest_template("step-up").progression_role_id is None


def test_a_changed_file_adds_a_version_and_never_rewrites_the_one_an_enrolment_is_on(
    app, org, tmp_path
):
    folder = _copy(tmp_path)
    with app.app_context():
        load_reference_frameworks(FRAMEWORKS, now=NOW)
        load_reference_programmes(folder, now=NOW)
        first = queries.latest_template("asye-child-family")
        first_document = dict(first.document)
        enrolment = make_enrolment(
            org.practitioner.staff_id, assessor_id=None, cohort=make_cohort(first)
        )
        db.session.commit()

        path = folder / "asye-child-family.yaml"
        data = yaml.safe_load(path.read_text())
        data["document"]["session_minutes"] = 60
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        results = dict(load_reference_programmes(folder, now=LATER))
        db.session.commit()

        changed = results["asye-child-family"]
        assert changed.state is LoadState.NEW_VERSION
        assert changed.template.version == first.version + 1
        assert changed.template.document["session_minutes"] == 60
        assert results["step-up"].state is LoadState.UNCHANGED
        db.session.expire_all()
        assert db.session.get(ProgrammeTemplate, first.id).document == first_document
        assert db.session.get(ProgrammeTemplate, first.id).status is TemplateStatus.RETIRED
        assert enrolment.template_id == first.id
        assert len(dict(load_reference_programmes(folder, now=LATER))) == 8
        assert _template_count() == 9


def test_a_missing_framework_skips_the_template_and_says_to_load_frameworks_first(app, org):
    with app.app_context():
        results = dict(load_reference_programmes(REFERENCE, now=NOW))
        assert {r.state for r in results.values()} == {LoadState.SKIPPED}
        assert "load the reference frameworks first" in results["asye-adults"].problem
        assert "PCF" in results["asye-adults"].problem
        assert _template_count() == 0


def test_a_missing_job_role_loads_without_a_progression_role_and_says_so(app, tmp_path):
    with app.app_context():
        load_reference_frameworks(FRAMEWORKS, now=NOW)
        results = dict(load_reference_programmes(REFERENCE, now=NOW))
        asye = results["asye-child-family"]
        assert asye.state is LoadState.ADDED
        assert asye.template.progression_role_id is None
        assert "no job role titled 'Social Worker'" in asye.problem


def test_a_broken_file_is_refused_with_its_name_and_nothing_is_loaded(app, tmp_path):
    folder = _copy(tmp_path)
    path = folder / "step-up.yaml"
    data = yaml.safe_load(path.read_text())
    data["document"]["length_months"] = 0
    path.write_text(yaml.safe_dump(data))
    with app.app_context(), pytest.raises(ProgrammeFileError) as refused:
        load_reference_frameworks(FRAMEWORKS, now=NOW)
        load_reference_programmes(folder, now=NOW)
    assert refused.value.problems == ["step-up.yaml: Length in months must be between 1 and 60"]


def test_seed_programmes_command_reports_each_template_and_runs_twice(app, org):
    runner = app.test_cli_runner()
    skipped = runner.invoke(args=["seed", "programmes"])
    assert skipped.exit_code == 0, skipped.output
    assert "skipped" in skipped.output and "seed frameworks" in skipped.output
    assert runner.invoke(args=["seed", "frameworks"]).exit_code == 0
    first = runner.invoke(args=["seed", "programmes"])
    assert first.exit_code == 0, first.output
    assert "asye-adults" in first.output and "version 1 (added)" in first.output
    second = runner.invoke(args=["seed", "programmes"])
    assert second.output.count("(unchanged)") == 8
    with app.app_context():
        assert _template_count() == 8
