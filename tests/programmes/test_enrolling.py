"""Enrolling people and changing their dates, assessor and status, through the services and
the one save path: each change is an event with who and why, the cached end date follows the
rules, a refused change leaves nothing behind, and a stale form is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.factories import Org
from tests.programmes.builders import NOW, make_cohort, make_template
from wfld.accounts.models import AuditEvent, User
from wfld.core.errors_domain import RuleBroken, StaleRecord
from wfld.core.saving import save
from wfld.extensions import db
from wfld.organisation.models import StaffMember
from wfld.programmes import cohorts_queries, enrolling, queries
from wfld.programmes.models import Enrolment, EnrolmentEvent, EnrolmentEventKind
from wfld.programmes.rules import EnrolmentStatus

D = dt.date
START = D(2026, 9, 1)


@pytest.fixture
def ctx(app: Flask, org: Org) -> Iterator[Org]:
    with app.app_context():
        yield org


def staff(person_or_id: object) -> StaffMember:
    staff_id = getattr(person_or_id, "staff_id", person_or_id)
    return db.session.get(StaffMember, staff_id)


def admin(org: Org) -> User:
    return db.session.get(User, org.wfld_admin.user_id)


def enrol(org: Org, **overrides: object) -> Enrolment:
    values: dict = {
        "cohort": overrides.pop("cohort", None) or make_cohort(),
        "staff": staff(org.practitioner),
        "start_date": START,
        "fte": Decimal(1),
        "assessor": staff(org.line_manager),
        "actor": admin(org),
        "now": NOW,
    }
    values.update(overrides)
    enrolment = enrolling.enrol_person(**values)
    db.session.commit()
    return enrolment


def counts() -> tuple[int, int, int]:
    """Enrolments, enrolment events and audit records: what a refused change must not add."""
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Enrolment, EnrolmentEvent, AuditEvent)
    )


def errors_of(action: Callable[[], object]) -> dict[str, str]:
    """The field → message a refused change gives; the database keeps nothing of it."""
    before = counts()
    try:
        action()
    except RuleBroken as broken:
        db.session.rollback()
        assert counts() == before
        return broken.errors
    raise AssertionError("the change was not refused")


def events(enrolment: Enrolment) -> list[EnrolmentEvent]:
    return cohorts_queries.list_events(enrolment.id)


def end_of(enrolment: Enrolment) -> dt.date:
    db.session.refresh(enrolment)
    return enrolment.ends_on


def audit_events(name: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == name)))


def change(
    service: Callable[..., Enrolment], enrolment: Enrolment, org: Org, **values: object
) -> Enrolment:
    values.setdefault("expected_version", enrolment.version_id)
    done = service(enrolment=enrolment, actor=admin(org), now=NOW, **values)
    db.session.commit()
    return done


# --- enrolling and capacity ----------------------------------------------------------------


def test_enrolling_makes_the_milestones_the_enrolled_event_and_the_end_date(ctx: Org) -> None:
    enrolment = enrol(ctx)
    assert [m.key for m in enrolment.milestones] == [
        "agreement",
        "3m",
        "6m",
        "9m",
        "final",
        "panel",
    ]
    assert enrolment.ends_on == D(2027, 10, 1)  # the moderation panel, 13 months on
    [event] = events(enrolment)
    assert event.kind is EnrolmentEventKind.ENROLLED
    assert event.actor_id == ctx.wfld_admin.user_id
    assert event.assessor_id == ctx.line_manager.staff_id


def test_an_assessor_with_no_capacity_set_has_the_default(ctx: Org) -> None:
    assert cohorts_queries.capacity_of(ctx.line_manager.staff_id) == 6
    assert cohorts_queries.DEFAULT_CAPACITY == 6


def test_allocating_past_capacity_needs_a_reason_and_records_the_override(ctx: Org) -> None:
    enrolling.set_capacity(staff=staff(ctx.line_manager), capacity=1, actor=admin(ctx), now=NOW)
    db.session.commit()
    enrol(ctx)
    second = make_cohort(make_template(code="asye-2"), intake="ASYE March 2027")
    db.session.commit()

    errors = errors_of(
        lambda: enrolling.enrol_person(
            cohort=second,
            staff=staff(ctx.other_practitioner),
            start_date=START,
            fte=Decimal(1),
            assessor=staff(ctx.line_manager),
            actor=admin(ctx),
            now=NOW,
        )
    )
    assert errors == {
        "override_reason": "Marcus Lindqvist already assesses 1 of their 1: enter a reason to "
        "allocate them past their capacity"
    }

    enrolment = enrol(
        ctx,
        cohort=second,
        staff=staff(ctx.other_practitioner),
        override_reason="Only child protection assessor in the team",
    )
    kinds = [(e.kind, e.reason, e.assessor_id) for e in events(enrolment)]
    assert kinds[-1] == (
        EnrolmentEventKind.CAPACITY_OVERRIDDEN,
        "Only child protection assessor in the team",
        ctx.line_manager.staff_id,
    )
    assert len(audit_events("assessor_capacity_overridden")) == 1
    [load] = cohorts_queries.list_assessor_loads()
    assert (load.assessing, load.capacity, load.over) == (2, 1, True)


def test_within_capacity_no_override_is_recorded(ctx: Org) -> None:
    enrolment = enrol(ctx, override_reason="Not needed")
    assert [e.kind for e in events(enrolment)] == [EnrolmentEventKind.ENROLLED]


def test_closed_enrolments_do_not_count_against_capacity(ctx: Org) -> None:
    enrolling.set_capacity(staff=staff(ctx.line_manager), capacity=1, actor=admin(ctx), now=NOW)
    first = enrol(ctx)
    change(enrolling.set_status, first, ctx, status=EnrolmentStatus.WITHDRAWN, reason="Left")
    second = make_cohort(make_template(code="asye-2"), intake="ASYE March 2027")
    enrolment = enrol(ctx, cohort=second, staff=staff(ctx.other_practitioner))
    assert [e.kind for e in events(enrolment)] == [EnrolmentEventKind.ENROLLED]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"fte": Decimal(0)}, "fte", "FTE must be more than 0 and no more than 1"),
        ({"fte": Decimal("1.5")}, "fte", "FTE must be more than 0 and no more than 1"),
        ({"fte": None}, "fte", "Enter the FTE, for example 1 or 0.6"),
        (
            {"fte": Decimal("0.555")},
            "fte",
            "FTE must have no more than 2 decimal places, like 0.75",
        ),
        ({"start_date": None}, "start_date", "Enter the start date"),
        ({"staff": None}, "staff_id", "Select the person to enrol"),
    ],
)
def test_enrolling_refuses_bad_input(ctx: Org, overrides: dict, field: str, message: str) -> None:
    cohort = make_cohort()
    db.session.commit()
    values = {
        "cohort": cohort,
        "staff": staff(ctx.practitioner),
        "start_date": START,
        "fte": Decimal(1),
        "assessor": staff(ctx.line_manager),
        "actor": admin(ctx),
        "now": NOW,
        **overrides,
    }
    assert errors_of(lambda: enrolling.enrol_person(**values))[field] == message


def test_the_assessor_cannot_be_the_nqsw(ctx: Org) -> None:
    cohort = make_cohort()
    db.session.commit()
    errors = errors_of(
        lambda: enrolling.enrol_person(
            cohort=cohort,
            staff=staff(ctx.practitioner),
            start_date=START,
            fte=Decimal(1),
            assessor=staff(ctx.practitioner),
            actor=admin(ctx),
            now=NOW,
        )
    )
    assert errors == {"assessor_id": "The assessor cannot be the person being assessed"}


def test_a_leaver_cannot_be_enrolled(ctx: Org) -> None:
    leaver = staff(ctx.other_practitioner)
    leaver.leaving_date = D(2026, 8, 31)
    cohort = make_cohort()
    db.session.commit()
    errors = errors_of(
        lambda: enrolling.enrol_person(
            cohort=cohort,
            staff=leaver,
            start_date=START,
            fte=Decimal(1),
            assessor=None,
            actor=admin(ctx),
            now=NOW,
        )
    )
    assert errors == {"staff_id": "Quinn Abara has left: select someone in post"}


def test_a_leaver_cannot_assess(ctx: Org) -> None:
    leaver = staff(ctx.line_manager)
    leaver.leaving_date = D(2026, 8, 31)
    cohort = make_cohort()
    db.session.commit()
    errors = errors_of(
        lambda: enrolling.enrol_person(
            cohort=cohort,
            staff=staff(ctx.practitioner),
            start_date=START,
            fte=Decimal(1),
            assessor=leaver,
            actor=admin(ctx),
            now=NOW,
        )
    )
    assert errors == {"assessor_id": "Marcus Lindqvist has left: select someone in post"}


@pytest.mark.parametrize(
    ("capacity", "message"),
    [(None, "Enter the capacity, for example 6"), (-1, "Capacity must be between 0 and 99")],
)
def test_set_capacity_refuses_bad_input(ctx: Org, capacity: int | None, message: str) -> None:
    errors = errors_of(
        lambda: enrolling.set_capacity(
            staff=staff(ctx.line_manager), capacity=capacity, actor=admin(ctx), now=NOW
        )
    )
    assert errors == {"capacity": message}


def test_set_capacity_twice_updates_the_one_row(ctx: Org) -> None:
    enrolling.set_capacity(staff=staff(ctx.line_manager), capacity=3, actor=admin(ctx), now=NOW)
    enrolling.set_capacity(staff=staff(ctx.line_manager), capacity=8, actor=admin(ctx), now=NOW)
    db.session.commit()
    assert cohorts_queries.capacity_of(ctx.line_manager.staff_id) == 8
    assert [e.details.get("before") for e in audit_events("assessor_capacity_set")] == [None, 3]


# --- pauses --------------------------------------------------------------------------------


def test_a_pause_shifts_the_later_dates_and_is_logged_with_who_and_why(ctx: Org) -> None:
    enrolment = enrol(ctx)
    before = {d.key: d.due_on for d in queries.dates_of(enrolment)}
    change(
        enrolling.pause,
        enrolment,
        ctx,
        starts_on=D(2027, 1, 4),
        ends_on=D(2027, 2, 2),  # 30 days
        reason="Sickness absence",
    )
    after = {d.key: d.due_on for d in queries.dates_of(enrolment)}
    assert after["3m"] == before["3m"]
    assert after["6m"] == before["6m"] + dt.timedelta(days=30)
    assert end_of(enrolment) == before["panel"] + dt.timedelta(days=30)
    event = events(enrolment)[-1]
    assert (event.kind, event.reason, event.actor.id) == (
        EnrolmentEventKind.PAUSED,
        "Sickness absence",
        ctx.wfld_admin.user_id,
    )
    assert cohorts_queries.describe(event) == (
        "Paused from 4 January 2027 to 2 February 2027 (30 days)"
    )
    assert len(audit_events("enrolment_paused")) == 1


def test_pause_refusals(ctx: Org) -> None:
    enrolment = enrol(ctx)
    change(
        enrolling.pause,
        enrolment,
        ctx,
        starts_on=D(2027, 1, 4),
        ends_on=D(2027, 2, 2),
        reason="Sickness absence",
    )
    end = end_of(enrolment)

    def attempt(starts_on: dt.date | None, ends_on: dt.date | None, reason: str = "Leave"):
        return errors_of(
            lambda: enrolling.pause(
                enrolment=enrolment,
                starts_on=starts_on,
                ends_on=ends_on,
                reason=reason,
                expected_version=enrolment.version_id,
                actor=admin(ctx),
                now=NOW,
            )
        )

    assert attempt(D(2027, 5, 10), D(2027, 5, 9)) == {
        "ends_on": "The pause must end on or after the day it starts"
    }
    assert attempt(D(2027, 2, 1), D(2027, 3, 1)) == {
        "starts_on": "The pause overlaps the one from 4 January 2027 to 2 February 2027"
    }
    assert attempt(D(2026, 12, 1), D(2027, 1, 4)) == {
        "starts_on": "The pause overlaps the one from 4 January 2027 to 2 February 2027"
    }
    assert attempt(D(2026, 8, 1), D(2026, 8, 20)) == {
        "starts_on": "The pause must start on or after the start date, 1 September 2026"
    }
    assert attempt(D(2027, 5, 1), D(2027, 5, 9), reason=" ") == {
        "reason": "Enter the reason for the pause"
    }
    assert attempt(None, None) == {
        "starts_on": "Enter the first day of the pause",
        "ends_on": "Enter the last day of the pause",
    }
    assert end_of(enrolment) == end


def test_a_stale_form_changes_nothing(ctx: Org) -> None:
    enrolment = enrol(ctx)
    opened_on = enrolment.version_id
    change(enrolling.extend, enrolment, ctx, months=1, reason="Sickness")
    before = counts()
    outcome = save(
        None,
        lambda: enrolling.pause(
            enrolment=enrolment,
            starts_on=D(2027, 1, 4),
            ends_on=D(2027, 1, 8),
            reason="Leave",
            expected_version=opened_on,
            actor=admin(ctx),
            now=NOW,
        ),
    )
    assert not outcome
    assert "changed this record" in outcome.message
    assert counts() == before
    with pytest.raises(StaleRecord):
        enrolling.set_status(
            enrolment=enrolment,
            status=EnrolmentStatus.PAUSED,
            reason="",
            expected_version=opened_on,
            actor=admin(ctx),
            now=NOW,
        )
    db.session.rollback()


# --- extensions ----------------------------------------------------------------------------


def test_an_extension_in_months_moves_the_end_by_calendar_months(ctx: Org) -> None:
    enrolment = enrol(ctx, start_date=D(2026, 8, 31))
    assert enrolment.ends_on == D(2027, 9, 30)
    change(
        enrolling.extend,
        enrolment,
        ctx,
        months=2,
        granted_on=D(2027, 3, 1),
        reason="Parental leave return",
    )
    dates = {d.key: d.due_on for d in queries.dates_of(enrolment)}
    assert dates["6m"] == D(2027, 2, 28)  # due before the extension was granted: unmoved
    assert dates["9m"] == D(2027, 5, 31) + dt.timedelta(days=61)
    assert end_of(enrolment) == D(2027, 11, 30)
    assert enrolment.status is EnrolmentStatus.EXTENDED
    event = events(enrolment)[-1]
    assert (event.days, event.starts_on, event.reason) == (
        61,
        D(2027, 3, 1),
        "Parental leave return",
    )


def test_an_extension_in_days_from_today(ctx: Org) -> None:
    enrolment = enrol(ctx)
    change(enrolling.extend, enrolment, ctx, days=14, reason="Sickness")
    assert events(enrolment)[-1].starts_on == NOW.date()
    assert end_of(enrolment) == D(2027, 10, 15)


def test_extension_refusals(ctx: Org) -> None:
    enrolment = enrol(ctx)

    def attempt(**values: object) -> dict[str, str]:
        values.setdefault("reason", "Sickness")
        return errors_of(
            lambda: enrolling.extend(
                enrolment=enrolment,
                expected_version=enrolment.version_id,
                actor=admin(ctx),
                now=NOW,
                **values,
            )
        )

    assert attempt(months=1, reason="") == {"reason": "Enter the reason for the extension"}
    assert attempt() == {"months": "Enter how many months or days to extend by"}
    assert attempt(months=0, days=0) == {"months": "Enter how many months or days to extend by"}
    assert attempt(days=-3) == {"days": "Extensions must be 0 or more"}
    assert attempt(days=10, granted_on=D(2026, 1, 1)) == {
        "granted_on": "The extension must start on or after the start date, 1 September 2026"
    }


# --- part-time -----------------------------------------------------------------------------


def test_an_fte_change_midway_stretches_only_the_rest(ctx: Org) -> None:
    enrolment = enrol(ctx)
    before = {d.key: d.due_on for d in queries.dates_of(enrolment)}
    change(
        enrolling.change_fte,
        enrolment,
        ctx,
        fte=Decimal("0.5"),
        from_date=D(2027, 3, 1),
        reason="Flexible working request",
    )
    after = {d.key: d.due_on for d in queries.dates_of(enrolment)}
    assert after["6m"] == before["6m"] == D(2027, 3, 1)
    assert after["final"] == D(2027, 3, 1) + dt.timedelta(days=368)
    assert enrolment.fte == Decimal("0.5")
    assert cohorts_queries.describe(events(enrolment)[-1]) == "FTE changed to 0.5 from 1 March 2027"


@pytest.mark.parametrize(
    ("fte", "from_date", "field", "message"),
    [
        (Decimal(0), D(2027, 1, 1), "fte", "FTE must be more than 0 and no more than 1"),
        (Decimal("1.5"), D(2027, 1, 1), "fte", "FTE must be more than 0 and no more than 1"),
        (Decimal(1), D(2027, 1, 1), "fte", "Priya Sandhu already works 1 FTE"),
        (
            Decimal("0.6"),
            D(2026, 8, 1),
            "from_date",
            "The new FTE must start on or after the start date, 1 September 2026",
        ),
        (Decimal("0.6"), None, "from_date", "Enter the date the new FTE starts"),
    ],
)
def test_fte_change_refusals(
    ctx: Org, fte: Decimal, from_date: dt.date | None, field: str, message: str
) -> None:
    enrolment = enrol(ctx)
    errors = errors_of(
        lambda: enrolling.change_fte(
            enrolment=enrolment,
            fte=fte,
            from_date=from_date,
            reason="Request",
            expected_version=enrolment.version_id,
            actor=admin(ctx),
            now=NOW,
        )
    )
    assert errors == {field: message}


# --- start date ----------------------------------------------------------------------------


def test_changing_the_start_moves_every_date(ctx: Org) -> None:
    enrolment = enrol(ctx)
    change(enrolling.change_start, enrolment, ctx, start_date=D(2026, 10, 31), reason="Late DBS")
    dates = {d.key: d.due_on for d in queries.dates_of(enrolment)}
    assert dates["3m"] == D(2027, 1, 31)
    assert dates["6m"] == D(2027, 4, 30)
    assert end_of(enrolment) == D(2027, 11, 30)
    assert cohorts_queries.describe(events(enrolment)[-1]) == (
        "Start date changed to 31 October 2026"
    )


def test_the_start_cannot_move_past_a_pause_or_without_a_reason(ctx: Org) -> None:
    enrolment = enrol(ctx)
    change(
        enrolling.pause,
        enrolment,
        ctx,
        starts_on=D(2026, 10, 1),
        ends_on=D(2026, 10, 10),
        reason="Sickness",
    )

    def attempt(start_date: dt.date | None, reason: str = "Late start") -> dict[str, str]:
        return errors_of(
            lambda: enrolling.change_start(
                enrolment=enrolment,
                start_date=start_date,
                reason=reason,
                expected_version=enrolment.version_id,
                actor=admin(ctx),
                now=NOW,
            )
        )

    assert attempt(D(2026, 10, 5)) == {
        "start_date": "The start date must be on or before the first pause, 1 October 2026"
    }
    assert attempt(START) == {
        "start_date": "The new start date must be different from the current one"
    }
    assert attempt(D(2026, 9, 8), reason="") == {"reason": "Enter why the start date changed"}


# --- assessor ------------------------------------------------------------------------------


def test_changing_assessor_is_recorded_and_asks_for_a_new_agreement(ctx: Org) -> None:
    enrolment = enrol(ctx)
    assert enrolment.agreement_needed is False
    change(
        enrolling.change_assessor,
        enrolment,
        ctx,
        assessor=staff(ctx.senior_manager),
        reason="Marcus moved team",
    )
    assert enrolment.assessor_id == ctx.senior_manager.staff_id
    assert enrolment.agreement_needed is True
    event = events(enrolment)[-1]
    assert (event.kind, event.assessor_id, event.reason) == (
        EnrolmentEventKind.ASSESSOR_CHANGED,
        ctx.senior_manager.staff_id,
        "Marcus moved team",
    )
    assert len(audit_events("enrolment_assessor_changed")) == 1


def test_change_assessor_refusals(ctx: Org) -> None:
    enrolment = enrol(ctx)
    enrolling.set_capacity(staff=staff(ctx.senior_manager), capacity=0, actor=admin(ctx), now=NOW)
    db.session.commit()

    def attempt(assessor: StaffMember | None, override_reason: str = "") -> dict[str, str]:
        return errors_of(
            lambda: enrolling.change_assessor(
                enrolment=enrolment,
                assessor=assessor,
                reason="Moved team",
                override_reason=override_reason,
                expected_version=enrolment.version_id,
                actor=admin(ctx),
                now=NOW,
            )
        )

    assert attempt(staff(ctx.practitioner)) == {
        "assessor_id": "The assessor cannot be the person being assessed"
    }
    assert attempt(staff(ctx.line_manager)) == {
        "assessor_id": "Marcus Lindqvist is already the assessor"
    }
    assert attempt(None) == {"assessor_id": "Select the new assessor"}
    assert attempt(staff(ctx.senior_manager)) == {
        "override_reason": "Hana Okafor already assesses 0 of their 0: enter a reason to "
        "allocate them past their capacity"
    }
    assert enrolment.assessor_id == ctx.line_manager.staff_id
    assert enrolment.agreement_needed is False

    change(
        enrolling.change_assessor,
        enrolment,
        ctx,
        assessor=staff(ctx.senior_manager),
        reason="Moved team",
        override_reason="Interim cover",
    )
    assert [e.kind for e in events(enrolment)][-2:] == [
        EnrolmentEventKind.ASSESSOR_CHANGED,
        EnrolmentEventKind.CAPACITY_OVERRIDDEN,
    ]


# --- status --------------------------------------------------------------------------------


def test_withdrawing_needs_a_reason(ctx: Org) -> None:
    enrolment = enrol(ctx)

    def attempt(status: EnrolmentStatus | None, reason: str = "") -> dict[str, str]:
        return errors_of(
            lambda: enrolling.set_status(
                enrolment=enrolment,
                status=status,
                reason=reason,
                expected_version=enrolment.version_id,
                actor=admin(ctx),
                now=NOW,
            )
        )

    assert attempt(EnrolmentStatus.WITHDRAWN) == {"reason": "Enter why the enrolment is withdrawn"}
    assert attempt(EnrolmentStatus.DEFERRED) == {"reason": "Enter why the enrolment is deferred"}
    assert attempt(EnrolmentStatus.ACTIVE) == {"status": "The enrolment is already active"}
    assert attempt(None) == {"status": "Select the status"}

    change(enrolling.set_status, enrolment, ctx, status=EnrolmentStatus.PAUSED, reason="")
    change(
        enrolling.set_status,
        enrolment,
        ctx,
        status=EnrolmentStatus.WITHDRAWN,
        reason="Resigned",
    )
    assert enrolment.status is EnrolmentStatus.WITHDRAWN
    assert [(e.status, e.reason) for e in events(enrolment)[1:]] == [
        (EnrolmentStatus.PAUSED, ""),
        (EnrolmentStatus.WITHDRAWN, "Resigned"),
    ]
    assert cohorts_queries.describe(events(enrolment)[-1]) == "Status changed to withdrawn"


def test_a_closed_enrolment_keeps_its_dates_and_assessor_until_it_is_reopened(ctx: Org) -> None:
    enrolment = enrol(ctx)
    change(enrolling.set_status, enrolment, ctx, status=EnrolmentStatus.WITHDRAWN, reason="Left")
    message = (
        "This enrolment is withdrawn: set its status back to active before changing its "
        "dates or assessor"
    )
    for service, values in (
        (enrolling.change_start, {"start_date": D(2026, 9, 8), "reason": "Late start"}),
        (
            enrolling.pause,
            {"starts_on": D(2027, 1, 4), "ends_on": D(2027, 2, 2), "reason": "Sickness"},
        ),
        (enrolling.change_assessor, {"assessor": staff(ctx.senior_manager), "reason": "Move"}),
    ):
        refused = errors_of(
            lambda service=service, values=values: service(
                enrolment=enrolment,
                expected_version=enrolment.version_id,
                actor=admin(ctx),
                now=NOW,
                **values,
            )
        )
        assert refused == {"enrolment": message}
    change(enrolling.set_status, enrolment, ctx, status=EnrolmentStatus.ACTIVE, reason="Back")
    change(enrolling.change_start, enrolment, ctx, start_date=D(2026, 9, 8), reason="Late start")
    assert enrolment.start_date == D(2026, 9, 8)
