"""Comments and shared entries read by their reader.

`cpd_entry_reads` records when each person last opened an entry's page, so the author's home
page can show comments they have not read and a line manager's "shared with you" list can mark
what is new. `cpd_entries.shared_at` records when an entry was shared on its own (existing
entries have none: the list falls back to when they were last updated).

Comments made before this revision count as read by the entry's author (as of the latest
one), so an upgrade does not fill everyone's home page with old comments; line managers have
opened nothing yet, so what is shared with them starts as new.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

import wfld.core.db

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cpd_entry_reads",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", wfld.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["cpd_entries.id"],
            name=op.f("fk_cpd_entry_reads_entry_id_cpd_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_members.id"],
            name=op.f("fk_cpd_entry_reads_staff_id_staff_members"),
        ),
        sa.PrimaryKeyConstraint("entry_id", "staff_id", name=op.f("pk_cpd_entry_reads")),
    )
    op.execute(
        "INSERT INTO cpd_entry_reads (entry_id, staff_id, seen_at) "
        "SELECT e.id, e.staff_id, MAX(c.created_at) FROM cpd_entries e "
        "JOIN cpd_comments c ON c.entry_id = e.id GROUP BY e.id, e.staff_id"
    )
    with op.batch_alter_table("cpd_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shared_at", wfld.core.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cpd_entries", schema=None) as batch_op:
        batch_op.drop_column("shared_at")
    op.drop_table("cpd_entry_reads")
