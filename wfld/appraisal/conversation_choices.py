"""What the conversation pages offer to choose from: the framework items for the person's role,
the catalogue's activities, the person's CPD entries and supervision sessions the feedback may
point to, and the cycle's strategy priorities. Reads only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from wfld.appraisal import queries
from wfld.appraisal.models import Appraisal, DevelopmentNeed
from wfld.catalogue import queries as catalogue_queries
from wfld.catalogue.models import LearningActivity
from wfld.cpd import permissions as cpd_permissions
from wfld.cpd.models import CpdEntry
from wfld.learning import queries as learning_queries
from wfld.organisation.models import StaffMember
from wfld.organisation.permissions import staff_of
from wfld.supervision import permissions as supervision_permissions
from wfld.supervision.models import SupervisionRecord
from wfld.supervision.permissions import LogView

ItemGroup = catalogue_queries.ItemGroup


def framework_item_groups(
    staff: StaffMember, *, today: dt.date, need: DevelopmentNeed | None = None
) -> list[ItemGroup]:
    """The current version of each framework the person's role is expected to work at (the
    PCF, KSS, early career standards …) and of the council's own frameworks, which apply to
    everyone; every framework when the role has none set. A need's items from other
    frameworks or earlier versions stay offered, so saving it again does not drop them."""
    groups = catalogue_queries.list_framework_item_groups(today=today)
    role_frameworks = (
        {row.framework_id for row in learning_queries.expected_levels_for_role(staff.job_role_id)}
        if staff.job_role_id
        else set()
    )
    if role_frameworks:
        groups = [
            g
            for g in groups
            if g.version.framework_id in role_frameworks or g.version.framework.is_local
        ]
    offered = {item.id for group in groups for item in group.items}
    if need is not None:
        kept: dict[int, list] = {}
        for item in need.framework_items:
            if item.id not in offered:
                kept.setdefault(item.version_id, []).append(item)
        groups.extend(
            ItemGroup(items[0].version, items, is_current=False) for items in kept.values()
        )
    return groups


def activities(need: DevelopmentNeed | None = None) -> list[LearningActivity]:
    """The catalogue's active activities (and a need's own, should it have been withdrawn)."""
    offered = catalogue_queries.list_active_activities()
    if need is not None and need.activity is not None and need.activity not in offered:
        offered.append(need.activity)
    return offered


def cpd_entries(user: Any, appraisal: Appraisal) -> list[CpdEntry]:
    """The person's recent CPD entries that this user may read (CPD is private until shared),
    and those the feedback already points to."""
    recent = [
        entry
        for entry in queries.list_recent_cpd_entries(appraisal.staff_id)
        if cpd_permissions.can_view_entry(user, entry)
    ]
    return recent + [e for e in appraisal.cpd_entries if e not in recent]


def supervision_sessions(user: Any, appraisal: Appraisal) -> list[SupervisionRecord]:
    """The person's recent supervision sessions this user may see in their log (offered by
    date, type and supervisor: never their themes), and those the feedback already points to."""
    view = supervision_permissions.log_view(user, appraisal.staff)
    me = staff_of(user)
    recent = [
        session
        for session in queries.list_recent_supervision(appraisal.staff_id)
        if view is LogView.ALL or (view is LogView.HELD and session.supervisor_id == me.id)
    ]
    return recent + [s for s in appraisal.supervision_sessions if s not in recent]
