"""Who may see CPD. Entries are private: the person, and their line manager only for what the
person has shared. Nobody else reads reflection text, whatever their role; managers and the
workforce team see counts of readiness, never the words."""

from __future__ import annotations

from typing import Any

from wfld.accounts.roles import Role
from wfld.core import clock
from wfld.cpd import queries
from wfld.cpd.models import CpdEntry, CpdEvidence
from wfld.organisation.permissions import (
    Relation,
    can_view_whole_service,
    is_line_manager,
    relation_to,
    staff_of,
)


def has_own_cpd(user: Any) -> bool:
    return staff_of(user) is not None


def _owns(user: Any, entry: CpdEntry) -> bool:
    me = staff_of(user)
    return me is not None and me.id == entry.staff_id


def can_view_entry(user: Any, entry: CpdEntry) -> bool:
    """The person, or their direct line manager (their supervisor) once the person shares it."""
    if _owns(user, entry):
        return True
    if staff_of(user) is None:
        return False
    return relation_to(user, entry.staff) is Relation.LINE_MANAGER and queries.is_shared(entry)


def can_edit_entry(user: Any, entry: CpdEntry) -> bool:
    """Only the person writes their CPD; a supervisor comments but never edits."""
    return _owns(user, entry)


def can_comment_on_entry(user: Any, entry: CpdEntry) -> bool:
    return can_view_entry(user, entry)


def can_view_evidence(user: Any, evidence: CpdEvidence) -> bool:
    return can_view_entry(user, evidence.entry)


def can_edit_evidence(user: Any, evidence: CpdEvidence) -> bool:
    return can_edit_entry(user, evidence.entry)


def can_view_readiness(user: Any) -> bool:
    """Counts of who is ready for renewal: line managers for their chain, service-wide roles
    (senior managers, the principal social worker, the WFLD team) for everyone."""
    return can_view_whole_service(user) or is_line_manager(user, today=clock.today())


def can_manage_regulator_terms(user: Any) -> bool:
    """Regulators' terms (numbers, dates, exemptions): the WFLD team and system admins, as for
    the other WFLD admin pages."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(
        Role.WFLD_ADMIN, Role.SYSTEM_ADMIN
    )
