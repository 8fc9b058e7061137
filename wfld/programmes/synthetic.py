"""The synthetic council's cohort programmes: ASYE, Step Up, apprenticeship and PEPS cohorts
with a year of evidence, supervision, review sign-offs and outcomes.

- "ASYE child and family <this year>": every NQSW in post, topped up with the most recently
  started social workers to about 6% of staff (300 at 5,000 staff: the dashboard's target),
  each part of the way through their year as of ``today``.
- "ASYE child and family <last year>": about 0.6% of staff (30 at 5,000: the moderation
  bundle's target), social workers who started 13 to 24 months ago, with the whole year
  behind them: about 40 pieces of evidence each, every review signed off and the final one
  countersigned, the assessor's recommendation and the panel's decision. Its first member is
  the database's first enrolment (the benchmark's progress record PDF).
- Step Up, the degree apprenticeship and PEPS stages 1 and 2: their trainees, apprentices
  and practice educators, part of the way through.

Rows are inserted in bulk, but they are the rows the services make: an "enrolled" event for
each enrolment (then pauses, status changes, the recommendation and the panel), a milestone
per review point whose cached state is its event log replayed by ``rules.state_from``, the
evidence's review point from ``rules.review_point_for``, a sign-off with evidence short only
with its reason, signed by the template's signer and countersigned by someone else, and
``ends_on`` from ``rules.schedule``. The words are invented and name nobody.

People come from the organisation's generator as plain objects (``SyntheticPerson`` names
what is read), so this module needs nothing of that generator but its output.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from dateutil.relativedelta import relativedelta
from sqlalchemy import bindparam, update

from wfld.core.synthetic import SyntheticRun, day_between, insert_returning_ids, insert_rows
from wfld.extensions import db
from wfld.programmes import queries
from wfld.programmes.models import (
    AssessorCapacity,
    Cohort,
    Enrolment,
    EnrolmentEvent,
    EnrolmentEventKind,
    Evidence,
    Milestone,
    MilestoneEvent,
    Outcome,
    PanelDecision,
    ProgrammeTemplate,
    Recommendation,
    SelfAssessmentScore,
    WorkloadMonth,
    evidence_items,
)
from wfld.programmes.rules import (
    DueDate,
    EnrolmentStatus,
    EvidenceKind,
    MilestoneAction,
    Pause,
    Signer,
    TemplateSpec,
    review_point_for,
    schedule,
    shortfalls,
    state_from,
)
from wfld.programmes.seeding import load_reference_programmes
from wfld.supervision.models import SupervisionKind, SupervisionRecord

BIG_COHORT_SHARE = 0.06  # of staff: 300 at 5,000
FINISHED_COHORT_SHARE = 0.006  # 30 at 5,000
PEPS_SHARE = 0.004  # 20 at 5,000
ASYE_PIECES = (36, 44)  # a whole ASYE year's portfolio
EXTRA_PIECES = (2, 8)  # over the minimums, for the other programmes
ASSESSOR_LOAD = 4  # people each assessor takes before the next is used
BEHIND = 0.12  # members short of evidence, late with reviews, missing supervision
PAUSED = 0.04
WITHDRAWN = 0.03
FAILED = 0.05  # of the finished cohort

ASSESSOR_ROLES = ("senior_sw", "advanced", "atm")
PRACTICE_EDUCATOR_ROLES = ("senior_sw", "advanced")
NEWLY_QUALIFIED_ROLES = ("sw", "fostering_sw")

TITLES = {
    EvidenceKind.DIRECT_OBSERVATION: (
        "Observation: home visit on {}",
        "Observation: child protection conference on {}",
        "Observation: direct work session on {}",
        "Observation: family network meeting on {}",
    ),
    EvidenceKind.FEEDBACK_PERSON: (
        "Feedback from a young person on {}",
        "Feedback from a parent on {}",
        "Feedback from a carer on {}",
    ),
    EvidenceKind.FEEDBACK_PROFESSIONAL: (
        "Feedback from a school designated safeguarding lead on {}",
        "Feedback from a health visitor on {}",
        "Feedback from the independent reviewing officer on {}",
    ),
    EvidenceKind.WRITTEN_WORK: (
        "Child and family assessment: {}",
        "Court statement: {}",
        "Case summary and chronology: {}",
    ),
    EvidenceKind.CRITICAL_REFLECTION: ("Critical reflection on {}",),
    EvidenceKind.DEVELOPMENT_PLAN: ("Professional development plan: {}",),
    EvidenceKind.SELF_ASSESSMENT: ("Self-assessment against the framework: {}",),
}
TOPICS = (
    "neglect",
    "the voice of the child",
    "domestic abuse",
    "parental mental health",
    "exploitation outside the home",
    "permanence planning",
    "working with fathers",
    "analysis and risk",
    "child development",
    "adolescent neglect",
)
SETTINGS = ("Family home", "School", "Office visit room", "Contact centre", "Health centre")
OBSERVERS = {
    EvidenceKind.DIRECT_OBSERVATION: ("Assessor", "Practice educator", "Team manager"),
    EvidenceKind.FEEDBACK_PERSON: ("Young person", "Parent", "Foster carer"),
    EvidenceKind.FEEDBACK_PROFESSIONAL: ("Teacher", "Health visitor", "Police officer"),
}
BODY = (
    "Planned the visit around the child's routine and explained its purpose at the start.",
    "Brought the family's own words into the analysis and said plainly what must change.",
    "Linked the plan to the assessment's findings and agreed who does what by when.",
    "Checked understanding with the child using their own words and drawings.",
)
REFLECTION = (
    "I would now ask about the wider family sooner, before the plan narrows.",
    "Supervision helped me separate what I saw from what I concluded.",
    "Next time I will share my worries earlier with partners, in writing.",
    "I noticed my own assumptions about who protects the child, and tested them.",
)
SUBMIT = "I have added my reflections and the evidence for this review."
RETURN = "Please add the observation we discussed and a short reflection on it."
SIGN = "Good progress: the evidence shows safe, reflective practice for this stage."
COUNTERSIGN = "Agreed."
SHORT = "The family cancelled the planned observation twice; it is booked for next month."
THEMES = ("Caseload and priorities", "Reflection on a home visit", "Learning and development")


class SyntheticPerson(Protocol):
    """What this generator reads of each person the organisation's generator made."""

    n: int
    id: int
    user_id: int | None
    role: str
    manager: int | None
    team: int
    start_date: dt.date
    leaving_date: dt.date | None
    persona: str | None


@dataclass
class _Plan:
    """One enrolment, decided in memory before anything is inserted."""

    cohort: int  # index into the cohorts made
    person: SyntheticPerson
    template: ProgrammeTemplate
    start: dt.date
    assessor: SyntheticPerson
    manager: SyntheticPerson
    finished: bool = False  # the whole programme is behind them (the finished ASYE cohort)
    behind: bool = False
    pause: Pause | None = None
    withdrawn_on: dt.date | None = None
    fail: bool = False
    id: int = 0
    dates: tuple[DueDate, ...] = field(default=())


def generate_programmes(
    run: SyntheticRun, people: Sequence[SyntheticPerson], *, reference_dir: Path
) -> None:
    """Load the reference templates from ``reference_dir`` (seeds/reference/programmes; the
    frameworks and job roles they name first), then the cohorts."""
    load_reference_programmes(reference_dir, now=run.now)
    rng = run.rng("programmes")
    today = run.today
    in_post = [
        p for p in people if p.user_id and (p.leaving_date is None or p.leaving_date > today)
    ]
    by_n = {p.n: p for p in people}
    admin = next(p for p in people if p.persona == "wfld_admin")
    lead = next(p for p in people if p.persona == "line_manager")
    templates = {
        code: queries.latest_template(code)
        for code in (
            "asye-child-family",
            "step-up",
            "social-work-apprenticeship",
            "peps-stage-1",
            "peps-stage-2",
        )
    }
    assessors = _Assessors(rng, in_post, by_n, lead)
    staff = len(people)
    cohorts: list[dict] = []
    plans: list[_Plan] = []

    def cohort(template: ProgrammeTemplate, intake: str, members: list[tuple]) -> None:
        """members: (person, start, finished)"""
        if not members or template is None:
            return
        index = len(cohorts)
        cohorts.append(
            {
                "template_id": template.id,
                "intake": intake,
                "starts_on": min(start for _, start, _ in members),
                "coordinator_id": admin.id,
                "created_at": run.now,
                "created_by_id": admin.user_id,
                "version_id": 1,
            }
        )
        for person, start, finished in members:
            manager = by_n.get(person.manager) if person.manager else None
            if manager is None or not manager.user_id:
                continue
            plans.append(
                _Plan(
                    cohort=index,
                    person=person,
                    template=template,
                    start=start,
                    assessor=assessors.pick(person, manager),
                    manager=manager,
                    finished=finished,
                )
            )

    asye = templates["asye-child-family"]
    # Last year's ASYE, finished: social workers who started 13 to 24 months ago.
    finished_members = sorted(
        (
            p
            for p in in_post
            if p.role in NEWLY_QUALIFIED_ROLES
            and today - relativedelta(months=24) <= p.start_date <= today - relativedelta(months=14)
        ),
        key=lambda p: (p.start_date, p.n),
    )[: max(3, round(staff * FINISHED_COHORT_SHARE))]
    # This year's: every NQSW, topped up with the most recent starters.
    nqsws = sorted((p for p in in_post if p.role == "nqsw"), key=lambda p: p.n)
    nqsws.sort(key=lambda p: p.persona != "nqsw")  # the persona first
    taken = {p.n for p in finished_members} | {p.n for p in nqsws}
    top_up = sorted(
        (p for p in in_post if p.role in NEWLY_QUALIFIED_ROLES and p.n not in taken),
        key=lambda p: (-p.start_date.toordinal(), p.n),
    )[: max(0, round(staff * BIG_COHORT_SHARE) - len(nqsws))]
    current = [(p, max(p.start_date, today - dt.timedelta(days=330)), False) for p in nqsws] + [
        (p, day_between(rng, today - dt.timedelta(days=330), today - dt.timedelta(days=20)), False)
        for p in top_up
    ]
    cohort(asye, f"ASYE child and family {today.year}", current)
    cohort(
        asye,
        f"ASYE child and family {today.year - 1}",
        [(p, p.start_date, True) for p in finished_members],
    )
    step_up_start = dt.date(today.year if today.month > 1 else today.year - 1, 1, 5)
    cohort(
        templates["step-up"],
        f"Step Up to Social Work {step_up_start:%B %Y}",
        [(p, max(step_up_start, p.start_date), False) for p in in_post if p.role == "step_up"],
    )
    cohort(
        templates["social-work-apprenticeship"],
        f"Social work degree apprenticeship {today.year}",
        [(p, p.start_date, False) for p in in_post if p.role == "apprentice"],
    )
    educators = [
        p
        for p in in_post
        if p.role in PRACTICE_EDUCATOR_ROLES and p.start_date <= today - relativedelta(years=3)
    ]
    educators = rng.sample(educators, k=min(len(educators), round(staff * PEPS_SHARE)))
    stage_one = educators[: len(educators) * 3 // 5]
    for code, group in (("peps-stage-1", stage_one), ("peps-stage-2", educators[len(stage_one) :])):
        cohort(
            templates[code],
            f"{templates[code].name} {today.year}",
            [(p, today - dt.timedelta(days=rng.randint(30, 200)), False) for p in group],
        )

    cohort_ids = insert_returning_ids(Cohort, cohorts)
    run.count("cohorts", len(cohort_ids))
    # The finished cohort's members first: its first member is the first enrolment.
    plans.sort(key=lambda plan: (not plan.finished, plan.cohort))
    for plan in plans:
        _decide(rng, plan, today)
    _insert(run, rng, plans, cohort_ids, admin)
    insert_rows(
        AssessorCapacity,
        (
            {
                "staff_id": staff_id,
                "capacity": load - (1 if rng.random() < 0.05 else 0) or 1,
                "version_id": 1,
            }
            for staff_id, load in sorted(assessors.open_loads(plans).items())
        ),
    )


class _Assessors:
    """Experienced social workers in the person's own team first, then anywhere; never the
    person or their line manager (the countersignature must be someone else's). The line
    manager persona assesses the NQSW persona and some of their own team, so their To sign
    off page has work on it."""

    def __init__(
        self,
        rng: random.Random,
        in_post: list[SyntheticPerson],
        by_n: dict[int, SyntheticPerson],
        lead: SyntheticPerson,
    ) -> None:
        self.rng = rng
        self.lead = lead
        self.by_team: dict[int, list[SyntheticPerson]] = defaultdict(list)
        for p in in_post:
            if p.role in ASSESSOR_ROLES:
                self.by_team[p.team].append(p)
        self.everyone = [p for team in sorted(self.by_team) for p in self.by_team[team]]
        self.load: Counter[int] = Counter()

    def pick(self, person: SyntheticPerson, manager: SyntheticPerson) -> SyntheticPerson:
        lead_may = self.lead.n not in (person.n, manager.n)
        wanted = person.persona == "nqsw" or (
            person.team == self.lead.team and self.load[self.lead.n] < 2 * ASSESSOR_LOAD
        )
        if lead_may and wanted:
            self.load[self.lead.n] += 1
            return self.lead
        for pool in (self.by_team.get(person.team, []), self.everyone):
            free = [
                p
                for p in pool
                if p.n not in (person.n, manager.n) and self.load[p.n] < ASSESSOR_LOAD
            ]
            if free:
                chosen = min(free, key=lambda p: (self.load[p.n], p.n))
                self.load[chosen.n] += 1
                return chosen
        chosen = self.rng.choice([p for p in self.everyone if p.n not in (person.n, manager.n)])
        self.load[chosen.n] += 1
        return chosen

    @staticmethod
    def open_loads(plans: list[_Plan]) -> dict[int, int]:
        loads: Counter[int] = Counter()
        for plan in plans:
            loads[plan.assessor.id] += 0 if plan.finished or plan.withdrawn_on else 1
        return {staff_id: max(load, 1) for staff_id, load in loads.items()}


def _decide(rng: random.Random, plan: _Plan, today: dt.date) -> None:
    """Who is behind, paused, withdrawn or failed; then the dates those make."""
    spec = plan.template.spec
    persona = plan.person.persona is not None
    plan.behind = not plan.finished and not persona and rng.random() < BEHIND
    if not persona and not plan.finished and (today - plan.start).days > 120:
        if rng.random() < PAUSED:
            begins = day_between(
                rng, plan.start + dt.timedelta(days=30), today - dt.timedelta(days=70)
            )
            plan.pause = Pause(begins, begins + dt.timedelta(days=rng.randint(14, 56)), "Sickness")
        elif rng.random() < WITHDRAWN:
            plan.withdrawn_on = day_between(rng, plan.start + dt.timedelta(days=60), today)
    plan.fail = plan.finished and rng.random() < FAILED
    plan.dates = schedule(spec, start=plan.start, pauses=(plan.pause,) if plan.pause else ())


def _piece_days(
    rng: random.Random,
    spec: TemplateSpec,
    dates: tuple[DueDate, ...],
    kind: EvidenceKind,
    count: int,
    start: dt.date,
) -> list[dt.date]:
    """Each piece of a kind dated before the review point that needs it, spread over the
    programme (the j-th piece lands before the first point whose minimum needs j + 1)."""
    due = {d.key: d.due_on for d in dates}
    end = [d for d in dates if not spec.point(d.key).panel][-1].due_on
    needs = sorted(
        ((m.count, due[m.by]) for m in spec.evidence if m.kind is kind), key=lambda x: x[0]
    )
    days = []
    span = (end - start).days
    for j in range(count):
        deadline = next((day for n, day in needs if n > j), end) - dt.timedelta(days=3)
        earliest = start + dt.timedelta(days=span * j // max(count, 1))
        days.append(day_between(rng, min(earliest, deadline), deadline))
    return days


def _insert(
    run: SyntheticRun,
    rng: random.Random,
    plans: list[_Plan],
    cohort_ids: list[int],
    admin: SyntheticPerson,
) -> None:
    today = run.today
    enrolment_rows = []
    for plan in plans:
        enrolment_rows.append(
            {
                "cohort_id": cohort_ids[plan.cohort],
                "staff_id": plan.person.id,
                "template_id": plan.template.id,
                "start_date": plan.start,
                "assessor_id": plan.assessor.id,
                "line_manager_id": plan.manager.id,
                "supervisor_id": plan.manager.id,
                "status": EnrolmentStatus.ACTIVE,
                "fte": Decimal("1.00"),
                "ends_on": plan.dates[-1].due_on,
                "qualified_on": plan.start - dt.timedelta(days=rng.randint(60, 200))
                if plan.template.code.startswith("asye")
                else None,
                "registered_on": plan.start - dt.timedelta(days=rng.randint(10, 50))
                if plan.template.code.startswith("asye")
                else None,
                "agreement_needed": False,
                "updated_at": _at(plan.start - dt.timedelta(days=14)),
                "updated_by_id": admin.user_id,
                "version_id": 1,
            }
        )
    ids = insert_returning_ids(Enrolment, enrolment_rows)
    for plan, id_ in zip(plans, ids, strict=True):
        plan.id = id_
    run.count("enrolments", len(ids))

    milestone_rows = [
        {
            "enrolment_id": plan.id,
            "key": point.key,
            "position": position,
            "state": "not_started",
            "updated_at": _at(plan.start - dt.timedelta(days=14)),
            "version_id": 1,
        }
        for plan in plans
        for position, point in enumerate(plan.template.spec.review_points)
    ]
    milestone_ids = insert_returning_ids(Milestone, milestone_rows)
    milestone_of = {
        (row["enrolment_id"], row["key"]): (id_, row)
        for row, id_ in zip(milestone_rows, milestone_ids, strict=True)
    }

    items_of: dict[int, tuple[list[int], list[int]]] = {}
    pieces, piece_items, piece_scores = [], [], []
    events, milestone_events, outcomes, sessions, workload = [], [], [], [], []
    for plan in plans:
        template = plan.template
        if template.id not in items_of:
            items = [i for v in template.framework_versions for i in v.items if not i.is_retired]
            items_of[template.id] = (
                [i.id for i in items],
                [i.id for i in items if i.parent_id is None],
            )
        tag_ids, top_ids = items_of[template.id]
        horizon = min(today, plan.withdrawn_on or today)
        made = _portfolio(rng, plan, horizon, tag_ids, top_ids)
        pieces.extend(made[0])
        piece_items.append(made[1])
        piece_scores.append(made[2])
        enrolment_events, acts, outcome = _reviews(rng, plan, horizon, made[0], admin)
        events.extend(enrolment_events)
        if outcome is not None:
            outcomes.append(outcome)
        for key, action, actor, at, comment, reason in acts:
            milestone_events.append(
                {
                    "milestone_id": milestone_of[(plan.id, key)][0],
                    "action": action,
                    "comment": comment,
                    "short_reason": reason,
                    "actor_id": actor,
                    "at": at,
                }
            )
        sessions.extend(_sessions(rng, plan, horizon))
        if template.spec.protected_time_percent:
            workload.extend(_workload(rng, plan, horizon))

    piece_ids = insert_returning_ids(Evidence, pieces)
    insert_rows(
        evidence_items,
        (
            {"evidence_id": piece_ids[offset + i], "item_id": item}
            for offset, per_plan in _offsets(piece_items)
            for i, chosen in enumerate(per_plan)
            for item in chosen
        ),
    )
    insert_rows(
        SelfAssessmentScore,
        (
            {"evidence_id": piece_ids[offset + i], "item_id": item, "score": score}
            for offset, per_plan in _offsets(piece_scores)
            for i, scored in enumerate(per_plan)
            for item, score in scored
        ),
    )
    run.count("pieces of programme evidence", len(piece_ids))
    insert_rows(EnrolmentEvent, events)
    insert_rows(MilestoneEvent, milestone_events)
    run.count("milestone events", len(milestone_events))
    insert_rows(Outcome, outcomes)
    run.count("programme outcomes", len(outcomes))
    insert_rows(SupervisionRecord, sessions)
    run.count("supervision records", len(sessions))
    insert_rows(WorkloadMonth, workload)

    # The caches the services keep: each milestone's state replayed from its log (and its
    # version bumped once per step), each enrolment's status and completion from its events.
    spec_of = {plan.id: plan.template.spec for plan in plans}
    logs: dict[int, list[dict]] = defaultdict(list)
    for event in milestone_events:
        logs[event["milestone_id"]].append(event)
    updates = []
    for (enrolment_id, key), (milestone_id, _row) in milestone_of.items():
        log = logs.get(milestone_id)
        if not log:
            continue
        countersign = spec_of[enrolment_id].point(key).countersign is not None
        updates.append(
            {
                "b_id": milestone_id,
                "state": state_from([e["action"] for e in log], countersign_needed=countersign),
                "summary": next(
                    (e["comment"] for e in reversed(log) if e["action"] is MilestoneAction.SUBMIT),
                    "",
                ),
                "updated_at": log[-1]["at"],
                "updated_by_id": log[-1]["actor_id"],
                "version_id": 1 + len(log),
            }
        )
    _bulk_update(Milestone, updates)
    latest: dict[int, dict] = {}
    last_at: dict[int, dt.datetime] = {}
    changes: Counter[int] = Counter()
    for event in events:
        last_at[event["enrolment_id"]] = max(
            event["at"], last_at.get(event["enrolment_id"], event["at"])
        )
        if event["kind"] is not EnrolmentEventKind.ENROLLED:
            changes[event["enrolment_id"]] += 1
        if event["status"] is not None:
            latest[event["enrolment_id"]] = event
    closed = (EnrolmentStatus.COMPLETED, EnrolmentStatus.FAILED)
    _bulk_update(
        Enrolment,
        [
            {
                "b_id": plan.id,
                "status": latest[plan.id]["status"],
                "completed_on": latest[plan.id]["starts_on"]
                if latest[plan.id]["status"] in closed
                else None,
                "updated_at": last_at[plan.id],
                "version_id": 1 + changes[plan.id],
            }
            for plan in plans
            if plan.id in latest
        ],
    )


def _bulk_update(model: type, rows: list[dict]) -> None:
    """UPDATE … WHERE id = :b_id, executemany (the ORM's bulk update would load nothing
    either, but wants the primary key under its own name, which the values also use)."""
    if not rows:
        return
    table = model.__table__
    values = {name: bindparam(name) for name in rows[0] if name != "b_id"}
    db.session.execute(update(table).where(table.c.id == bindparam("b_id")).values(values), rows)


def _offsets(per_plan: list[list]) -> list[tuple[int, list]]:
    found, offset = [], 0
    for chosen in per_plan:
        found.append((offset, chosen))
        offset += len(chosen)
    return found


def _at(day: dt.date, hour: int = 17) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def _portfolio(
    rng: random.Random, plan: _Plan, horizon: dt.date, tag_ids: list[int], top_ids: list[int]
) -> tuple[list[dict], list[list[int]], list[list[tuple[int, int]]]]:
    """The pieces dated up to ``horizon``, with their items and self-assessment scores."""
    spec = plan.template.spec
    minimums = spec.final_minimums()
    counts = dict(minimums)
    total = rng.randint(*(ASYE_PIECES if plan.template.code.startswith("asye") else (0, 0)))
    extra = max(0, total - sum(counts.values())) or rng.randint(*EXTRA_PIECES)
    kinds = [k for k in EvidenceKind if k is not EvidenceKind.SELF_ASSESSMENT] or list(EvidenceKind)
    for _ in range(extra):
        kind = rng.choice(kinds)
        counts[kind] = counts.get(kind, 0) + 1
    rows, items, scores = [], [], []
    for kind, count in counts.items():
        for n, day in enumerate(_piece_days(rng, spec, plan.dates, kind, count, plan.start)):
            if day > horizon or day < plan.start:
                continue
            if plan.behind and rng.random() < 0.35:
                continue
            topic = rng.choice(TOPICS)
            at = _at(day)
            rows.append(
                {
                    "enrolment_id": plan.id,
                    "kind": kind,
                    "title": rng.choice(TITLES[kind]).format(topic),
                    "occurred_on": day,
                    "review_key": review_point_for(plan.dates, day),
                    "setting": rng.choice(SETTINGS)
                    if kind is EvidenceKind.DIRECT_OBSERVATION
                    else "",
                    "observer": rng.choice(OBSERVERS[kind]) if kind in OBSERVERS else "",
                    "assessment": rng.choice(BODY)
                    if kind is EvidenceKind.DIRECT_OBSERVATION
                    else "",
                    "body": " ".join(rng.sample(BODY, k=2)),
                    "reflection": rng.choice(REFLECTION),
                    "cpd_entry_id": None,
                    "created_at": at,
                    "created_by_id": plan.person.user_id,
                    "updated_at": at,
                    "updated_by_id": plan.person.user_id,
                    "version_id": 1,
                }
            )
            items.append(rng.sample(tag_ids, k=min(len(tag_ids), rng.randint(1, 3))))
            if kind is EvidenceKind.SELF_ASSESSMENT:
                grown = min(3, n)
                scores.append([(item, min(4, 1 + grown + rng.randint(0, 1))) for item in top_ids])
            else:
                scores.append([])
    order = sorted(range(len(rows)), key=lambda i: (rows[i]["occurred_on"], i))
    return [rows[i] for i in order], [items[i] for i in order], [scores[i] for i in order]


def _signer(plan: _Plan, signer: Signer) -> SyntheticPerson:
    return plan.assessor if signer is Signer.ASSESSOR else plan.manager


def _reviews(
    rng: random.Random, plan: _Plan, horizon: dt.date, pieces: list[dict], admin: SyntheticPerson
) -> tuple[list[dict], list[tuple], dict | None]:
    """The enrolment's events, each review point's actions, and the outcome."""
    spec = plan.template.spec
    events = [
        _event(
            plan,
            EnrolmentEventKind.ENROLLED,
            plan.start - dt.timedelta(days=14),
            admin,
            starts_on=plan.start,
            fte=Decimal("1.00"),
            assessor_id=plan.assessor.id,
            status=EnrolmentStatus.ACTIVE,
        )
    ]
    if plan.pause is not None:
        events.append(
            _event(
                plan,
                EnrolmentEventKind.PAUSED,
                plan.pause.starts_on,
                admin,
                starts_on=plan.pause.starts_on,
                ends_on=plan.pause.ends_on,
                reason=plan.pause.reason,
            )
        )
    person = plan.person.user_id
    acts: list[tuple] = []
    late_left = plan.behind
    last_done: dt.datetime | None = None
    for due in plan.dates:
        point = spec.point(due.key)
        if point.panel:
            continue
        if due.optional and rng.random() < 0.5:
            continue  # an optional review (the ASYE's 9-month one) half of them skip
        submit_day = due.due_on - dt.timedelta(days=rng.randint(3, 12))
        if submit_day > horizon:
            break
        signer = _signer(plan, point.signer).user_id
        submitted = _at(submit_day, 10)
        acts.append((due.key, MilestoneAction.SUBMIT, person, submitted, SUBMIT, ""))
        sign_day = due.due_on + dt.timedelta(days=rng.randint(0, 14))
        if late_left and sign_day > horizon - dt.timedelta(days=60):
            late_left = False
            break  # submitted and waiting for the signer (or late: on the To sign off page)
        if rng.random() < 0.2 and submit_day + dt.timedelta(days=4) <= horizon:
            returned = submit_day + dt.timedelta(days=2)
            acts.append((due.key, MilestoneAction.RETURN, signer, _at(returned, 11), RETURN, ""))
            acts.append(
                (
                    due.key,
                    MilestoneAction.SUBMIT,
                    person,
                    _at(returned + dt.timedelta(days=2), 10),
                    SUBMIT,
                    "",
                )
            )
        if sign_day > horizon:
            break  # not signed yet
        signed = _at(sign_day, 15)
        have = Counter(p["kind"] for p in pieces if p["created_at"] <= signed)
        short = shortfalls(spec, due.key, dict(have))
        acts.append(
            (due.key, MilestoneAction.SIGN_OFF, signer, signed, SIGN, SHORT if short else "")
        )
        last_done = signed
        if point.countersign is not None:
            counter_day = sign_day + dt.timedelta(days=rng.randint(1, 7))
            if counter_day > horizon:
                break
            countersigner = _signer(plan, point.countersign).user_id
            acts.append(
                (
                    due.key,
                    MilestoneAction.COUNTERSIGN,
                    countersigner,
                    _at(counter_day, 16),
                    COUNTERSIGN,
                    "",
                )
            )
            last_done = _at(counter_day, 16)
    if plan.withdrawn_on is not None:
        events.append(
            _event(
                plan,
                EnrolmentEventKind.STATUS_CHANGED,
                plan.withdrawn_on,
                admin,
                status=EnrolmentStatus.WITHDRAWN,
                reason="Left the council",
            )
        )
    outcome = None
    final_keys = [d.key for d in plan.dates if not spec.point(d.key).panel]
    final_done = {
        a[0] for a in acts if a[1] in (MilestoneAction.SIGN_OFF, MilestoneAction.COUNTERSIGN)
    }
    panel = [d for d in plan.dates if spec.point(d.key).panel]
    if plan.finished and final_keys[-1] in final_done and panel and last_done is not None:
        recommendation = Recommendation.FAIL if plan.fail else Recommendation.PASS
        recommended_on = last_done.date() + dt.timedelta(days=2)
        panel_on = max(panel[0].due_on, recommended_on + dt.timedelta(days=7))
        decided = panel_on <= horizon
        status = EnrolmentStatus.FAILED if plan.fail else EnrolmentStatus.COMPLETED
        events.append(
            _event(
                plan,
                EnrolmentEventKind.RECOMMENDED,
                recommended_on,
                plan.assessor,
                reason=recommendation.label,
            )
        )
        if decided:
            events.append(
                _event(
                    plan,
                    EnrolmentEventKind.PANEL_DECIDED,
                    panel_on,
                    admin,
                    status=status,
                    starts_on=panel_on,
                    reason=f"{PanelDecision.CONFIRM.label} ({recommendation.label.lower()})",
                )
            )
        outcome = {
            "enrolment_id": plan.id,
            "recommendation": recommendation,
            "recommended_on": recommended_on,
            "recommended_by_id": plan.assessor.user_id,
            "rationale": "The portfolio shows capable, reflective practice at this level."
            if not plan.fail
            else "Concerns about analysis and recording remained after the extra support.",
            "panel_on": panel_on if decided else None,
            "panel_members": "ASYE coordinator; principal social worker; a practice educator"
            if decided
            else "",
            "decision": PanelDecision.CONFIRM if decided else None,
            "decision_note": "",
            "progressed_on": None,
            "updated_at": _at(panel_on if decided else recommended_on),
            "updated_by_id": admin.user_id if decided else plan.assessor.user_id,
            "version_id": 2 if decided else 1,
        }
    return events, acts, outcome


def _event(
    plan: _Plan,
    kind: EnrolmentEventKind,
    day: dt.date,
    actor: SyntheticPerson,
    **values: object,
) -> dict:
    row = {
        "enrolment_id": plan.id,
        "kind": kind,
        "starts_on": None,
        "ends_on": None,
        "days": None,
        "fte": None,
        "assessor_id": None,
        "status": None,
        "reason": "",
        "actor_id": actor.user_id,
        "at": _at(day, 9),
    }
    row.update(values)
    return row


def _sessions(rng: random.Random, plan: _Plan, horizon: dt.date) -> list[dict]:
    """Supervision at the template's cadence (monthly where it sets none), a few missed; a
    member who is behind misses more."""
    spec = plan.template.spec
    bands = [(b.from_week, b.to_week, b.every_weeks) for b in spec.cadence] or [
        (1, spec.length_months * 52 // 12, 4)
    ]
    minutes = max(spec.session_minutes, 60)
    miss = 0.25 if plan.behind else 0.06
    rows = []
    for first, last, every in bands:
        for week in range(first, last + 1, every):
            slot = plan.start + dt.timedelta(weeks=week - 1)
            day = slot + dt.timedelta(days=rng.randint(0, max(0, every * 7 - 3)))
            if day > horizon:
                return rows
            if plan.pause and plan.pause.starts_on <= day <= plan.pause.ends_on:
                continue
            if rng.random() < miss:
                continue
            at = _at(day, 16)
            rows.append(
                {
                    "staff_id": plan.person.id,
                    "supervisor_id": plan.manager.id,
                    "held_on": day,
                    "kind": SupervisionKind.GROUP
                    if rng.random() < 0.1
                    else rng.choice((SupervisionKind.CASE, SupervisionKind.REFLECTIVE)),
                    "minutes": rng.choice((minutes, minutes, minutes + 15, minutes + 30, 60)),
                    "themes": rng.choice(THEMES),
                    "cpd_entry_id": None,
                    "created_at": at,
                    "created_by_id": plan.manager.user_id,
                    "updated_at": at,
                    "updated_by_id": plan.manager.user_id,
                    "version_id": 1,
                }
            )
    return rows


def _workload(rng: random.Random, plan: _Plan, horizon: dt.date) -> list[dict]:
    """A month's caseload (building up over the year) and protected time taken."""
    rows = []
    month = plan.start.replace(day=1)
    n = 0
    while month + relativedelta(months=1) <= horizon and n < plan.template.spec.length_months:
        at = _at(month + relativedelta(months=1))
        rows.append(
            {
                "enrolment_id": plan.id,
                "month": month,
                "caseload": min(18, 6 + n + rng.randint(0, 3)),
                "protected_hours": Decimal(rng.choice(("9.0", "12.0", "14.5", "16.0", "15.0"))),
                "note": "",
                "updated_at": at,
                "updated_by_id": plan.person.user_id,
                "version_id": 1,
            }
        )
        month += relativedelta(months=1)
        n += 1
    return rows
