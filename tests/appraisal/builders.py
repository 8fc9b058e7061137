"""Appraisal records for tests, made through the services (so they are what users make).

The clock of the tests is 23 November 2026 (tests.factories.NOW). The default cycle 2026/27
runs April to March with its window open over that day (1 November 2026 to 31 January 2027),
so nothing is overdue unless a test says so.
"""

from __future__ import annotations

import datetime as dt

from tests.factories import NOW
from wfld.accounts.models import User
from wfld.appraisal import services, signing
from wfld.appraisal.models import Appraisal, AppraisalCycle, DevelopmentNeed, Objective
from wfld.appraisal.rules import ActionType, Aspiration
from wfld.catalogue.models import LearningActivity
from wfld.extensions import db
from wfld.frameworks.models import FrameworkItem
from wfld.organisation.models import StaffMember

TODAY = dt.date(2026, 11, 23)


def make_cycle(
    name: str = "2026/27",
    *,
    starts_on: dt.date = dt.date(2026, 4, 1),
    ends_on: dt.date = dt.date(2027, 3, 31),
    due_from: dt.date = dt.date(2026, 11, 1),
    due_by: dt.date = dt.date(2027, 1, 31),
    countersign: bool = False,
    mid_year_from: dt.date | None = None,
    mid_year_by: dt.date | None = None,
    priorities: tuple[str, ...] = ("Stable, skilled workforce", "Relationship-based practice"),
) -> AppraisalCycle:
    return services.create_cycle(
        details=services.CycleDetails(
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            due_from=due_from,
            due_by=due_by,
            mid_year_from=mid_year_from,
            mid_year_by=mid_year_by,
            needs_countersignature=countersign,
            priorities=priorities,
        ),
        actor=None,
        now=NOW,
    )


def _user(staff_id: int) -> User | None:
    staff = db.session.get(StaffMember, staff_id)
    return db.session.get(User, staff.user_id) if staff.user_id else None


def open_for(cycle: AppraisalCycle, staff_id: int) -> Appraisal:
    """The person's annual conversation, opened by the system (appraiser: line manager)."""
    staff = db.session.get(StaffMember, staff_id)
    return services.open_appraisal(cycle=cycle, staff=staff, actor=None, opened_by=None, now=NOW)


def prepared(cycle: AppraisalCycle, staff_id: int, text: str = "A year of growth.") -> Appraisal:
    appraisal = open_for(cycle, staff_id)
    return services.prepare(
        appraisal=appraisal,
        self_reflection=text,
        expected_version=None,
        actor=_user(staff_id),
        now=NOW,
    )


def held(appraisal: Appraisal, *, held_on: dt.date = TODAY) -> Appraisal:
    return services.record_conversation(
        appraisal=appraisal,
        details=services.ConversationDetails(
            held_on=held_on,
            appraiser_view="A strong year; court work is the next step.",
            feedback="Case audit in July rated practice good.",
            strengths="Relationships with families.",
            wellbeing_discussed=True,
            support_discussed=True,
            aspirations=(Aspiration.ADVANCED_PRACTITIONER,),
            aspirations_note="",
        ),
        expected_version=None,
        actor=_user(appraisal.appraiser_id),
        now=NOW,
        today=TODAY,
    )


def add_need(
    appraisal: Appraisal,
    description: str = "Court report writing",
    *,
    activity: LearningActivity | None = None,
    items: tuple[FrameworkItem, ...] = (),
    action_type: ActionType = ActionType.COURSE,
    target_date: dt.date | None = dt.date(2027, 3, 1),
) -> DevelopmentNeed:
    return services.save_need(
        appraisal=appraisal,
        need=None,
        details=services.NeedDetails(
            description=description,
            action_type=action_type,
            activity=activity,
            framework_items=items,
            target_date=target_date,
        ),
        expected_version=None,
        actor=_user(appraisal.appraiser_id),
        now=NOW,
        today=TODAY,
    )


def add_objective(
    appraisal: Appraisal,
    text: str = "Complete three court reports by March",
    *,
    target_date: dt.date = dt.date(2027, 3, 31),
    linked: bool = True,
) -> Objective:
    priority = appraisal.cycle.priorities[0] if linked and appraisal.cycle.priorities else None
    return services.save_objective(
        appraisal=appraisal,
        objective=None,
        details=services.ObjectiveDetails(text=text, target_date=target_date, priority=priority),
        expected_version=None,
        actor=_user(appraisal.appraiser_id),
        now=NOW,
        today=TODAY,
    )


def sign_both(appraisal: Appraisal) -> Appraisal:
    signing.sign(
        appraisal=appraisal,
        signer=signing.Signer.PERSON,
        comments="",
        expected_version=None,
        actor=_user(appraisal.staff_id),
        now=NOW,
    )
    return signing.sign(
        appraisal=appraisal,
        signer=signing.Signer.APPRAISER,
        expected_version=None,
        actor=_user(appraisal.appraiser_id),
        now=NOW,
    )


def signed_with_needs(
    cycle: AppraisalCycle,
    staff_id: int,
    *,
    activities: tuple[LearningActivity, ...] = (),
    items: tuple[FrameworkItem, ...] = (),
) -> Appraisal:
    """Prepared, held, one need per activity (or one per item), one linked objective, signed."""
    appraisal = held(prepared(cycle, staff_id))
    for activity in activities:
        add_need(appraisal, f"Learn: {activity.title}", activity=activity)
    for item in items:
        add_need(appraisal, f"Develop: {item.title}", items=(item,))
    add_objective(appraisal)
    return sign_both(appraisal)
