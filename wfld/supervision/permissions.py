"""Who may record, see and change supervision sessions.

Built on organisation's ``relation_to`` (what this user is to that person) and on the records
themselves: a supervisor keeps the log of the people they supervise — their direct reports,
and anyone a record already names them as supervisor for (programme supervisors are named on
the first record by the WFLD team, since supervision sits below programmes and cannot read
enrolments). The person, their line manager and the management chain above read the whole
log; a supervisor who is not the manager sees only the sessions they held.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from wfld.accounts.roles import Role
from wfld.core import clock
from wfld.organisation.models import StaffMember
from wfld.organisation.permissions import (
    Relation,
    has_role,
    is_line_manager,
    relation_to,
    staff_of,
)
from wfld.supervision import queries
from wfld.supervision.models import SupervisionRecord

# Relations that read a person's whole log: themselves and their line management.
_WHOLE_LOG = frozenset({Relation.SELF, Relation.LINE_MANAGER, Relation.MANAGEMENT_CHAIN})


class LogView(StrEnum):
    """How much of a person's log a user sees."""

    ALL = "all"
    HELD = "held"  # only the sessions this user held as supervisor
    NONE = "none"


def _is_wfld(user: Any) -> bool:
    return has_role(user, Role.WFLD_ADMIN)


def has_staff_record(user: Any) -> bool:
    """My supervision: anyone with a staff record (the page says so when there is nothing)."""
    return staff_of(user) is not None


def manages_anyone(user: Any) -> bool:
    """My team's supervision: line managers of someone in post."""
    return is_line_manager(user, today=clock.today())


def chooses_supervisor(user: Any) -> bool:
    """The WFLD team records sessions for anyone and says who held them; everyone else who
    records a session is its supervisor."""
    return _is_wfld(user)


def can_record_for(user: Any, staff: StaffMember) -> bool:
    """Record a session for a person: their line manager, a supervisor a record already names
    for them, or the WFLD team. Never for oneself as one's own supervisor."""
    if _is_wfld(user):
        return True
    me = staff_of(user)
    if me is None or me.id == staff.id:
        return False
    return relation_to(user, staff) is Relation.LINE_MANAGER or queries.has_supervised(
        me.id, staff.id
    )


def log_view(user: Any, staff: StaffMember) -> LogView:
    """The person, their line management and the WFLD team (who record for anyone and check
    programme cadence) see the whole log; a supervisor sees the sessions they held."""
    if relation_to(user, staff) in _WHOLE_LOG or _is_wfld(user):
        return LogView.ALL
    me = staff_of(user)
    if me is not None and queries.has_supervised(me.id, staff.id):
        return LogView.HELD
    return LogView.NONE


def can_view_staff_log(user: Any, staff: StaffMember) -> bool:
    return log_view(user, staff) is not LogView.NONE


def can_edit_session(user: Any, record: SupervisionRecord) -> bool:
    """Only the supervisor who held the session changes its record."""
    me = staff_of(user)
    return me is not None and me.id == record.supervisor_id


def can_turn_into_cpd(user: Any, record: SupervisionRecord) -> bool:
    """A session becomes an entry in the supervisee's own CPD log: only they may put it there."""
    me = staff_of(user)
    return me is not None and me.id == record.staff_id
