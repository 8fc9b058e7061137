"""Writes for accounts: passwords, sign-in with a database-backed throttle, sessions."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from enum import Enum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from wfld.accounts import audit
from wfld.accounts.models import SignInAttempt, User, UserRole, UserSession
from wfld.accounts.queries import (
    count_recent_failures,
    count_recent_failures_from,
    find_user_by_email,
    normalise_email,
)
from wfld.accounts.roles import Role
from wfld.core.errors_domain import RuleBroken
from wfld.extensions import db

# argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 30 ms a
# check on these 2-core machines, against 200 ms for argon2-cffi's 64 MiB default, so
# sign-in stays fast under load while guessing stays expensive.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when the email is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))

MIN_PASSWORD_LENGTH = 12


class AccountError(RuleBroken):
    """A rule about accounts was broken; the message is fit to show the user. A broken rule like
    any other (so a form shows it on its field), about the password unless it names a field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__({field or "password": message})
        self.field = field


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"Password must be {MIN_PASSWORD_LENGTH} characters or more", field="password"
        )
    return _hasher.hash(password)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SignInResult(Enum):
    SIGNED_IN = "signed_in"
    WRONG = "wrong"
    LOCKED = "locked"
    SOURCE_LOCKED = "source_locked"


@dataclass(frozen=True)
class SignInOutcome:
    result: SignInResult
    user: User | None = None
    session_token: str | None = None


@dataclass(frozen=True)
class Throttle:
    """At most ``max_failures`` failed sign-ins in ``window_seconds``."""

    max_failures: int
    window_seconds: int


def sign_in_source(ip_address: str | None) -> str | None:
    """What the per-source limit counts: an IPv4 address as it is; an IPv6 address as its
    /64 network, since one customer of an internet provider gets a whole /64 and could
    otherwise try from a new address every time."""
    if not ip_address:
        return None
    try:
        address = ipaddress.ip_address(ip_address)
    except ValueError:
        return ip_address[:45]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def sign_in(
    *,
    email: str,
    password: str,
    now: dt.datetime,
    window_seconds: int,
    max_failures: int,
    today: dt.date,
    ip_address: str | None = None,
    user_agent: str | None = None,
    per_source: Throttle | None = None,
) -> SignInOutcome:
    """Check a password, counting failures per email address and per source address in the
    database (so the limits hold across workers).

    The limits are per address typed, whether or not an account has it, and per source
    address, whatever was typed: the lock-out answers tell an attacker nothing about which
    addresses exist, and a locked source is refused even with a right password.
    """
    email = normalise_email(email)
    source = sign_in_source(ip_address)

    def failed() -> None:
        db.session.add(
            SignInAttempt(
                email=email,
                attempted_at=now,
                succeeded=False,
                ip_address=ip_address,
                source=source,
            )
        )

    source_failures = 0
    counted = per_source is not None and source is not None
    if counted:
        source_failures = count_recent_failures_from(
            source, since=now - dt.timedelta(seconds=per_source.window_seconds)
        )
        if source_failures >= per_source.max_failures:
            failed()
            audit.record(
                "sign_in_refused_source_locked",
                now=now,
                ip_address=ip_address,
                email=email,
                source=source,
            )
            return SignInOutcome(SignInResult.SOURCE_LOCKED)

    failures = count_recent_failures(email, since=now - dt.timedelta(seconds=window_seconds))
    if failures >= max_failures:
        failed()
        audit.record("sign_in_refused_locked", now=now, ip_address=ip_address, email=email)
        return SignInOutcome(SignInResult.LOCKED)

    user = find_user_by_email(email)
    password_ok = _verify(
        user.password_hash if user and user.password_hash else _DUMMY_HASH, password
    )
    if user is None or not password_ok or not user.may_sign_in(today):
        failed()
        audit.record(
            "sign_in_failed",
            now=now,
            subject=user,
            ip_address=ip_address,
            email=email,
            reason="password" if not password_ok else "account not active",
        )
        if failures + 1 >= max_failures:
            audit.record(
                "account_locked", now=now, subject=user, ip_address=ip_address, email=email
            )
        if counted and source_failures + 1 >= per_source.max_failures:
            audit.record("sign_in_source_locked", now=now, ip_address=ip_address, source=source)
        return SignInOutcome(SignInResult.WRONG)

    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    token = secrets.token_urlsafe(32)
    db.session.add(
        SignInAttempt(
            email=email, attempted_at=now, succeeded=True, ip_address=ip_address, source=source
        )
    )
    db.session.add(
        UserSession(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=now,
            ip_address=ip_address,
            user_agent=(user_agent or "")[:300] or None,
        )
    )
    user.last_sign_in_at = now
    audit.record("sign_in", now=now, actor=user, subject=user, ip_address=ip_address)
    db.session.flush()
    return SignInOutcome(SignInResult.SIGNED_IN, user=user, session_token=token)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def sign_out(
    *, user: User, session_token: str | None, now: dt.datetime, ip_address: str | None
) -> None:
    if session_token:
        row = db.session.scalar(
            db.select(UserSession).where(UserSession.token_hash == token_hash(session_token))
        )
        if row is not None and row.revoked_at is None:
            row.revoked_at = now
    audit.record("sign_out", now=now, actor=user, subject=user, ip_address=ip_address)
    db.session.flush()


def revoke_all_sessions(*, user: User, now: dt.datetime) -> int:
    rows = db.session.scalars(
        db.select(UserSession).where(
            UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
        )
    ).all()
    for row in rows:
        row.revoked_at = now
    return len(rows)


def create_user(
    *,
    email: str,
    display_name: str,
    password: str | None,
    roles: set[Role],
    now: dt.datetime,
    actor: User | None,
) -> User:
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise AccountError("An account with this email address already exists", field="email")
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=hash_password(password) if password else None,
        is_enabled=True,
        created_at=now,
    )
    user.role_rows = [UserRole(role=role.value) for role in sorted(roles)]
    db.session.add(user)
    db.session.flush()
    audit.record(
        "account_created", now=now, actor=actor, subject=user, email=email, roles=sorted(roles)
    )
    return user


def set_roles(*, user: User, roles: set[Role], now: dt.datetime, actor: User) -> None:
    before = sorted(user.roles)
    if set(before) == roles:
        return
    user.role_rows = [UserRole(role=role.value) for role in sorted(roles)]
    audit.record(
        "roles_changed", now=now, actor=actor, subject=user, before=before, after=sorted(roles)
    )
    db.session.flush()


def set_password(*, user: User, password: str, now: dt.datetime, actor: User | None) -> None:
    user.password_hash = hash_password(password)
    revoke_all_sessions(user=user, now=now)
    audit.record("password_set", now=now, actor=actor, subject=user)
    db.session.flush()


def disable_user(*, user: User, now: dt.datetime, actor: User | None, reason: str) -> None:
    if user.is_enabled:
        user.is_enabled = False
        audit.record("account_disabled", now=now, actor=actor, subject=user, reason=reason)
    revoke_all_sessions(user=user, now=now)
    db.session.flush()


def enable_user(*, user: User, now: dt.datetime, actor: User) -> None:
    if not user.is_enabled:
        user.is_enabled = True
        audit.record("account_enabled", now=now, actor=actor, subject=user)
        db.session.flush()
