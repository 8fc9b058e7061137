"""Load the fictional demo council from the data files in seeds/demo/ (idempotent).

Natural keys decide what exists already: service area and team names, job role titles,
employee numbers and account emails. Existing rows are left exactly as they are.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from wfld.accounts import queries as account_queries
from wfld.accounts import services as account_services
from wfld.accounts.models import User, UserRole
from wfld.accounts.roles import Role
from wfld.extensions import db
from wfld.organisation import queries, services
from wfld.organisation.models import EmploymentType, Regulator, StaffMember


@dataclass
class SeedSummary:
    created: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # persona, email, description
    password: str = ""

    def add(self, kind: str, n: int = 1) -> None:
        self.created[kind] = self.created.get(kind, 0) + n


def load_demo(directory: Path, *, now: dt.datetime, today: dt.date) -> SeedSummary:
    council = yaml.safe_load((directory / "council.yaml").read_text(encoding="utf-8"))
    summary = SeedSummary(password=demo_password(directory))

    for area in council["service_areas"]:
        if queries.find_service_area_by_name(area["name"]) is None:
            services.create_service_area(name=area["name"], actor=None, now=now)
            summary.add("service areas")
    for team in council["teams"]:
        if queries.find_team_by_name(team["name"]) is None:
            services.create_team(
                name=team["name"],
                service_area=queries.find_service_area_by_name(team["service_area"]),
                actor=None,
                now=now,
            )
            summary.add("teams")
    for role in council["job_roles"]:
        if queries.find_job_role_by_title(role["title"]) is None:
            services.create_job_role(
                title=role["title"],
                grade=str(role["grade"]),
                regulator=Regulator(role["regulator"]),
                actor=None,
                now=now,
            )
            summary.add("job roles")

    rows = _read_csv(directory / "staff.csv")
    for row in _managers_first(rows):
        if queries.find_staff_by_employee_number(row["employee_number"]) is not None:
            continue
        manager = (
            queries.find_staff_by_employee_number(row["line_manager"])
            if row["line_manager"]
            else None
        )
        services.create_staff(
            details=services.StaffDetails(
                employee_number=row["employee_number"],
                first_name=row["first_name"],
                last_name=row["last_name"],
                work_email=row["work_email"],
                team=queries.find_team_by_name(row["team"]),
                job_role=queries.find_job_role_by_title(row["job_role"]),
                line_manager=manager,
                employment_type=EmploymentType(row["employment_type"]),
                fte=Decimal(row["fte"]),
                start_date=dt.date.fromisoformat(row["start_date"]),
                leaving_date=dt.date.fromisoformat(row["leaving_date"])
                if row["leaving_date"]
                else None,
                regulator=Regulator(row["regulator"]),
                registration_number=row["registration_number"] or None,
            ),
            actor=None,
            now=now,
            today=today,
        )
        summary.add("staff")

    logins = {row["employee_number"]: row for row in _read_csv(directory / "logins.csv")}
    # One hash for every demo account: the password is the same, and hashing 150 times is slow.
    password_hash = account_services.hash_password(summary.password)
    for row in rows:
        staff = queries.find_staff_by_employee_number(row["employee_number"])
        login = logins.get(row["employee_number"])
        if (
            staff.user is None
            and not staff.has_left(today)
            and account_queries.find_user_by_email(staff.work_email) is None
        ):
            roles = {
                Role(r) for r in (login["roles"].split(";") if login and login["roles"] else [])
            }
            _demo_account(staff, roles=roles, password_hash=password_hash, now=now)
            summary.add("accounts")
    db.session.flush()
    summary.logins = demo_logins(directory)
    return summary


def demo_password(directory: Path) -> str:
    return yaml.safe_load((directory / "settings.yaml").read_text(encoding="utf-8"))[
        "demo_password"
    ]


def demo_logins(directory: Path) -> list[tuple[str, str, str]]:
    """(persona, email, description) for each demo persona, read from the data files."""
    emails = {
        row["employee_number"]: row["work_email"] for row in _read_csv(directory / "staff.csv")
    }
    return [
        (row["persona"], emails[row["employee_number"]], row["description"])
        for row in _read_csv(directory / "logins.csv")
    ]


def _demo_account(
    staff: StaffMember, *, roles: set[Role], password_hash: str, now: dt.datetime
) -> None:
    user = User(
        email=staff.work_email,
        display_name=staff.full_name,
        password_hash=password_hash,
        is_enabled=True,
        created_at=now,
        role_rows=[UserRole(role=r.value) for r in sorted(roles)],
    )
    db.session.add(user)
    db.session.flush()
    services.link_account(staff=staff, user=user)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _managers_first(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Order rows so everyone comes after their line manager (the file may be in any order)."""
    by_number = {row["employee_number"]: row for row in rows}
    ordered: list[dict[str, str]] = []
    placed: set[str] = set()

    def place(row: dict[str, str], trail: tuple[str, ...] = ()) -> None:
        number = row["employee_number"]
        if number in placed:
            return
        if number in trail:
            raise ValueError(f"Line management cycle in demo data at {number}")
        manager = row["line_manager"]
        if manager and manager in by_number:
            place(by_number[manager], (*trail, number))
        placed.add(number)
        ordered.append(row)

    for row in rows:
        place(row)
    return ordered
