"""What the home page shows a user: built as data, rendered by the template.

Each domain contributes "what needs my attention" items; today: the person's own learning
requirements and, for line managers, their team's overdue learning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from sqlalchemy import or_, select

from wfld.core.clock import LONDON
from wfld.cpd import queries as cpd_queries
from wfld.cpd import readiness as cpd_readiness
from wfld.cpd.rules import Readiness
from wfld.cpd.rules import Status as CpdStatus
from wfld.learning import permissions as learning_permissions
from wfld.learning.compliance import summarise
from wfld.learning.rules import Status
from wfld.organisation import permissions, queries
from wfld.organisation.models import StaffMember

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
    cpd: Readiness | None = None


def build_home(user: Any, *, now: dt.datetime, today: dt.date, due_soon_days: int) -> HomePage:
    staff = queries.find_staff_for_user(user.id)
    reports = queries.list_direct_reports(staff.id, today=today) if staff is not None else []
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
            staff, has_team=bool(reports), now=now, today=today, days=due_soon_days
        )
        page.cpd = cpd_readiness.readiness_of(staff, now=now)
        page.attention += _cpd_attention(staff, page.cpd, has_team=bool(reports), now=now)
    return page


def _cpd_attention(
    staff: StaffMember, mine: Readiness | None, *, has_team: bool, now: dt.datetime
) -> list[AttentionItem]:
    """The person's own renewal when it is not ready; comments on their entries they have not
    read yet (until they open the entry); for managers, the CPD shared with them and how much of
    it is new (their team's readiness is one link away, so the home page stays cheap)."""
    items: list[AttentionItem] = []
    if mine is not None and mine.status is CpdStatus.NOT_READY and mine.days_left is not None:
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
    staff: StaffMember, *, has_team: bool, now: dt.datetime, today: dt.date, days: int
) -> list[AttentionItem]:
    """One compliance report for the person and everyone below them, so the page stays cheap."""
    scope = select(StaffMember.id).where(StaffMember.id == staff.id)
    if has_team:
        scope = select(StaffMember.id).where(
            or_(
                StaffMember.id == staff.id,
                StaffMember.id.in_(queries.chain_below(staff.id, today=today)),
            )
        )
    summary = summarise(scope, now=now, due_soon_days=days, apart=staff.id, with_teams=False)
    items: list[AttentionItem] = []
    late, soon = summary.apart_late, summary.apart[Status.DUE_SOON]
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
    for key, n in summary.late.most_common(MAX_TEAM_ITEMS):
        people = "1 of your team is" if n == 1 else f"{n} of your team are"
        items.append(
            AttentionItem(
                f"{people} overdue {summary.requirements[key].title}",
                url_for("learning.team_compliance", requirement=key),
            )
        )
    return items


def _count(n: int, one: str, many: str) -> str:
    return f"1 {one}" if n == 1 else f"{n} {many}"
