"""The synthetic council's learning: pathways (60 requirements across roles), four years of
sessions, bookings, attendance and completions (with renewals and lapses), and future
sessions with places to book.

Needs the reference catalogue and frameworks loaded, and the organisation generated.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from sqlalchemy import bindparam, select

from wfld.catalogue.models import (
    Attendance,
    Booking,
    BookingStatus,
    Completion,
    CompletionSource,
    CompletionStatus,
    DeliveryMode,
    LearningActivity,
    LearningSession,
)
from wfld.core.clock import LONDON
from wfld.core.synthetic import SyntheticRun, add_months, insert_returning_ids, insert_rows
from wfld.extensions import db
from wfld.frameworks import queries as framework_queries
from wfld.learning.models import Pathway, PathwayRequirement, Stage, pathway_roles
from wfld.organisation.synthetic import Organisation, Person

SW = ["sw", "senior_sw", "advanced", "nqsw", "fostering_sw", "iro", "atm", "team_manager"]
MANAGERS = ["team_manager", "atm", "service_manager", "head", "eh_manager", "res_manager"]
EARLY_HELP = ["eh", "eh_senior", "family_worker", "youth_worker", "yjo", "swa"]
RESIDENTIAL = ["res", "res_senior", "res_manager"]
HEALTH = ["ep", "ot", "nurse"]

# (name, role keys or None for everyone, [(stage, activity title or "CODE:item", due days,
#  mandatory)]) -- 60 requirements in all.
PATHWAYS = (
    (
        "Essentials for all staff",
        None,
        [
            (Stage.INDUCTION, "Corporate Induction", 30, True),
            (Stage.MANDATORY, "Safeguarding Children Level 1 (e-learning)", 30, True),
            (Stage.MANDATORY, "Information Governance and Data Protection", 30, True),
            (Stage.MANDATORY, "Equality, Diversity and Inclusion", 90, True),
            (Stage.MANDATORY, "Health & Safety", 90, True),
            (Stage.MANDATORY, "Fire Safety", 30, True),
            (Stage.MANDATORY, "Lone Working", 90, True),
            (Stage.INDUCTION, "Information Security", 30, True),
        ],
    ),
    (
        "Social work practice",
        SW,
        [
            (Stage.MANDATORY, "Safeguarding Children Level 3", 90, True),
            (Stage.MANDATORY, "DBS recheck", 0, True),
            (Stage.INDUCTION, "Effective Case Recording", 90, True),
            (Stage.INDUCTION, "MOSAIC", 30, True),
            (Stage.ROLE_SPECIFIC, "Court Skills", 365, True),
            (Stage.ROLE_SPECIFIC, "Public Law Outline", 365, True),
            (Stage.ROLE_SPECIFIC, "Assessment Skills", 180, True),
            (Stage.ROLE_SPECIFIC, "Report Writing", 180, True),
            (Stage.ROLE_SPECIFIC, "Direct Work with Children / Life Story Work", 365, True),
            (Stage.ROLE_SPECIFIC, "Domestic Violence", 365, True),
            (Stage.ROLE_SPECIFIC, "Impact of Neglect", 365, True),
            (Stage.ROLE_SPECIFIC, "Child Sexual Exploitation", 365, True),
            (Stage.ROLE_SPECIFIC, "Signs of Safety", None, False),
            (Stage.PROGRESSION, "PCF:9", None, False),
            (Stage.PROGRESSION, "PCF:3", None, False),
        ],
    ),
    (
        "Assessed and supported year in employment",
        ["nqsw"],
        [
            (Stage.ROLE_SPECIFIC, "Attachment", 180, True),
            (Stage.ROLE_SPECIFIC, "Trauma", 180, True),
            (Stage.ROLE_SPECIFIC, "Parental Substance Misuse", 270, True),
            (Stage.ROLE_SPECIFIC, "Self Harm & Suicide", 270, True),
            (Stage.ROLE_SPECIFIC, "Children's Mental Health Matters", 180, True),
            (Stage.PROGRESSION, "Research in Practice training and resources", None, False),
            (Stage.PROGRESSION, "PCF:6", None, False),
            (Stage.PROGRESSION, "PCF:7", None, False),
        ],
    ),
    (
        "Managing people",
        MANAGERS,
        [
            (Stage.ROLE_SPECIFIC, "Appraisal and Supervision Skills", 180, True),
            (Stage.ROLE_SPECIFIC, "Reflective Supervision", 180, True),
            (Stage.ROLE_SPECIFIC, "Recruitment and Selection", 365, True),
            (Stage.ROLE_SPECIFIC, "Procedures and Capability", 365, True),
            (Stage.ROLE_SPECIFIC, "Delegated Authority", 90, True),
            (Stage.PROGRESSION, "Step up to Management Programme", None, False),
            (Stage.PROGRESSION, "Action Learning Sets and 1:1 Coaching for Managers", None, False),
        ],
    ),
    (
        "Early help and family support",
        EARLY_HELP,
        [
            (Stage.ROLE_SPECIFIC, "Outcomes Stars", 180, True),
            (Stage.ROLE_SPECIFIC, "Chairing a TAC Meeting", 180, True),
            (Stage.INDUCTION, "E CAF", 30, True),
            (Stage.ROLE_SPECIFIC, "Action Planning & Goal Setting", 180, True),
            (Stage.ROLE_SPECIFIC, "SMART Goals", 90, True),
            (
                Stage.ROLE_SPECIFIC,
                "Dealing with Difficult, Dangerous and Evasive Behaviour",
                365,
                True,
            ),
            (Stage.PROGRESSION, "Triple P Parenting", None, False),
        ],
    ),
    (
        "Residential care",
        RESIDENTIAL,
        [
            (Stage.MANDATORY, "Safeguarding Children Level 3", 90, True),
            (Stage.MANDATORY, "First Aid at Work", 90, True),
            (Stage.MANDATORY, "Admin of Meds", 90, True),
            (Stage.MANDATORY, "Team Teach", 90, True),
            (Stage.MANDATORY, "Food Hygiene", 90, True),
            (Stage.MANDATORY, "Epilepsy", 180, True),
            (Stage.ROLE_SPECIFIC, "Child Handling", 180, True),
            (Stage.ROLE_SPECIFIC, "Emotional First Aid", 365, False),
        ],
    ),
    (
        "Health and therapy professionals",
        HEALTH,
        [
            (Stage.MANDATORY, "Safeguarding Children Level 3", 90, True),
            (Stage.ROLE_SPECIFIC, "Mood & Anxiety Disorders", 365, True),
            (Stage.ROLE_SPECIFIC, "Children's Mental Health Matters", 365, True),
            (Stage.ROLE_SPECIFIC, "Self Harm & Suicide", 365, True),
            (Stage.ROLE_SPECIFIC, "Attachment", None, False),
        ],
    ),
    (
        "Youth justice",
        ["yjo"],
        [
            (Stage.ROLE_SPECIFIC, "ASSET Plus training (YOS)", 90, True),
            (Stage.ROLE_SPECIFIC, "Child Sexual Exploitation", 180, True),
        ],
    ),
)
HISTORY_YEARS = 4
CAPACITY = 20
SELF_PACED = {DeliveryMode.E_LEARNING, DeliveryMode.QUALIFICATION}


@dataclass(frozen=True)
class Need:
    activity: LearningActivity
    due_within_days: int | None
    mandatory: bool


def generate_learning(run: SyntheticRun, org: Organisation) -> None:
    rng = run.rng("learning")
    activities = {a.title: a for a in db.session.scalars(select(LearningActivity))}
    needs = _pathways(run, org, activities)
    history_from = run.today - relativedelta(years=HISTORY_YEARS)
    # Who does what, when (before sessions exist: their number follows demand).
    done: list[tuple[Person, LearningActivity, dt.date]] = []
    future: list[tuple[Person, LearningActivity]] = []
    for person in org.people:
        for need in needs.get(person.role, []):
            _history(rng, run.today, person, need, history_from, done, future)
        for activity in rng.sample(sorted(activities.values(), key=lambda a: a.id), k=2):
            if rng.random() < 0.5:  # optional courses beyond any pathway
                _history(
                    rng, run.today, person, Need(activity, None, False), history_from, done, future
                )
    sessions = _sessions(run, rng, done, future, history_from)
    _bookings_and_completions(run, rng, done, future, sessions)


def _pathways(
    run: SyntheticRun, org: Organisation, activities: dict[str, LearningActivity]
) -> dict[str, list[Need]]:
    needs: dict[str, list[Need]] = defaultdict(list)
    requirement_rows = []
    role_rows = []
    pathway_ids = insert_returning_ids(
        Pathway,
        [
            {
                "name": name,
                "description": f"Synthetic pathway: {name.lower()}.",
                "is_active": True,
                "created_at": run.now,
            }
            for name, _, _ in PATHWAYS
        ],
    )
    for pathway_id, (_name, roles, requirements) in zip(pathway_ids, PATHWAYS, strict=True):
        keys = roles or list(org.role_ids)
        role_rows += [{"pathway_id": pathway_id, "job_role_id": org.role_ids[k]} for k in keys]
        for position, (stage, target, due, mandatory) in enumerate(requirements, start=1):
            activity = activities.get(target)
            item_id = None if activity else _item_id(target, run.today)
            requirement_rows.append(
                {
                    "pathway_id": pathway_id,
                    "stage": stage,
                    "activity_id": activity.id if activity else None,
                    "framework_item_id": item_id,
                    "is_mandatory": mandatory,
                    "due_within_days": due,
                    "renewal_months": activity.validity_months if activity else None,
                    "position": position,
                }
            )
            if activity is not None:
                for key in keys:
                    needs[key].append(Need(activity, due, mandatory))
    insert_rows(pathway_roles, role_rows)
    insert_rows(PathwayRequirement, requirement_rows)
    run.count("pathways", len(pathway_ids))
    run.count("pathway requirements", len(requirement_rows))
    return needs


def _item_id(reference: str, today: dt.date) -> int:
    code, item_code = reference.split(":", 1)
    framework = framework_queries.find_framework_by_code(code)
    version = framework_queries.current_version(framework, today=today) if framework else None
    item = framework_queries.find_item_by_code(version.id, item_code) if version else None
    if item is None:
        raise RuntimeError(f"framework item {reference} is missing: load the frameworks first")
    return item.id


def _history(
    rng: random.Random,
    today: dt.date,
    person: Person,
    need: Need,
    history_from: dt.date,
    done: list,
    future: list,
) -> None:
    """First completion some time after taking the role, then renewals, sometimes lapsing."""
    if rng.random() < (0.12 if need.mandatory else 0.6):
        if person.in_post(today) and rng.random() < 0.3:
            future.append((person, need.activity))  # not done yet, but booked
        return
    end = min(today, person.leaving_date or today) - dt.timedelta(days=1)
    due = need.due_within_days if need.due_within_days is not None else 365
    day = person.job_role_since + dt.timedelta(days=rng.randint(0, max(1, int(due * 1.3))))
    months = need.activity.validity_months
    matters_from = add_months(history_from, -months) if months else None
    while day <= end:
        # Older history only where it still matters: the latest of a renewable activity,
        # and once-only activities whenever they were done.
        if not months or day >= matters_from:
            done.append((person, need.activity, day))
        if not months:
            return
        if rng.random() < 0.12:  # this renewal lapsed
            if person.in_post(today) and rng.random() < 0.4:
                future.append((person, need.activity))
            return
        day = add_months(day, months) - dt.timedelta(days=rng.randint(0, 50))


def _sessions(
    run: SyntheticRun,
    rng: random.Random,
    done: list,
    future: list,
    history_from: dt.date,
) -> dict[int, tuple[list[dt.date], list[int]]]:
    """Sessions for taught activities, as often as demand needs: activity -> (days, ids)."""
    demand: dict[int, int] = defaultdict(int)
    taught: dict[int, LearningActivity] = {}
    for _, activity, _ in done:
        if activity.delivery_mode not in SELF_PACED:
            demand[activity.id] += 1
            taught[activity.id] = activity
    for _, activity in future:
        if activity.delivery_mode not in SELF_PACED:
            taught[activity.id] = activity
    rows, keys = [], []
    horizon = run.today + dt.timedelta(days=180)
    for activity_id, activity in sorted(taught.items()):
        per_year = max(4, min(60, math.ceil(demand[activity_id] / CAPACITY / HISTORY_YEARS)))
        step = max(4, 365 // per_year)
        day = history_from - dt.timedelta(days=rng.randint(0, step))
        hours = max(1, min(7, math.ceil(float(activity.duration_hours or 3))))
        while day <= horizon:
            if day.weekday() < 5:
                starts = dt.datetime.combine(day, dt.time(9, 30), tzinfo=LONDON)
                rows.append(
                    {
                        "activity_id": activity_id,
                        "starts_at": starts,
                        "ends_at": starts + dt.timedelta(hours=hours),
                        "is_online": activity.delivery_mode is DeliveryMode.WEBINAR,
                        "venue": "Microsoft Teams"
                        if activity.delivery_mode is DeliveryMode.WEBINAR
                        else f"Training Room {rng.randint(1, 4)}, Civic Centre",
                        "capacity": CAPACITY,
                        "trainer": "Workforce Development team",
                        "is_cancelled": False,
                        "created_at": run.now,
                        "version_id": 1,
                    }
                )
                keys.append((activity_id, day))
            day += dt.timedelta(days=step)
    ids = insert_returning_ids(LearningSession, rows)
    run.count("sessions", len(ids))
    found: dict[int, tuple[list[dt.date], list[int]]] = defaultdict(lambda: ([], []))
    for (activity_id, day), id_ in zip(keys, ids, strict=True):
        found[activity_id][0].append(day)
        found[activity_id][1].append(id_)
    return found


def _bookings_and_completions(
    run: SyntheticRun,
    rng: random.Random,
    done: list,
    future: list,
    sessions: dict[int, tuple[list[dt.date], list[int]]],
) -> None:
    taken: set[tuple[int, int]] = set()  # (session id, staff id): one booking each
    filled: dict[int, int] = defaultdict(int)
    bookings, completions = [], []

    def book(person: Person, session_id: int, day: dt.date, **fields: object) -> int:
        taken.add((session_id, person.id))
        filled[session_id] += fields.get("status") is BookingStatus.BOOKED
        bookings.append(
            {
                "session_id": session_id,
                "staff_id": person.id,
                "requested_at": dt.datetime.combine(
                    day - dt.timedelta(days=rng.randint(7, 60)), dt.time(10), tzinfo=dt.UTC
                ),
                "cancelled_at": None,
                "attendance": None,
                **fields,
            }
        )
        return len(bookings) - 1

    for person, activity, day in done:
        days, ids = sessions.get(activity.id, ([], []))
        completion = {
            "staff_id": person.id,
            "activity_id": activity.id,
            "completed_on": day,
            "expires_on": add_months(day, activity.validity_months)
            if activity.validity_months
            else None,
            "source": CompletionSource.MANUAL,
            "status": CompletionStatus.VERIFIED,
            "booking": None,
            "note": None,
            "recorded_at": run.now,
        }
        at = bisect.bisect_right(days, day) - 1
        if at >= 0 and (ids[at], person.id) not in taken:
            if rng.random() < 0.05:  # did not attend an earlier session first
                earlier = at - 1
                if earlier >= 0 and (ids[earlier], person.id) not in taken:
                    book(
                        person,
                        ids[earlier],
                        days[earlier],
                        status=BookingStatus.BOOKED,
                        attendance=Attendance.DID_NOT_ATTEND,
                    )
            completion["completed_on"] = days[at]
            completion["expires_on"] = (
                add_months(days[at], activity.validity_months) if activity.validity_months else None
            )
            completion["source"] = CompletionSource.SESSION
            completion["booking"] = book(
                person,
                ids[at],
                days[at],
                status=BookingStatus.BOOKED,
                attendance=Attendance.ATTENDED,
            )
        completions.append(completion)

    for person, activity in future:
        days, ids = sessions.get(activity.id, ([], []))
        at = bisect.bisect_right(days, run.today)
        if at < len(days):
            pick = min(len(days) - 1, at + rng.randint(0, 3))
            if (ids[pick], person.id) not in taken and filled[ids[pick]] < CAPACITY - 4:
                book(person, ids[pick], days[pick], status=BookingStatus.BOOKED)
    # A few cancellations, as in life.
    for row in bookings:
        if row["attendance"] is None and rng.random() < 0.05:
            row["status"] = BookingStatus.CANCELLED
            row["cancelled_at"] = row["requested_at"] + dt.timedelta(days=2)
    # Past sessions held more than their nominal places when demand was high.
    booking_ids = insert_returning_ids(Booking, bookings)
    for completion in completions:
        index = completion.pop("booking")
        completion["booking_id"] = booking_ids[index] if index is not None else None
    insert_rows(Completion, completions)
    run.count("bookings", len(booking_ids))
    run.count("completions", len(completions))
    _fit_capacity(filled)


def _fit_capacity(filled: dict[int, int]) -> None:
    """Sessions that history filled beyond the nominal 20 places get the places they used."""
    over = [{"id": sid, "capacity": n} for sid, n in filled.items() if n > CAPACITY]
    if over:
        db.session.execute(
            LearningSession.__table__.update()
            .where(LearningSession.__table__.c.id == bindparam("sid"))
            .values(capacity=bindparam("cap")),
            [{"sid": o["id"], "cap": o["capacity"]} for o in over],
        )
