"""A portfolio on an enrolment for the record and bundle tests: evidence of every kind tagged
to framework items, review points acted on (each log replayed by ``rules.state_from`` into
the milestone's cached state, as the signing service keeps it), supervision sessions and an
outcome. Rows are written as the services write them, without their page-level checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from wfld.extensions import db
from wfld.frameworks.models import FrameworkItem
from wfld.programmes import queries
from wfld.programmes.models import (
    Enrolment,
    Evidence,
    MilestoneEvent,
    Outcome,
    PanelDecision,
    Recommendation,
)
from wfld.programmes.rules import (
    EvidenceKind,
    MilestoneAction,
    review_point_for,
    state_from,
)
from wfld.supervision.models import SupervisionKind, SupervisionRecord

NOW = dt.datetime(2027, 9, 20, 9, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Act:
    key: str
    action: MilestoneAction
    actor_id: int
    at: dt.datetime
    comment: str = ""
    short_reason: str = ""


def add_piece(
    enrolment: Enrolment,
    kind: EvidenceKind,
    title: str,
    day: dt.date,
    *,
    items: Sequence[FrameworkItem] = (),
    setting: str = "",
    observer: str = "",
) -> Evidence:
    dates = queries.dates_of(enrolment)
    at = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    piece = Evidence(
        enrolment_id=enrolment.id,
        kind=kind,
        title=title,
        occurred_on=day,
        review_key=review_point_for(dates, day),
        setting=setting,
        observer=observer,
        items=list(items),
        created_at=at,
        updated_at=at,
    )
    db.session.add(piece)
    db.session.flush()
    return piece


def act(enrolment: Enrolment, acts: Sequence[Act]) -> None:
    """Append each action to its milestone's log and cache the replayed state."""
    spec = enrolment.template.spec
    by_key = {m.key: m for m in enrolment.milestones}
    for a in acts:
        db.session.add(
            MilestoneEvent(
                milestone_id=by_key[a.key].id,
                action=a.action,
                comment=a.comment,
                short_reason=a.short_reason,
                actor_id=a.actor_id,
                at=a.at,
            )
        )
    db.session.flush()
    logs = queries.list_milestone_events([m.id for m in enrolment.milestones])
    for milestone in enrolment.milestones:
        countersign = spec.point(milestone.key).countersign is not None
        milestone.state = state_from(
            [e.action for e in logs[milestone.id]], countersign_needed=countersign
        )
    db.session.flush()


def add_sessions(
    staff_id: int, supervisor_id: int, days: Sequence[dt.date], minutes: int = 90
) -> None:
    for day in days:
        at = dt.datetime.combine(day, dt.time(15), tzinfo=dt.UTC)
        db.session.add(
            SupervisionRecord(
                staff_id=staff_id,
                supervisor_id=supervisor_id,
                held_on=day,
                kind=SupervisionKind.REFLECTIVE,
                minutes=minutes,
                created_at=at,
                updated_at=at,
            )
        )
    db.session.flush()


def add_outcome(enrolment: Enrolment, *, by_user_id: int, day: dt.date) -> Outcome:
    outcome = Outcome(
        enrolment_id=enrolment.id,
        recommendation=Recommendation.PASS,
        recommended_on=day,
        recommended_by_id=by_user_id,
        rationale="Consistently safe, reflective practice across the year.",
        panel_on=day + dt.timedelta(days=21),
        panel_members="ASYE coordinator; principal social worker",
        decision=PanelDecision.CONFIRM,
        decision_note="Pass confirmed.",
        updated_at=NOW,
    )
    db.session.add(outcome)
    db.session.flush()
    return outcome
