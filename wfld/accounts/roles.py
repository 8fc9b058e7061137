"""Global roles. Other personas (practitioner, line manager, assessor) come from relationships."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    WFLD_ADMIN = "wfld_admin"
    SENIOR_MANAGER = "senior_manager"
    SYSTEM_ADMIN = "system_admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.WFLD_ADMIN: "Workforce learning and development (WFLD) admin",
    Role.SENIOR_MANAGER: "Senior manager (read-only across the service)",
    Role.SYSTEM_ADMIN: "System admin",
}
