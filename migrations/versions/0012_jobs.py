"""Background jobs: the record of each job a person asked for ("Your downloads").

Huey's queue itself lives elsewhere (instance/jobs.sqlite3, or Redis): this table is the
history people see, with progress, the result file's name and a plain-English error.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

import wfld.core.db

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("ask_again_path", sa.String(300), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "queued",
                "running",
                "done",
                "failed",
                name="job_state",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("requested_at", wfld.core.db.UTCDateTime(), nullable=False),
        sa.Column("started_at", wfld.core.db.UTCDateTime(), nullable=True),
        sa.Column("finished_at", wfld.core.db.UTCDateTime(), nullable=True),
        sa.Column("heartbeat_at", wfld.core.db.UTCDateTime(), nullable=True),
        sa.Column("worker", sa.String(120), nullable=True),
        sa.Column("progress_done", sa.Integer(), nullable=False),
        sa.Column("progress_total", sa.Integer(), nullable=False),
        sa.Column("progress_label", sa.String(120), nullable=True),
        sa.Column("result_name", sa.String(120), nullable=True),
        sa.Column("result_filename", sa.String(200), nullable=True),
        sa.Column("result_media_type", sa.String(100), nullable=True),
        sa.Column("result_bytes", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(500), nullable=True),
        sa.Column("expires_at", wfld.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_jobs_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs") as batch:
        batch.create_index("ix_jobs_user_id_requested_at", ["user_id", "requested_at"])
        batch.create_index("ix_jobs_state_heartbeat_at", ["state", "heartbeat_at"])


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_index("ix_jobs_state_heartbeat_at")
        batch.drop_index("ix_jobs_user_id_requested_at")
    op.drop_table("jobs")
