"""Forms for development plans: moving an action on, adding one, booking a place, and the
button that turns a finished action into a CPD entry."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional

from wfld.appraisal.models import ReviewContext
from wfld.appraisal.rules import ActionState, ActionType
from wfld.core.baseform import Form, VersionedForm
from wfld.core.forms import GovDateField, Required

# What a person sets by hand: booked comes from a booking (the plan's Book a place).
HAND_STATES = (
    ActionState.PLANNED,
    ActionState.IN_PROGRESS,
    ActionState.DONE,
    ActionState.DROPPED,
)


def _enum_value(enum: type, data: str | None):  # noqa: ANN202 - the enum member or None
    return {member.value: member for member in enum}.get(data or "")


class UpdateActionForm(VersionedForm):
    """Where an action has got to, why it was dropped, and where it was reviewed. The view
    sets the state choices (booked is offered only while the action is booked) and the
    person's recent supervision sessions."""

    state = RadioField(
        "Where has the action got to?",
        widget=GovRadioInput(),
        validators=[Required("Select where the action has got to")],
    )
    drop_reason = TextAreaField(
        "Why was it dropped?",
        widget=GovTextArea(),
        validators=[Optional()],
    )
    context = RadioField(
        "Where was it reviewed?",
        widget=GovRadioInput(),
        choices=[(c.value, c.label) for c in ReviewContext],
        default=ReviewContext.PLAN.value,
        validators=[Required("Select where the action was reviewed")],
    )
    supervision = SelectField(
        "Supervision session (optional)",
        widget=GovSelect(),
        validators=[Optional()],
        validate_choice=False,  # checked by the service against the person's own sessions
    )
    note = TextAreaField(
        "Note (optional)",
        description="What was agreed, for example a new target date or what is getting in "
        "the way. Do not record case details.",
        widget=GovTextArea(),
        validators=[Optional()],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def set_states(self, *, booked: bool) -> None:
        states = (ActionState.BOOKED, *HAND_STATES) if booked else HAND_STATES
        self.state.choices = [(s.value, s.label) for s in states]

    @property
    def state_value(self) -> ActionState | None:
        return _enum_value(ActionState, self.state.data)

    @property
    def context_value(self) -> ReviewContext | None:
        return _enum_value(ReviewContext, self.context.data)

    @property
    def supervision_id(self) -> int | None:
        data = self.supervision.data or ""
        return int(data) if data.isdigit() else None


class AddActionForm(Form):
    """An action added to the plan by hand, between conversations."""

    title = StringField(
        "Development action",
        description="For example, shadow a colleague at a child protection conference",
        widget=GovTextInput(),
        validators=[Required("Enter the development action")],
    )
    action_type = RadioField(
        "Type of action",
        widget=GovRadioInput(),
        choices=[(t.value, t.label) for t in ActionType],
        validators=[Required("Select the type of action")],
    )
    target_date = GovDateField(
        "Target date",
        description="For example, 27 3 2027",
        validators=[Required("Enter a target date for the action")],
    )
    activity = SelectField(
        "Learning activity (optional)",
        description="A course or other activity in the learning catalogue that meets it",
        widget=GovSelect(),
        validators=[Optional()],
        validate_choice=False,  # the view reads the chosen id through the catalogue
    )
    submit = SubmitField("Add action", widget=GovSubmitInput())

    @property
    def action_type_value(self) -> ActionType | None:
        return _enum_value(ActionType, self.action_type.data)

    @property
    def activity_id(self) -> int | None:
        data = self.activity.data or ""
        return int(data) if data.isdigit() else None


class BookActionForm(Form):
    """A session of the action's activity (the view sets the choices: upcoming sessions)."""

    session = RadioField(
        "Which session?",
        widget=GovRadioInput(),
        validators=[Required("Select a session")],
    )
    submit = SubmitField("Book a place", widget=GovSubmitInput())

    @property
    def session_id(self) -> int | None:
        data = self.session.data or ""
        return int(data) if data.isdigit() else None


class ButtonForm(Form):
    """A form that is only a button (Add to my CPD)."""
