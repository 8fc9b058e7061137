"""What the home page shows a user: built as data, rendered by the template.

Later domains add attention items (overdue training, CPD due, milestones to sign off) by
extending ``build_home``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from wfld.organisation import permissions, queries
from wfld.organisation.models import StaffMember


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


def build_home(user: Any, *, today: dt.date) -> HomePage:
    staff = queries.find_staff_for_user(user.id)
    reports = queries.list_direct_reports(staff.id, today=today) if staff is not None else []
    return HomePage(
        staff=staff,
        direct_reports=reports,
        can_administer=permissions.can_administer_organisation(user),
        can_manage_accounts=permissions.can_manage_accounts(user),
        can_view_whole_service=permissions.can_view_whole_service(user),
    )
