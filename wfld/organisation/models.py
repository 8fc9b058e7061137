"""The organisation the tracker models."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from wfld.accounts.models import User
from wfld.core.db import UTCDateTime, string_enum
from wfld.extensions import db


class Regulator(StrEnum):
    SWE = "swe"
    HCPC = "hcpc"
    NMC = "nmc"
    NONE = "none"

    @property
    def label(self) -> str:
        return {
            Regulator.SWE: "Social Work England",
            Regulator.HCPC: "Health and Care Professions Council (HCPC)",
            Regulator.NMC: "Nursing and Midwifery Council (NMC)",
            Regulator.NONE: "No registration needed",
        }[self]


class EmploymentType(StrEnum):
    PERMANENT = "permanent"
    FIXED_TERM = "fixed_term"
    AGENCY = "agency"
    SECONDMENT = "secondment"
    APPRENTICE = "apprentice"
    STUDENT = "student"

    @property
    def label(self) -> str:
        return {
            EmploymentType.PERMANENT: "Permanent",
            EmploymentType.FIXED_TERM: "Fixed-term",
            EmploymentType.AGENCY: "Agency",
            EmploymentType.SECONDMENT: "Secondment",
            EmploymentType.APPRENTICE: "Apprentice",
            EmploymentType.STUDENT: "Student or trainee",
        }[self]


class ServiceArea(db.Model):
    __tablename__ = "service_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    teams: Mapped[list[Team]] = relationship(back_populates="service_area")


class Team(db.Model):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    service_area_id: Mapped[int] = mapped_column(ForeignKey("service_areas.id"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    service_area: Mapped[ServiceArea] = relationship(back_populates="teams")

    __mapper_args__ = {"version_id_col": version_id}


class JobRole(db.Model):
    """A job role or post: its grade and the professional registration it needs."""

    __tablename__ = "job_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(160), unique=True)
    grade: Mapped[str] = mapped_column(String(60))
    regulator: Mapped[Regulator] = mapped_column(string_enum(Regulator, "job_role_regulator"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}


class StaffMember(db.Model):
    __tablename__ = "staff_members"
    __table_args__ = (
        CheckConstraint("fte > 0 AND fte <= 1", name="fte_range"),
        CheckConstraint(
            "leaving_date IS NULL OR leaving_date >= start_date", name="leaving_after_start"
        ),
        CheckConstraint("line_manager_id IS NULL OR line_manager_id <> id", name="not_own_manager"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_number: Mapped[str] = mapped_column(String(20), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    work_email: Mapped[str] = mapped_column(String(254), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    job_role_id: Mapped[int] = mapped_column(ForeignKey("job_roles.id"), index=True)
    line_manager_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"), index=True)
    employment_type: Mapped[EmploymentType] = mapped_column(
        string_enum(EmploymentType, "employment_type")
    )
    fte: Mapped[Decimal] = mapped_column(Numeric(3, 2))
    start_date: Mapped[dt.date] = mapped_column(Date)
    # When they started in their current job role: role-based requirements count from here.
    job_role_since: Mapped[dt.date] = mapped_column(Date)
    leaving_date: Mapped[dt.date | None] = mapped_column(Date)
    leaving_reason: Mapped[str | None] = mapped_column(String(200))
    regulator: Mapped[Regulator] = mapped_column(string_enum(Regulator, "staff_regulator"))
    registration_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    team: Mapped[Team] = relationship()
    job_role: Mapped[JobRole] = relationship()
    line_manager: Mapped[StaffMember | None] = relationship(
        remote_side=[id], back_populates="direct_reports"
    )
    direct_reports: Mapped[list[StaffMember]] = relationship(back_populates="line_manager")
    # Every page asks who the signed-in user is as staff (navigation, access, home): the
    # staff record comes with the user in the sign-in query instead of a statement of its own.
    user: Mapped[User | None] = relationship(backref=backref("staff", uselist=False, lazy="joined"))

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def has_left(self, today: dt.date) -> bool:
        """A leaver keeps their record; from their leaving date they are no longer in post."""
        return self.leaving_date is not None and self.leaving_date <= today

    def __repr__(self) -> str:
        return f"<StaffMember {self.employee_number}>"
