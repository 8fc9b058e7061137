"""Staff scopes: "the staff this person may see, for this purpose, on this date", as one type.

Reports, compliance, renewal readiness, the home page and the matrices to come take a
``StaffScope`` rather than a hand-built SELECT of ids, so every page that asks "whose
records may this person see?" gets its answer from the one permission policy
(``permissions.py``).

A scope is a SELECT of staff ids (for SQL ``IN``), never a list of people: a service-wide
scope names thousands of people and stays a subquery the database can plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, false, or_, select

from wfld.organisation import permissions, queries
from wfld.organisation.models import StaffMember


class Purpose(StrEnum):
    SELF = "self"  # the actor's own record
    TEAM = "team"  # everyone in post below the actor in line management (not the actor)
    SELF_AND_TEAM = "self_and_team"  # the actor and their team, in one scope (the home page)
    SERVICE = "service"  # everyone in post: service-wide roles only
    PERSON = "person"  # one person the actor may see (``person=``)
    SYSTEM = "system"  # decided by code, not by a user: CLI commands, background jobs, tests


class ScopeRefused(PermissionError):
    """The actor asked for a scope the permission policy does not give them. Pages check the
    matching ``can_*`` predicate first (403 or 404), so this is a programming error."""


@dataclass(frozen=True, eq=False)
class StaffScope:
    """Whom a report covers: a SELECT of staff ids, the day it is for, and why.

    Build one with ``visible_scope`` (for a signed-in user) or ``system_scope``; narrow it
    with ``within_team`` or ``only`` (a narrowed scope never widens).
    """

    ids: Select  # SELECT staff_members.id ... : use it as ``column.in_(scope.ids)``
    today: dt.date
    purpose: Purpose
    # The actor's own staff id (None for system accounts and system scopes): pages that count
    # the actor's own needs apart from their team's (the home page) use it.
    actor_id: int | None = None
    # True when ``ids`` is everyone in post on ``today`` (in ``team_id`` only, when set): a
    # table that keeps each person's leaving date and team can then filter its own rows
    # instead of matching tens of thousands of them against the SELECT.
    everyone_in_post: bool = False
    team_id: int | None = None

    def within_team(self, team_id: int) -> StaffScope:
        return replace(self, ids=self.ids.where(StaffMember.team_id == team_id), team_id=team_id)

    def only(self, staff_id: int) -> StaffScope:
        """One person, if the scope has them (else nobody)."""
        return replace(self, ids=self.ids.where(StaffMember.id == staff_id), everyone_in_post=False)


def _nobody() -> Select:
    return select(StaffMember.id).where(false())


def _one(staff_id: int) -> Select:
    return select(StaffMember.id).where(StaffMember.id == staff_id)


def visible_scope(
    actor: Any,
    today: dt.date,
    purpose: Purpose,
    *,
    person: StaffMember | None = None,
) -> StaffScope:
    """The staff ``actor`` may see for ``purpose`` on ``today``.

    - SELF, TEAM, SELF_AND_TEAM: from the actor's own staff record; nobody when they have
      none (a system account), and TEAM is nobody for someone who manages no one.
    - SERVICE: everyone in post; refused (``ScopeRefused``) unless the actor has sight of
      the whole service (senior managers, the WFLD team, system admins).
    - PERSON: ``person``, refused unless the actor may see them (themselves, anyone above
      them in line management, service-wide roles).
    - SYSTEM is not for users: see ``system_scope``.

    The SELF scope does not check that the actor is in post: a leaver who can still sign in
    sees their own record, as before.
    """
    me = permissions.staff_of(actor)
    actor_id = me.id if me is not None else None

    def scope(ids: Select, *, everyone: bool = False) -> StaffScope:
        return StaffScope(
            ids=ids, today=today, purpose=purpose, actor_id=actor_id, everyone_in_post=everyone
        )

    if purpose is Purpose.SERVICE:
        if not permissions.can_view_whole_service(actor):
            raise ScopeRefused("Only service-wide roles see everyone in post")
        return scope(queries.in_post(today), everyone=True)
    if purpose is Purpose.PERSON:
        if person is None:
            raise ValueError("A PERSON scope names the person")
        if not permissions.can_view_staff(actor, person):
            raise ScopeRefused("The actor may not see this person")
        return scope(_one(person.id))
    if purpose is Purpose.SYSTEM:
        raise ValueError("System scopes are built with system_scope()")
    if me is None:
        return scope(_nobody())
    if purpose is Purpose.SELF:
        return scope(_one(me.id))
    if purpose is Purpose.TEAM:
        return scope(queries.chain_below(me.id, today=today))
    if purpose is Purpose.SELF_AND_TEAM:
        return scope(
            select(StaffMember.id).where(
                or_(
                    StaffMember.id == me.id,
                    StaffMember.id.in_(queries.chain_below(me.id, today=today)),
                )
            )
        )
    raise ValueError(f"Unknown purpose {purpose!r}")


def system_scope(today: dt.date, *, ids: Select | None = None) -> StaffScope:
    """A scope decided by code rather than by a user's sight (CLI commands, background jobs
    such as a quarter's snapshot, tests): everyone in post on ``today``, or the staff ``ids``
    names (a SELECT of staff ids)."""
    return StaffScope(
        ids=ids if ids is not None else queries.in_post(today),
        today=today,
        purpose=Purpose.SYSTEM,
        everyone_in_post=ids is None,
    )
