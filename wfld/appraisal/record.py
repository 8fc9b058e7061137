"""A conversation as data: the snapshot a signature keeps (JSON, so a later version or a
renamed framework item never rewrites what was signed), and the dataclass the record page
and its PDF are rendered from."""

from __future__ import annotations

from typing import Any

from wfld.appraisal.models import Appraisal
from wfld.appraisal.rules import Aspiration


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
