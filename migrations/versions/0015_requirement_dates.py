"""Stored learning statuses: each person's requirements as the dates the rules computed
(requirement_dates), and the background recomputations after changes that reach many
people (status_recomputations). The rows are filled for everyone already here.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

import wfld.core.db

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "requirement_dates",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("target_key", sa.String(length=40), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("leaves_on", sa.Date(), nullable=True),
        sa.Column("requirement_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("is_mandatory", sa.Boolean(), nullable=False),
        sa.Column("by_completion", sa.Boolean(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("overdue_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("applies_from", sa.Date(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("booked_at", wfld.core.db.UTCDateTime(), nullable=True),
        sa.Column("booked_until", wfld.core.db.UTCDateTime(), nullable=True),
        sa.Column("computed_at", wfld.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["requirement_id"],
            ["pathway_requirements.id"],
            name=op.f("fk_requirement_dates_requirement_id_pathway_requirements"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_members.id"],
            name=op.f("fk_requirement_dates_staff_id_staff_members"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_requirement_dates_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("staff_id", "target_key", name=op.f("pk_requirement_dates")),
    )
    with op.batch_alter_table("requirement_dates", schema=None) as batch_op:
        batch_op.create_index(
            "ix_requirement_dates_target", ["target_key", "staff_id"], unique=False
        )
        batch_op.create_index(
            "ix_requirement_dates_cells",
            [
                "team_id",
                "target_key",
                "is_mandatory",
                "by_completion",
                "due_on",
                "overdue_on",
                "booked_until",
                "leaves_on",
                "staff_id",
            ],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_requirement_dates_requirement_id"), ["requirement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_requirement_dates_booked_until"), ["booked_until"], unique=False
        )

    op.create_table(
        "status_recomputations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pathway_id", sa.Integer(), nullable=True),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("role_ids", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "running",
                "done",
                "superseded",
                name="recomputation_state",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("requested_at", wfld.core.db.UTCDateTime(), nullable=False),
        sa.Column("started_at", wfld.core.db.UTCDateTime(), nullable=True),
        sa.Column("heartbeat_at", wfld.core.db.UTCDateTime(), nullable=True),
        sa.Column("finished_at", wfld.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["learning_activities.id"],
            name=op.f("fk_status_recomputations_activity_id_learning_activities"),
        ),
        sa.ForeignKeyConstraint(
            ["pathway_id"],
            ["pathways.id"],
            name=op.f("fk_status_recomputations_pathway_id_pathways"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_recomputations")),
    )
    with op.batch_alter_table("status_recomputations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_recomputations_pathway_id"), ["pathway_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_status_recomputations_state"), ["state"], unique=False
        )
    # Everyone already here is filled by `flask --app wsgi learning rebuild-statuses`, which
    # `make run` and the deploy steps run after `db upgrade` (the rows come from the rules in
    # Python, not from SQL a migration could hold).


def downgrade():
    with op.batch_alter_table("status_recomputations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_recomputations_state"))
        batch_op.drop_index(batch_op.f("ix_status_recomputations_pathway_id"))
    op.drop_table("status_recomputations")
    with op.batch_alter_table("requirement_dates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_requirement_dates_booked_until"))
        batch_op.drop_index(batch_op.f("ix_requirement_dates_requirement_id"))
        batch_op.drop_index("ix_requirement_dates_cells")
        batch_op.drop_index("ix_requirement_dates_target")
    op.drop_table("requirement_dates")
