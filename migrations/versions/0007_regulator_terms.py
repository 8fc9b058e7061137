"""Regulators' terms as dated, editable data; registration facts for the rules.

`regulator_terms` holds one row per version of a regulator's CPD terms (the numbers, year
boundaries, windows and the Social Work England exemption cut-off), in force from its
`effective_from` date until the next version's. This revision seeds the terms in use today,
so every install and every test database has them; a WFLD admin adds later versions.

`cpd_profiles` gains what the rules need about a registration: NMC dual registration (900
practice hours rather than 450), the day of the NMC reflective discussion, and the HCPC
profession (whose renewal cycle is in the HCPC terms).

The HCPC renewal dates seeded are marked `to_confirm`: check each against HCPC's published
renewal dates before relying on it.

Revision ID: 0007
Revises: 0006
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

import wfld.core.db

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Social Work England became the regulator on 2 December 2019; the other terms are seeded
# from the same day (every registration year the tracker looks at falls after it).
SEEDED_FROM = dt.date(2019, 12, 2)
SEEDED_AT = dt.datetime(2026, 12, 2, 0, 0, tzinfo=dt.UTC)

SWE = {
    "pieces": 2,
    "peer_pieces": 1,
    "year_starts_day": 1,
    "year_starts_month": 12,
    "window_opens_day": 1,
    "window_opens_month": 9,
    # First joined on or after 1 September: no CPD for that registration year (reported by
    # Community Care, November 2022; to confirm on Social Work England's site).
    "no_cpd_if_joined_from_day": 1,
    "no_cpd_if_joined_from_month": 9,
}
HCPC = {
    "profile_years": 2,
    "gap_months": 3,
    "min_activity_types": 2,
    "professions": [
        {
            "code": code,
            "name": name,
            "deadline_day": day,
            "deadline_month": month,
            "first_year": first_year,
            "cycle_years": 2,
            "to_confirm": True,
        }
        for code, name, day, month, first_year in (
            ("arts_therapist", "Arts therapists", 31, 7, 2025),
            ("occupational_therapist", "Occupational therapists", 31, 10, 2025),
            ("physiotherapist", "Physiotherapists", 30, 4, 2026),
            ("practitioner_psychologist", "Practitioner psychologists", 31, 7, 2025),
            ("speech_and_language_therapist", "Speech and language therapists", 30, 9, 2025),
        )
    ],
}
NMC = {
    "cycle_years": 3,
    "hours": 35,
    "participatory_hours": 20,
    "reflective_accounts": 5,
    "feedback_pieces": 5,
    "practice_hours": 450,
    "dual_practice_hours": 900,
    "window_days": 60,
}


def seed_rows() -> list[dict]:
    """The seeded versions (the test suite re-inserts them after emptying its tables)."""
    return [
        {
            "regulator": regulator,
            "effective_from": SEEDED_FROM,
            "document": document,
            "note": "Seeded with the tracker: the terms as published in December 2026",
            "created_at": SEEDED_AT,
            "created_by_id": None,
        }
        for regulator, document in (("swe", SWE), ("hcpc", HCPC), ("nmc", NMC))
    ]


def upgrade() -> None:
    terms = op.create_table(
        "regulator_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("regulator", sa.String(length=8), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", wfld.core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "regulator IN ('swe', 'hcpc', 'nmc')",
            name=op.f("ck_regulator_terms_known_regulator"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_regulator_terms_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regulator_terms")),
        sa.UniqueConstraint(
            "regulator",
            "effective_from",
            name=op.f("uq_regulator_terms_regulator"),
        ),
    )
    op.bulk_insert(terms, seed_rows())
    with op.batch_alter_table("cpd_profiles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "nmc_dual_registrant", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch_op.add_column(sa.Column("nmc_discussion_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("hcpc_profession", sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cpd_profiles", schema=None) as batch_op:
        batch_op.drop_column("hcpc_profession")
        batch_op.drop_column("nmc_discussion_on")
        batch_op.drop_column("nmc_dual_registrant")
    op.drop_table("regulator_terms")
