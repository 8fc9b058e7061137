"""The synthetic council's organisation: service areas, teams, roles, staff and accounts.

About 50 people per team. Each area has a head of service, a service manager for every
four teams, and in each team a team manager with one or two assistant team managers who
line-manage the rest (managers of managers, up to the director). Agency, apprentice,
student and trainee staff, and leavers, appear in believable shares. Every person in post
has a sign-in account (one shared password hash: the data is fictional).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from wfld.accounts.models import User, UserRole
from wfld.accounts.roles import Role
from wfld.core.synthetic import SyntheticRun, day_between, insert_returning_ids, insert_rows
from wfld.organisation.models import (
    EmploymentType,
    JobRole,
    Regulator,
    ServiceArea,
    StaffMember,
    Team,
)

# Invented names; combinations are random, so nobody real is described.
FIRST_NAMES = (  # noqa: SIM905 - a word list reads better as words
    "Aisha Alex Amara Ben Bethan Callum Chloe Dami Dylan Eilidh Ella Emeka Erin Farah "
    "Finn Gemma Hamza Harriet Idris Imogen Jade Jonah Kai Kiran Lena Lewis Maya Milo "
    "Nadia Niamh Oliver Omar Priya Quinn Rosa Rory Sana Seren Tariq Tess Usman Vera Wes "
    "Yara Zac Zainab"
).split()
LAST_NAMES = (  # noqa: SIM905 - a word list reads better as words
    "Abbott Adeyemi Ahmed Barker Bell Brennan Carver Chana Clarke Dawes Devlin Ellery "
    "Evans Fairley Farrow Gale Grant Hale Hussain Ince Iqbal Jarvis Joshi Kerr Kowalski "
    "Lacey Lowe Madden Marsh Nash Nolan Okafor Oakes Parr Patel Quayle Rahman Reeve "
    "Sandhu Shaw Tait Thorne Underhill Vance Walsh Webb Yates Young Zielinski"
).split()

# (title, grade, regulator)
ROLES = {
    "director": ("Director of Children's Services", "Chief Officer", Regulator.NONE),
    "head": ("Head of Service", "Grade 15", Regulator.NONE),
    "service_manager": ("Service Manager", "Grade 14", Regulator.SWE),
    "psw": ("Principal Social Worker", "SW Grade 13", Regulator.SWE),
    "team_manager": ("Team Manager", "SW Grade 12", Regulator.SWE),
    "atm": ("Assistant Team Manager", "SW Grade 11", Regulator.SWE),
    "advanced": ("Advanced Practitioner", "SW Grade 11", Regulator.SWE),
    "senior_sw": ("Senior Social Worker", "SW Grade 10", Regulator.SWE),
    "sw": ("Social Worker", "SW Grade 9", Regulator.SWE),
    "nqsw": ("Newly Qualified Social Worker (ASYE)", "SW Grade 8", Regulator.SWE),
    "apprentice": ("Social Work Apprentice", "Grade 4", Regulator.NONE),
    "student": ("Social Work Student", "Student placement", Regulator.NONE),
    "step_up": ("Step Up to Social Work Trainee", "Trainee (bursary)", Regulator.NONE),
    "swa": ("Social Work Assistant", "Grade 6", Regulator.NONE),
    "iro": ("Independent Reviewing Officer", "SW Grade 11", Regulator.SWE),
    "fostering_sw": ("Fostering Social Worker", "SW Grade 9", Regulator.SWE),
    "eh_manager": ("Early Help Team Manager", "Grade 11", Regulator.NONE),
    "eh_senior": ("Senior Early Help Practitioner", "Grade 8", Regulator.NONE),
    "eh": ("Early Help Practitioner", "Grade 7", Regulator.NONE),
    "family_worker": ("Family Support Worker", "Grade 6", Regulator.NONE),
    "youth_worker": ("Youth Worker", "Grade 6", Regulator.NONE),
    "yjo": ("Youth Justice Officer", "Grade 8", Regulator.NONE),
    "res_manager": ("Registered Manager (Residential)", "Grade 11", Regulator.NONE),
    "res_senior": ("Senior Residential Child Care Officer", "Grade 7", Regulator.NONE),
    "res": ("Residential Child Care Officer", "Grade 6", Regulator.NONE),
    "ep": ("Educational Psychologist", "Soulbury", Regulator.HCPC),
    "ot": ("Occupational Therapist", "Grade 9", Regulator.HCPC),
    "nurse": ("Specialist Nurse (Children in Care)", "Grade 10", Regulator.NMC),
    "wfld_manager": ("Workforce Learning and Development Manager", "Grade 12", Regulator.NONE),
    "wfld_officer": ("Workforce Development Officer", "Grade 8", Regulator.NONE),
    "bs_manager": ("Business Support Manager", "Grade 8", Regulator.NONE),
    "bs": ("Business Support Officer", "Grade 4", Regulator.NONE),
}

# Front-line areas: (name, team name stem, team manager role, assistant role, member mix).
AREAS = (
    (
        "Assessment and Intervention",
        "Assessment",
        "team_manager",
        "atm",
        {
            "sw": 40,
            "senior_sw": 14,
            "advanced": 4,
            "nqsw": 10,
            "swa": 8,
            "family_worker": 6,
            "bs": 7,
            "apprentice": 3,
            "student": 4,
            "step_up": 2,
            "nurse": 1,
            "ot": 1,
        },
    ),
    (
        "Child Protection and Children in Need",
        "Safeguarding",
        "team_manager",
        "atm",
        {
            "sw": 42,
            "senior_sw": 15,
            "advanced": 5,
            "nqsw": 10,
            "swa": 8,
            "family_worker": 7,
            "bs": 7,
            "apprentice": 2,
            "student": 3,
            "step_up": 1,
        },
    ),
    (
        "Children in Care and Care Leavers",
        "Children in Care",
        "team_manager",
        "atm",
        {
            "sw": 38,
            "senior_sw": 14,
            "advanced": 4,
            "nqsw": 8,
            "iro": 6,
            "swa": 8,
            "nurse": 3,
            "family_worker": 6,
            "bs": 8,
            "student": 3,
            "apprentice": 2,
        },
    ),
    (
        "Fostering, Adoption and Permanence",
        "Fostering",
        "team_manager",
        "atm",
        {
            "fostering_sw": 45,
            "sw": 15,
            "senior_sw": 10,
            "nqsw": 6,
            "swa": 8,
            "bs": 10,
            "student": 3,
            "ep": 3,
        },
    ),
    (
        "Early Help and Family Support",
        "Early Help",
        "eh_manager",
        "eh_senior",
        {
            "eh": 45,
            "family_worker": 25,
            "youth_worker": 10,
            "swa": 6,
            "bs": 8,
            "apprentice": 3,
            "ep": 3,
        },
    ),
    (
        "Youth Justice and Exploitation",
        "Youth Justice",
        "team_manager",
        "atm",
        {"yjo": 40, "youth_worker": 20, "sw": 20, "senior_sw": 6, "bs": 8, "ep": 3, "nurse": 3},
    ),
    (
        "Residential and Short Breaks",
        "Residential",
        "res_manager",
        "res_senior",
        {"res": 70, "res_senior": 12, "bs": 6, "ot": 6, "nurse": 3, "apprentice": 3},
    ),
)
DIRECTORATE = "Directorate and Practice Development"
PERSONA_ROLES = {
    "wfld_admin": {Role.WFLD_ADMIN},
    "senior_manager": {Role.SENIOR_MANAGER},
    "system_admin": {Role.SYSTEM_ADMIN},
}
TEAM_SIZE = 50


@dataclass
class Person:
    """What later generators need to know about each synthetic person."""

    n: int
    role: str  # a key of ROLES
    team: int  # index into the run's teams
    manager: int | None  # the manager's n
    employment: EmploymentType
    start_date: dt.date
    job_role_since: dt.date
    leaving_date: dt.date | None
    email: str
    first_name: str
    last_name: str
    persona: str | None = None
    id: int = 0
    user_id: int | None = None

    @property
    def regulator(self) -> Regulator:
        return ROLES[self.role][2]

    def in_post(self, today: dt.date) -> bool:
        return self.leaving_date is None or self.leaving_date > today


@dataclass
class Organisation:
    people: list[Person]
    team_ids: list[int]
    role_ids: dict[str, int]  # role key -> job_roles.id


def generate_organisation(
    run: SyntheticRun, *, staff: int, personas: dict[str, str], domain: str, password_hash: str
) -> Organisation:
    rng = run.rng("organisation")
    role_ids = {
        key: id_
        for key, id_ in zip(
            ROLES,
            insert_returning_ids(
                JobRole,
                [
                    {"title": t, "grade": g, "regulator": r, "is_active": True, "version_id": 1}
                    for t, g, r in ROLES.values()
                ],
            ),
            strict=True,
        )
    }
    front_teams = max(2, round(staff / TEAM_SIZE) - 2)
    n_areas = min(len(AREAS), max(1, math.ceil(front_teams / 8)))
    areas = AREAS[:n_areas]
    area_ids = insert_returning_ids(
        ServiceArea,
        [{"name": DIRECTORATE, "is_active": True}]
        + [{"name": a[0], "is_active": True} for a in areas],
    )
    # Teams: two in the directorate, then front-line teams shared round the areas.
    team_rows = [
        {"name": "Directorate and Principal Social Worker", "service_area_id": area_ids[0]},
        {"name": "Workforce Learning and Development", "service_area_id": area_ids[0]},
    ]
    team_area: list[int | None] = [None, None]  # index into areas
    per_area = [0] * n_areas
    for k in range(front_teams):
        a = k % n_areas
        per_area[a] += 1
        team_rows.append(
            {"name": f"{areas[a][1]} Team {per_area[a]}", "service_area_id": area_ids[a + 1]}
        )
        team_area.append(a)
    team_ids = insert_returning_ids(
        Team, [{**row, "is_active": True, "version_id": 1} for row in team_rows]
    )
    run.count("service areas", len(area_ids))
    run.count("teams", len(team_ids))

    people = _people(
        rng,
        run.today,
        staff=staff,
        areas=areas,
        team_area=team_area,
        personas=personas,
        domain=domain,
    )
    _insert_people(run, people, role_ids=role_ids, team_ids=team_ids, password_hash=password_hash)
    return Organisation(people=people, team_ids=team_ids, role_ids=role_ids)


def _people(
    rng: random.Random,
    today: dt.date,
    *,
    staff: int,
    areas: tuple,
    team_area: list[int | None],
    personas: dict[str, str],
    domain: str,
) -> list[Person]:
    people: list[Person] = []

    def add(
        role: str,
        team: int,
        manager: int | None,
        *,
        persona: str | None = None,
        years: tuple[int, int] = (1, 15),
    ) -> Person:
        n = len(people) + 1
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        start = today - dt.timedelta(days=rng.randint(years[0] * 365, years[1] * 365))
        person = Person(
            n=n,
            role=role,
            team=team,
            manager=manager,
            employment=EmploymentType.PERMANENT,
            start_date=start,
            job_role_since=day_between(rng, start, min(today, start + relativedelta(years=6))),
            leaving_date=None,
            email=personas[persona] if persona else f"{first}.{last}.{n}@{domain}".lower(),
            first_name=first,
            last_name=last,
            persona=persona,
        )
        people.append(person)
        return person

    director = add("director", 0, None)
    add("psw", 0, director.n)
    wfld = add("wfld_manager", 1, director.n, persona="wfld_admin")
    add("wfld_officer", 1, wfld.n)
    add("bs_manager", 0, director.n, persona="system_admin")
    heads = [
        add("head", 0, director.n, persona="senior_manager" if a == 0 else None)
        for a in range(len(areas))
    ]
    front = [t for t, a in enumerate(team_area) if a is not None]
    service_managers: dict[int, Person] = {}
    for k, team in enumerate(front):
        if k // len(areas) % 4 == 0:  # one service manager for every four teams in an area
            service_managers[team_area[team]] = add(
                "service_manager", team, heads[team_area[team]].n
            )
    # Team managers and assistants first; members fill what is left of `staff`.
    leads: dict[int, list[Person]] = {}
    for k, team in enumerate(front):
        area = areas[team_area[team]]
        manager = service_managers[team_area[team]]
        tm = add(area[2], team, manager.n, persona="line_manager" if k == 0 else None)
        assistants = [add(area[3], team, tm.n) for _ in range(2 if staff >= 1000 else 1)]
        leads[team] = [tm, *assistants]
    remaining = max(0, staff - len(people))
    persona_team = front[0]
    for i in range(remaining):
        team = front[i % len(front)]
        mix = areas[team_area[team]][4]
        role = rng.choices(list(mix), weights=list(mix.values()))[0]
        persona = None
        if i == 0:
            role, team, persona = "sw", persona_team, "practitioner"
        elif i == len(front):
            role, team, persona = "nqsw", persona_team, "nqsw"
        manager = rng.choice(leads[team])
        person = add(role, team, manager.n, persona=persona)
        _vary(rng, person, today)
    return people


def _vary(rng: random.Random, person: Person, today: dt.date) -> None:
    """Trainees, agency staff, new starters and leavers in believable shares."""
    if person.persona == "practitioner":
        person.start_date = today - relativedelta(years=11, months=3)
        person.job_role_since = today - relativedelta(years=6)
        return
    if person.role in ("nqsw", "student", "step_up", "apprentice"):
        person.start_date = day_between(rng, today - dt.timedelta(days=330), today)
        person.job_role_since = person.start_date
        person.employment = {
            "student": EmploymentType.STUDENT,
            "step_up": EmploymentType.STUDENT,
            "apprentice": EmploymentType.APPRENTICE,
        }.get(person.role, EmploymentType.PERMANENT)
        if person.persona == "nqsw":
            person.start_date = person.job_role_since = today - dt.timedelta(days=180)
        return
    if person.persona:
        return
    draw = rng.random()
    if draw < 0.08:
        person.employment = EmploymentType.AGENCY
        person.start_date = day_between(rng, today - dt.timedelta(days=700), today)
        person.job_role_since = person.start_date
    elif draw < 0.11:
        person.employment = EmploymentType.FIXED_TERM
    elif draw < 0.13:
        person.employment = EmploymentType.SECONDMENT
    if rng.random() < 0.07:  # a leaver in the last three years
        person.leaving_date = day_between(
            rng, max(person.start_date, today - dt.timedelta(days=1095)), today
        )
    elif rng.random() < 0.01:  # handed in their notice
        person.leaving_date = today + dt.timedelta(days=rng.randint(1, 60))


def _insert_people(
    run: SyntheticRun,
    people: list[Person],
    *,
    role_ids: dict[str, int],
    team_ids: list[int],
    password_hash: str,
) -> None:
    in_post = [p for p in people if p.in_post(run.today)]
    user_ids = insert_returning_ids(
        User,
        [
            {
                "email": p.email,
                "display_name": f"{p.first_name} {p.last_name}",
                "password_hash": password_hash,
                "is_enabled": True,
                "access_ends_on": p.leaving_date,
                "created_at": run.now,
            }
            for p in in_post
        ],
    )
    for person, user_id in zip(in_post, user_ids, strict=True):
        person.user_id = user_id
    insert_rows(
        UserRole,
        [
            {"user_id": p.user_id, "role": role.value}
            for p in in_post
            if p.persona in PERSONA_ROLES
            for role in sorted(PERSONA_ROLES[p.persona])
        ],
    )
    run.count("accounts", len(user_ids))
    ids = _insert_staff(run, people, role_ids=role_ids, team_ids=team_ids)
    run.count("staff", len(ids))


def _insert_staff(
    run: SyntheticRun, people: list[Person], *, role_ids: dict[str, int], team_ids: list[int]
) -> list[int]:
    """Staff in waves of managers-before-reports: each wave's managers already have ids."""
    by_n = {p.n: p for p in people}
    done: list[int] = []
    wave = [p for p in people if p.manager is None]
    while wave:
        ids = insert_returning_ids(
            StaffMember,
            [
                _staff_row(run, p, by_n[p.manager].id if p.manager else None, role_ids, team_ids)
                for p in wave
            ],
        )
        for person, id_ in zip(wave, ids, strict=True):
            person.id = id_
        done.extend(ids)
        placed = {p.n for p in wave}
        wave = [p for p in people if p.manager in placed]
    return done


def _staff_row(
    run: SyntheticRun,
    person: Person,
    manager_id: int | None,
    role_ids: dict[str, int],
    team_ids: list[int],
) -> dict:
    regulator = person.regulator
    return {
        "employee_number": f"S{person.n:06d}",
        "first_name": person.first_name,
        "last_name": person.last_name,
        "work_email": person.email,
        "team_id": team_ids[person.team],
        "job_role_id": role_ids[person.role],
        "line_manager_id": manager_id,
        "employment_type": person.employment,
        "fte": Decimal("1.00") if person.n % 7 else Decimal("0.60"),
        "start_date": person.start_date,
        "job_role_since": person.job_role_since,
        "leaving_date": person.leaving_date,
        "leaving_reason": "Moved to another council" if person.leaving_date else None,
        "regulator": regulator,
        "registration_number": _registration_number(regulator, person.n),
        "user_id": person.user_id,
        "created_at": run.now,
        "updated_at": run.now,
        "version_id": 1,
    }


def _registration_number(regulator: Regulator, n: int) -> str | None:
    return {
        Regulator.SWE: f"SW{900000 + n}",
        Regulator.HCPC: f"PYL{100000 + n}",
        Regulator.NMC: f"{10 + n % 89:02d}Y{n:05d}E",
    }.get(regulator)
