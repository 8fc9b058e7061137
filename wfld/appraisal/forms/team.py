"""Forms for the manager's team page and team development plans."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from wfld.appraisal.models import TeamNeedSource
from wfld.appraisal.team_plans import DESCRIPTION_LIMIT, SUMMARY_LIMIT
from wfld.core.baseform import Form, VersionedForm
from wfld.core.forms import GovDateField, OptionalDate, Required, WholeNumberField


class _Count(WholeNumberField):
    """A whole number that may be left blank (then ``Required`` asks for it, rather than the
    message for a number mistyped)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and not (valuelist[0] or "").strip():
            self.data = None
            return
        super().process_formdata(valuelist)


class StartForm(Form):
    """A button with no fields: "Start" on the team page (posted to the conversation's start
    route) and "Start the team plan"."""

    submit = SubmitField("Start", widget=GovSubmitInput())


class StartForSomeoneForm(Form):
    """Start a conversation with someone who is not on the team page: the appraiser names
    them by work email (the service says when they are not the appraiser's report)."""

    staff = StringField(
        "Their work email",
        description="For example, someone you appraise while their manager is away",
        widget=GovTextInput(),
        validators=[
            Required("Enter the work email of the person you are appraising"),
            Length(max=254, message="Work email must be 254 characters or fewer"),
        ],
    )
    submit = SubmitField("Start the conversation", widget=GovSubmitInput())


class TeamPlanForm(VersionedForm):
    summary = TextAreaField(
        "The team’s priorities this year",
        description="What the service business plan, changes in law or practice and local "
        "context ask of the team, in a few sentences",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(
                max=SUMMARY_LIMIT, message=f"Summary must be {SUMMARY_LIMIT:,} characters or fewer"
            ),
        ],
    )
    submit = SubmitField("Save the plan", widget=GovSubmitInput())


class TeamNeedForm(VersionedForm):
    description = TextAreaField(
        "Team need",
        description="For example, everyone who writes court reports to refresh their "
        "analysis after the new practice direction",
        widget=GovTextArea(),
        validators=[
            Required("Enter the team’s need"),
            Length(
                max=DESCRIPTION_LIMIT,
                message=f"Need must be {DESCRIPTION_LIMIT:,} characters or fewer",
            ),
        ],
    )
    source = RadioField(
        "Where does the need come from?",
        widget=GovRadioInput(),
        choices=[(s.value, s.label) for s in TeamNeedSource],
        validators=[Required("Select where the need comes from")],
    )
    activity = SelectField(
        "Learning activity",
        widget=GovSelect(),
        coerce=str,
        invalid_choice_message="Select a learning activity from the list",
        validators=[Optional()],
    )
    framework_item = SelectField(
        "Or a framework item",
        description="Choose a framework item when no one course meets the need",
        widget=GovSelect(),
        coerce=str,
        invalid_choice_message="Select a framework item from the list",
        validators=[Optional()],
    )
    people = _Count(
        "How many people need it?",
        message="Enter the number of people as a whole number, like 4",
        widget=GovTextInput(),
        validators=[Required("Enter how many people need it")],
    )
    needed_by = GovDateField(
        "Date needed by (optional)",
        description="For example, 31 3 2027",
        validators=[OptionalDate()],
    )
    submit = SubmitField("Save need", widget=GovSubmitInput())

    @property
    def source_value(self) -> TeamNeedSource | None:
        sources = {s.value: s for s in TeamNeedSource}
        return sources.get(self.source.data or "")


class RemoveTeamNeedForm(VersionedForm):
    submit = SubmitField("Remove need", widget=GovSubmitInput())
