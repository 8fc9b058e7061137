"""What the sign-off pages show: the record to check, who is signing, why a signature or a
countersignature cannot be given now, the objective-to-priority warning, the log with each
signed version as it was signed, and what the loser of a race is told.

Reads only (through ``queries``); the signatures themselves are ``signing``'s.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from wfld.appraisal import permissions, queries
from wfld.appraisal.models import Appraisal, AppraisalEvent, DevelopmentPlan
from wfld.appraisal.permissions import Part
from wfld.appraisal.record import AppraisalRecord, current_record, signed_snapshots
from wfld.appraisal.rules import EventKind, lacks_priority_objective
from wfld.appraisal.signing import Signer, sign_refusal
from wfld.core.filters import govuk_date, govuk_time

SIGNED_EVENT = {
    Signer.PERSON: EventKind.PERSON_SIGNED,
    Signer.APPRAISER: EventKind.APPRAISER_SIGNED,
}

# How the winner of a race is named to the loser who tried the same step.
_DONE = {
    EventKind.PERSON_SIGNED: "signed",
    EventKind.APPRAISER_SIGNED: "signed",
    EventKind.COUNTERSIGNED: "countersigned",
    EventKind.NEW_VERSION: "reopened as a new version",
}


def signer_for(user: Any, appraisal: Appraisal) -> Signer | None:
    """Whose signature this user gives: the person's (they are the person) or the appraiser's."""
    parts = permissions.parts_in(user, appraisal)
    if Part.SELF in parts:
        return Signer.PERSON
    if Part.APPRAISER in parts:
        return Signer.APPRAISER
    return None


def misses_priority(appraisal: Appraisal) -> bool:
    """The cycle lists strategy priorities and no objective is linked to one."""
    return lacks_priority_objective(
        [o.priority_id for o in appraisal.objectives],
        cycle_has_priorities=bool(appraisal.cycle.priorities),
    )


def countersign_refusal(appraisal: Appraisal) -> str | None:
    """Why the countersignature cannot be given now (None: it can). The words are the
    countersigning service's own."""
    if not appraisal.needs_countersignature:
        return "This record does not need a countersignature"
    if not appraisal.signatures.both:
        return "Both the person and the appraiser sign before the countersignature"
    if appraisal.countersigned_at is not None:
        return "This record has already been countersigned"
    return None


@dataclass(frozen=True)
class SignPage:
    appraisal: Appraisal
    record: AppraisalRecord  # what the record says now: what is being signed
    signer: Signer
    refusal: str | None  # why this signature cannot be given now
    misses_priority: bool
    plan: DevelopmentPlan | None  # made once both have signed
    plan_viewable: bool  # by this viewer, through the plan's own page
    is_person: bool

    @property
    def awaits_countersignature(self) -> bool:
        signatures = self.appraisal.signatures
        return signatures.both and not signatures.complete


def sign_page(appraisal: Appraisal, user: Any) -> SignPage | None:
    signer = signer_for(user, appraisal)
    if signer is None:
        return None
    plan = queries.find_plan_for(appraisal.staff_id, appraisal.cycle_id)
    return SignPage(
        appraisal=appraisal,
        record=current_record(appraisal),
        signer=signer,
        refusal=sign_refusal(appraisal, signer),
        misses_priority=misses_priority(appraisal),
        plan=plan,
        plan_viewable=plan is not None and permissions.can_view_plan(user, plan),
        is_person=signer is Signer.PERSON,
    )


def has_plan(appraisal: Appraisal) -> bool:
    return queries.find_plan_for(appraisal.staff_id, appraisal.cycle_id) is not None


def signed_message(appraisal: Appraisal, *, had_plan: bool) -> str:
    """What a signer is told: the second signature locks the record and makes (or, when the
    person had one for the cycle already, updates) their development plan."""
    if not appraisal.signatures.both:
        return "You have signed the record"
    made = "updated" if had_plan else "made"
    return (
        "You have both signed the record, so it is locked. The development plan has been "
        f"{made} from its needs"
    )


# History ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class HistoryLine:
    label: str
    who: str
    at: dt.datetime
    record_version: int
    note: str


@dataclass(frozen=True)
class History:
    lines: tuple[HistoryLine, ...]  # oldest first
    versions: tuple[AppraisalRecord, ...]  # each signed version as it was signed, latest first


def _who(event: AppraisalEvent) -> str:
    return event.actor.display_name if event.actor is not None else "The system"


def history_of(appraisal: Appraisal) -> History:
    events = queries.list_events(appraisal.id)
    kept = signed_snapshots(events)
    return History(
        lines=tuple(
            HistoryLine(
                label=event.kind.label,
                who=_who(event),
                at=event.at,
                record_version=event.record_version,
                note=event.note if event.kind is not EventKind.APPRAISER_SET else "",
            )
            for event in events
        ),
        versions=tuple(
            AppraisalRecord.from_snapshot(kept[version]) for version in sorted(kept, reverse=True)
        ),
    )


# Races --------------------------------------------------------------------------------------
def lost_race_message(appraisal_id: int, tried: EventKind) -> str:
    """What the loser of a race on a record is told, from its log as committed (read after the
    losing step was rolled back): "Already signed by …" when the winner took the same step,
    else who changed the record and when."""
    events = queries.list_events(appraisal_id)
    if not events:
        return "Someone changed this record since you opened it: check it and try again"
    latest = events[-1]
    when = f"{govuk_time(latest.at)} on {govuk_date(latest.at)}"
    if latest.kind is tried:
        return f"Already {_DONE[tried]} by {_who(latest)} at {when}"
    done = _DONE.get(latest.kind, "changed")
    return (
        f"{_who(latest)} {done} this record at {when}, after you opened it: check it and try again"
    )
