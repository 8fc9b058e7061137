"""Pages: cohorts and their members, managing one enrolment's dates, assessor and status, and
assessors' capacity (the WFLD team).

Who reaches what: the cohort and assessor pages need ``can_manage_programmes`` (others get
403 on the lists and 404 on a cohort's own pages, so ids cannot be probed); an enrolment's
manage and change pages answer 404 to anyone ``can_change_enrolment`` refuses.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from wfld.core import clock
from wfld.core.auth import allowed_or_404, current_actor, page_requires, signed_in
from wfld.core.baseform import VersionedForm
from wfld.core.saving import save
from wfld.programmes import cohorts_queries, enrolling, permissions, queries, services
from wfld.programmes.forms.cohorts import (
    AssessorForm,
    CapacityForm,
    CohortForm,
    ExtendForm,
    FteForm,
    MemberForm,
    PauseForm,
    StaffSearchForm,
    StartForm,
    StatusForm,
)
from wfld.programmes.models import Enrolment
from wfld.programmes.rules import EnrolmentStatus
from wfld.programmes.views import bp

manage = page_requires(permissions.can_manage_programmes)
manage_record = page_requires(permissions.can_manage_programmes, hide=True)


# Cohorts ----------------------------------------------------------------------------------
@bp.route("/cohorts")
@manage
def list_cohorts() -> str:
    return render_template("programmes/list_cohorts.html", rows=cohorts_queries.list_cohorts())


@bp.route("/cohorts/new", methods=["GET", "POST"])
@manage
def new_cohort() -> str | WerkzeugResponse:
    form = CohortForm()
    form.offer(
        cohorts_queries.list_published_templates(),
        cohorts_queries.list_current_staff(clock.today()),
    )
    if form.validate_on_submit() and (
        saved := save(
            form,
            lambda: services.create_cohort(
                template=queries.find_template(form.template_id.data),
                intake=form.intake.data,
                starts_on=form.starts_on.data,
                coordinator=cohorts_queries.find_staff(form.coordinator_id.data),
                actor=current_actor(),
                now=clock.now(),
            ),
        )
    ):
        flash(f"Cohort {saved.value.intake} created", "success")
        return redirect(url_for("programmes.view_cohort", cohort_id=saved.value.id))
    return render_template("programmes/new_cohort.html", form=form)


@bp.route("/cohorts/<int:cohort_id>")
@manage_record
def view_cohort(cohort_id: int) -> str:
    cohort = queries.find_cohort(cohort_id) or abort(404)
    return render_template(
        "programmes/view_cohort.html",
        cohort=cohort,
        members=cohorts_queries.list_members(cohort.id),
    )


@bp.route("/cohorts/<int:cohort_id>/members/new", methods=["GET", "POST"])
@manage_record
def add_member(cohort_id: int) -> str | WerkzeugResponse:
    cohort = queries.find_cohort(cohort_id) or abort(404)
    search = StaffSearchForm(request.args)
    today = clock.today()
    form = MemberForm(data={"start_date": cohort.starts_on} if request.method == "GET" else None)
    form.offer(
        people=cohorts_queries.list_current_staff(today, search=search.q.data or ""),
        staff=cohorts_queries.list_current_staff(today),
    )
    if form.validate_on_submit() and (
        saved := save(
            form,
            lambda: enrolling.enrol_person(
                cohort=cohort,
                staff=cohorts_queries.find_staff(form.staff_id.data),
                start_date=form.start_date.data,
                fte=form.fte.data,
                assessor=cohorts_queries.find_staff(form.assessor_id.data),
                supervisor=cohorts_queries.find_staff(form.supervisor_id.data),
                override_reason=form.override_reason.data or "",
                actor=current_actor(),
                now=clock.now(),
            ),
        )
    ):
        flash(f"{saved.value.staff.full_name} added to {cohort.intake}", "success")
        return redirect(url_for("programmes.view_cohort", cohort_id=cohort.id))
    return render_template("programmes/add_member.html", form=form, search=search, cohort=cohort)


# One enrolment ----------------------------------------------------------------------------
@bp.route("/enrolments/<int:enrolment_id>/manage")
@signed_in
def manage_enrolment(enrolment_id: int) -> str:
    enrolment = allowed_or_404(
        queries.find_enrolment(enrolment_id), permissions.can_change_enrolment
    )
    states = {m.key: m.state for m in enrolment.milestones}
    return render_template(
        "programmes/manage_enrolment.html",
        enrolment=enrolment,
        dates=[(due, states.get(due.key)) for due in queries.dates_of(enrolment)],
        events=[
            (event, cohorts_queries.describe(event))
            for event in cohorts_queries.list_events(enrolment.id)
        ],
        fte=cohorts_queries.fte_text(enrolment.fte),
    )


# Each change: its form, the page's heading, the service call and what the banner says.
CHANGES: dict[str, tuple[type[VersionedForm], str, str]] = {
    "start": (StartForm, "Change the start date", "Start date changed"),
    "pause": (PauseForm, "Add a pause", "Pause added"),
    "extend": (ExtendForm, "Extend the programme", "Extension added"),
    "fte": (FteForm, "Change the FTE", "FTE changed"),
    "assessor": (AssessorForm, "Change the assessor", "Assessor changed"),
    "status": (StatusForm, "Change the status", "Status changed"),
}


def _change_call(change: str, form: VersionedForm, enrolment: Enrolment) -> Callable[[], object]:
    """The one service call the change's form asks for."""
    common = {
        "enrolment": enrolment,
        "expected_version": form.expected_version,
        "actor": current_actor(),
        "now": clock.now(),
    }
    reason = form.reason.data or ""
    calls: dict[str, Callable[[], object]] = {
        "start": lambda: enrolling.change_start(
            start_date=form.start_date.data, reason=reason, **common
        ),
        "pause": lambda: enrolling.pause(
            starts_on=form.starts_on.data, ends_on=form.ends_on.data, reason=reason, **common
        ),
        "extend": lambda: enrolling.extend(
            months=form.months.data,
            days=form.days.data,
            granted_on=form.granted_on.data,
            reason=reason,
            **common,
        ),
        "fte": lambda: enrolling.change_fte(
            fte=form.fte.data, from_date=form.from_date.data, reason=reason, **common
        ),
        "assessor": lambda: enrolling.change_assessor(
            assessor=cohorts_queries.find_staff(form.assessor_id.data),
            reason=reason,
            override_reason=form.override_reason.data or "",
            **common,
        ),
        "status": lambda: enrolling.set_status(
            status=EnrolmentStatus(form.status.data), reason=reason, **common
        ),
    }
    return calls[change]


@bp.route(
    "/enrolments/<int:enrolment_id>/<any(start,pause,extend,fte,assessor,status):action>",
    methods=["GET", "POST"],
)
@signed_in
def change_enrolment(enrolment_id: int, action: str) -> str | WerkzeugResponse:
    enrolment = allowed_or_404(
        queries.find_enrolment(enrolment_id), permissions.can_change_enrolment
    )
    form_class, heading, done = CHANGES[action]
    opened = {"version": enrolment.version_id, "status": enrolment.status.value}
    form = form_class(data=opened if request.method == "GET" else None)
    if isinstance(form, AssessorForm):
        form.offer(cohorts_queries.list_current_staff(clock.today()))
    if form.validate_on_submit() and save(
        form, _change_call(action, form, enrolment), record=enrolment
    ):
        flash(done, "success")
        return redirect(url_for("programmes.manage_enrolment", enrolment_id=enrolment.id))
    return render_template(
        f"programmes/change_{action}.html", form=form, enrolment=enrolment, heading=heading
    )


# Assessors --------------------------------------------------------------------------------
@bp.route("/assessors", methods=["GET", "POST"])
@manage
def list_assessors() -> str | WerkzeugResponse:
    form = CapacityForm()
    form.offer(cohorts_queries.list_current_staff(clock.today()))
    if form.validate_on_submit() and (
        saved := save(
            form,
            lambda: enrolling.set_capacity(
                staff=cohorts_queries.find_staff(form.staff_id.data),
                capacity=form.capacity.data,
                actor=current_actor(),
                now=clock.now(),
            ),
        )
    ):
        flash(f"Capacity set to {saved.value.capacity}", "success")
        return redirect(url_for("programmes.list_assessors"))
    return render_template(
        "programmes/list_assessors.html",
        form=form,
        loads=cohorts_queries.list_assessor_loads(),
        default_capacity=cohorts_queries.DEFAULT_CAPACITY,
    )
