"""Signatures: the person agrees (or adds comments), the appraiser signs, and once both have the
record is locked and the person's development plan is made or updated from its needs. Where
the cycle asks, the appraiser's own manager countersigns. A change after that is a new
version; the signature events keep each version as it was signed.

Two signatures at once never corrupt the record: each checks the version the page was opened
on (``expected_version``) and the version column refuses the second writer of a row that
moved, so the later one is told what happened instead.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from wfld.accounts.audit import record as audit
from wfld.accounts.models import User
from wfld.appraisal import queries
from wfld.appraisal.models import Appraisal, DevelopmentAction, DevelopmentPlan
from wfld.appraisal.record import snapshot_of
from wfld.appraisal.rules import ActionState, EventKind, Stage
from wfld.appraisal.services import append_event, clean
from wfld.core.errors_domain import RuleBroken, check_version
from wfld.extensions import db


class Signer(StrEnum):
    PERSON = "person"
    APPRAISER = "appraiser"


def sign_refusal(appraisal: Appraisal, signer: Signer) -> str | None:
    """Why this signature cannot be given now (None: it can)."""
    if appraisal.stage not in (Stage.HELD, Stage.SIGNED) or appraisal.held_on is None:
        return "The conversation has not been recorded yet: the appraiser records it first"
    if signer is Signer.PERSON and appraisal.person_signed_at is not None:
        return "You have already signed this record"
    if signer is Signer.APPRAISER and appraisal.appraiser_signed_at is not None:
        return "You have already signed this record"
    return None


def sign(
    *,
    appraisal: Appraisal,
    signer: Signer,
    comments: str = "",
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
) -> Appraisal:
    """One signature. The person may add comments as they sign (their agreement stands with
    them). The second signature locks the record and makes or updates the plan."""
    check_version(appraisal, expected_version)
    refusal = sign_refusal(appraisal, signer)
    if refusal:
        raise RuleBroken({"": refusal})
    comments = clean(comments)
    if len(comments) > 5000:
        raise RuleBroken({"comments": "Comments must be 5,000 characters or fewer"})
    if signer is Signer.PERSON:
        appraisal.person_comments = comments
        appraisal.person_signed_at = now
        kind = EventKind.PERSON_SIGNED
    else:
        appraisal.appraiser_signed_at = now
        kind = EventKind.APPRAISER_SIGNED
    appraisal.updated_at = now
    snapshot = None
    if appraisal.signatures.both:
        appraisal.stage = Stage.SIGNED
        snapshot = snapshot_of(appraisal)
    db.session.flush()
    append_event(appraisal, kind, actor=actor, now=now, note=comments, snapshot=snapshot)
    audit(
        f"appraisal_{kind.value}",
        now=now,
        actor=actor,
        subject=appraisal,
        staff_id=appraisal.staff_id,
        record_version=appraisal.record_version,
    )
    if appraisal.signatures.both:
        apply_to_plan(appraisal, now=now)
    return appraisal


def countersign(
    *, appraisal: Appraisal, expected_version: int | None, actor: User, now: dt.datetime
) -> Appraisal:
    check_version(appraisal, expected_version)
    if not appraisal.needs_countersignature:
        raise RuleBroken({"": "This record does not need a countersignature"})
    if not appraisal.signatures.both:
        raise RuleBroken({"": "Both the person and the appraiser sign before the countersignature"})
    if appraisal.countersigned_at is not None:
        raise RuleBroken({"": "This record has already been countersigned"})
    appraisal.countersigned_at = now
    appraisal.updated_at = now
    db.session.flush()
    append_event(
        appraisal, EventKind.COUNTERSIGNED, actor=actor, now=now, snapshot=snapshot_of(appraisal)
    )
    audit(
        "appraisal_countersigned",
        now=now,
        actor=actor,
        subject=appraisal,
        staff_id=appraisal.staff_id,
        record_version=appraisal.record_version,
    )
    return appraisal


def start_new_version(
    *,
    appraisal: Appraisal,
    reason: str,
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
) -> Appraisal:
    """Reopen a signed record as its next version: the signed one stays in the log as it was
    signed; the new one needs both signatures again."""
    check_version(appraisal, expected_version)
    reason = clean(reason)
    if not reason:
        raise RuleBroken({"reason": "Enter why the record needs to change"})
    if len(reason) > 2000:
        raise RuleBroken({"reason": "Reason must be 2,000 characters or fewer"})
    if not appraisal.signatures.both:
        raise RuleBroken({"reason": "The record has not been signed by both of you yet: change it"})
    appraisal.record_version += 1
    appraisal.person_signed_at = None
    appraisal.appraiser_signed_at = None
    appraisal.countersigned_at = None
    appraisal.stage = Stage.HELD
    appraisal.updated_at = now
    db.session.flush()
    append_event(appraisal, EventKind.NEW_VERSION, actor=actor, now=now, note=reason)
    audit(
        "appraisal_new_version",
        now=now,
        actor=actor,
        subject=appraisal,
        staff_id=appraisal.staff_id,
        record_version=appraisal.record_version,
    )
    return appraisal


def apply_to_plan(appraisal: Appraisal, *, now: dt.datetime) -> DevelopmentPlan:
    """The agreed needs become actions in the person's plan for the cycle: a new need adds an
    action; a need agreed again in a later version updates its action (unless the action is
    finished, which stands as it was)."""
    plan = queries.find_plan_for(appraisal.staff_id, appraisal.cycle_id)
    if plan is None:
        plan = DevelopmentPlan(
            staff_id=appraisal.staff_id,
            cycle_id=appraisal.cycle_id,
            appraisal_id=appraisal.id,
            created_at=now,
            updated_at=now,
        )
        db.session.add(plan)
        db.session.flush()
    position = queries.next_action_position(plan.id)
    for need in appraisal.needs:
        action = queries.find_action_for_need(need.id)
        if action is None:
            action = DevelopmentAction(
                plan_id=plan.id,
                staff_id=appraisal.staff_id,
                need_id=need.id,
                position=position,
                state=ActionState.PLANNED,
                created_at=now,
            )
            position += 1
            db.session.add(action)
        elif action.state.is_finished:
            continue
        action.title = need.description
        action.action_type = need.action_type
        action.target_date = need.target_date
        action.activity_id = need.activity_id
        action.framework_items = list(need.framework_items)
        action.updated_at = now
    plan.updated_at = now
    db.session.flush()
    return plan
