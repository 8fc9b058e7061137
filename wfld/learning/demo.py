"""Demo pathways and a believable history of completions for the fictional council.

Deterministic: the same people get the same history on every machine. Idempotent: pathways
are found by name, and nobody's history is added to twice.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import yaml
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from wfld.catalogue.models import Completion, CompletionSource, CompletionStatus, LearningActivity
from wfld.extensions import db
from wfld.frameworks import queries as framework_queries
from wfld.learning import queries, services
from wfld.learning.models import Stage
from wfld.organisation import queries as org_queries
from wfld.organisation.models import StaffMember


def load_demo_pathways(path: Path, *, now: dt.datetime, today: dt.date) -> dict[str, int]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    created = {"pathways": 0, "completions": 0}
    for spec in data["pathways"]:
        if queries.find_pathway_by_name(spec["name"]) is not None:
            continue
        roles = [_role(title) for title in spec.get("roles") or []]
        pathway = services.create_pathway(
            name=spec["name"], description=spec.get("description"), roles=roles, actor=None, now=now
        )
        for requirement in spec["requirements"]:
            services.add_requirement(
                pathway=pathway,
                stage=Stage(requirement["stage"]),
                activity=_activity(requirement["activity"]) if "activity" in requirement else None,
                framework_item=_item(requirement["framework_item"], today)
                if "framework_item" in requirement
                else None,
                is_mandatory=requirement.get("mandatory", True),
                due_within_days=requirement.get("due_within_days"),
                renewal_months=requirement.get("renewal_months"),
                actor=None,
                now=now,
            )
        for number in spec.get("assign_to") or []:
            staff = org_queries.find_staff_by_employee_number(number)
            if staff is not None and not staff.has_left(today):
                services.assign_pathway(
                    pathway=pathway, staff=staff, actor=None, now=now, today=today
                )
        created["pathways"] += 1
    created["completions"] = _demo_history(now=now, today=today)
    return created


def _demo_history(*, now: dt.datetime, today: dt.date) -> int:
    """Most people are up to date; some renewals lapsed; newer starters have gaps."""
    if db.session.scalar(select(func.count()).select_from(Completion)):
        return 0
    activities = {a.id: a for a in db.session.scalars(select(LearningActivity))}
    staff = db.session.scalars(select(StaffMember).order_by(StaffMember.employee_number)).all()
    requirements = queries.requirements_by_role(
        set(db.session.scalars(select(StaffMember.job_role_id).distinct()))
    )
    added = 0
    for person in staff:
        rng = random.Random(person.employee_number)
        for requirement in requirements.get(person.job_role_id, []):
            activity = activities.get(requirement.activity_id)
            if activity is None or rng.random() < 0.15:  # not done yet
                continue
            latest = min(today, person.leaving_date or today)
            span = max(1, (latest - person.start_date).days)
            if activity.validity_months:
                # Usually within its validity; one in five has lapsed.
                window = activity.validity_months * 30
                back = (
                    rng.randint(window, window + 200)
                    if rng.random() < 0.2
                    else rng.randint(0, window - 60)
                )
            else:
                back = rng.randint(0, span)
            completed_on = max(person.start_date, latest - dt.timedelta(days=back))
            db.session.add(
                Completion(
                    staff_id=person.id,
                    activity_id=activity.id,
                    completed_on=completed_on,
                    expires_on=completed_on + relativedelta(months=activity.validity_months)
                    if activity.validity_months
                    else None,
                    source=CompletionSource.MANUAL,
                    status=CompletionStatus.VERIFIED,
                    note="Demo history",
                    recorded_at=now,
                )
            )
            added += 1
    db.session.flush()
    return added


def _role(title: str):  # noqa: ANN202
    role = org_queries.find_job_role_by_title(title)
    if role is None:
        raise ValueError(f"pathways.yaml: there is no job role called {title!r}")
    return role


def _activity(title: str) -> LearningActivity:
    activity = db.session.scalar(select(LearningActivity).where(LearningActivity.title == title))
    if activity is None:
        raise ValueError(
            f"pathways.yaml: there is no activity called {title!r} (run `seed catalogue` first)"
        )
    return activity


def _item(reference: str, today: dt.date):  # noqa: ANN202
    code, item_code = reference.split(":", 1)
    framework = framework_queries.find_framework_by_code(code)
    version = framework_queries.current_version(framework, today=today) if framework else None
    item = framework_queries.find_item_by_code(version.id, item_code) if version else None
    if item is None:
        raise ValueError(
            f"pathways.yaml: there is no framework item {reference!r} (run `seed frameworks` first)"
        )
    return item
