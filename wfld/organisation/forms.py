"""Admin forms for teams, job roles and staff."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Email, EqualTo, Length, Optional, ValidationError

from wfld.accounts.roles import Role
from wfld.core.baseform import Form, VersionedForm
from wfld.core.forms import GovDateField, GovSingleCheckbox, Required
from wfld.organisation import queries
from wfld.organisation.models import EmploymentType, Regulator, StaffMember

REGULATOR_CHOICES = [(r.value, r.label) for r in Regulator]
EMPLOYMENT_CHOICES = [(e.value, e.label) for e in EmploymentType]


class SearchForm(Form):
    """GET search forms change nothing, so they carry no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(
        "Search",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=100, message="Search must be 100 characters or fewer"),
        ],
    )


class StaffSearchForm(SearchForm):
    q = StringField(
        "Search by name, email, employee or registration number",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=100, message="Search must be 100 characters or fewer"),
        ],
    )
    team = SelectField("Team", widget=GovSelect(), coerce=str, validators=[Optional()])
    status = SelectField(
        "Status",
        widget=GovSelect(),
        choices=[("current", "Current staff"), ("left", "Leavers"), ("all", "Everyone")],
        default="current",
        validators=[Optional()],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.team.choices = [("", "All teams")] + [
            (str(t.id), t.name) for t in queries.list_team_choices()
        ]


class ServiceAreaForm(Form):
    name = StringField(
        "Service area name",
        widget=GovTextInput(),
        validators=[
            Required("Enter the service area name"),
            Length(max=120, message="Name must be 120 characters or fewer"),
        ],
    )
    submit = SubmitField("Save service area", widget=GovSubmitInput())


class TeamForm(VersionedForm):
    name = StringField(
        "Team name",
        widget=GovTextInput(),
        validators=[
            Required("Enter the team name"),
            Length(max=120, message="Team name must be 120 characters or fewer"),
        ],
    )
    service_area = SelectField(
        "Service area",
        widget=GovSelect(),
        coerce=int,
        validate_choice=True,
        validators=[Required("Select the service area")],
    )
    submit = SubmitField("Save team", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.service_area.choices = [
            (a.id, a.name) for a in queries.list_service_areas(include_inactive=False)
        ]


class JobRoleForm(VersionedForm):
    title = StringField(
        "Job title",
        widget=GovTextInput(),
        validators=[
            Required("Enter the job title"),
            Length(max=160, message="Job title must be 160 characters or fewer"),
        ],
    )
    grade = StringField(
        "Grade",
        description="For example, SW Grade 9 or Soulbury",
        widget=GovTextInput(),
        validators=[
            Required("Enter the grade"),
            Length(max=60, message="Grade must be 60 characters or fewer"),
        ],
    )
    regulator = RadioField(
        "Which professional registration does this post need?",
        widget=GovRadioInput(),
        choices=REGULATOR_CHOICES,
        validators=[Required("Select the registration this post needs")],
    )
    submit = SubmitField("Save job role", widget=GovSubmitInput())


class StaffForm(VersionedForm):
    employee_number = StringField(
        "Employee number",
        widget=GovTextInput(),
        validators=[
            Required("Enter the employee number"),
            Length(max=20, message="Employee number must be 20 characters or fewer"),
        ],
    )
    first_name = StringField(
        "First name",
        widget=GovTextInput(),
        validators=[
            Required("Enter the first name"),
            Length(max=100, message="First name must be 100 characters or fewer"),
        ],
    )
    last_name = StringField(
        "Last name",
        widget=GovTextInput(),
        validators=[
            Required("Enter the last name"),
            Length(max=100, message="Last name must be 100 characters or fewer"),
        ],
    )
    work_email = EmailField(
        "Work email address",
        widget=GovTextInput(),
        validators=[
            Required("Enter the work email address"),
            Email(
                message="Enter an email address in the correct format, like name@example.gov.uk",
                check_deliverability=False,
            ),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    team = SelectField(
        "Team", widget=GovSelect(), coerce=int, validators=[Required("Select the team")]
    )
    job_role = SelectField(
        "Job role", widget=GovSelect(), coerce=int, validators=[Required("Select the job role")]
    )
    line_manager = StringField(
        "Line manager's employee number",
        description="Leave blank only for the most senior person",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=20, message="Employee number must be 20 characters or fewer"),
        ],
    )
    employment_type = RadioField(
        "Employment type",
        widget=GovRadioInput(),
        choices=EMPLOYMENT_CHOICES,
        validators=[Required("Select the employment type")],
    )
    fte = StringField(
        "Full-time equivalent (FTE)",
        description="For example, 1 for full time or 0.6 for three days a week",
        widget=GovTextInput(),
        validators=[Required("Enter the full-time equivalent")],
    )
    start_date = GovDateField(
        "Start date",
        description="For example, 27 3 2024",
        validators=[Required("Enter the start date")],
    )
    leaving_date = GovDateField(
        "Leaving date", description="Leave blank unless the person has left or is leaving"
    )
    regulator = RadioField(
        "Professional registration",
        widget=GovRadioInput(),
        choices=REGULATOR_CHOICES,
        validators=[Required("Select the professional registration")],
    )
    registration_number = StringField(
        "Registration number",
        description="For example, SW123456 for Social Work England",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=20, message="Registration number must be 20 characters or fewer"),
        ],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    line_manager_record: StaffMember | None = None
    fte_value: Decimal | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.team.choices = [(t.id, t.name) for t in queries.list_team_choices()]
        self.job_role.choices = [(r.id, r.title) for r in queries.list_job_role_choices()]

    def validate_line_manager(self, field: StringField) -> None:
        self.line_manager_record = None
        if field.data and field.data.strip():
            manager = queries.find_staff_by_employee_number(field.data)
            if manager is None:
                raise ValidationError(
                    f"There is no member of staff with employee number {field.data.strip()}"
                )
            self.line_manager_record = manager

    def validate_fte(self, field: StringField) -> None:
        try:
            value = Decimal(field.data.strip())
        except (InvalidOperation, AttributeError):
            raise ValidationError("Full-time equivalent must be a number, like 0.6") from None
        if not value.is_finite() or value <= 0 or value > 1:
            raise ValidationError("Full-time equivalent must be more than 0 and no more than 1")
        if value != value.quantize(Decimal("0.01")):
            raise ValidationError("Full-time equivalent must have no more than 2 decimal places")
        self.fte_value = value


class LeaverForm(Form):
    leaving_date = GovDateField(
        "Leaving date",
        description="Their last day, for example, 31 3 2026",
        validators=[Required("Enter the leaving date")],
    )
    reason = TextAreaField(
        "Reason for leaving (optional)",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=200, message="Reason must be 200 characters or fewer")],
    )
    submit = SubmitField("Record leaver", widget=GovSubmitInput())


class ConfirmForm(Form):
    confirm = BooleanField(
        "Yes, I am sure",
        widget=GovSingleCheckbox("Are you sure?"),
        validators=[Required("Confirm that you are sure")],
    )
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class AccountForm(Form):
    roles = SelectMultipleField(
        "Roles",
        description=(
            "Everyone can use the service for their own learning; line managers see their "
            "reports. Add a role only for extra access."
        ),
        widget=GovCheckboxesInput(),
        choices=[(r.value, r.label) for r in Role],
        invalid_choice_message="Select roles from the list",
        validators=[Optional()],
    )
    password = PasswordField(
        "New password",
        description="12 characters or more. Leave blank to keep the current password.",
        widget=GovPasswordInput(),
        validators=[
            Optional(),
            Length(min=12, max=1024, message="Password must be 12 characters or more"),
        ],
    )
    password_confirm = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[EqualTo("password", message="Passwords must match")],
    )
    enabled = RadioField(
        "Can this person sign in?",
        widget=GovRadioInput(),
        choices=[("yes", "Yes"), ("no", "No, the account is switched off")],
        default="yes",
        validators=[Required("Select whether this person can sign in")],
    )
    submit = SubmitField("Save account", widget=GovSubmitInput())
