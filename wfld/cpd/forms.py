"""Forms for CPD entries, sharing, comments, evidence and CPD settings."""

from __future__ import annotations

from decimal import Decimal

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
from wfld.core.forms import (
    GovDateField,
    GovSingleCheckbox,
    NumberField,
    OptionalDate,
    Required,
    WholeNumberField,
)
from wfld.cpd.rules import ActivityType

TEXT_LIMIT = 10_000


def _long_text(label: str, description: str, *, name: str) -> TextAreaField:
    return TextAreaField(
        label,
        description=description,
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=TEXT_LIMIT, message=f"{name} must be 10,000 characters or fewer"),
        ],
    )


class EntryForm(Form):
    title = StringField(
        "Title",
        description="For example, the name of the course, book or discussion",
        widget=GovTextInput(),
        validators=[
            Required("Enter a title"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    started_on = GovDateField(
        "Date",
        description="The day you did it, or the first day if it lasted longer. "
        "For example, 27 3 2026",
        validators=[Required("Enter the date of the CPD")],
    )
    ended_on = GovDateField(
        "End date (if it lasted more than a day)",
        description="For example, 29 3 2026",
        validators=[OptionalDate()],
    )
    activity_type = RadioField(
        "Type of CPD",
        widget=GovRadioInput(),
        choices=[(t.value, t.label) for t in ActivityType],
        invalid_choice_message="Select the type of CPD from the list",
        validators=[Optional()],
    )
    hours = NumberField(
        "Hours (optional)",
        message="Enter hours as a number, like 1.5",
        description="Social Work England sets no minimum; nurses need 35 hours over 3 years",
        widget=GovTextInput(),
        places=None,
        validators=[
            Optional(),
            NumberRange(min=Decimal("0.25"), max=999, message="Hours must be between 0.25 and 999"),
        ],
    )
    description = _long_text(
        "Short description and why it is relevant to your work",
        "What was it, and why did you choose it?",
        name="Description",
    )
    learning = _long_text("What did you learn?", "", name="What you learnt")
    impact = _long_text(
        "What impact has it had on your practice and on the people you work with?",
        "How your work has changed, and what difference it has made to children, families "
        "or colleagues",
        name="Impact",
    )
    peer_reflection = _long_text(
        "Peer reflection (optional)",
        "What you learnt from discussing it with a peer: an informal discussion, reflective "
        "team meeting, group supervision, supervision or discussion at training",
        name="Peer reflection",
    )
    peer_role = StringField(
        "Who did you discuss it with? Give their role, not their name",
        description="For example, a senior social worker in my team",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=120, message="Role must be 120 characters or fewer")],
    )
    tags = SelectMultipleField(
        "Framework items this CPD relates to",
        coerce=int,
        choices=[],
        validate_choice=False,
        invalid_value_message="Select framework items from the list",
    )
    share = BooleanField(
        "Share this entry with my line manager",
        widget=GovSingleCheckbox("Do you want your line manager to read this entry?"),
        validators=[Optional()],
    )
    confirm_checked = BooleanField(
        "I have checked the highlighted text: it does not identify a child, family or case",
        widget=GovSingleCheckbox("Have you checked the highlighted text?"),
        validators=[Optional()],
    )
    shown_digest = HiddenField()
    version = HiddenField()
    save_draft = SubmitField("Save as draft", widget=GovSubmitInput())
    save_complete = SubmitField("Save and mark as complete", widget=GovSubmitInput())


class ShareForm(Form):
    submit = SubmitField("Share with my line manager", widget=GovSubmitInput())


class CommentForm(Form):
    body = TextAreaField(
        "Add a comment",
        widget=GovTextArea(),
        validators=[
            Required("Enter a comment"),
            Length(max=5000, message="Comment must be 5,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Add comment", widget=GovSubmitInput())


class EvidenceForm(Form):
    file = FileField(
        "Add a file of evidence",
        description="A PDF, Word, Excel, PowerPoint or OpenDocument file, an image or a text "
        "file, 20MB or smaller",
        widget=GovFileInput(),
        validators=[Required("Choose a file")],
    )
    submit = SubmitField("Upload file", widget=GovSubmitInput())


class ConfirmForm(Form):
    confirm = BooleanField(
        "Yes, I am sure",
        widget=GovSingleCheckbox("Are you sure?"),
        validators=[Required("Confirm that you are sure")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class RecordedForm(Form):
    """'I have added this to my Social Work England account' for a registration year."""

    year = WholeNumberField(
        widget=GovTextInput(),
        message="Enter the registration year as a number, like 2026",
        validators=[Optional()],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class SettingsForm(Form):
    share_all = RadioField(
        "Share all your complete CPD entries with your line manager?",
        description="Entries you write later are shared too, until you change this. Drafts are "
        "shared only one at a time.",
        widget=GovRadioInput(),
        choices=[("yes", "Yes, share them all"), ("no", "No, I will choose entries one at a time")],
        validators=[Required("Select whether to share all your complete entries")],
    )
    registered_on = GovDateField(
        "When did you first join your regulator's register? (optional)",
        description="The day you first joined, not your latest renewal. In the year you join, "
        "CPD counts from that day; Social Work England asks no CPD for a registration year "
        "you joined on or after 1 September. For example, 14 3 2026",
        validators=[OptionalDate()],
    )
    revalidation_due_on = GovDateField(
        "When is your NMC revalidation date? (nurses only)",
        description="It is in NMC Online/MyNMC. Your application is due by the 1st of that "
        "month. For example, 31 3 2027",
        validators=[OptionalDate()],
    )
    nmc_dual_registrant = RadioField(
        "Are you registered with the NMC as both a nurse and a midwife?",
        description="Dual registrants need 900 practice hours rather than 450.",
        widget=GovRadioInput(),
        choices=[("yes", "Yes"), ("no", "No")],
        default="no",
        validators=[Optional()],
    )
    nmc_discussion_on = GovDateField(
        "When did you have your reflective discussion with another NMC registrant? (optional)",
        description="The discussion of your 5 reflective accounts, recorded on the NMC's form. "
        "For example, 12 5 2026",
        validators=[OptionalDate()],
    )
    hcpc_profession = SelectField(
        "Your HCPC profession",
        description="Each profession renews its registration on its own 2-year cycle.",
        widget=GovSelect(),
        choices=[("", "Select your profession")],
        validate_choice=False,
    )
    version = HiddenField()
    submit = SubmitField("Save", widget=GovSubmitInput())


class RemoveWordsForm(Form):
    """The author removes identifying words from an entry's earlier versions."""

    confirm = BooleanField(
        "Also remove these words from the earlier versions of this entry",
        widget=GovSingleCheckbox("Remove these words from the earlier versions?"),
        validators=[
            Required("Select the box to remove these words from the earlier versions, or go back")
        ],
    )
    shown_digest = HiddenField()
    submit = SubmitField("Remove the words", widget=GovSubmitInput())


def terms_form(terms_type: type, data: dict | None = None) -> Form:
    """A form for a new version of a regulator's terms: the date it applies from, each whole
    number the terms hold (labelled from the terms' own metadata), and what changed."""
    from wfld.cpd.rules import number_fields

    class TermsForm(Form):
        effective_from = GovDateField(
            "When do the new terms apply from?",
            description="A date in the future. The current terms stay in force until then. "
            "For example, 1 12 2027",
            validators=[Required("Enter the date the new terms apply from")],
        )
        note = TextAreaField(
            "What changed, and where is it published?",
            widget=GovTextArea(),
            validators=[Required("Enter what changed and where it is published")],
        )
        submit = SubmitField("Add these terms", widget=GovSubmitInput())

    for f in number_fields(terms_type):
        label = f.metadata["label"]
        setattr(
            TermsForm,
            f.name,
            WholeNumberField(
                label,
                message=f"Enter {label[0].lower()}{label[1:]} as a whole number, like 2",
                widget=GovTextInput(),
                validators=[Required(f"Enter {label[0].lower()}{label[1:]}")],
            ),
        )
    return TermsForm(data=data)
