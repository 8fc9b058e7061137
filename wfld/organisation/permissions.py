"""The permission policy: who may see or change which organisation record.

Every question comes down to ``relation_to`` — what is this user to that member of staff —
plus the user's global roles. Views and templates call the ``can_*`` predicates below, and
later domains build their own predicates on ``relation_to``, so a hidden link and a refused
URL never disagree.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from flask import g, has_request_context

from wfld.accounts.roles import Role
from wfld.organisation import queries
from wfld.organisation.models import StaffMember


class Relation(StrEnum):
    SELF = "self"
    LINE_MANAGER = "line_manager"  # direct line manager
    MANAGEMENT_CHAIN = "management_chain"  # line manager's line manager, and upwards
    NONE = "none"


def staff_of(user: Any) -> StaffMember | None:
    """The staff record of a user (None for system accounts and anonymous users)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "staff", None)


def relation_to(user: Any, staff: StaffMember) -> Relation:
    me = staff_of(user)
    if me is None:
        return Relation.NONE
    if me.id == staff.id:
        return Relation.SELF
    if staff.line_manager_id == me.id:
        return Relation.LINE_MANAGER
    if staff.line_manager_id is not None and _is_above_in_chain(me.id, staff):
        return Relation.MANAGEMENT_CHAIN
    return Relation.NONE


_CHAIN_KEY = "wfld_above_in_chain"


def _is_above_in_chain(manager_id: int, staff: StaffMember) -> bool:
    """A page that authorises a person and then builds a scope for them (their learning
    page) asks twice: the answer is kept for the rest of the request, keyed with the
    person's line manager so that a change of manager is asked afresh."""
    if not has_request_context():
        return queries.is_above_in_chain(manager_id, staff.id)
    answers = g.setdefault(_CHAIN_KEY, {})
    key = (manager_id, staff.id, staff.line_manager_id)
    if key not in answers:
        answers[key] = queries.is_above_in_chain(manager_id, staff.id)
    return answers[key]


def has_role(user: Any, *roles: Role) -> bool:
    """A signed-in user holding one of ``roles``: the one role check every domain's policy uses."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*roles)


# Pages ----------------------------------------------------------------------------------
def can_administer_organisation(user: Any) -> bool:
    """Teams, job roles and staff records: the WFLD team and system admins."""
    return has_role(user, Role.WFLD_ADMIN, Role.SYSTEM_ADMIN)


def can_manage_accounts(user: Any) -> bool:
    """Sign-in accounts, global roles and the audit log: system admins only."""
    return has_role(user, Role.SYSTEM_ADMIN)


def can_view_whole_service(user: Any) -> bool:
    """Read-only sight of everyone: senior managers, the WFLD team, system admins."""
    return has_role(user, Role.SENIOR_MANAGER, Role.WFLD_ADMIN, Role.SYSTEM_ADMIN)


# Records --------------------------------------------------------------------------------
def can_view_staff(user: Any, staff: StaffMember) -> bool:
    """A person's profile: themselves, anyone above them in line management, service-wide roles."""
    if not getattr(user, "is_authenticated", False):
        return False
    return can_view_whole_service(user) or relation_to(user, staff) is not Relation.NONE


def can_edit_staff(user: Any, staff: StaffMember) -> bool:
    return can_administer_organisation(user)


def can_edit_team(user: Any, team: Any) -> bool:
    return can_administer_organisation(user)


def can_edit_job_role(user: Any, job_role: Any) -> bool:
    return can_administer_organisation(user)


def can_manage_account_of(user: Any, staff: StaffMember) -> bool:
    return can_manage_accounts(user)


def is_line_manager(user: Any, *, today: Any) -> bool:
    """Whether the user manages anyone in post. Asked by an access decorator and again by the
    navigation on the same page, so the answer is kept for the rest of the request."""
    me = staff_of(user)
    if me is None:
        return False
    if not has_request_context():
        return queries.count_direct_reports(me.id, today=today) > 0
    answers = g.setdefault(_LINE_MANAGER_KEY, {})
    if (me.id, today) not in answers:
        answers[me.id, today] = queries.count_direct_reports(me.id, today=today) > 0
    return answers[me.id, today]


_LINE_MANAGER_KEY = "wfld_is_line_manager"


def note_direct_reports(user: Any, *, today: Any, count: int) -> None:
    """A page that has just listed the user's direct reports (the home page) already knows
    whether they manage anyone: the navigation then need not ask the database again."""
    me = staff_of(user)
    if me is not None and has_request_context():
        g.setdefault(_LINE_MANAGER_KEY, {})[me.id, today] = count > 0
