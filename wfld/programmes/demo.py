"""The demo council's cohort programmes, from seeds/demo/programmes.yaml: an ASYE cohort, a
Step Up cohort and an apprentice, with assessors' capacities, a first piece of portfolio and
the review points already behind them signed off.

Idempotent by natural keys (a cohort's intake, a person's employee number): what exists is
left alone, so a second load changes nothing, and nothing a demo user did since is undone.
Everything goes through the services, as a person using the pages would.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from wfld.organisation import queries as org_queries
from wfld.organisation.models import StaffMember
from wfld.programmes import cohorts_queries, enrolling, portfolio, queries, services, signing
from wfld.programmes.models import Enrolment
from wfld.programmes.rules import EvidenceKind, MilestoneAction
from wfld.supervision import services as supervision_services
from wfld.supervision.models import SupervisionKind

# The project root is two folders up (``wfld`` itself is not imported: it loads the CLI).
DEMO_FILE = Path(__file__).resolve().parents[2] / "seeds" / "demo" / "programmes.yaml"


def _staff(employee_number: str) -> StaffMember:
    staff = org_queries.find_staff_by_employee_number(str(employee_number))
    if staff is None:
        raise ValueError(f"programmes.yaml names {employee_number}, who is not in staff.csv")
    return staff


def load_demo_programmes(
    *, now: dt.datetime, today: dt.date, path: Path = DEMO_FILE
) -> dict[str, int]:
    """Load what is missing; how many of each thing were made (empty: nothing new)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    made: Counter[str] = Counter()
    for employee_number, capacity in data.get("capacities", {}).items():
        staff = _staff(employee_number)
        if cohorts_queries.find_capacity(staff.id) is None:
            enrolling.set_capacity(staff=staff, capacity=int(capacity), actor=None, now=now)
            made["assessor capacities"] += 1
    for spec in data["cohorts"]:
        cohort = queries.find_cohort_by_intake(spec["intake"])
        if cohort is None:
            template = queries.latest_template(spec["template"])
            if template is None:
                raise ValueError(
                    f"No programme template {spec['template']!r}: load the reference "
                    "programmes first (flask --app wsgi seed programmes)"
                )
            cohort = services.create_cohort(
                template=template,
                intake=spec["intake"],
                starts_on=spec["starts_on"],
                coordinator=_staff(spec["coordinator"]) if spec.get("coordinator") else None,
                actor=None,
                now=now,
            )
            made["cohorts"] += 1
        for member in spec["members"]:
            staff = _staff(member["staff"])
            if queries.find_enrolment_of(cohort.id, staff.id) is not None:
                continue
            enrolment = enrolling.enrol_person(
                cohort=cohort,
                staff=staff,
                start_date=member["start"],
                fte=Decimal(str(member.get("fte", 1))),
                assessor=_staff(member["assessor"]) if member.get("assessor") else None,
                actor=None,
                now=now,
            )
            made["enrolments"] += 1
            made["pieces of evidence"] += _add_evidence(
                enrolment, member.get("evidence", []), now=now, today=today
            )
            made["signed-off reviews"] += _sign(
                enrolment, member.get("signed", []), now=now, today=today
            )
            made["supervision sessions"] += _add_supervision(
                enrolment, skip=set(member.get("supervision_missed", [])), now=now, today=today
            )
    return {kind: n for kind, n in made.items() if n}


def _add_evidence(
    enrolment: Enrolment, pieces: list[dict[str, Any]], *, now: dt.datetime, today: dt.date
) -> int:
    """The person's first pieces, each dated so many days after the start (none yet on a
    day still to come)."""
    added = 0
    author = enrolment.staff.user
    for piece in pieces:
        occurred_on = enrolment.start_date + dt.timedelta(days=int(piece["day"]))
        if occurred_on > today or author is None:
            continue
        kind = EvidenceKind(piece["kind"])
        scores = None
        if kind is EvidenceKind.SELF_ASSESSMENT:
            scores = {
                choice.item.id: int(piece["score"])
                for group in portfolio.item_groups(enrolment)
                for choice in group.items
            }
        portfolio.add_evidence(
            enrolment=enrolment,
            kind=kind,
            text=portfolio.EvidenceText(
                title=piece["title"],
                occurred_on=occurred_on,
                setting=piece.get("setting", ""),
                observer=piece.get("observer", ""),
                assessment=piece.get("assessment", ""),
                body=piece.get("body", ""),
                reflection=piece.get("reflection", ""),
            ),
            scores=scores,
            actor=author,
            now=now,
            today=today,
        )
        added += 1
    return added


def _sign(enrolment: Enrolment, keys: list[str], *, now: dt.datetime, today: dt.date) -> int:
    """Take each named review point that is due by ``today`` through submission, sign-off
    and (where the template asks) countersignature, by the people whose steps they are."""
    person = enrolment.staff.user
    assessor = enrolment.assessor.user if enrolment.assessor else None
    manager = enrolment.line_manager.user if enrolment.line_manager else None
    if person is None or assessor is None:
        return 0
    spec = enrolment.template.spec
    due = {d.key: d.due_on for d in queries.dates_of(enrolment)}
    signed = 0
    for key in keys:
        if due[key] > today:
            continue
        milestone = queries.find_milestone_by_key(enrolment, key)
        point = spec.point(key)
        steps = [
            (MilestoneAction.SUBMIT, person, f"My evidence for the {point.label.lower()}."),
            (MilestoneAction.SIGN_OFF, assessor, "Agreed at our review meeting."),
        ]
        if point.countersign is not None:
            if manager is None:
                continue
            steps.append((MilestoneAction.COUNTERSIGN, manager, "Countersigned."))
        for action, actor, text in steps:
            short = action is MilestoneAction.SIGN_OFF and signing.evidence_short(enrolment, key)
            signing.act(
                milestone=milestone,
                action=action,
                text=text,
                short_reason="Held on paper from before the tracker" if short else "",
                expected_version=None,
                actor=actor,
                now=now,
            )
        signed += 1
    return signed


def _add_supervision(
    enrolment: Enrolment, *, skip: set[int], now: dt.datetime, today: dt.date
) -> int:
    """The sessions the programme's cadence asks for, held by the supervisor on the second day
    of each slot up to yesterday, 90 minutes each (reflective every other time), except in the
    programme weeks listed in ``skip`` (a gap the demo shows)."""
    supervisor = enrolment.supervisor
    if supervisor is None or supervisor.user is None:
        return 0
    held = 0
    for band in enrolment.template.spec.cadence:
        for week in range(band.from_week, band.to_week + 1, band.every_weeks):
            day = enrolment.start_date + dt.timedelta(weeks=week - 1, days=1)
            if day >= today:
                return held
            if week in skip:
                continue
            supervision_services.record_session(
                staff=enrolment.staff,
                supervisor=supervisor,
                held_on=day,
                kind=SupervisionKind.REFLECTIVE if held % 2 else SupervisionKind.CASE,
                minutes=90,
                themes="Caseload, the week's learning and the development plan.",
                actor=supervisor.user,
                now=now,
                today=today,
            )
            held += 1
    return held
