"""The synthetic council's appraisals: this year's cycle (April to March) with the workforce
strategy's priorities, an annual conversation for everyone in post with a line manager, the
development plans the signed ones made, and team development plans for about half the teams.

- Stages in a believable mix as of ``today``: about 15% with nothing yet (most with no record,
  some opened but not started), 15% prepared, 20% held (some signed by one of the two) and 50%
  signed by both. The window for conversations closes a few weeks after ``today``, so the
  pages show the stages reached rather than everyone overdue.
- A held or signed conversation has 1 to 3 development needs, each linked to a catalogue
  activity and/or framework items of the frameworks for the person's role, and 1 or 2 SMART
  objectives, most linked to a strategy priority.
- A signed one has its plan: an action per need, in a mix of states (planned, in progress,
  done, dropped with a reason; never booked: there are no bookings behind them), each change
  of state in the action's review log. A few signed records were reopened and signed again
  (record version 2). Each signature that completed a version keeps its snapshot, in the
  shape ``record.snapshot_of`` gives.
- The practitioner persona's conversation is signed and is the first record (the signed
  record PDF scenario's); the line manager persona's team has a team plan.

Rows are inserted in bulk, as the other generators do; the words are invented and name
nobody. People come from the organisation's generator as plain objects
(``SyntheticPerson`` names what is read).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import select

from wfld.appraisal.models import (
    ActionReview,
    Appraisal,
    AppraisalCycle,
    AppraisalEvent,
    DevelopmentAction,
    DevelopmentNeed,
    DevelopmentPlan,
    Objective,
    ReviewContext,
    StrategyPriority,
    TeamNeed,
    TeamNeedSource,
    TeamPlan,
    action_framework_items,
    need_framework_items,
)
from wfld.appraisal.rules import (
    ActionState,
    ActionType,
    AppraisalKind,
    Aspiration,
    EventKind,
    Stage,
)
from wfld.catalogue import queries as catalogue_queries
from wfld.core.synthetic import SyntheticRun, day_between, insert_returning_ids, insert_rows
from wfld.extensions import db
from wfld.organisation.models import JobRole

PRIORITIES = (
    "Help children to live safely with their families wherever that is possible",
    "Grow and keep our own social workers",
    "Hear the voice of children and families in every plan",
    "Reflective supervision and practice that learns from audit",
    "Work with partners as one system around the family",
)
# Shares of the stages (none: no record yet, or one opened but not started).
STAGE_WEIGHTS = {
    None: 10,
    Stage.NOT_STARTED: 5,
    Stage.PREPARED: 15,
    Stage.HELD: 20,
    Stage.SIGNED: 50,
}
ONE_SIGNATURE = 0.3  # of held conversations: signed by one of the two so far
REOPENED = 0.03  # of signed ones: reopened and signed again as version 2
PRIORITY_LINKED = 0.85  # of objectives
ACTIVITY_LINKED = 0.6  # of needs
TEAM_PLANS = 0.5  # of teams
ACTION_STATES = {
    ActionState.PLANNED: 50,
    ActionState.IN_PROGRESS: 25,
    ActionState.DONE: 18,
    ActionState.DROPPED: 7,
}
WINDOW_AFTER_TODAY = dt.timedelta(days=42)
TEAM_LEADS = ("team_manager", "eh_manager", "res_manager")  # a front-line team's manager

# The frameworks a development need may name, by role (the first that exist are used).
SOCIAL_WORK = ("PCF", "KSS-CF-PRACTITIONER")
ROLE_FRAMEWORKS = {
    "nqsw": ("ECS-CF", "KSS-CF-PRACTITIONER", "PCF"),
    "sw": SOCIAL_WORK,
    "senior_sw": SOCIAL_WORK,
    "advanced": (*SOCIAL_WORK, "KSS-CF-SUPERVISOR"),
    "fostering_sw": SOCIAL_WORK,
    "iro": SOCIAL_WORK,
    "psw": ("KSS-CF-LEADER", "PCF"),
    "atm": ("KSS-CF-SUPERVISOR", "PCF"),
    "team_manager": ("KSS-CF-SUPERVISOR", "PCF"),
    "service_manager": ("KSS-CF-LEADER", "KSS-CF-SUPERVISOR"),
    "head": ("KSS-CF-LEADER",),
    "director": ("KSS-CF-LEADER",),
    "nurse": ("NMC-CODE", "CCSK"),
    "apprentice": ("PCF", "CCSK"),
    "student": ("PCF", "CCSK"),
    "step_up": ("PCF", "CCSK"),
}
OTHER_FRAMEWORKS = ("COUNCIL-CORE", "CCSK")

REFLECTION = (
    "This year I have carried a full caseload and I am proud of the relationships I built "
    "with the families I work with.",
    "I have found court work demanding; I want to feel more confident giving evidence.",
    "Supervision helped me slow down and think about what the child's day is really like.",
    "I would like more chances to learn from colleagues in other teams.",
    "Recording is still where I fall behind; I have started blocking time for it each week.",
    "I took on a student this year and found I enjoy helping others learn.",
)
VIEW = (
    "A committed and reliable colleague whose assessments are clear and child-centred.",
    "Good progress this year: analysis is stronger and plans are more specific.",
    "Relationships with families are a real strength; timeliness of recording needs work.",
    "Has stepped up during a difficult year for the team and supported newer colleagues.",
    "Practice is safe and reflective; ready for more complex work with support.",
)
FEEDBACK = (
    "Case audit in June graded the assessment good, noting the strong voice of the child.",
    "Two observations of practice this year, both positive about the direct work.",
    "Supervision themes: workload, confidence in court, analysis of cumulative harm.",
    "Feedback from a family: 'She listened and explained things so we understood.'",
)
STRENGTHS = (
    "Building trust with young people who are wary of professionals.",
    "Clear, well-organised recording and chronologies.",
    "Calm under pressure; a steadying presence in the team.",
    "Strong partnership working with schools and health colleagues.",
)
ASPIRATION_NOTES = (
    "Would like to explore the practice educator route next year.",
    "Interested in acting up when an assistant team manager post comes up.",
    "Happy in the current role; wants to deepen specialist knowledge.",
    "",
)
COMMENTS = (
    "I agree with the record. Thank you for a helpful conversation.",
    "Agreed. I would add that the team's vacancies affected my caseload this year.",
    "",
)
NEED_TOPICS = (
    "confidence giving evidence in court",
    "analysis of cumulative harm in assessments",
    "direct work with teenagers at risk of exploitation",
    "working with fathers and male carers",
    "chairing multi-agency meetings",
    "writing plans that families can follow",
    "supervising and supporting students",
    "trauma-informed practice",
    "recording that is timely and concise",
    "leading a small practice improvement project",
)
NEED_WORDS = {
    ActionType.COURSE: "Attend a course to build {}",
    ActionType.SHADOWING: "Shadow an experienced colleague to develop {}",
    ActionType.MENTORING: "Mentoring from an advanced practitioner on {}",
    ActionType.COACHING: "Coaching sessions focused on {}",
    ActionType.READING: "Read and reflect on current research on {}",
    ActionType.SECONDMENT: "Act up or take a short secondment to develop {}",
    ActionType.PROJECT: "Lead a team project on {}",
}
NON_COURSE_TYPES = (
    ActionType.SHADOWING,
    ActionType.MENTORING,
    ActionType.COACHING,
    ActionType.READING,
    ActionType.PROJECT,
    ActionType.SECONDMENT,
)
OBJECTIVES = (
    "Complete every child and family assessment within 45 working days, with the child's "
    "own words recorded in each",
    "Co-write each child protection plan with the family, so every action has an owner and a "
    "date they have agreed",
    "Supervise a first-year student placement through to the final report",
    "Bring one piece of learning from audit to a team meeting each quarter",
    "Keep case recording up to date within 48 hours of each visit",
    "Review every care plan on my caseload with the young person before their review meeting",
    "Lead the team's family network meeting pilot and report what families say about it",
)
DROP_REASONS = (
    "The course was withdrawn; we agreed shadowing instead.",
    "No longer relevant after the move to the fostering team.",
    "Postponed to next year because of caseload pressures.",
)
REVIEW_NOTES = (
    "Discussed in supervision: going well.",
    "Started; first session attended.",
    "Finished; reflection to be written up as CPD.",
    "",
)
TEAM_SUMMARY = (
    "This year the team focuses on the quality of assessments and on hearing children's "
    "voices in every plan, alongside the service plan's push to reduce drift for children "
    "in need."
)
TEAM_NEEDS = (
    (TeamNeedSource.BUSINESS_PLAN, "Everyone to refresh assessment and analysis skills"),
    (TeamNeedSource.LAW, "Briefing on the changes in statutory guidance for safeguarding"),
    (TeamNeedSource.PRACTICE, "Move to the family network approach for planning"),
    (TeamNeedSource.LOCAL_CONTEXT, "Rising exploitation referrals in the north of the area"),
    (TeamNeedSource.BUSINESS_PLAN, "More practice educators to take students"),
    (TeamNeedSource.PRACTICE, "Consistent use of chronologies across the team"),
)


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
    first_name: str
    last_name: str


@dataclass(frozen=True)
class _Item:
    id: int
    label: str  # "code title", as a snapshot names it
    framework: str


@dataclass(frozen=True)
class _Activity:
    id: int
    title: str
    items: tuple[_Item, ...]


@dataclass
class _Need:
    description: str
    action_type: ActionType
    activity: _Activity | None
    items: list[_Item]
    target_date: dt.date
    id: int = 0


@dataclass
class _Conversation:
    """One annual conversation, decided in memory before anything is inserted."""

    person: SyntheticPerson
    appraiser: SyntheticPerson
    countersigner: SyntheticPerson | None
    stage: Stage
    days: list[dt.date]  # opened, prepared, held, person signed, appraiser signed
    reopened: bool = False
    person_signed: bool = False
    appraiser_signed: bool = False
    aspirations: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    needs: list[_Need] = field(default_factory=list)
    objectives: list[tuple[str, dt.date, int | None]] = field(default_factory=list)
    id: int = 0


def cycle_dates(today: dt.date) -> dict[str, dt.date]:
    """The April-to-March year covering ``today``; conversations due from its start until a
    few weeks after ``today``, and a mid-year review after that where the year has room."""
    year = today.year if today.month >= 4 else today.year - 1
    starts_on, ends_on = dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
    due_by = min(max(today + WINDOW_AFTER_TODAY, starts_on + dt.timedelta(days=90)), ends_on)
    mid_year = due_by + dt.timedelta(days=14) < ends_on
    return {
        "starts_on": starts_on,
        "ends_on": ends_on,
        "due_from": starts_on,
        "due_by": due_by,
        "mid_year_from": due_by + dt.timedelta(days=1) if mid_year else None,
        "mid_year_by": min(ends_on, due_by + dt.timedelta(days=61)) if mid_year else None,
    }


def cycle_name(starts_on: dt.date) -> str:
    return f"{starts_on.year}/{(starts_on.year + 1) % 100:02d}"


def generate_appraisals(
    run: SyntheticRun,
    people: Sequence[SyntheticPerson],
    *,
    team_ids: Sequence[int],
    role_ids: dict[str, int],
) -> None:
    rng = run.rng("appraisal")
    today = run.today
    dates = cycle_dates(today)
    name = cycle_name(dates["starts_on"])
    cycle_id = insert_returning_ids(
        AppraisalCycle,
        [
            {
                "name": name,
                **dates,
                "needs_countersignature": False,
                "created_at": _at(dates["starts_on"] - dt.timedelta(days=30), 10),
                "updated_at": _at(dates["starts_on"] - dt.timedelta(days=30), 10),
                "version_id": 1,
            }
        ],
    )[0]
    priority_ids = insert_returning_ids(
        StrategyPriority,
        [
            {"cycle_id": cycle_id, "position": k, "title": title}
            for k, title in enumerate(PRIORITIES, start=1)
        ],
    )
    priority_titles = dict(zip(priority_ids, PRIORITIES, strict=True))
    run.count("appraisal cycles", 1)

    items_by_framework, activities = _catalogue(today)
    titles = dict(db.session.execute(select(JobRole.id, JobRole.title)).all())
    role_titles = {key: titles[id_] for key, id_ in role_ids.items()}
    conversations = plan_conversations(
        rng,
        people,
        today=today,
        dates=dates,
        items_by_framework=items_by_framework,
        activities=activities,
        priority_ids=priority_ids,
    )
    words = _Words(name, role_titles, priority_titles)
    _insert(run, rng, conversations, cycle_id, words)
    _team_plans(run, rng, people, team_ids, cycle_id, dates, items_by_framework, activities)


def plan_conversations(
    rng: random.Random,
    people: Sequence[SyntheticPerson],
    *,
    today: dt.date,
    dates: dict[str, dt.date],
    items_by_framework: dict[str, list[_Item]],
    activities: list[_Activity],
    priority_ids: list[int],
) -> list[_Conversation]:
    """Every conversation decided in memory (no queries): same rng, same conversations."""
    by_n = {p.n: p for p in people}
    in_post = [p for p in people if p.leaving_date is None or p.leaving_date > today]
    conversations: list[_Conversation] = []
    for person in in_post:
        manager = by_n.get(person.manager) if person.manager else None
        if manager is None or not person.user_id or not manager.user_id:
            continue
        stage = _stage(rng, person)
        if stage is None:
            continue
        conversation = _Conversation(
            person=person,
            appraiser=manager,
            countersigner=by_n.get(manager.manager) if manager.manager else None,
            stage=stage,
            days=sorted(
                day_between(rng, max(dates["due_from"], person.start_date), today) for _ in range(5)
            ),
        )
        _decide(rng, conversation, dates, items_by_framework, activities, priority_ids)
        conversations.append(conversation)
    # The practitioner's signed record first: the signed record PDF scenario's id 1.
    conversations.sort(key=lambda c: c.person.persona != "practitioner")
    return conversations


@dataclass(frozen=True)
class _Words:
    """The names a snapshot gives in words."""

    cycle: str
    role_titles: dict[str, str]
    priority_titles: dict[int, str]


def _stage(rng: random.Random, person: SyntheticPerson) -> Stage | None:
    if person.persona == "practitioner":
        return Stage.SIGNED
    return rng.choices(list(STAGE_WEIGHTS), weights=list(STAGE_WEIGHTS.values()))[0]


def _catalogue(today: dt.date) -> tuple[dict[str, list[_Item]], list[_Activity]]:
    """Current framework items by framework code, and the active activities with their items."""
    items_by_framework: dict[str, list[_Item]] = {}
    known: dict[int, _Item] = {}
    for group in catalogue_queries.list_framework_item_groups(today=today):
        code = group.version.framework.code
        for item in group.items:
            known[item.id] = _Item(item.id, f"{item.code} {item.title}", code)
            items_by_framework.setdefault(code, []).append(known[item.id])
    activities = [
        _Activity(
            a.id,
            a.title,
            tuple(known[i.id] for i in a.framework_items if i.id in known),
        )
        for a in catalogue_queries.list_active_activities()
    ]
    return items_by_framework, activities


def _frameworks_for(role: str, items_by_framework: dict[str, list[_Item]]) -> list[str]:
    codes = [c for c in ROLE_FRAMEWORKS.get(role, OTHER_FRAMEWORKS) if c in items_by_framework]
    return (
        codes
        or [c for c in OTHER_FRAMEWORKS if c in items_by_framework]
        or list(items_by_framework)
    )


def _decide(
    rng: random.Random,
    c: _Conversation,
    dates: dict[str, dt.date],
    items_by_framework: dict[str, list[_Item]],
    activities: list[_Activity],
    priority_ids: list[int],
) -> None:
    if c.stage is Stage.NOT_STARTED:
        return
    c.texts["self_reflection"] = " ".join(rng.sample(REFLECTION, k=2))
    if c.stage is Stage.PREPARED:
        return
    held = c.days[2]
    c.texts.update(
        appraiser_view=" ".join(rng.sample(VIEW, k=2)),
        feedback=" ".join(rng.sample(FEEDBACK, k=2)),
        strengths=" ".join(rng.sample(STRENGTHS, k=2)),
        aspirations_note=rng.choice(ASPIRATION_NOTES),
    )
    c.aspirations = sorted(a.value for a in rng.sample(list(Aspiration), k=rng.randint(0, 2)))
    frameworks = _frameworks_for(c.person.role, items_by_framework)
    role_items = [i for code in frameworks for i in items_by_framework.get(code, [])]
    suited = [a for a in activities if any(i.framework in frameworks for i in a.items)]
    for _ in range(rng.randint(1, 3)):
        topic = rng.choice(NEED_TOPICS)
        activity = None
        if (suited or activities) and rng.random() < ACTIVITY_LINKED:
            activity = rng.choice(suited or activities)
        if activity is not None:
            action_type = ActionType.COURSE
            items = [i for i in activity.items if i.framework in frameworks][: rng.randint(0, 2)]
            description = f"{activity.title}: {topic}"
        else:
            action_type = rng.choice(NON_COURSE_TYPES)
            items = rng.sample(role_items, k=min(len(role_items), rng.randint(1, 2)))
            description = NEED_WORDS[action_type].format(topic)
        if activity is None and not items:  # a need names an activity or an item
            if not activities:
                continue
            activity = rng.choice(activities)
        c.needs.append(
            _Need(
                description=description[0].upper() + description[1:],
                action_type=action_type,
                activity=activity,
                items=items,
                target_date=day_between(
                    rng, held + dt.timedelta(days=60), dates["ends_on"] + dt.timedelta(days=90)
                ),
            )
        )
    for text in rng.sample(OBJECTIVES, k=rng.randint(1, 2)):
        priority = rng.choice(priority_ids) if rng.random() < PRIORITY_LINKED else None
        c.objectives.append(
            (text, day_between(rng, held + dt.timedelta(days=90), dates["ends_on"]), priority)
        )
    if c.stage is Stage.HELD:
        if rng.random() < ONE_SIGNATURE:
            c.person_signed = rng.random() < 0.7
            c.appraiser_signed = not c.person_signed
        return
    c.person_signed = c.appraiser_signed = True
    c.reopened = c.person.persona is None and rng.random() < REOPENED
    c.texts["person_comments"] = rng.choice(COMMENTS)


def _at(day: dt.date, hour: int = 11) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def _insert(
    run: SyntheticRun,
    rng: random.Random,
    conversations: list[_Conversation],
    cycle_id: int,
    words: _Words,
) -> None:
    rows = []
    for c in conversations:
        opened, prepared, held, _, _ = c.days
        signatures = _signature_times(c)
        person_at, appraiser_at = signatures[-1][1:] if signatures else (None, None)
        last = max(
            _at(opened, 9),
            _at(prepared, 9) if "self_reflection" in c.texts else _at(opened, 9),
            _at(held, 14) if c.stage in (Stage.HELD, Stage.SIGNED) else _at(opened, 9),
            *(at for at in (person_at, appraiser_at) if at is not None),
        )
        rows.append(
            {
                "cycle_id": cycle_id,
                "staff_id": c.person.id,
                "appraiser_id": c.appraiser.id,
                "countersigner_id": c.countersigner.id if c.countersigner else None,
                "kind": AppraisalKind.ANNUAL,
                "stage": c.stage,
                "record_version": 2 if c.reopened else 1,
                "self_reflection": c.texts.get("self_reflection", ""),
                "prepared_at": _at(prepared, 9) if "self_reflection" in c.texts else None,
                "held_on": held if c.stage in (Stage.HELD, Stage.SIGNED) else None,
                "appraiser_view": c.texts.get("appraiser_view", ""),
                "feedback": c.texts.get("feedback", ""),
                "strengths": c.texts.get("strengths", ""),
                "wellbeing_discussed": c.stage in (Stage.HELD, Stage.SIGNED),
                "support_discussed": c.stage in (Stage.HELD, Stage.SIGNED) and c.person.n % 3 > 0,
                "aspirations": c.aspirations,
                "aspirations_note": c.texts.get("aspirations_note", ""),
                "person_comments": c.texts.get("person_comments", ""),
                "person_signed_at": person_at,
                "appraiser_signed_at": appraiser_at,
                "countersigned_at": None,
                "needs_countersignature": False,
                "created_at": _at(opened, 9),
                "updated_at": last,
                "version_id": 1,
            }
        )
    ids = insert_returning_ids(Appraisal, rows)
    for c, id_ in zip(conversations, ids, strict=True):
        c.id = id_
    run.count("appraisals", len(ids))

    needs = [(c, n) for c in conversations for n in c.needs]
    need_ids = insert_returning_ids(
        DevelopmentNeed,
        [
            {
                "appraisal_id": c.id,
                "position": c.needs.index(n) + 1,
                "description": n.description,
                "action_type": n.action_type,
                "activity_id": n.activity.id if n.activity else None,
                "target_date": n.target_date,
            }
            for c, n in needs
        ],
    )
    for (_, need), id_ in zip(needs, need_ids, strict=True):
        need.id = id_
    insert_rows(
        need_framework_items,
        ({"need_id": n.id, "framework_item_id": i.id} for _, n in needs for i in n.items),
    )
    insert_rows(
        Objective,
        (
            {
                "appraisal_id": c.id,
                "position": k,
                "text": text,
                "target_date": target,
                "priority_id": priority,
            }
            for c in conversations
            for k, (text, target, priority) in enumerate(c.objectives, start=1)
        ),
    )
    run.count("development needs", len(need_ids))
    insert_rows(
        AppraisalEvent,
        (event for c in conversations for event in _events(c, words)),
    )
    _plans(run, rng, [c for c in conversations if c.stage is Stage.SIGNED], cycle_id)


def _signature_times(
    c: _Conversation,
) -> list[tuple[int, dt.datetime | None, dt.datetime | None]]:
    """(record version, the person's signature, the appraiser's) for each version signed or
    being signed: the person signs first; a reopened record is signed again the same day."""
    _, _, _, person_day, appraiser_day = c.days
    if not (c.person_signed or c.appraiser_signed):
        return []
    first = (
        1,
        _at(person_day, 15) if c.person_signed else None,
        _at(appraiser_day, 16) if c.appraiser_signed else None,
    )
    if not c.reopened:
        return [first]
    second_day = dt.datetime.combine(appraiser_day, dt.time(17, 30), tzinfo=dt.UTC)
    return [first, (2, second_day, second_day + dt.timedelta(minutes=30))]


def _events(c: _Conversation, words: _Words) -> list[dict]:
    opened, prepared, held, _, _ = c.days
    person, appraiser = c.person.user_id, c.appraiser.user_id

    def event(
        kind: EventKind,
        actor: int | None,
        at: dt.datetime,
        *,
        version: int = 1,
        note: str = "",
        snapshot: dict | None = None,
    ) -> dict:
        return {
            "appraisal_id": c.id,
            "kind": kind,
            "record_version": version,
            "actor_id": actor,
            "at": at,
            "note": note,
            "snapshot": snapshot,
        }

    opener = person if c.person.n % 2 else appraiser
    events = [event(EventKind.CREATED, opener, _at(opened, 9))]
    if "self_reflection" in c.texts:
        events.append(event(EventKind.PREPARED, person, _at(prepared, 9)))
    if c.stage in (Stage.HELD, Stage.SIGNED):
        events.append(event(EventKind.RECORDED, appraiser, _at(held, 14)))
    for version, person_at, appraiser_at in _signature_times(c):
        if version == 2:
            events.append(
                event(
                    EventKind.NEW_VERSION,
                    appraiser,
                    person_at - dt.timedelta(minutes=30),
                    version=2,
                    note="A target date was agreed wrongly: corrected before signing again.",
                )
            )
        if person_at is not None:
            comments = c.texts.get("person_comments", "")
            events.append(
                event(EventKind.PERSON_SIGNED, person, person_at, version=version, note=comments)
            )
        if appraiser_at is not None:
            both = person_at is not None
            events.append(
                event(
                    EventKind.APPRAISER_SIGNED,
                    appraiser,
                    appraiser_at,
                    version=version,
                    snapshot=_snapshot(c, version, words, person_at, appraiser_at)
                    if both
                    else None,
                )
            )
    return events


def _name(person: SyntheticPerson) -> str:
    return f"{person.first_name} {person.last_name}"


def _snapshot(
    c: _Conversation,
    version: int,
    words: _Words,
    person_at: dt.datetime,
    appraiser_at: dt.datetime,
) -> dict:
    """The record as signed, with the keys ``record.snapshot_of`` gives."""
    held = c.days[2]
    return {
        "record_version": version,
        "cycle": words.cycle,
        "kind": AppraisalKind.ANNUAL.value,
        "person": _name(c.person),
        "person_role": words.role_titles.get(c.person.role, ""),
        "appraiser": _name(c.appraiser),
        "held_on": held.isoformat(),
        "self_reflection": c.texts.get("self_reflection", ""),
        "appraiser_view": c.texts.get("appraiser_view", ""),
        "feedback": c.texts.get("feedback", ""),
        "feedback_cpd": [],
        "feedback_supervision": [],
        "strengths": c.texts.get("strengths", ""),
        "wellbeing_discussed": True,
        "support_discussed": c.person.n % 3 > 0,
        "aspirations": [Aspiration(a).label for a in c.aspirations],
        "aspirations_note": c.texts.get("aspirations_note", ""),
        "needs": [
            {
                "description": n.description,
                "action_type": n.action_type.label,
                "activity": n.activity.title if n.activity else None,
                "framework_items": [i.label for i in n.items],
                "target_date": n.target_date.isoformat(),
            }
            for n in c.needs
        ],
        "objectives": [
            {
                "text": text,
                "target_date": target.isoformat(),
                "priority": words.priority_titles.get(priority) if priority else None,
            }
            for text, target, priority in c.objectives
        ],
        "person_comments": c.texts.get("person_comments", ""),
        "person_signed_at": person_at.isoformat(),
        "appraiser_signed_at": appraiser_at.isoformat(),
        "countersigner": None,
        "countersigned_at": None,
    }


def _plans(
    run: SyntheticRun,
    rng: random.Random,
    signed: list[_Conversation],
    cycle_id: int,
) -> None:
    """A signed conversation's plan: an action per need, as ``signing.apply_to_plan`` makes
    them, then moved on by hand in a mix of states (each move in the review log)."""
    today = run.today
    plan_ids = insert_returning_ids(
        DevelopmentPlan,
        [
            {
                "staff_id": c.person.id,
                "cycle_id": cycle_id,
                "appraisal_id": c.id,
                "created_at": _signature_times(c)[0][2],
                "updated_at": _signature_times(c)[-1][2],
                "version_id": 1,
            }
            for c in signed
        ],
    )
    run.count("development plans", len(plan_ids))
    actions, moves = [], []
    for c, plan_id in zip(signed, plan_ids, strict=True):
        signed_on = c.days[4]
        for position, need in enumerate(c.needs, start=1):
            state = ActionState.PLANNED
            if signed_on < today:
                state = rng.choices(list(ACTION_STATES), weights=list(ACTION_STATES.values()))[0]
            moved_on = day_between(rng, signed_on + dt.timedelta(days=1), today)
            actions.append(
                {
                    "plan_id": plan_id,
                    "staff_id": c.person.id,
                    "need_id": need.id,
                    "position": position,
                    "title": need.description,
                    "action_type": need.action_type,
                    "target_date": need.target_date,
                    "activity_id": need.activity.id if need.activity else None,
                    "state": state,
                    "drop_reason": rng.choice(DROP_REASONS) if state is ActionState.DROPPED else "",
                    "booking_id": None,
                    "done_on": moved_on if state is ActionState.DONE else None,
                    "cpd_entry_id": None,
                    "created_at": _signature_times(c)[0][2],
                    "updated_at": _at(moved_on if state is not ActionState.PLANNED else signed_on),
                    "version_id": 1,
                }
            )
            moves.append((c, need, state, moved_on))
    action_ids = insert_returning_ids(DevelopmentAction, actions)
    run.count("development actions", len(action_ids))
    insert_rows(
        action_framework_items,
        (
            {"action_id": id_, "framework_item_id": i.id}
            for id_, (_, need, _, _) in zip(action_ids, moves, strict=True)
            for i in need.items
        ),
    )
    reviews = []
    for id_, (c, _, state, moved_on) in zip(action_ids, moves, strict=True):
        path = {
            ActionState.PLANNED: [],
            ActionState.IN_PROGRESS: [ActionState.IN_PROGRESS],
            ActionState.DONE: [ActionState.IN_PROGRESS, ActionState.DONE],
            ActionState.DROPPED: [ActionState.DROPPED],
        }[state]
        previous = ActionState.PLANNED
        for step, to in enumerate(path):
            at = _at(moved_on, 10 + step)
            context = rng.choice((ReviewContext.SUPERVISION, ReviewContext.PLAN))
            reviews.append(
                {
                    "action_id": id_,
                    "context": context,
                    "state_from": previous,
                    "state_to": to,
                    "note": rng.choice(REVIEW_NOTES),
                    "supervision_id": None,
                    "actor_id": c.appraiser.user_id
                    if context is ReviewContext.SUPERVISION
                    else c.person.user_id,
                    "at": at,
                }
            )
            previous = to
    insert_rows(ActionReview, reviews)
    run.count("action reviews", len(reviews))


def _team_plans(
    run: SyntheticRun,
    rng: random.Random,
    people: Sequence[SyntheticPerson],
    team_ids: Sequence[int],
    cycle_id: int,
    dates: dict[str, dt.date],
    items_by_framework: dict[str, list[_Item]],
    activities: list[_Activity],
) -> None:
    """About half the teams' managers have written their team's plan, the line manager
    persona's among them: 2 to 4 needs each, from an activity or a framework item."""
    today = run.today
    by_n = {p.n: p for p in people}
    members: dict[int, list[SyntheticPerson]] = {}
    for p in people:
        if p.leaving_date is None or p.leaving_date > today:
            members.setdefault(p.team, []).append(p)
    leads: dict[int, SyntheticPerson] = {}
    for team, group in members.items():
        heads = [p for p in group if p.role in TEAM_LEADS] or [
            p for p in group if p.manager is None or by_n[p.manager].team != team
        ]
        if heads:
            leads[team] = min(heads, key=lambda p: (p.persona != "line_manager", p.n))
    chosen = [
        team
        for team in sorted(leads)
        if leads[team].persona == "line_manager" or rng.random() < TEAM_PLANS
    ]
    plan_rows = []
    for team in chosen:
        written = day_between(rng, dates["starts_on"], today)
        plan_rows.append(
            {
                "team_id": team_ids[team],
                "cycle_id": cycle_id,
                "summary": TEAM_SUMMARY,
                "author_id": leads[team].id,
                "created_at": _at(written, 10),
                "updated_at": _at(written, 10),
                "version_id": 1,
            }
        )
    plan_ids = insert_returning_ids(TeamPlan, plan_rows)
    all_items = [i for group in items_by_framework.values() for i in group]
    need_rows = []
    for team, plan_id in zip(chosen, plan_ids, strict=True):
        frameworks = _frameworks_for(leads[team].role, items_by_framework) + list(
            ROLE_FRAMEWORKS["sw"]
        )
        team_items = [i for code in frameworks for i in items_by_framework.get(code, [])]
        team_items = team_items or all_items
        for position, (source, words) in enumerate(
            rng.sample(TEAM_NEEDS, k=rng.randint(2, 4)), start=1
        ):
            activity = rng.choice(activities) if activities and rng.random() < 0.6 else None
            item = (
                rng.choice(team_items)
                if (team_items and (activity is None or rng.random() < 0.3))
                else None
            )
            if activity is None and item is None:
                continue
            need_rows.append(
                {
                    "plan_id": plan_id,
                    "position": position,
                    "description": words,
                    "source": source,
                    "activity_id": activity.id if activity else None,
                    "framework_item_id": item.id if item else None,
                    "people": rng.randint(2, max(2, len(members[team]) // 2)),
                    "needed_by": day_between(rng, today + dt.timedelta(days=30), dates["ends_on"])
                    if rng.random() < 0.8
                    else None,
                }
            )
    insert_rows(TeamNeed, need_rows)
    run.count("team plans", len(plan_ids))
    run.count("team needs", len(need_rows))
