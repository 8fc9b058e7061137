"""Runs each domain's generator, in dependency order, into an empty database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select, text

from wfld.accounts.services import hash_password
from wfld.appraisal.synthetic import generate_appraisals
from wfld.catalogue.seeding import load_catalogue
from wfld.core.synthetic import SyntheticRun
from wfld.cpd.synthetic import generate_cpd
from wfld.extensions import db
from wfld.frameworks.seeding import load_reference_frameworks
from wfld.learning.synthetic import generate_learning
from wfld.organisation.models import StaffMember
from wfld.organisation.synthetic import generate_organisation
from wfld.programmes.synthetic import generate_programmes
from wfld.synthetic import DOMAIN, HEAVY_CPD_ENTRIES, PASSWORD, PERSONAS

MIN_STAFF = 20


class NotEmpty(Exception):
    """The database already holds staff: the synthetic council goes only into an empty one."""


def synthetic_council_loaded() -> bool:
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(StaffMember)
            .where(StaffMember.work_email == PERSONAS["practitioner"])
        )
    )


def load_synthetic_council(
    *,
    staff: int,
    seed: int,
    now: dt.datetime,
    today: dt.date,
    frameworks_dir: Path,
    catalogue_file: Path,
) -> SyntheticRun:
    """Flushes, never commits. Raises NotEmpty when the database already has staff."""
    if staff < MIN_STAFF:
        raise ValueError(f"the synthetic council needs at least {MIN_STAFF} staff")
    if db.session.scalar(select(func.count()).select_from(StaffMember)):
        raise NotEmpty
    load_reference_frameworks(frameworks_dir, now=now)
    load_catalogue(catalogue_file, now=now)
    run = SyntheticRun(seed=seed, now=now, today=today)
    org = generate_organisation(
        run, staff=staff, personas=PERSONAS, domain=DOMAIN, password_hash=hash_password(PASSWORD)
    )
    generate_learning(run, org)
    generate_cpd(run, org, heavy_entries=HEAVY_CPD_ENTRIES)
    # The programme templates sit beside the frameworks in seeds/reference (and name them).
    generate_programmes(run, org.people, reference_dir=frameworks_dir.parent / "programmes")
    generate_appraisals(run, org.people, team_ids=org.team_ids, role_ids=org.role_ids)
    db.session.flush()
    return run


def settle_after_load() -> None:
    """After the load commits, on PostgreSQL: what autovacuum would soon do after a real bulk
    import (planner statistics, and the visibility map that lets index-only scans skip the
    table). Without it, plans measured on a fresh load are worse than production's."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
