"""Role-based pathways: what each job role must complete, and by when."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
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

from wfld.catalogue.models import LabelledEnum, LearningActivity
from wfld.core.dates import long_date
from wfld.core.db import UTCDateTime, string_enum
from wfld.extensions import db
from wfld.frameworks.models import FrameworkItem
from wfld.organisation.models import JobRole


class Stage(LabelledEnum):
    INDUCTION = "induction"
    MANDATORY = "mandatory"
    ROLE_SPECIFIC = "role_specific"
    PROGRESSION = "progression"

    @property
    def label(self) -> str:
        return "Role-specific" if self is Stage.ROLE_SPECIFIC else super().label


# What people already in the role are given when a requirement is added: a working
# quarter, enough to book and attend a course that runs monthly.
DEFAULT_GRACE_DAYS = 90


pathway_roles = Table(
    "pathway_roles",
    db.metadata,
    Column("pathway_id", ForeignKey("pathways.id"), primary_key=True),
    Column("job_role_id", ForeignKey("job_roles.id"), primary_key=True, index=True),
)


class Pathway(db.Model):
    __tablename__ = "pathways"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    requirements: Mapped[list[PathwayRequirement]] = relationship(
        back_populates="pathway", order_by="PathwayRequirement.position"
    )
    roles: Mapped[list[JobRole]] = relationship(secondary=pathway_roles, order_by=JobRole.title)


class PathwayAssignment(db.Model):
    """A pathway given to one person beyond their role's (e.g. aspiring managers)."""

    __tablename__ = "pathway_assignments"
    __table_args__ = (UniqueConstraint("pathway_id", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathways.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"), index=True)
    assigned_on: Mapped[dt.date] = mapped_column(Date)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PathwayRequirement(db.Model):
    __tablename__ = "pathway_requirements"
    __table_args__ = (
        CheckConstraint(
            "(activity_id IS NULL) <> (framework_item_id IS NULL)", name="activity_or_item"
        ),
        CheckConstraint("due_within_days IS NULL OR due_within_days >= 0", name="due_not_negative"),
        CheckConstraint("renewal_months IS NULL OR renewal_months > 0", name="renewal_positive"),
        CheckConstraint("grace_days >= 0", name="grace_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathways.id"), index=True)
    stage: Mapped[Stage] = mapped_column(string_enum(Stage, "pathway_stage", length=24))
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_activities.id"), index=True
    )
    framework_item_id: Mapped[int | None] = mapped_column(ForeignKey("framework_items.id"))
    is_mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    # Due this many days after the person started in the role (induction and first-time training).
    due_within_days: Mapped[int | None] = mapped_column(Integer)
    # Renewed every this many months; None falls back to the activity's validity.
    renewal_months: Mapped[int | None] = mapped_column(Integer)
    # The day it was added to the pathway (or a later one the WFLD team chose): people
    # already in the role by then have ``grace_days`` from it. None: it applies to everyone
    # from their role start (requirements set before this date existed).
    applies_from: Mapped[dt.date | None] = mapped_column(Date)
    # Days for people already in the role, and for anyone whose completion had lapsed
    # before the requirement applied to them (a renewal that ran out under an old role).
    grace_days: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_GRACE_DAYS, server_default=str(DEFAULT_GRACE_DAYS)
    )
    position: Mapped[int] = mapped_column(Integer)

    pathway: Mapped[Pathway] = relationship(back_populates="requirements")
    activity: Mapped[LearningActivity | None] = relationship()
    framework_item: Mapped[FrameworkItem | None] = relationship()

    @property
    def title(self) -> str:
        if self.activity is not None:
            return self.activity.title
        return self.framework_item.label if self.framework_item else ""

    @property
    def first_due_text(self) -> str:
        """The first deadline in plain words, for the pathway page."""
        return first_due_words(self.due_within_days)

    @property
    def in_post_text(self) -> str | None:
        """What people already in the role have, or None when it applies to everyone from
        their role start."""
        return in_post_words(self.due_within_days, self.applies_from, self.grace_days)


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def first_due_words(due_within_days: int | None) -> str:
    if due_within_days is None:
        return "No deadline"
    if due_within_days == 0:
        return "From the start of the role"
    return f"Within {_days(due_within_days)} of starting the role"


def in_post_words(
    due_within_days: int | None, applies_from: dt.date | None, grace_days: int
) -> str | None:
    if applies_from is None or due_within_days is None:
        return None
    since = long_date(applies_from)
    if grace_days == 0:
        return f"People in the role before {since}: from {since}"
    return f"People in the role before {since}: within {_days(grace_days)} of {since}"


class RequirementDates(db.Model):
    """One requirement of one person, as the dates the rules computed for it (``rules.
    Standing``) and the evidence behind them: kept up to date by ``stored.refresh`` whenever
    a completion, a booking, a role or a pathway changes, so that the status on any day is
    a comparison the database makes (``queries.status_on``) for thousands of people at once.

    Two pathways asking the same thing make one row (mandatory if either says so), as the
    person's learning page shows them; ``ordinal`` keeps that page's order."""

    __tablename__ = "requirement_dates"
    __table_args__ = (
        Index("ix_requirement_dates_target", "target_key", "staff_id"),
        # Covers the service-wide counts: one pass in this order, no sort (SQLite has no
        # hash aggregation), and every column the status comparison reads.
        Index(
            "ix_requirement_dates_cells",
            "team_id",
            "target_key",
            "is_mandatory",
            "by_completion",
            "due_on",
            "overdue_on",
            "booked_until",
            "leaves_on",
            "staff_id",
        ),
    )

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"), primary_key=True)
    target_key: Mapped[str] = mapped_column(String(40), primary_key=True)  # Target.key
    # The person's team and leaving date (kept with their other facts): counts by team, and
    # of everyone in post, read no other table.
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    leaves_on: Mapped[dt.date | None] = mapped_column(Date)
    requirement_id: Mapped[int] = mapped_column(ForeignKey("pathway_requirements.id"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    is_mandatory: Mapped[bool] = mapped_column(Boolean)
    by_completion: Mapped[bool] = mapped_column(Boolean)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    overdue_on: Mapped[dt.date | None] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    applies_from: Mapped[dt.date] = mapped_column(Date)
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    # The earliest and the latest booked session still to come when the row was computed:
    # "booked" on a later day is ``booked_until >= now`` (exact whatever happens meanwhile);
    # ``booked_at`` is the one shown, moved on by a periodic task once it has passed.
    booked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    booked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class RecomputationState(LabelledEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    SUPERSEDED = "superseded"


class Recomputation(db.Model):
    """Statuses being brought up to date in the background after a change that reaches many
    people (a pathway's requirements or roles, an activity's validity): who is affected is
    worked out when it runs, from ``pathway_id`` / ``activity_id`` and the job roles that had
    or have the pathway. A later one for the same thing supersedes an unfinished earlier
    one (taking over its roles); one left pending or running by a stopped consumer is run
    again by the periodic task."""

    __tablename__ = "status_recomputations"

    id: Mapped[int] = mapped_column(primary_key=True)
    pathway_id: Mapped[int | None] = mapped_column(ForeignKey("pathways.id"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("learning_activities.id"))
    # Job role ids (comma-separated) whose people are affected besides those found then.
    role_ids: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(String(200))
    state: Mapped[RecomputationState] = mapped_column(
        string_enum(RecomputationState, "recomputation_state", length=12), index=True
    )
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # A running one whose heartbeat is old was left behind by a stopped consumer.
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    @property
    def roles(self) -> set[int]:
        return {int(r) for r in self.role_ids.split(",") if r}

    @property
    def in_hand(self) -> bool:
        return self.state in (RecomputationState.PENDING, RecomputationState.RUNNING)

    @property
    def progress(self) -> str:
        if self.total is None:
            return "starting"
        return f"{self.done:,} of {self.total:,} people"
