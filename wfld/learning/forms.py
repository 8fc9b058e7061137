"""Forms for pathways."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from wfld.core.baseform import Form
from wfld.core.forms import GovDateField, GovSingleCheckbox, Required, WholeNumberField
from wfld.learning.models import DEFAULT_GRACE_DAYS, Stage


class PathwayForm(Form):
    name = StringField(
        "Pathway name",
        widget=GovTextInput(),
        validators=[
            Required("Enter the pathway name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    description = TextAreaField(
        "Description (optional)",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=2000, message="Description must be 2000 characters or fewer"),
        ],
    )
    roles = SelectMultipleField(
        "Job roles that follow this pathway",
        description=(
            "Everyone in these roles gets its requirements. "
            "You can also give it to individual people."
        ),
        widget=GovCheckboxesInput(),
        coerce=int,
        invalid_value_message="Select job roles from the list",
        invalid_choice_message="Select job roles from the list",
        validators=[Optional()],
    )
    submit = SubmitField("Save pathway", widget=GovSubmitInput())


class RequirementForm(Form):
    stage = RadioField(
        "Stage",
        widget=GovRadioInput(),
        choices=[(s.value, s.label) for s in Stage],
        validators=[Required("Select the stage")],
    )
    activity = SelectField(
        "Learning activity",
        widget=GovSelect(),
        coerce=str,
        invalid_choice_message="Select a learning activity from the list",
        validators=[Optional()],
    )
    framework_item = SelectField(
        "Or a framework item (met by any activity that develops it)",
        widget=GovSelect(),
        coerce=str,
        invalid_choice_message="Select a framework item from the list",
        validators=[Optional()],
    )
    is_mandatory = RadioField(
        "Is it mandatory?",
        widget=GovRadioInput(),
        choices=[("yes", "Mandatory"), ("no", "Recommended")],
        default="yes",
        validators=[Required("Select whether it is mandatory")],
    )
    due_within_days = WholeNumberField(
        "Due within how many days of starting in the role? (optional)",
        message="Enter days as a whole number, like 90",
        description="For example, 90. Leave blank if there is no first deadline.",
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=0, max=3650, message="Days must be between 0 and 3650"),
        ],
    )
    renewal_months = WholeNumberField(
        "Renew every how many months? (optional)",
        message="Enter months as a whole number, like 36",
        description="Leave blank to use the activity's own validity, if it has one.",
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=1, max=120, message="Months must be between 1 and 120"),
        ],
    )
    applies_from = GovDateField(
        "Date it applies from",
        description=(
            "People who start in the role on or after this date have the time above. "
            "For example, 2 12 2026"
        ),
        validators=[Required("Enter the date it applies from")],
    )
    grace_days = WholeNumberField(
        "How many days do people already in the role have?",
        message="Enter days as a whole number, like 90",
        description=(
            "Counted from the date it applies from, so nobody is overdue the day it is added. "
            "Someone whose earlier completion ran out before they started in the role gets "
            "the same time from their start."
        ),
        default=DEFAULT_GRACE_DAYS,
        widget=GovTextInput(),
        validators=[
            Required("Enter how many days people already in the role have"),
            NumberRange(min=0, max=3650, message="Days must be between 0 and 3650"),
        ],
    )
    submit = SubmitField("Add requirement", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        ok = super().validate(extra_validators)
        # Checked with the other fields, not after them, so every problem shows at once.
        chosen = (self.activity, self.framework_item)
        if not any(f.errors for f in chosen) and bool(chosen[0].data) == bool(chosen[1].data):
            self.activity.errors.append(
                "Select a learning activity or a framework item (one of them)"
            )
            return False
        return ok


class AssignForm(Form):
    employee_number = StringField(
        "Employee number",
        widget=GovTextInput(),
        validators=[
            Required("Enter the employee number"),
            Length(max=20, message="Employee number must be 20 characters or fewer"),
        ],
    )
    submit = SubmitField("Give this pathway", widget=GovSubmitInput())


class ConfirmForm(Form):
    confirm = BooleanField(
        "Yes, remove it",
        widget=GovSingleCheckbox("Are you sure?"),
        validators=[Required("Confirm that you are sure")],
    )
    submit = SubmitField("Remove", widget=GovSubmitInput())


class ExpectedLevelsForm(Form):
    """The selects are built per job role and framework in the template; this form carries
    the CSRF token and the error."""

    levels = HiddenField()
    submit = SubmitField("Save expected levels", widget=GovSubmitInput())
