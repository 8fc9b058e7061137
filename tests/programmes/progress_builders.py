"""Records for the progress views' tests: evidence and supervision rows as the pages read
them, and milestone steps taken through the signing service."""

from __future__ import annotations

import datetime as dt

from tests.programmes.builders import NOW
from wfld.accounts.models import User
from wfld.extensions import db
from wfld.organisation.models import StaffMember
from wfld.programmes import signing
from wfld.programmes.models import Enrolment, Evidence, Milestone
from wfld.programmes.rules import EvidenceKind, MilestoneAction
from wfld.supervision.models import SupervisionKind, SupervisionRecord


def add_pieces(enrolment: Enrolment, kind: EvidenceKind, n: int, *, on: dt.date) -> None:
    """``n`` pieces of one kind, dated ``on`` (what the counts and shortfalls read)."""
    for i in range(n):
        db.session.add(
            Evidence(
                enrolment_id=enrolment.id,
                kind=kind,
                title=f"{kind.label} {i + 1}",
                occurred_on=on,
                review_key="3m",
                created_at=NOW,
                updated_at=NOW,
            )
        )
    db.session.flush()


def add_sessions(staff_id: int, supervisor_id: int, days: list[dt.date], minutes: int = 90) -> None:
    for day in days:
        db.session.add(
            SupervisionRecord(
                staff_id=staff_id,
                supervisor_id=supervisor_id,
                held_on=day,
                kind=SupervisionKind.CASE,
                minutes=minutes,
                created_at=NOW,
                updated_at=NOW,
            )
        )
    db.session.flush()


def user_of(staff_id: int) -> User:
    return db.session.get(StaffMember, staff_id).user


def milestone(enrolment: Enrolment, key: str) -> Milestone:
    return next(m for m in enrolment.milestones if m.key == key)


def step(
    enrolment: Enrolment,
    key: str,
    action: MilestoneAction,
    *,
    by: int,
    at: dt.datetime = NOW,
    reason: str = "",
) -> None:
    """Take a step on a review point as the member of staff ``by`` (the signing service)."""
    target = milestone(enrolment, key)
    signing.act(
        milestone=target,
        action=action,
        text="Done" if action is not MilestoneAction.SUBMIT else "My summary",
        short_reason=reason,
        expected_version=target.version_id,
        actor=user_of(by),
        now=at,
    )
