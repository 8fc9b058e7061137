"""A job's file remembers what it was made from (the SHA-256 of a PDF's HTML), so asking for
the same unchanged record again is served a copy instead of a second layout.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.add_column(sa.Column("source_digest", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.drop_column("source_digest")
