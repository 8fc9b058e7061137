"""The stored statuses never disagree with the rules: over the synthetic council, on frozen
days from the day the rows were computed to well after it, every person's every requirement
has the status (and lateness) ``rules.assess`` gives from the live completions and bookings;
and the nightly check repairs (and logs) a row that drifted."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from sqlalchemy import select, update

from tests.factories import NOW
from wfld.cli import CATALOGUE_FILE, FRAMEWORKS_DIR
from wfld.core import clock
from wfld.core.clock import LONDON
from wfld.extensions import db
from wfld.learning import queries, stored
from wfld.learning.models import PathwayRequirement, RequirementDates
from wfld.learning.rules import Evidence, Terms, assess
from wfld.synthetic.council import load_synthetic_council

STAFF = 400


@pytest.fixture
def council(app):  # noqa: ANN001, ANN201
    """A small synthetic council, loaded in bulk with its stored rows computed at NOW."""
    clock.freeze(NOW)
    with app.app_context():
        with stored.bulk_load(db.session):
            load_synthetic_council(
                staff=STAFF,
                seed=7,
                now=NOW,
                today=NOW.date(),
                frameworks_dir=FRAMEWORKS_DIR,
                catalogue_file=CATALOGUE_FILE,
            )
            stored.rebuild_all(now=NOW)
        db.session.commit()
    yield
    clock.freeze(None)


def _rule_statuses(now: dt.datetime, due_soon_days: int) -> dict[tuple[int, str], tuple]:
    """(staff id, target key) → (status, overdue or late) from the pure rules, with the
    evidence read live on ``now`` (not from the stored rows)."""
    today = now.astimezone(LONDON).date()
    facts = queries.staff_facts(select(RequirementDates.staff_id).distinct())
    ids = [f[0] for f in facts]
    by_role = queries.requirements_by_role({f[2] for f in facts})
    by_person = queries.requirements_by_assignment(ids)
    every = [r for rs in (*by_role.values(), *by_person.values()) for r in rs]
    developing = queries.activities_developing(
        {r.framework_item_id for r in every if r.framework_item_id is not None}
    )
    completions = queries.latest_completions(
        ids, {a for r in every for a in _activities(r, developing)}
    )
    bookings = queries.booking_spans(ids, now=now)  # (earliest, latest) to come
    out = {}
    for staff_id, _, role_id, role_since, _ in facts:
        asked: dict[str, PathwayRequirement] = {}
        for r in [*by_role.get(role_id, []), *by_person.get(staff_id, [])]:
            key = f"activity-{r.activity_id}" if r.activity_id else f"item-{r.framework_item_id}"
            if key not in asked or (r.is_mandatory and not asked[key].is_mandatory):
                asked[key] = r
        for key, r in asked.items():
            activities = _activities(r, developing)
            done = [
                completions[a][staff_id] for a in activities if staff_id in completions.get(a, {})
            ]
            booked = [
                bookings[a][staff_id][0] for a in activities if staff_id in bookings.get(a, {})
            ]
            renewal = r.renewal_months or (r.activity.validity_months if r.activity else None)
            assessment = assess(
                Terms(r.due_within_days, renewal, r.applies_from, r.grace_days),
                Evidence(
                    max(done) if done else None,
                    min(booked).astimezone(LONDON).date() if booked else None,
                ),
                role_since=role_since,
                today=today,
                due_soon_days=due_soon_days,
            )
            out[staff_id, key] = (assessment.status.value, assessment.is_overdue_or_late)
    return out


def _activities(requirement: PathwayRequirement, developing: dict) -> tuple[int, ...]:
    if requirement.activity_id is not None:
        return (requirement.activity_id,)
    return tuple(developing.get(requirement.framework_item_id, ()))


def _stored_statuses(now: dt.datetime, due_soon_days: int) -> dict[tuple[int, str], tuple]:
    today = now.astimezone(LONDON).date()
    lines = queries.stored_lines(
        select(RequirementDates.staff_id).distinct().scalar_subquery(),
        today=today,
        horizon=today + dt.timedelta(days=due_soon_days),
        now=now,
    )
    return {(line.staff_id, line.target_key): (line.status, bool(line.late)) for line in lines}


@pytest.mark.parametrize(
    ("days_later", "due_soon_days"),
    [(0, 60), (0, 0), (45, 60), (200, 90), (400, 60), (1200, 30)],
)
def test_every_cell_of_the_synthetic_council_has_the_rules_status(
    app, council, days_later, due_soon_days
):  # noqa: ANN001
    now = NOW + dt.timedelta(days=days_later, hours=3)
    with app.app_context():
        expected = _rule_statuses(now, due_soon_days)
        found = _stored_statuses(now, due_soon_days)
    assert len(expected) > STAFF * 10  # every role has its pathways' requirements
    assert found.keys() == expected.keys()
    wrong = {key: (found[key], expected[key]) for key in expected if found[key] != expected[key]}
    assert not wrong, list(wrong.items())[:10]
    # The days chosen reach every status and some lateness.
    statuses = defaultdict(int)
    for status, late in found.values():
        statuses[status, late] += 1
    if days_later == 0 and due_soon_days == 60:
        assert {s for s, _ in statuses} == {
            "complete",
            "booked",
            "due_soon",
            "overdue",
            "not_started",
        }


def test_the_nightly_check_repairs_and_logs_a_row_that_drifted(app, council, monkeypatch):  # noqa: ANN001
    with app.app_context():
        staff_id, key = db.session.execute(
            select(RequirementDates.staff_id, RequirementDates.target_key).limit(1)
        ).one()
        db.session.execute(
            update(RequirementDates)
            .where(RequirementDates.staff_id == staff_id, RequirementDates.target_key == key)
            .values(due_on=dt.date(1999, 1, 1), by_completion=False)
        )
        db.session.commit()
        logged = []
        monkeypatch.setattr(
            stored.logger, "warning", lambda *args: logged.append(args[0] % args[1:])
        )
        repaired = stored.check_sample(now=NOW, size=None)
        db.session.commit()
        assert repaired == {staff_id}
        assert logged and "drifted for 1 of" in logged[0]
        assert stored.check_sample(now=NOW, size=None) == set()
