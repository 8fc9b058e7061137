"""Form helpers shared by every domain, following the GOV.UK Design System's wording."""

from __future__ import annotations

import datetime as dt
from typing import Any

from govuk_frontend_wtf.main import wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovCheckboxInput, GovDateInput
from wtforms import DecimalField, Field, IntegerField
from wtforms.fields.choices import SelectFieldBase
from wtforms.validators import StopValidation


class _GovDateInput(GovDateInput):
    """The date boxes, with only the wrong box (or boxes) marked in red, as the design system
    asks."""

    def map_gov_params(self, field: Any, **kwargs: Any) -> dict:
        params = super().map_gov_params(field, **kwargs)
        wrong = getattr(field, "wrong_parts", ())
        if field.errors and wrong:
            for item, part in zip(params["items"], ("day", "month", "year"), strict=False):
                if part not in wrong:
                    item["classes"] = item["classes"].replace("govuk-input--error", "").strip()
        return params


class GovDateField(Field):
    """A date typed as day, month and year, with the design system's error messages.

    ``wrong_parts`` names the boxes a parse error is about, so the error summary links to
    the first of them (the day box when the whole date is wrong)."""

    widget = _GovDateInput()
    wrong_parts: tuple[str, ...] = ()

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
        self.wrong_parts = ()
        missing = [n for n, v in (("day", day), ("month", month), ("year", year)) if not v]
        if missing:
            self.data = None
            self.wrong_parts = tuple(missing)
            raise ValueError(f"{name} must include a {' and a '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            self.data = None
            raise ValueError(f"{name} must be a real date")
        if len(year) != 4:
            self.data = None
            self.wrong_parts = ("year",)
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
        # A choice field given something that is not one of its choices (or cannot be read as
        # one) shows this message too, never WTForms' "Not a valid choice."
        if isinstance(field, SelectFieldBase) and field.errors:
            field.errors[:] = []
            raise StopValidation(self.message)
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


class GovSingleCheckbox(GovCheckboxInput):
    """One checkbox (a BooleanField), inside a fieldset whose legend asks the question: the
    design system puts even a single checkbox in a fieldset, so its purpose is read out."""

    def __init__(self, legend: str) -> None:
        self.legend = legend

    def map_gov_params(self, field: Any, **kwargs: Any) -> dict:
        # GovCheckboxInput drops the fieldset; its parent keeps it.
        params = GovCheckboxesInput.map_gov_params(self, field, **kwargs)
        params["fieldset"] = {
            "legend": {"text": self.legend, "classes": "govuk-fieldset__legend--s"},
            **{k: v for k, v in (params.get("fieldset") or {}).items() if k != "legend"},
        }
        return params


class NumberField(DecimalField):
    """A decimal number with a GOV.UK message when it is not one ("Enter hours as a number,
    like 1.5"). NaN and infinity are not numbers a person means: they get the message too."""

    def __init__(
        self, label: str | None = None, validators: Any = None, *, message: str, **kwargs: Any
    ) -> None:
        super().__init__(label, validators, invalid_value_message=message, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            valuelist = [valuelist[0].strip()]
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(self.invalid_value_message)


class WholeNumberField(IntegerField):
    """A whole number with a GOV.UK message when it is not one ("Enter days as a whole
    number, like 90")."""

    def __init__(
        self, label: str | None = None, validators: Any = None, *, message: str, **kwargs: Any
    ) -> None:
        super().__init__(label, validators, invalid_value_message=message, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            valuelist = [valuelist[0].strip()]
        super().process_formdata(valuelist)


def error_summary(form: Any, params: dict | None = None) -> dict:
    """The error summary's items, as govuk-frontend-wtf builds them, except that a date's
    error links to its first wrong box (the day box unless only the month or year is wrong),
    where the design system sends the user."""
    summary = wtforms_errors(form, params or {})
    dates = {
        f"#{field.id}": field for field in form if isinstance(field, GovDateField) and field.errors
    }
    for item in summary["errorList"]:
        field = dates.get(item.get("href"))
        if field is not None:
            item["href"] = f"#{field.id}-{(field.wrong_parts or ('day',))[0]}"
    return summary


def add_rule_errors(form: Any, errors: dict[str, str]) -> None:
    """A service's rule failures found while the form's own checks had failed too: shown
    with them, on the fields that have no error yet, so every problem shows at once rather
    than one round after another."""
    for field_name, message in errors.items():
        field = getattr(form, field_name, None)
        if field is not None and not field.errors:
            field.errors = [*field.errors, message]


class OptionalDate:
    """Optional, for a date: blank only when all three boxes are. (WTForms' Optional looks at
    the first box alone, so a date typed without its day would be taken as no date.)"""

    field_flags = {"optional": True}

    def __call__(self, form: Any, field: Field) -> None:
        if not any((value or "").strip() for value in field.raw_data or []):
            field.errors[:] = []
            raise StopValidation()
