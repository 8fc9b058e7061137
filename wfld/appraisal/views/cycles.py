"""Pages: the WFLD team's appraisal cycles (their dates, the window conversations are due in,
the year's strategy priorities, countersignature) and naming an appraiser other than a
person's line manager.

Every page needs ``can_manage_cycles`` (the WFLD team): others get 403 on the list and the new
cycle, and 404 on one cycle's pages, so ids cannot be probed (as the programme pages do).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from wfld.appraisal import permissions, queries, services
from wfld.appraisal.forms.cycles import AppraiserForm, CycleForm
from wfld.appraisal.views import bp
from wfld.core import clock
from wfld.core.auth import current_actor, page_requires
from wfld.core.forms import add_rule_errors
from wfld.core.saving import save

manage = page_requires(permissions.can_manage_cycles)
manage_record = page_requires(permissions.can_manage_cycles, hide=True)


@bp.route("/cycles")
@manage
def list_cycles() -> str:
    return render_template("appraisal/list_cycles.html", cycles=queries.list_cycles())


@bp.route("/cycles/new", methods=["GET", "POST"])
@manage
def new_cycle() -> str | WerkzeugResponse:
    form = CycleForm()
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: services.create_cycle(
                details=form.details, actor=current_actor(), now=clock.now()
            ),
        )
        if saved:
            flash(f"Cycle {saved.value.name} created", "success")
            return redirect(url_for("appraisal.list_cycles"))
    elif form.is_submitted():
        add_rule_errors(form, services.cycle_details_errors(form.details, cycle=None))
    return render_template("appraisal/new_cycle.html", form=form)


@bp.route("/cycles/<int:cycle_id>/edit", methods=["GET", "POST"])
@manage_record
def edit_cycle(cycle_id: int) -> str | WerkzeugResponse:
    cycle = queries.find_cycle(cycle_id) or abort(404)
    form = CycleForm.of(cycle) if request.method == "GET" else CycleForm()
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: services.update_cycle(
                cycle=cycle,
                details=form.details,
                expected_version=form.expected_version,
                actor=current_actor(),
                now=clock.now(),
            ),
            record=cycle,
        )
        if saved:
            flash(f"Cycle {cycle.name} saved", "success")
            return redirect(url_for("appraisal.list_cycles"))
    elif form.is_submitted():
        add_rule_errors(form, services.cycle_details_errors(form.details, cycle=cycle))
    return render_template("appraisal/edit_cycle.html", form=form, cycle=cycle)


@bp.route("/cycles/<int:cycle_id>/appraisers", methods=["GET", "POST"])
@manage_record
def set_appraiser(cycle_id: int) -> str | WerkzeugResponse:
    cycle = queries.find_cycle(cycle_id) or abort(404)
    form = AppraiserForm()
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: services.set_appraiser(
                cycle=cycle,
                staff=form.staff_member,
                appraiser=form.appraiser_member,
                actor=current_actor(),
                now=clock.now(),
            ),
        )
        if saved:
            staff, appraiser = saved.value.staff, saved.value.appraiser
            flash(
                f"{appraiser.full_name} is {staff.full_name}’s appraiser in {cycle.name}", "success"
            )
            return redirect(url_for("appraisal.set_appraiser", cycle_id=cycle.id))
    return render_template(
        "appraisal/set_appraiser.html",
        form=form,
        cycle=cycle,
        appraisals=queries.list_appraisers_set(cycle.id),
    )
