"""Forms for the learning catalogue, sessions, bookings, completions and certificates."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, ValidationError

from wfld.catalogue.models import DeliveryMode, LearningActivity, Provider
from wfld.core.baseform import Form, VersionedForm
from wfld.core.forms import GovDateField, Required
from wfld.organisation import queries as org_queries
from wfld.organisation.models import StaffMember

MODE_CHOICES = [(m.value, m.label) for m in DeliveryMode]
PROVIDER_CHOICES = [(p.value, p.label) for p in Provider]
TIME = re.compile(r"^(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<suffix>am|pm)?$", re.I)


class CatalogueSearchForm(Form):
    """GET search forms change nothing, so they carry no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(
        "Search by title",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=100, message="Search must be 100 characters or fewer"),
        ],
    )
    category = SelectField("Category", widget=GovSelect(), validators=[Optional()])

    def __init__(self, *args, categories: list[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = [("", "All categories")] + [(c, c) for c in categories]


class ButtonForm(Form):
    """A form that is only a button (book, cancel): its errors are about the whole page."""


class BookForm(ButtonForm):
    """Book a place; ``confirmed`` is set by the page that asks someone who has already
    completed the activity (and is still valid for it) whether they still want to book."""

    confirmed = HiddenField()


class ActivityForm(Form):
    version = HiddenField()
    title = StringField(
        "Title",
        widget=GovTextInput(),
        validators=[
            Required("Enter the title"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    category = StringField(
        "Category",
        description="For example, Mandatory training or Management Courses",
        widget=GovTextInput(),
        validators=[
            Required("Enter the category"),
            Length(max=100, message="Category must be 100 characters or fewer"),
        ],
    )
    description = TextAreaField(
        "Description (optional)",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=5000, message="Description must be 5000 characters or fewer"),
        ],
    )
    delivery_mode = SelectField(
        "Delivery mode",
        widget=GovSelect(),
        choices=[("", "Choose a delivery mode"), *MODE_CHOICES],
        validators=[Required("Select the delivery mode")],
    )
    provider = RadioField(
        "Who provides it?",
        widget=GovRadioInput(),
        choices=PROVIDER_CHOICES,
        validators=[Required("Select who provides it")],
    )
    duration_hours = StringField(
        "Duration in hours",
        description="For example, 6 for a full day or 1.5 for a short e-learning module",
        widget=GovTextInput(),
        validators=[Required("Enter the duration in hours")],
    )
    cost_per_place = StringField(
        "Cost per place in pounds (optional)",
        description="For example, 85 or 120.50. Leave blank if there is no charge per place.",
        widget=GovTextInput(),
        validators=[Optional()],
    )
    validity_months = StringField(
        "Valid for, in months (optional)",
        description=(
            "For renewable training, how long a completion lasts: for example, 36 for a "
            "3-yearly refresher. Leave blank if it does not need renewing."
        ),
        widget=GovTextInput(),
        validators=[Optional()],
    )
    framework_items = SelectMultipleField(
        "Framework items it develops",
        coerce=int,
        invalid_value_message="Select framework items from the list",
        invalid_choice_message="Select framework items from the list",
    )
    offered = RadioField(
        "Show it in the catalogue?",
        widget=GovRadioInput(),
        choices=[("yes", "Yes, staff can find and book it"), ("no", "No, it is withdrawn")],
        default="yes",
        validators=[Required("Select whether to show it in the catalogue")],
    )
    submit = SubmitField("Save activity", widget=GovSubmitInput())

    duration_value: Decimal | None = None
    cost_value: Decimal | None = None
    validity_value: int | None = None

    def __init__(self, *args, item_ids: list[int] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the items the page offers (current published versions, plus any already
        # linked) can be chosen.
        self.framework_items.choices = [(i, str(i)) for i in item_ids]

    @property
    def expected_version(self) -> int | None:
        return int(self.version.data) if (self.version.data or "").isdigit() else None

    def validate_duration_hours(self, field: StringField) -> None:
        self.duration_value = _decimal(field.data, "Duration must be a number of hours, like 3.5")

    def validate_cost_per_place(self, field: StringField) -> None:
        text = (field.data or "").strip().removeprefix("£").replace(",", "")
        if text:
            self.cost_value = _decimal(text, "Cost per place must be an amount, like 85 or 120.50")

    def validate_validity_months(self, field: StringField) -> None:
        text = (field.data or "").strip()
        if text:
            if not re.fullmatch(r"-?\d{1,6}", text):
                raise ValidationError("Valid for must be a whole number of months, like 36")
            self.validity_value = int(text)


def _decimal(text: str | None, message: str) -> Decimal:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        raise ValidationError(message) from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise ValidationError(message.replace("like", "with no more than 2 decimal places, like"))
    return value


class SessionForm(Form):
    date = GovDateField(
        "Date",
        description="For example, 27 3 2027",
        validators=[Required("Enter the date of the session")],
    )
    start_time = StringField(
        "Start time",
        description="For example, 9:30am or 14:00",
        widget=GovTextInput(),
        validators=[Required("Enter the start time")],
    )
    end_time = StringField(
        "End time",
        description="For example, 4:30pm or 16:30",
        widget=GovTextInput(),
        validators=[Required("Enter the end time")],
    )
    delivery = RadioField(
        "Where does it take place?",
        widget=GovRadioInput(),
        choices=[("in_person", "In person, at a venue"), ("online", "Online")],
        validators=[Required("Select where the session takes place")],
    )
    venue = StringField(
        "Venue or online platform",
        description="The address, or for an online session the platform, like Microsoft Teams",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200, message="Venue must be 200 characters or fewer")],
    )
    capacity = StringField(
        "Number of places",
        widget=GovTextInput(),
        validators=[Required("Enter the number of places")],
    )
    trainer = StringField(
        "Trainer (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200, message="Trainer must be 200 characters or fewer")],
    )
    submit = SubmitField("Add session", widget=GovSubmitInput())

    start_value: dt.time | None = None
    end_value: dt.time | None = None
    capacity_value: int | None = None

    def validate_start_time(self, field: StringField) -> None:
        self.start_value = _time(field.data, "Start time")

    def validate_end_time(self, field: StringField) -> None:
        self.end_value = _time(field.data, "End time")

    def validate_capacity(self, field: StringField) -> None:
        text = (field.data or "").strip()
        if not re.fullmatch(r"-?\d{1,6}", text):
            raise ValidationError("Number of places must be a whole number, like 12")
        self.capacity_value = int(text)


class SessionChangeForm(VersionedForm, SessionForm):
    """The session form for changing a session, carrying the version it was opened on."""

    submit = SubmitField("Save changes", widget=GovSubmitInput())


def _time(text: str | None, name: str) -> dt.time:
    """A time of day typed as 9:30am, 9.30, 14:00 or 2pm."""
    match = TIME.match((text or "").strip())
    message = f"{name} must be a real time, like 9:30am or 14:00"
    if match is None:
        raise ValidationError(message)
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    suffix = (match["suffix"] or "").lower()
    if suffix:
        if not 1 <= hour <= 12:
            raise ValidationError(message)
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif match["minute"] is None:
        raise ValidationError(message)  # "9" alone is ambiguous: 9am or 9pm?
    if hour > 23 or minute > 59:
        raise ValidationError(message)
    return dt.time(hour, minute)


class CompletionForm(Form):
    employee_number = StringField(
        "Employee number",
        description="Of the member of staff who completed the training",
        widget=GovTextInput(),
        validators=[
            Required("Enter the employee number"),
            Length(max=20, message="Employee number must be 20 characters or fewer"),
        ],
    )
    activity = SelectField(
        "Learning activity",
        widget=GovSelect(),
        coerce=str,
        validators=[Required("Select the learning activity")],
    )
    completed_on = GovDateField(
        "Date completed",
        description="For example, 27 3 2026",
        validators=[Required("Enter the date completed")],
    )
    note = TextAreaField(
        "Note (optional)",
        description="For example, where the training took place or the certificate number",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=500, message="Note must be 500 characters or fewer")],
    )
    submit = SubmitField("Record completion", widget=GovSubmitInput())

    staff_record: StaffMember | None = None

    def __init__(self, *args, activities: list[LearningActivity] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.activity.choices = [("", "Choose an activity")] + [
            (str(a.id), a.title if a.is_active else f"{a.title} (withdrawn)") for a in activities
        ]

    def validate_employee_number(self, field: StringField) -> None:
        self.staff_record = org_queries.find_staff_by_employee_number(field.data or "")
        if self.staff_record is None:
            raise ValidationError(
                f"There is no member of staff with employee number {(field.data or '').strip()}"
            )


class CertificateForm(Form):
    activity = SelectField(
        "Which course or learning was it?",
        widget=GovSelect(),
        coerce=str,
        validators=[Required("Select the course or learning")],
    )
    completed_on = GovDateField(
        "When did you complete it?",
        description="For example, 27 3 2026",
        validators=[Required("Enter the date you completed it")],
    )
    certificate = FileField(
        "Certificate",
        description="A PDF, PNG or JPEG file, 10MB or smaller",
        widget=GovFileInput(),
        validators=[Required("Choose the certificate file")],
    )
    submit = SubmitField("Send for checking", widget=GovSubmitInput())


class CertificateDecisionForm(Form):
    decision = RadioField(
        "Can the certificate be accepted?",
        widget=GovRadioInput(),
        choices=[("accept", "Yes, it counts as completed"), ("reject", "No, send it back")],
        validators=[Required("Select whether the certificate can be accepted")],
    )
    reason = TextAreaField(
        "Why not? (if sending it back)",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=500, message="Reason must be 500 characters or fewer")],
    )
    submit = SubmitField("Save decision", widget=GovSubmitInput())
