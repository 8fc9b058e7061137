"""Sign-in attempts counted per source address.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column: SQLite adds it in place (no table copy). Earlier attempts have no
    # source; they fall out of the 15-minute window straight away.
    with op.batch_alter_table("sign_in_attempts") as batch:
        batch.add_column(sa.Column("source", sa.String(45), nullable=True))
        batch.create_index(
            "ix_sign_in_attempts_source_attempted_at", ["source", "attempted_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sign_in_attempts") as batch:
        batch.drop_index("ix_sign_in_attempts_source_attempted_at")
        batch.drop_column("source")
