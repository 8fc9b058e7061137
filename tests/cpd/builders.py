"""Builders for CPD tests: entries made through the services, so the rules apply."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from tests.factories import NOW, TODAY
from wfld.accounts.models import User
from wfld.cpd import services
from wfld.cpd.models import CpdEntry
from wfld.cpd.rules import ActivityType
from wfld.extensions import db
from wfld.organisation.models import StaffMember

PIECE = services.EntryText(
    title="Reflective group on chronologies",
    started_on=dt.date(2026, 10, 14),
    ended_on=None,
    activity_type=ActivityType.PEER_DISCUSSION,
    hours=Decimal("2"),
    description="A reflective group on writing chronologies, which I find hard.",
    learning="A chronology is an analysis, not a list of events.",
    impact="My chronologies now say what each event meant for the child.",
    peer_reflection=None,
    peer_role=None,
)


def make_entry(
    staff_id: int,
    *,
    complete: bool = True,
    peer: str | None = None,
    share: bool = False,
    tag_ids: set[int] = frozenset(),
    **changes: object,
) -> CpdEntry:
    """A CPD entry for ``staff_id`` (complete unless asked), with PIECE's text and ``changes``.

    ``peer`` adds a peer reflection (discussed with "a senior social worker")."""
    text = dataclasses.replace(PIECE, **changes)
    if peer is not None:
        text = dataclasses.replace(
            text, peer_reflection=peer, peer_role=text.peer_role or "a senior social worker"
        )
    staff = db.session.get(StaffMember, staff_id)
    entry = services.save_entry(
        staff=staff,
        entry=None,
        text=text,
        complete=complete,
        tag_ids=set(tag_ids),
        allowed_tag_ids=set(tag_ids),
        share=share,
        confirmed_digest=None,
        actor=db.session.get(User, staff.user_id),
        now=NOW,
        today=TODAY,
    )
    db.session.commit()
    return entry
