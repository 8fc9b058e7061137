"""Demo CPD for the fictional council: believable entries for its registered staff.

Deterministic (each person's history comes from their employee number) and idempotent
(nobody who already has entries gets more). The words are invented and name nobody.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from wfld.cpd import queries
from wfld.cpd.models import CpdEntry, EntryStatus
from wfld.cpd.rules import ActivityType, registration_year_for
from wfld.extensions import db
from wfld.frameworks.models import FrameworkItem
from wfld.organisation.models import Regulator, StaffMember

# (title, type, hours, description, learning, impact)
PIECES = [
    (
        "Reflective group: analysis in assessments",
        ActivityType.PEER_DISCUSSION,
        "2",
        "A team reflective group on moving from description to analysis in assessments.",
        "Analysis means saying what the information means for the child's safety and what "
        "would change my view.",
        "My assessments now end with a clear analysis and a plan the family can follow.",
    ),
    (
        "Voice of the child workshop",
        ActivityType.COURSE,
        "6",
        "A day on direct work tools, because children's views were thin in my recent reports.",
        "Three ways to capture what a child means, not only what they say.",
        "I now record children's words directly and use them in planning meetings.",
    ),
    (
        "Reading: research on neglect and cumulative harm",
        ActivityType.READING,
        "3",
        "A research summary on cumulative harm, to strengthen my chronologies.",
        "Single incidents can look minor while the pattern is serious.",
        "I use chronologies to show patterns to managers and at conferences.",
    ),
    (
        "Group supervision on working with fathers",
        ActivityType.SUPERVISION,
        "1.5",
        "Group supervision focused on including fathers and male carers in assessments.",
        "I had been assessing mothers and leaving fathers out without meaning to.",
        "I now invite fathers to every visit and record their views separately.",
    ),
    (
        "Webinar: contextual safeguarding",
        ActivityType.PODCAST,
        "1",
        "A webinar on harm outside the home, relevant to the adolescents I work with.",
        "Places and peer groups can be assessed and changed, not only families.",
        "I have started mapping locations with young people and sharing them with partners.",
    ),
    (
        "Shadowing a family court hearing",
        ActivityType.SHADOWING,
        "4",
        "Shadowed a senior colleague in a final hearing to prepare for my own evidence.",
        "How clear, balanced statements hold up under cross-examination.",
        "My statements are shorter and every opinion is linked to evidence.",
    ),
]
PEER_REFLECTIONS = [
    "Talking it through with a colleague helped me see my own assumptions about the family.",
    "My supervisor challenged me to name the risk plainly; I now do this in every report.",
    "The group showed me other ways to start difficult conversations with parents.",
]
PEER_ROLES = ["a senior social worker", "my practice supervisor", "an advanced practitioner"]
DEMO_PERSONA = "rhys.critchley@northbrook.gov.example"


def load_demo_cpd(*, now: dt.datetime, today: dt.date) -> int:
    """Entries for every registered member of staff in post who has none yet."""
    tags = {
        item.code: item.id
        for group in queries.tag_choices(today=today)
        for item in group.items
        if group.framework.code == "SWE-PS4"
    }
    people = db.session.scalars(
        select(StaffMember).where(
            StaffMember.regulator != Regulator.NONE,
            StaffMember.leaving_date.is_(None),
            ~StaffMember.id.in_(select(CpdEntry.staff_id)),
        )
    ).all()
    year = registration_year_for(today)
    created = 0
    for staff in people:
        chance = random.Random(staff.employee_number)
        # The demo social worker has one piece this year, with a peer reflection: "1 of 2".
        this_year = 1 if staff.work_email == DEMO_PERSONA else chance.choice([0, 1, 2, 2, 3])
        dates = [
            year.starts_on + dt.timedelta(days=chance.randint(0, (today - year.starts_on).days))
            for _ in range(this_year)
        ]
        for back in (1, 2):
            start = year.starts_on - relativedelta(years=back)
            dates += [
                start + dt.timedelta(days=chance.randint(0, 360))
                for _ in range(chance.randint(2, 4))
            ]
        for n, day in enumerate(sorted(dates)):
            title, kind, hours, description, learning, impact = chance.choice(PIECES)
            peer = n % 2 == 0 or staff.work_email == DEMO_PERSONA
            entry = CpdEntry(
                staff_id=staff.id,
                status=EntryStatus.COMPLETE,
                title=title,
                started_on=day,
                activity_type=kind,
                hours=Decimal(hours),
                description=description,
                learning=learning,
                impact=impact,
                peer_reflection=chance.choice(PEER_REFLECTIONS) if peer else None,
                peer_role=chance.choice(PEER_ROLES) if peer else None,
                shared=n == 0,
                submitted_for_year=registration_year_for(day).number
                if day < year.starts_on
                else None,
                created_at=now,
                updated_at=now,
                completed_at=now,
            )
            entry.tags = [
                db.session.get(FrameworkItem, tags[code])
                for code in chance.sample(sorted(tags), k=min(2, len(tags)))
            ]
            db.session.add(entry)
            created += 1
    db.session.flush()
    return created


def _day(start: dt.date, chance: random.Random, span: int) -> dt.date:
    return start + dt.timedelta(days=chance.randint(0, max(span, 0)))


def _year_of(day: dt.date) -> int:
    return registration_year_for(day).number
