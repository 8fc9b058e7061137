"""What the home page shows a user: built as data, rendered by the template.

Each domain contributes "what needs my attention" items; today: the person's own learning
requirements and, for line managers, their team's overdue learning (both from the learning
needs provider, through the registry the training-needs matrix reads too, so the two never
disagree about "overdue"), and CPD (through cpd's public queries).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from flask import url_for

from wfld import needs_providers
from wfld.core.clock import LONDON
from wfld.core.needs import IN_PERIOD, LATE, Period, Priority, State
from wfld.cpd import queries as cpd_queries
from wfld.learning import permissions as learning_permissions
from wfld.main import queries
from wfld.organisation import permissions
from wfld.organisation.models import StaffMember
from wfld.organisation.scopes import Purpose, visible_scope
from wfld.programmes import permissions as programme_permissions

MAX_TEAM_ITEMS = 5


@dataclass(frozen=True)
class AttentionItem:
    text: str
    href: str | None = None


@dataclass
class HomePage:
    staff: StaffMember | None
    direct_reports: list[StaffMember]
    attention: list[AttentionItem] = field(default_factory=list)
    can_administer: bool = False
    can_manage_accounts: bool = False
    can_view_whole_service: bool = False
    can_manage_pathways: bool = False
    cpd: Any = None  # the person's CPD readiness (cpd's Readiness), None when not registered
    # Review points waiting for this person's signature (programmes' ToSignOff rows).
    to_sign_off: list[Any] = field(default_factory=list)


def build_home(user: Any, *, now: dt.datetime, today: dt.date, due_soon_days: int) -> HomePage:
    # The staff record came with the user at sign-in; the page's view of it and the direct
    # reports are one more statement (none for an account without a staff record).
    staff, reports = None, []
    if (me := permissions.staff_of(user)) is not None:
        staff, reports = queries.person_and_reports(me, today=today)
    permissions.note_direct_reports(user, today=today, count=len(reports))
    page = HomePage(
        staff=staff,
        direct_reports=reports,
        can_administer=permissions.can_administer_organisation(user),
        can_manage_accounts=permissions.can_manage_accounts(user),
        can_view_whole_service=permissions.can_view_whole_service(user),
        can_manage_pathways=learning_permissions.can_manage_pathways(user),
    )
    if staff is not None:
        page.attention = _learning_attention(
            user, has_team=bool(reports), now=now, today=today, days=due_soon_days
        )
        page.cpd = cpd_queries.readiness_of(staff, now=now)
        page.attention += _cpd_attention(staff, page.cpd, has_team=bool(reports), now=now)
        page.to_sign_off = programme_permissions.list_to_sign_off(user, today=today)
    return page


def _cpd_attention(
    staff: StaffMember, mine: Any, *, has_team: bool, now: dt.datetime
) -> list[AttentionItem]:
    """The person's own renewal when it is not ready; comments on their entries they have not
    read yet (until they open the entry); for managers, the CPD shared with them and how much of
    it is new (their team's readiness is one link away, so the home page stays cheap)."""
    items: list[AttentionItem] = []
    if mine is not None and mine.needs_attention:
        items.append(
            AttentionItem(
                f"Your CPD for {mine.regulator.label}: {mine.headline}", url_for("cpd.my_cpd")
            )
        )
    for unread in cpd_queries.list_unread_comments(staff.id):
        items.append(
            AttentionItem(
                _count(unread.count, "new comment", "new comments") + f" on ‘{unread.title}’",
                url_for("cpd.view_entry", entry_id=unread.entry_id, _anchor="comments"),
            )
        )
    if has_team:
        today = now.astimezone(LONDON).date()
        shared = cpd_queries.count_shared_with(staff.id, today=today)
        if shared.total:
            new = f" ({shared.new} new)" if shared.new else ""
            items.append(
                AttentionItem(
                    _count(shared.total, "CPD entry is", "CPD entries are")
                    + " shared with you"
                    + new,
                    url_for("cpd.shared_with_me"),
                )
            )
    return items


def _learning_attention(
    user: Any, *, has_team: bool, now: dt.datetime, today: dt.date, days: int
) -> list[AttentionItem]:
    """One tally for the person and everyone below them, so the page stays cheap: their own
    needs are counted apart from their team's."""
    scope = visible_scope(user, today, Purpose.SELF_AND_TEAM if has_team else Purpose.SELF)
    tally = needs_providers.provider("learning").tally(
        scope, Period.next_days(today, days), now=now
    )
    items: list[AttentionItem] = []
    # Overdue includes a place booked after the deadline; due soon, only what is not booked.
    late = tally.count(own=True, sources=LATE)
    soon = tally.count(own=True, sources=IN_PERIOD, states={State.OPEN})
    my_learning = url_for("learning.my_learning")
    if late:
        items.append(
            AttentionItem(
                _count(
                    late,
                    "of your learning requirements is",
                    "of your learning requirements are",
                )
                + " overdue",
                my_learning,
            )
        )
    if soon:
        items.append(
            AttentionItem(
                _count(soon, "learning requirement is", "learning requirements are")
                + f" due in the next {days} days",
                my_learning,
            )
        )
    # The team's mandatory learning only: recommended learning is never a shortfall.
    team = tally.by_target(own=False, priorities={Priority.MANDATORY}, sources=LATE)
    worst = sorted(team.items(), key=lambda item: (-item[1], tally.titles[item[0]]))
    for target, n in worst[:MAX_TEAM_ITEMS]:
        people = "1 of your team is" if n == 1 else f"{n} of your team are"
        items.append(
            AttentionItem(
                f"{people} overdue {tally.titles[target]}",
                url_for("learning.team_compliance", requirement=target.key),
            )
        )
    return items


def _count(n: int, one: str, many: str) -> str:
    return f"1 {one}" if n == 1 else f"{n} {many}"
