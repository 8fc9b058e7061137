"""Who may browse and manage the learning catalogue, book sessions, record attendance and
send or check certificates.

Staff book themselves and send certificates of their own external learning; the WFLD team
(and system admins) run the catalogue, its sessions, attendance and completions recorded by
hand, and check the certificates. Built on the organisation's policy, so "who is
this person" has one answer everywhere.
"""

from __future__ import annotations

from typing import Any

from wfld.accounts.roles import Role
from wfld.catalogue.models import Booking, Completion, LearningActivity, LearningSession
from wfld.organisation import permissions as org_permissions


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# Pages ----------------------------------------------------------------------------------
def can_manage_catalogue(user: Any) -> bool:
    """Activities, sessions, attendance and manual completions: the WFLD team, system admins."""
    return _signed_in(user) and user.has_role(Role.WFLD_ADMIN, Role.SYSTEM_ADMIN)


def can_book_for_self(user: Any) -> bool:
    """Anyone with a staff record books their own places (system accounts have none)."""
    return org_permissions.staff_of(user) is not None


def can_send_certificates(user: Any) -> bool:
    """Everyone with a staff record sends certificates of their own external learning."""
    return org_permissions.staff_of(user) is not None


def can_decide_certificates(user: Any) -> bool:
    """Checking uploaded certificates is the WFLD team's job."""
    return can_manage_catalogue(user)


# Records --------------------------------------------------------------------------------
def can_view_activity(user: Any, activity: LearningActivity) -> bool:
    """Everyone signed in sees what is offered; a withdrawn activity only the WFLD team."""
    return _signed_in(user) and (activity.is_active or can_manage_catalogue(user))


def can_edit_activity(user: Any, activity: LearningActivity) -> bool:
    return can_manage_catalogue(user)


def can_view_session(user: Any, session: LearningSession) -> bool:
    return can_view_activity(user, session.activity)


def can_book_session(user: Any, session: LearningSession) -> bool:
    return can_book_for_self(user) and can_view_session(user, session)


def can_manage_session(user: Any, session: LearningSession) -> bool:
    return can_manage_catalogue(user)


def is_own_booking(user: Any, booking: Booking) -> bool:
    me = org_permissions.staff_of(user)
    return me is not None and me.id == booking.staff_id


def can_cancel_booking(user: Any, booking: Booking) -> bool:
    """The person booked, or the WFLD team on their behalf."""
    return is_own_booking(user, booking) or can_manage_catalogue(user)


def can_mark_attendance(user: Any, booking: Booking) -> bool:
    return can_manage_catalogue(user)


def can_view_completion(user: Any, completion: Completion) -> bool:
    """A completion and its certificate: the person, their management chain, the WFLD team."""
    return can_decide_certificates(user) or org_permissions.relation_to(
        user, completion.staff
    ) is not (org_permissions.Relation.NONE)


def can_decide_certificate(user: Any, completion: Completion) -> bool:
    return can_decide_certificates(user)
