"""The authorisation table: who gets what from every route that takes a record id.

Every URL rule with an argument must appear in TABLE, so a new id route cannot be added
without deciding (and testing) who may reach it. Each case answers a GET (a POST with a
valid CSRF token, for POST-only routes) for an "own" record (the practitioner, team A, the
social worker role, a published framework version) and for an "other" record (the other
practitioner in team B, outside the line manager's chain; team B; the family support
worker role; a draft framework version).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask, url_for

from tests.helpers import sign_in

PERSONAS = (
    "anonymous",
    "practitioner",
    "line_manager",
    "senior_manager",
    "wfld_admin",
    "system_admin",
)

ANON = {"anonymous": (302, 302)}
HIDDEN = (404, 404)
SEEN = (200, 200)

# Everyone but the WFLD admin and the system admin is told "not found", so ids cannot be probed.
ORGANISATION_ADMIN = {
    **ANON,
    "practitioner": HIDDEN,
    "line_manager": HIDDEN,
    "senior_manager": HIDDEN,
    "wfld_admin": SEEN,
    "system_admin": SEEN,
}
ACCOUNTS_ADMIN = {
    **ANON,
    "practitioner": HIDDEN,
    "line_manager": HIDDEN,
    "senior_manager": HIDDEN,
    "wfld_admin": HIDDEN,
    "system_admin": SEEN,
}

FRAMEWORK_DRAFT_ONLY = {
    **ANON,
    "practitioner": HIDDEN,
    "line_manager": HIDDEN,
    "senior_manager": HIDDEN,
    "wfld_admin": (404, 200),
    "system_admin": (404, 200),
}

# Only the person themselves: everyone else, whatever their role, is told "not found".
CPD_OWNER_ONLY = {
    **ANON,
    "practitioner": (200, 404),
    "line_manager": HIDDEN,
    "senior_manager": HIDDEN,
    "wfld_admin": HIDDEN,
    "system_admin": HIDDEN,
}

# endpoint -> persona -> (status for the own record, status for the other record), for a GET.
TABLE: dict[str, dict[str, tuple[int, int]]] = {
    "people.profile": {
        **ANON,
        "practitioner": (200, 404),  # themselves; not a stranger
        "line_manager": (200, 404),  # their direct report; not someone outside their chain
        "senior_manager": SEEN,
        "wfld_admin": SEEN,
        "system_admin": SEEN,
    },
    "admin.view_team": ORGANISATION_ADMIN,
    "admin.edit_team": ORGANISATION_ADMIN,
    "admin.change_team_status": ORGANISATION_ADMIN,
    "admin.edit_job_role": ORGANISATION_ADMIN,
    "admin.change_job_role_status": ORGANISATION_ADMIN,
    "admin.view_staff": ORGANISATION_ADMIN,
    "admin.edit_staff": ORGANISATION_ADMIN,
    "admin.record_leaver": ORGANISATION_ADMIN,
    "admin.edit_account": ACCOUNTS_ADMIN,
    # Published versions are for everyone signed in; drafts only for the WFLD team.
    "frameworks.view_version": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (200, 404),
        "senior_manager": (200, 404),
        "wfld_admin": SEEN,
        "system_admin": SEEN,
    },
    "frameworks.export_version": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (200, 404),
        "senior_manager": (200, 404),
        "wfld_admin": SEEN,
        "system_admin": SEEN,
    },
    "frameworks.new_version": ORGANISATION_ADMIN,
    # Only a draft changes: a published version answers 404 even to the WFLD team.
    "frameworks.add_item": FRAMEWORK_DRAFT_ONLY,
    "frameworks.publish": FRAMEWORK_DRAFT_ONLY,
    "frameworks.edit_item": FRAMEWORK_DRAFT_ONLY,
    "frameworks.change_item": {
        **FRAMEWORK_DRAFT_ONLY,
        "wfld_admin": (404, 302),
        "system_admin": (404, 302),
    },
    "frameworks.delete_link": {
        **ORGANISATION_ADMIN,
        "wfld_admin": (302, 302),
        "system_admin": (302, 302),
    },
    # A person's learning: the same people who may see their profile.
    "learning.person_learning": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (200, 404),
        "senior_manager": SEEN,
        "wfld_admin": SEEN,
        "system_admin": SEEN,
    },
    "learning.view_pathway": ORGANISATION_ADMIN,
    "learning.edit_pathway": ORGANISATION_ADMIN,
    "learning.add_requirement": ORGANISATION_ADMIN,
    "learning.assign_pathway": ORGANISATION_ADMIN,
    "learning.remove_requirement": ORGANISATION_ADMIN,
    "learning.remove_assignment": {
        **ORGANISATION_ADMIN,
        "wfld_admin": (302, 302),
        "system_admin": (302, 302),
    },
    # Uploaded certificates: the WFLD team checks them; the person and their management
    # chain may download them (the head of service is above both practitioners).
    "catalogue.decide_certificate": ORGANISATION_ADMIN,
    "catalogue.download_certificate": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (200, 404),
        "senior_manager": SEEN,
        "wfld_admin": SEEN,
        "system_admin": SEEN,
    },
    # The catalogue. Activities: an offered one (own) for everyone, a withdrawn one (other)
    # only for the WFLD team, who run activities, sessions and attendance.
    "catalogue.view_activity": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (200, 404),
        "senior_manager": (200, 404),
        "wfld_admin": SEEN,
        "system_admin": SEEN,
    },
    "catalogue.edit_activity": ORGANISATION_ADMIN,
    "catalogue.new_session": ORGANISATION_ADMIN,
    "catalogue.view_session": ORGANISATION_ADMIN,
    # Both sessions are still to come and not cancelled ("other" is of a withdrawn activity),
    # so the WFLD team get the form for each: the policy is can_manage_session, as for
    # view_session. A started or cancelled session would also answer 200, with a page saying
    # it cannot be changed (tests/learning/test_session_edit.py), never a different status.
    "catalogue.edit_session": ORGANISATION_ADMIN,
    "catalogue.cancel_session": ORGANISATION_ADMIN,
    # Anyone with a staff record books a session of an offered activity (then redirected); a
    # withdrawn activity's session is not found, except by the WFLD team, who are told on the
    # page that it cannot be booked.
    "catalogue.book_session": {
        **ANON,
        "practitioner": (302, 404),
        "line_manager": (302, 404),
        "senior_manager": (302, 404),
        "wfld_admin": (302, 200),
        "system_admin": (302, 200),
    },
    # Bookings: the practitioner's own (own) and the other practitioner's (other).
    "catalogue.cancel_booking": {
        **ANON,
        "practitioner": (200, 404),  # their own booking; not someone else's
        "line_manager": HIDDEN,  # not even their direct report's
        "senior_manager": HIDDEN,
        "wfld_admin": SEEN,
        "system_admin": SEEN,
    },
    # The sessions have not started, so the WFLD team are told attendance has to wait.
    "catalogue.mark_attendance": ORGANISATION_ADMIN,
    # CPD entries are private: the practitioner's own draft (own) and the other practitioner's
    # (other), neither shared, so even the practitioner's direct line manager is told "not
    # found"; a senior manager, the WFLD team and system admins never read anyone's CPD. What a
    # line manager may do with a shared entry is tested in tests/cpd/test_entry_permissions.py.
    "cpd.view_entry": CPD_OWNER_ONLY,
    "cpd.edit_entry": CPD_OWNER_ONLY,
    "cpd.entry_versions": CPD_OWNER_ONLY,
    # The author only; their own entry is a draft, with nothing to remove (the page says so).
    "cpd.remove_version_words": CPD_OWNER_ONLY,
    "cpd.delete_entry": CPD_OWNER_ONLY,  # a draft: complete entries cannot be deleted
    "cpd.share_entry": {**CPD_OWNER_ONLY, "practitioner": (302, 404)},
    # Posted without a comment: the entry page again, with the error.
    "cpd.add_comment": CPD_OWNER_ONLY,
    "cpd.mark_recorded": {**CPD_OWNER_ONLY, "practitioner": (302, 404)},
    # Posted without a file: the entry page again, with the error.
    "cpd.upload_evidence": CPD_OWNER_ONLY,
    # Evidence files of those entries (one each).
    "cpd.download_evidence": CPD_OWNER_ONLY,
    "cpd.remove_evidence": CPD_OWNER_ONLY,
    # A finished download (the CPD record PDF) goes to the person who asked for it alone.
    "downloads.download_job": CPD_OWNER_ONLY,
    # Programmes: the practitioner is on the ASYE assessed by their line manager; the other
    # practitioner is on another cohort with no assessor yet. Only the people in an enrolment
    # and the WFLD team see it; a step someone can see but is not theirs to take is 403.
    # A head of service above both (the senior manager) has no part in either enrolment.
    "programmes.act_on_milestone": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (403, 404),
        "senior_manager": HIDDEN,
        "wfld_admin": (403, 403),
        "system_admin": HIDDEN,
    },
    "programmes.add_member": {
        **ANON,
        "practitioner": HIDDEN,
        "line_manager": HIDDEN,
        "senior_manager": HIDDEN,
        "wfld_admin": SEEN,
        "system_admin": HIDDEN,
    },
    "programmes.apply_progression": {
        **ANON,
        "practitioner": (403, 404),
        "line_manager": (403, 404),
        "senior_manager": HIDDEN,
        "wfld_admin": SEEN,
        "system_admin": HIDDEN,
    },
    "programmes.change_enrolment": {
        **ANON,
        "practitioner": HIDDEN,
        "line_manager": HIDDEN,
        "senior_manager": HIDDEN,
        "wfld_admin": SEEN,
        "system_admin": HIDDEN,
    },
    "programmes.cohort_dashboard": {
        **ANON,
        "practitioner": HIDDEN,
        "line_manager": HIDDEN,
        "senior_manager": HIDDEN,
        "wfld_admin": SEEN,
        "system_admin": HIDDEN,
    },
    "programmes.cohort_dashboard_csv": {
        **ANON,
        "practitioner": HIDDEN,
        "line_manager": HIDDEN,
        "senior_manager": HIDDEN,
        "wfld_admin": SEEN,
        "system_admin": HIDDEN,
    },
    "programmes.coverage_map": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (200, 404),
        "senior_manager": HIDDEN,
        "wfld_admin": SEEN,
        "system_admin": HIDDEN,
    },
    "programmes.edit_evidence": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": HIDDEN,
        "senior_manager": HIDDEN,
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "programmes.edit_template": {
        **ANON,
        "practitioner": HIDDEN,
        "line_manager": HIDDEN,
        "senior_manager": HIDDEN,
        "wfld_admin": SEEN,
        "system_admin": HIDDEN,
    },
    "programmes.edit_workload": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (200, 404),
        "senior_manager": HIDDEN,
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "programmes.evidence_to_cpd": {
        **ANON,
        "practitioner": (302, 404),
        "line_manager": HIDDEN,
        "senior_manager": HIDDEN,
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "programmes.list_evidence": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (200, 404),
        "senior_manager": HIDDEN,
        "wfld_admin": SEEN,
        "system_admin": HIDDEN,
    },
    "programmes.manage_enrolment": {
        **ANON,
        "practitioner": HIDDEN,
        "line_manager": HIDDEN,
        "senior_manager": HIDDEN,
        "wfld_admin": SEEN,
        "system_admin": HIDDEN,
    },
    "programmes.new_evidence": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (302, 404),
        "senior_manager": HIDDEN,
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "programmes.publish_template": {
        **ANON,
        "practitioner": HIDDEN,
        "line_manager": HIDDEN,
        "senior_manager": HIDDEN,
        "wfld_admin": (302, 302),
        "system_admin": HIDDEN,
    },
    "programmes.record_outcome": {
        **ANON,
        "practitioner": (403, 404),
        "line_manager": (200, 404),
        "senior_manager": HIDDEN,
        "wfld_admin": (403, 403),
        "system_admin": HIDDEN,
    },
    "programmes.record_panel": {
        **ANON,
        "practitioner": (403, 404),
        "line_manager": (403, 404),
        "senior_manager": HIDDEN,
        "wfld_admin": SEEN,
        "system_admin": HIDDEN,
    },
    "programmes.remove_evidence": {
        **ANON,
        "practitioner": (302, 404),
        "line_manager": HIDDEN,
        "senior_manager": HIDDEN,
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "programmes.request_bundle": {
        **ANON,
        "practitioner": HIDDEN,
        "line_manager": HIDDEN,
        "senior_manager": HIDDEN,
        "wfld_admin": (302, 302),
        "system_admin": HIDDEN,
    },
    "programmes.request_record_pdf": {
        **ANON,
        "practitioner": (302, 404),
        "line_manager": (302, 404),
        "senior_manager": HIDDEN,
        "wfld_admin": (302, 302),
        "system_admin": HIDDEN,
    },
    "programmes.view_cohort": {
        **ANON,
        "practitioner": HIDDEN,
        "line_manager": HIDDEN,
        "senior_manager": HIDDEN,
        "wfld_admin": SEEN,
        "system_admin": HIDDEN,
    },
    "programmes.view_enrolment": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (200, 404),
        "senior_manager": HIDDEN,
        "wfld_admin": SEEN,
        "system_admin": HIDDEN,
    },
    "programmes.view_evidence": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (200, 404),
        "senior_manager": HIDDEN,
        "wfld_admin": SEEN,
        "system_admin": HIDDEN,
    },
    "programmes.view_milestone": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (200, 404),
        "senior_manager": HIDDEN,
        "wfld_admin": SEEN,
        "system_admin": HIDDEN,
    },
    "programmes.view_template": {
        **ANON,
        "practitioner": HIDDEN,
        "line_manager": HIDDEN,
        "senior_manager": HIDDEN,
        "wfld_admin": SEEN,
        "system_admin": HIDDEN,
    },
    "programmes.workload": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (200, 404),
        "senior_manager": HIDDEN,
        "wfld_admin": SEEN,
        "system_admin": HIDDEN,
    },
    # Appraisal: a conversation is the person's, their appraiser's and (read-only) those above them
    # in line management (the head of service manages both managers); the WFLD team sets
    # appraisers but never reads what a conversation says.
    "appraisal.view_appraisal": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (200, 404),
        "senior_manager": SEEN,
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "appraisal.prepare_appraisal": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (403, 404),
        "senior_manager": (403, 403),
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "appraisal.record_conversation": {
        **ANON,
        "practitioner": (403, 404),
        "line_manager": (200, 404),
        "senior_manager": (403, 403),
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "appraisal.add_need": {
        **ANON,
        "practitioner": (403, 404),
        "line_manager": (200, 404),
        "senior_manager": (403, 403),
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "appraisal.add_objective": {
        **ANON,
        "practitioner": (403, 404),
        "line_manager": (200, 404),
        "senior_manager": (403, 403),
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "appraisal.edit_need": {
        **ANON,
        "practitioner": (403, 404),
        "line_manager": (200, 404),
        "senior_manager": (403, 403),
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "appraisal.remove_need": {
        **ANON,
        "practitioner": (403, 404),
        "line_manager": (200, 404),
        "senior_manager": (403, 403),
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "appraisal.edit_objective": {
        **ANON,
        "practitioner": (403, 404),
        "line_manager": (200, 404),
        "senior_manager": (403, 403),
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "appraisal.remove_objective": {
        **ANON,
        "practitioner": (403, 404),
        "line_manager": (200, 404),
        "senior_manager": (403, 403),
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "appraisal.sign_appraisal": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (200, 404),
        "senior_manager": (403, 403),
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "appraisal.appraisal_history": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (200, 404),
        "senior_manager": SEEN,
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "appraisal.countersign_appraisal": {
        **ANON,
        "practitioner": (403, 404),
        "line_manager": (403, 404),
        "senior_manager": (403, 403),
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "appraisal.new_version": {
        **ANON,
        "practitioner": (403, 404),
        "line_manager": (200, 404),
        "senior_manager": (403, 403),
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "appraisal.appraisal_pdf": {
        **ANON,
        "practitioner": (302, 404),
        "line_manager": (302, 404),
        "senior_manager": (302, 302),
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    # Starting a conversation: the person themselves, or their line manager.
    "appraisal.start_appraisal": {
        **ANON,
        "practitioner": (302, 404),
        "line_manager": (302, 404),
        "senior_manager": HIDDEN,
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    # A development plan: the person and their line management; the person and their line
    # manager move actions on; only the person books a place or writes the CPD entry.
    "appraisal.view_plan": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (200, 404),
        "senior_manager": SEEN,
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "appraisal.plan_pdf": {
        **ANON,
        "practitioner": (302, 404),
        "line_manager": (302, 404),
        "senior_manager": (302, 302),
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "appraisal.update_action": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (200, 404),
        "senior_manager": HIDDEN,
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "appraisal.add_action": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (200, 404),
        "senior_manager": HIDDEN,
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "appraisal.book_action": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": HIDDEN,
        "senior_manager": HIDDEN,
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "appraisal.action_to_cpd": {
        **ANON,
        "practitioner": (302, 404),
        "line_manager": HIDDEN,
        "senior_manager": HIDDEN,
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    # Appraisal cycles and appraisers: the WFLD team.
    "appraisal.edit_cycle": {
        **ANON,
        "practitioner": HIDDEN,
        "line_manager": HIDDEN,
        "senior_manager": HIDDEN,
        "wfld_admin": SEEN,
        "system_admin": HIDDEN,
    },
    "appraisal.set_appraiser": {
        **ANON,
        "practitioner": HIDDEN,
        "line_manager": HIDDEN,
        "senior_manager": HIDDEN,
        "wfld_admin": SEEN,
        "system_admin": HIDDEN,
    },
    # A team plan: written by its manager (a line manager in the team); read by the WFLD team
    # and senior managers.
    "appraisal.team_plan": {
        **ANON,
        "practitioner": HIDDEN,
        "line_manager": (200, 404),
        "senior_manager": SEEN,
        "wfld_admin": SEEN,
        "system_admin": HIDDEN,
    },
    "appraisal.edit_team_plan": {
        **ANON,
        "practitioner": HIDDEN,
        "line_manager": (200, 404),
        "senior_manager": (200, 404),
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "appraisal.add_team_need": {
        **ANON,
        "practitioner": HIDDEN,
        "line_manager": (200, 404),
        "senior_manager": (200, 404),
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "appraisal.edit_team_need": {
        **ANON,
        "practitioner": HIDDEN,
        "line_manager": (200, 404),
        "senior_manager": (200, 404),
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "appraisal.remove_team_need": {
        **ANON,
        "practitioner": HIDDEN,
        "line_manager": (200, 404),
        "senior_manager": (200, 404),
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    # Supervision: the log is the person's, their line management chain's and the WFLD team's;
    # only the supervisor who held a session changes it; only the person copies it to CPD.
    "supervision.edit_session": {
        **ANON,
        "practitioner": HIDDEN,
        "line_manager": (200, 404),
        "senior_manager": HIDDEN,
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "supervision.new_session": {
        **ANON,
        "practitioner": HIDDEN,
        "line_manager": (200, 404),
        "senior_manager": HIDDEN,
        "wfld_admin": SEEN,
        "system_admin": HIDDEN,
    },
    "supervision.session_to_cpd": {
        **ANON,
        "practitioner": (302, 404),
        "line_manager": HIDDEN,
        "senior_manager": HIDDEN,
        "wfld_admin": HIDDEN,
        "system_admin": HIDDEN,
    },
    "supervision.staff_supervision": {
        **ANON,
        "practitioner": (200, 404),
        "line_manager": (200, 404),
        "senior_manager": SEEN,
        "wfld_admin": SEEN,
        "system_admin": HIDDEN,
    },
}

# URL argument -> (own record id, other record id) from the org fixture and `records`.
RECORD_ARGUMENTS = {
    "staff_id": lambda org, rec: (org.practitioner.staff_id, org.other_practitioner.staff_id),
    "team_id": lambda org, rec: (org.team_a, org.team_b),
    "job_role_id": lambda org, rec: (org.role_social_worker, org.role_family_worker),
    "version_id": lambda org, rec: (rec.published_version, rec.draft_version),
    "item_id": lambda org, rec: (rec.published_item, rec.draft_item),
    "framework_id": lambda org, rec: (rec.framework_without_draft, rec.framework_with_draft),
    "link_id": lambda org, rec: rec.links,
    "pathway_id": lambda org, rec: rec.pathways,
    "requirement_id": lambda org, rec: rec.requirements,
    "assignment_id": lambda org, rec: rec.assignments,
    "completion_id": lambda org, rec: rec.completions,
    "activity_id": lambda org, rec: rec.activities,
    "session_id": lambda org, rec: rec.sessions,
    "booking_id": lambda org, rec: rec.bookings,
    "entry_id": lambda org, rec: rec.cpd_entries,
    "evidence_id": lambda org, rec: rec.cpd_evidence,
    "job_id": lambda org, rec: rec.jobs,
    "template_id": lambda org, rec: rec.programme_templates,
    "cohort_id": lambda org, rec: rec.cohorts,
    "enrolment_id": lambda org, rec: rec.enrolments,
    "milestone_id": lambda org, rec: rec.milestones,
    "piece_id": lambda org, rec: rec.pieces,
    "workload_id": lambda org, rec: rec.workload_months,
    "supervision_id": lambda org, rec: rec.supervision_sessions,
    "cycle_id": lambda org, rec: rec.appraisal_cycles,
    "appraisal_id": lambda org, rec: rec.appraisals,
    "need_id": lambda org, rec: rec.development_needs,
    "objective_id": lambda org, rec: rec.objectives,
    "plan_id": lambda org, rec: rec.development_plans,
    "action_id": lambda org, rec: rec.development_actions,
    "team_plan_id": lambda org, rec: rec.team_plans,
    "team_need_id": lambda org, rec: rec.team_needs,
}
# Arguments chosen from an any(...) converter: the test uses the first choice.
CHOICE_ARGUMENTS = ("action", "fmt")
ACTION_ARGUMENT = "action"
MISSING_ID = 999_999


def _rules_with_arguments(app: Flask) -> dict:
    return {
        rule.endpoint: rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and "<" in rule.rule
    }


def _first_choice(rule, argument: str = ACTION_ARGUMENT) -> str:  # noqa: ANN001 - a werkzeug Rule
    """The first value of the rule's any(...) converter, e.g. close or retire."""
    match = re.search(r"<any\(([^)]*)\):" + argument + ">", rule.rule)
    assert match, f"{rule.rule}: the {argument} argument should use an any(...) converter"
    return match.group(1).split(",")[0].strip().strip("'\"")


def _url(app: Flask, endpoint: str, record_id: int) -> str:
    rule = _rules_with_arguments(app)[endpoint]
    values: dict[str, object] = {}
    for argument in rule.arguments:
        if argument in CHOICE_ARGUMENTS:
            values[argument] = _first_choice(rule, argument)
        else:
            assert argument in RECORD_ARGUMENTS, f"{endpoint}: no test record for <{argument}>"
            values[argument] = record_id
    with app.test_request_context():
        return url_for(endpoint, **values)


def _record_id(app: Flask, org, records, endpoint: str, which: str) -> int:  # noqa: ANN001
    rule = _rules_with_arguments(app)[endpoint]
    (argument,) = [a for a in rule.arguments if a not in CHOICE_ARGUMENTS]
    own, other = RECORD_ARGUMENTS[argument](org, records)
    return own if which == "own" else other


def _request(app: Flask, client, endpoint: str, url: str):  # noqa: ANN001, ANN202
    """GET the URL; for a POST-only route, POST it with a valid CSRF token, as a browser would."""
    rule = _rules_with_arguments(app)[endpoint]
    if "GET" in rule.methods:
        return client.get(url)
    source = client.get("/")
    if source.status_code != 200:  # not signed in: the sign-in form carries a token too
        source = client.get("/sign-in")
    token = BeautifulSoup(source.data, "html.parser").find("input", attrs={"name": "csrf_token"})[
        "value"
    ]
    return client.post(url, data={"csrf_token": token})


def _learning_records(org, now: dt.datetime):  # noqa: ANN001, ANN202
    """Two pathways, each with a requirement and a person it is given to."""
    from decimal import Decimal

    from wfld.accounts.models import User
    from wfld.catalogue import services as catalogue_services
    from wfld.catalogue.models import DeliveryMode, LearningActivity, Provider
    from wfld.extensions import db
    from wfld.learning import services as learning_services
    from wfld.learning.models import Stage
    from wfld.organisation.models import StaffMember

    activity = LearningActivity(
        title="Court Skills",
        category="Short courses",
        delivery_mode=DeliveryMode.CLASSROOM,
        provider=Provider.IN_HOUSE,
        duration_hours=Decimal("3"),
        is_active=True,
        created_at=now,
    )
    db.session.add(activity)
    pathways, requirements, assignments = [], [], []
    for name, person in (("Pathway A", org.practitioner), ("Pathway B", org.other_practitioner)):
        pathway = learning_services.create_pathway(
            name=name, description=None, roles=[], actor=None, now=now
        )
        requirements.append(
            learning_services.add_requirement(
                pathway=pathway,
                stage=Stage.ROLE_SPECIFIC,
                activity=activity,
                framework_item=None,
                is_mandatory=True,
                due_within_days=None,
                renewal_months=None,
                actor=None,
                now=now,
            )
        )
        assignments.append(
            learning_services.assign_pathway(
                pathway=pathway,
                staff=db.session.get(StaffMember, person.staff_id),
                actor=None,
                now=now,
                today=now.date(),
            )
        )
        pathways.append(pathway)
    completions = tuple(
        catalogue_services.submit_certificate(
            staff=db.session.get(StaffMember, person.staff_id),
            activity=activity,
            completed_on=now.date(),
            stream=io.BytesIO(b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"),
            filename="certificate.pdf",
            actor=db.session.get(User, person.user_id),
            now=now,
            today=now.date(),
        ).id
        for person in (org.practitioner, org.other_practitioner)
    )
    return pathways, requirements, assignments, completions


def _catalogue_records(org) -> dict[str, tuple[int, int]]:  # noqa: ANN001
    """Catalogue records, dated from the real clock (the app is not frozen here): an offered
    activity and a withdrawn one, each with a session to come; and on a second session of the
    offered one, the practitioner's booking and the other practitioner's."""
    from tests.catalogue.builders import book, make_activity, make_session
    from wfld.core import clock
    from wfld.extensions import db

    now = clock.now()
    offered = make_activity("Safeguarding Children Level 3", validity_months=36)
    withdrawn = make_activity("Withdrawn course")
    open_session = make_session(offered, days=14, now=now)
    booked_session = make_session(offered, days=21, now=now)
    hidden_session = make_session(withdrawn, days=14, now=now)
    withdrawn.is_active = False
    own = book(booked_session, org.practitioner.staff_id, now=now)
    other = book(booked_session, org.other_practitioner.staff_id, now=now)
    db.session.flush()
    return {
        "activities": (offered.id, withdrawn.id),
        "sessions": (open_session.id, hidden_session.id),
        "bookings": (own.id, other.id),
    }


def _cpd_records(org, now: dt.datetime) -> dict[str, tuple[int, int]]:  # noqa: ANN001
    """A draft CPD entry of the practitioner's and one of the other practitioner's, neither
    shared (nor shared through "share everything"), each with a PDF of evidence."""
    from tests.cpd.builders import make_entry
    from wfld.accounts.models import User
    from wfld.cpd import services as cpd_services
    from wfld.extensions import db

    entries, evidence = [], []
    for person in (org.practitioner, org.other_practitioner):
        entry = make_entry(person.staff_id, complete=False, title="Private reflection")
        assert not entry.shared
        entries.append(entry.id)
        evidence.append(
            cpd_services.add_evidence(
                entry=entry,
                stream=io.BytesIO(b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"),
                filename="supervision-notes.pdf",
                quota_bytes=10 * 1024 * 1024,
                actor=db.session.get(User, person.user_id),
                now=now,
            ).id
        )
    return {"cpd_entries": tuple(entries), "cpd_evidence": tuple(evidence)}


def _programme_records(org, now: dt.datetime) -> dict[str, tuple[int, int]]:  # noqa: ANN001
    """A published ASYE template and a draft one; two cohorts, the practitioner on one (assessed
    by their line manager) and the other practitioner on the other (no assessor yet); each
    enrolment's 3-month milestone, a critical reflection, a month of workload, and a
    supervision session each held by the person's own line manager."""
    from decimal import Decimal

    from tests.programmes.builders import asye_document, make_cohort, make_enrolment
    from wfld.accounts.models import User
    from wfld.extensions import db
    from wfld.organisation.models import StaffMember
    from wfld.programmes import portfolio, services, workload
    from wfld.programmes.models import TemplateStatus
    from wfld.programmes.rules import EvidenceKind, ProgrammeKind
    from wfld.supervision import services as supervision_services
    from wfld.supervision.models import SupervisionKind

    def template(code: str, status: TemplateStatus):  # noqa: ANN202
        return services.add_template_version(
            code=code,
            name=f"Programme {code}",
            kind=ProgrammeKind.ASYE,
            document=asye_document(),
            status=status,
            framework_versions=[],
            actor=None,
            now=now,
        )

    published = template("asye-test", TemplateStatus.PUBLISHED)
    draft = template("draft-test", TemplateStatus.DRAFT)
    cohorts, enrolments, milestones, pieces, months, sessions = [], [], [], [], [], []
    for person, assessor, intake in (
        (org.practitioner, org.line_manager.staff_id, "ASYE September 2026"),
        (org.other_practitioner, None, "ASYE October 2026"),
    ):
        cohort = make_cohort(published, intake=intake)
        enrolment = make_enrolment(person.staff_id, assessor_id=assessor, cohort=cohort)
        user = db.session.get(User, person.user_id)
        staff = db.session.get(StaffMember, person.staff_id)
        piece = portfolio.add_evidence(
            enrolment=enrolment,
            kind=EvidenceKind.CRITICAL_REFLECTION,
            text=portfolio.EvidenceText(
                title="Reflection on a strategy meeting",
                occurred_on=dt.date(2026, 10, 1),
                reflection="What I learnt about chairing a strategy discussion.",
            ),
            actor=user,
            now=now,
            today=now.date(),
        )
        month = workload.record_month(
            enrolment=enrolment,
            month=dt.date(2026, 10, 1),
            caseload=12,
            protected_hours=Decimal("14"),
            note="",
            expected_version=None,
            actor=user,
            now=now,
        )
        session = supervision_services.record_session(
            staff=staff,
            supervisor=staff.line_manager,
            held_on=dt.date(2026, 11, 2),
            kind=SupervisionKind.REFLECTIVE,
            minutes=90,
            themes="Planning my caseload and my learning for the next quarter.",
            actor=db.session.get(User, staff.line_manager.user_id)
            if staff.line_manager.user_id
            else user,
            now=now,
            today=now.date(),
        )
        cohorts.append(cohort.id)
        enrolments.append(enrolment.id)
        milestones.append(next(m.id for m in enrolment.milestones if m.key == "3m"))
        pieces.append(piece.id)
        months.append(month.id)
        sessions.append(session.id)
    return {
        "programme_templates": (published.id, draft.id),
        "cohorts": tuple(cohorts),
        "enrolments": tuple(enrolments),
        "milestones": tuple(milestones),
        "pieces": tuple(pieces),
        "workload_months": tuple(months),
        "supervision_sessions": tuple(sessions),
    }


def _appraisal_records(org, now: dt.datetime) -> dict[str, tuple[int, int]]:  # noqa: ANN001
    """Two appraisal cycles (this year's and last year's); in this year's, the practitioner's
    conversation (appraiser: their line manager) and the other practitioner's (appraiser:
    theirs), each signed by both with a need on a catalogue activity and an objective, so each
    has a development plan with one action; and a team plan with one need for each team."""
    from tests.appraisal.builders import make_cycle, signed_with_needs
    from tests.catalogue.builders import make_activity
    from wfld.appraisal import queries, team_plans
    from wfld.appraisal.models import TeamNeedSource
    from wfld.core import clock
    from wfld.extensions import db
    from wfld.organisation.models import Team

    # This year's cycle covers the real day the test runs on (the app is not frozen here), so
    # "start the conversation" finds it; last year's ended before.
    today = clock.today()
    cycle = make_cycle(
        starts_on=today - dt.timedelta(days=200),
        ends_on=today + dt.timedelta(days=165),
        due_from=today - dt.timedelta(days=30),
        due_by=today + dt.timedelta(days=60),
    )
    last_year = make_cycle(
        "2025/26",
        starts_on=today - dt.timedelta(days=565),
        ends_on=today - dt.timedelta(days=201),
        due_from=today - dt.timedelta(days=400),
        due_by=today - dt.timedelta(days=300),
        priorities=(),
    )
    activity = make_activity("Appraisal test course")
    appraisals, needs, objectives, plans, actions, team_plan_ids, team_needs = (
        [] for _ in range(7)
    )
    for person in (org.practitioner, org.other_practitioner):
        appraisal = signed_with_needs(cycle, person.staff_id, activities=(activity,))
        plan = queries.find_plan_for(person.staff_id, cycle.id)
        appraisals.append(appraisal.id)
        needs.append(appraisal.needs[0].id)
        objectives.append(appraisal.objectives[0].id)
        plans.append(plan.id)
        actions.append(queries.list_actions(plan.id)[0].id)
    for team_id in (org.team_a, org.team_b):
        team_plan = team_plans.start_team_plan(
            team=db.session.get(Team, team_id), cycle=cycle, actor=None, now=now
        )
        need = team_plans.save_team_need(
            plan=team_plan,
            need=None,
            details=team_plans.TeamNeedDetails(
                description="Training on the new practice model",
                source=TeamNeedSource.PRACTICE,
                activity=activity,
                framework_item=None,
                people=4,
                needed_by=None,
            ),
            expected_version=None,
            actor=None,
            now=now,
            today=now.date(),
        )
        team_plan_ids.append(team_plan.id)
        team_needs.append(need.id)
    return {
        "appraisal_cycles": (cycle.id, last_year.id),
        "appraisals": tuple(appraisals),
        "development_needs": tuple(needs),
        "objectives": tuple(objectives),
        "development_plans": tuple(plans),
        "development_actions": tuple(actions),
        "team_plans": tuple(team_plan_ids),
        "team_needs": tuple(team_needs),
    }


def _job_records(app: Flask, org) -> tuple[int, int]:  # noqa: ANN001
    """A finished download of the practitioner's and one of the other practitioner's, dated
    from the real clock so that neither has expired."""
    from wfld.accounts.models import User
    from wfld.core import clock
    from wfld.core import jobs_services as job_services
    from wfld.core.jobs import results_folder
    from wfld.extensions import db

    ids = []
    for person in (org.practitioner, org.other_practitioner):
        job = job_services.create_job(
            actor=db.session.get(User, person.user_id),
            kind="cpd.record_pdf",
            title="CPD record, the last two years (PDF)",
            ask_again_path="/cpd/me",
            now=clock.now(),
        )
        job_services.save_result(
            job.id,
            b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n",
            folder=results_folder(app),
            filename="cpd-record-two-years.pdf",
            media_type="application/pdf",
        )
        job_services.finish_job(job.id, now=clock.now(), keep_days=7)
        ids.append(job.id)
    return ids[0], ids[1]


@pytest.fixture
def records(app: Flask, org):  # noqa: ANN001, ANN201
    """Framework records: a published version and a draft, with an item each, and a link;
    pathway and catalogue records (see _learning_records and _catalogue_records); CPD entries
    and their evidence (see _cpd_records); finished downloads (see _job_records)."""
    from wfld.extensions import db
    from wfld.frameworks import services
    from wfld.frameworks.documents import from_dict

    now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)

    def doc(code: str, status: str):  # noqa: ANN202
        return from_dict(
            {
                "code": code,
                "title": f"Framework {code}",
                "custodian": "Test",
                "version": {
                    "label": "1",
                    "status": status,
                    "items": [{"code": "1", "kind": "domain", "title": "First"}],
                },
            }
        )

    with app.app_context():
        published = services.import_document(
            doc("PUBLISHED", "published"), actor=None, now=now
        ).version
        other = services.import_document(doc("OTHER", "published"), actor=None, now=now).version
        draft = services.import_document(doc("DRAFTED", "draft"), actor=None, now=now).version
        link = services.link_items(
            item_a=published.items[0], item_b=other.items[0], actor=None, now=now
        )
        second_link = services.link_items(
            item_a=other.items[0], item_b=draft.items[0], actor=None, now=now
        )
        pathways, requirements, assignments, completions = _learning_records(org, now)
        catalogue_records = _catalogue_records(org)
        db.session.commit()
        cpd_records = _cpd_records(org, now)
        db.session.commit()
        jobs = _job_records(app, org)
        db.session.commit()
        programme_records = _programme_records(org, now)
        db.session.commit()
        appraisal_records = _appraisal_records(org, now)
        db.session.commit()
        return SimpleNamespace(
            **catalogue_records,
            **cpd_records,
            **programme_records,
            **appraisal_records,
            pathways=tuple(p.id for p in pathways),
            requirements=tuple(r.id for r in requirements),
            assignments=tuple(a.id for a in assignments),
            completions=completions,
            published_version=published.id,
            draft_version=draft.id,
            published_item=published.items[0].id,
            draft_item=draft.items[0].id,
            framework_without_draft=published.framework_id,
            framework_with_draft=draft.framework_id,
            links=(link.id, second_link.id),
            jobs=jobs,
        )


def _sign_in_as(client, org, persona: str) -> None:  # noqa: ANN001
    if persona == "anonymous":
        return
    response = sign_in(client, getattr(org, persona).email)
    assert response.status_code == 302, f"{persona} could not sign in"


def _assert_status(response, expected: int, url: str, persona: str) -> None:  # noqa: ANN001
    assert response.status_code == expected, (
        f"{url} answered {response.status_code} to {persona}, expected {expected}"
    )
    if expected == 302 and persona.startswith("anonymous"):
        assert urlsplit(response.headers["Location"]).path == "/sign-in"


# The table matches the app ----------------------------------------------------------------
def test_every_route_with_an_id_is_in_the_table(app: Flask) -> None:
    in_app = set(_rules_with_arguments(app))
    missing = in_app - set(TABLE)
    assert not missing, f"add these endpoints to TABLE in {__name__}: {sorted(missing)}"
    gone = set(TABLE) - in_app
    assert not gone, f"TABLE names endpoints the app no longer has: {sorted(gone)}"


def test_the_table_covers_every_persona_and_argument(app: Flask) -> None:
    for endpoint, expected in TABLE.items():
        assert set(expected) == set(PERSONAS), f"{endpoint}: every persona needs an expectation"
        rule = _rules_with_arguments(app)[endpoint]
        record_arguments = [a for a in rule.arguments if a not in CHOICE_ARGUMENTS]
        assert len(record_arguments) == 1, (
            f"{endpoint}: expected one record argument, got {rule.arguments}"
        )
        assert record_arguments[0] in RECORD_ARGUMENTS, (
            f"{endpoint}: no test record for <{record_arguments[0]}>"
        )
        for argument in CHOICE_ARGUMENTS:
            if argument in rule.arguments:
                _first_choice(rule, argument)


def test_every_view_declares_its_access(app: Flask) -> None:
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and getattr(view, "wfld_access", None) is None
    ]
    assert not undeclared, (
        f"views without an access decorator (see wfld/core/auth.py): {undeclared}"
    )


# The table itself ---------------------------------------------------------------------------
CASES = [
    pytest.param(endpoint, persona, id=f"{endpoint}-{persona}")
    for endpoint in TABLE
    for persona in PERSONAS
]

# Arguments whose records come from the `records` fixture (built only when a route needs them).
ORG_ARGUMENTS = ("staff_id", "team_id", "job_role_id")


# Routes keyed by a person that act on records the `records` fixture makes (an appraisal cycle).
NEEDS_RECORDS = ("appraisal.start_appraisal",)


def _records_for(app: Flask, request: pytest.FixtureRequest, endpoint: str):  # noqa: ANN202
    rule = _rules_with_arguments(app)[endpoint]
    needs = [a for a in rule.arguments if a not in CHOICE_ARGUMENTS and a not in ORG_ARGUMENTS]
    return request.getfixturevalue("records") if needs or endpoint in NEEDS_RECORDS else None


@pytest.mark.parametrize(("endpoint", "persona"), CASES)
def test_authorisation(app, client, org, request, endpoint: str, persona: str) -> None:
    """The persona's answer for its own record, then for another team's."""
    records = _records_for(app, request, endpoint)
    _sign_in_as(client, org, persona)
    for which, expected in zip(("own", "other"), TABLE[endpoint][persona], strict=True):
        url = _url(app, endpoint, _record_id(app, org, records, endpoint, which))
        _assert_status(_request(app, client, endpoint, url), expected, url, f"{persona} ({which})")


MISSING_CASES = [
    pytest.param(endpoint, persona, id=f"{endpoint}-{persona}")
    for endpoint, expected in TABLE.items()
    for persona in PERSONAS
    if 200 in expected[persona] or 302 in expected[persona] and persona != "anonymous"
]


def test_missing_cases_cover_the_admins_and_the_senior_manager() -> None:
    listed = {(p.values[0], p.values[1]) for p in MISSING_CASES}
    for endpoint in TABLE:
        if endpoint.startswith("admin.") and endpoint != "admin.edit_account":
            assert (endpoint, "wfld_admin") in listed
    assert ("admin.edit_account", "system_admin") in listed
    assert ("people.profile", "senior_manager") in listed


@pytest.mark.parametrize(("endpoint", "persona"), MISSING_CASES)
def test_a_record_that_does_not_exist_is_not_found(
    app, client, org, request, endpoint: str, persona: str
) -> None:
    _records_for(app, request, endpoint)
    url = _url(app, endpoint, MISSING_ID)
    _sign_in_as(client, org, persona)
    _assert_status(_request(app, client, endpoint, url), 404, url, persona)
