"""Who may see and change programme records.

Everything comes down to ``roles_in`` — what this user is to one enrolment: the person on
it, its assessor, supervisor or line manager (the enrolment's, or the person's line manager
now), or the WFLD team that runs the programmes. An assessor sees only the people assigned
to them; nobody signs off their own milestone; a step is signed by the role the template
names for it (an assessor-only step refuses the line manager).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from flask import has_request_context, session

from wfld.accounts.roles import Role
from wfld.core import clock
from wfld.core.clock import LONDON
from wfld.organisation.permissions import has_role, staff_of
from wfld.programmes import queries
from wfld.programmes.models import Cohort, Enrolment, Evidence, Milestone, WorkloadMonth
from wfld.programmes.rules import EvidenceKind, MilestoneAction, MilestoneState, Signer, is_locked


class Part(StrEnum):
    """A part a user plays in one enrolment (one user may play several)."""

    SELF = "self"
    ASSESSOR = "assessor"
    SUPERVISOR = "supervisor"
    LINE_MANAGER = "line_manager"
    WFLD = "wfld"


def can_manage_programmes(user: Any) -> bool:
    """Templates, cohorts and enrolments: the WFLD team (the ASYE coordinator is one of them)."""
    return has_role(user, Role.WFLD_ADMIN)


def roles_in(user: Any, enrolment: Enrolment) -> frozenset[Part]:
    parts: set[Part] = set()
    if can_manage_programmes(user):
        parts.add(Part.WFLD)
    me = staff_of(user)
    if me is None:
        return frozenset(parts)
    if me.id == enrolment.staff_id:
        parts.add(Part.SELF)
    if me.id == enrolment.assessor_id:
        parts.add(Part.ASSESSOR)
    if me.id == enrolment.supervisor_id:
        parts.add(Part.SUPERVISOR)
    # The person's line manager now is their direct manager (organisation's LINE_MANAGER
    # relation), read from the loaded record: no walk up the management chain, which a list
    # of enrolments would otherwise make once per person.
    if me.id == enrolment.line_manager_id or (
        Part.SELF not in parts and enrolment.staff.line_manager_id == me.id
    ):
        parts.add(Part.LINE_MANAGER)
    return frozenset(parts)


def can_view_enrolment(user: Any, enrolment: Enrolment) -> bool:
    """The person, their assessor, supervisor and line manager, and the WFLD team."""
    return bool(roles_in(user, enrolment))


def can_change_enrolment(user: Any, enrolment: Enrolment) -> bool:
    """Dates, pauses, extensions, assessor and status: the WFLD team."""
    return Part.WFLD in roles_in(user, enrolment)


def can_add_evidence(user: Any, enrolment: Enrolment) -> bool:
    """The person builds their portfolio; the assessor adds what they observed."""
    return bool(roles_in(user, enrolment) & {Part.SELF, Part.ASSESSOR}) and (
        enrolment.status.is_open
    )


def can_submit_milestone(user: Any, milestone: Milestone) -> bool:
    return Part.SELF in roles_in(user, milestone.enrolment) and not is_locked(milestone.state)


SIGNER_PART = {
    Signer.ASSESSOR: Part.ASSESSOR,
    Signer.LINE_MANAGER: Part.LINE_MANAGER,
    Signer.SUPERVISOR: Part.SUPERVISOR,
}


def can_sign_milestone(user: Any, milestone: Milestone) -> bool:
    """The role the template names for the step, and never the person themselves."""
    parts = roles_in(user, milestone.enrolment)
    point = milestone.enrolment.template.spec.point(milestone.key)
    return Part.SELF not in parts and SIGNER_PART[point.signer] in parts


def can_countersign_milestone(user: Any, milestone: Milestone) -> bool:
    parts = roles_in(user, milestone.enrolment)
    point = milestone.enrolment.template.spec.point(milestone.key)
    if point.countersign is None or Part.SELF in parts:
        return False
    return SIGNER_PART[point.countersign] in parts


def can_reopen_milestone(user: Any, milestone: Milestone) -> bool:
    """A signed-off milestone is locked; only the WFLD team reopens one, with a reason."""
    return Part.WFLD in roles_in(user, milestone.enrolment) and is_locked(milestone.state)


def can_comment_on_milestone(user: Any, milestone: Milestone) -> bool:
    return can_view_enrolment(user, milestone.enrolment)


def can_view_cohort(user: Any, cohort: Cohort) -> bool:
    """The cohort dashboard: the WFLD team, and the cohort's coordinator."""
    me = staff_of(user)
    return can_manage_programmes(user) or (me is not None and me.id == cohort.coordinator_id)


def can_view_programme_figures(user: Any) -> bool:
    """Started, completing, passed, progressed, withdrawn: the WFLD team and senior managers."""
    return has_role(user, Role.WFLD_ADMIN, Role.SENIOR_MANAGER)


def has_programme(user: Any) -> bool:
    """The My programme page: anyone with a staff record (it says so when they are on no
    programme, and who to ask)."""
    return staff_of(user) is not None


# The menu's "My programme" is asked on every page: the answer is kept in the person's session
# (set when they sign in, asked again after this long), so pages spend no statement on it. Someone
# enrolled while signed in sees the link within this time; the page itself works at once.
MENU_RECHECK_SECONDS = 300
_MENU_KEY = "wfld_on_programme"


def is_on_programme(user: Any) -> bool:
    """The menu offers My programme to people who are, or were, on a programme (most staff
    never are)."""
    me = staff_of(user)
    if me is None:
        return False
    if not has_request_context():
        return queries.is_enrolled(me.id)
    kept = session.get(_MENU_KEY)
    now = clock.now().timestamp()
    if kept and kept[0] == me.id and now - kept[2] < MENU_RECHECK_SECONDS:
        return bool(kept[1])
    return remember_whether_on_programme(user)


def remember_whether_on_programme(user: Any) -> bool:
    """Ask now and keep the answer in the session (at sign-in, and when it is out of date)."""
    me = staff_of(user)
    answer = me is not None and queries.is_enrolled(me.id)
    if me is not None:
        session[_MENU_KEY] = [me.id, answer, clock.now().timestamp()]
    return answer


def evidence_kinds_for(user: Any, enrolment: Enrolment) -> frozenset[EvidenceKind]:
    """The kinds of evidence this user may add to (and change in) the portfolio: the person
    builds all of it; their assessor records the direct observations they make."""
    if not can_add_evidence(user, enrolment):
        return frozenset()
    parts = roles_in(user, enrolment)
    if Part.SELF in parts:
        return frozenset(EvidenceKind)
    return frozenset({EvidenceKind.DIRECT_OBSERVATION})


def can_change_evidence(user: Any, piece: Evidence) -> bool:
    """Change or remove a piece: whoever may add a piece of its kind (signed-off review points
    are refused by the service, which says why)."""
    return piece.kind in evidence_kinds_for(user, piece.enrolment)


def can_view_evidence(user: Any, piece: Evidence) -> bool:
    return can_view_enrolment(user, piece.enrolment)


def can_copy_evidence_to_cpd(user: Any, piece: Evidence) -> bool:
    """A critical reflection can become an entry in the person's own CPD log: only they may
    put it there."""
    return piece.kind is EvidenceKind.CRITICAL_REFLECTION and Part.SELF in roles_in(
        user, piece.enrolment
    )


def may_take_milestone_step(user: Any, milestone: Milestone, action: MilestoneAction) -> bool:
    """Whether this user plays the part ``action`` needs, whatever the milestone's state:
    the person submits; the template's signer returns or signs off; its countersigner
    countersigns; the WFLD team reopens (never their own). Whether the step is open now is
    the signing service's to say, so a page opened before someone else's step is told what
    happened instead of being refused."""
    if action is MilestoneAction.SUBMIT:
        return Part.SELF in roles_in(user, milestone.enrolment)
    if action in (MilestoneAction.RETURN, MilestoneAction.SIGN_OFF):
        return can_sign_milestone(user, milestone)
    if action is MilestoneAction.COUNTERSIGN:
        return can_countersign_milestone(user, milestone)
    if action is MilestoneAction.REOPEN:
        parts = roles_in(user, milestone.enrolment)
        return Part.WFLD in parts and Part.SELF not in parts
    return False


def can_recommend_outcome(user: Any, enrolment: Enrolment) -> bool:
    """The final recommendation (pass or fail) is the assessor's, never the person's own."""
    parts = roles_in(user, enrolment)
    return Part.ASSESSOR in parts and Part.SELF not in parts


def can_record_panel(user: Any, enrolment: Enrolment) -> bool:
    """The internal moderation panel's decision, and the progression a confirmed pass
    leads to, are recorded by the WFLD team (not about themselves)."""
    parts = roles_in(user, enrolment)
    return Part.WFLD in parts and Part.SELF not in parts


def signature_awaited(user: Any, milestone: Milestone) -> MilestoneAction | None:
    """The step waiting for this user on a milestone: signing off a submitted one the
    template gives them, or countersigning a signed-off one."""
    if milestone.state is MilestoneState.SUBMITTED and can_sign_milestone(user, milestone):
        return MilestoneAction.SIGN_OFF
    if milestone.state is MilestoneState.SIGNED_OFF and can_countersign_milestone(user, milestone):
        return MilestoneAction.COUNTERSIGN
    return None


def list_to_sign_off(user: Any, *, today: dt.date) -> list[queries.ToSignOff]:
    """ "To sign off": the milestones waiting for this user's signature or countersignature,
    longest wait first (one statement; the policy above decides which are theirs)."""
    me = staff_of(user)
    if me is None:
        return []
    rows = []
    for candidate in queries.list_signature_candidates(me.id):
        action = signature_awaited(user, candidate.milestone)
        if action is not None:
            waited = (today - candidate.since.astimezone(LONDON).date()).days
            rows.append(queries.ToSignOff(candidate.milestone, action, candidate.since, waited))
    return rows


# Parts that record a month's caseload and protected time: the person and those who support them.
_WORKLOAD_PARTS = frozenset({Part.SELF, Part.SUPERVISOR, Part.LINE_MANAGER, Part.ASSESSOR})


def can_record_workload(user: Any, enrolment: Enrolment) -> bool:
    """A month's caseload and protected development time: the person, their supervisor, line
    manager or assessor (the WFLD team reads it through ``can_view_enrolment``)."""
    return bool(roles_in(user, enrolment) & _WORKLOAD_PARTS)


def can_change_workload(user: Any, month: WorkloadMonth) -> bool:
    """Correct a recorded month: whoever may record months for its enrolment."""
    return can_record_workload(user, month.enrolment)
