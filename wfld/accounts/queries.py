"""Reads for accounts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from wfld.accounts.models import AuditEvent, SignInAttempt, User, UserSession
from wfld.extensions import db


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def find_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def count_recent_failures(email: str, *, since: dt.datetime) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(SignInAttempt)
            .where(
                SignInAttempt.email == normalise_email(email),
                SignInAttempt.succeeded.is_(False),
                SignInAttempt.attempted_at >= since,
            )
        )
        or 0
    )


def count_recent_failures_from(source: str, *, since: dt.datetime) -> int:
    """Failed sign-ins from one source (see services.sign_in_source), whatever the email."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(SignInAttempt)
            .where(
                SignInAttempt.source == source,
                SignInAttempt.succeeded.is_(False),
                SignInAttempt.attempted_at >= since,
            )
        )
        or 0
    )


def find_live_session_user(
    user_id: int, token_hash: str, *, created_after: dt.datetime
) -> User | None:
    """The user of a session that is neither revoked nor past its absolute lifetime, with
    their roles in the same statement (every request asks this: one round trip, not two)."""
    return (
        db.session.scalars(
            select(User)
            .options(joinedload(User.role_rows))
            .join(UserSession, UserSession.user_id == User.id)
            .where(
                User.id == user_id,
                User.is_enabled.is_(True),
                UserSession.token_hash == token_hash,
                UserSession.revoked_at.is_(None),
                UserSession.created_at >= created_after,
            )
        )
        .unique()
        .first()
    )


def list_audit_events(*, event: str | None = None, limit: int = 100) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if event:
        query = query.where(AuditEvent.event == event)
    return list(db.session.scalars(query))
