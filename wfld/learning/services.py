"""Writes for pathways: the WFLD team decides who must learn what, and by when."""

from __future__ import annotations

import datetime as dt

from wfld.accounts import audit
from wfld.accounts.models import User
from wfld.catalogue.models import LearningActivity
from wfld.core.errors_domain import RuleBroken
from wfld.extensions import db
from wfld.frameworks.models import FrameworkItem, RoleExpectedLevel
from wfld.learning import queries, stored
from wfld.learning.models import (
    DEFAULT_GRACE_DAYS,
    Pathway,
    PathwayAssignment,
    PathwayRequirement,
    Stage,
)
from wfld.organisation.models import JobRole, StaffMember


def create_pathway(
    *,
    name: str,
    description: str | None,
    roles: list[JobRole],
    actor: User | None,
    now: dt.datetime,
) -> Pathway:
    name = name.strip()
    if queries.find_pathway_by_name(name) is not None:
        raise RuleBroken({"name": "A pathway with this name already exists"})
    pathway = Pathway(
        name=name,
        description=(description or "").strip() or None,
        is_active=True,
        created_at=now,
        roles=roles,
    )
    db.session.add(pathway)
    db.session.flush()
    audit.record(
        "pathway_created", now=now, actor=actor, subject=pathway, roles=[r.title for r in roles]
    )
    return pathway


def update_pathway(
    *,
    pathway: Pathway,
    name: str,
    description: str | None,
    roles: list[JobRole],
    actor: User,
    now: dt.datetime,
) -> Pathway:
    name = name.strip()
    clash = queries.find_pathway_by_name(name)
    if clash is not None and clash.id != pathway.id:
        raise RuleBroken({"name": "A pathway with this name already exists"})
    before = sorted(r.title for r in pathway.roles)
    pathway.name = name
    pathway.description = (description or "").strip() or None
    pathway.roles = roles
    db.session.flush()
    audit.record(
        "pathway_changed",
        now=now,
        actor=actor,
        subject=pathway,
        roles_before=before,
        roles_after=sorted(r.title for r in roles),
    )
    return pathway


def add_requirement(
    *,
    pathway: Pathway,
    stage: Stage,
    activity: LearningActivity | None,
    framework_item: FrameworkItem | None,
    is_mandatory: bool,
    due_within_days: int | None,
    renewal_months: int | None,
    actor: User | None,
    now: dt.datetime,
    applies_from: dt.date | None = None,
    grace_days: int = DEFAULT_GRACE_DAYS,
) -> PathwayRequirement:
    """Add a requirement. ``applies_from`` (the WFLD team's form defaults it to today):
    people already in the role by then have ``grace_days`` from it. None: it applies to
    everyone from their role start, as seeded pathways that describe a settled service do."""
    if (activity is None) == (framework_item is None):
        raise RuleBroken(
            {"activity": "Select a learning activity or a framework item (one of them)"}
        )
    for requirement in pathway.requirements:
        if (activity is not None and requirement.activity_id == activity.id) or (
            framework_item is not None and requirement.framework_item_id == framework_item.id
        ):
            raise RuleBroken({"activity": "This pathway already has this requirement"})
    if due_within_days is not None and due_within_days < 0:
        raise RuleBroken({"due_within_days": "Days must be 0 or more"})
    if renewal_months is not None and renewal_months <= 0:
        raise RuleBroken({"renewal_months": "Months must be 1 or more"})
    if grace_days < 0:
        raise RuleBroken({"grace_days": "Days must be 0 or more"})
    requirement = PathwayRequirement(
        pathway=pathway,
        stage=stage,
        activity=activity,
        framework_item=framework_item,
        is_mandatory=is_mandatory,
        due_within_days=due_within_days,
        renewal_months=renewal_months,
        applies_from=applies_from,
        grace_days=grace_days,
        position=queries.next_requirement_position(pathway.id),
    )
    db.session.add(requirement)
    db.session.flush()
    audit.record(
        "pathway_requirement_added",
        now=now,
        actor=actor,
        subject=pathway,
        requirement=requirement.title,
    )
    return requirement


def remove_requirement(*, requirement: PathwayRequirement, actor: User, now: dt.datetime) -> None:
    audit.record(
        "pathway_requirement_removed",
        now=now,
        actor=actor,
        subject=requirement.pathway,
        requirement=requirement.title,
    )
    # Its people's rows go now; the recomputation the removal asks for puts back any that
    # another pathway asks for too.
    stored.forget_requirement(requirement.id)
    db.session.delete(requirement)
    db.session.flush()


def assign_pathway(
    *, pathway: Pathway, staff: StaffMember, actor: User, now: dt.datetime, today: dt.date
) -> PathwayAssignment:
    if staff.has_left(today):
        raise RuleBroken({"employee_number": f"{staff.full_name} has left"})
    if queries.find_assignment(pathway.id, staff.id) is not None:
        raise RuleBroken({"employee_number": f"{staff.full_name} already has this pathway"})
    assignment = PathwayAssignment(
        pathway_id=pathway.id,
        staff_id=staff.id,
        assigned_on=today,
        assigned_by_id=actor.id if actor else None,
    )
    db.session.add(assignment)
    db.session.flush()
    audit.record("pathway_assigned", now=now, actor=actor, subject=pathway, staff_id=staff.id)
    return assignment


def unassign_pathway(*, assignment: PathwayAssignment, actor: User, now: dt.datetime) -> None:
    audit.record(
        "pathway_unassigned", now=now, actor=actor, subject=assignment, staff_id=assignment.staff_id
    )
    db.session.delete(assignment)
    db.session.flush()


# Expected framework levels per job role -----------------------------------------------------
def set_expected_levels(
    *,
    choices: dict[tuple[int, int], int | None],
    allowed: dict[int, set[int]],
    actor: User,
    now: dt.datetime,
) -> int:
    """Save the level each job role is expected to work at, per framework.

    ``choices`` maps (job role id, framework id) to a level id or None (no expectation);
    ``allowed`` maps framework id to the level ids of its current version.
    """
    current = queries.expected_levels()
    changed = 0
    for (role_id, framework_id), level_id in choices.items():
        if level_id is not None and level_id not in allowed.get(framework_id, set()):
            raise RuleBroken({"levels": "Choose a level from the list"})
        row = current.get((role_id, framework_id))
        if level_id is None and row is not None:
            db.session.delete(row)
        elif level_id is not None and row is None:
            db.session.add(
                RoleExpectedLevel(job_role_id=role_id, framework_id=framework_id, level_id=level_id)
            )
        elif row is not None and row.level_id != level_id:
            row.level_id = level_id
        else:
            continue
        changed += 1
    db.session.flush()
    if changed:
        audit.record("expected_levels_changed", now=now, actor=actor, changes=changed)
    return changed
