"""A covering index for the compliance query (latest verified completion per person).

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_completions_staff_status_activity",
        "completions",
        ["staff_id", "status", "activity_id", "completed_on"],
    )


def downgrade() -> None:
    op.drop_index("ix_completions_staff_status_activity", table_name="completions")
