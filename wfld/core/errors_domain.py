"""The one exception services raise when a business rule refuses a change."""

from __future__ import annotations


class RuleBroken(Exception):
    """A change would break a rule. ``errors`` maps form field names to GOV.UK messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors
