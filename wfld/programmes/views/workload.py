"""Pages: protected development time and workload, a month at a time.

Who: everyone who may see the enrolment reads it (``can_view_enrolment``); the person, their
supervisor, line manager and assessor record and correct months (``can_record_workload``).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from wfld.core import clock
from wfld.core.auth import allowed_or_404, current_actor, signed_in
from wfld.core.forms import add_rule_errors
from wfld.core.saving import save
from wfld.programmes import permissions, queries
from wfld.programmes import workload as months
from wfld.programmes.forms.workload import WorkloadForm
from wfld.programmes.models import Enrolment, WorkloadMonth
from wfld.programmes.views import bp


def _rule_errors(form: WorkloadForm, enrolment: Enrolment) -> dict[str, str]:
    """The month's rules on what the form could read, so every error shows at once."""
    return months.workload_errors(
        enrolment=enrolment,
        month=form.month_value,
        caseload=form.caseload.data,
        protected_hours=form.protected_hours.data,
        note=form.note.data or "",
        today=clock.today(),
    )


@bp.route("/enrolments/<int:enrolment_id>/workload", methods=["GET", "POST"])
@signed_in
def workload(enrolment_id: int) -> str | WerkzeugResponse:
    enrolment = allowed_or_404(queries.find_enrolment(enrolment_id), permissions.can_view_enrolment)
    today = clock.today()
    may_record = permissions.can_record_workload(current_actor(), enrolment)
    rows = months.months_so_far(enrolment, today=today)
    form = WorkloadForm()
    form.offer_months([row.month for row in rows if row.record is None])
    if request.method == "POST":
        allowed_or_404(enrolment, permissions.can_record_workload)
        if form.validate_on_submit():
            saved = save(
                form,
                lambda: months.record_month(
                    enrolment=enrolment,
                    month=form.month_value,
                    caseload=form.caseload.data,
                    protected_hours=form.protected_hours.data,
                    note=form.note.data or "",
                    expected_version=None,
                    actor=current_actor(),
                    now=clock.now(),
                ),
            )
            if saved:
                flash(f"{saved.value.month:%B} {saved.value.month.year} saved", "success")
                return redirect(url_for("programmes.workload", enrolment_id=enrolment.id))
        else:
            add_rule_errors(form, _rule_errors(form, enrolment))
    return render_template(
        "programmes/workload.html",
        enrolment=enrolment,
        rows=rows,
        form=form if may_record else None,
        hours_week=months.STANDARD_WEEK_HOURS,
        percent=enrolment.template.spec.protected_time_percent,
    )


@bp.route("/workload/<int:workload_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_workload(workload_id: int) -> str | WerkzeugResponse:
    record: WorkloadMonth = allowed_or_404(
        months.find_workload(workload_id), permissions.can_change_workload
    )
    enrolment = record.enrolment
    if request.method == "GET":
        form = WorkloadForm(
            caseload=record.caseload,
            protected_hours=record.protected_hours,
            note=record.note,
            version=record.version_id,
        )
    else:
        form = WorkloadForm()
    del form.month  # a month's record stays that month's
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: months.record_month(
                enrolment=enrolment,
                month=record.month,
                caseload=form.caseload.data,
                protected_hours=form.protected_hours.data,
                note=form.note.data or "",
                expected_version=form.expected_version,
                actor=current_actor(),
                now=clock.now(),
            ),
            record=record,
        )
        if saved:
            flash(f"{record.month:%B} {record.month.year} saved", "success")
            return redirect(url_for("programmes.workload", enrolment_id=enrolment.id))
    elif form.is_submitted():
        add_rule_errors(form, _rule_errors(form, enrolment))
    return render_template("programmes/edit_workload.html", form=form, record=record)
