"""One row per supervision session."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wfld.accounts.models import User
from wfld.core.db import UTCDateTime, string_enum
from wfld.extensions import db
from wfld.organisation.models import StaffMember


class SupervisionKind(StrEnum):
    CASE = "case"
    REFLECTIVE = "reflective"
    GROUP = "group"

    @property
    def label(self) -> str:
        return {
            SupervisionKind.CASE: "Case supervision",
            SupervisionKind.REFLECTIVE: "Reflective supervision",
            SupervisionKind.GROUP: "Group supervision",
        }[self]


class SupervisionRecord(db.Model):
    """A session a supervisor held with a supervisee. Its themes are a short note of what was
    discussed (never case detail); a session can be turned into the supervisee's CPD entry."""

    __tablename__ = "supervision_records"
    __table_args__ = (
        CheckConstraint("minutes > 0 AND minutes <= 600", name="minutes_range"),
        CheckConstraint("supervisor_id <> staff_id", name="not_self"),
        Index("ix_supervision_records_staff_id_held_on", "staff_id", "held_on"),
        Index("ix_supervision_records_supervisor_id_held_on", "supervisor_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    held_on: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[SupervisionKind] = mapped_column(string_enum(SupervisionKind, "supervision_kind"))
    minutes: Mapped[int] = mapped_column(Integer)
    themes: Mapped[str] = mapped_column(Text, default="")
    # The draft CPD entry the session became; deleting that draft in the CPD log leaves the
    # session here (and lets it become an entry again).
    cpd_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("cpd_entries.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    staff: Mapped[StaffMember] = relationship(foreign_keys=[staff_id])
    supervisor: Mapped[StaffMember] = relationship(foreign_keys=[supervisor_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    __mapper_args__ = {"version_id_col": version_id}
