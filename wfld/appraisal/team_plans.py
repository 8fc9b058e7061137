"""Writes for team development plans: a team's plan for a cycle, written by its manager, and
the needs of the whole team it names (from the service business plan, or a change in law,
practice or local context). Services flush and never commit; the view saves once.

A need names a learning activity or a framework item (or both: the activity then is what
the training-needs matrix counts), how many people need it and, if there is one, the date it
is needed by. Adding, changing or removing a need moves the plan's version, so two people
changing the plan at once are told apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm.attributes import flag_modified

from wfld.accounts.audit import record as audit
from wfld.accounts.models import User
from wfld.appraisal import queries
from wfld.appraisal.models import AppraisalCycle, TeamNeed, TeamNeedSource, TeamPlan
from wfld.catalogue.models import LearningActivity
from wfld.core.errors_domain import RuleBroken, check_version
from wfld.core.text import clean_text
from wfld.extensions import db
from wfld.frameworks.models import FrameworkItem
from wfld.organisation.models import Team

SUMMARY_LIMIT = 10_000
DESCRIPTION_LIMIT = 2_000
MAX_PEOPLE = 10_000


def _clean(text: str | None) -> str:
    return clean_text(text or "").replace("\r\n", "\n").strip()


def _author_id(actor: User | None) -> int | None:
    staff = getattr(actor, "staff", None)
    return staff.id if staff is not None else None


def start_team_plan(
    *, team: Team, cycle: AppraisalCycle, actor: User, now: dt.datetime
) -> TeamPlan:
    """The team's plan for the cycle: made empty the first time, found after that (a second
    click of "Start" opens the plan the first one made)."""
    plan = queries.find_team_plan_for(team.id, cycle.id)
    if plan is not None:
        return plan
    plan = TeamPlan(
        team_id=team.id,
        cycle_id=cycle.id,
        summary="",
        author_id=_author_id(actor),
        created_at=now,
        updated_at=now,
    )
    db.session.add(plan)
    db.session.flush()
    audit("team_plan_started", now=now, actor=actor, subject=plan, team=team.name)
    return plan


def update_team_plan(
    *,
    plan: TeamPlan,
    summary: str,
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
) -> TeamPlan:
    """The team's priorities for the year, in words."""
    check_version(plan, expected_version)
    text = _clean(summary)
    if len(text) > SUMMARY_LIMIT:
        raise RuleBroken({"summary": f"Summary must be {SUMMARY_LIMIT:,} characters or fewer"})
    plan.summary = text
    _changed(plan, actor=actor, now=now)
    db.session.flush()
    audit("team_plan_changed", now=now, actor=actor, subject=plan)
    return plan


@dataclass(frozen=True)
class TeamNeedDetails:
    description: str
    source: TeamNeedSource | None
    activity: LearningActivity | None
    framework_item: FrameworkItem | None
    people: int | None
    needed_by: dt.date | None


def team_need_errors(details: TeamNeedDetails, *, today: dt.date) -> dict[str, str]:
    """Every problem with a need at once (the view shows them with the form's own)."""
    errors: dict[str, str] = {}
    description = _clean(details.description)
    if not description:
        errors["description"] = "Enter the team’s need"
    elif len(description) > DESCRIPTION_LIMIT:
        errors["description"] = f"Need must be {DESCRIPTION_LIMIT:,} characters or fewer"
    if details.source is None:
        errors["source"] = "Select where the need comes from"
    if details.activity is None and details.framework_item is None:
        errors["activity"] = "Select a learning activity or a framework item"
    if details.people is None:
        errors["people"] = "Enter how many people need it"
    elif details.people < 1:
        errors["people"] = "Number of people must be 1 or more"
    elif details.people > MAX_PEOPLE:
        errors["people"] = f"Number of people must be {MAX_PEOPLE:,} or fewer"
    if details.needed_by is not None and details.needed_by < today:
        errors["needed_by"] = "Date needed by must be today or in the future"
    return errors


def save_team_need(
    *,
    plan: TeamPlan,
    need: TeamNeed | None,
    details: TeamNeedDetails,
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
    today: dt.date,
) -> TeamNeed:
    """Add a need to the plan, or change one of its needs (``need``)."""
    check_version(plan, expected_version)
    errors = team_need_errors(details, today=today)
    if errors:
        raise RuleBroken(errors)
    if need is None:
        need = TeamNeed(position=len(plan.needs) + 1)
        plan.needs.append(need)
    need.description = _clean(details.description)
    need.source = details.source
    need.activity_id = details.activity.id if details.activity else None
    need.activity = details.activity
    need.framework_item_id = details.framework_item.id if details.framework_item else None
    need.framework_item = details.framework_item
    need.people = details.people
    need.needed_by = details.needed_by
    _changed(plan, actor=actor, now=now)
    db.session.flush()
    return need


def remove_team_need(
    *,
    need: TeamNeed,
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
) -> TeamPlan:
    plan = need.plan
    check_version(plan, expected_version)
    plan.needs.remove(need)
    for position, kept in enumerate(plan.needs, start=1):
        kept.position = position
    _changed(plan, actor=actor, now=now)
    db.session.flush()
    return plan


def _changed(plan: TeamPlan, *, actor: User, now: dt.datetime) -> None:
    """A change to a need is a change to the plan: its version moves."""
    plan.updated_at = now
    author = _author_id(actor)
    if author is not None:
        plan.author_id = author
    flag_modified(plan, "updated_at")
