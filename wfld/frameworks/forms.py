"""Forms for the framework screens."""

from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from wfld.core.baseform import Form
from wfld.core.forms import GovDateField, GovSingleCheckbox, Required
from wfld.frameworks.models import ItemKind

KIND_CHOICES = [(k.value, k.label) for k in ItemKind]


class NewFrameworkForm(Form):
    code = StringField(
        "Short code",
        description="Capital letters, numbers and hyphens, for example PRACTICE-MODEL",
        widget=GovTextInput(),
        validators=[
            Required("Enter a short code"),
            Length(max=40, message="Code must be 40 characters or fewer"),
        ],
    )
    title = StringField(
        "Title",
        widget=GovTextInput(),
        validators=[
            Required("Enter the title"),
            Length(max=200, message="Title must be 200 characters or fewer"),
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
    submit = SubmitField("Create framework", widget=GovSubmitInput())


class NewVersionForm(Form):
    label = StringField(
        "Version name",
        description="For example, 2027 or 2",
        widget=GovTextInput(),
        validators=[
            Required("Enter a name for the new version"),
            Length(max=40, message="Name must be 40 characters or fewer"),
        ],
    )
    submit = SubmitField("Start new version", widget=GovSubmitInput())


class ItemForm(Form):
    kind = RadioField(
        "Type of item",
        widget=GovRadioInput(),
        choices=KIND_CHOICES,
        validators=[Required("Select the type of item")],
    )
    parent = SelectField("Sits under", widget=GovSelect(), coerce=str, validators=[Optional()])
    code = StringField(
        "Code",
        description="For example, 4 or 4.1",
        widget=GovTextInput(),
        validators=[
            Required("Enter a code"),
            Length(max=20, message="Code must be 20 characters or fewer"),
        ],
    )
    title = StringField(
        "Title",
        widget=GovTextInput(),
        validators=[
            Required("Enter the title"),
            Length(max=300, message="Title must be 300 characters or fewer"),
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
    submit = SubmitField("Save item", widget=GovSubmitInput())


class EditItemForm(Form):
    code = ItemForm.code
    title = ItemForm.title
    description = ItemForm.description
    submit = SubmitField("Save item", widget=GovSubmitInput())


class PublishForm(Form):
    label = StringField(
        "New version name (optional)",
        description="Leave blank to keep the name it has. Change it when the name no longer "
        "fits, for example when a consultation draft has been completed from the final text",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=40, message="Name must be 40 characters or fewer")],
    )
    effective_from = GovDateField(
        "In effect from (optional)",
        description="Leave blank if it is in effect as soon as it is published",
    )
    confirm = BooleanField(
        "I have checked the items: publish this version",
        widget=GovSingleCheckbox("Have you checked the items?"),
        validators=[Required("Confirm that you have checked the items")],
    )
    submit = SubmitField("Publish", widget=GovSubmitInput())


class ImportForm(Form):
    file = FileField(
        "Framework file",
        description="JSON, YAML or CSV, as exported from this service, 1MB or smaller",
        widget=GovFileInput(),
        validators=[Required("Choose a file to import")],
    )
    submit = SubmitField("Import", widget=GovSubmitInput())


class CrosswalkLinkForm(Form):
    item_a = SelectField(
        "Item", widget=GovSelect(), coerce=int, validators=[Required("Select an item")]
    )
    item_b = SelectField(
        "Linked item",
        widget=GovSelect(),
        coerce=int,
        validators=[Required("Select the linked item")],
    )
    submit = SubmitField("Link items", widget=GovSubmitInput())
