"""`flask seed catalogue`: the reference courses and the mandatory training, loaded once; the
demo council's upcoming sessions."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.factories import NOW
from wfld import PROJECT_ROOT
from wfld.catalogue import queries as catalogue_queries
from wfld.catalogue.models import Booking, BookingStatus, LearningActivity, LearningSession
from wfld.catalogue.seeding import CatalogueFileError, load_catalogue
from wfld.core import clock
from wfld.core.clock import LONDON
from wfld.extensions import db

CATALOGUE = PROJECT_ROOT / "seeds" / "reference" / "catalogue.csv"
# One council's course list (../shared/reference-data), when the checkout has it alongside.
READING_COURSES = PROJECT_ROOT.parent / "shared" / "reference-data" / "reading-2016-courses.csv"
REFERENCE_CATEGORIES = ("Induction and Short Courses", "Management Courses")
# The reference catalogue is for any council: that council's own name is taken out of titles.
RENAMED = {
    "Reading Borough Council Induction": "Corporate Induction",
    "RBC Procedures and Capability": "Procedures and Capability",
    "RBC Recruitment and Selection": "Recruitment and Selection",
}
MANDATORY = {
    "Safeguarding Children Level 3": 36,
    "Safeguarding Children Level 1 (e-learning)": 36,
    "DBS recheck": 36,
    "First Aid at Work": 36,
    "Information Governance and Data Protection": 12,
    "Equality, Diversity and Inclusion": 36,
}


@pytest.fixture(autouse=True)
def frozen_clock():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _seed(app, *args: str):  # noqa: ANN202
    return app.test_cli_runner().invoke(args=["seed", *args])


def _activity_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LearningActivity))


def test_seed_catalogue_loads_the_reference_courses_and_mandatory_training_once(app):
    assert _seed(app, "frameworks").exit_code == 0
    first = _seed(app, "catalogue")
    assert first.exit_code == 0, first.output
    rows = list(csv.DictReader(CATALOGUE.open(encoding="utf-8")))
    assert f"{len(rows)} activities added, 0 already there" in first.output

    with app.app_context():
        activities = {a.title: a for a in catalogue_queries.list_activities(include_inactive=True)}
        reference = [a for a in activities.values() if a.category in REFERENCE_CATEGORIES]
        assert len(reference) == 48
        if READING_COURSES.exists():
            courses = list(csv.DictReader(READING_COURSES.open(encoding="utf-8")))
            assert {(RENAMED.get(c["course"], c["course"]), c["category"]) for c in courses} == {
                (a.title, a.category) for a in reference
            }
        for title, months in MANDATORY.items():
            assert activities[title].validity_months == months, title
            assert activities[title].category == "Mandatory training"
        assert "tracked requirement" in activities["DBS recheck"].description
        assert activities["DBS recheck"].duration_hours == 0
        level_3 = {
            (i.version.framework.code, i.code)
            for i in activities["Safeguarding Children Level 3"].framework_items
        }
        assert ("KSS-CF-PRACTITIONER", "5") in level_3
        assert activities["Court Skills"].validity_months is None
        assert activities["Epilepsy"].framework_items == []

    second = _seed(app, "catalogue")
    assert second.exit_code == 0, second.output
    assert f"0 activities added, {len(rows)} already there" in second.output
    assert _activity_count(app) == len(rows)


def test_seed_catalogue_needs_the_frameworks_and_loads_nothing_without_them(app):
    result = _seed(app, "catalogue")
    assert result.exit_code == 1
    assert (
        "catalogue.csv line 2: framework item ‘PCF:7’: There is no framework with code PCF"
        in result.output
    )
    assert _activity_count(app) == 0


def test_a_bad_line_is_named_and_nothing_is_loaded(app, tmp_path):
    assert _seed(app, "frameworks").exit_code == 0
    bad = tmp_path / "catalogue.csv"
    bad.write_text(
        "title,category,delivery_mode,provider,duration_hours,cost_per_place,"
        "validity_months,framework_items\n"
        "Good course,Short courses,classroom,in_house,3,,,PCF:6\n"
        "Unknown framework,Short courses,classroom,in_house,3,,,NOPE:1\n"
        "Unknown item,Short courses,classroom,in_house,3,,,PCF:6;KSS-CF-PRACTITIONER:99\n"
        "Bad mode,Short courses,lecture,in_house,3,,,\n"
        "Negative,Short courses,classroom,in_house,-2,,0,\n"
        "good course,Short courses,classroom,in_house,3,,,\n",
        encoding="utf-8",
    )
    with app.app_context():
        with pytest.raises(CatalogueFileError) as raised:
            load_catalogue(bad, now=NOW)
        db.session.rollback()
    problems = raised.value.problems
    assert problems[0] == (
        "catalogue.csv line 3: framework item ‘NOPE:1’: There is no framework with code NOPE"
    )
    assert problems[1].startswith("catalogue.csv line 4: framework item ‘KSS-CF-PRACTITIONER:99’")
    assert "has no item with code 99" in problems[1]
    assert problems[2].startswith("catalogue.csv line 5: delivery_mode must be one of classroom")
    assert problems[3] == "catalogue.csv line 7: ‘good course’ is already on line 2"
    assert len(problems) == 4  # the negative line is checked once the file parses
    assert _activity_count(app) == 0


def test_values_the_rules_refuse_are_named_by_line_too(app, tmp_path):
    bad = tmp_path / "catalogue.csv"
    bad.write_text(
        "title,category,delivery_mode,provider,duration_hours,cost_per_place,"
        "validity_months,framework_items\n"
        "Negative,Short courses,classroom,in_house,-2,,,\n",
        encoding="utf-8",
    )
    with app.app_context():
        with pytest.raises(CatalogueFileError) as raised:
            load_catalogue(bad, now=NOW)
        db.session.rollback()
    assert raised.value.problems == ["catalogue.csv line 2: Duration must be 0 hours or more"]


def test_seed_demo_gives_the_council_upcoming_sessions_once(app):
    for step in ("frameworks", "catalogue", "demo"):
        result = _seed(app, step)
        assert result.exit_code == 0, result.output
    assert "Demo learning: 6 sessions, 5 pathways" in result.output
    today = NOW.astimezone(LONDON).date()
    with app.app_context():
        sessions = db.session.scalars(select(LearningSession)).all()
        assert len({s.activity_id for s in sessions}) == 6
        for session in sessions:
            day = session.starts_at.astimezone(LONDON).date()
            assert today < day <= today + dt.timedelta(days=92)
            assert day.weekday() < 5
        left = {
            s.activity.title: s.capacity - catalogue_queries.count_booked(s.id) for s in sessions
        }
        assert left["Safeguarding Children Level 3"] == 1  # nearly full
        assert all(n > 0 for n in left.values())
        assert not db.session.scalar(
            select(func.count()).select_from(Booking).where(Booking.status != BookingStatus.BOOKED)
        )

    again = _seed(app, "demo")
    assert again.exit_code == 0, again.output
    assert "Demo council loaded: nothing new." in again.output
    assert "Demo learning: 0 sessions, 0 pathways, 0 past completions, 0 CPD entries." in (
        again.output
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LearningSession)) == 6
