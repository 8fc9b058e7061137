"""The append-only audit trail for sign-ins, lock-outs, sign-offs and admin changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from wfld.accounts.models import AuditEvent, User
from wfld.extensions import db


def record(
    event: str,
    *,
    now: dt.datetime,
    actor: User | None = None,
    subject: Any = None,
    ip_address: str | None = None,
    **details: Any,
) -> AuditEvent:
    """Append one event. The caller's transaction commits it with the change it records."""
    entry = AuditEvent(
        occurred_at=now,
        event=event,
        actor_user_id=actor.id if actor is not None else None,
        subject_type=type(subject).__name__ if subject is not None else None,
        subject_id=getattr(subject, "id", None),
        ip_address=ip_address,
        details={k: v for k, v in details.items() if v is not None},
    )
    db.session.add(entry)
    return entry
