"""Forms for the monthly record of caseload and protected development time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from govuk_frontend_wtf.wtforms_widgets import (
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from wfld.core.baseform import VersionedForm
from wfld.core.forms import NumberField, Required, WholeNumberField
from wfld.programmes.workload import NOTE_LIMIT


class _BlankIsMissing:
    """A number left blank is missing ("Enter the caseload"), not a number typed wrong."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and not valuelist[0].strip():
            self.data = None
            return
        super().process_formdata(valuelist)  # type: ignore[misc]


class _WholeNumber(_BlankIsMissing, WholeNumberField):
    pass


class _Number(_BlankIsMissing, NumberField):
    pass


class WorkloadForm(VersionedForm):
    """One month's record. The months offered are the programme's so far that have no record
    yet (``offer_months``); the service refuses any other. Changing a month drops ``month``."""

    month = SelectField(
        "Month",
        widget=GovSelect(),
        choices=[],
        validate_choice=False,  # the service says why a month cannot be recorded
        validators=[Required("Select the month")],
    )
    caseload = _WholeNumber(
        "Caseload",
        description="The number of cases held at the end of the month",
        message="Enter the caseload as a whole number, like 12",
        widget=GovTextInput(),
        validators=[Required("Enter the caseload")],
    )
    protected_hours = _Number(
        "Protected development hours taken",
        description="Time set aside for learning and development, for example 15.5",
        message="Enter hours as a number, like 15.5",
        places=None,
        widget=GovTextInput(),
        validators=[Required("Enter the protected development hours taken")],
    )
    note = TextAreaField(
        "Note (optional)",
        description="For example, why protected time was missed. Do not record case details.",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=NOTE_LIMIT, message=f"Note must be {NOTE_LIMIT} characters or fewer"),
        ],
    )
    submit = SubmitField("Save month", widget=GovSubmitInput())

    def offer_months(self, months: Sequence[dt.date]) -> None:
        self.month.choices = [("", "Select a month")] + [
            (f"{m:%Y-%m}", f"{m:%B} {m.year}") for m in months
        ]

    @property
    def month_value(self) -> dt.date | None:
        """The chosen month's first day (None when nothing readable was chosen)."""
        if self.month is None:
            return None
        try:
            return dt.datetime.strptime(self.month.data or "", "%Y-%m").date()
        except ValueError:
            return None
