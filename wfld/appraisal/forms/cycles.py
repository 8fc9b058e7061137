"""Forms of the WFLD team's cycle pages: a cycle's dates and priorities, and naming an appraiser
other than the line manager."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from wfld.appraisal.models import AppraisalCycle
from wfld.appraisal.services import CycleDetails
from wfld.core.baseform import Form, VersionedForm
from wfld.core.forms import GovDateField, GovSingleCheckbox, OptionalDate, Required
from wfld.organisation import queries as org_queries
from wfld.organisation.models import StaffMember

NOT_ON_STAFF_LIST = "Enter the work email of someone on the staff list"


class CycleForm(VersionedForm):
    """A cycle: its year, the window conversations are due in, an optional mid-year review,
    whether the appraiser's manager countersigns, and the year's strategy priorities."""

    name = StringField(
        "Name",
        description="For example, 2026/27",
        widget=GovTextInput(),
        validators=[
            Required("Enter a name for the cycle"),
            Length(max=80, message="Name must be 80 characters or fewer"),
        ],
    )
    starts_on = GovDateField(
        "Cycle starts",
        description="For example, 1 4 2026",
        validators=[Required("Enter the date the cycle starts")],
    )
    ends_on = GovDateField(
        "Cycle ends",
        description="For example, 31 3 2027",
        validators=[Required("Enter the date the cycle ends")],
    )
    due_from = GovDateField(
        "Conversations due from",
        description="The first day of the window in which annual conversations are due",
        validators=[Required("Enter the date conversations are due from")],
    )
    due_by = GovDateField(
        "Conversations due by",
        description="A conversation not signed by this date is overdue",
        validators=[Required("Enter the date conversations are due by")],
    )
    mid_year_from = GovDateField(
        "Mid-year review from (optional)",
        description="Leave both mid-year dates blank if there is no mid-year review",
        validators=[OptionalDate()],
    )
    mid_year_by = GovDateField(
        "Mid-year review by (optional)",
        validators=[OptionalDate()],
    )
    needs_countersignature = BooleanField(
        "The appraiser’s own manager countersigns each conversation",
        widget=GovSingleCheckbox("Is a countersignature needed?"),
        validators=[Optional()],
    )
    priorities = TextAreaField(
        "Strategy priorities (optional)",
        description="The year’s workforce strategy priorities that objectives link to, one on "
        "each line",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=5000, message="Strategy priorities must be 5,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Save cycle", widget=GovSubmitInput())

    @classmethod
    def of(cls, cycle: AppraisalCycle) -> CycleForm:
        """The form opened on a cycle as it stands."""
        return cls(
            name=cycle.name,
            starts_on=cycle.starts_on,
            ends_on=cycle.ends_on,
            due_from=cycle.due_from,
            due_by=cycle.due_by,
            mid_year_from=cycle.mid_year_from,
            mid_year_by=cycle.mid_year_by,
            needs_countersignature=cycle.needs_countersignature,
            priorities="\n".join(p.title for p in cycle.priorities),
            version=cycle.version_id,
        )

    @property
    def details(self) -> CycleDetails:
        """What the form could read (a date that did not parse is None)."""
        return CycleDetails(
            name=self.name.data or "",
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            due_from=self.due_from.data,
            due_by=self.due_by.data,
            mid_year_from=self.mid_year_from.data,
            mid_year_by=self.mid_year_by.data,
            needs_countersignature=bool(self.needs_countersignature.data),
            priorities=tuple((self.priorities.data or "").splitlines()),
        )


class AppraiserForm(Form):
    """Name the appraiser of one person in the cycle, by their work emails. Each email must be
    someone's on the staff list; the people it finds are kept for the view."""

    staff = StringField(
        "Work email of the person appraised",
        widget=GovTextInput(),
        validators=[
            Required("Enter the work email of the person appraised"),
            Length(max=254, message="Work email must be 254 characters or fewer"),
        ],
    )
    appraiser = StringField(
        "Work email of their appraiser",
        description="Someone other than the person; their line manager unless you name another",
        widget=GovTextInput(),
        validators=[
            Required("Enter the work email of their appraiser"),
            Length(max=254, message="Work email must be 254 characters or fewer"),
        ],
    )
    submit = SubmitField("Set appraiser", widget=GovSubmitInput())

    staff_member: StaffMember | None = None
    appraiser_member: StaffMember | None = None

    def validate_staff(self, field: StringField) -> None:
        self.staff_member = org_queries.find_staff_by_email(field.data or "")
        if self.staff_member is None:
            raise ValidationError(NOT_ON_STAFF_LIST)

    def validate_appraiser(self, field: StringField) -> None:
        self.appraiser_member = org_queries.find_staff_by_email(field.data or "")
        if self.appraiser_member is None:
            raise ValidationError(NOT_ON_STAFF_LIST)
