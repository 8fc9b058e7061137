"""Who may see and change frameworks."""

from __future__ import annotations

from typing import Any

from wfld.accounts.roles import Role
from wfld.frameworks.models import CrosswalkLink, Framework, FrameworkItem, FrameworkVersion


def can_manage_frameworks(user: Any) -> bool:
    """Create local frameworks, draft and publish versions, edit the crosswalk."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(
        Role.WFLD_ADMIN, Role.SYSTEM_ADMIN
    )


def can_view_version(user: Any, version: FrameworkVersion) -> bool:
    """Published versions are for everyone signed in; drafts only for those who edit them."""
    if not getattr(user, "is_authenticated", False):
        return False
    return not version.is_draft or can_manage_frameworks(user)


def can_edit_version(user: Any, version: FrameworkVersion) -> bool:
    """Only drafts change; a published version is history that evidence points at."""
    return version.is_draft and can_manage_frameworks(user)


def can_edit_item(user: Any, item: FrameworkItem) -> bool:
    return can_edit_version(user, item.version)


def can_edit_framework(user: Any, framework: Framework) -> bool:
    return can_manage_frameworks(user)


def can_edit_link(user: Any, link: CrosswalkLink) -> bool:
    return can_manage_frameworks(user)
