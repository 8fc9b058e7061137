"""Writes every part of programmes stands on: templates, cohorts and enrolling a person.

Later changes to an enrolment (pauses, extensions, assessor, status) are in ``enrolling``;
milestone actions in ``signing``; evidence in ``portfolio``. Each service takes an explicit
``actor`` and ``now``, raises ``RuleBroken`` with GOV.UK messages, flushes and never commits.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from wfld.accounts.audit import record
from wfld.accounts.models import User
from wfld.core.errors_domain import RuleBroken
from wfld.extensions import db
from wfld.frameworks.models import FrameworkVersion
from wfld.organisation.models import StaffMember
from wfld.programmes import queries
from wfld.programmes.models import (
    Cohort,
    Enrolment,
    EnrolmentEvent,
    EnrolmentEventKind,
    Milestone,
    ProgrammeTemplate,
    TemplateStatus,
)
from wfld.programmes.rules import (
    EnrolmentStatus,
    MilestoneState,
    ProgrammeKind,
    TemplateInvalid,
    end_date,
    fte_errors,
    parse_template,
)


def add_template_version(
    *,
    code: str,
    name: str,
    kind: ProgrammeKind,
    document: dict,
    status: TemplateStatus,
    framework_versions: list[FrameworkVersion],
    description: str = "",
    progression_role_id: int | None = None,
    actor: User | None,
    now: dt.datetime,
) -> ProgrammeTemplate:
    """The next version of template ``code`` (version 1 for a new code). The document is
    checked by the rules first: a template that does not make a programme is refused."""
    try:
        parse_template(document)
    except TemplateInvalid as invalid:
        raise RuleBroken(invalid.errors) from None
    latest = queries.latest_template(code)
    template = ProgrammeTemplate(
        code=code,
        version=(latest.version + 1) if latest else 1,
        name=name,
        kind=kind,
        status=status,
        document=document,
        description=description,
        progression_role_id=progression_role_id,
        created_at=now,
        created_by_id=actor.id if actor else None,
        framework_versions=framework_versions,
    )
    db.session.add(template)
    db.session.flush()
    record("programme_template_added", now=now, actor=actor, subject=template, code=code)
    return template


def create_cohort(
    *,
    template: ProgrammeTemplate,
    intake: str,
    starts_on: dt.date,
    coordinator: StaffMember | None,
    actor: User | None,
    now: dt.datetime,
) -> Cohort:
    intake = intake.strip()
    errors: dict[str, str] = {}
    if not intake:
        errors["intake"] = "Enter the intake, for example ASYE September 2026"
    elif queries.find_cohort_by_intake(intake) is not None:
        errors["intake"] = "A cohort with this intake already exists"
    if template.status is not TemplateStatus.PUBLISHED:
        errors["template_id"] = "Choose a published programme template"
    if errors:
        raise RuleBroken(errors)
    cohort = Cohort(
        template=template,
        intake=intake,
        starts_on=starts_on,
        coordinator=coordinator,
        created_at=now,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(cohort)
    db.session.flush()
    record("cohort_created", now=now, actor=actor, subject=cohort, intake=intake)
    return cohort


def enrol(
    *,
    cohort: Cohort,
    staff: StaffMember,
    start_date: dt.date,
    fte: Decimal,
    assessor: StaffMember | None,
    supervisor: StaffMember | None = None,
    line_manager: StaffMember | None = None,
    reason: str = "",
    actor: User | None,
    now: dt.datetime,
) -> Enrolment:
    """Put a person on a cohort's programme, on the cohort's template version (kept for the
    whole enrolment), with a milestone per review point. The line manager and supervisor
    default to the person's line manager. Assessor capacity is checked by ``enrolling``."""
    errors = dict(fte_errors(fte))
    if assessor is not None and assessor.id == staff.id:
        errors["assessor_id"] = "The assessor cannot be the person being assessed"
    if queries.find_enrolment_of(cohort.id, staff.id) is not None:
        errors["staff_id"] = f"{staff.full_name} is already in this cohort"
    if errors:
        raise RuleBroken(errors)
    manager = line_manager or staff.line_manager
    enrolment = Enrolment(
        cohort=cohort,
        staff=staff,
        template=cohort.template,
        start_date=start_date,
        assessor=assessor,
        line_manager=manager,
        supervisor=supervisor or manager,
        status=EnrolmentStatus.ACTIVE,
        fte=fte,
        ends_on=start_date,
        updated_at=now,
        updated_by_id=actor.id if actor else None,
    )
    db.session.add(enrolment)
    db.session.flush()
    event = EnrolmentEvent(
        enrolment_id=enrolment.id,
        kind=EnrolmentEventKind.ENROLLED,
        starts_on=start_date,
        fte=fte,
        assessor_id=assessor.id if assessor else None,
        status=EnrolmentStatus.ACTIVE,
        reason=reason,
        actor_id=actor.id if actor else None,
        at=now,
    )
    db.session.add(event)
    for position, point in enumerate(cohort.template.spec.review_points):
        db.session.add(
            Milestone(
                enrolment_id=enrolment.id,
                key=point.key,
                position=position,
                state=MilestoneState.NOT_STARTED,
                updated_at=now,
            )
        )
    db.session.flush()
    refresh_end(enrolment)
    record("enrolled", now=now, actor=actor, subject=enrolment, staff_id=staff.id)
    return enrolment


def refresh_end(enrolment: Enrolment) -> None:
    """Cache the last review point's date after any change to the dates."""
    enrolment.ends_on = end_date(queries.dates_of(enrolment))
    db.session.flush()
