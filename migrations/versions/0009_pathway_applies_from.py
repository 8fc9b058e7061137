"""Pathway requirements apply from a date, with grace for people already in post.

Existing requirements get no applies-from date (they keep applying to everyone from their
role start, as before) and the default grace of 90 days, which now also covers a renewal
that lapsed before someone took on their role.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pathway_requirements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("applies_from", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("grace_days", sa.Integer(), nullable=False, server_default="90")
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_pathway_requirements_grace_not_negative"), "grace_days >= 0"
        )


def downgrade() -> None:
    with op.batch_alter_table("pathway_requirements", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_pathway_requirements_grace_not_negative"), type_="check"
        )
        batch_op.drop_column("grace_days")
        batch_op.drop_column("applies_from")
