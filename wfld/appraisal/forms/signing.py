"""Forms for signing a conversation's record, countersigning it and starting a new version.
Each carries the record's version (optimistic locking: two signatures at once are told apart).
The limits are the signing service's; the forms only say them first."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from wfld.core.baseform import VersionedForm
from wfld.core.forms import Required

COMMENTS_LIMIT = 5000
REASON_LIMIT = 2000


class PersonSignForm(VersionedForm):
    """The person agrees, and may add comments: they stand with the signature."""

    comments = TextAreaField(
        "Your comments (optional)",
        description="If you do not agree with part of the record, say so here: your comments "
        "are kept with your signature",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(
                max=COMMENTS_LIMIT,
                message=f"Comments must be {COMMENTS_LIMIT:,} characters or fewer",
            ),
        ],
    )
    submit = SubmitField("I agree – sign the record", widget=GovSubmitInput())


class AppraiserSignForm(VersionedForm):
    submit = SubmitField("Sign the record", widget=GovSubmitInput())


class CountersignForm(VersionedForm):
    submit = SubmitField("Countersign the record", widget=GovSubmitInput())


class NewVersionForm(VersionedForm):
    reason = TextAreaField(
        "Why does the record need to change?",
        description="The signed version stays in the record’s history with your reason",
        widget=GovTextArea(),
        validators=[
            Required("Enter why the record needs to change"),
            Length(
                max=REASON_LIMIT, message=f"Reason must be {REASON_LIMIT:,} characters or fewer"
            ),
        ],
    )
    submit = SubmitField("Start a new version", widget=GovSubmitInput())
