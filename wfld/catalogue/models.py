"""The learning catalogue: activities, their sessions, bookings, attendance, completions and
uploaded certificates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
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

from wfld.core.db import UTCDateTime, string_enum
from wfld.extensions import db
from wfld.frameworks.models import FrameworkItem
from wfld.organisation.models import StaffMember


class LabelledEnum(StrEnum):
    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class DeliveryMode(LabelledEnum):
    CLASSROOM = "classroom"
    E_LEARNING = "e_learning"
    WEBINAR = "webinar"
    WORKSHOP = "workshop"
    SHADOWING = "shadowing"
    MENTORING = "mentoring"
    COACHING = "coaching"
    ACTION_LEARNING_SET = "action_learning_set"
    CONFERENCE = "conference"
    QUALIFICATION = "qualification"

    @property
    def label(self) -> str:
        return "E-learning" if self is DeliveryMode.E_LEARNING else super().label


class Provider(LabelledEnum):
    IN_HOUSE = "in_house"
    PARTNERSHIP = "partnership"
    UNIVERSITY = "university"
    EXTERNAL = "external"

    @property
    def label(self) -> str:
        return "In-house" if self is Provider.IN_HOUSE else super().label


class BookingStatus(LabelledEnum):
    BOOKED = "booked"
    WAITING = "waiting"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return "On the waiting list" if self is BookingStatus.WAITING else super().label


class Attendance(LabelledEnum):
    ATTENDED = "attended"
    DID_NOT_ATTEND = "did_not_attend"


class CompletionSource(LabelledEnum):
    SESSION = "session"
    MANUAL = "manual"
    UPLOAD = "upload"

    @property
    def label(self) -> str:
        return {
            CompletionSource.SESSION: "Attended a session",
            CompletionSource.MANUAL: "Recorded by the WFLD team",
            CompletionSource.UPLOAD: "Certificate uploaded",
        }[self]


class CompletionStatus(LabelledEnum):
    VERIFIED = "verified"
    PENDING = "pending"  # an uploaded certificate awaiting the WFLD team
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return "Awaiting verification" if self is CompletionStatus.PENDING else super().label


activity_framework_items = Table(
    "activity_framework_items",
    db.metadata,
    Column("activity_id", ForeignKey("learning_activities.id"), primary_key=True),
    Column("framework_item_id", ForeignKey("framework_items.id"), primary_key=True, index=True),
)


class LearningActivity(db.Model):
    __tablename__ = "learning_activities"
    __table_args__ = (
        CheckConstraint("duration_hours >= 0", name="duration_not_negative"),
        CheckConstraint("validity_months IS NULL OR validity_months > 0", name="validity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    category: Mapped[str] = mapped_column(String(100), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    delivery_mode: Mapped[DeliveryMode] = mapped_column(
        string_enum(DeliveryMode, "delivery_mode", length=24)
    )
    provider: Mapped[Provider] = mapped_column(
        string_enum(Provider, "learning_provider", length=24)
    )
    duration_hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    cost_per_place: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    # Renewable training (safeguarding refresher, DBS recheck, first aid): a completion
    # expires this many months after its date. None: it does not expire.
    validity_months: Mapped[int | None] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    framework_items: Mapped[list[FrameworkItem]] = relationship(secondary=activity_framework_items)

    __mapper_args__ = {"version_id_col": version_id}


class LearningSession(db.Model):
    __tablename__ = "learning_sessions"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("learning_activities.id"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    is_online: Mapped[bool] = mapped_column(Boolean, default=False)
    venue: Mapped[str] = mapped_column(String(200))  # an address, or "Microsoft Teams"
    capacity: Mapped[int] = mapped_column(Integer)
    trainer: Mapped[str | None] = mapped_column(String(200))
    is_cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Bumped by every booking change, so concurrent bookings of the last place conflict.
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    activity: Mapped[LearningActivity] = relationship()

    __mapper_args__ = {"version_id_col": version_id}


class Booking(db.Model):
    __tablename__ = "bookings"
    __table_args__ = (
        UniqueConstraint("session_id", "staff_id"),
        Index("ix_bookings_staff_status", "staff_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("learning_sessions.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    status: Mapped[BookingStatus] = mapped_column(
        string_enum(BookingStatus, "booking_status", length=24)
    )
    attendance: Mapped[Attendance | None] = mapped_column(
        string_enum(Attendance, "attendance", length=24)
    )
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # the waiting list's order
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[LearningSession] = relationship()


class Completion(db.Model):
    __tablename__ = "completions"
    __table_args__ = (
        Index("ix_completions_staff_activity", "staff_id", "activity_id", "completed_on"),
        # Covers the compliance query (latest verified completion per person and activity).
        Index(
            "ix_completions_staff_status_activity",
            "staff_id",
            "status",
            "activity_id",
            "completed_on",
        ),
        CheckConstraint("expires_on IS NULL OR expires_on > completed_on", name="expires_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("learning_activities.id"), index=True)
    completed_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[CompletionSource] = mapped_column(
        string_enum(CompletionSource, "completion_source", length=24)
    )
    status: Mapped[CompletionStatus] = mapped_column(
        string_enum(CompletionStatus, "completion_status", length=24)
    )
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"), unique=True)
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    activity: Mapped[LearningActivity] = relationship()
    staff: Mapped[StaffMember] = relationship()
    certificate: Mapped[CertificateFile | None] = relationship(uselist=False, viewonly=True)


class CertificateFile(db.Model):
    """A certificate a person uploaded for an external course, kept for the WFLD team to check."""

    __tablename__ = "certificate_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    completion_id: Mapped[int] = mapped_column(ForeignKey("completions.id"), unique=True)
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
