"""Appraisal cycles, conversations and their append-only log, individual development plans and
team development plans.

``appraisal_events`` is the record: every step appends a row, and a signature's row holds the
conversation as it was signed (a JSON snapshot), so a later version never rewrites what was
signed. The ``stage`` column on ``appraisals`` caches the latest state for fast lists and, with
the version column, tells two people signing at once apart.
"""

from __future__ import annotations

import datetime as dt
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
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wfld.accounts.models import User
from wfld.appraisal.rules import (
    ActionState,
    ActionType,
    AppraisalKind,
    EventKind,
    Signatures,
    Stage,
)
from wfld.catalogue.models import Booking, LearningActivity
from wfld.core.db import UTCDateTime, string_enum
from wfld.cpd.models import CpdEntry
from wfld.extensions import db
from wfld.frameworks.models import FrameworkItem
from wfld.organisation.models import StaffMember, Team
from wfld.supervision.models import SupervisionRecord


class AppraisalCycle(db.Model):
    """A year of conversations set by the WFLD team: e.g. April to March, conversations due
    April to June, a mid-year review in October and November."""

    __tablename__ = "appraisal_cycles"
    __table_args__ = (CheckConstraint("ends_on > starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)  # "2026/27"
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    due_from: Mapped[dt.date] = mapped_column(Date)
    due_by: Mapped[dt.date] = mapped_column(Date)
    mid_year_from: Mapped[dt.date | None] = mapped_column(Date)
    mid_year_by: Mapped[dt.date | None] = mapped_column(Date)
    needs_countersignature: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    priorities: Mapped[list[StrategyPriority]] = relationship(
        order_by="StrategyPriority.position", cascade="all, delete-orphan", back_populates="cycle"
    )

    __mapper_args__ = {"version_id_col": version_id}

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class StrategyPriority(db.Model):
    """One of the year's workforce strategy priorities that objectives link to."""

    __tablename__ = "strategy_priorities"
    __table_args__ = (UniqueConstraint("cycle_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("appraisal_cycles.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))

    cycle: Mapped[AppraisalCycle] = relationship(back_populates="priorities")


appraisal_cpd_entries = Table(
    "appraisal_cpd_entries",
    db.metadata,
    Column("appraisal_id", ForeignKey("appraisals.id", ondelete="CASCADE"), primary_key=True),
    Column("cpd_entry_id", ForeignKey("cpd_entries.id", ondelete="CASCADE"), primary_key=True),
)

appraisal_supervision_records = Table(
    "appraisal_supervision_records",
    db.metadata,
    Column("appraisal_id", ForeignKey("appraisals.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "supervision_id",
        ForeignKey("supervision_records.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


class Appraisal(db.Model):
    """One conversation between a person and their appraiser in a cycle (the annual one, or the
    mid-year review). Wellbeing and support are recorded as discussed or not, never what was
    said."""

    __tablename__ = "appraisals"
    __table_args__ = (
        UniqueConstraint("cycle_id", "staff_id", "kind"),
        CheckConstraint("appraiser_id <> staff_id", name="not_self"),
        Index("ix_appraisals_appraiser_id_cycle_id", "appraiser_id", "cycle_id"),
        Index("ix_appraisals_staff_id", "staff_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("appraisal_cycles.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    appraiser_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    # The appraiser's own manager when the record was opened: the countersigner, and the one
    # person above who may read it.
    countersigner_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    kind: Mapped[AppraisalKind] = mapped_column(string_enum(AppraisalKind, "appraisal_kind"))
    stage: Mapped[Stage] = mapped_column(string_enum(Stage, "appraisal_stage"))
    record_version: Mapped[int] = mapped_column(Integer, default=1)  # 2 after one reopening

    self_reflection: Mapped[str] = mapped_column(Text, default="")
    prepared_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    held_on: Mapped[dt.date | None] = mapped_column(Date)
    appraiser_view: Mapped[str] = mapped_column(Text, default="")
    feedback: Mapped[str] = mapped_column(Text, default="")  # QA, audits, observations, themes
    strengths: Mapped[str] = mapped_column(Text, default="")
    wellbeing_discussed: Mapped[bool] = mapped_column(Boolean, default=False)
    support_discussed: Mapped[bool] = mapped_column(Boolean, default=False)
    aspirations: Mapped[list[str]] = mapped_column(JSON, default=list)
    aspirations_note: Mapped[str] = mapped_column(Text, default="")
    person_comments: Mapped[str] = mapped_column(Text, default="")

    person_signed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    appraiser_signed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    countersigned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    needs_countersignature: Mapped[bool] = mapped_column(Boolean, default=False)

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    cycle: Mapped[AppraisalCycle] = relationship()
    staff: Mapped[StaffMember] = relationship(foreign_keys=[staff_id])
    appraiser: Mapped[StaffMember] = relationship(foreign_keys=[appraiser_id])
    countersigner: Mapped[StaffMember | None] = relationship(foreign_keys=[countersigner_id])
    needs: Mapped[list[DevelopmentNeed]] = relationship(
        order_by="DevelopmentNeed.position",
        cascade="all, delete-orphan",
        back_populates="appraisal",
    )
    objectives: Mapped[list[Objective]] = relationship(
        order_by="Objective.position", cascade="all, delete-orphan", back_populates="appraisal"
    )
    # Feedback drawn in: the person's CPD entries and supervision sessions it points to.
    cpd_entries: Mapped[list[CpdEntry]] = relationship(secondary=appraisal_cpd_entries)
    supervision_sessions: Mapped[list[SupervisionRecord]] = relationship(
        secondary=appraisal_supervision_records
    )

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def signatures(self) -> Signatures:
        return Signatures(
            person=self.person_signed_at is not None,
            appraiser=self.appraiser_signed_at is not None,
            countersigned=self.countersigned_at is not None,
            needs_countersignature=self.needs_countersignature,
        )


need_framework_items = Table(
    "development_need_framework_items",
    db.metadata,
    Column("need_id", ForeignKey("development_needs.id", ondelete="CASCADE"), primary_key=True),
    Column("framework_item_id", ForeignKey("framework_items.id"), primary_key=True),
)


class DevelopmentNeed(db.Model):
    """A development need agreed in a conversation: linked to framework items for the role
    and/or a catalogue activity; it becomes an action in the person's plan when both sign."""

    __tablename__ = "development_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    appraisal_id: Mapped[int] = mapped_column(ForeignKey("appraisals.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    action_type: Mapped[ActionType] = mapped_column(string_enum(ActionType, "action_type"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("learning_activities.id"))
    target_date: Mapped[dt.date | None] = mapped_column(Date)

    appraisal: Mapped[Appraisal] = relationship(back_populates="needs")
    activity: Mapped[LearningActivity | None] = relationship()
    framework_items: Mapped[list[FrameworkItem]] = relationship(secondary=need_framework_items)


class Objective(db.Model):
    """A SMART objective with a target date, linked to a strategy priority where it serves one."""

    __tablename__ = "objectives"

    id: Mapped[int] = mapped_column(primary_key=True)
    appraisal_id: Mapped[int] = mapped_column(ForeignKey("appraisals.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    target_date: Mapped[dt.date] = mapped_column(Date)
    priority_id: Mapped[int | None] = mapped_column(ForeignKey("strategy_priorities.id"))

    appraisal: Mapped[Appraisal] = relationship(back_populates="objectives")
    priority: Mapped[StrategyPriority | None] = relationship()


class AppraisalEvent(db.Model):
    """Append-only: one row per step. A signature's row keeps the record as it was signed."""

    __tablename__ = "appraisal_events"
    __table_args__ = (Index("ix_appraisal_events_appraisal_id_at", "appraisal_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appraisal_id: Mapped[int] = mapped_column(ForeignKey("appraisals.id"))
    kind: Mapped[EventKind] = mapped_column(string_enum(EventKind, "appraisal_event_kind"))
    record_version: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship()


class DevelopmentPlan(db.Model):
    """A person's individual development plan (IDP) for a cycle, made when a conversation is
    agreed and updated by each later agreed version."""

    __tablename__ = "development_plans"
    __table_args__ = (UniqueConstraint("staff_id", "cycle_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("appraisal_cycles.id"))
    appraisal_id: Mapped[int | None] = mapped_column(ForeignKey("appraisals.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    staff: Mapped[StaffMember] = relationship()
    cycle: Mapped[AppraisalCycle] = relationship()
    actions: Mapped[list[DevelopmentAction]] = relationship(
        order_by="DevelopmentAction.position",
        cascade="all, delete-orphan",
        back_populates="plan",
    )

    __mapper_args__ = {"version_id_col": version_id}


action_framework_items = Table(
    "development_action_framework_items",
    db.metadata,
    Column("action_id", ForeignKey("development_actions.id", ondelete="CASCADE"), primary_key=True),
    Column("framework_item_id", ForeignKey("framework_items.id"), primary_key=True),
)


class DevelopmentAction(db.Model):
    """One action in a plan. ``state`` is what was set by hand; a booking on its activity and
    attendance move it on (``rules.action_state``), and the booking made from the plan is kept."""

    __tablename__ = "development_actions"
    __table_args__ = (
        Index("ix_development_actions_staff_id_state", "staff_id", "state"),
        CheckConstraint("state <> 'dropped' OR drop_reason <> ''", name="dropped_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("development_plans.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))  # the plan's person
    need_id: Mapped[int | None] = mapped_column(
        ForeignKey("development_needs.id", ondelete="SET NULL"), unique=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    action_type: Mapped[ActionType] = mapped_column(string_enum(ActionType, "action_type"))
    target_date: Mapped[dt.date | None] = mapped_column(Date)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("learning_activities.id"))
    state: Mapped[ActionState] = mapped_column(string_enum(ActionState, "action_state"))
    drop_reason: Mapped[str] = mapped_column(Text, default="")
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"))
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    cpd_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("cpd_entries.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    plan: Mapped[DevelopmentPlan] = relationship(back_populates="actions")
    activity: Mapped[LearningActivity | None] = relationship()
    booking: Mapped[Booking | None] = relationship()
    framework_items: Mapped[list[FrameworkItem]] = relationship(secondary=action_framework_items)

    __mapper_args__ = {"version_id_col": version_id}


class ReviewContext(StrEnum):
    PLAN = "plan"  # changed on the plan page
    SUPERVISION = "supervision"
    MID_YEAR = "mid_year"

    @property
    def label(self) -> str:
        return {
            ReviewContext.PLAN: "Plan updated",
            ReviewContext.SUPERVISION: "Reviewed in supervision",
            ReviewContext.MID_YEAR: "Reviewed at mid-year",
        }[self]


class ActionReview(db.Model):
    """Append-only: each change of an action's state and each review of it."""

    __tablename__ = "development_action_reviews"
    __table_args__ = (Index("ix_development_action_reviews_action_id", "action_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("development_actions.id", ondelete="CASCADE"))
    context: Mapped[ReviewContext] = mapped_column(string_enum(ReviewContext, "review_context"))
    state_from: Mapped[ActionState] = mapped_column(string_enum(ActionState, "state_from"))
    state_to: Mapped[ActionState] = mapped_column(string_enum(ActionState, "state_to"))
    note: Mapped[str] = mapped_column(Text, default="")
    supervision_id: Mapped[int | None] = mapped_column(
        ForeignKey("supervision_records.id", ondelete="SET NULL")
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    actor: Mapped[User | None] = relationship()


class TeamNeedSource(StrEnum):
    BUSINESS_PLAN = "business_plan"
    LAW = "law"
    PRACTICE = "practice"
    LOCAL_CONTEXT = "local_context"

    @property
    def label(self) -> str:
        return {
            TeamNeedSource.BUSINESS_PLAN: "Service business plan",
            TeamNeedSource.LAW: "Change in law or guidance",
            TeamNeedSource.PRACTICE: "Change in practice",
            TeamNeedSource.LOCAL_CONTEXT: "Local context",
        }[self]


class TeamPlan(db.Model):
    """A team's development plan for a cycle, written by its manager."""

    __tablename__ = "team_plans"
    __table_args__ = (UniqueConstraint("team_id", "cycle_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("appraisal_cycles.id"))
    summary: Mapped[str] = mapped_column(Text, default="")  # the team's priorities in words
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    team: Mapped[Team] = relationship()
    cycle: Mapped[AppraisalCycle] = relationship()
    author: Mapped[StaffMember | None] = relationship()
    needs: Mapped[list[TeamNeed]] = relationship(
        order_by="TeamNeed.position", cascade="all, delete-orphan", back_populates="plan"
    )

    __mapper_args__ = {"version_id_col": version_id}


class TeamNeed(db.Model):
    """A need of the whole team, from the business plan or a change in law, practice or local
    context: an activity or framework item, how many people, and by when."""

    __tablename__ = "team_needs"
    __table_args__ = (CheckConstraint("people > 0", name="people_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("team_plans.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    source: Mapped[TeamNeedSource] = mapped_column(string_enum(TeamNeedSource, "team_need_source"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("learning_activities.id"))
    framework_item_id: Mapped[int | None] = mapped_column(ForeignKey("framework_items.id"))
    people: Mapped[int] = mapped_column(Integer, default=1)
    needed_by: Mapped[dt.date | None] = mapped_column(Date)

    plan: Mapped[TeamPlan] = relationship(back_populates="needs")
    activity: Mapped[LearningActivity | None] = relationship()
    framework_item: Mapped[FrameworkItem | None] = relationship()
