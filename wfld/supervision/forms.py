"""Forms for supervision sessions."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from wfld.core.baseform import Form, VersionedForm
from wfld.core.forms import GovDateField, Required, WholeNumberField
from wfld.supervision.models import SupervisionKind
from wfld.supervision.services import THEMES_LIMIT


class SessionForm(VersionedForm):
    """A session: when, what kind, how long and its themes. ``supervisor`` is offered only to
    the WFLD team (everyone else who records a session held it); the view removes it."""

    supervisor = StringField(
        "Supervisor’s work email",
        description="The person who held the session, for example a practice supervisor named "
        "for a programme",
        widget=GovTextInput(),
        validators=[
            Required("Enter the supervisor’s work email"),
            Length(max=254, message="Work email must be 254 characters or fewer"),
        ],
    )
    held_on = GovDateField(
        "Date of the supervision",
        description="For example, 27 3 2026",
        validators=[Required("Enter the date of the supervision")],
    )
    kind = RadioField(
        "Type of supervision",
        widget=GovRadioInput(),
        choices=[(k.value, k.label) for k in SupervisionKind],
        validators=[Required("Select the type of supervision")],
    )
    minutes = WholeNumberField(
        "How long did it last, in minutes?",
        description="For example, 90 for an hour and a half",
        message="Enter the duration as a whole number of minutes, like 90",
        widget=GovTextInput(),
        validators=[Required("Enter how long the supervision lasted, in minutes")],
    )
    themes = TextAreaField(
        "Themes (optional)",
        description="What you discussed in general terms, for example workload, a training "
        "need or use of research. Do not record case details.",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(
                max=THEMES_LIMIT, message=f"Themes must be {THEMES_LIMIT:,} characters or fewer"
            ),
        ],
    )
    submit = SubmitField("Save session", widget=GovSubmitInput())

    @property
    def kind_value(self) -> SupervisionKind | None:
        kinds = {k.value: k for k in SupervisionKind}
        return kinds.get(self.kind.data or "")


class ToCpdForm(Form):
    """The "turn into a CPD entry" button under each session of My supervision."""

    submit = SubmitField("Turn into a CPD entry", widget=GovSubmitInput())
