"""CPD entries, their earlier versions, framework tags, evidence files and comments."""

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
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wfld.core.db import UTCDateTime, string_enum
from wfld.cpd.rules import ActivityType, EntryFacts, TermsVersion, parse_terms
from wfld.extensions import db
from wfld.frameworks.models import FrameworkItem
from wfld.organisation.models import StaffMember


class EntryStatus(StrEnum):
    DRAFT = "draft"
    COMPLETE = "complete"

    @property
    def label(self) -> str:
        return {EntryStatus.DRAFT: "Draft", EntryStatus.COMPLETE: "Complete"}[self]


# The words a person writes, copied into a version row before a complete entry changes.
TEXT_FIELDS = (
    "title",
    "started_on",
    "ended_on",
    "activity_type",
    "hours",
    "description",
    "learning",
    "impact",
    "peer_reflection",
    "peer_role",
)

cpd_entry_tags = Table(
    "cpd_entry_tags",
    db.metadata,
    Column("entry_id", ForeignKey("cpd_entries.id", ondelete="CASCADE"), primary_key=True),
    Column("item_id", ForeignKey("framework_items.id"), primary_key=True, index=True),
)


class CpdProfile(db.Model):
    """A person's CPD settings: whether they share everything, and their registration dates."""

    __tablename__ = "cpd_profiles"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"), primary_key=True)
    # Sharing everything includes entries written later, until the person stops it.
    share_all: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the person first joined their regulator's register. CPD counts from this date in
    # the year they joined; Social Work England asks no CPD for a year joined on or after its
    # cut-off (1 September).
    registered_on: Mapped[dt.date | None] = mapped_column(Date)
    # NMC revalidation date (every 3 years), for health staff in scope.
    revalidation_due_on: Mapped[dt.date | None] = mapped_column(Date)
    # NMC: registered as both a nurse and a midwife (the practice hours double).
    nmc_dual_registrant: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    # NMC: the day of the reflective discussion with another NMC registrant. One conversation
    # about all five reflective accounts, recorded on the NMC's form, so a date on the profile
    # rather than a flag on each entry.
    nmc_discussion_on: Mapped[dt.date | None] = mapped_column(Date)
    # HCPC: the profession, whose renewal cycle is in the HCPC terms (code, e.g.
    # "occupational_therapist").
    hcpc_profession: Mapped[str | None] = mapped_column(String(60))
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}


class RegulatorTerms(db.Model):
    """One version of a regulator's CPD terms, in force from its date until the next version's.

    Rows are added, never changed: history stays, and a rule for a past day reads the terms
    that were in force then. The document holds the numbers ``rules.parse_terms`` validates."""

    __tablename__ = "regulator_terms"
    __table_args__ = (
        UniqueConstraint("regulator", "effective_from"),
        CheckConstraint("regulator IN ('swe', 'hcpc', 'nmc')", name="known_regulator"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    regulator: Mapped[str] = mapped_column(String(8))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    document: Mapped[dict] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def version(self) -> TermsVersion:
        return TermsVersion(
            self.regulator, self.effective_from, parse_terms(self.regulator, self.document)
        )


class CpdEntry(db.Model):
    __tablename__ = "cpd_entries"
    __table_args__ = (
        Index("ix_cpd_entries_staff_date", "staff_id", "started_on"),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ends_after_start"),
        CheckConstraint("hours IS NULL OR (hours >= 0 AND hours <= 999)", name="hours_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    status: Mapped[EntryStatus] = mapped_column(string_enum(EntryStatus, "cpd_entry_status"))
    title: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    activity_type: Mapped[ActivityType | None] = mapped_column(
        string_enum(ActivityType, "cpd_activity_type", length=24)
    )
    hours: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    description: Mapped[str] = mapped_column(Text, default="")
    learning: Mapped[str] = mapped_column(Text, default="")
    impact: Mapped[str] = mapped_column(Text, default="")
    peer_reflection: Mapped[str | None] = mapped_column(Text)
    peer_role: Mapped[str | None] = mapped_column(String(120))
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the person last shared this entry on its own (the shared-with-you list sorts by it).
    shared_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The Social Work England registration year the person recorded this piece for.
    submitted_for_year: Mapped[int | None] = mapped_column(Integer)
    source_completion_id: Mapped[int | None] = mapped_column(
        ForeignKey("completions.id"), index=True
    )
    confidentiality_checked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    staff: Mapped[StaffMember] = relationship()
    tags: Mapped[list[FrameworkItem]] = relationship(
        secondary=cpd_entry_tags, order_by=FrameworkItem.id
    )
    evidence: Mapped[list[CpdEvidence]] = relationship(
        back_populates="entry", order_by="CpdEvidence.id"
    )
    versions: Mapped[list[CpdEntryVersion]] = relationship(
        back_populates="entry", order_by="CpdEntryVersion.number.desc()", viewonly=True
    )
    comments: Mapped[list[CpdComment]] = relationship(
        back_populates="entry", order_by="CpdComment.id", viewonly=True
    )

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def is_complete(self) -> bool:
        return self.status is EntryStatus.COMPLETE

    @property
    def dated(self) -> dt.date:
        return self.ended_on or self.started_on

    def facts(self) -> EntryFacts:
        return EntryFacts(
            id=self.id,
            is_complete=self.is_complete,
            started_on=self.started_on,
            ended_on=self.ended_on,
            activity_type=self.activity_type,
            hours=self.hours,
            title=self.title,
            description=self.description,
            learning=self.learning,
            impact=self.impact,
            peer_reflection=self.peer_reflection,
            submitted_for_year=self.submitted_for_year,
        )


class CpdEntryVersion(db.Model):
    """The text of a complete entry as it was before an edit. Rows change only when the author
    removes identifying words from them (see cpd.removal)."""

    __tablename__ = "cpd_entry_versions"
    __table_args__ = (UniqueConstraint("entry_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("cpd_entries.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    activity_type: Mapped[ActivityType | None] = mapped_column(
        string_enum(ActivityType, "cpd_version_activity_type", length=24)
    )
    hours: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    description: Mapped[str] = mapped_column(Text)
    learning: Mapped[str] = mapped_column(Text)
    impact: Mapped[str] = mapped_column(Text)
    peer_reflection: Mapped[str | None] = mapped_column(Text)
    peer_role: Mapped[str | None] = mapped_column(String(120))
    # When this text was written (the edit that replaced it happened at replaced_at).
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    replaced_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    entry: Mapped[CpdEntry] = relationship(back_populates="versions")


class CpdEvidence(db.Model):
    __tablename__ = "cpd_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("cpd_entries.id", ondelete="CASCADE"), index=True
    )
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    entry: Mapped[CpdEntry] = relationship(back_populates="evidence")


class CpdComment(db.Model):
    """A comment by someone the entry is shared with. Comments are never edited."""

    __tablename__ = "cpd_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("cpd_entries.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    entry: Mapped[CpdEntry] = relationship(back_populates="comments")
    author: Mapped[StaffMember] = relationship()


class CpdEntryRead(db.Model):
    """When a person last opened an entry's page: comments and changes after it are new to them.

    One row per entry and reader (the author or their line manager), so "what is new to me" is
    one join, whatever the number of entries."""

    __tablename__ = "cpd_entry_reads"

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("cpd_entries.id", ondelete="CASCADE"), primary_key=True
    )
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
