"""Forms for changing a programme template: its details, and its review points and evidence
minimums as repeated rows (a blank row at the end adds one; emptying a row's name removes
it)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from wfld.core.baseform import Form, VersionedForm
from wfld.core.forms import GovSingleCheckbox, NumberField, Required, WholeNumberField
from wfld.programmes.models import ProgrammeTemplate
from wfld.programmes.rules import EvidenceKind, ReviewPoint, Signer
from wfld.programmes.templating import MinimumRow, PointRow, TemplateEdit

SIGNER_CHOICES = [
    (Signer.ASSESSOR.value, "The assessor"),
    (Signer.LINE_MANAGER.value, "The line manager"),
    (Signer.SUPERVISOR.value, "The supervisor"),
]


class _Row(Form):
    """A row inside the page's form: the page's CSRF token covers it."""

    class Meta:
        csrf = False


class PointForm(_Row):
    key = HiddenField()
    label = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=120, message="Name must be 120 characters or fewer")],
    )
    months = WholeNumberField(
        "Months after the start",
        message="Enter months as a whole number, like 3",
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=0, max=60, message="Months must be between 0 and 60"),
        ],
    )
    weeks = WholeNumberField(
        "Weeks after the start, added to the months",
        message="Enter weeks as a whole number, like 4",
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=0, max=260, message="Weeks must be between 0 and 260"),
        ],
    )
    signer = SelectField(
        "Signed off by",
        widget=GovSelect(),
        choices=SIGNER_CHOICES,
        default=Signer.ASSESSOR.value,
        validate_choice=False,
    )
    countersign = SelectField(
        "Countersigned by",
        widget=GovSelect(),
        choices=[("", "Nobody")] + SIGNER_CHOICES,
        validate_choice=False,
    )
    optional = BooleanField(
        "This review point is optional",
        widget=GovSingleCheckbox("Optional?"),
        validators=[Optional()],
    )
    panel = BooleanField(
        "This is the moderation panel (recorded as an outcome, not signed off)",
        widget=GovSingleCheckbox("Moderation panel?"),
        validators=[Optional()],
    )

    def validate(self, extra_validators: Any = None) -> bool:
        """A row with an offset but no name is a mistake, not a blank row. (Checked here: an
        empty field's own validators stop at ``Optional``.)"""
        valid = super().validate(extra_validators)
        if self.is_blank and (self.months.data or self.weeks.data) and not self.label.errors:
            self.label.errors.append("Enter the review point's name")
            valid = False
        if not self.is_blank and self.signer.data not in set(Signer):
            self.signer.errors.append("Select who signs this review point off")
            valid = False
        return valid

    def validate_countersign(self, field: Any) -> None:
        if field.data and field.data not in set(Signer):
            raise ValidationError("Select who countersigns from the list")
        if field.data and field.data == self.signer.data:
            raise ValidationError("Choose someone other than the person who signs it off")

    @property
    def is_blank(self) -> bool:
        return not (self.label.data or "").strip()


class MinimumForm(_Row):
    kind = SelectField(
        "Evidence",
        widget=GovSelect(),
        choices=[("", "Choose the kind of evidence")] + [(k.value, k.label) for k in EvidenceKind],
        validate_choice=False,
    )
    count = WholeNumberField(
        "How many",
        message="Enter how many as a whole number, like 3",
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=1, max=99, message="How many must be between 1 and 99"),
        ],
    )
    by = SelectField("Needed by", widget=GovSelect(), choices=[], validate_choice=False)

    def validate_kind(self, field: Any) -> None:
        if not field.data and self.count.data:
            raise ValidationError("Select the kind of evidence")
        if field.data and field.data not in set(EvidenceKind):
            raise ValidationError("Select the kind of evidence from the list")

    def validate(self, extra_validators: Any = None) -> bool:
        """A kind of evidence needs its count (checked here: an empty count's own validators
        stop at ``Optional``)."""
        valid = super().validate(extra_validators)
        if self.kind.data and self.count.data is None and not self.count.errors:
            self.count.errors.append("Enter how many are needed")
            valid = False
        return valid

    def validate_by(self, field: Any) -> None:
        if self.kind.data and field.data not in {value for value, _ in field.choices if value}:
            raise ValidationError("Select the review point they are needed by")

    @property
    def is_blank(self) -> bool:
        return not self.kind.data


class EditTemplateForm(VersionedForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[
            Required("Enter the programme's name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    description = TextAreaField(
        "Description",
        description="What the programme is and who it is for: people on it read this",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=5000, message="Description must be 5,000 characters or fewer"),
        ],
    )
    length_months = WholeNumberField(
        "Length in months, at full time",
        description="Part-time working and pauses stretch it for each person",
        message="Enter the length as a whole number of months, like 12",
        widget=GovTextInput(),
        validators=[
            Required("Enter the length in months"),
            NumberRange(min=1, max=60, message="Length in months must be between 1 and 60"),
        ],
    )
    protected_time_percent = NumberField(
        "Protected development time, as a percentage of working time",
        description="Pro rata for part-time staff. The ASYE's is 10% (half a day a week)",
        message="Enter protected time as a number, like 10",
        widget=GovTextInput(),
        places=None,
        validators=[
            Required("Enter the protected time, or 0 for none"),
            NumberRange(
                min=Decimal(0), max=Decimal(100), message="Protected time must be from 0 to 100"
            ),
        ],
    )
    session_minutes = WholeNumberField(
        "Shortest supervision session that counts, in minutes",
        description="The ASYE's is 90 minutes (1.5 hours)",
        message="Enter minutes as a whole number, like 90",
        widget=GovTextInput(),
        validators=[
            Required("Enter the shortest supervision session in minutes"),
            NumberRange(min=1, max=480, message="Minutes must be between 1 and 480"),
        ],
    )
    missed_threshold = WholeNumberField(
        "Missed supervisions that put someone at risk",
        description="How many missed sessions within one stage of the supervision pattern",
        message="Enter a whole number, like 2",
        widget=GovTextInput(),
        validators=[
            Required("Enter how many missed supervisions put someone at risk"),
            NumberRange(min=1, max=52, message="Missed supervisions must be between 1 and 52"),
        ],
    )
    external_moderation = RadioField(
        "Is external moderation required?",
        widget=GovRadioInput(),
        choices=[("yes", "Yes"), ("no", "No")],
        validators=[Required("Select whether external moderation is required")],
    )
    progression_role_id = SelectField(
        "Job role after a confirmed pass (optional)",
        description="The council's progression rule, for example from NQSW to social worker",
        widget=GovSelect(),
        choices=[],
        validate_choice=False,
    )
    notes = TextAreaField(
        "Notes",
        description="Where each rule comes from, and what is still to be confirmed",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=5000, message="Notes must be 5,000 characters or fewer"),
        ],
    )
    points = FieldList(FormField(PointForm), min_entries=1)
    minimums = FieldList(FormField(MinimumForm), min_entries=1)
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_progression_role_id(self, field: Any) -> None:
        if field.data and field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Select the job role from the list")

    @classmethod
    def for_template(cls, template: ProgrammeTemplate, **kwargs: Any) -> EditTemplateForm:
        """Opened on a version: its fields, its rows and one blank row of each to add with."""
        spec = template.spec
        points = [_point_data(p) for p in spec.review_points] + [{}]
        minimums = [{"kind": m.kind.value, "count": m.count, "by": m.by} for m in spec.evidence] + [
            {}
        ]
        return cls(
            name=template.name,
            description=template.description,
            length_months=spec.length_months,
            protected_time_percent=spec.protected_time_percent,
            session_minutes=spec.session_minutes,
            missed_threshold=spec.missed_threshold,
            external_moderation="yes" if spec.external_moderation else "no",
            progression_role_id=str(template.progression_role_id or ""),
            notes=spec.notes,
            points=points,
            minimums=minimums,
            version=template.version_id,
            **kwargs,
        )

    def offer(self, template: ProgrammeTemplate, roles: list[tuple[int, str]]) -> None:
        """The choices that depend on the record: job roles, and the review points evidence
        can be due by (the version's, and any kept on the page)."""
        self.progression_role_id.choices = [("", "None")] + [(str(i), t) for i, t in roles]
        labels = {p.key: p.label for p in template.spec.review_points}
        for row in self.points:
            if row.form.key.data:
                labels[row.form.key.data] = (row.form.label.data or "").strip() or labels.get(
                    row.form.key.data, row.form.key.data
                )
        choices = [("", "Choose a review point")] + list(labels.items())
        for row in self.minimums:
            row.form.by.choices = choices

    def edit(self) -> TemplateEdit:
        """What was submitted, blank rows left out."""
        points = tuple(
            PointRow(
                key=row.form.key.data or "",
                label=row.form.label.data.strip(),
                months=row.form.months.data or 0,
                weeks=row.form.weeks.data or 0,
                optional=bool(row.form.optional.data),
                signer=Signer(row.form.signer.data),
                countersign=Signer(row.form.countersign.data)
                if row.form.countersign.data
                else None,
                panel=bool(row.form.panel.data),
            )
            for row in self.points
            if not row.form.is_blank
        )
        minimums = tuple(
            MinimumRow(EvidenceKind(row.form.kind.data), row.form.count.data, row.form.by.data)
            for row in self.minimums
            if not row.form.is_blank
        )
        role = self.progression_role_id.data
        return TemplateEdit(
            name=self.name.data,
            description=self.description.data or "",
            notes=self.notes.data or "",
            length_months=self.length_months.data,
            protected_time_percent=self.protected_time_percent.data,
            session_minutes=self.session_minutes.data,
            missed_threshold=self.missed_threshold.data,
            external_moderation=self.external_moderation.data == "yes",
            progression_role_id=int(role) if role and role.isdigit() else None,
            points=points,
            minimums=minimums,
        )


def _point_data(point: ReviewPoint) -> dict[str, Any]:
    return {
        "key": point.key,
        "label": point.label,
        "months": point.months,
        "weeks": point.weeks,
        "signer": point.signer.value,
        "countersign": point.countersign.value if point.countersign else "",
        "optional": point.optional,
        "panel": point.panel,
    }


class TemplateStatusForm(VersionedForm):
    """Publish or retire: a button, carrying the version the page showed."""

    submit = SubmitField("Publish", widget=GovSubmitInput())
