"""The synthetic council's CPD: about 40 entries a person over up to ten years, tagged to
framework items, with peer reflections, drafts, shared entries, supervisors' comments and
earlier versions. The practitioner persona has ``HEAVY_CPD_ENTRIES`` long entries.

The words are assembled from invented phrases and name nobody.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from functools import cache
from itertools import accumulate

from dateutil.relativedelta import relativedelta

from wfld.core.synthetic import SyntheticRun, day_between, insert_returning_ids, insert_rows
from wfld.cpd import queries
from wfld.cpd.models import (
    CpdComment,
    CpdEntry,
    CpdEntryVersion,
    CpdProfile,
    EntryStatus,
    cpd_entry_tags,
)
from wfld.cpd.rules import ActivityType, registration_year_for
from wfld.organisation.models import Regulator
from wfld.organisation.synthetic import Organisation, Person

TOPICS = (
    "analysis in assessments",
    "the voice of the child",
    "cumulative harm and neglect",
    "working with fathers",
    "contextual safeguarding",
    "court statements",
    "domestic abuse and coercive control",
    "parental mental health",
    "trauma-informed practice",
    "direct work with teenagers",
    "chronologies",
    "care planning for permanence",
    "exploitation outside the home",
    "life story work",
    "reflective supervision",
    "anti-racist practice",
    "disabled children's voices",
    "transitions to adulthood",
)
TITLES = {
    ActivityType.COURSE: "Course: {}",
    ActivityType.E_LEARNING: "E-learning module on {}",
    ActivityType.READING: "Reading: research on {}",
    ActivityType.PODCAST: "Webinar: {}",
    ActivityType.SUPERVISION: "Supervision discussion on {}",
    ActivityType.PEER_DISCUSSION: "Reflective group: {}",
    ActivityType.SHADOWING: "Shadowing a colleague: {}",
    ActivityType.MENTORING: "Coaching session on {}",
    ActivityType.CONFERENCE: "Regional conference on {}",
    ActivityType.PROJECT: "Practice project: {}",
    ActivityType.PRACTICE_REVIEW: "Audit and practice review: {}",
    ActivityType.QUALIFICATION: "Post-qualifying module: {}",
    ActivityType.OTHER: "Learning from practice: {}",
}
WHY = (
    "I chose this because recent work showed me a gap in my practice on {}.",
    "My supervisor and I agreed this would strengthen my understanding of {}.",
    "Several families I work with are affected by issues related to {}.",
    "It links to my development plan and to the team's priorities on {}.",
)
LEARNT = (
    "I learnt to separate what I observe from what I conclude, and to say which is which.",
    "The research showed that single incidents can hide a serious pattern over time.",
    "I saw how much clearer plans are when families help to write them.",
    "I learnt practical ways to check that I have understood what a child means.",
    "Naming risk plainly helps families and partners to know what must change.",
    "I reconsidered assumptions I had been making about who is a protective adult.",
)
IMPACT = (
    "My assessments now end with an analysis that a family can follow.",
    "I record children's own words and use them in planning meetings.",
    "I now invite every parent and carer, and record their views separately.",
    "My recording is shorter and each opinion is linked to the evidence for it.",
    "I share chronologies with partners earlier, so we see the same picture.",
    "I plan visits around the young person's day, and they engage more.",
)
PEER = (
    "Talking it through with a colleague helped me see my own assumptions.",
    "My supervisor challenged me to name the risk plainly; I now do this every time.",
    "The group showed me other ways to start difficult conversations with parents.",
    "A peer pointed out that my plan relied on one adult; we widened the network.",
)
PEER_ROLES = (
    "a senior social worker",
    "my practice supervisor",
    "an advanced practitioner",
    "a colleague in my team",
    "a peer from another team",
)
WEIGHTS = {
    ActivityType.COURSE: 18,
    ActivityType.E_LEARNING: 12,
    ActivityType.READING: 14,
    ActivityType.PODCAST: 8,
    ActivityType.SUPERVISION: 14,
    ActivityType.PEER_DISCUSSION: 12,
    ActivityType.SHADOWING: 5,
    ActivityType.MENTORING: 4,
    ActivityType.CONFERENCE: 3,
    ActivityType.PROJECT: 3,
    ActivityType.PRACTICE_REVIEW: 4,
    ActivityType.QUALIFICATION: 2,
    ActivityType.OTHER: 1,
}
KINDS = list(WEIGHTS)
CUMULATIVE_WEIGHTS = list(accumulate(WEIGHTS.values()))  # what choices() makes of the weights
YEARS = 10  # the oldest entries
PER_PERSON = (40, 55)  # for anyone with FULL_AFTER years or more in post; fewer for newer staff
FULL_AFTER = 4


def generate_cpd(run: SyntheticRun, org: Organisation, *, heavy_entries: int) -> None:
    rng = run.rng("cpd")
    tag_ids = [item.id for group in queries.tag_choices(today=run.today) for item in group.items]
    current_year = registration_year_for(run.today)
    entries, tags_for, owners = [], [], []
    for person in org.people:
        heavy = person.persona == "practitioner"
        for day in _dates(rng, run.today, person, heavy_entries if heavy else None):
            entries.append(_entry(rng, run, person, day, current_year.starts_on, long=heavy))
            tags_for.append(rng.sample(tag_ids, k=min(len(tag_ids), rng.randint(1, 3))))
            owners.append(person)
    ids = insert_returning_ids(CpdEntry, entries)
    insert_rows(
        cpd_entry_tags,
        (
            {"entry_id": id_, "item_id": t}
            for id_, tags in zip(ids, tags_for, strict=True)
            for t in tags
        ),
    )
    run.count("CPD entries", len(ids))
    _profiles(run, rng, org)
    _comments_and_versions(run, rng, org, entries, ids, owners)


def _dates(
    rng: random.Random, today: dt.date, person: Person, exactly: int | None
) -> list[dt.date]:
    first = max(person.start_date, today - relativedelta(years=YEARS))
    last = min(today, person.leaving_date or today)
    if last <= first:
        return []
    if exactly is None:
        span_years = max(0.5, (last - first).days / 365)
        count = round(rng.randint(*PER_PERSON) * min(1.0, span_years / FULL_AFTER) + 2)
    else:
        count = exactly
    return sorted(day_between(rng, first, last) for _ in range(count))


def _entry(
    rng: random.Random,
    run: SyntheticRun,
    person: Person,
    day: dt.date,
    year_starts: dt.date,
    *,
    long: bool,
) -> dict:
    # Eight hundred thousand of these at county scale: the banks are formatted once per topic
    # and the weights summed once, drawing exactly what the plain version draws.
    kind = rng.choices(KINDS, cum_weights=CUMULATIVE_WEIGHTS)[0]
    topic = rng.choice(TOPICS)
    draft = day >= run.today - dt.timedelta(days=60) and rng.random() < 0.25
    peer = rng.random() < 0.45
    paragraphs = 3 if long else 1

    def text(bank: tuple[str, ...]) -> str:
        phrases = _formatted(bank, topic)
        if paragraphs == 1:
            return " ".join(rng.sample(phrases, k=3))
        return "\n\n".join(" ".join(rng.sample(phrases, k=3)) for _ in range(paragraphs))

    ended = day + dt.timedelta(days=rng.randint(1, 20)) if rng.random() < 0.1 else None
    created = dt.datetime.combine(ended or day, dt.time(17), tzinfo=dt.UTC)
    return {
        "staff_id": person.id,
        "status": EntryStatus.DRAFT if draft else EntryStatus.COMPLETE,
        "title": TITLES[kind].format(topic),
        "started_on": day,
        "ended_on": min(ended, run.today) if ended else None,
        "activity_type": kind,
        "hours": Decimal(rng.choice(("0.5", "1", "1.5", "2", "3", "6", "7"))),
        "description": rng.choice(_formatted(WHY, topic)) + (" " + text(WHY) if long else ""),
        "learning": "" if draft and rng.random() < 0.5 else text(LEARNT),
        "impact": "" if draft else text(IMPACT),
        "peer_reflection": text(PEER) if peer else None,
        "peer_role": rng.choice(PEER_ROLES) if peer else None,
        "shared": rng.random() < 0.1,
        "submitted_for_year": _registration_year(day)
        if person.regulator is Regulator.SWE and not draft and day < year_starts
        else None,
        "source_completion_id": None,
        "confidentiality_checked_at": created,
        "created_at": created,
        "updated_at": created,
        "completed_at": None if draft else created,
        "version_id": 1,
    }


@cache
def _formatted(bank: tuple[str, ...], topic: str) -> tuple[str, ...]:
    return tuple(s.format(topic) for s in bank)


@cache
def _registration_year(day: dt.date) -> int:
    return registration_year_for(day).number


def _profiles(run: SyntheticRun, rng: random.Random, org: Organisation) -> None:
    """A quarter share everything with their manager; newly registered NQSWs have a date."""
    rows = []
    for person in org.people:
        share_all = rng.random() < 0.25
        registered = person.start_date - dt.timedelta(days=30) if person.role == "nqsw" else None
        if share_all or registered:
            rows.append(
                {
                    "staff_id": person.id,
                    "share_all": share_all,
                    "registered_on": registered,
                    "revalidation_due_on": run.today + dt.timedelta(days=rng.randint(30, 1000))
                    if person.regulator is Regulator.NMC
                    else None,
                    "version_id": 1,
                }
            )
    insert_rows(CpdProfile, rows)


def _comments_and_versions(
    run: SyntheticRun,
    rng: random.Random,
    org: Organisation,
    entries: list[dict],
    ids: list[int],
    owners: list[Person],
) -> None:
    by_n = {p.n: p for p in org.people}
    comments, versions = [], []
    for entry, id_, owner in zip(entries, ids, owners, strict=True):
        if entry["shared"] and owner.manager and rng.random() < 0.3:
            comments.append(
                {
                    "entry_id": id_,
                    "author_id": by_n[owner.manager].id,
                    "body": "Thank you - a good reflection. Let's pick this up in supervision.",
                    "created_at": entry["created_at"] + dt.timedelta(days=3),
                }
            )
        if entry["status"] is EntryStatus.COMPLETE and rng.random() < 0.03:
            versions.append(
                {
                    "entry_id": id_,
                    "number": 1,
                    **{
                        k: entry[k]
                        for k in (
                            "title",
                            "started_on",
                            "ended_on",
                            "activity_type",
                            "hours",
                            "description",
                            "learning",
                            "peer_reflection",
                            "peer_role",
                        )
                    },
                    "impact": "First thoughts: " + entry["impact"],
                    "written_at": entry["created_at"],
                    "replaced_at": entry["created_at"] + dt.timedelta(days=1),
                    "replaced_by_id": owner.user_id,
                }
            )
    insert_rows(CpdComment, comments)
    insert_rows(CpdEntryVersion, versions)
    run.count("CPD comments", len(comments))
    run.count("CPD earlier versions", len(versions))
