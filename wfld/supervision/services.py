"""Writes for supervision records. Services flush and never commit; the view saves once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from wfld.accounts.audit import record as audit
from wfld.accounts.models import User
from wfld.core.errors_domain import RuleBroken, check_version
from wfld.core.text import clean_text
from wfld.cpd import services as cpd_services
from wfld.cpd.confidentiality import Finding, scan
from wfld.cpd.models import ActivityType
from wfld.extensions import db
from wfld.organisation.models import StaffMember
from wfld.supervision.models import SupervisionKind, SupervisionRecord

MAX_MINUTES = 600  # ten hours: longer is a typing slip (the table refuses it too)
THEMES_LIMIT = 1000


def _themes_errors(findings: list[Finding]) -> dict[str, str]:
    """Themes are general ("managing workload", "use of genograms"), never case detail: what
    the CPD confidentiality check finds is refused, naming the words to change."""
    if not findings:
        return {}
    found = "; ".join(f"“{f.excerpt}” looks like {f.kind}" for f in findings)
    return {"themes": f"Themes must not identify anyone: {found}. Remove case details"}


def session_errors(
    *,
    staff: StaffMember,
    supervisor: StaffMember | None,
    held_on: dt.date | None,
    kind: SupervisionKind | None,
    minutes: int | None,
    themes: str,
    today: dt.date,
) -> dict[str, str]:
    """Every rule a session breaks, at once (the form shows them with its own errors)."""
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = "Enter the date of the supervision"
    elif held_on > today:
        errors["held_on"] = "Date of the supervision must be today or in the past"
    if kind is None:
        errors["kind"] = "Select the type of supervision"
    if minutes is None:
        errors["minutes"] = "Enter how long the supervision lasted, in minutes"
    elif not 0 < minutes <= MAX_MINUTES:
        errors["minutes"] = f"Duration must be between 1 and {MAX_MINUTES} minutes"
    if supervisor is None:
        errors["supervisor"] = "Enter the work email of someone on the staff list"
    elif supervisor.id == staff.id:
        errors["supervisor"] = "The supervisor must be someone other than the person supervised"
    if len(themes) > THEMES_LIMIT:
        errors["themes"] = f"Themes must be {THEMES_LIMIT:,} characters or fewer"
    else:
        errors.update(_themes_errors(scan({"themes": themes})))
    return errors


def _clean(text: str | None) -> str:
    return clean_text(text or "").replace("\r\n", "\n").strip()


def record_session(
    *,
    staff: StaffMember,
    supervisor: StaffMember | None,
    held_on: dt.date | None,
    kind: SupervisionKind | None,
    minutes: int | None,
    themes: str,
    actor: User,
    now: dt.datetime,
    today: dt.date,
) -> SupervisionRecord:
    """A session held with a person. Who may record it is the view's question
    (``permissions.can_record_for``); what it holds is checked here."""
    themes = _clean(themes)
    errors = session_errors(
        staff=staff,
        supervisor=supervisor,
        held_on=held_on,
        kind=kind,
        minutes=minutes,
        themes=themes,
        today=today,
    )
    if errors:
        raise RuleBroken(errors)
    record = SupervisionRecord(
        staff_id=staff.id,
        supervisor_id=supervisor.id,
        held_on=held_on,
        kind=kind,
        minutes=minutes,
        themes=themes,
        created_at=now,
        created_by_id=actor.id,
        updated_at=now,
        updated_by_id=actor.id,
    )
    db.session.add(record)
    db.session.flush()
    # Who recorded a session about whom, and when: never its themes.
    audit("supervision_recorded", now=now, actor=actor, subject=record, staff_id=staff.id)
    return record


def update_session(
    *,
    record: SupervisionRecord,
    held_on: dt.date | None,
    kind: SupervisionKind | None,
    minutes: int | None,
    themes: str,
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
    today: dt.date,
) -> SupervisionRecord:
    """Correct a session's record (its people stay: a session with someone else is another
    session)."""
    check_version(record, expected_version)
    themes = _clean(themes)
    errors = session_errors(
        staff=record.staff,
        supervisor=record.supervisor,
        held_on=held_on,
        kind=kind,
        minutes=minutes,
        themes=themes,
        today=today,
    )
    if errors:
        raise RuleBroken(errors)
    record.held_on = held_on
    record.kind = kind
    record.minutes = minutes
    record.themes = themes
    record.updated_at = now
    record.updated_by_id = actor.id
    db.session.flush()
    audit("supervision_changed", now=now, actor=actor, subject=record, staff_id=record.staff_id)
    return record


def _entry_text(record: SupervisionRecord) -> cpd_services.EntryText:
    """The start of a CPD entry: what, when and for how long, with supervision as the peer
    reflection Social Work England asks one piece a year to have. The peer is named by role,
    never by name (the CPD log's rule); the person writes what they learnt."""
    kind = record.kind.label
    themes = record.themes or "the themes we discussed"
    role = record.supervisor.job_role.title if record.supervisor.job_role else "supervisor"
    return cpd_services.EntryText(
        title=f"{kind} on {record.held_on.day} {record.held_on:%B %Y}",
        started_on=record.held_on,
        ended_on=None,
        activity_type=ActivityType.SUPERVISION,
        hours=(Decimal(record.minutes) / 60).quantize(Decimal("0.01")),
        description=f"{kind} with my supervisor. Themes: {themes}",
        learning="",
        impact="",
        peer_reflection=f"Discussed in {kind[:1].lower()}{kind[1:]}: {themes}",
        peer_role=f"My supervisor ({role})",
    )


def session_to_cpd(
    *, record: SupervisionRecord, actor: User, now: dt.datetime, today: dt.date
) -> int:
    """Make a session a draft entry in the supervisee's CPD log, once; the id of the entry.
    The CPD log's own confidentiality check applies to the text it is given."""
    if record.cpd_entry_id is not None:
        raise RuleBroken({"cpd": "This session is already in your CPD"})
    try:
        entry = cpd_services.save_entry(
            staff=record.staff,
            entry=None,
            text=_entry_text(record),
            complete=False,
            tag_ids=set(),
            allowed_tag_ids=set(),
            share=None,
            confirmed_digest=None,
            actor=actor,
            now=now,
            today=today,
        )
    except cpd_services.NeedsConfidentialityCheck as check:
        found = "; ".join(f"“{f.excerpt}” looks like {f.kind}" for f in check.findings)
        raise RuleBroken(
            {
                "cpd": f"This session's record looks as if it identifies someone ({found}): "
                "ask your supervisor to change its themes first"
            }
        ) from None
    record.cpd_entry_id = entry.id
    db.session.flush()
    return entry.id
