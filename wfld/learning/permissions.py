"""Who may see whose learning and compliance, and who builds pathways."""

from __future__ import annotations

from typing import Any

from wfld.accounts.roles import Role
from wfld.core import clock
from wfld.learning.models import Pathway, PathwayAssignment, PathwayRequirement
from wfld.organisation import permissions as org_permissions
from wfld.organisation.models import StaffMember


def can_manage_pathways(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(
        Role.WFLD_ADMIN, Role.SYSTEM_ADMIN
    )


def has_own_learning(user: Any) -> bool:
    """Everyone with a staff record has a learning page."""
    return org_permissions.staff_of(user) is not None


def can_view_team_compliance(user: Any) -> bool:
    """Line managers, for everyone below them in line management."""
    return org_permissions.is_line_manager(user, today=clock.today())


def can_view_service_compliance(user: Any) -> bool:
    return org_permissions.can_view_whole_service(user)


def can_view_learning_of(user: Any, staff: StaffMember) -> bool:
    """A person's learning: themselves, their line management chain, service-wide roles."""
    return org_permissions.can_view_staff(user, staff)


def can_edit_pathway(user: Any, pathway: Pathway) -> bool:
    return can_manage_pathways(user)


def can_edit_requirement(user: Any, requirement: PathwayRequirement) -> bool:
    return can_manage_pathways(user)


def can_edit_assignment(user: Any, assignment: PathwayAssignment) -> bool:
    return can_manage_pathways(user)
