"""Cohort programmes: versioned templates, cohorts, enrolments and their append-only logs,
milestones, evidence, monthly protected-time records and outcomes.

Append-only tables (``enrolment_events``, ``milestone_events``) are the record; the state
columns on ``enrolments`` and ``milestones`` cache the latest state for fast lists and carry
the version column two people saving at once are told apart by.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wfld.accounts.models import User
from wfld.core.db import UTCDateTime, string_enum
from wfld.extensions import db
from wfld.frameworks.models import FrameworkItem, FrameworkVersion
from wfld.organisation.models import JobRole, StaffMember
from wfld.programmes.rules import (
    EnrolmentStatus,
    EvidenceKind,
    MilestoneAction,
    MilestoneState,
    ProgrammeKind,
    TemplateSpec,
    parse_template,
)


class TemplateStatus(StrEnum):
    DRAFT = "draft"  # editable; not offered for new cohorts until published
    PUBLISHED = "published"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        return self.value.capitalize()


programme_template_frameworks = Table(
    "programme_template_frameworks",
    db.metadata,
    Column(
        "template_id", ForeignKey("programme_templates.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("framework_version_id", ForeignKey("framework_versions.id"), primary_key=True),
)


class ProgrammeTemplate(db.Model):
    """One version of a programme template. A published version is never changed: editing it
    makes the next version, and enrolments keep the version they started on."""

    __tablename__ = "programme_templates"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))  # "asye-child-family"
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ProgrammeKind] = mapped_column(string_enum(ProgrammeKind, "programme_kind"))
    status: Mapped[TemplateStatus] = mapped_column(
        string_enum(TemplateStatus, "programme_template_status")
    )
    # The rules as data (``rules.parse_template`` validates it): length, review points,
    # evidence minimums, supervision cadence, protected time, countersign steps.
    document: Mapped[dict] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(Text, default="")
    # The person's job role once a confirmed pass is applied (the council's progression rule,
    # e.g. NQSW → social worker), where there is one.
    progression_role_id: Mapped[int | None] = mapped_column(ForeignKey("job_roles.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    framework_versions: Mapped[list[FrameworkVersion]] = relationship(
        secondary=programme_template_frameworks
    )
    progression_role: Mapped[JobRole | None] = relationship()

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def spec(self) -> TemplateSpec:
        return parse_template(self.document)

    @property
    def label(self) -> str:
        return f"{self.name} (version {self.version})"


class Cohort(db.Model):
    """A template version plus an intake ("ASYE September 2026") and its coordinator."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("programme_templates.id"), index=True)
    intake: Mapped[str] = mapped_column(String(120), unique=True)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    template: Mapped[ProgrammeTemplate] = relationship()
    coordinator: Mapped[StaffMember | None] = relationship()

    __mapper_args__ = {"version_id_col": version_id}


class Enrolment(db.Model):
    """A person on a programme: its dates come from the template version, the start date and
    the pauses, extensions and FTE changes in ``enrolment_events``."""

    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("cohort_id", "staff_id"),
        CheckConstraint("fte > 0 AND fte <= 1", name="fte_range"),
        CheckConstraint("assessor_id IS NULL OR assessor_id <> staff_id", name="not_own_assessor"),
        Index("ix_enrolments_assessor_id_status", "assessor_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"), index=True)
    # Pinned at enrolment: a new template version never rewrites an enrolment under way.
    template_id: Mapped[int] = mapped_column(ForeignKey("programme_templates.id"))
    start_date: Mapped[dt.date] = mapped_column(Date)
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    line_manager_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"), index=True)
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"), index=True)
    status: Mapped[EnrolmentStatus] = mapped_column(
        string_enum(EnrolmentStatus, "enrolment_status")
    )
    fte: Mapped[Decimal] = mapped_column(Numeric(3, 2))
    # Cached from the rules whenever an event changes the dates (lists sort and filter on it).
    ends_on: Mapped[dt.date] = mapped_column(Date)
    # Funding (the national ASYE grant): the person's registration and qualification, and the
    # two claims (at registration on the programme, and at completion).
    qualified_on: Mapped[dt.date | None] = mapped_column(Date)
    registered_on: Mapped[dt.date | None] = mapped_column(Date)
    registration_claimed_on: Mapped[dt.date | None] = mapped_column(Date)
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    completion_claimed_on: Mapped[dt.date | None] = mapped_column(Date)
    # The assessor changed since the support and assessment agreement was signed.
    agreement_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    cohort: Mapped[Cohort] = relationship()
    template: Mapped[ProgrammeTemplate] = relationship()
    staff: Mapped[StaffMember] = relationship(foreign_keys=[staff_id])
    assessor: Mapped[StaffMember | None] = relationship(foreign_keys=[assessor_id])
    line_manager: Mapped[StaffMember | None] = relationship(foreign_keys=[line_manager_id])
    supervisor: Mapped[StaffMember | None] = relationship(foreign_keys=[supervisor_id])
    updated_by: Mapped[User | None] = relationship()
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="enrolment", order_by="Milestone.position"
    )

    __mapper_args__ = {"version_id_col": version_id}


class EnrolmentEventKind(StrEnum):
    ENROLLED = "enrolled"
    START_CHANGED = "start_changed"
    PAUSED = "paused"
    EXTENDED = "extended"
    FTE_CHANGED = "fte_changed"
    ASSESSOR_CHANGED = "assessor_changed"
    CAPACITY_OVERRIDDEN = "capacity_overridden"
    STATUS_CHANGED = "status_changed"
    PROGRESSED = "progressed"
    RECOMMENDED = "recommended"  # the assessor's final recommendation
    PANEL_DECIDED = "panel_decided"  # the moderation panel's decision

    @property
    def label(self) -> str:
        return {
            EnrolmentEventKind.ENROLLED: "Enrolled",
            EnrolmentEventKind.START_CHANGED: "Start date changed",
            EnrolmentEventKind.PAUSED: "Paused",
            EnrolmentEventKind.EXTENDED: "Extended",
            EnrolmentEventKind.FTE_CHANGED: "FTE changed",
            EnrolmentEventKind.ASSESSOR_CHANGED: "Assessor changed",
            EnrolmentEventKind.CAPACITY_OVERRIDDEN: "Assessor capacity overridden",
            EnrolmentEventKind.STATUS_CHANGED: "Status changed",
            EnrolmentEventKind.PROGRESSED: "Progression applied",
            EnrolmentEventKind.RECOMMENDED: "Recommendation recorded",
            EnrolmentEventKind.PANEL_DECIDED: "Moderation panel decision",
        }[self]


class EnrolmentEvent(db.Model):
    """Append-only: every change to an enrolment's dates, assessor or status, with who and
    why. Pauses and extensions are read back from here by the date rules."""

    __tablename__ = "enrolment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    kind: Mapped[EnrolmentEventKind] = mapped_column(
        string_enum(EnrolmentEventKind, "enrolment_event_kind")
    )
    starts_on: Mapped[dt.date | None] = mapped_column(Date)  # a pause's first day; new start
    ends_on: Mapped[dt.date | None] = mapped_column(Date)  # a pause's last day
    days: Mapped[int | None] = mapped_column(Integer)  # an extension
    fte: Mapped[Decimal | None] = mapped_column(Numeric(3, 2))
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    status: Mapped[EnrolmentStatus | None] = mapped_column(
        string_enum(EnrolmentStatus, "enrolment_event_status")
    )
    reason: Mapped[str] = mapped_column(String(500), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    actor: Mapped[User | None] = relationship()
    assessor: Mapped[StaffMember | None] = relationship()


class Milestone(db.Model):
    """One review point of one enrolment; ``state`` caches the end of its event log."""

    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("enrolment_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"))
    key: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer)
    state: Mapped[MilestoneState] = mapped_column(
        string_enum(MilestoneState, "milestone_state"), index=True
    )
    # The NQSW's summary of their progress for this review, and the assessor's record.
    summary: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    enrolment: Mapped[Enrolment] = relationship(back_populates="milestones")
    updated_by: Mapped[User | None] = relationship()
    events: Mapped[list[MilestoneEvent]] = relationship(order_by="MilestoneEvent.id")

    __mapper_args__ = {"version_id_col": version_id}


class MilestoneEvent(db.Model):
    """Append-only: each submission, return, sign-off, countersignature and reopening."""

    __tablename__ = "milestone_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id"), index=True)
    action: Mapped[MilestoneAction] = mapped_column(
        string_enum(MilestoneAction, "milestone_action")
    )
    comment: Mapped[str] = mapped_column(Text, default="")
    # Signing off with evidence short of the template's minimum needs a reason, kept here.
    short_reason: Mapped[str] = mapped_column(String(500), default="")
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    actor: Mapped[User] = relationship()


evidence_items = Table(
    "programme_evidence_items",
    db.metadata,
    Column(
        "evidence_id", ForeignKey("programme_evidence.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("item_id", ForeignKey("framework_items.id"), primary_key=True, index=True),
)


class Evidence(db.Model):
    """A piece of the person's portfolio: an observation, feedback, written work, a critical
    reflection, a development plan or a self-assessment (scores in ``self_assessment_scores``)."""

    __tablename__ = "programme_evidence"
    __table_args__ = (Index("ix_programme_evidence_enrolment_id_kind", "enrolment_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"))
    kind: Mapped[EvidenceKind] = mapped_column(
        string_enum(EvidenceKind, "evidence_kind", length=30)
    )
    title: Mapped[str] = mapped_column(String(200))
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    # The review point it counts towards (from its date, unless the person chose one).
    review_key: Mapped[str] = mapped_column(String(30))
    setting: Mapped[str] = mapped_column(String(200), default="")  # observations
    observer: Mapped[str] = mapped_column(
        String(200), default=""
    )  # observer or feedback giver's role
    assessment: Mapped[str] = mapped_column(Text, default="")  # the observer's assessment
    body: Mapped[str] = mapped_column(Text, default="")  # the feedback, work summary or plan
    reflection: Mapped[str] = mapped_column(Text, default="")  # the NQSW's reflection
    # The draft CPD entry a critical reflection became; deleting that draft in the CPD log
    # leaves the reflection here (and lets it become an entry again).
    cpd_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("cpd_entries.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    enrolment: Mapped[Enrolment] = relationship()
    items: Mapped[list[FrameworkItem]] = relationship(secondary=evidence_items)
    scores: Mapped[list[SelfAssessmentScore]] = relationship(
        cascade="all, delete-orphan", order_by="SelfAssessmentScore.item_id"
    )
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    __mapper_args__ = {"version_id_col": version_id}


class SelfAssessmentScore(db.Model):
    """A self-assessment's score against one framework item (1 emerging … 4 confident)."""

    __tablename__ = "self_assessment_scores"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 4", name="score_range"),)

    evidence_id: Mapped[int] = mapped_column(
        ForeignKey("programme_evidence.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("framework_items.id"), primary_key=True)
    score: Mapped[int] = mapped_column(Integer)

    item: Mapped[FrameworkItem] = relationship()


class WorkloadMonth(db.Model):
    """One month's caseload and protected development time taken, against the target."""

    __tablename__ = "workload_months"
    __table_args__ = (
        UniqueConstraint("enrolment_id", "month"),
        CheckConstraint("caseload >= 0", name="caseload_positive"),
        CheckConstraint("protected_hours >= 0", name="hours_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"))
    month: Mapped[dt.date] = mapped_column(Date)  # the first day of the month
    caseload: Mapped[int] = mapped_column(Integer)
    protected_hours: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    note: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    enrolment: Mapped[Enrolment] = relationship()
    updated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version_id}


class Recommendation(StrEnum):
    PASS = "pass"  # noqa: S105 - an outcome, not a password
    FAIL = "fail"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class PanelDecision(StrEnum):
    CONFIRM = "confirm"
    REFER_BACK = "refer_back"
    DEFER = "defer"

    @property
    def label(self) -> str:
        return {
            PanelDecision.CONFIRM: "Confirmed",
            PanelDecision.REFER_BACK: "Referred back",
            PanelDecision.DEFER: "Deferred",
        }[self]


class Outcome(db.Model):
    """The final review's recommendation and the moderation panel's decision (one per
    enrolment; a referral back and a second panel overwrite the decision, and the enrolment's
    event log keeps the history)."""

    __tablename__ = "programme_outcomes"

    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), primary_key=True)
    recommendation: Mapped[Recommendation] = mapped_column(
        string_enum(Recommendation, "outcome_recommendation")
    )
    recommended_on: Mapped[dt.date] = mapped_column(Date)
    recommended_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    rationale: Mapped[str] = mapped_column(Text, default="")
    panel_on: Mapped[dt.date | None] = mapped_column(Date)
    panel_members: Mapped[str] = mapped_column(String(500), default="")
    decision: Mapped[PanelDecision | None] = mapped_column(
        string_enum(PanelDecision, "outcome_panel_decision")
    )
    decision_note: Mapped[str] = mapped_column(Text, default="")
    progressed_on: Mapped[dt.date | None] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    __mapper_args__ = {"version_id_col": version_id}


class AssessorCapacity(db.Model):
    """How many enrolments a member of staff can assess at once."""

    __tablename__ = "assessor_capacities"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"), primary_key=True)
    capacity: Mapped[int] = mapped_column(Integer)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}
