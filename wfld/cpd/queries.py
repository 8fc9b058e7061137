"""Reads for CPD. Lists load what their pages show in a bounded number of statements."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import (
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    extract,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import contains_eager, defer, joinedload, selectinload

from wfld.cpd import removal, rules
from wfld.cpd.models import (
    CpdComment,
    CpdEntry,
    CpdEntryRead,
    CpdEntryVersion,
    CpdEvidence,
    CpdProfile,
    EntryStatus,
    RegulatorTerms,
    cpd_entry_tags,
)
from wfld.cpd.rules import (
    ActivityType,
    EntryFacts,
    Readiness,
    RegistrationYear,
    SweTerms,
    Terms,
)
from wfld.extensions import db
from wfld.frameworks.models import Framework, FrameworkItem, FrameworkVersion, VersionStatus
from wfld.organisation.models import Regulator, StaffMember, Team
from wfld.organisation.scopes import StaffScope

# The frameworks a CPD entry can be tagged with, in the order the form shows them: Social Work
# England's standard 4, the PCF, the practitioner KSS and the council's own competencies.
# NMC-CODE (the four themes of the NMC Code) lets nurses name the part of the Code each
# reflective account relates to.
TAG_FRAMEWORKS = ("SWE-PS4", "PCF", "KSS-CF-PRACTITIONER", "COUNCIL-CORE", "NMC-CODE")
NMC_CODE = "NMC-CODE"


# Regulator terms ----------------------------------------------------------------------------
def list_terms_versions() -> list[RegulatorTerms]:
    """Every version of every regulator's terms, by regulator, newest first (a handful of rows)."""
    return list(
        db.session.scalars(
            select(RegulatorTerms).order_by(
                RegulatorTerms.regulator, RegulatorTerms.effective_from.desc()
            )
        )
    )


def terms_on(today: dt.date) -> Terms:
    """Each regulator's terms in force on ``today``: one small statement."""
    return Terms.on((row.version() for row in list_terms_versions()), today)


# Entries ------------------------------------------------------------------------------------
def find_entry(entry_id: int) -> CpdEntry | None:
    return db.session.get(
        CpdEntry,
        entry_id,
        options=[
            joinedload(CpdEntry.staff),
            selectinload(CpdEntry.tags)
            .joinedload(FrameworkItem.version)
            .joinedload(FrameworkVersion.framework),
            selectinload(CpdEntry.evidence),
            selectinload(CpdEntry.comments).joinedload(CpdComment.author),
        ],
    )


def find_profile(staff_id: int) -> CpdProfile | None:
    return db.session.get(CpdProfile, staff_id)


def is_shared(entry: CpdEntry) -> bool:
    """Shared on its own, or (when complete) through the person's "share everything"."""
    if entry.shared:
        return True
    if not entry.is_complete:
        return False
    return bool(
        db.session.scalar(select(CpdProfile.share_all).where(CpdProfile.staff_id == entry.staff_id))
    )


@dataclass(frozen=True)
class EntryRow:
    entry: CpdEntry  # its long text columns are not loaded: the list does not show them
    evidence_count: int
    comment_count: int
    has_peer_reflection: bool


def _year_bounds(year: RegistrationYear):  # noqa: ANN202 - a SQL condition
    dated = func.coalesce(CpdEntry.ended_on, CpdEntry.started_on)
    return and_(dated >= year.starts_on, dated <= year.ends_on)


def list_entries(
    staff_id: int,
    *,
    year: RegistrationYear | None = None,
    activity_type: ActivityType | None = None,
    item_code: tuple[str, str] | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[EntryRow], int]:
    """One page of a person's entries, newest first, with their tags and counts, and how many
    entries match in all (two statements)."""
    evidence = (
        select(func.count(CpdEvidence.id))
        .where(CpdEvidence.entry_id == CpdEntry.id)
        .correlate(CpdEntry)
        .scalar_subquery()
    )
    comments = (
        select(func.count(CpdComment.id))
        .where(CpdComment.entry_id == CpdEntry.id)
        .correlate(CpdEntry)
        .scalar_subquery()
    )
    has_peer = func.length(func.coalesce(CpdEntry.peer_reflection, "")) > 0
    query = (
        select(CpdEntry, evidence, comments, has_peer)
        .where(CpdEntry.staff_id == staff_id)
        .options(
            defer(CpdEntry.description, raiseload=True),
            defer(CpdEntry.learning, raiseload=True),
            defer(CpdEntry.impact, raiseload=True),
            defer(CpdEntry.peer_reflection, raiseload=True),
            selectinload(CpdEntry.tags)
            .joinedload(FrameworkItem.version)
            .joinedload(FrameworkVersion.framework),
        )
        .order_by(func.coalesce(CpdEntry.ended_on, CpdEntry.started_on).desc(), CpdEntry.id.desc())
    )
    if year is not None:
        query = query.where(_year_bounds(year))
    if activity_type is not None:
        query = query.where(CpdEntry.activity_type == activity_type)
    if item_code is not None:
        framework_code, code = item_code
        query = query.where(
            CpdEntry.id.in_(
                select(cpd_entry_tags.c.entry_id)
                .join(FrameworkItem, FrameworkItem.id == cpd_entry_tags.c.item_id)
                .join(FrameworkVersion, FrameworkVersion.id == FrameworkItem.version_id)
                .join(Framework, Framework.id == FrameworkVersion.framework_id)
                .where(Framework.code == framework_code, FrameworkItem.code == code)
            )
        )
    query = query.add_columns(func.count().over()).limit(per_page).offset((page - 1) * per_page)
    rows = db.session.execute(query).all()
    total = rows[0][-1] if rows else 0
    return [EntryRow(e, ev, co, bool(peer)) for e, ev, co, peer, _ in rows], total


def list_entries_between(staff_id: int, *, start: dt.date, end: dt.date) -> list[CpdEntry]:
    """Complete entries dated in a period, oldest first, with tags (for the record PDF/CSV)."""
    dated = func.coalesce(CpdEntry.ended_on, CpdEntry.started_on)
    return list(
        db.session.scalars(
            select(CpdEntry)
            .where(
                CpdEntry.staff_id == staff_id,
                CpdEntry.status == EntryStatus.COMPLETE,
                dated >= start,
                dated <= end,
            )
            .options(
                selectinload(CpdEntry.tags)
                .joinedload(FrameworkItem.version)
                .joinedload(FrameworkVersion.framework),
                selectinload(CpdEntry.evidence),
            )
            .order_by(dated, CpdEntry.id)
        )
    )


def entry_facts(staff_id: int) -> list[EntryFacts]:
    """What the regulator rules need about each of a person's entries."""
    return facts_by_staff(select(literal(staff_id))).get(staff_id, [])


def facts_by_staff(scope: Select) -> dict[int, list[EntryFacts]]:
    """The rules' view of every entry of everyone in ``scope``, without building ORM objects
    (the text is needed only to know whether a field is blank, and whether two records are
    the same)."""
    # Tagged with a part of the NMC Code: counted per entry (one probe of the tags' primary
    # key each). As an EXISTS, PostgreSQL hashed every NMC tag in the service for it (42,000
    # rows, ~19 ms) even for one person's home page.
    nmc_items = (
        select(FrameworkItem.id)
        .join(FrameworkVersion, FrameworkVersion.id == FrameworkItem.version_id)
        .join(Framework, Framework.id == FrameworkVersion.framework_id)
        .where(Framework.code == NMC_CODE)
    )
    names_code = (
        select(func.count())
        .select_from(cpd_entry_tags)
        .where(cpd_entry_tags.c.entry_id == CpdEntry.id, cpd_entry_tags.c.item_id.in_(nmc_items))
        .correlate(CpdEntry)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            CpdEntry.staff_id,
            CpdEntry.id,
            CpdEntry.status,
            CpdEntry.started_on,
            CpdEntry.ended_on,
            CpdEntry.activity_type,
            CpdEntry.hours,
            CpdEntry.title,
            CpdEntry.description,
            CpdEntry.learning,
            CpdEntry.impact,
            CpdEntry.peer_reflection,
            CpdEntry.submitted_for_year,
            (names_code > 0).label("names_nmc_code"),
        ).where(CpdEntry.staff_id.in_(scope))
    )
    found: dict[int, list[EntryFacts]] = {}
    for row in rows:
        found.setdefault(row.staff_id, []).append(
            EntryFacts(
                id=row.id,
                is_complete=row.status is EntryStatus.COMPLETE,
                started_on=row.started_on,
                ended_on=row.ended_on,
                activity_type=row.activity_type,
                hours=row.hours,
                title=row.title,
                description=row.description,
                learning=row.learning,
                impact=row.impact,
                peer_reflection=row.peer_reflection,
                submitted_for_year=row.submitted_for_year,
                names_nmc_code=bool(row.names_nmc_code),
            )
        )
    return found


def profiles_in(scope: Select) -> dict[int, CpdProfile]:
    return {
        p.staff_id: p
        for p in db.session.scalars(select(CpdProfile).where(CpdProfile.staff_id.in_(scope)))
    }


def staff_with_regulators(scope: Select, regulators: tuple[Regulator, ...]) -> list[StaffMember]:
    return list(
        db.session.scalars(
            select(StaffMember)
            .where(StaffMember.id.in_(scope), StaffMember.regulator.in_(regulators))
            .options(joinedload(StaffMember.team))
            .order_by(StaffMember.last_name, StaffMember.first_name, StaffMember.id)
        )
    )


def list_pieces_for_year(staff_id: int, ids: frozenset[int]) -> list[CpdEntry]:
    """The entries that count for a registration year, oldest first (Copy for Social Work
    England)."""
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(CpdEntry)
            .where(CpdEntry.staff_id == staff_id, CpdEntry.id.in_(ids))
            .order_by(func.coalesce(CpdEntry.ended_on, CpdEntry.started_on), CpdEntry.id)
        )
    )


@dataclass(frozen=True)
class YearHours:
    year: int
    entries: int
    hours: Decimal


def hours_per_year(staff_id: int) -> list[YearHours]:
    """Complete entries and hours per registration year (1 December to 30 November), newest
    first. A year is named by the calendar year it ends in."""
    dated = func.coalesce(CpdEntry.ended_on, CpdEntry.started_on)
    year = cast(extract("year", dated), Integer) + case(
        (cast(extract("month", dated), Integer) == 12, 1), else_=0
    )
    rows = db.session.execute(
        select(year.label("year"), func.count(), func.coalesce(func.sum(CpdEntry.hours), 0))
        .where(CpdEntry.staff_id == staff_id, CpdEntry.status == EntryStatus.COMPLETE)
        .group_by(year)
        .order_by(year.desc())
    )
    return [YearHours(int(y), int(n), Decimal(h)) for y, n, h in rows]


def registration_years_with_entries(staff_id: int) -> list[int]:
    return [row.year for row in hours_per_year(staff_id)]


# Framework tags -----------------------------------------------------------------------------
@dataclass(frozen=True)
class TagGroup:
    framework: Framework
    items: list[FrameworkItem]


def tag_choices(*, today: dt.date) -> list[TagGroup]:
    """The items an entry may be tagged with: the current version of each tag framework.

    One statement: every published version's items of the tag frameworks, then the version in
    effect today (else the newest published) is chosen here, as frameworks.queries does."""
    rows = db.session.scalars(
        select(FrameworkItem)
        .join(FrameworkItem.version)
        .join(FrameworkVersion.framework)
        .where(
            Framework.code.in_(TAG_FRAMEWORKS),
            FrameworkVersion.status == VersionStatus.PUBLISHED,
            FrameworkItem.is_retired.is_(False),
        )
        .options(contains_eager(FrameworkItem.version).contains_eager(FrameworkVersion.framework))
    ).all()
    versions: dict[str, dict[FrameworkVersion, list[FrameworkItem]]] = {}
    for item in rows:
        versions.setdefault(item.version.framework.code, {}).setdefault(item.version, []).append(
            item
        )
    groups = []
    for code in TAG_FRAMEWORKS:
        candidates = versions.get(code)
        if not candidates:
            continue
        in_effect = [v for v in candidates if v.in_effect_on(today)] or list(candidates)
        version = max(in_effect, key=lambda v: v.number)
        items = sorted(candidates[version], key=lambda i: _sort_code(i.code))
        groups.append(TagGroup(version.framework, items))
    return groups


def tags_as_offered(tags: list[FrameworkItem], groups: list[TagGroup]) -> list[int]:
    """An entry's tags as the items the form offers. A tag on an earlier version of a tag
    framework stands for the offered item with the same code (an item continues the one with
    its code in the previous version), so editing the entry keeps it instead of dropping it."""
    offered = {
        (group.framework.code, item.code): item.id for group in groups for item in group.items
    }
    return [offered.get((tag.version.framework.code, tag.code), tag.id) for tag in tags]


def _sort_code(code: str) -> tuple:
    """ "4.10" after "4.9": compare the numeric parts of a code as numbers."""
    return tuple(int(p) if p.isdigit() else p for p in code.replace("-", ".").split("."))


def coverage(staff_id: int) -> dict[tuple[str, str], int]:
    """How many complete entries are tagged with each framework item, keyed by (framework
    code, item code) so that tags made against an earlier version still count."""
    rows = db.session.execute(
        select(Framework.code, FrameworkItem.code, func.count(func.distinct(CpdEntry.id)))
        .select_from(CpdEntry)
        .join(cpd_entry_tags, cpd_entry_tags.c.entry_id == CpdEntry.id)
        .join(FrameworkItem, FrameworkItem.id == cpd_entry_tags.c.item_id)
        .join(FrameworkVersion, FrameworkVersion.id == FrameworkItem.version_id)
        .join(Framework, Framework.id == FrameworkVersion.framework_id)
        .where(CpdEntry.staff_id == staff_id, CpdEntry.status == EntryStatus.COMPLETE)
        .group_by(Framework.code, FrameworkItem.code)
    )
    return {(f, i): n for f, i, n in rows}


def find_items(item_ids: set[int]) -> list[FrameworkItem]:
    if not item_ids:
        return []
    return list(db.session.scalars(select(FrameworkItem).where(FrameworkItem.id.in_(item_ids))))


# Evidence -------------------------------------------------------------------------------------
def find_evidence(evidence_id: int) -> CpdEvidence | None:
    return db.session.get(
        CpdEvidence,
        evidence_id,
        options=[joinedload(CpdEvidence.entry).joinedload(CpdEntry.staff)],
    )


def evidence_bytes_of(staff_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(CpdEvidence.size_bytes), 0))
            .join(CpdEntry, CpdEntry.id == CpdEvidence.entry_id)
            .where(CpdEntry.staff_id == staff_id)
        )
        or 0
    )


# Sharing ------------------------------------------------------------------------------------
def _shared_condition():  # noqa: ANN202 - a SQL condition
    share_all = (
        select(CpdProfile.share_all)
        .where(CpdProfile.staff_id == CpdEntry.staff_id)
        .correlate(CpdEntry)
        .scalar_subquery()
    )
    return or_(
        CpdEntry.shared.is_(True),
        and_(CpdEntry.status == EntryStatus.COMPLETE, func.coalesce(share_all, False).is_(True)),
    )


# When an entry last changed for the people it is shared with: the later of its last update
# and when it was last shared on its own (entries shared through "share everything" have no
# sharing date of their own, so their last update counts).
_changed_at = case(
    (CpdEntry.shared_at > CpdEntry.updated_at, CpdEntry.shared_at), else_=CpdEntry.updated_at
)


def _is_new_to(reader_id: int):  # noqa: ANN202 - a SQL condition
    """Never opened by the reader, changed or shared since they last opened it, or commented
    on by someone else since. Needs cpd_entry_reads outer-joined for the reader."""
    later_comment = (
        select(CpdComment.id)
        .where(
            CpdComment.entry_id == CpdEntry.id,
            CpdComment.author_id != reader_id,
            CpdComment.created_at > CpdEntryRead.seen_at,
        )
        .exists()
    )
    return or_(CpdEntryRead.seen_at.is_(None), _changed_at > CpdEntryRead.seen_at, later_comment)


def _reads_of(reader_id: int):  # noqa: ANN202 - a join condition
    return and_(CpdEntryRead.entry_id == CpdEntry.id, CpdEntryRead.staff_id == reader_id)


@dataclass(frozen=True)
class SharedEntry:
    entry: CpdEntry
    changed_at: dt.datetime
    is_new: bool


def list_shared_with(manager_id: int, *, today: dt.date, limit: int = 200) -> list[SharedEntry]:
    """Entries that a manager's direct reports have shared with them, most recently shared or
    updated first, each marked new when it changed since the manager last opened it."""
    in_post = or_(StaffMember.leaving_date.is_(None), StaffMember.leaving_date > today)
    rows = db.session.execute(
        select(
            CpdEntry,
            _changed_at.label("changed_at"),
            case((_is_new_to(manager_id), literal(True)), else_=literal(False)).label("is_new"),
        )
        .join(StaffMember, StaffMember.id == CpdEntry.staff_id)
        .outerjoin(CpdEntryRead, _reads_of(manager_id))
        .where(StaffMember.line_manager_id == manager_id, in_post, _shared_condition())
        .options(joinedload(CpdEntry.staff))
        .order_by(_changed_at.desc(), CpdEntry.id.desc())
        .limit(limit)
    )
    return [SharedEntry(row[0], row.changed_at, bool(row.is_new)) for row in rows]


@dataclass(frozen=True)
class SharedCounts:
    total: int
    new: int


def count_shared_with(manager_id: int, *, today: dt.date) -> SharedCounts:
    """How many entries are shared with the manager, and how many are new to them (one
    statement)."""
    in_post = or_(StaffMember.leaving_date.is_(None), StaffMember.leaving_date > today)
    total, new = db.session.execute(
        select(
            func.count(CpdEntry.id),
            func.coalesce(func.sum(case((_is_new_to(manager_id), 1), else_=0)), 0),
        )
        .join(StaffMember, StaffMember.id == CpdEntry.staff_id)
        .outerjoin(CpdEntryRead, _reads_of(manager_id))
        .where(StaffMember.line_manager_id == manager_id, in_post, _shared_condition())
    ).one()
    return SharedCounts(int(total or 0), int(new or 0))


@dataclass(frozen=True)
class UnreadComments:
    entry_id: int
    title: str
    count: int


def list_unread_comments(staff_id: int, *, limit: int = 5) -> list[UnreadComments]:
    """Comments by others on the person's own entries made since they last opened each entry,
    newest first: one statement, grouped by entry."""
    rows = db.session.execute(
        select(CpdEntry.id, CpdEntry.title, func.count(CpdComment.id).label("n"))
        .join(CpdComment, CpdComment.entry_id == CpdEntry.id)
        .outerjoin(CpdEntryRead, _reads_of(staff_id))
        .where(
            CpdEntry.staff_id == staff_id,
            CpdComment.author_id != staff_id,
            or_(CpdEntryRead.seen_at.is_(None), CpdComment.created_at > CpdEntryRead.seen_at),
        )
        .group_by(CpdEntry.id, CpdEntry.title)
        .order_by(func.max(CpdComment.created_at).desc(), CpdEntry.id.desc())
        .limit(limit)
    )
    return [UnreadComments(row.id, row.title, int(row.n)) for row in rows]


# Readiness across a team or service ------------------------------------------------------------
@dataclass(frozen=True)
class SweCounts:
    staff: StaffMember
    pieces: int  # different pieces: identical records count once
    peer_pieces: int
    registered_on: dt.date | None
    no_cpd_needed: bool  # first joined the register on or after the year's cut-off


# The white space SQL's TRIM does not take (rules.normalise_text turns the same into spaces).
_SPACES = ("\t", "\n", "\r", "\v", "\f")


def _spaced(column):  # noqa: ANN001, ANN202 - a SQL expression
    text = func.coalesce(column, "")
    for space in _SPACES:
        text = func.replace(text, space, " ")
    return text


def _normalised(column):  # noqa: ANN001, ANN202 - a SQL expression
    """rules.normalise_text in SQL: runs of spaces become one (each pass halves a run, so six
    passes collapse runs of up to 64), trimmed, lower case."""
    text = _spaced(column)
    for _ in range(6):
        text = func.replace(text, "  ", " ")
    return func.lower(func.trim(text), type_=String)


def swe_counts(scope: Select, *, year: RegistrationYear, terms: SweTerms) -> list[SweCounts]:
    """For everyone in ``scope`` registered with Social Work England: how many different pieces
    count for the registration year, how many have a peer reflection, and whether they joined
    too late in the year to need CPD — the same tests as ``rules.swe_readiness``, in SQL, so a
    whole service is one statement."""
    dated = func.coalesce(CpdEntry.ended_on, CpdEntry.started_on)
    registered_on = CpdProfile.registered_on
    window_start = case(
        (and_(registered_on.is_not(None), registered_on > year.starts_on), registered_on),
        else_=year.starts_on,
    )

    # SQL TRIM takes only spaces, so tabs and line breaks become spaces first: a field of
    # white space alone is blank here as it is to the rules' str.strip(). The services store
    # text stripped, but a row written any other way must be judged the same by both.
    def filled(column):  # noqa: ANN001, ANN202
        return func.length(func.trim(_spaced(column))) > 0

    counts = and_(
        CpdEntry.status == EntryStatus.COMPLETE,
        CpdEntry.activity_type.is_not(None),
        filled(CpdEntry.title),
        filled(CpdEntry.description),
        filled(CpdEntry.learning),
        filled(CpdEntry.impact),
        window_start <= year.ends_on,
        or_(
            and_(
                CpdEntry.submitted_for_year == year.number,
                CpdEntry.started_on <= year.ends_on,
                dated >= window_start,
            ),
            and_(
                CpdEntry.submitted_for_year.is_(None),
                dated >= window_start,
                dated <= year.ends_on,
            ),
        ),
    )
    # Identical records are one piece: count distinct contents (rules.content_key).
    separator = literal("\x1f", String)
    content = (
        _normalised(CpdEntry.title)
        + separator
        + cast(CpdEntry.started_on, String)
        + separator
        + cast(dated, String)
        + separator
        + _normalised(CpdEntry.description)
        + separator
        + _normalised(CpdEntry.learning)
        + separator
        + _normalised(CpdEntry.impact)
    )
    peer = and_(counts, filled(CpdEntry.peer_reflection))
    totals = (
        select(
            CpdEntry.staff_id.label("staff_id"),
            func.count(func.distinct(case((counts, content)))).label("pieces"),
            func.count(func.distinct(case((peer, content)))).label("peer_pieces"),
        )
        .outerjoin(CpdProfile, CpdProfile.staff_id == CpdEntry.staff_id)
        .where(CpdEntry.staff_id.in_(scope))
        .group_by(CpdEntry.staff_id)
        .subquery()
    )
    cut_off = dt.date(year.ends_on.year, *terms.no_cpd_if_joined_from)
    no_cpd = case(
        (and_(registered_on >= cut_off, registered_on <= year.ends_on), literal(True)),
        else_=literal(False),
    )
    rows = db.session.execute(
        select(
            StaffMember,
            totals.c.pieces,
            totals.c.peer_pieces,
            CpdProfile.registered_on,
            no_cpd.label("no_cpd"),
        )
        .outerjoin(totals, totals.c.staff_id == StaffMember.id)
        .outerjoin(CpdProfile, CpdProfile.staff_id == StaffMember.id)
        .where(StaffMember.id.in_(scope), StaffMember.regulator == Regulator.SWE)
        .options(joinedload(StaffMember.team))
        .order_by(StaffMember.last_name, StaffMember.first_name, StaffMember.id)
    )
    return [SweCounts(s, int(n or 0), int(p or 0), r, bool(x)) for s, n, p, r, x in rows]


def staff_in_scope_by_team(scope: StaffScope) -> list[Team]:
    """The teams of the people in the scope, by name (the readiness page's team filter)."""
    return list(
        db.session.scalars(
            select(Team)
            .where(Team.id.in_(select(StaffMember.team_id).where(StaffMember.id.in_(scope.ids))))
            .order_by(Team.name)
        )
    )


def completions_in_cpd(staff_id: int) -> Select:
    """A SELECT of the learning completions a person has already written up as CPD."""
    return select(CpdEntry.source_completion_id).where(
        CpdEntry.staff_id == staff_id, CpdEntry.source_completion_id.is_not(None)
    )


# Earlier versions and the identifying words in them ------------------------------------------
def list_versions(entry_id: int) -> list[CpdEntryVersion]:
    """An entry's earlier versions, oldest first."""
    return list(
        db.session.scalars(
            select(CpdEntryVersion)
            .where(CpdEntryVersion.entry_id == entry_id)
            .order_by(CpdEntryVersion.number)
        )
    )


def texts_of(record: CpdEntry | CpdEntryVersion) -> dict[str, str | None]:
    return {name: getattr(record, name) for name in removal.TEXT_FIELDS}


def list_flagged_in_versions(entry: CpdEntry) -> list[removal.Flagged]:
    """What the confidentiality check flags in the entry's earlier versions."""
    versions = [(version.number, texts_of(version)) for version in list_versions(entry.id)]
    return removal.flagged_in_versions(versions, texts_of(entry))


def list_words_just_removed(entry: CpdEntry) -> list[removal.Flagged]:
    """Words to remove that are in the newest earlier version: what the author has just taken
    out of the entry (the edit page offers to remove them from the history, once)."""
    versions = list_versions(entry.id)
    if not versions:
        return []
    newest = versions[-1].number
    flagged = removal.flagged_in_versions(
        [(v.number, texts_of(v)) for v in versions], texts_of(entry)
    )
    return [f for f in flagged if not f.still_in_entry and newest in f.version_numbers]


def list_words_to_remove(entry: CpdEntry) -> list[removal.Flagged]:
    """Flagged words in earlier versions that the entry itself no longer contains: those the
    author may remove from the history."""
    return [flagged for flagged in list_flagged_in_versions(entry) if not flagged.still_in_entry]


# Readiness for the regulator -----------------------------------------------------------------
def registration_of(profile: CpdProfile | None) -> rules.Registration:
    if profile is None:
        return rules.Registration()
    return rules.Registration(
        registered_on=profile.registered_on,
        revalidation_due_on=profile.revalidation_due_on,
        dual_registrant=bool(profile.nmc_dual_registrant),
        discussion_on=profile.nmc_discussion_on,
        profession=profile.hcpc_profession,
    )


def readiness_of(staff: StaffMember, *, now: dt.datetime) -> Readiness | None:
    """The person's readiness against their own regulator (None when they need no registration).

    A read other pages share (My CPD, the home page): the counts across a team are in
    readiness.py."""
    if staff.regulator is Regulator.NONE:
        return None
    return rules.readiness_for(
        staff.regulator,
        entry_facts(staff.id),
        now=now,
        terms=terms_on(rules.london_date(now)),
        registration=registration_of(find_profile(staff.id)),
    )
