"""The reference frameworks shipped in seeds/reference/frameworks match DOMAIN.md exactly."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from sqlalchemy import select

from tests.frameworks.builders import LATER, NOW, row_counts
from wfld import PROJECT_ROOT
from wfld.accounts.models import AuditEvent
from wfld.extensions import db
from wfld.frameworks import queries, services
from wfld.frameworks.documents import DocumentError
from wfld.frameworks.models import Framework, FrameworkItem, ItemKind, VersionStatus
from wfld.frameworks.seeding import load_reference_frameworks

SEEDS = PROJECT_ROOT / "seeds" / "reference" / "frameworks"

# Titles as DOMAIN.md ("Frameworks") gives them, in order.
PCF_DOMAINS = [
    "Professionalism",
    "Values and ethics",
    "Diversity and equality",
    "Rights, justice and economic wellbeing",
    "Knowledge",
    "Critical reflection and analysis",
    "Skills and interventions",
    "Contexts and organisations",
    "Professional leadership",
]
PCF_LEVELS = [  # as in pcf.yaml
    ("entry", "Entry"),
    ("readiness", "Readiness for practice"),
    ("first-placement", "End of first placement"),
    ("qualifying", "End of last placement/qualifying"),
    ("asye", "ASYE (newly qualified social worker)"),
    ("social-worker", "Social worker"),
    ("experienced", "Experienced social worker"),
    ("advanced", "Advanced (advanced practitioner, professional educator, manager)"),
    ("strategic", "Strategic (strategic educator, strategic manager, principal social worker)"),
]
PCF_LEVELS_IN_DOMAIN_MD = [  # DOMAIN.md's level list, lower case as it is written there
    "entry",
    "readiness for practice",
    "end of first placement",
    "end of last placement/qualifying",
    "asye",
    "social worker",
    "experienced social worker",
    "advanced",
    "strategic",
]
KSS_PRACTITIONER = [
    "Relationships and effective direct work",
    "Communication",
    "Child development",
    "Adult mental ill health, substance misuse, domestic abuse, physical ill health and disability",
    "Abuse and neglect of children",
    "Child and family assessment",
    "Analysis, decision-making, planning and review",
    "The law and the family and youth justice systems",
    "The role of supervision and research",
    "Organisational context",
]
KSS_SUPERVISOR = [
    "Promote and govern excellent practice",
    "Developing excellent practitioners",
    "Shaping and influencing the practice system",
    "Effective use of power and authority",
    "Confident analysis and decision-making",
    "Purposeful and effective social work",
    "Emotionally intelligent practice supervision",
    "Performance management and improvement",
]
KSS_LEADER = [
    "Lead and govern excellent practice",
    "Creating a context for excellent practice",
    "Designing systems to support excellent practice",
    "Developing excellent practice and practitioners",
    "Support effective decision-making",
    "Quality assurance and improvement",
]
EARLY_CAREER_2025_DRAFT = [
    "Anti-discriminatory practice",
    "Relationships and communication",
    "Assessment and planning",
    "Intervention",
    "Reflection and learning",
    "Leadership and management",
]
COUNCIL_CORE = [
    "Safeguarding",
    "Professional standards",
    "Recording and information governance",
    "Respecting diversity and equality of opportunity",
    "User participation and engagement",
    "Partnership and integrated working",
    "Leadership for managers",
]
COMMON_CORE = [
    "Effective communication and engagement with children, young people and families",
    "Child and young person development",
    "Safeguarding and promoting the welfare of the child or young person",  # the 2010 wording
    "Supporting transitions",
    "Multi-agency working",
    "Sharing information",
]
SWE_PS4 = [
    ("4.1", "Feedback"),
    ("4.2", "Supervision"),
    ("4.3", "Research, theories and frameworks"),
    ("4.4", "Subject knowledge and current issues"),
    ("4.5", "Open and creative learning culture"),
    ("4.6", "Reflection"),
    ("4.7", "Recording your learning"),
    ("4.8", "Values and ethics"),
]
# Social Work England's sentence for each part ("As a social worker, I will: ..."), kept as the
# item's description; 4.1 exactly as DOMAIN.md gives it.
SWE_PS4_SENTENCES = {
    "4.1": "Incorporate feedback from a range of sources, including from people with lived "
    "experience of my social work practice",
    "4.2": "Use supervision and feedback to critically reflect on, and identify my learning needs, "
    "including how I use research and evidence to inform my practice",
    "4.3": "Keep my practice up to date and record how I use research, theories and frameworks to "
    "inform my practice and my professional judgement",
    "4.4": "Demonstrate good subject knowledge on key aspects of social work practice and develop "
    "knowledge of current issues in society and social policies impacting on social work",
    "4.5": "Contribute to an open and creative learning culture in the workplace to discuss, "
    "reflect on and share best practice",
    "4.6": "Reflect on my learning activities and evidence what impact continuing professional "
    "development has on the quality of my practice",
    "4.7": "Record my learning and reflection on a regular basis and in accordance with Social "
    "Work England's guidance on continuing professional development",
    "4.8": "Reflect on my own values and challenge the impact they have on my practice",
}
KSS_TITLE = "Post-qualifying standard: knowledge and skills statement for "
NMC_CODE_THEMES = [
    "Prioritise people",
    "Practise effectively",
    "Preserve safety",
    "Promote professionalism and trust",
]
ALL_CODES = {
    "PCF",
    "KSS-CF-PRACTITIONER",
    "KSS-CF-SUPERVISOR",
    "KSS-CF-LEADER",
    "ECS-CF",
    "COUNCIL-CORE",
    "CCSK",
    "SWE-PS4",
    "NMC-CODE",
}


@pytest.fixture
def seeded(app):
    result = app.test_cli_runner().invoke(args=["seed", "frameworks"])
    assert result.exit_code == 0, result.output
    return result


def only_version(code: str):
    framework = queries.find_framework_by_code(code)
    assert framework is not None, f"{code} was not seeded"
    assert [v.number for v in framework.versions] == [1]
    return framework.versions[0]


def top_level(version) -> list[FrameworkItem]:
    nodes = queries.item_tree(version)
    assert all(node.depth == 0 for node in nodes), "the reference frameworks are flat"
    return [node.item for node in nodes]


def titles(version, kind: ItemKind) -> list[str]:
    items = top_level(version)
    assert {i.kind for i in items} == {kind}
    assert [i.code for i in items] == [str(n) for n in range(1, len(items) + 1)]
    return [i.title for i in items]


def test_seed_loads_the_nine_reference_frameworks(app, seeded):
    with app.app_context():
        assert {f.code for f in queries.list_frameworks()} == ALL_CODES
        for code in ALL_CODES:
            version = only_version(code)
            expected = VersionStatus.DRAFT if code == "ECS-CF" else VersionStatus.PUBLISHED
            assert version.status is expected, code
            assert version.content_hash, code
            assert not version.framework.is_local
        assert "PCF" in seeded.output and "new version" in seeded.output


def test_pcf_domains_and_levels(app, seeded):
    with app.app_context():
        version = only_version("PCF")
        assert titles(version, ItemKind.DOMAIN) == PCF_DOMAINS
        assert [(lv.code, lv.title) for lv in version.levels] == PCF_LEVELS
        assert [lv.position for lv in version.levels] == list(range(1, 10))
        for level, first_words in zip(version.levels, PCF_LEVELS_IN_DOMAIN_MD, strict=True):
            assert level.title.lower().startswith(first_words), level.title
        assert version.framework.custodian.startswith("British Association of Social Workers")
        assert version.framework.source_url.startswith("https://")
        assert all(item.description is None for item in version.items), "no BASW descriptors"


def test_kss_practitioner_ends_on_31_march_2027(app, seeded):
    with app.app_context():
        version = only_version("KSS-CF-PRACTITIONER")
        assert titles(version, ItemKind.STATEMENT) == KSS_PRACTITIONER
        assert version.effective_to == dt.date(2027, 3, 31)
        assert version.in_effect_on(dt.date(2027, 3, 31))
        assert not version.in_effect_on(dt.date(2027, 4, 1))


def test_kss_practice_supervisors_and_leaders(app, seeded):
    with app.app_context():
        assert titles(only_version("KSS-CF-SUPERVISOR"), ItemKind.STATEMENT) == KSS_SUPERVISOR
        assert titles(only_version("KSS-CF-LEADER"), ItemKind.STATEMENT) == KSS_LEADER


def test_early_career_standards_are_a_draft_from_1_april_2027(app, seeded):
    with app.app_context():
        version = only_version("ECS-CF")
        assert version.status is VersionStatus.DRAFT
        assert version.published_at is None
        assert version.effective_from == dt.date(2027, 4, 1)
        assert version.effective_to is None
        assert titles(version, ItemKind.DOMAIN) == EARLY_CAREER_2025_DRAFT
        framework = version.framework
        assert queries.current_version(framework, today=dt.date(2027, 6, 1)) is None
        assert queries.draft_version(framework).id == version.id


def test_council_core_common_core_and_swe_standard_4(app, seeded):
    with app.app_context():
        assert titles(only_version("COUNCIL-CORE"), ItemKind.DOMAIN) == COUNCIL_CORE
        assert titles(only_version("CCSK"), ItemKind.DOMAIN) == COMMON_CORE
        items = top_level(only_version("SWE-PS4"))
        assert [(i.code, i.title) for i in items] == SWE_PS4
        assert {i.kind for i in items} == {ItemKind.STATEMENT}


def test_swe_standard_4_keeps_social_work_englands_sentence_as_each_description(app, seeded):
    with app.app_context():
        items = top_level(only_version("SWE-PS4"))
        assert {i.code: i.description for i in items} == SWE_PS4_SENTENCES
        assert [i.title for i in items] == [title for _, title in SWE_PS4], "short labels kept"


def test_kss_titles_carry_the_post_qualifying_standard_prefix(app, seeded):
    with app.app_context():
        titles_by_code = {
            code: queries.find_framework_by_code(code).title
            for code in ("KSS-CF-PRACTITIONER", "KSS-CF-SUPERVISOR", "KSS-CF-LEADER")
        }
    assert titles_by_code == {
        "KSS-CF-PRACTITIONER": KSS_TITLE + "child and family practitioners",
        "KSS-CF-SUPERVISOR": KSS_TITLE + "practice supervisors",
        "KSS-CF-LEADER": KSS_TITLE + "practice leaders",
    }


def test_practitioner_kss_is_described_as_superseded_from_1_april_2027(app, seeded):
    with app.app_context():
        version = only_version("KSS-CF-PRACTITIONER")
        framework = version.framework
        assert framework.custodian == "Department for Education"
        sentences = framework.description.split(". ")
        assert sentences[1] == (
            "Superseded for child and family practitioners from 1 April 2027; it is used until "
            "31 March 2027, and from 1 April 2027 the Department for Education says employers "
            "should use the child and family social worker early career standards instead."
        )
        assert version.effective_to == dt.date(2027, 3, 31)


def test_early_career_standards_are_labelled_the_2025_consultation_draft(app, seeded):
    with app.app_context():
        version = only_version("ECS-CF")
        framework = version.framework
        assert version.label == "2025 consultation draft"
        assert version.name == (
            "Child and family social worker early career standards (2025 consultation draft)"
        )
        assert framework.description.startswith(
            "What is stored here is the 2025 consultation draft. The final standards were "
            "published on 18 February 2026 and apply from 1 April 2027"
        )
        assert framework.description.endswith(
            "A WFLD admin should import or complete the final text, then publish it."
        )


def test_common_core_custodians_and_2010_wording(app, seeded):
    with app.app_context():
        version = only_version("CCSK")
        framework = version.framework
        assert version.label == "2010"
        assert framework.custodian == (
            "Department for Education and Skills (2005); refreshed by the Children's Workforce "
            "Development Council (March 2010)"
        )
        safeguarding = top_level(version)[2]
        assert (safeguarding.code, safeguarding.title) == (
            "3",
            "Safeguarding and promoting the welfare of the child or young person",
        )


def test_nmc_code_is_a_framework_of_four_themes(app, seeded):
    with app.app_context():
        version = only_version("NMC-CODE")
        framework = version.framework
        assert framework.custodian == "Nursing and Midwifery Council"
        assert version.status is VersionStatus.PUBLISHED
        assert titles(version, ItemKind.DOMAIN) == NMC_CODE_THEMES
        descriptions = [i.description for i in top_level(version)]
        assert all(d and "\n" not in d and len(d) < 120 for d in descriptions), "one line each"


def test_seeding_twice_creates_nothing(app, seeded):
    with app.app_context():
        before = row_counts()
    assert before["FrameworkVersion"] == 9
    second = app.test_cli_runner().invoke(args=["seed", "frameworks"])
    assert second.exit_code == 0, second.output
    assert second.output.count("(unchanged)") == 9
    assert "new version" not in second.output
    with app.app_context():
        assert row_counts() == before


def test_a_changed_seed_file_becomes_version_2_of_that_framework_only(app, seeded, tmp_path):
    with app.app_context():
        before = row_counts()
        old = {i.id: (i.code, i.title) for i in only_version("PCF").items}
        old_levels = {lv.id: lv.title for lv in only_version("PCF").levels}
        others = {f.code: f.versions[0].id for f in queries.list_frameworks() if f.code != "PCF"}

    directory = tmp_path / "frameworks"
    shutil.copytree(SEEDS, directory)
    pcf = directory / "pcf.yaml"
    text = pcf.read_text(encoding="utf-8")
    assert "title: Knowledge}" in text
    pcf.write_text(text.replace("title: Knowledge}", "title: Knowledge and research}"), "utf-8")

    with app.app_context():
        results = load_reference_frameworks(directory, now=LATER)
        db.session.commit()
    assert [name for name, result in results if result.created] == ["pcf.yaml"]

    with app.app_context():
        framework = queries.find_framework_by_code("PCF")
        assert [v.number for v in framework.versions] == [1, 2]
        first, second = framework.versions
        assert {i.id: (i.code, i.title) for i in first.items} == old, "version 1 untouched"
        assert {lv.id: lv.title for lv in first.levels} == old_levels
        assert first.status is VersionStatus.PUBLISHED
        assert second.status is VersionStatus.PUBLISHED
        assert second.created_at == LATER
        assert [i.title for i in top_level(second)] == [
            "Knowledge and research" if t == "Knowledge" else t for t in PCF_DOMAINS
        ]
        assert not set(old) & {i.id for i in second.items}
        assert len(second.levels) == 9
        assert queries.current_version(framework, today=dt.date(2026, 11, 23)).number == 2
        for code, version_id in others.items():
            framework = queries.find_framework_by_code(code)
            assert [v.id for v in framework.versions] == [version_id], code
        after = row_counts()
    assert after["FrameworkVersion"] == before["FrameworkVersion"] + 1
    assert after["FrameworkItem"] == before["FrameworkItem"] + 9
    assert after["FrameworkLevel"] == before["FrameworkLevel"] + 9


def test_reseeding_after_the_early_career_draft_is_completed_adds_nothing(app, seeded):
    """The WFLD team completes the seeded draft on screen; `make run` seeds again after."""
    with app.app_context():
        version = only_version("ECS-CF")
        services.add_item(
            version=version, parent=top_level(version)[0], kind=ItemKind.STATEMENT,
            code="1.1", title="Challenges discrimination", description=None, actor=None, now=NOW,
        )  # fmt: skip
        db.session.commit()
    while_draft = app.test_cli_runner().invoke(args=["seed", "frameworks"])
    assert while_draft.exit_code == 0, while_draft.output
    with app.app_context():
        assert len(only_version("ECS-CF").items) == 7

        services.publish_version(
            version=only_version("ECS-CF"), effective_from=None, actor=None, now=LATER
        )
        db.session.commit()
        before = row_counts()
    after_publishing = app.test_cli_runner().invoke(args=["seed", "frameworks"])
    assert after_publishing.exit_code == 0, after_publishing.output
    with app.app_context():
        assert row_counts() == before
        version = only_version("ECS-CF")
        assert version.status is VersionStatus.PUBLISHED
        assert len(version.items) == 7


# The early career standards as the seeds shipped them before the draft was labelled.
EARLIER_ECS = """\
code: ECS-CF
title: Child and family social worker early career standards
custodian: Department for Education
description: Published 18 February 2026; apply from 1 April 2027.
version:
  label: "2027"
  status: draft
  effective_from: 2027-04-01
  note: The domains below are those of the 2025 draft.
  items:
    - {code: "1", kind: domain, title: Anti-discriminatory practice}
    - {code: "2", kind: domain, title: Relationships and communication}
    - {code: "3", kind: domain, title: Assessment and planning}
    - {code: "4", kind: domain, title: Intervention}
    - {code: "5", kind: domain, title: Reflection and learning}
    - {code: "6", kind: domain, title: Leadership and management}
"""


def earlier_seeds(tmp_path):  # noqa: ANN001, ANN201
    directory = tmp_path / "frameworks"
    shutil.copytree(SEEDS, directory)
    (directory / "early-career-standards.yaml").write_text(EARLIER_ECS, "utf-8")
    return directory


def test_an_untouched_early_career_draft_takes_the_new_label_when_seeded_again(app, tmp_path):
    """An installation seeded before the label changed: the same draft takes the new names."""
    with app.app_context():
        load_reference_frameworks(earlier_seeds(tmp_path), now=NOW)
        db.session.commit()
        version = only_version("ECS-CF")
        before = (version.id, [(i.id, i.code, i.title) for i in version.items])
        assert version.label == "2027"

    result = app.test_cli_runner().invoke(args=["seed", "frameworks"])
    assert result.exit_code == 0, result.output
    refreshed_lines = [line.split() for line in result.output.splitlines() if "refreshed" in line]
    assert refreshed_lines == [
        ["ECS-CF", "version", "1", "(draft", "refreshed)", "from", "early-career-standards.yaml"]
    ]
    with app.app_context():
        version = only_version("ECS-CF")
        assert (version.id, [(i.id, i.code, i.title) for i in version.items]) == before
        assert version.label == "2025 consultation draft"
        assert version.status is VersionStatus.DRAFT
        assert version.framework.description.startswith(
            "What is stored here is the 2025 consultation draft."
        )
        assert version.note.startswith("The domains below are those of the 2025 consultation")
        refreshed = db.session.scalars(
            select(AuditEvent).where(AuditEvent.event == "framework_draft_refreshed")
        ).all()
        assert [(e.subject_id, e.details["label"]) for e in refreshed] == [
            (version.id, "2025 consultation draft")
        ]
    again = app.test_cli_runner().invoke(args=["seed", "frameworks"])
    assert again.output.count("(unchanged)") == 9, again.output


def test_a_draft_worked_on_since_its_file_is_not_refreshed(app, tmp_path):
    with app.app_context():
        load_reference_frameworks(earlier_seeds(tmp_path), now=NOW)
        version = only_version("ECS-CF")
        services.add_item(
            version=version, parent=None, kind=ItemKind.DOMAIN,
            code="7", title="Added on screen", description=None, actor=None, now=NOW,
        )  # fmt: skip
        db.session.commit()
        with pytest.raises(DocumentError) as caught:
            load_reference_frameworks(SEEDS, now=LATER)
        db.session.rollback()
        assert caught.value.problems == [
            "early-career-standards.yaml: ECS-CF already has a draft version: "
            "publish or finish it first"
        ]
        assert only_version("ECS-CF").label == "2027"


def test_a_changed_draft_seed_file_while_the_draft_is_open_is_refused_cleanly(
    app, seeded, tmp_path
):
    directory = tmp_path / "frameworks"
    shutil.copytree(SEEDS, directory)
    ecs = directory / "early-career-standards.yaml"
    ecs.write_text(
        ecs.read_text("utf-8").replace("title: Intervention}", "title: Interventions}"), "utf-8"
    )
    with app.app_context():
        before = row_counts()
        with pytest.raises(DocumentError) as caught:
            load_reference_frameworks(directory, now=LATER)
        db.session.rollback()
        assert caught.value.problems == [
            "early-career-standards.yaml: ECS-CF already has a draft version: "
            "publish or finish it first"
        ]
    with app.app_context():
        assert row_counts() == before
        assert db.session.scalar(select(Framework).where(Framework.code == "ECS-CF"))
