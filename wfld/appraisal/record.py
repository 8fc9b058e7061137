"""A conversation as data: the snapshot a signature keeps (JSON, so a later version or a
renamed framework item never rewrites what was signed), and the dataclass the record page
and its PDF are rendered from."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from wfld.appraisal import queries
from wfld.appraisal.models import Appraisal, AppraisalEvent
from wfld.appraisal.rules import AppraisalKind, Aspiration, EventKind


def _name(staff: Any) -> str:
    return f"{staff.first_name} {staff.last_name}" if staff is not None else ""


def snapshot_of(appraisal: Appraisal) -> dict[str, Any]:
    """What the record says now, in words: who, when, and every section, needs and objectives
    with the names of what they link to."""
    return {
        "record_version": appraisal.record_version,
        "cycle": appraisal.cycle.name,
        "kind": appraisal.kind.value,
        "person": _name(appraisal.staff),
        "person_role": appraisal.staff.job_role.title if appraisal.staff.job_role else "",
        "appraiser": _name(appraisal.appraiser),
        "held_on": appraisal.held_on.isoformat() if appraisal.held_on else None,
        "self_reflection": appraisal.self_reflection,
        "appraiser_view": appraisal.appraiser_view,
        "feedback": appraisal.feedback,
        "feedback_cpd": [e.title for e in appraisal.cpd_entries],
        "feedback_supervision": [
            f"{s.kind.label} on {s.held_on.isoformat()}" for s in appraisal.supervision_sessions
        ],
        "strengths": appraisal.strengths,
        "wellbeing_discussed": appraisal.wellbeing_discussed,
        "support_discussed": appraisal.support_discussed,
        "aspirations": [Aspiration(a).label for a in appraisal.aspirations],
        "aspirations_note": appraisal.aspirations_note,
        "needs": [
            {
                "description": n.description,
                "action_type": n.action_type.label,
                "activity": n.activity.title if n.activity else None,
                "framework_items": [f"{i.code} {i.title}" for i in n.framework_items],
                "target_date": n.target_date.isoformat() if n.target_date else None,
            }
            for n in appraisal.needs
        ],
        "objectives": [
            {
                "text": o.text,
                "target_date": o.target_date.isoformat(),
                "priority": o.priority.title if o.priority else None,
            }
            for o in appraisal.objectives
        ],
        "person_comments": appraisal.person_comments,
        "person_signed_at": _at(appraisal.person_signed_at),
        "appraiser_signed_at": _at(appraisal.appraiser_signed_at),
        "countersigner": _name(appraisal.countersigner) if appraisal.countersigned_at else None,
        "countersigned_at": _at(appraisal.countersigned_at),
    }


def _at(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


# The signed record (helper C) ---------------------------------------------------------------
# The record page, the history and the PDF are rendered from the dataclass below, built from a
# snapshot: what a signature kept, or (on the sign-off page) what the record says now. So the
# page someone signs and the PDF of what they signed read the same.


@dataclass(frozen=True)
class NeedLine:
    description: str
    action_type: str
    activity: str | None
    framework_items: tuple[str, ...]
    target_date: dt.date | None


@dataclass(frozen=True)
class ObjectiveLine:
    text: str
    target_date: dt.date | None
    priority: str | None


@dataclass(frozen=True)
class SignatureLine:
    who: str  # "Priya Sandhu (the person)"
    at: dt.datetime | None  # None: not signed (yet)


@dataclass(frozen=True)
class AppraisalRecord:
    """One version of a conversation, in words, as a signature kept it."""

    record_version: int
    cycle: str
    kind: str  # "Annual conversation"
    person: str
    person_role: str
    appraiser: str
    held_on: dt.date | None
    self_reflection: str
    appraiser_view: str
    feedback: str
    feedback_cpd: tuple[str, ...]
    feedback_supervision: tuple[str, ...]
    strengths: str
    wellbeing_discussed: bool
    support_discussed: bool
    aspirations: tuple[str, ...]
    aspirations_note: str
    needs: tuple[NeedLine, ...]
    objectives: tuple[ObjectiveLine, ...]
    person_comments: str
    person_signed_at: dt.datetime | None
    appraiser_signed_at: dt.datetime | None
    countersigner: str | None
    countersigned_at: dt.datetime | None

    @classmethod
    def from_snapshot(cls, snapshot: dict[str, Any]) -> AppraisalRecord:
        return cls(
            record_version=int(snapshot.get("record_version") or 1),
            cycle=snapshot.get("cycle") or "",
            kind=_kind_label(snapshot.get("kind")),
            person=snapshot.get("person") or "",
            person_role=snapshot.get("person_role") or "",
            appraiser=snapshot.get("appraiser") or "",
            held_on=_day(snapshot.get("held_on")),
            self_reflection=snapshot.get("self_reflection") or "",
            appraiser_view=snapshot.get("appraiser_view") or "",
            feedback=snapshot.get("feedback") or "",
            feedback_cpd=tuple(snapshot.get("feedback_cpd") or ()),
            feedback_supervision=tuple(snapshot.get("feedback_supervision") or ()),
            strengths=snapshot.get("strengths") or "",
            wellbeing_discussed=bool(snapshot.get("wellbeing_discussed")),
            support_discussed=bool(snapshot.get("support_discussed")),
            aspirations=tuple(snapshot.get("aspirations") or ()),
            aspirations_note=snapshot.get("aspirations_note") or "",
            needs=tuple(
                NeedLine(
                    description=n.get("description") or "",
                    action_type=n.get("action_type") or "",
                    activity=n.get("activity"),
                    framework_items=tuple(n.get("framework_items") or ()),
                    target_date=_day(n.get("target_date")),
                )
                for n in snapshot.get("needs") or ()
            ),
            objectives=tuple(
                ObjectiveLine(
                    text=o.get("text") or "",
                    target_date=_day(o.get("target_date")),
                    priority=o.get("priority"),
                )
                for o in snapshot.get("objectives") or ()
            ),
            person_comments=snapshot.get("person_comments") or "",
            person_signed_at=_moment(snapshot.get("person_signed_at")),
            appraiser_signed_at=_moment(snapshot.get("appraiser_signed_at")),
            countersigner=snapshot.get("countersigner"),
            countersigned_at=_moment(snapshot.get("countersigned_at")),
        )

    @property
    def signatures(self) -> tuple[SignatureLine, ...]:
        lines = [
            SignatureLine(f"{self.person} (the person)", self.person_signed_at),
            SignatureLine(f"{self.appraiser} (appraiser)", self.appraiser_signed_at),
        ]
        if self.countersigner:
            lines.append(
                SignatureLine(f"{self.countersigner} (countersigned)", self.countersigned_at)
            )
        return tuple(lines)

    @property
    def title(self) -> str:
        return f"Appraisal record: {self.person}, {self.cycle}"

    @property
    def header(self) -> str:
        """The PDF's running header."""
        return f"{self.person} · {self.kind}, {self.cycle} · version {self.record_version}"

    @property
    def filename(self) -> str:
        """A download name that is safe anywhere: lower-case letters, digits and hyphens."""
        return (
            f"appraisal-record-{_slug(self.person)}-{_slug(self.cycle)}-v{self.record_version}.pdf"
        )


SIGNED_KINDS = frozenset(
    {EventKind.PERSON_SIGNED, EventKind.APPRAISER_SIGNED, EventKind.COUNTERSIGNED}
)


def signed_snapshots(events: list[AppraisalEvent]) -> dict[int, dict[str, Any]]:
    """Each signed version's record as its latest signature kept it (a countersignature's
    snapshot supersedes the appraiser's), by version; ``events`` in the order they happened."""
    kept: dict[int, dict[str, Any]] = {}
    for event in events:
        if event.kind in SIGNED_KINDS and event.snapshot:
            kept[event.record_version] = event.snapshot
    return kept


def record_for_pdf(appraisal: Appraisal) -> AppraisalRecord | None:
    """The signed record: the current version as its latest signature kept it, or, while the
    current version is being changed (not signed by both yet), the latest version that was.
    None when no version has been signed by both."""
    kept = signed_snapshots(queries.list_events(appraisal.id))
    if not kept:
        return None
    version = appraisal.record_version if appraisal.record_version in kept else max(kept)
    return AppraisalRecord.from_snapshot(kept[version])


def current_record(appraisal: Appraisal) -> AppraisalRecord:
    """What the record says now (the sign-off page's check of the whole record)."""
    return AppraisalRecord.from_snapshot(snapshot_of(appraisal))


def _kind_label(value: str | None) -> str:
    try:
        return AppraisalKind(value).label
    except ValueError:
        return value or ""


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _moment(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "record"
