"""Writes for the organisation. Services flush, never commit; the view commits once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal

from wfld.accounts import audit
from wfld.accounts import queries as account_queries
from wfld.accounts import services as account_services
from wfld.accounts.models import User
from wfld.accounts.roles import Role
from wfld.core.errors_domain import RuleBroken, check_version
from wfld.extensions import db
from wfld.organisation import queries, rules
from wfld.organisation.models import (
    EmploymentType,
    JobRole,
    Regulator,
    ServiceArea,
    StaffMember,
    Team,
)


# Service areas ----------------------------------------------------------------------------
def create_service_area(*, name: str, actor: User | None, now: dt.datetime) -> ServiceArea:
    name = name.strip()
    if queries.find_service_area_by_name(name):
        raise RuleBroken({"name": "A service area with this name already exists"})
    area = ServiceArea(name=name, is_active=True)
    db.session.add(area)
    db.session.flush()
    audit.record("service_area_created", now=now, actor=actor, subject=area, name=name)
    return area


# Teams ----------------------------------------------------------------------------------
def team_errors(*, name: str, team: Team | None) -> dict[str, str]:
    """The team rules (a unique name), also for the form to show with its own errors."""
    name = (name or "").strip()
    clash = queries.find_team_by_name(name) if name else None
    if clash is not None and (team is None or clash.id != team.id):
        return {"name": "A team with this name already exists"}
    return {}


def create_team(
    *, name: str, service_area: ServiceArea, actor: User | None, now: dt.datetime
) -> Team:
    name = name.strip()
    errors = team_errors(name=name, team=None)
    if errors:
        raise RuleBroken(errors)
    team = Team(name=name, service_area=service_area, is_active=True)
    db.session.add(team)
    db.session.flush()
    audit.record("team_created", now=now, actor=actor, subject=team, name=name)
    return team


def update_team(
    *,
    team: Team,
    name: str,
    service_area: ServiceArea,
    actor: User,
    now: dt.datetime,
    expected_version: int | None = None,
) -> Team:
    check_version(team, expected_version)
    name = name.strip()
    errors = team_errors(name=name, team=team)
    if errors:
        raise RuleBroken(errors)
    changes = _changes(team, {"name": name, "service_area_id": service_area.id})
    team.name = name
    team.service_area = service_area
    db.session.flush()
    if changes:
        audit.record("team_updated", now=now, actor=actor, subject=team, changes=changes)
    return team


def set_team_active(
    *, team: Team, active: bool, actor: User, now: dt.datetime, today: dt.date
) -> None:
    if not active:
        in_team = queries.count_staff_in_team(team.id, today=today)
        if in_team:
            people = "1 person" if in_team == 1 else f"{in_team} people"
            raise RuleBroken(
                {"confirm": f"Move the {people} in this team to another team before closing it"}
            )
    if team.is_active != active:
        team.is_active = active
        db.session.flush()
        audit.record(
            "team_reopened" if active else "team_closed", now=now, actor=actor, subject=team
        )


# Job roles -------------------------------------------------------------------------------
def job_role_errors(*, title: str, role: JobRole | None) -> dict[str, str]:
    """The job role rules (a unique title), also for the form to show with its own errors."""
    title = (title or "").strip()
    clash = queries.find_job_role_by_title(title) if title else None
    if clash is not None and (role is None or clash.id != role.id):
        return {"title": "A job role with this title already exists"}
    return {}


def create_job_role(
    *, title: str, grade: str, regulator: Regulator, actor: User | None, now: dt.datetime
) -> JobRole:
    title = title.strip()
    errors = job_role_errors(title=title, role=None)
    if errors:
        raise RuleBroken(errors)
    role = JobRole(title=title, grade=grade.strip(), regulator=regulator, is_active=True)
    db.session.add(role)
    db.session.flush()
    audit.record("job_role_created", now=now, actor=actor, subject=role, title=title)
    return role


def update_job_role(
    *,
    role: JobRole,
    title: str,
    grade: str,
    regulator: Regulator,
    actor: User,
    now: dt.datetime,
    expected_version: int | None = None,
) -> JobRole:
    check_version(role, expected_version)
    title = title.strip()
    errors = job_role_errors(title=title, role=role)
    if errors:
        raise RuleBroken(errors)
    changes = _changes(role, {"title": title, "grade": grade.strip(), "regulator": regulator})
    role.title, role.grade, role.regulator = title, grade.strip(), regulator
    db.session.flush()
    if changes:
        audit.record("job_role_updated", now=now, actor=actor, subject=role, changes=changes)
    return role


def set_job_role_active(
    *, role: JobRole, active: bool, actor: User, now: dt.datetime, today: dt.date
) -> None:
    if not active:
        holders = queries.count_staff_in_role(role.id, today=today)
        if holders:
            people = "1 person holds" if holders == 1 else f"{holders} people hold"
            raise RuleBroken(
                {"confirm": f"{people} this job role: change their role before retiring it"}
            )
    if role.is_active != active:
        role.is_active = active
        db.session.flush()
        audit.record(
            "job_role_reopened" if active else "job_role_retired",
            now=now,
            actor=actor,
            subject=role,
        )


# Staff ----------------------------------------------------------------------------------
@dataclass
class StaffDetails:
    """What an admin types about a member of staff (already parsed by the form)."""

    employee_number: str
    first_name: str
    last_name: str
    work_email: str
    team: Team
    job_role: JobRole
    line_manager: StaffMember | None
    employment_type: EmploymentType
    fte: Decimal
    start_date: dt.date
    leaving_date: dt.date | None
    regulator: Regulator
    registration_number: str | None

    def normalised(self) -> StaffDetails:
        self.employee_number = self.employee_number.strip().upper()
        self.first_name = self.first_name.strip()
        self.last_name = self.last_name.strip()
        self.work_email = self.work_email.strip().lower()
        self.registration_number = rules.normalise_registration_number(self.registration_number)
        return self


def _staff_errors(
    details: StaffDetails, *, staff: StaffMember | None, today: dt.date
) -> dict[str, str]:
    errors: dict[str, str] = {}
    own_id = staff.id if staff is not None else None

    if not rules.EMPLOYEE_NUMBER.match(details.employee_number):
        errors["employee_number"] = "Employee number must contain only letters, numbers and hyphens"
    else:
        clash = queries.find_staff_by_employee_number(details.employee_number)
        if clash is not None and clash.id != own_id:
            errors["employee_number"] = "Another member of staff already has this employee number"

    clash = queries.find_staff_by_email(details.work_email) if details.work_email else None
    if clash is not None and clash.id != own_id:
        errors["work_email"] = "Another member of staff already has this email address"

    manager = details.line_manager
    if manager is not None:
        if own_id is not None and manager.id == own_id:
            errors["line_manager"] = "A person cannot be their own line manager"
        elif own_id is not None and queries.is_above_in_chain(own_id, manager.id):
            errors["line_manager"] = (
                f"{manager.full_name} reports to this person, so cannot be their line manager"
            )
        elif manager.has_left(today):
            errors["line_manager"] = f"{manager.full_name} has left, so cannot be a line manager"

    if details.fte is not None and not (Decimal("0") < details.fte <= Decimal("1")):
        errors["fte"] = "Full-time equivalent must be more than 0 and no more than 1"

    if (
        details.leaving_date is not None
        and details.start_date is not None
        and details.leaving_date < details.start_date
    ):
        errors["leaving_date"] = "Leaving date must be the same as or after the start date"

    problem = (
        rules.registration_error(details.regulator, details.registration_number)
        if details.regulator is not None
        else None
    )
    if problem:
        errors["registration_number"] = problem
    elif details.registration_number:
        clash = queries.find_staff_by_registration(details.registration_number)
        if clash is not None and clash.id != own_id:
            errors["registration_number"] = (
                "Another member of staff already has this registration number"
            )
    problem = (
        rules.role_registration_error(details.job_role.regulator, details.regulator)
        if details.job_role is not None and details.regulator is not None
        else None
    )
    if problem and "regulator" not in errors:
        errors["regulator"] = problem
    return errors


def staff_errors(
    details: StaffDetails, *, staff: StaffMember | None, today: dt.date
) -> dict[str, str]:
    """The staff rules on details a form could only partly read (what it could not read is
    None and not checked), for the form to show with its own errors, all at once."""
    return _staff_errors(details.normalised(), staff=staff, today=today)


def create_staff(
    *, details: StaffDetails, actor: User | None, now: dt.datetime, today: dt.date
) -> StaffMember:
    details = details.normalised()
    errors = _staff_errors(details, staff=None, today=today)
    if errors:
        raise RuleBroken(errors)
    staff = StaffMember(created_at=now, updated_at=now, job_role_since=details.start_date)
    _apply(staff, details)
    db.session.add(staff)
    db.session.flush()
    audit.record(
        "staff_created", now=now, actor=actor, subject=staff, employee_number=staff.employee_number
    )
    if details.leaving_date is not None:
        _leaver_access(staff, actor=actor, now=now, today=today)
    return staff


def update_staff(
    *,
    staff: StaffMember,
    details: StaffDetails,
    actor: User,
    now: dt.datetime,
    today: dt.date,
    expected_version: int | None = None,
) -> StaffMember:
    check_version(staff, expected_version)
    details = details.normalised()
    errors = _staff_errors(details, staff=staff, today=today)
    if errors:
        raise RuleBroken(errors)
    changes = _changes(staff, _as_columns(details))
    if staff.user is not None and "work_email" in changes:
        # The sign-in email follows the work email.
        clash = account_queries.find_user_by_email(details.work_email)
        if clash is not None and clash.id != staff.user.id:
            raise RuleBroken(
                {"work_email": "Another sign-in account already uses this email address"}
            )
        staff.user.email = details.work_email
    role_changed = staff.job_role_id != details.job_role.id
    _apply(staff, details)
    # Requirements of a role count from the day the person took it on.
    if role_changed:
        staff.job_role_since = max(today, staff.start_date)
    elif staff.job_role_since < staff.start_date:
        staff.job_role_since = staff.start_date
    staff.updated_at = now
    db.session.flush()
    if changes:
        audit.record("staff_updated", now=now, actor=actor, subject=staff, changes=changes)
    if "leaving_date" in changes:
        _leaver_access(staff, actor=actor, now=now, today=today)
    return staff


def record_leaver(
    *,
    staff: StaffMember,
    leaving_date: dt.date,
    reason: str | None,
    actor: User,
    now: dt.datetime,
    today: dt.date,
) -> None:
    """Mark a leaver. Their records stay; their sign-in ends on the leaving date."""
    if leaving_date < staff.start_date:
        raise RuleBroken(
            {"leaving_date": "Leaving date must be the same as or after the start date"}
        )
    if leaving_date <= today:
        reports = queries.count_direct_reports(staff.id, today=today)
        if reports:
            people = "1 person" if reports == 1 else f"{reports} people"
            raise RuleBroken(
                {
                    "leaving_date": f"{staff.full_name} line manages {people}: "
                    "give them a new line manager first"
                }
            )
    staff.leaving_date = leaving_date
    staff.leaving_reason = (reason or "").strip() or None
    staff.updated_at = now
    db.session.flush()
    audit.record(
        "staff_left",
        now=now,
        actor=actor,
        subject=staff,
        leaving_date=leaving_date.isoformat(),
        reason=staff.leaving_reason,
    )
    _leaver_access(staff, actor=actor, now=now, today=today)


def _leaver_access(
    staff: StaffMember, *, actor: User | None, now: dt.datetime, today: dt.date
) -> None:
    """A leaver's account stops signing in on their leaving date (at once if that has passed)."""
    user = staff.user
    if user is None:
        return
    user.access_ends_on = staff.leaving_date
    if staff.leaving_date is not None and staff.leaving_date <= today:
        account_services.revoke_all_sessions(user=user, now=now)
    db.session.flush()


def link_account(*, staff: StaffMember, user: User) -> None:
    staff.user = user
    user.access_ends_on = staff.leaving_date
    db.session.flush()


_RELATIONSHIPS = ("team", "job_role", "line_manager")


def _apply(staff: StaffMember, details: StaffDetails) -> None:
    for f in fields(details):
        setattr(staff, f.name, getattr(details, f.name))


def _as_columns(details: StaffDetails) -> dict[str, object]:
    values: dict[str, object] = {}
    for f in fields(details):
        value = getattr(details, f.name)
        if f.name in _RELATIONSHIPS:
            values[f"{f.name}_id"] = value.id if value is not None else None
        else:
            values[f.name] = value
    return values


def _changes(record: object, new_values: dict[str, object]) -> dict[str, list[str]]:
    """Field → [before, after] for the audit trail (as text, for JSON)."""
    changes = {}
    for name, new in new_values.items():
        old = getattr(record, name)
        if old != new:
            changes[name] = [_text(old), _text(new)]
    return changes


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def save_account(
    *,
    staff: StaffMember,
    roles: set[Role],
    password: str | None,
    enabled: bool,
    actor: User,
    now: dt.datetime,
    today: dt.date,
) -> User:
    """Create or change a member of staff's sign-in account (system admins)."""
    user = staff.user
    if enabled and staff.has_left(today):
        raise account_services.AccountError(
            f"{staff.full_name} has left, so their account cannot sign in", field="enabled"
        )
    if user is not None and user.id == actor.id and (Role.SYSTEM_ADMIN not in roles or not enabled):
        raise account_services.AccountError(
            "You cannot remove your own system admin access", field="roles"
        )
    if user is None:
        if not password:
            raise account_services.AccountError(
                "Enter a password for the new account", field="password"
            )
        user = account_services.create_user(
            email=staff.work_email,
            display_name=staff.full_name,
            password=password,
            roles=roles,
            now=now,
            actor=actor,
        )
        link_account(staff=staff, user=user)
    else:
        account_services.set_roles(user=user, roles=roles, now=now, actor=actor)
        if password:
            account_services.set_password(user=user, password=password, now=now, actor=actor)
    if enabled:
        account_services.enable_user(user=user, now=now, actor=actor)
    else:
        account_services.disable_user(
            user=user, now=now, actor=actor, reason="switched off by a system admin"
        )
    return user
