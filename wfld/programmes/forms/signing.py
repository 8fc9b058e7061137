"""Forms for the milestone page's steps and the final outcome.

The milestone page shows several of the step forms at once, so each has a prefix of its own
(unique ids and names); each carries the milestone's version (optimistic locking). Which text
a step needs is the signing service's rule: the forms only bound its length.
"""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from wfld.core.baseform import VersionedForm
from wfld.core.forms import GovDateField, Required
from wfld.programmes.models import PanelDecision, Recommendation
from wfld.programmes.rules import MilestoneAction

TEXT_LIMIT = 10_000


def _text(label: str, name: str, *, hint: str = "", limit: int = TEXT_LIMIT) -> TextAreaField:
    return TextAreaField(
        label,
        description=hint,
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=limit, message=f"{name} must be {limit:,} characters or fewer"),
        ],
    )


class _StepForm(VersionedForm):
    """A step's form. Its fields carry a prefix, so the form's own CSRF field would be named
    "submit-csrf_token": the page posts the one ``csrf_token`` the app's CSRFProtect checks
    on every POST instead."""

    class Meta:
        csrf = False


class SubmitMilestoneForm(_StepForm):
    summary = _text(
        "Summary of your progress",
        "Summary",
        hint="What you have done since the last review, how your evidence shows it, and what "
        "you want to develop next",
    )
    submit = SubmitField("Submit for review", widget=GovSubmitInput())


class ReturnMilestoneForm(_StepForm):
    comment = _text(
        "What needs to change", "Comment", hint="Say what to add or change before you sign off"
    )
    submit = SubmitField("Return with comments", widget=GovSubmitInput())


class SignOffMilestoneForm(_StepForm):
    comment = _text("Comment (optional)", "Comment")
    short_reason = _text(
        "Why sign off with evidence short of the minimum?",
        "Reason",
        hint="Needed only when the evidence is short of what this review needs",
        limit=500,
    )
    submit = SubmitField("Sign off", widget=GovSubmitInput())


class CountersignMilestoneForm(_StepForm):
    comment = _text("Comment (optional)", "Comment")
    submit = SubmitField("Countersign", widget=GovSubmitInput())


class ReopenMilestoneForm(_StepForm):
    reason = _text(
        "Why reopen this review?",
        "Reason",
        hint="The sign-off stays in the log with your reason",
    )
    submit = SubmitField("Reopen this review", widget=GovSubmitInput())


# Each step's form and the prefix its fields carry on the page (the URL's word for it).
STEP_FORMS: dict[MilestoneAction, tuple[type[VersionedForm], str]] = {
    MilestoneAction.SUBMIT: (SubmitMilestoneForm, "submit"),
    MilestoneAction.RETURN: (ReturnMilestoneForm, "return"),
    MilestoneAction.SIGN_OFF: (SignOffMilestoneForm, "sign-off"),
    MilestoneAction.COUNTERSIGN: (CountersignMilestoneForm, "countersign"),
    MilestoneAction.REOPEN: (ReopenMilestoneForm, "reopen"),
}


def step_form(action: MilestoneAction, **kwargs: object) -> VersionedForm:
    form_class, prefix = STEP_FORMS[action]
    return form_class(prefix=prefix, **kwargs)


class OutcomeForm(VersionedForm):
    recommendation = RadioField(
        "Your recommendation",
        widget=GovRadioInput(),
        choices=[(r.value, r.label) for r in Recommendation],
        validators=[Required("Select pass or fail")],
    )
    rationale = _text(
        "Your rationale",
        "Rationale",
        hint="How the evidence across the year shows the person meets the standard, or does not",
    )
    submit = SubmitField("Record the recommendation", widget=GovSubmitInput())


class PanelForm(VersionedForm):
    panel_on = GovDateField(
        "Date of the panel",
        description="For example, 14 9 2027",
        validators=[Required("Enter the date of the panel")],
    )
    members = _text(
        "Panel members",
        "Panel members",
        hint="Names and roles, for example: Hana Okafor (chair), Head of Service",
        limit=500,
    )
    decision = RadioField(
        "The panel’s decision",
        widget=GovRadioInput(),
        choices=[
            (PanelDecision.CONFIRM.value, "Confirm the recommendation"),
            (PanelDecision.REFER_BACK.value, "Refer back to the assessor"),
            (PanelDecision.DEFER.value, "Defer the decision"),
        ],
        validators=[Required("Select the panel's decision")],
    )
    note = _text(
        "Note (needed to refer back or defer)",
        "Note",
        hint="What the panel asks for, or why it deferred",
    )
    submit = SubmitField("Record the panel’s decision", widget=GovSubmitInput())


class ProgressionForm(VersionedForm):
    progressed_on = GovDateField(
        "From which date does the new job role apply?",
        description="For example, 1 10 2027",
        validators=[Required("Enter the date the new job role applies from")],
    )
    submit = SubmitField("Apply progression", widget=GovSubmitInput())
