"""Writes for enrolments once a cohort exists: enrolling someone with the assessor-capacity
check, assessors' capacities, and every change of dates, assessor and status.

Every change appends an ``EnrolmentEvent`` saying who and why (the date rules read pauses,
extensions and FTE changes back from that log), refreshes the cached end date, checks the
version the form was opened on and writes an audit record. Each service checks all its rules
before it writes anything, raises ``RuleBroken`` with GOV.UK messages keyed by form field,
flushes and never commits: a refused change leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from wfld.accounts.audit import record
from wfld.accounts.models import User
from wfld.core.clock import LONDON
from wfld.core.errors_domain import RuleBroken, check_version
from wfld.core.filters import govuk_date
from wfld.extensions import db
from wfld.organisation.models import StaffMember
from wfld.programmes import cohorts_queries, queries, services
from wfld.programmes.models import (
    AssessorCapacity,
    Cohort,
    Enrolment,
    EnrolmentEvent,
    EnrolmentEventKind,
)
from wfld.programmes.rules import EnrolmentStatus, add_months, end_date, fte_errors, pause_errors

REASON_LIMIT = 500
CAPACITY_LIMIT = 99
# Leaving a programme early or putting it off is a decision someone must be able to explain.
REASON_NEEDED = frozenset(
    {EnrolmentStatus.WITHDRAWN, EnrolmentStatus.DEFERRED, EnrolmentStatus.FAILED}
)


def _today(now: dt.datetime) -> dt.date:
    return now.astimezone(LONDON).date()


def _fte_errors(fte: Decimal | None) -> dict[str, str]:
    """The rules' range, and the two decimal places the FTE is stored to."""
    errors = fte_errors(fte)
    if not errors and fte != fte.quantize(Decimal("0.01")):
        return {"fte": "FTE must have no more than 2 decimal places, like 0.75"}
    return errors


def _reason_errors(reason: str, *, message: str, field: str = "reason") -> dict[str, str]:
    if not reason.strip():
        return {field: message}
    if len(reason) > REASON_LIMIT:
        return {field: "Reason must be 500 characters or fewer"}
    return {}


def _capacity_errors(
    assessor: StaffMember, override_reason: str, *, excluding: int | None = None
) -> dict[str, str]:
    """Allocating an assessor past their capacity needs a reason to override it."""
    if not over_capacity(assessor, excluding=excluding):
        return {}
    load = queries.count_assessing(assessor.id, excluding=excluding)
    capacity = cohorts_queries.capacity_of(assessor.id)
    return _reason_errors(
        override_reason,
        field="override_reason",
        message=(
            f"{assessor.full_name} already assesses {load} of their {capacity}: enter a "
            "reason to allocate them past their capacity"
        ),
    )


def over_capacity(assessor: StaffMember, *, excluding: int | None = None) -> bool:
    """Whether one more enrolment would take the assessor past their capacity."""
    load = queries.count_assessing(assessor.id, excluding=excluding)
    return load + 1 > cohorts_queries.capacity_of(assessor.id)


def _event(
    enrolment: Enrolment,
    kind: EnrolmentEventKind,
    *,
    actor: User | None,
    now: dt.datetime,
    reason: str = "",
    **values: object,
) -> EnrolmentEvent:
    event = EnrolmentEvent(
        enrolment_id=enrolment.id,
        kind=kind,
        reason=reason.strip(),
        actor_id=actor.id if actor else None,
        at=now,
        **values,
    )
    db.session.add(event)
    return event


def _touch(enrolment: Enrolment, *, actor: User | None, now: dt.datetime) -> None:
    """The enrolment row changes with every event, so its version moves on and a second
    form opened on the old version is refused."""
    enrolment.updated_at = now
    enrolment.updated_by_id = actor.id if actor else None


def _overridden(
    enrolment: Enrolment,
    assessor: StaffMember,
    override_reason: str,
    *,
    actor: User | None,
    now: dt.datetime,
) -> None:
    _event(
        enrolment,
        EnrolmentEventKind.CAPACITY_OVERRIDDEN,
        assessor_id=assessor.id,
        reason=override_reason,
        actor=actor,
        now=now,
    )
    record(
        "assessor_capacity_overridden",
        now=now,
        actor=actor,
        subject=enrolment,
        assessor_id=assessor.id,
        reason=override_reason.strip(),
    )


# --- enrolling and capacity ----------------------------------------------------------------


def enrol_person(
    *,
    cohort: Cohort,
    staff: StaffMember | None,
    start_date: dt.date | None,
    fte: Decimal | None,
    assessor: StaffMember | None,
    supervisor: StaffMember | None = None,
    override_reason: str = "",
    actor: User | None,
    now: dt.datetime,
) -> Enrolment:
    """Put someone in post on the cohort's programme (``services.enrol``), refusing an
    assessor past their capacity unless ``override_reason`` says why; the override is an
    event of its own."""
    errors: dict[str, str] = {}
    if staff is None:
        errors["staff_id"] = "Select the person to enrol"
    elif staff.has_left(_today(now)):
        errors["staff_id"] = f"{staff.full_name} has left: select someone in post"
    if start_date is None:
        errors["start_date"] = "Enter the start date"
    errors.update(_fte_errors(fte))
    if assessor is not None:
        if staff is not None and assessor.id == staff.id:
            errors["assessor_id"] = "The assessor cannot be the person being assessed"
        elif assessor.has_left(_today(now)):
            errors["assessor_id"] = f"{assessor.full_name} has left: select someone in post"
        else:
            errors.update(_capacity_errors(assessor, override_reason))
    if errors:
        raise RuleBroken(errors)
    overriding = assessor is not None and over_capacity(assessor)
    enrolment = services.enrol(
        cohort=cohort,
        staff=staff,
        start_date=start_date,
        fte=fte,
        assessor=assessor,
        supervisor=supervisor,
        actor=actor,
        now=now,
    )
    if overriding:
        _overridden(enrolment, assessor, override_reason, actor=actor, now=now)
        db.session.flush()
    return enrolment


def set_capacity(
    *,
    staff: StaffMember | None,
    capacity: int | None,
    actor: User | None,
    now: dt.datetime,
) -> AssessorCapacity:
    """How many open enrolments a member of staff may assess at once."""
    errors: dict[str, str] = {}
    if staff is None:
        errors["staff_id"] = "Select the assessor"
    if capacity is None:
        errors["capacity"] = "Enter the capacity, for example 6"
    elif not 0 <= capacity <= CAPACITY_LIMIT:
        errors["capacity"] = f"Capacity must be between 0 and {CAPACITY_LIMIT}"
    if errors:
        raise RuleBroken(errors)
    row = cohorts_queries.find_capacity(staff.id)
    before = row.capacity if row else None
    if row is None:
        row = AssessorCapacity(staff_id=staff.id, capacity=capacity)
        db.session.add(row)
    row.capacity = capacity
    db.session.flush()
    record(
        "assessor_capacity_set",
        now=now,
        actor=actor,
        subject=staff,
        capacity=capacity,
        before=before,
    )
    return row


# --- changes of dates ----------------------------------------------------------------------


def _refuse_if_closed(enrolment: Enrolment) -> None:
    """Dates and the assessor change only while the programme is under way: a completed,
    failed, deferred or withdrawn enrolment is the record as it ended (its status can be set
    back to active first, with a reason, if it is reopened)."""
    if not enrolment.status.is_open:
        raise RuleBroken(
            {
                "enrolment": f"This enrolment is {enrolment.status.label.lower()}: set its "
                "status back to active before changing its dates or assessor"
            }
        )


def _pauses(enrolment: Enrolment) -> tuple:
    return queries.facts_of(enrolment).pauses


def change_start(
    *,
    enrolment: Enrolment,
    start_date: dt.date | None,
    reason: str,
    expected_version: int | None,
    actor: User | None,
    now: dt.datetime,
) -> Enrolment:
    """Move the start date (every review point moves with it)."""
    check_version(enrolment, expected_version)
    _refuse_if_closed(enrolment)
    errors: dict[str, str] = {}
    if start_date is None:
        errors["start_date"] = "Enter the new start date"
    elif start_date == enrolment.start_date:
        errors["start_date"] = "The new start date must be different from the current one"
    else:
        first_pause = min((p.starts_on for p in _pauses(enrolment)), default=None)
        if first_pause is not None and start_date > first_pause:
            errors["start_date"] = (
                f"The start date must be on or before the first pause, {govuk_date(first_pause)}"
            )
    errors.update(_reason_errors(reason, message="Enter why the start date changed"))
    if errors:
        raise RuleBroken(errors)
    before = enrolment.start_date
    enrolment.start_date = start_date
    _event(
        enrolment,
        EnrolmentEventKind.START_CHANGED,
        starts_on=start_date,
        reason=reason,
        actor=actor,
        now=now,
    )
    return _finish(enrolment, "enrolment_start_changed", actor, now, before=before.isoformat())


def pause(
    *,
    enrolment: Enrolment,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    reason: str,
    expected_version: int | None,
    actor: User | None,
    now: dt.datetime,
) -> Enrolment:
    """A pause (parental leave, sickness) shifts every date not yet reached when it starts."""
    check_version(enrolment, expected_version)
    _refuse_if_closed(enrolment)
    errors: dict[str, str] = {}
    if starts_on is None:
        errors["starts_on"] = "Enter the first day of the pause"
    if ends_on is None:
        errors["ends_on"] = "Enter the last day of the pause"
    errors.update(pause_errors(starts_on, ends_on))
    if starts_on is not None and starts_on < enrolment.start_date:
        errors["starts_on"] = (
            f"The pause must start on or after the start date, {govuk_date(enrolment.start_date)}"
        )
    elif starts_on is not None and ends_on is not None and "ends_on" not in errors:
        for other in _pauses(enrolment):
            if starts_on <= other.ends_on and other.starts_on <= ends_on:
                errors["starts_on"] = (
                    f"The pause overlaps the one from {govuk_date(other.starts_on)} to "
                    f"{govuk_date(other.ends_on)}"
                )
                break
    errors.update(_reason_errors(reason, message="Enter the reason for the pause"))
    if errors:
        raise RuleBroken(errors)
    _event(
        enrolment,
        EnrolmentEventKind.PAUSED,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        actor=actor,
        now=now,
    )
    return _finish(enrolment, "enrolment_paused", actor, now, starts_on=starts_on.isoformat())


def extend(
    *,
    enrolment: Enrolment,
    months: int | None = None,
    days: int | None = None,
    granted_on: dt.date | None = None,
    reason: str,
    expected_version: int | None,
    actor: User | None,
    now: dt.datetime,
) -> Enrolment:
    """Add time, with a reason, to every point due on or after the day it is granted (today
    unless said). Months count from the current end date, so three months moves the end by
    three calendar months."""
    check_version(enrolment, expected_version)
    _refuse_if_closed(enrolment)
    errors: dict[str, str] = {}
    if (months or 0) < 0 or (days or 0) < 0:
        errors["months" if (months or 0) < 0 else "days"] = "Extensions must be 0 or more"
    elif not (months or days):
        errors["months"] = "Enter how many months or days to extend by"
    elif (months or 0) > 24 or (days or 0) > 730:
        errors["months" if (months or 0) > 24 else "days"] = (
            "An extension must be 24 months or 730 days or fewer"
        )
    granted = granted_on or _today(now)
    if granted < enrolment.start_date:
        errors["granted_on"] = (
            f"The extension must start on or after the start date, "
            f"{govuk_date(enrolment.start_date)}"
        )
    errors.update(_reason_errors(reason, message="Enter the reason for the extension"))
    if errors:
        raise RuleBroken(errors)
    end = end_date(queries.dates_of(enrolment))
    total = (add_months(end, months or 0) - end).days + (days or 0)
    _event(
        enrolment,
        EnrolmentEventKind.EXTENDED,
        starts_on=granted,
        days=total,
        reason=reason,
        actor=actor,
        now=now,
    )
    if enrolment.status is EnrolmentStatus.ACTIVE:
        enrolment.status = EnrolmentStatus.EXTENDED
    return _finish(enrolment, "enrolment_extended", actor, now, days=total)


def change_fte(
    *,
    enrolment: Enrolment,
    fte: Decimal | None,
    from_date: dt.date | None,
    reason: str,
    expected_version: int | None,
    actor: User | None,
    now: dt.datetime,
) -> Enrolment:
    """From ``from_date`` the person works ``fte``: only the rest of the programme stretches."""
    check_version(enrolment, expected_version)
    _refuse_if_closed(enrolment)
    errors = _fte_errors(fte)
    if from_date is None:
        errors["from_date"] = "Enter the date the new FTE starts"
    elif from_date < enrolment.start_date:
        errors["from_date"] = (
            f"The new FTE must start on or after the start date, {govuk_date(enrolment.start_date)}"
        )
    if not errors and fte == enrolment.fte:
        errors["fte"] = f"{enrolment.staff.full_name} already works {fte.normalize()} FTE"
    errors.update(_reason_errors(reason, message="Enter the reason for the change"))
    if errors:
        raise RuleBroken(errors)
    before = enrolment.fte
    enrolment.fte = fte
    _event(
        enrolment,
        EnrolmentEventKind.FTE_CHANGED,
        fte=fte,
        starts_on=from_date,
        reason=reason,
        actor=actor,
        now=now,
    )
    return _finish(enrolment, "enrolment_fte_changed", actor, now, before=str(before))


# --- assessor and status -------------------------------------------------------------------


def change_assessor(
    *,
    enrolment: Enrolment,
    assessor: StaffMember | None,
    reason: str,
    override_reason: str = "",
    expected_version: int | None,
    actor: User | None,
    now: dt.datetime,
) -> Enrolment:
    """A new assessor (never the person themselves), within their capacity unless overridden
    with a reason. A new assessor asks for a new support and assessment agreement."""
    check_version(enrolment, expected_version)
    _refuse_if_closed(enrolment)
    errors: dict[str, str] = {}
    if assessor is None:
        errors["assessor_id"] = "Select the new assessor"
    elif assessor.id == enrolment.staff_id:
        errors["assessor_id"] = "The assessor cannot be the person being assessed"
    elif assessor.id == enrolment.assessor_id:
        errors["assessor_id"] = f"{assessor.full_name} is already the assessor"
    elif assessor.has_left(_today(now)):
        errors["assessor_id"] = f"{assessor.full_name} has left: select someone in post"
    else:
        errors.update(_capacity_errors(assessor, override_reason, excluding=enrolment.id))
    errors.update(_reason_errors(reason, message="Enter why the assessor is changing"))
    if errors:
        raise RuleBroken(errors)
    overriding = over_capacity(assessor, excluding=enrolment.id)
    before = enrolment.assessor_id
    enrolment.assessor_id = assessor.id
    enrolment.agreement_needed = True
    _event(
        enrolment,
        EnrolmentEventKind.ASSESSOR_CHANGED,
        assessor_id=assessor.id,
        reason=reason,
        actor=actor,
        now=now,
    )
    if overriding:
        _overridden(enrolment, assessor, override_reason, actor=actor, now=now)
    return _finish(
        enrolment, "enrolment_assessor_changed", actor, now, before=before, after=assessor.id
    )


def set_status(
    *,
    enrolment: Enrolment,
    status: EnrolmentStatus | None,
    reason: str,
    expected_version: int | None,
    actor: User | None,
    now: dt.datetime,
) -> Enrolment:
    """Active, paused, extended, completed, failed, deferred or withdrawn; withdrawing,
    deferring or failing someone needs a reason."""
    check_version(enrolment, expected_version)
    errors: dict[str, str] = {}
    if status is None:
        errors["status"] = "Select the status"
    elif status is enrolment.status:
        errors["status"] = f"The enrolment is already {status.label.lower()}"
    elif status in REASON_NEEDED:
        errors.update(
            _reason_errors(reason, message=f"Enter why the enrolment is {status.label.lower()}")
        )
    elif len(reason) > REASON_LIMIT:
        errors["reason"] = "Reason must be 500 characters or fewer"
    if errors:
        raise RuleBroken(errors)
    before = enrolment.status
    enrolment.status = status
    _event(
        enrolment,
        EnrolmentEventKind.STATUS_CHANGED,
        status=status,
        reason=reason,
        actor=actor,
        now=now,
    )
    return _finish(
        enrolment, "enrolment_status_changed", actor, now, before=before.value, after=status.value
    )


def _finish(
    enrolment: Enrolment, audit: str, actor: User | None, now: dt.datetime, **details: object
) -> Enrolment:
    _touch(enrolment, actor=actor, now=now)
    db.session.flush()
    services.refresh_end(enrolment)
    record(audit, now=now, actor=actor, subject=enrolment, **details)
    return enrolment
