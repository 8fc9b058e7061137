"""Programme records for tests, made through the services (so they are what users make)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import yaml

from wfld.extensions import db
from wfld.organisation.models import StaffMember
from wfld.programmes import services
from wfld.programmes.models import Cohort, Enrolment, ProgrammeTemplate, TemplateStatus
from wfld.programmes.rules import ProgrammeKind

REFERENCE = Path(__file__).resolve().parents[2] / "seeds" / "reference" / "programmes"
NOW = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)


def asye_document() -> dict:
    return yaml.safe_load((REFERENCE / "asye-child-family.yaml").read_text())["document"]


def make_template(
    document: dict | None = None, *, code: str = "asye-child-family"
) -> ProgrammeTemplate:
    return services.add_template_version(
        code=code,
        name="ASYE child and family",
        kind=ProgrammeKind.ASYE,
        document=document or asye_document(),
        status=TemplateStatus.PUBLISHED,
        framework_versions=[],
        actor=None,
        now=NOW,
    )


def make_cohort(
    template: ProgrammeTemplate | None = None, *, intake: str = "ASYE September 2026"
) -> Cohort:
    return services.create_cohort(
        template=template or make_template(),
        intake=intake,
        starts_on=dt.date(2026, 9, 1),
        coordinator=None,
        actor=None,
        now=NOW,
    )


def make_enrolment(
    staff_id: int,
    *,
    assessor_id: int | None,
    cohort: Cohort | None = None,
    start: dt.date = dt.date(2026, 9, 1),
    fte: Decimal = Decimal(1),
) -> Enrolment:
    """An enrolment on the reference ASYE (a cohort is made when none is given)."""
    return services.enrol(
        cohort=cohort or make_cohort(),
        staff=db.session.get(StaffMember, staff_id),
        start_date=start,
        fte=fte,
        assessor=db.session.get(StaffMember, assessor_id) if assessor_id else None,
        actor=None,
        now=NOW,
    )
