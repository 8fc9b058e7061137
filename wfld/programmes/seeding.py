"""Load the reference programme templates shipped in seeds/reference/programmes/ (idempotent).

The natural key is the template's code. A file whose content matches a version already
stored (any version: a WFLD admin's later edits are not undone) changes nothing; a file that
matches none adds the next version and never rewrites one, because enrolments keep the
version they started on. Frameworks are named by code and version label, so they must be
loaded first (``wfld.frameworks.seeding.load_reference_frameworks``); a template whose
framework is missing is skipped and says why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from wfld.frameworks.models import FrameworkVersion
from wfld.organisation import queries as org_queries
from wfld.programmes import services, templating
from wfld.programmes.models import ProgrammeTemplate, TemplateStatus
from wfld.programmes.rules import ProgrammeKind, TemplateInvalid, parse_template


class ProgrammeFileError(ValueError):
    """A reference file that does not make a template: one message per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class LoadState(StrEnum):
    ADDED = "added"  # the code's first version
    NEW_VERSION = "new version"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class LoadResult:
    state: LoadState
    template: ProgrammeTemplate | None
    # Why a file was skipped, or what was left out (a progression role the council lacks).
    problem: str = ""


@dataclass(frozen=True)
class ReferenceTemplate:
    code: str
    name: str
    kind: ProgrammeKind
    status: TemplateStatus
    description: str
    progression_role: str | None
    document: dict[str, Any]


def read_reference_file(path: Path) -> ReferenceTemplate:
    """One file, checked: its fields and its document (by the same rules as the edit page)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as problem:
        raise ProgrammeFileError([f"{path.name}: not valid YAML ({problem})"]) from None
    if not isinstance(raw, dict):
        raise ProgrammeFileError([f"{path.name}: expected a mapping of fields"])
    problems = [
        f"{path.name}: {name} is missing"
        for name in ("code", "name", "kind", "status", "document")
        if not raw.get(name)
    ]
    if problems:
        raise ProgrammeFileError(problems)
    try:
        kind = ProgrammeKind(raw["kind"])
        status = TemplateStatus(raw["status"])
    except ValueError as problem:
        raise ProgrammeFileError([f"{path.name}: {problem}"]) from None
    if not isinstance(raw["document"], dict):
        raise ProgrammeFileError([f"{path.name}: document must be a mapping"])
    try:
        parse_template(raw["document"])
    except TemplateInvalid as invalid:
        raise ProgrammeFileError([f"{path.name}: {m}" for m in invalid.errors.values()]) from None
    return ReferenceTemplate(
        code=str(raw["code"]),
        name=str(raw["name"]),
        kind=kind,
        status=status,
        description=str(raw.get("description") or "").strip(),
        progression_role=raw.get("progression_role") or None,
        document=raw["document"],
    )


def _same(template: ProgrammeTemplate, reference: ReferenceTemplate) -> bool:
    """The file says what this stored version says. The status is not compared (an admin
    publishes or retires a version without changing it), nor the progression role (a council
    setting, only suggested by the file)."""
    return (
        template.name == reference.name
        and template.kind is reference.kind
        and (template.description or "") == reference.description
        and template.document == reference.document
    )


def load_reference_programmes(folder: Path, *, now: dt.datetime) -> list[tuple[str, LoadResult]]:
    """Load every ``*.yaml`` in ``folder``: (code, what happened) per file, in file order."""
    results: list[tuple[str, LoadResult]] = []
    for path in sorted(folder.glob("*.yaml")):
        reference = read_reference_file(path)
        results.append((reference.code, _load(reference, now=now)))
    return results


def _load(reference: ReferenceTemplate, *, now: dt.datetime) -> LoadResult:
    versions = [row.template for row in templating.list_versions(reference.code)]
    for stored in versions:
        if _same(stored, reference):
            return LoadResult(LoadState.UNCHANGED, stored)
    spec = parse_template(reference.document)
    framework_versions: list[FrameworkVersion] = []
    for ref in spec.frameworks:
        found = templating.find_framework_version(ref.code, ref.version)
        if found is None:
            return LoadResult(
                LoadState.SKIPPED,
                None,
                f"{reference.code}: no framework {ref.code} version {ref.version!r}: load the "
                "reference frameworks first (flask --app wsgi seed frameworks)",
            )
        if found not in framework_versions:
            framework_versions.append(found)
    # The council's progression rule carries over from the version before, unless the file
    # names a role the council has.
    problem = ""
    role_id = versions[0].progression_role_id if versions else None
    if reference.progression_role:
        role = org_queries.find_job_role_by_title(reference.progression_role)
        if role is None:
            problem = (
                f"{reference.code}: no job role titled {reference.progression_role!r}: loaded "
                "without a progression role (a WFLD admin can set it on the template)"
            )
        else:
            role_id = role.id
    template = services.add_template_version(
        code=reference.code,
        name=reference.name,
        kind=reference.kind,
        document=reference.document,
        status=reference.status,
        framework_versions=framework_versions,
        description=reference.description,
        progression_role_id=role_id,
        actor=None,
        now=now,
    )
    if template.status is TemplateStatus.PUBLISHED:
        templating.retire_older_published(template, actor=None, now=now)
    return LoadResult(LoadState.NEW_VERSION if versions else LoadState.ADDED, template, problem)
