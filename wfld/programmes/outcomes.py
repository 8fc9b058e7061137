"""The final outcome: the assessor's recommendation, the internal moderation panel, and the
progression a confirmed pass leads to.

- The assessor recommends pass or fail, with a rationale, once the final review is signed
  off; they may change it until the panel confirms it (a referral back asks them to).
- The WFLD team records the panel (date, members, decision) once the final review is
  complete (countersigned where the template asks). Confirming ends the enrolment: completed
  on a pass, failed on a fail, ``completed_on`` the panel's date. Deferring sets it deferred.
  Referring back leaves it active and reopens nothing: the assessor changes the
  recommendation, or the WFLD team reopens a review, as the panel asked.
- On a confirmed pass the WFLD team may apply the template's progression rule once: the
  person's job role changes from a chosen date, through organisation's staff service (which
  keeps its own audit), and the enrolment's log records it.

Each decision is an enrolment event too (append-only), so a second panel after a referral
overwrites ``Outcome``'s decision but never the history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace

from wfld.accounts.audit import record
from wfld.accounts.models import User
from wfld.core.errors_domain import RuleBroken, check_version
from wfld.core.filters import govuk_date
from wfld.extensions import db
from wfld.organisation import services as organisation_services
from wfld.programmes import queries
from wfld.programmes.models import (
    Enrolment,
    EnrolmentEvent,
    EnrolmentEventKind,
    Milestone,
    Outcome,
    PanelDecision,
    Recommendation,
)
from wfld.programmes.rules import (
    EnrolmentStatus,
    MilestoneState,
    ReviewPoint,
    final_review,
    is_complete,
    is_locked,
)

# Where an enrolment the panel has decided on ends up.
CONFIRMED_STATUS = {
    Recommendation.PASS: EnrolmentStatus.COMPLETED,
    Recommendation.FAIL: EnrolmentStatus.FAILED,
}

# An enrolment that is over takes no outcome: it was completed, failed or withdrawn.
CLOSED = frozenset({EnrolmentStatus.COMPLETED, EnrolmentStatus.FAILED, EnrolmentStatus.WITHDRAWN})


# --- reads ---------------------------------------------------------------------------------


def find_outcome(enrolment: Enrolment) -> Outcome | None:
    return db.session.get(Outcome, enrolment.id)


@dataclass(frozen=True)
class OutcomeState:
    """Where an enrolment's outcome stands, and which step is open next (the pages show
    only that one, and say why the others wait)."""

    enrolment: Enrolment
    final: ReviewPoint
    final_milestone: Milestone | None
    outcome: Outcome | None

    @property
    def final_state(self) -> MilestoneState:
        return self.final_milestone.state if self.final_milestone else MilestoneState.NOT_STARTED

    @property
    def final_signed(self) -> bool:
        return is_locked(self.final_state)

    @property
    def final_complete(self) -> bool:
        return is_complete(self.final_state, countersign_needed=self.final.countersign is not None)

    @property
    def confirmed(self) -> bool:
        return self.outcome is not None and self.outcome.decision is PanelDecision.CONFIRM

    @property
    def confirmed_pass(self) -> bool:
        return self.confirmed and self.outcome.recommendation is Recommendation.PASS

    @property
    def may_recommend(self) -> bool:
        return self.final_signed and not self.confirmed and self.enrolment.status not in CLOSED

    @property
    def may_hold_panel(self) -> bool:
        return (
            self.outcome is not None
            and self.final_complete
            and not self.confirmed
            and self.enrolment.status not in CLOSED
        )

    @property
    def version(self) -> dict[str, str]:
        """The outcome's version for a form (none before the first recommendation)."""
        return {"version": str(self.outcome.version_id)} if self.outcome else {}

    @property
    def recommendation_defaults(self) -> dict[str, str]:
        """The recommendation form as last recorded."""
        if self.outcome is None:
            return {}
        return {
            **self.version,
            "recommendation": self.outcome.recommendation.value,
            "rationale": self.outcome.rationale,
        }

    @property
    def progression_role(self) -> object:
        return self.enrolment.template.progression_role

    @property
    def may_progress(self) -> bool:
        return (
            self.confirmed_pass
            and self.progression_role is not None
            and self.outcome.progressed_on is None
        )


def outcome_state(enrolment: Enrolment) -> OutcomeState:
    final = final_review(enrolment.template.spec)
    return OutcomeState(
        enrolment=enrolment,
        final=final,
        final_milestone=queries.find_milestone_by_key(enrolment, final.key),
        outcome=find_outcome(enrolment),
    )


# --- writes --------------------------------------------------------------------------------


def record_recommendation(
    *,
    enrolment: Enrolment,
    recommendation: Recommendation,
    rationale: str,
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
    today: dt.date,
) -> Outcome:
    """The assessor's pass or fail, once the final review is signed off and until the panel
    confirms it."""
    state = outcome_state(enrolment)
    if state.outcome is not None:
        check_version(state.outcome, expected_version)
    if state.confirmed:
        raise RuleBroken(
            {"recommendation": "The panel has confirmed the outcome: it can no longer change"}
        )
    if enrolment.status in CLOSED:
        raise RuleBroken({"recommendation": f"This enrolment is {enrolment.status.label.lower()}"})
    errors: dict[str, str] = {}
    if not state.final_signed:
        errors["recommendation"] = f"Recommend once the {state.final.label.lower()} is signed off"
    rationale = rationale.strip()
    if not rationale:
        errors["rationale"] = "Enter your rationale"
    if errors:
        raise RuleBroken(errors)
    outcome = state.outcome or Outcome(enrolment_id=enrolment.id)
    outcome.recommendation = recommendation
    outcome.rationale = rationale
    outcome.recommended_on = today
    outcome.recommended_by_id = actor.id
    outcome.updated_at = now
    outcome.updated_by_id = actor.id
    db.session.add(outcome)
    _log(
        enrolment, EnrolmentEventKind.RECOMMENDED, reason=recommendation.label, actor=actor, now=now
    )
    db.session.flush()
    record(
        "programme_recommendation_recorded",
        now=now,
        actor=actor,
        subject=enrolment,
        recommendation=recommendation.value,
    )
    return outcome


def record_panel(
    *,
    enrolment: Enrolment,
    panel_on: dt.date,
    members: str,
    decision: PanelDecision,
    note: str,
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
    today: dt.date,
) -> Outcome:
    """The internal moderation panel's decision on the assessor's recommendation."""
    state = outcome_state(enrolment)
    outcome = state.outcome
    if outcome is None:
        raise RuleBroken({"decision": "The assessor must record a recommendation first"})
    if state.confirmed:
        raise RuleBroken({"decision": "The panel has already confirmed the outcome"})
    check_version(outcome, expected_version)
    if enrolment.status in CLOSED:
        raise RuleBroken({"decision": f"This enrolment is {enrolment.status.label.lower()}"})
    errors: dict[str, str] = {}
    if not state.final_complete:
        needs = " and countersigned" if state.final.countersign else ""
        errors["decision"] = (
            f"The {state.final.label.lower()} must be signed off{needs} before the panel"
        )
    if panel_on > today:
        errors["panel_on"] = "Date of the panel must be today or in the past"
    elif panel_on < outcome.recommended_on:
        errors["panel_on"] = (
            "Date of the panel must be on or after the recommendation "
            f"({govuk_date(outcome.recommended_on)})"
        )
    members = members.strip()
    if not members:
        errors["members"] = "Enter the panel members"
    note = note.strip()
    if decision is not PanelDecision.CONFIRM and not note:
        errors["note"] = (
            "Enter what the panel asks for"
            if decision is PanelDecision.REFER_BACK
            else "Enter why the panel deferred its decision"
        )
    if errors:
        raise RuleBroken(errors)

    outcome.panel_on = panel_on
    outcome.panel_members = members
    outcome.decision = decision
    outcome.decision_note = note
    outcome.updated_at = now
    outcome.updated_by_id = actor.id
    if decision is PanelDecision.CONFIRM:
        enrolment.status = CONFIRMED_STATUS[outcome.recommendation]
        enrolment.completed_on = panel_on
    elif decision is PanelDecision.DEFER:
        enrolment.status = EnrolmentStatus.DEFERRED
    elif enrolment.status is EnrolmentStatus.DEFERRED:
        # Referred back after a deferral: the work goes on.
        enrolment.status = EnrolmentStatus.ACTIVE
    enrolment.updated_at = now
    enrolment.updated_by_id = actor.id
    reason = f"{decision.label} ({outcome.recommendation.label.lower()})"
    _log(
        enrolment,
        EnrolmentEventKind.PANEL_DECIDED,
        reason=f"{reason}: {note}" if note else reason,
        status=enrolment.status,
        starts_on=panel_on,
        actor=actor,
        now=now,
    )
    db.session.flush()
    record(
        "programme_panel_decided",
        now=now,
        actor=actor,
        subject=enrolment,
        decision=decision.value,
        recommendation=outcome.recommendation.value,
        status=enrolment.status.value,
    )
    return outcome


def apply_progression(
    *,
    enrolment: Enrolment,
    progressed_on: dt.date,
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
) -> Outcome:
    """The council's progression rule on a confirmed pass, once: the person's job role
    becomes the template's from ``progressed_on``."""
    state = outcome_state(enrolment)
    outcome = state.outcome
    if not state.confirmed_pass:
        raise RuleBroken({"progressed_on": "Progression follows a pass the panel confirmed"})
    role = enrolment.template.progression_role
    if role is None:
        raise RuleBroken({"progressed_on": "This programme has no progression rule"})
    # Applied twice (a second tab, a double click) says so, rather than "changed since".
    if outcome.progressed_on is not None:
        raise RuleBroken(
            {
                "progressed_on": "Progression was already applied from "
                f"{govuk_date(outcome.progressed_on)}"
            }
        )
    check_version(outcome, expected_version)
    staff = enrolment.staff
    if progressed_on < outcome.panel_on:
        raise RuleBroken(
            {
                "progressed_on": "The date must be on or after the panel "
                f"({govuk_date(outcome.panel_on)})"
            }
        )
    if staff.job_role_id == role.id:
        raise RuleBroken({"progressed_on": f"{staff.full_name} is already a {role.title}"})
    # Everything else about the person stays as it is; organisation's service changes the
    # role, dates it (``job_role_since``: the day the service is told is "today") and audits.
    current = organisation_services.StaffDetails(
        **{f.name: getattr(staff, f.name) for f in fields(organisation_services.StaffDetails)}
    )
    organisation_services.update_staff(
        staff=staff,
        details=replace(current, job_role=role),
        actor=actor,
        now=now,
        today=progressed_on,
    )
    outcome.progressed_on = progressed_on
    outcome.updated_at = now
    outcome.updated_by_id = actor.id
    _log(
        enrolment,
        EnrolmentEventKind.PROGRESSED,
        reason=f"{role.title} from {govuk_date(progressed_on)}",
        starts_on=progressed_on,
        actor=actor,
        now=now,
    )
    db.session.flush()
    record(
        "programme_progression_applied",
        now=now,
        actor=actor,
        subject=enrolment,
        staff_id=staff.id,
        job_role_id=role.id,
        progressed_on=progressed_on.isoformat(),
    )
    return outcome


def _log(
    enrolment: Enrolment,
    kind: EnrolmentEventKind,
    *,
    reason: str,
    actor: User,
    now: dt.datetime,
    status: EnrolmentStatus | None = None,
    starts_on: dt.date | None = None,
) -> None:
    db.session.add(
        EnrolmentEvent(
            enrolment_id=enrolment.id,
            kind=kind,
            status=status,
            starts_on=starts_on,
            reason=reason[:500],
            actor_id=actor.id,
            at=now,
        )
    )
