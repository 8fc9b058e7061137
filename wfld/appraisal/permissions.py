"""Who may see and change appraisal records.

Everything comes down to ``parts_in`` — what this user is to one conversation: the person,
their appraiser (the line manager by default; the WFLD team may set another), or someone
above (the appraiser's own manager, who countersigns where the cycle asks, and anyone above
the person in line management), who reads but never writes. The WFLD team sets cycles and
appraisers and sees completion figures, never what a conversation says. Everyone else is
answered 404.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from wfld.accounts.roles import Role
from wfld.appraisal.models import (
    Appraisal,
    DevelopmentAction,
    DevelopmentPlan,
    TeamNeed,
    TeamPlan,
)
from wfld.core import clock
from wfld.organisation.models import StaffMember, Team
from wfld.organisation.permissions import (
    Relation,
    has_role,
    is_line_manager,
    relation_to,
    staff_of,
)


class Part(StrEnum):
    SELF = "self"
    APPRAISER = "appraiser"
    ABOVE = "above"  # read-only: the countersigner and the person's management chain


def parts_in(user: Any, appraisal: Appraisal) -> frozenset[Part]:
    me = staff_of(user)
    if me is None:
        return frozenset()
    parts: set[Part] = set()
    if me.id == appraisal.staff_id:
        parts.add(Part.SELF)
    if me.id == appraisal.appraiser_id:
        parts.add(Part.APPRAISER)
    if not parts and (
        me.id == appraisal.countersigner_id
        or relation_to(user, appraisal.staff) in (Relation.LINE_MANAGER, Relation.MANAGEMENT_CHAIN)
    ):
        parts.add(Part.ABOVE)
    return frozenset(parts)


# Pages ----------------------------------------------------------------------------------------
def can_manage_cycles(user: Any) -> bool:
    """Cycles, strategy priorities and appraisers: the WFLD team."""
    return has_role(user, Role.WFLD_ADMIN)


def can_view_completion(user: Any) -> bool:
    """Completion by team and the commonest needs across the service (figures, never what a
    conversation says): the WFLD team and senior managers."""
    return has_role(user, Role.WFLD_ADMIN, Role.SENIOR_MANAGER)


def has_development_plan(user: Any) -> bool:
    """My development plan: anyone with a staff record."""
    return staff_of(user) is not None


def can_view_team_appraisals(user: Any) -> bool:
    """The manager's team page: anyone who manages someone in post."""
    return is_line_manager(user, today=clock.today())


def can_open_appraisal_for(user: Any, staff: StaffMember) -> bool:
    """Start a conversation: the person for themselves (to prepare), their line manager."""
    me = staff_of(user)
    return me is not None and (me.id == staff.id or staff.line_manager_id == me.id)


# Conversations --------------------------------------------------------------------------------
def can_view_appraisal(user: Any, appraisal: Appraisal) -> bool:
    return bool(parts_in(user, appraisal))


def can_prepare(user: Any, appraisal: Appraisal) -> bool:
    """The self-reflection is the person's own, until both have signed."""
    return Part.SELF in parts_in(user, appraisal) and not appraisal.signatures.both


def can_record(user: Any, appraisal: Appraisal) -> bool:
    """The appraiser records the conversation, until both have signed."""
    return Part.APPRAISER in parts_in(user, appraisal) and not appraisal.signatures.both


def may_sign(user: Any, appraisal: Appraisal) -> bool:
    """The person and the appraiser each sign (whether a signature is open now is the
    service's to say, so a page opened before the other's step is told what happened)."""
    return bool(parts_in(user, appraisal) & {Part.SELF, Part.APPRAISER})


def can_countersign(user: Any, appraisal: Appraisal) -> bool:
    me = staff_of(user)
    return (
        me is not None
        and appraisal.needs_countersignature
        and me.id == appraisal.countersigner_id
        and me.id not in (appraisal.staff_id, appraisal.appraiser_id)
    )


def can_start_new_version(user: Any, appraisal: Appraisal) -> bool:
    """A signed record changes only as its next version, started by the appraiser."""
    return Part.APPRAISER in parts_in(user, appraisal) and appraisal.signatures.both


def can_set_appraiser(user: Any) -> bool:
    return can_manage_cycles(user)


# Plans ----------------------------------------------------------------------------------------
def _plan_relation(user: Any, staff: StaffMember) -> Relation:
    return relation_to(user, staff)


def can_view_plan(user: Any, plan: DevelopmentPlan) -> bool:
    """The person and anyone above them in line management."""
    return _plan_relation(user, plan.staff) is not Relation.NONE


def can_change_plan(user: Any, plan: DevelopmentPlan) -> bool:
    """Actions are moved on by the person and reviewed with their line manager (in supervision
    or at mid-year); those further up read."""
    return _plan_relation(user, plan.staff) in (Relation.SELF, Relation.LINE_MANAGER)


def can_change_action(user: Any, action: DevelopmentAction) -> bool:
    return can_change_plan(user, action.plan)


def can_view_action(user: Any, action: DevelopmentAction) -> bool:
    return can_view_plan(user, action.plan)


def can_book_action(user: Any, action: DevelopmentAction) -> bool:
    """A place on the action's activity, booked by the person (the catalogue's rule)."""
    return (
        _plan_relation(user, action.plan.staff) is Relation.SELF
        and action.activity_id is not None
        and not action.state.is_finished
    )


def can_turn_action_into_cpd(user: Any, action: DevelopmentAction) -> bool:
    """A finished action offers an entry in the person's own CPD log: only they write it."""
    return _plan_relation(user, action.plan.staff) is Relation.SELF


# Team plans -----------------------------------------------------------------------------------
def can_write_team_plan(user: Any, team: Team) -> bool:
    """A team's plan is written by its manager: someone in the team who manages people."""
    me = staff_of(user)
    if me is None or me.team_id != team.id:
        return False
    return is_line_manager(user, today=clock.today())


def can_view_team_plan(user: Any, plan: TeamPlan) -> bool:
    """Its manager, and the service-wide roles that commission from it."""
    return can_write_team_plan(user, plan.team) or has_role(
        user, Role.WFLD_ADMIN, Role.SENIOR_MANAGER
    )


def can_edit_team_plan(user: Any, plan: TeamPlan) -> bool:
    return can_write_team_plan(user, plan.team)


# Conversation pages (the prepare and record routes) -------------------------------------------
def may_prepare(user: Any, appraisal: Appraisal) -> bool:
    """The self-reflection page is the person's. Whether the record is still open is the
    service's to say (a page opened before both signed is told it is now locked); the link
    shows only while it is (``can_prepare``)."""
    return Part.SELF in parts_in(user, appraisal)


def may_record(user: Any, appraisal: Appraisal) -> bool:
    """The conversation, its needs and objectives are the appraiser's to write; as with
    ``may_prepare``, the lock is the service's to say and the links follow ``can_record``."""
    return Part.APPRAISER in parts_in(user, appraisal)


# Team pages (the team page and team plans) ----------------------------------------------------
def can_view_team_plans_of(user: Any, team: Team) -> bool:
    """A team's plan page, before a plan exists too: as ``can_view_team_plan``."""
    return can_write_team_plan(user, team) or has_role(user, Role.WFLD_ADMIN, Role.SENIOR_MANAGER)


def can_edit_team_need(user: Any, need: TeamNeed) -> bool:
    return can_edit_team_plan(user, need.plan)
