"""The demo council's appraisal year, from seeds/demo/appraisal.yaml: the 2026/27 cycle with its
strategy priorities, the practitioner's prepared conversation, and conversations of others in
his team recorded and signed, so the manager's team page and the team plan's roll-up have
something to show.

Idempotent by natural keys (a cycle's name, a person's employee number and the cycle): what
exists is left alone, so a second load changes nothing, and nothing a demo user did since is
undone. Everything goes through the services, as the people using the pages would.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from wfld.accounts.models import User
from wfld.appraisal import queries, services, signing
from wfld.appraisal.models import Appraisal, AppraisalCycle
from wfld.appraisal.rules import ActionType, Aspiration
from wfld.catalogue import queries as catalogue_queries
from wfld.catalogue.models import LearningActivity
from wfld.core import clock
from wfld.organisation import queries as org_queries
from wfld.organisation.models import StaffMember

# The project root is two folders up (``wfld`` itself is not imported: it loads the CLI).
DEMO_FILE = Path(__file__).resolve().parents[2] / "seeds" / "demo" / "appraisal.yaml"


def _staff(employee_number: str) -> StaffMember:
    staff = org_queries.find_staff_by_employee_number(str(employee_number))
    if staff is None:
        raise ValueError(f"appraisal.yaml names {employee_number}, who is not in staff.csv")
    return staff


def _user(staff: StaffMember | None) -> User | None:
    return staff.user if staff is not None else None


def load_demo_appraisal(
    *, now: dt.datetime, today: dt.date, path: Path = DEMO_FILE
) -> dict[str, int]:
    """Load what is missing; how many of each thing were made (empty: nothing new)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    made: Counter[str] = Counter()
    spec = data["cycle"]
    cycle = queries.find_cycle_by_name(str(spec["name"]))
    if cycle is None:
        cycle = services.create_cycle(
            details=services.CycleDetails(
                name=str(spec["name"]),
                starts_on=spec["starts_on"],
                ends_on=spec["ends_on"],
                due_from=spec["due_from"],
                due_by=spec["due_by"],
                mid_year_from=spec.get("mid_year_from"),
                mid_year_by=spec.get("mid_year_by"),
                needs_countersignature=bool(spec.get("needs_countersignature")),
                priorities=tuple(spec.get("priorities", ())),
            ),
            actor=None,
            now=now,
        )
        made[f"cycle {cycle.name}"] += 1
        made["strategy priorities"] += len(cycle.priorities)
    for conversation in data.get("conversations", []):
        staff = _staff(conversation["staff"])
        if queries.find_appraisal_for(staff.id, cycle.id) is not None:
            continue
        made.update(_conversation(cycle, staff, conversation, now=now, today=today))
    return {kind: n for kind, n in made.items() if n}


def _conversation(
    cycle: AppraisalCycle,
    staff: StaffMember,
    spec: dict[str, Any],
    *,
    now: dt.datetime,
    today: dt.date,
) -> Counter[str]:
    """Open the person's conversation and prepare it; record it, with its needs and
    objectives, where it was held by ``today``; and sign it where the file says so. Each step
    is dated as the people would have taken it: prepared the week before the meeting, recorded
    that afternoon, signed two days later (never later than ``now``)."""
    made: Counter[str] = Counter()
    person = _user(staff)
    held = spec.get("held")
    if held is not None and held["held_on"] > today:
        held = None  # still to come on the day of loading: left prepared
    meeting = held["held_on"] if held else today
    prepared_at = _at(meeting - dt.timedelta(days=7), 10, now=now)
    appraisal = services.open_appraisal(
        cycle=cycle, staff=staff, actor=person, opened_by=staff, now=prepared_at
    )
    services.prepare(
        appraisal=appraisal,
        self_reflection=spec["self_reflection"],
        expected_version=None,
        actor=person,
        now=prepared_at,
    )
    made["prepared conversations"] += 1
    if held is None:
        return made
    appraiser = _user(appraisal.appraiser)
    recorded_at = _at(meeting, 15, now=now)
    services.record_conversation(
        appraisal=appraisal,
        details=services.ConversationDetails(
            held_on=held["held_on"],
            appraiser_view=held["appraiser_view"],
            feedback=held.get("feedback", ""),
            strengths=held.get("strengths", ""),
            wellbeing_discussed=bool(held.get("wellbeing_discussed")),
            support_discussed=bool(held.get("support_discussed")),
            aspirations=tuple(Aspiration(a) for a in held.get("aspirations", ())),
            aspirations_note=held.get("aspirations_note", ""),
        ),
        expected_version=None,
        actor=appraiser,
        now=recorded_at,
        today=today,
    )
    made["recorded conversations"] += 1
    for need in spec.get("needs", []):
        _add_need(appraisal, need, actor=appraiser, now=recorded_at, today=today)
        made["development needs"] += 1
    for objective in spec.get("objectives", []):
        _add_objective(appraisal, objective, actor=appraiser, now=recorded_at, today=today)
        made["objectives"] += 1
    if spec.get("signed"):
        signed_at = _at(meeting + dt.timedelta(days=2), 11, now=now)
        _sign_both(appraisal, person=person, appraiser=appraiser, now=signed_at)
        made["signed conversations"] += 1
    return made


def _at(day: dt.date, hour: int, *, now: dt.datetime) -> dt.datetime:
    """That day at that hour in England, or ``now`` if that is still to come."""
    moment = dt.datetime.combine(day, dt.time(hour), tzinfo=clock.LONDON).astimezone(dt.UTC)
    return min(moment, now)


def _not_passed(day: dt.date, today: dt.date) -> dt.date:
    """A target date from the file, moved to today when the demo is loaded after it."""
    return max(day, today)


def _activity(title: str) -> LearningActivity:
    activity = catalogue_queries.find_activity_by_title(title)
    if activity is None:
        raise ValueError(f"appraisal.yaml names the activity {title!r}, not in the catalogue")
    return activity


def _add_need(
    appraisal: Appraisal,
    spec: dict[str, Any],
    *,
    actor: User | None,
    now: dt.datetime,
    today: dt.date,
) -> None:
    items = []
    for reference in spec.get("framework_items", []):
        framework, item = str(reference).split(":", 1)
        items.append(catalogue_queries.find_framework_item(framework, item, today=today))
    services.save_need(
        appraisal=appraisal,
        need=None,
        details=services.NeedDetails(
            description=spec["description"],
            action_type=ActionType(spec["action_type"]),
            activity=_activity(spec["activity"]) if spec.get("activity") else None,
            framework_items=tuple(items),
            target_date=_not_passed(spec["target_date"], today),
        ),
        expected_version=None,
        actor=actor,
        now=now,
        today=today,
    )


def _add_objective(
    appraisal: Appraisal,
    spec: dict[str, Any],
    *,
    actor: User | None,
    now: dt.datetime,
    today: dt.date,
) -> None:
    """``priority`` is the strategy priority's place in the cycle's list (1 for the first)."""
    priorities = appraisal.cycle.priorities
    position = spec.get("priority")
    services.save_objective(
        appraisal=appraisal,
        objective=None,
        details=services.ObjectiveDetails(
            text=spec["text"],
            target_date=_not_passed(spec["target_date"], today),
            priority=priorities[int(position) - 1] if position else None,
        ),
        expected_version=None,
        actor=actor,
        now=now,
        today=today,
    )


def _sign_both(
    appraisal: Appraisal, *, person: User | None, appraiser: User | None, now: dt.datetime
) -> None:
    signing.sign(
        appraisal=appraisal,
        signer=signing.Signer.PERSON,
        comments="",
        expected_version=None,
        actor=person,
        now=now,
    )
    signing.sign(
        appraisal=appraisal,
        signer=signing.Signer.APPRAISER,
        expected_version=None,
        actor=appraiser,
        now=now,
    )
