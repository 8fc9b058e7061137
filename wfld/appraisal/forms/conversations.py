"""Forms for the conversation pages: starting one, the person's self-reflection, the
appraiser's record, development needs and objectives, and the remove buttons."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from wfld.appraisal.models import StrategyPriority
from wfld.appraisal.rules import ActionType, Aspiration
from wfld.appraisal.services import TEXT_LIMIT
from wfld.core.baseform import Form, VersionedForm
from wfld.core.filters import govuk_date
from wfld.core.forms import GovDateField, OptionalDate, Required

NOT_LINKED = "none"  # the objective's "Not linked to a priority" choice


def _text(label: str, description: str = "", *, name: str, limit: int = TEXT_LIMIT) -> Any:
    return TextAreaField(
        label,
        description=description,
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=limit, message=f"{name} must be {limit:,} characters or fewer"),
        ],
    )


class StartForm(Form):
    """The "Start your appraisal" / "Start the conversation" button (My development plan, the
    team page). ``came_from`` says which page to go back to with an error."""

    came_from = HiddenField()
    submit = SubmitField("Start", widget=GovSubmitInput())


class PrepareForm(VersionedForm):
    self_reflection = TextAreaField(
        "Your self-reflection",
        description="Your achievements this year, what went well, what was hard, what you "
        "have learnt and the support you need to develop. You do not need to write about your "
        "wellbeing: talk about it in the conversation if you want to.",
        widget=GovTextArea(),
        validators=[
            Required("Enter your self-reflection"),
            Length(
                max=TEXT_LIMIT,
                message=f"Self-reflection must be {TEXT_LIMIT:,} characters or fewer",
            ),
        ],
    )
    submit = SubmitField("Save self-reflection", widget=GovSubmitInput())


class ConversationForm(VersionedForm):
    """The appraiser's record. The CPD entries and supervision sessions offered are set by the
    view (the person's recent ones this appraiser may read); anything else is refused."""

    held_on = GovDateField(
        "Date of the conversation",
        description="For example, 20 11 2026",
        validators=[Required("Enter the date of the conversation")],
    )
    appraiser_view = TextAreaField(
        "Your view of the year",
        description="How the year has gone for them: their practice, progress on last year’s "
        "objectives and what they have contributed to the team",
        widget=GovTextArea(),
        validators=[
            Required("Enter your view of the year"),
            Length(max=TEXT_LIMIT, message=f"Your view must be {TEXT_LIMIT:,} characters or fewer"),
        ],
    )
    feedback = _text(
        "Feedback drawn in (optional)",
        "Quality assurance and audit findings, observations of practice and themes from "
        "supervision. Do not record case details.",
        name="Feedback",
    )
    cpd_entries = SelectMultipleField(
        "CPD entries the feedback draws on (optional)",
        coerce=int,
        choices=[],
        widget=GovCheckboxesInput(),
        invalid_value_message="Select CPD entries from the list",
        invalid_choice_message="Select CPD entries from the list",
    )
    supervision_sessions = SelectMultipleField(
        "Supervision sessions the feedback draws on (optional)",
        coerce=int,
        choices=[],
        widget=GovCheckboxesInput(),
        invalid_value_message="Select supervision sessions from the list",
        invalid_choice_message="Select supervision sessions from the list",
    )
    strengths = _text("Strengths (optional)", name="Strengths")
    discussed = SelectMultipleField(
        "Wellbeing and support",
        description="Record only that they were discussed, never what was said.",
        choices=[
            ("wellbeing", "Wellbeing was discussed"),
            ("support", "Support was discussed"),
        ],
        widget=GovCheckboxesInput(),
        invalid_choice_message="Select from the list",
    )
    aspirations = SelectMultipleField(
        "Career aspirations (optional)",
        choices=[(a.value, a.label) for a in Aspiration],
        widget=GovCheckboxesInput(),
        invalid_choice_message="Select career aspirations from the list",
    )
    aspirations_note = _text(
        "About their aspirations (optional)",
        "For example, when they would like to take the next step and what would help",
        name="About their aspirations",
    )
    submit = SubmitField("Save the conversation", widget=GovSubmitInput())

    def offer(self, entries: list, sessions: list) -> None:
        self.cpd_entries.choices = [(e.id, e.title) for e in entries]
        self.supervision_sessions.choices = [
            (s.id, f"{govuk_date(s.held_on)}: {s.kind.label}, with {s.supervisor.full_name}")
            for s in sessions
        ]

    @property
    def aspiration_values(self) -> tuple[Aspiration, ...]:
        return tuple(Aspiration(a) for a in self.aspirations.data or [] if a in set(Aspiration))


class NeedForm(VersionedForm):
    """A development need. The framework items and activities offered are set by the view."""

    description = TextAreaField(
        "Development need",
        description="What they need to develop, and why",
        widget=GovTextArea(),
        validators=[
            Required("Enter the development need"),
            Length(max=2000, message="Development need must be 2,000 characters or fewer"),
        ],
    )
    action_type = RadioField(
        "How will the need be met?",
        widget=GovRadioInput(),
        choices=[(t.value, t.label) for t in ActionType],
        validators=[Required("Select how the need will be met")],
    )
    framework_items = SelectMultipleField(
        "Framework items the need is about",
        coerce=int,
        choices=[],
        invalid_value_message="Select framework items from the list",
        invalid_choice_message="Select framework items from the list",
    )
    activity = SelectField(
        "Learning activity (optional)",
        description="A course or other activity in the catalogue that meets the need",
        widget=GovSelect(),
        choices=[],
        invalid_choice_message="Select a learning activity from the list",
        validators=[Optional()],
    )
    target_date = GovDateField(
        "Target date (optional)",
        description="For example, 31 3 2027",
        validators=[OptionalDate()],
    )
    submit = SubmitField("Save development need", widget=GovSubmitInput())

    def offer(self, groups: list, activities: list) -> None:
        self.framework_items.choices = [
            (item.id, item.label) for group in groups for item in group.items
        ]
        self.activity.choices = [("", "No activity")] + [(str(a.id), a.title) for a in activities]

    @property
    def action_type_value(self) -> ActionType | None:
        return {t.value: t for t in ActionType}.get(self.action_type.data or "")


class ObjectiveForm(VersionedForm):
    text = TextAreaField(
        "Objective",
        description="Make it SMART: specific, measurable, achievable, relevant and with a "
        "time by which it will be done",
        widget=GovTextArea(),
        validators=[
            Required("Enter the objective"),
            Length(max=2000, message="Objective must be 2,000 characters or fewer"),
        ],
    )
    target_date = GovDateField(
        "Target date",
        description="For example, 31 3 2027",
        validators=[Required("Enter a target date for the objective")],
    )
    priority = RadioField(
        "Which of this year’s strategy priorities does it serve?",
        widget=GovRadioInput(),
        choices=[],
        validators=[Required("Select the priority it serves, or that it is not linked to one")],
    )
    submit = SubmitField("Save objective", widget=GovSubmitInput())

    def offer(self, priorities: list[StrategyPriority]) -> None:
        self.priority.choices = [(str(p.id), p.title) for p in priorities] + [
            (NOT_LINKED, "Not linked to a priority")
        ]


class RemoveForm(VersionedForm):
    """Remove a need or an objective, from its confirmation page."""

    submit = SubmitField("Remove", widget=GovSubmitInput())
