"""Writes for appraisals: cycles, conversations, signatures and new versions, and the
development plan an agreed conversation makes. Services flush and never commit; the view
saves once (core.saving). Every step appends an ``AppraisalEvent``; signatures are audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm.attributes import flag_modified

from wfld.accounts.audit import record as audit
from wfld.accounts.models import User
from wfld.appraisal import queries
from wfld.appraisal.models import (
    Appraisal,
    AppraisalCycle,
    AppraisalEvent,
    DevelopmentNeed,
    Objective,
    StrategyPriority,
)
from wfld.appraisal.rules import (
    LOCKED_MESSAGE,
    ActionType,
    AppraisalKind,
    Aspiration,
    EventKind,
    Stage,
    cycle_errors,
    may_start_mid_year,
    objective_errors,
)
from wfld.catalogue.models import LearningActivity
from wfld.core.errors_domain import RuleBroken, check_version
from wfld.core.text import clean_text
from wfld.extensions import db
from wfld.frameworks.models import FrameworkItem
from wfld.organisation.models import StaffMember

TEXT_LIMIT = 10_000


def clean(text: str | None) -> str:
    return clean_text(text or "").replace("\r\n", "\n").strip()


def _name(staff: StaffMember) -> str:
    return f"{staff.first_name} {staff.last_name}"


# Cycles ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CycleDetails:
    name: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    due_from: dt.date | None
    due_by: dt.date | None
    mid_year_from: dt.date | None
    mid_year_by: dt.date | None
    needs_countersignature: bool
    priorities: tuple[str, ...]  # the year's strategy priorities, in order


def _priority_titles(lines: tuple[str, ...]) -> tuple[list[str], dict[str, str]]:
    titles: list[str] = []
    for line in lines:
        title = clean(line)
        if title and title.casefold() not in {t.casefold() for t in titles}:
            titles.append(title)
    if any(len(t) > 200 for t in titles):
        return titles, {"priorities": "Each priority must be 200 characters or fewer"}
    return titles, {}


def cycle_details_errors(details: CycleDetails, *, cycle: AppraisalCycle | None) -> dict[str, str]:
    errors = cycle_errors(
        name=details.name,
        starts_on=details.starts_on,
        ends_on=details.ends_on,
        due_from=details.due_from,
        due_by=details.due_by,
        mid_year_from=details.mid_year_from,
        mid_year_by=details.mid_year_by,
    )
    name = clean(details.name)
    same = queries.find_cycle_by_name(name) if name else None
    if same is not None and same is not cycle:
        errors["name"] = f"There is already a cycle called {name}"
    errors.update(_priority_titles(details.priorities)[1])
    return errors


def create_cycle(*, details: CycleDetails, actor: User, now: dt.datetime) -> AppraisalCycle:
    errors = cycle_details_errors(details, cycle=None)
    if errors:
        raise RuleBroken(errors)
    cycle = AppraisalCycle(created_at=now)
    _apply_cycle(cycle, details, now=now)
    db.session.add(cycle)
    db.session.flush()
    audit("appraisal_cycle_created", now=now, actor=actor, subject=cycle, name=cycle.name)
    return cycle


def update_cycle(
    *,
    cycle: AppraisalCycle,
    details: CycleDetails,
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
) -> AppraisalCycle:
    """Change a cycle. A priority an objective links to keeps its row (renaming it in the list
    renames it everywhere only when its position and text both say so: kept by title)."""
    check_version(cycle, expected_version)
    errors = cycle_details_errors(details, cycle=cycle)
    if errors:
        raise RuleBroken(errors)
    _apply_cycle(cycle, details, now=now)
    db.session.flush()
    audit("appraisal_cycle_changed", now=now, actor=actor, subject=cycle, name=cycle.name)
    return cycle


def _apply_cycle(cycle: AppraisalCycle, details: CycleDetails, *, now: dt.datetime) -> None:
    cycle.name = clean(details.name)
    cycle.starts_on = details.starts_on
    cycle.ends_on = details.ends_on
    cycle.due_from = details.due_from
    cycle.due_by = details.due_by
    cycle.mid_year_from = details.mid_year_from
    cycle.mid_year_by = details.mid_year_by
    cycle.needs_countersignature = details.needs_countersignature
    cycle.updated_at = now
    titles, _ = _priority_titles(details.priorities)
    kept = {p.title.casefold(): p for p in cycle.priorities}
    linked = _linked_priority_ids(cycle)
    new: list[StrategyPriority] = []
    for position, title in enumerate(titles, start=1):
        priority = kept.pop(title.casefold(), None) or StrategyPriority(title=title)
        priority.position = position
        new.append(priority)
    for gone in kept.values():
        if gone.id in linked:
            raise RuleBroken(
                {
                    "priorities": f"Objectives are linked to “{gone.title}”: keep it in the "
                    "list, or change those objectives first"
                }
            )
    cycle.priorities = new


def _linked_priority_ids(cycle: AppraisalCycle) -> set[int]:
    ids = [p.id for p in cycle.priorities if p.id is not None]
    return queries.linked_priority_ids(ids)


# Opening a conversation -----------------------------------------------------------------------
def append_event(
    appraisal: Appraisal,
    kind: EventKind,
    *,
    actor: User | None,
    now: dt.datetime,
    note: str = "",
    snapshot: dict | None = None,
) -> AppraisalEvent:
    event = AppraisalEvent(
        appraisal_id=appraisal.id,
        kind=kind,
        record_version=appraisal.record_version,
        actor_id=actor.id if actor is not None else None,
        at=now,
        note=note,
        snapshot=snapshot,
    )
    db.session.add(event)
    return event


def appraiser_errors(*, staff: StaffMember, appraiser: StaffMember | None) -> dict[str, str]:
    if appraiser is None:
        return {"appraiser": "Enter the work email of someone on the staff list"}
    if appraiser.id == staff.id:
        return {"appraiser": "The appraiser must be someone other than the person appraised"}
    return {}


def open_appraisal(
    *,
    cycle: AppraisalCycle,
    staff: StaffMember,
    kind: AppraisalKind = AppraisalKind.ANNUAL,
    actor: User,
    opened_by: StaffMember | None,
    now: dt.datetime,
) -> Appraisal:
    """The person's conversation in the cycle, opened if there is none yet: by the person (to
    prepare) or their line manager, who is the appraiser unless the WFLD team set another. A
    manager opening one for someone who is not their report is refused."""
    found = queries.find_appraisal_for(staff.id, cycle.id, kind)
    if found is not None:
        if opened_by is not None and opened_by.id not in (found.staff_id, found.appraiser_id):
            raise RuleBroken({"staff": f"You are not {_name(staff)}’s appraiser"})
        return found
    if opened_by is not None and opened_by.id != staff.id and staff.line_manager_id != opened_by.id:
        raise RuleBroken(
            {
                "staff": f"{_name(staff)} is not one of your reports: ask the WFLD team to "
                "set you as their appraiser"
            }
        )
    if AppraisalKind(kind) is AppraisalKind.MID_YEAR:
        _refuse_early_mid_year(cycle, staff)
    appraiser = staff.line_manager
    if appraiser is None:
        raise RuleBroken(
            {
                "staff": f"{_name(staff)} has no line manager: ask the WFLD team to set "
                "their appraiser"
            }
        )
    return _new_appraisal(cycle, staff, appraiser, kind, actor=actor, now=now)


def _refuse_early_mid_year(cycle: AppraisalCycle, staff: StaffMember) -> None:
    """A mid-year review needs the cycle's mid-year window and the annual conversation signed
    by both (it reviews what was agreed there)."""
    if cycle.mid_year_from is None:
        raise RuleBroken({"staff": "This cycle has no mid-year review"})
    annual = queries.find_appraisal_for(staff.id, cycle.id, AppraisalKind.ANNUAL)
    if not may_start_mid_year(annual):
        raise RuleBroken({"staff": "Sign the annual conversation before the mid-year review"})


def _new_appraisal(
    cycle: AppraisalCycle,
    staff: StaffMember,
    appraiser: StaffMember,
    kind: AppraisalKind,
    *,
    actor: User,
    now: dt.datetime,
) -> Appraisal:
    errors = appraiser_errors(staff=staff, appraiser=appraiser)
    if errors:
        raise RuleBroken(errors)
    appraisal = Appraisal(
        cycle_id=cycle.id,
        staff_id=staff.id,
        appraiser_id=appraiser.id,
        countersigner_id=appraiser.line_manager_id,
        kind=kind,
        stage=Stage.NOT_STARTED,
        record_version=1,
        needs_countersignature=cycle.needs_countersignature,
        aspirations=[],
        created_at=now,
        updated_at=now,
    )
    db.session.add(appraisal)
    db.session.flush()
    append_event(appraisal, EventKind.CREATED, actor=actor, now=now)
    return appraisal


def set_appraiser(
    *,
    cycle: AppraisalCycle,
    staff: StaffMember,
    appraiser: StaffMember | None,
    kind: AppraisalKind = AppraisalKind.ANNUAL,
    actor: User,
    now: dt.datetime,
) -> Appraisal:
    """The WFLD team names someone other than the line manager as the appraiser."""
    errors = appraiser_errors(staff=staff, appraiser=appraiser)
    if errors:
        raise RuleBroken(errors)
    found = queries.find_appraisal_for(staff.id, cycle.id, kind)
    if found is None:
        found = _new_appraisal(cycle, staff, appraiser, kind, actor=actor, now=now)
    elif found.signatures.both:
        raise RuleBroken({"appraiser": LOCKED_MESSAGE})
    else:
        found.appraiser_id = appraiser.id
        found.countersigner_id = appraiser.line_manager_id
        found.updated_at = now
    db.session.flush()
    append_event(found, EventKind.APPRAISER_SET, actor=actor, now=now, note=_name(appraiser))
    audit(
        "appraiser_set",
        now=now,
        actor=actor,
        subject=found,
        staff_id=staff.id,
        appraiser_id=appraiser.id,
    )
    return found


# Writing the conversation ---------------------------------------------------------------------
def _refuse_if_locked(appraisal: Appraisal, field: str = "") -> None:
    if appraisal.signatures.both:
        raise RuleBroken({field: LOCKED_MESSAGE})


def _changed(appraisal: Appraisal, *, actor: User, now: dt.datetime) -> None:
    """Any change to what was agreed takes back the signature given so far: a person signs what
    the record says."""
    appraisal.updated_at = now
    if appraisal.person_signed_at or appraisal.appraiser_signed_at:
        appraisal.person_signed_at = None
        appraisal.appraiser_signed_at = None
        append_event(appraisal, EventKind.SIGNATURES_CLEARED, actor=actor, now=now)


def _text_errors(fields: dict[str, str]) -> dict[str, str]:
    return {
        name: f"Must be {TEXT_LIMIT:,} characters or fewer"
        for name, value in fields.items()
        if len(value) > TEXT_LIMIT
    }


def prepare(
    *,
    appraisal: Appraisal,
    self_reflection: str,
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
) -> Appraisal:
    """The person's self-reflection, written before the meeting."""
    check_version(appraisal, expected_version)
    _refuse_if_locked(appraisal, "self_reflection")
    text = clean(self_reflection)
    errors = _text_errors({"self_reflection": text})
    if not text:
        errors["self_reflection"] = "Enter your self-reflection"
    if errors:
        raise RuleBroken(errors)
    appraisal.self_reflection = text
    appraisal.prepared_at = now
    if appraisal.stage is Stage.NOT_STARTED:
        appraisal.stage = Stage.PREPARED
    _changed(appraisal, actor=actor, now=now)
    db.session.flush()
    append_event(appraisal, EventKind.PREPARED, actor=actor, now=now)
    return appraisal


@dataclass(frozen=True)
class ConversationDetails:
    held_on: dt.date | None
    appraiser_view: str
    feedback: str
    strengths: str
    wellbeing_discussed: bool
    support_discussed: bool
    aspirations: tuple[Aspiration, ...]
    aspirations_note: str
    cpd_entry_ids: tuple[int, ...] = ()
    supervision_ids: tuple[int, ...] = ()


def conversation_errors(details: ConversationDetails, *, today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if details.held_on is None:
        errors["held_on"] = "Enter the date of the conversation"
    elif details.held_on > today:
        errors["held_on"] = "Date of the conversation must be today or in the past"
    if not clean(details.appraiser_view):
        errors["appraiser_view"] = "Enter your view of the year"
    errors.update(
        _text_errors(
            {
                "appraiser_view": clean(details.appraiser_view),
                "feedback": clean(details.feedback),
                "strengths": clean(details.strengths),
                "aspirations_note": clean(details.aspirations_note),
            }
        )
    )
    return errors


def record_conversation(
    *,
    appraisal: Appraisal,
    details: ConversationDetails,
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
    today: dt.date,
) -> Appraisal:
    """The appraiser's record of the conversation. Feedback may point to the person's own CPD
    entries and supervision sessions (ids the page offered: others are refused)."""
    check_version(appraisal, expected_version)
    _refuse_if_locked(appraisal, "held_on")
    errors = conversation_errors(details, today=today)
    entries = queries.list_linkable_cpd_entries(appraisal.staff_id, details.cpd_entry_ids)
    sessions = queries.list_linkable_supervision(appraisal.staff_id, details.supervision_ids)
    if len(entries) != len(set(details.cpd_entry_ids)):
        errors["cpd_entry_ids"] = "Select CPD entries from the list"
    if len(sessions) != len(set(details.supervision_ids)):
        errors["supervision_ids"] = "Select supervision sessions from the list"
    if errors:
        raise RuleBroken(errors)
    appraisal.held_on = details.held_on
    appraisal.appraiser_view = clean(details.appraiser_view)
    appraisal.feedback = clean(details.feedback)
    appraisal.strengths = clean(details.strengths)
    appraisal.wellbeing_discussed = details.wellbeing_discussed
    appraisal.support_discussed = details.support_discussed
    appraisal.aspirations = [a.value for a in details.aspirations]
    appraisal.aspirations_note = clean(details.aspirations_note)
    appraisal.cpd_entries = entries
    appraisal.supervision_sessions = sessions
    appraisal.stage = Stage.HELD
    _changed(appraisal, actor=actor, now=now)
    db.session.flush()
    append_event(appraisal, EventKind.RECORDED, actor=actor, now=now)
    return appraisal


@dataclass(frozen=True)
class NeedDetails:
    description: str
    action_type: ActionType | None
    activity: LearningActivity | None
    framework_items: tuple[FrameworkItem, ...]
    target_date: dt.date | None


def need_errors(details: NeedDetails, *, today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not clean(details.description):
        errors["description"] = "Enter the development need"
    elif len(clean(details.description)) > 2000:
        errors["description"] = "Development need must be 2,000 characters or fewer"
    if details.action_type is None:
        errors["action_type"] = "Select how the need will be met"
    if details.target_date is not None and details.target_date < today:
        errors["target_date"] = "Target date must be today or in the future"
    if details.activity is None and not details.framework_items:
        errors["framework_items"] = (
            "Select at least one framework item or a learning activity the need is about"
        )
    return errors


def save_need(
    *,
    appraisal: Appraisal,
    need: DevelopmentNeed | None,
    details: NeedDetails,
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
    today: dt.date,
) -> DevelopmentNeed:
    """Add a development need to the conversation, or change one (``need``)."""
    check_version(appraisal, expected_version)
    _refuse_if_locked(appraisal, "description")
    errors = need_errors(details, today=today)
    if errors:
        raise RuleBroken(errors)
    if need is None:
        need = DevelopmentNeed(position=len(appraisal.needs) + 1)
        appraisal.needs.append(need)
    need.description = clean(details.description)
    need.action_type = details.action_type
    need.activity_id = details.activity.id if details.activity else None
    need.activity = details.activity
    need.framework_items = list(details.framework_items)
    need.target_date = details.target_date
    _changed(appraisal, actor=actor, now=now)
    db.session.flush()
    _bump(appraisal)
    return need


def remove_need(
    *,
    appraisal: Appraisal,
    need: DevelopmentNeed,
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
) -> None:
    _remove_item(appraisal, appraisal.needs, need, expected_version, actor=actor, now=now)


def _remove_item(
    appraisal: Appraisal,
    items: list,
    item: object,
    expected_version: int | None,
    *,
    actor: User,
    now: dt.datetime,
) -> None:
    """Take a need or an objective out of the conversation and number the rest again."""
    check_version(appraisal, expected_version)
    _refuse_if_locked(appraisal)
    items.remove(item)
    for position, kept in enumerate(items, start=1):
        kept.position = position
    _changed(appraisal, actor=actor, now=now)
    db.session.flush()
    _bump(appraisal)


@dataclass(frozen=True)
class ObjectiveDetails:
    text: str
    target_date: dt.date | None
    priority: StrategyPriority | None


def save_objective(
    *,
    appraisal: Appraisal,
    objective: Objective | None,
    details: ObjectiveDetails,
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
    today: dt.date,
) -> Objective:
    """Add a SMART objective (or change one): words, a target date not passed, and the
    strategy priority it serves where it serves one (one of this cycle's)."""
    check_version(appraisal, expected_version)
    _refuse_if_locked(appraisal, "text")
    text = clean(details.text)
    errors = objective_errors(text=text, target_date=details.target_date, today=today)
    if len(text) > 2000:
        errors["text"] = "Objective must be 2,000 characters or fewer"
    if details.priority is not None and details.priority.cycle_id != appraisal.cycle_id:
        errors["priority"] = "Select one of this year’s priorities"
    if errors:
        raise RuleBroken(errors)
    if objective is None:
        objective = Objective(position=len(appraisal.objectives) + 1)
        appraisal.objectives.append(objective)
    objective.text = text
    objective.target_date = details.target_date
    objective.priority_id = details.priority.id if details.priority else None
    objective.priority = details.priority
    _changed(appraisal, actor=actor, now=now)
    db.session.flush()
    _bump(appraisal)
    return objective


def remove_objective(
    *,
    appraisal: Appraisal,
    objective: Objective,
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
) -> None:
    _remove_item(appraisal, appraisal.objectives, objective, expected_version, actor=actor, now=now)


def _bump(appraisal: Appraisal) -> None:
    """A need or objective is part of the conversation: changing one moves the conversation's
    version, so a signature given on an older page is told the record changed."""
    flag_modified(appraisal, "updated_at")
    db.session.flush()
