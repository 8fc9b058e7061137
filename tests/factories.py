"""Small builders for test data, going through the services so the rules apply."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from tests.helpers import PASSWORD
from wfld.accounts import services as account_services
from wfld.accounts.models import User, UserRole
from wfld.accounts.roles import Role
from wfld.extensions import db
from wfld.organisation import services as org_services
from wfld.organisation.models import (
    EmploymentType,
    JobRole,
    Regulator,
    ServiceArea,
    StaffMember,
    Team,
)

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 23)
_numbers = itertools.count(1000)


@cache
def password_hash() -> str:
    """Hashing with argon2id takes a moment; every test account shares one hash."""
    return account_services.hash_password(PASSWORD)


def make_service_area(name: str = "Children's Social Care") -> ServiceArea:
    return org_services.create_service_area(name=name, actor=None, now=NOW)


def make_team(name: str, area: ServiceArea) -> Team:
    return org_services.create_team(name=name, service_area=area, actor=None, now=NOW)


def make_role(title: str, regulator: Regulator = Regulator.NONE, grade: str = "Grade 8") -> JobRole:
    return org_services.create_job_role(
        title=title, grade=grade, regulator=regulator, actor=None, now=NOW
    )


def make_staff(
    first_name: str,
    last_name: str,
    *,
    team: Team,
    role: JobRole,
    manager: StaffMember | None = None,
    start_date: dt.date = dt.date(2020, 1, 6),
    leaving_date: dt.date | None = None,
    employment_type: EmploymentType = EmploymentType.PERMANENT,
) -> StaffMember:
    n = next(_numbers)
    regulator = role.regulator
    registration = {
        Regulator.SWE: f"SW{n}",
        Regulator.HCPC: f"OT{n}0",
        Regulator.NMC: f"12A{n}E",
    }.get(regulator)
    return org_services.create_staff(
        details=org_services.StaffDetails(
            employee_number=f"T{n}",
            first_name=first_name,
            last_name=last_name,
            work_email=f"{first_name}.{last_name}@test.example".lower(),
            team=team,
            job_role=role,
            line_manager=manager,
            employment_type=employment_type,
            fte=Decimal("1.00"),
            start_date=start_date,
            leaving_date=leaving_date,
            regulator=regulator,
            registration_number=registration,
        ),
        actor=None,
        now=NOW,
        today=TODAY,
    )


def make_user(
    staff: StaffMember | None = None, *, roles: set[Role] = frozenset(), email: str | None = None
) -> User:
    user = User(
        email=(email or staff.work_email).lower(),
        display_name=staff.full_name if staff else (email or "Admin"),
        password_hash=password_hash(),
        is_enabled=True,
        created_at=NOW,
        role_rows=[UserRole(role=r.value) for r in sorted(roles)],
    )
    db.session.add(user)
    db.session.flush()
    if staff is not None:
        org_services.link_account(staff=staff, user=user)
    return user


@dataclass(frozen=True)
class Person:
    staff_id: int
    user_id: int
    email: str


@dataclass(frozen=True)
class Org:
    """Ids of a small organisation, one person per persona.

    Team A (Children's Social Care): manager M → practitioner P.
    Team B (Early Help): other practitioner Q, the WFLD admin, the system admin.
    The head of service (senior manager) manages M and Q's managers.
    """

    area_a: int
    area_b: int
    team_a: int
    team_b: int
    role_social_worker: int
    role_family_worker: int
    senior_manager: Person
    line_manager: Person
    practitioner: Person
    other_practitioner: Person
    wfld_admin: Person
    system_admin: Person


def build_org() -> Org:
    csc = make_service_area("Children's Social Care")
    early_help = make_service_area("Early Help")
    team_a = make_team("Access and Assessment", csc)
    team_b = make_team("Family Support", early_help)
    head = make_role("Head of Service", grade="Grade 15")
    manager_role = make_role("Team Manager", Regulator.SWE, grade="SW Grade 12")
    social_worker = make_role("Social Worker", Regulator.SWE, grade="SW Grade 9")
    family_worker = make_role("Family Support Worker")
    officer = make_role("Workforce Development Officer")

    hos = make_staff("Hana", "Okafor", team=team_a, role=head)
    manager = make_staff("Marcus", "Lindqvist", team=team_a, role=manager_role, manager=hos)
    practitioner = make_staff("Priya", "Sandhu", team=team_a, role=social_worker, manager=manager)
    eh_manager = make_staff("Ewan", "Talbot", team=team_b, role=manager_role, manager=hos)
    other = make_staff("Quinn", "Abara", team=team_b, role=family_worker, manager=eh_manager)
    wfld = make_staff("Wren", "Castell", team=team_b, role=officer, manager=eh_manager)
    sysadmin = make_staff("Sol", "Varga", team=team_b, role=officer, manager=eh_manager)

    def person(staff: StaffMember, roles: set[Role] = frozenset()) -> Person:
        user = make_user(staff, roles=roles)
        return Person(staff.id, user.id, user.email)

    org = Org(
        area_a=csc.id,
        area_b=early_help.id,
        team_a=team_a.id,
        team_b=team_b.id,
        role_social_worker=social_worker.id,
        role_family_worker=family_worker.id,
        senior_manager=person(hos, {Role.SENIOR_MANAGER}),
        line_manager=person(manager),
        practitioner=person(practitioner),
        other_practitioner=person(other),
        wfld_admin=person(wfld, {Role.WFLD_ADMIN}),
        system_admin=person(sysadmin, {Role.SYSTEM_ADMIN}),
    )
    make_user(eh_manager)
    db.session.commit()
    return org
