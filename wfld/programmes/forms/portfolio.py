"""Forms for the portfolio: choosing a kind of evidence, one piece of it, removing it and
making a critical reflection a CPD entry.

The piece's form has every field a kind can use; the page shows the kind's own (with its
own labels) and the service keeps only those. What each kind must have is the service's rule
(``portfolio.REQUIRED``): the form checks only what it parses (dates, lengths, choices).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.core import Label
from wtforms.validators import Length, Optional

from wfld.core.baseform import Form, VersionedForm
from wfld.core.forms import GovDateField, OptionalDate, Required
from wfld.programmes.coverage import Point
from wfld.programmes.portfolio import SCORE_LABELS, EvidenceText, ItemGroup, score_field
from wfld.programmes.rules import EvidenceKind

TEXT_LIMIT = 10_000


def _line(label: str) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=200, message=f"{label} must be 200 characters or fewer"),
        ],
    )


def _text(label: str) -> TextAreaField:
    return TextAreaField(
        label,
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=TEXT_LIMIT, message=f"{label} must be 10,000 characters or fewer"),
        ],
    )


class ChooseKindForm(Form):
    """One thing per page: what kind of evidence, before its fields."""

    kind = RadioField(
        "What kind of evidence are you adding?",
        widget=GovRadioInput(),
        choices=[],
        validators=[Required("Select the kind of evidence")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def offer(self, kinds: Sequence[EvidenceKind]) -> None:
        self.kind.choices = [(k.value, k.label) for k in EvidenceKind if k in kinds]


# Each kind's labels and hints: (label, hint) per field it shows.
LABELS: dict[EvidenceKind, dict[str, tuple[str, str]]] = {
    EvidenceKind.DIRECT_OBSERVATION: {
        "title": ("What was observed", "For example, a home visit to review a child's plan"),
        "setting": ("Setting", "For example, a family home, school or team meeting"),
        "observer": ("Observer", "Their role, for example your ASYE assessor"),
        "assessment": ("The observer's assessment", "What the observer saw and their judgement"),
        "reflection": ("Your reflection", "What you learnt and what you will do differently"),
    },
    EvidenceKind.FEEDBACK_PERSON: {
        "title": ("Title", "For example, feedback after a family group meeting"),
        "observer": (
            "Who gave the feedback",
            "Their relationship to the child, not their name, for example a parent",
        ),
        "body": (
            "The feedback",
            "In their words where you can. Leave out names, ages, addresses, schools and "
            "anything else that could identify them",
        ),
        "reflection": ("Your reflection", "What it tells you about your practice"),
    },
    EvidenceKind.FEEDBACK_PROFESSIONAL: {
        "title": ("Title", "For example, feedback from a strategy meeting"),
        "observer": ("Who gave the feedback", "Their role, not their name, for example a GP"),
        "body": (
            "The feedback",
            "Leave out names and anything else that could identify a child or family",
        ),
        "reflection": ("Your reflection", "What it tells you about your practice"),
    },
    EvidenceKind.WRITTEN_WORK: {
        "title": ("Title of the work", "For example, a child and family assessment"),
        "body": ("Summary of the work", "What it was for and what you wrote"),
        "assessment": ("The assessor's comments", "Your assessor may add these later"),
    },
    EvidenceKind.CRITICAL_REFLECTION: {
        "title": ("Title", "For example, my critical reflection at 6 months"),
        "reflection": ("Your reflection", ""),
    },
    EvidenceKind.DEVELOPMENT_PLAN: {
        "title": ("Period", "For example, months 3 to 6"),
        "body": ("The plan", "Your learning needs and how they will be met"),
    },
    EvidenceKind.SELF_ASSESSMENT: {
        "title": ("Title", "For example, midway self-assessment"),
    },
}


class EvidenceForm(VersionedForm):
    title = _line("Title")
    occurred_on = GovDateField(
        "Date", description="For example, 27 3 2027", validators=[OptionalDate()]
    )
    setting = _line("Setting")
    observer = _line("Who gave it")
    assessment = _text("Assessment")
    body = _text("Details")
    reflection = _text("Your reflection")
    items = SelectMultipleField(
        "Framework items this evidences",
        coerce=int,
        choices=[],
        validate_choice=False,
        invalid_value_message="Select framework items from the list",
    )
    review_key = SelectField(
        "Review point it counts towards",
        description="Unless you choose one, it counts towards the first review due on or after "
        "its date",
        widget=GovSelect(),
        choices=[],
        validate_choice=False,
    )
    submit = SubmitField("Save evidence", widget=GovSubmitInput())

    def prepare(self, kind: EvidenceKind, points: Sequence[Point]) -> None:
        """This kind's labels and hints, and the review points to choose from."""
        for name, (label, hint) in LABELS[kind].items():
            field = getattr(self, name)
            field.label = Label(field.id, label)
            field.description = hint
        self.review_key.choices = [("", "Work it out from the date")] + [
            (p.key, p.label) for p in points
        ]

    @property
    def text(self) -> EvidenceText:
        return EvidenceText(
            title=self.title.data or "",
            occurred_on=self.occurred_on.data,
            setting=self.setting.data or "",
            observer=self.observer.data or "",
            assessment=self.assessment.data or "",
            body=self.body.data or "",
            reflection=self.reflection.data or "",
        )

    @property
    def item_ids(self) -> set[int]:
        return set(self.items.data or [])

    @property
    def chosen_point(self) -> str | None:
        return self.review_key.data or None

    def score_fields(self) -> list[Any]:
        return [field for name, field in self._fields.items() if name.startswith("score_")]

    @property
    def scores(self) -> dict[int, int]:
        """Each scored item's score; a value that is not a whole number is passed on as 0,
        so the service's "must be from 1 to 4" names it."""
        found: dict[int, int] = {}
        for field in self.score_fields():
            value = (field.data or "").strip()
            if value:
                found[int(field.name.removeprefix("score_"))] = int(value) if value.isdigit() else 0
        return found


def evidence_form(kind: EvidenceKind, groups: Sequence[ItemGroup], **kwargs: Any) -> EvidenceForm:
    """The form for one kind: a self-assessment gets a 1–4 choice per framework item."""
    if kind is not EvidenceKind.SELF_ASSESSMENT:
        return EvidenceForm(**kwargs)
    fields = {
        score_field(choice.item.id): RadioField(
            f"{choice.item.code} {choice.item.title}",
            widget=GovRadioInput(),
            choices=[(str(score), label) for score, label in SCORE_LABELS.items()],
            coerce=str,
            validate_choice=False,
            validators=[Optional()],
        )
        for group in groups
        for choice in group.items
    }
    scored = type("SelfAssessmentForm", (EvidenceForm,), fields)
    return scored(**kwargs)


class RemoveEvidenceForm(VersionedForm):
    """The remove button on a piece's page (the version: a piece changed since the page was
    opened is not removed unseen)."""

    submit = SubmitField("Remove this evidence", widget=GovSubmitInput())


class EvidenceToCpdForm(Form):
    submit = SubmitField("Add to my CPD log as a draft", widget=GovSubmitInput())


def initial_values(piece: Any, *, automatic: str) -> dict[str, Any]:
    """A piece as its edit form opens: its text, items, review point and scores. A piece that
    counts towards the point its date gives (``automatic``) keeps working it out from the date,
    so changing the date moves it."""
    values: dict[str, Any] = {
        name: getattr(piece, name)
        for name in ("title", "occurred_on", "setting", "observer", "assessment", "body")
    }
    values["reflection"] = piece.reflection
    values["items"] = [item.id for item in piece.items]
    values["review_key"] = "" if piece.review_key == automatic else piece.review_key
    values["version"] = str(piece.version_id)
    values.update({score_field(s.item_id): str(s.score) for s in piece.scores})
    return values
