"""Forms for cohorts, adding members, assessors' capacity and each change to an enrolment.

Field names are the keys the ``enrolling`` services put their messages on, so a refused rule
shows on its field. The forms check what they parse (dates, numbers, choices); the rules
(FTE range, capacity, pauses that overlap) are the services'.
"""

from __future__ import annotations

from collections.abc import Sequence

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from wfld.core.baseform import Form, VersionedForm
from wfld.core.forms import GovDateField, NumberField, OptionalDate, Required, WholeNumberField
from wfld.organisation.models import StaffMember
from wfld.programmes.models import ProgrammeTemplate
from wfld.programmes.rules import EnrolmentStatus


def optional_id(value: object) -> int | None:
    """A select's value: blank is "none chosen"."""
    if value is None or value == "":
        return None
    return int(value)


def _person(label: str, *, message: str, description: str = "") -> SelectField:
    return SelectField(
        label,
        description=description,
        widget=GovSelect(),
        coerce=optional_id,
        choices=[],
        invalid_value_message=message,
        invalid_choice_message=message,
        validators=[Optional()],
    )


def _reason(label: str, description: str = "") -> TextAreaField:
    return TextAreaField(
        label,
        description=description,
        widget=GovTextArea(),
        validators=[Optional(), Length(max=500, message="Reason must be 500 characters or fewer")],
    )


def _override_reason() -> TextAreaField:
    return _reason(
        "Reason to allocate past the assessor's capacity (if they are at capacity)",
        "Only needed when the assessor already assesses as many people as their capacity",
    )


def people_choices(people: Sequence[StaffMember], blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(str(p.id), f"{p.full_name} ({p.employee_number})") for p in people]


class CohortForm(Form):
    template_id = SelectField(
        "Programme template",
        widget=GovSelect(),
        coerce=optional_id,
        choices=[],
        invalid_value_message="Select the programme template",
        invalid_choice_message="Select the programme template",
        validators=[Required("Select the programme template")],
    )
    intake = StringField(
        "Intake",
        description="For example, ASYE September 2026",
        widget=GovTextInput(),
        validators=[
            Required("Enter the intake, for example ASYE September 2026"),
            Length(max=120, message="Intake must be 120 characters or fewer"),
        ],
    )
    starts_on = GovDateField(
        "Start date",
        description="When the intake starts. For example, 7 9 2026",
        validators=[Required("Enter the start date")],
    )
    coordinator_id = _person("Coordinator (optional)", message="Select the coordinator")
    submit = SubmitField("Create cohort", widget=GovSubmitInput())

    def offer(self, templates: Sequence[ProgrammeTemplate], staff: Sequence[StaffMember]) -> None:
        self.template_id.choices = [("", "Select a template")] + [
            (str(t.id), t.label) for t in templates
        ]
        self.coordinator_id.choices = people_choices(staff, "No coordinator")


class MemberForm(Form):
    staff_id = _person("Person", message="Select the person to enrol")
    start_date = GovDateField(
        "Start date",
        description="For example, 7 9 2026",
        validators=[Required("Enter the start date")],
    )
    fte = NumberField(
        "Full-time equivalent (FTE)",
        message="Enter the FTE as a number, like 0.6",
        description="For example, 1 for full time or 0.6 for three days a week",
        widget=GovTextInput(),
        places=None,
        default=1,
        validators=[Required("Enter the FTE, for example 1 or 0.6")],
    )
    assessor_id = _person("Assessor", message="Select the assessor")
    supervisor_id = _person(
        "Supervisor",
        message="Select the supervisor",
        description="Leave as it is for the person's line manager",
    )
    override_reason = _override_reason()
    submit = SubmitField("Add to cohort", widget=GovSubmitInput())

    def offer(self, *, people: Sequence[StaffMember], staff: Sequence[StaffMember]) -> None:
        """``people`` to enrol (narrowed by a search); assessors and supervisors from all
        ``staff`` in post."""
        self.staff_id.choices = people_choices(people, "Select a person")
        self.assessor_id.choices = people_choices(staff, "No assessor yet")
        self.supervisor_id.choices = people_choices(staff, "Their line manager")


class StaffSearchForm(Form):
    """Narrows the people offered (a GET form: no CSRF token to carry)."""

    class Meta:
        csrf = False

    q = StringField(
        "Search staff",
        description="Name, email or employee number",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=100)],
    )


class CapacityForm(Form):
    staff_id = _person("Assessor", message="Select the assessor")
    capacity = WholeNumberField(
        "Capacity",
        description="How many people they can assess at once",
        message="Enter the capacity as a whole number, like 6",
        widget=GovTextInput(),
        validators=[Required("Enter the capacity, for example 6")],
    )
    submit = SubmitField("Set capacity", widget=GovSubmitInput())

    def offer(self, staff: Sequence[StaffMember]) -> None:
        self.staff_id.choices = people_choices(staff, "Select a person")


# --- changes to one enrolment (each carries the version it was opened on) ------------------


class StartForm(VersionedForm):
    start_date = GovDateField(
        "New start date",
        description="Every review point moves with it. For example, 7 9 2026",
        validators=[Required("Enter the new start date")],
    )
    reason = _reason("Why is the start date changing?")
    submit = SubmitField("Change start date", widget=GovSubmitInput())


class PauseForm(VersionedForm):
    starts_on = GovDateField(
        "First day of the pause",
        description="For example, 4 1 2027",
        validators=[Required("Enter the first day of the pause")],
    )
    ends_on = GovDateField(
        "Last day of the pause",
        description="Review points not reached when the pause starts move by its length, "
        "both days included. For example, 2 2 2027",
        validators=[Required("Enter the last day of the pause")],
    )
    reason = _reason("Reason for the pause", "For example, parental leave or sickness absence")
    submit = SubmitField("Add pause", widget=GovSubmitInput())


class ExtendForm(VersionedForm):
    months = WholeNumberField(
        "Months",
        message="Enter months as a whole number, like 3",
        widget=GovTextInput(),
        validators=[Optional()],
    )
    days = WholeNumberField(
        "Days",
        message="Enter days as a whole number, like 14",
        widget=GovTextInput(),
        validators=[Optional()],
    )
    granted_on = GovDateField(
        "Extension from (optional)",
        description="Review points due on or after this day move. Leave blank for today",
        validators=[OptionalDate()],
    )
    reason = _reason("Reason for the extension")
    submit = SubmitField("Extend", widget=GovSubmitInput())


class FteForm(VersionedForm):
    fte = NumberField(
        "New full-time equivalent (FTE)",
        message="Enter the FTE as a number, like 0.6",
        description="For example, 0.6 for three days a week",
        widget=GovTextInput(),
        places=None,
        validators=[Required("Enter the FTE, for example 1 or 0.6")],
    )
    from_date = GovDateField(
        "From",
        description="Only the rest of the programme stretches. For example, 1 3 2027",
        validators=[Required("Enter the date the new FTE starts")],
    )
    reason = _reason("Reason for the change")
    submit = SubmitField("Change FTE", widget=GovSubmitInput())


class AssessorForm(VersionedForm):
    assessor_id = _person("New assessor", message="Select the new assessor")
    reason = _reason("Why is the assessor changing?")
    override_reason = _override_reason()
    submit = SubmitField("Change assessor", widget=GovSubmitInput())

    def offer(self, staff: Sequence[StaffMember]) -> None:
        self.assessor_id.choices = people_choices(staff, "Select a person")


class StatusForm(VersionedForm):
    status = RadioField(
        "Status",
        widget=GovRadioInput(),
        choices=[(s.value, s.label) for s in EnrolmentStatus],
        invalid_choice_message="Select the status",
        validators=[Required("Select the status")],
    )
    reason = _reason("Reason", "Needed when the person withdraws, defers or fails")
    submit = SubmitField("Change status", widget=GovSubmitInput())
