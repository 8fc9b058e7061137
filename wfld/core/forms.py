"""Form helpers shared by every domain, following the GOV.UK Design System's wording."""

from __future__ import annotations

import datetime as dt
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import Field
from wtforms.validators import StopValidation


class GovDateField(Field):
    """A date typed as day, month and year, with the design system's error messages."""

    widget = GovDateInput()

    def __init__(self, label: str | None = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        # The widget shows raw_data again as exactly three boxes, even if a request sent fewer.
        self.raw_data = [*valuelist[:3], *[""] * (3 - len(valuelist[:3]))]
        parts = [(v or "").strip() for v in valuelist[:3]] + [""] * (3 - len(valuelist[:3]))
        if not any(parts):
            self.data = None
            return
        day, month, year = parts
        name = self.label.text
        missing = [n for n, v in (("day", day), ("month", month), ("year", year)) if not v]
        if missing:
            self.data = None
            raise ValueError(f"{name} must include a {' and a '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            self.data = None
            raise ValueError(f"{name} must be a real date")
        if len(year) != 4:
            self.data = None
            raise ValueError("Year must include 4 numbers")
        try:
            self.data = dt.date(int(year), int(month), int(day))
        except ValueError:
            self.data = None
            raise ValueError(f"{name} must be a real date") from None


class Required:
    """Like DataRequired, but leaves a field's own parse error (e.g. a date) in place."""

    field_flags = {"required": True}

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Any, field: Field) -> None:
        if getattr(field, "process_errors", None):  # the field's own parse error stays
            raise StopValidation()
        data = field.data
        # Nothing chosen: this message, not a choice field's "Not a valid choice.";
        # an unticked checkbox (False) is missing too.
        if data is None or data is False or (isinstance(data, str) and not data.strip()):
            field.errors[:] = []
            raise StopValidation(self.message)
        if field.errors:
            raise StopValidation()


def apply_errors(form: Any, errors: dict[str, str]) -> None:
    """Show a service's rule failures on the form's fields (inline and in the summary)."""
    for field_name, message in errors.items():
        field = getattr(form, field_name)
        field.errors = [*field.errors, message]
