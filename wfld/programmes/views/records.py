"""Asking for a person's progress record (PDF) and a cohort's moderation bundle (ZIP).

Both are made in the background (programmes/jobs.py): the view queues the job and sends the
person to "Your downloads", where its progress shows. A queue that cannot take it answers
"try again later" (main/downloads.py).
"""

from __future__ import annotations

from flask import redirect, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from wfld.core import clock, jobs
from wfld.core.auth import allowed_or_404, current_actor, signed_in
from wfld.programmes import jobs as programme_jobs
from wfld.programmes import permissions, queries
from wfld.programmes.views import bp


@bp.route("/enrolments/<int:enrolment_id>/record.pdf", methods=["POST"])
@signed_in
def request_record_pdf(enrolment_id: int) -> WerkzeugResponse:
    """Anyone who may see the enrolment may have its record: the person, their assessor,
    supervisor and line manager, and the WFLD team."""
    enrolment = allowed_or_404(queries.find_enrolment(enrolment_id), permissions.can_view_enrolment)
    jobs.submit(
        programme_jobs.make_record_pdf,
        enrolment.id,
        clock.today().isoformat(),
        actor=current_actor(),
        title=programme_jobs.record_pdf_title(enrolment.staff.full_name, enrolment.template.name),
        ask_again_path=url_for("programmes.view_enrolment", enrolment_id=enrolment.id),
    )
    return redirect(url_for("downloads.list_downloads"))


@bp.route("/cohorts/<int:cohort_id>/bundle", methods=["POST"])
@signed_in
def request_bundle(cohort_id: int) -> WerkzeugResponse:
    """The moderation panel's bundle: the WFLD team and the cohort's coordinator."""
    cohort = allowed_or_404(queries.find_cohort(cohort_id), permissions.can_view_cohort)
    jobs.submit(
        programme_jobs.make_cohort_bundle,
        cohort.id,
        clock.today().isoformat(),
        actor=current_actor(),
        title=programme_jobs.bundle_title(cohort.intake),
        ask_again_path=url_for("programmes.cohort_dashboard", cohort_id=cohort.id),
    )
    return redirect(url_for("downloads.list_downloads"))
