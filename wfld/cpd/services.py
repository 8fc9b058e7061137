"""Writes for CPD. Services flush and never commit; the view commits once."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import BinaryIO

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from wfld.accounts import audit
from wfld.accounts.models import User
from wfld.core import files, filetypes
from wfld.core.errors_domain import RuleBroken, check_version
from wfld.core.text import clean_text
from wfld.cpd import confidentiality, queries, removal, rules
from wfld.cpd.models import (
    CpdComment,
    CpdEntry,
    CpdEntryRead,
    CpdEntryVersion,
    CpdEvidence,
    CpdProfile,
    EntryStatus,
    RegulatorTerms,
)
from wfld.cpd.rules import ActivityType, RegistrationYear
from wfld.extensions import db
from wfld.organisation.models import StaffMember

EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class EntryText:
    """What a person writes in an entry (the fields copied into a version before an edit)."""

    title: str
    started_on: dt.date | None
    ended_on: dt.date | None
    activity_type: ActivityType | None
    hours: Decimal | None
    description: str
    learning: str
    impact: str
    peer_reflection: str | None
    peer_role: str | None


class NeedsConfidentialityCheck(Exception):
    """The text looks as if it may identify someone; the person must look again and confirm.

    ``digest`` names exactly what was shown: a confirmation counts only for those findings,
    so text changed after the warning is checked again."""

    def __init__(self, findings: list[confidentiality.Finding]) -> None:
        super().__init__(f"{len(findings)} possible identifying details")
        self.findings = findings
        self.digest = findings_digest(findings)


def findings_digest(findings: list[confidentiality.Finding]) -> str:
    text = "\n".join(f"{f.field}\t{f.kind}\t{f.excerpt}" for f in findings)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# The regulator's form asks for these; a complete entry must have them all.
COMPLETE_REQUIRES = {
    "activity_type": "Select the type of CPD",
    "description": "Enter a short description and why it is relevant",
    "learning": "Enter what you learnt",
    "impact": "Enter the impact on your practice and on the people you work with",
}


def _clean(text: str | None) -> str:
    """Keep the person's words and line breaks; only normalise Windows line endings and drop
    control characters (the forms do so too; this holds for every other caller)."""
    return clean_text(text or "").replace("\r\n", "\n").strip()


def _validate(text: EntryText, *, complete: bool, today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not _clean(text.title):
        errors["title"] = "Enter a title"
    if text.started_on is None:
        errors["started_on"] = "Enter the date of the CPD"
    elif complete and text.started_on > today:
        errors["started_on"] = "The date must be today or in the past"
    if text.ended_on is not None and text.started_on is not None:
        if text.ended_on < text.started_on:
            errors["ended_on"] = "The end date must be the same as or after the start date"
        elif complete and text.ended_on > today:
            errors["ended_on"] = "The end date must be today or in the past"
    if complete:
        for name, message in COMPLETE_REQUIRES.items():
            value = getattr(text, name)
            if value is None or (isinstance(value, str) and not _clean(value)):
                errors[name] = message
    if _clean(text.peer_reflection) and not _clean(text.peer_role):
        errors["peer_role"] = "Enter the role of the person you discussed it with"
    return errors


def entry_errors(text: EntryText, *, complete: bool, today: dt.date) -> dict[str, str]:
    """The entry's rules, for a form to show with its own errors, all at once."""
    return _validate(text, complete=complete, today=today)


def _tags(item_ids: set[int], allowed: set[int]) -> list:
    if not item_ids <= allowed:
        raise RuleBroken({"tags": "Select framework items from the list"})
    return queries.find_items(item_ids)


def save_entry(
    *,
    staff: StaffMember,
    entry: CpdEntry | None,
    text: EntryText,
    complete: bool,
    tag_ids: set[int],
    allowed_tag_ids: set[int],
    share: bool | None,
    confirmed_digest: str | None,
    source_completion_id: int | None = None,
    expected_version: int | None = None,
    actor: User,
    now: dt.datetime,
    today: dt.date,
) -> CpdEntry:
    """Create or change an entry. A complete entry stays complete, and the text it had is kept
    as a version before any change. Text that may identify someone is refused until the
    person confirms they have checked it; nothing is changed on their behalf."""
    if entry is not None:
        check_version(entry, expected_version)
        complete = complete or entry.is_complete
    errors = _validate(text, complete=complete, today=today)
    if errors:
        raise RuleBroken(errors)
    tags = _tags(tag_ids, allowed_tag_ids)
    findings = confidentiality.scan(
        {
            "title": text.title,
            "description": text.description,
            "learning": text.learning,
            "impact": text.impact,
            "peer_reflection": text.peer_reflection,
            "peer_role": text.peer_role,
        }
    )
    if findings and confirmed_digest != findings_digest(findings):
        raise NeedsConfidentialityCheck(findings)

    values = {
        "title": _clean(text.title),
        "started_on": text.started_on,
        "ended_on": text.ended_on if text.ended_on != text.started_on else None,
        "activity_type": text.activity_type,
        "hours": text.hours,
        "description": _clean(text.description),
        "learning": _clean(text.learning),
        "impact": _clean(text.impact),
        "peer_reflection": _clean(text.peer_reflection) or None,
        "peer_role": _clean(text.peer_role) or None,
    }
    if entry is None:
        entry = CpdEntry(
            staff_id=staff.id,
            status=EntryStatus.DRAFT,
            shared=False,
            source_completion_id=source_completion_id,
            created_at=now,
            **values,
        )
        db.session.add(entry)
    else:
        changed = any(getattr(entry, name) != value for name, value in values.items())
        if entry.is_complete and changed:
            _keep_version(entry, actor=actor, now=now)
        for name, value in values.items():
            setattr(entry, name, value)
    entry.tags = tags
    entry.updated_at = now
    if findings:
        entry.confidentiality_checked_at = now
    if share is not None:
        if share and not entry.shared:
            entry.shared_at = now
        entry.shared = share
    if complete and not entry.is_complete:
        entry.status = EntryStatus.COMPLETE
        entry.completed_at = now
    db.session.flush()
    return entry


def _keep_version(entry: CpdEntry, *, actor: User, now: dt.datetime) -> None:
    number = len(entry.versions) + 1
    snapshot = {f: getattr(entry, f) for f in _VERSIONED}
    db.session.add(
        CpdEntryVersion(
            entry_id=entry.id,
            number=number,
            written_at=entry.updated_at,
            replaced_at=now,
            replaced_by_id=actor.id,
            **snapshot,
        )
    )


_VERSIONED = tuple(f.name for f in fields(EntryText))


def delete_draft(*, entry: CpdEntry, actor: User, now: dt.datetime) -> None:
    """Drafts can be deleted; complete entries are part of the person's record and cannot."""
    if entry.is_complete:
        raise RuleBroken({"confirm": "A complete entry cannot be deleted"})
    for evidence in list(entry.evidence):
        files.remove_after_commit(evidence.storage_key)
        db.session.delete(evidence)
    entry.tags = []
    db.session.flush()
    db.session.delete(entry)
    db.session.flush()


def set_shared(*, entry: CpdEntry, shared: bool, actor: User, now: dt.datetime) -> None:
    if entry.shared == shared:
        return
    entry.shared = shared
    if shared:
        entry.shared_at = now
    db.session.flush()
    audit.record(
        "cpd_entry_shared" if shared else "cpd_entry_unshared", now=now, actor=actor, subject=entry
    )


def record_read(*, entry_id: int, reader_id: int, now: dt.datetime) -> None:
    """The reader has opened the entry's page: what it showed is no longer new to them.

    One statement (an upsert on SQLite and PostgreSQL), so two tabs opening the same entry at
    once cannot collide on the row."""
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[dialect]
    statement = insert(CpdEntryRead).values(entry_id=entry_id, staff_id=reader_id, seen_at=now)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[CpdEntryRead.entry_id, CpdEntryRead.staff_id],
            set_={"seen_at": statement.excluded.seen_at},
        )
    )


def update_profile(
    *,
    staff: StaffMember,
    share_all: bool,
    registered_on: dt.date | None,
    revalidation_due_on: dt.date | None,
    expected_version: int | None,
    actor: User,
    now: dt.datetime,
    today: dt.date,
    nmc_dual_registrant: bool = False,
    nmc_discussion_on: dt.date | None = None,
    hcpc_profession: str | None = None,
) -> CpdProfile:
    errors = {}
    if registered_on is not None and registered_on > today:
        errors["registered_on"] = (
            "The date you first joined the register must be today or in the past"
        )
    if nmc_discussion_on is not None and nmc_discussion_on > today:
        errors["nmc_discussion_on"] = (
            "The date of your reflective discussion must be today or in the past"
        )
    if hcpc_profession and queries.terms_on(today).hcpc.profession(hcpc_profession) is None:
        errors["hcpc_profession"] = "Select your profession"
    if errors:
        raise RuleBroken(errors)
    profile = queries.find_profile(staff.id)
    if profile is None:
        profile = CpdProfile(staff_id=staff.id, share_all=False)
        db.session.add(profile)
    else:
        check_version(profile, expected_version)
    if profile.share_all != share_all:
        audit.record(
            "cpd_share_all_on" if share_all else "cpd_share_all_off",
            now=now,
            actor=actor,
            subject=staff,
        )
    profile.share_all = share_all
    profile.registered_on = registered_on
    profile.revalidation_due_on = revalidation_due_on
    profile.nmc_dual_registrant = nmc_dual_registrant
    profile.nmc_discussion_on = nmc_discussion_on
    profile.hcpc_profession = hcpc_profession or None
    db.session.flush()
    return profile


def terms_version_errors(
    *,
    regulator: str,
    effective_from: dt.date | None,
    document: dict,
    note: str | None,
    today: dt.date,
) -> dict[str, str]:
    """What is wrong with a new version of a regulator's terms (empty when nothing is), for
    the form to show with its own errors, all at once."""
    errors = {}
    if effective_from is not None:
        if effective_from <= today:
            errors["effective_from"] = "The date the new terms apply from must be in the future"
        elif any(
            v.regulator == regulator and v.effective_from == effective_from
            for v in queries.list_terms_versions()
        ):
            errors["effective_from"] = (
                "There is already a version from this date: choose another date"
            )
    try:
        rules.parse_terms(regulator, document)
    except rules.TermsInvalid as invalid:
        errors.update(invalid.errors)
    note = clean_text(note or "").strip()
    if not note:
        errors["note"] = "Enter what changed and where it is published"
    elif len(note) > 500:
        errors["note"] = "What changed must be 500 characters or fewer"
    return errors


def add_terms_version(
    *,
    regulator: str,
    effective_from: dt.date,
    document: dict,
    note: str,
    actor: User,
    now: dt.datetime,
    today: dt.date,
) -> RegulatorTerms:
    """A new version of a regulator's terms, in force from ``effective_from``.

    Versions are never edited: a change is a new row, so history stays and a rule for an
    earlier day still reads the terms of that day. A new version may not start on or before
    today (that would rewrite what the tracker has already told people) nor on the date of
    an existing version."""
    errors = terms_version_errors(
        regulator=regulator,
        effective_from=effective_from,
        document=document,
        note=note,
        today=today,
    )
    if errors:
        raise RuleBroken(errors)
    terms = rules.parse_terms(regulator, document)
    note = clean_text(note).strip()
    row = RegulatorTerms(
        regulator=regulator,
        effective_from=effective_from,
        document=rules.terms_document(terms),
        note=note,
        created_at=now,
        created_by_id=actor.id,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "regulator_terms_added",
        now=now,
        actor=actor,
        subject=row,
        regulator=regulator,
        effective_from=effective_from.isoformat(),
        terms=row.document,
    )
    return row


def add_comment(
    *, entry: CpdEntry, author: StaffMember, body: str, actor: User, now: dt.datetime
) -> CpdComment:
    body = _clean(body)
    if not body:
        raise RuleBroken({"body": "Enter a comment"})
    if len(body) > 5000:
        raise RuleBroken({"body": "Comment must be 5,000 characters or fewer"})
    comment = CpdComment(entry_id=entry.id, author_id=author.id, body=body, created_at=now)
    db.session.add(comment)
    db.session.flush()
    return comment


def mark_recorded(
    *, entry: CpdEntry, year: RegistrationYear | None, actor: User, now: dt.datetime
) -> None:
    """Record that the person used this piece for a Social Work England renewal (or undo it),
    so that it never counts again for another year."""
    if year is not None and not entry.is_complete:
        raise RuleBroken({"year": "Only a complete entry can be used for renewal"})
    entry.submitted_for_year = year.number if year is not None else None
    entry.updated_at = now
    db.session.flush()


# Evidence ---------------------------------------------------------------------------------
def add_evidence(
    *,
    entry: CpdEntry,
    stream: BinaryIO,
    filename: str,
    quota_bytes: int,
    actor: User,
    now: dt.datetime,
) -> CpdEvidence:
    """Store a file of evidence, checked by its content, within the person's quota."""
    used = queries.evidence_bytes_of(entry.staff_id)
    if used >= quota_bytes:
        raise RuleBroken({"file": _quota_message(used, quota_bytes)})
    try:
        stored = files.store(
            stream,
            filename=filename,
            allowed=filetypes.EVIDENCE_TYPES,
            max_bytes=EVIDENCE_MAX_BYTES,
            identify=filetypes.identify,
        )
    except files.UploadRefused as refused:
        raise RuleBroken({"file": str(refused)}) from None
    if used + stored.size_bytes > quota_bytes:
        files.remove(stored.storage_key)
        raise RuleBroken({"file": _quota_message(used, quota_bytes)})
    files.remove_after_rollback(stored.storage_key)
    evidence = CpdEvidence(
        entry_id=entry.id,
        storage_key=stored.storage_key,
        original_name=stored.original_name,
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        sha256=stored.sha256,
        uploaded_at=now,
        uploaded_by_id=actor.id,
    )
    db.session.add(evidence)
    db.session.flush()
    audit.record(
        "cpd_evidence_added",
        now=now,
        actor=actor,
        subject=entry,
        evidence_id=evidence.id,
        sha256=stored.sha256,
        size_bytes=stored.size_bytes,
    )
    return evidence


def _quota_message(used: int, quota: int) -> str:
    mb = 1024 * 1024
    return (
        f"You have used {used / mb:.1f}MB of your {quota // mb}MB for evidence files. "
        "Remove a file you no longer need, or choose a smaller file"
    )


def remove_evidence(*, evidence: CpdEvidence, actor: User, now: dt.datetime) -> None:
    files.remove_after_commit(evidence.storage_key)
    audit.record(
        "cpd_evidence_removed",
        now=now,
        actor=actor,
        subject=evidence.entry,
        evidence_id=evidence.id,
        sha256=evidence.sha256,
    )
    db.session.delete(evidence)
    db.session.flush()


# Removing identifying words from earlier versions -------------------------------------------
def words_digest(words: list[removal.Flagged]) -> str:
    """Names exactly the words a person was shown, so a confirmation covers only those."""
    text = "\n".join(sorted(flagged.excerpt for flagged in words))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def remove_from_versions(
    *, entry: CpdEntry, shown_digest: str, actor: User, now: dt.datetime, today: dt.date
) -> list[CpdEntryVersion]:
    """Replace, in every earlier version, each text field holding a flagged word the entry no
    longer contains by "Removed by the author on <date>" (see cpd.removal for why the whole
    field). Only the words the author was shown are removed; the audit event says who, which
    entry and which versions and fields, never the words."""
    words = queries.list_words_to_remove(entry)
    if not words:
        raise RuleBroken({"confirm": "There are no words to remove from the earlier versions"})
    if shown_digest != words_digest(words):
        raise RuleBroken(
            {
                "confirm": "The earlier versions have changed since you opened this page. "
                "Check the words again"
            }
        )
    excerpts = [flagged.excerpt for flagged in words]
    replacement = removal.notice(today)
    changed: list[CpdEntryVersion] = []
    fields_changed: set[str] = set()
    for version in queries.list_versions(entry.id):
        names = removal.fields_to_replace(queries.texts_of(version), excerpts)
        for name in names:
            setattr(version, name, replacement)
        if names:
            changed.append(version)
            fields_changed.update(names)
    db.session.flush()
    audit.record(
        "cpd_version_text_removed",
        now=now,
        actor=actor,
        subject=entry,
        version_ids=[version.id for version in changed],
        version_numbers=[version.number for version in changed],
        fields=sorted(fields_changed),
        words_removed=len(excerpts),
    )
    return changed
