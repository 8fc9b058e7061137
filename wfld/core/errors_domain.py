"""The one exception services raise when a business rule refuses a change."""

from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError


class RuleBroken(Exception):
    """A change would break a rule. ``errors`` maps form field names to GOV.UK messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class StaleRecord(Exception):
    """Someone else saved the record after this form was opened (optimistic locking). What the
    person is told is core.saving's one message for a lost edit race."""


# What a view catches for a lost edit race: our own check on the form's version, or the
# database's (the row changed between our check and our write; the version column's UPDATE then
# matches no row).
STALE_ERRORS: tuple[type[Exception], ...] = (StaleRecord, StaleDataError)


def check_version(record: object, expected: int | None) -> None:
    """Refuse a change made from a form opened before the record's last save."""
    if expected is not None and expected != record.version_id:  # type: ignore[attr-defined]
        raise StaleRecord()
