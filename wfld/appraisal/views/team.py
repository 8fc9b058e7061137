"""Pages: the manager's team page — each report's conversation this cycle, with its status and
their development plan's progress, and the way to the team's development plan."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from wfld.appraisal import permissions, queries, rollup, services
from wfld.appraisal.forms.conversations import StartForm
from wfld.appraisal.forms.team import StartForSomeoneForm
from wfld.appraisal.views import bp
from wfld.core import clock
from wfld.core.auth import current_actor, page_requires
from wfld.core.saving import save
from wfld.organisation import queries as org_queries
from wfld.organisation.permissions import staff_of


@bp.route("/team")
@page_requires(permissions.can_view_team_appraisals)
def team_appraisals() -> str:
    me = staff_of(current_actor())
    today = clock.today()
    cycle = queries.current_cycle(today)
    return render_template(
        "appraisal/team_appraisals.html",
        team=rollup.team_page(me.id, cycle, today=today) if cycle is not None else None,
        me=me,
        start_form=StartForm(came_from="team"),
        can_open=permissions.can_open_appraisal_for,
    )


@bp.route("/team/start", methods=["GET", "POST"])
@page_requires(permissions.can_view_team_appraisals)
def start_for_someone() -> str | WerkzeugResponse:
    """A conversation with someone named by work email: one of the manager's reports (or
    someone the WFLD team made them appraiser of); anyone else is refused with the reason."""
    me = staff_of(current_actor())
    cycle = queries.current_cycle(clock.today())
    form = StartForSomeoneForm()
    if cycle is not None and form.validate_on_submit():
        person = org_queries.find_staff_by_email((form.staff.data or "").strip())
        if person is None:
            form.staff.errors = ["Enter the work email of someone on the staff list"]
        elif saved := save(
            form,
            lambda: services.open_appraisal(
                cycle=cycle, staff=person, actor=current_actor(), opened_by=me, now=clock.now()
            ),
        ):
            flash(f"Conversation with {person.full_name} started", "success")
            return redirect(url_for("appraisal.view_appraisal", appraisal_id=saved.value.id))
    return render_template("appraisal/start_for_someone.html", form=form, cycle=cycle)
