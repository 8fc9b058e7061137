"""Frameworks → versions → items (domain → statement → sub-statement), levels, crosswalk.

A published version is history that evidence points at: it is never edited. Changes are
made in a draft version (a copy), which is then published.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wfld.core.db import UTCDateTime, string_enum
from wfld.extensions import db


class VersionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return {VersionStatus.DRAFT: "Draft", VersionStatus.PUBLISHED: "Published"}[self]


class ItemKind(StrEnum):
    DOMAIN = "domain"
    STATEMENT = "statement"
    SUB_STATEMENT = "sub_statement"

    @property
    def label(self) -> str:
        return {
            ItemKind.DOMAIN: "Domain",
            ItemKind.STATEMENT: "Statement",
            ItemKind.SUB_STATEMENT: "Sub-statement",
        }[self]


class Framework(db.Model):
    __tablename__ = "frameworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    custodian: Mapped[str] = mapped_column(String(200))
    source_url: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    is_local: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    versions: Mapped[list[FrameworkVersion]] = relationship(
        back_populates="framework", order_by="FrameworkVersion.number"
    )


class FrameworkVersion(db.Model):
    __tablename__ = "framework_versions"
    __table_args__ = (UniqueConstraint("framework_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(40))
    status: Mapped[VersionStatus] = mapped_column(
        string_enum(VersionStatus, "framework_version_status")
    )
    effective_from: Mapped[dt.date | None] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    # sha256 of the file content that made this version (kept while its draft is completed on
    # screen); for a version made on screen, of its content when published (None until then).
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    framework: Mapped[Framework] = relationship(back_populates="versions")
    items: Mapped[list[FrameworkItem]] = relationship(
        back_populates="version", order_by="FrameworkItem.position"
    )
    levels: Mapped[list[FrameworkLevel]] = relationship(
        back_populates="version", order_by="FrameworkLevel.position"
    )

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def is_draft(self) -> bool:
        return self.status is VersionStatus.DRAFT

    def in_effect_on(self, day: dt.date) -> bool:
        return (
            self.status is VersionStatus.PUBLISHED
            and (self.effective_from is None or self.effective_from <= day)
            and (self.effective_to is None or day <= self.effective_to)
        )

    @property
    def name(self) -> str:
        return f"{self.framework.title} ({self.label})"


class FrameworkItem(db.Model):
    __tablename__ = "framework_items"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("framework_versions.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("framework_items.id"), index=True)
    kind: Mapped[ItemKind] = mapped_column(string_enum(ItemKind, "framework_item_kind"))
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    # Order among siblings; a version's items are listed depth-first by position.
    position: Mapped[int] = mapped_column(Integer)
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)
    # The item this one continues in the previous version (so evidence can follow it).
    previous_item_id: Mapped[int | None] = mapped_column(ForeignKey("framework_items.id"))

    version: Mapped[FrameworkVersion] = relationship(back_populates="items")
    parent: Mapped[FrameworkItem | None] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list[FrameworkItem]] = relationship(
        foreign_keys=[parent_id], back_populates="parent", order_by="FrameworkItem.position"
    )

    @property
    def label(self) -> str:
        return f"{self.code} {self.title}"


class FrameworkLevel(db.Model):
    """A career level of a framework version (e.g. the PCF's nine levels)."""

    __tablename__ = "framework_levels"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("framework_versions.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)

    version: Mapped[FrameworkVersion] = relationship(back_populates="levels")


class RoleExpectedLevel(db.Model):
    """The level a job role is expected to work at in a framework."""

    __tablename__ = "role_expected_levels"
    __table_args__ = (UniqueConstraint("job_role_id", "framework_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_role_id: Mapped[int] = mapped_column(ForeignKey("job_roles.id"), index=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"), index=True)
    level_id: Mapped[int] = mapped_column(ForeignKey("framework_levels.id"))

    level: Mapped[FrameworkLevel] = relationship()


class CrosswalkLink(db.Model):
    """Two items of different frameworks that cover the same ground (stored once, either way)."""

    __tablename__ = "crosswalk_links"
    __table_args__ = (UniqueConstraint("item_a_id", "item_b_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_a_id: Mapped[int] = mapped_column(ForeignKey("framework_items.id"), index=True)
    item_b_id: Mapped[int] = mapped_column(ForeignKey("framework_items.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    item_a: Mapped[FrameworkItem] = relationship(foreign_keys=[item_a_id])
    item_b: Mapped[FrameworkItem] = relationship(foreign_keys=[item_b_id])
