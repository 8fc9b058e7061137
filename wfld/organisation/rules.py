"""Pure rules about staff records: no database, no clock."""

from __future__ import annotations

import re

from wfld.organisation.models import Regulator

# Formats of registration numbers as the regulators issue them (checked loosely: a typo
# guard, not a register look-up).
REGISTRATION_PATTERNS: dict[Regulator, tuple[re.Pattern[str], str]] = {
    Regulator.SWE: (re.compile(r"^SW\d{1,7}$"), "SW followed by numbers, like SW123456"),
    Regulator.HCPC: (re.compile(r"^[A-Z]{2,3}\d{4,7}$"), "letters then numbers, like OT12345"),
    Regulator.NMC: (re.compile(r"^\d{2}[A-Z]\d{4}[A-Z]$"), "an NMC PIN, like 12A3456E"),
}

EMPLOYEE_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,19}$")


def normalise_registration_number(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = re.sub(r"\s+", "", value).upper()
    return cleaned or None


def registration_error(regulator: Regulator, number: str | None) -> str | None:
    """The message for a registration number that does not fit its regulator, else None."""
    if regulator is Regulator.NONE:
        return "Remove the registration number, or choose the regulator" if number else None
    if not number:
        return f"Enter the {regulator.label} registration number"
    pattern, example = REGISTRATION_PATTERNS[regulator]
    if not pattern.match(number):
        return f"{regulator.label} registration number must be {example}"
    return None


def role_registration_error(role_regulator: Regulator, staff_regulator: Regulator) -> str | None:
    """A post that needs registration needs someone registered with that regulator."""
    if role_regulator is Regulator.NONE or role_regulator is staff_regulator:
        return None
    return f"This job role needs {role_regulator.label} registration"
