"""Pages: a team's development plan for the cycle — its priorities, the needs of the whole
team, and the roll-up of its members' development plans — and the manager's changes to it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from wfld.appraisal import permissions, queries, rollup, team_plans
from wfld.appraisal.forms.team import RemoveTeamNeedForm, StartForm, TeamNeedForm, TeamPlanForm
from wfld.appraisal.models import TeamNeed, TeamPlan
from wfld.appraisal.views import bp
from wfld.catalogue import queries as catalogue_queries
from wfld.core import clock
from wfld.core.auth import allowed_or_404, current_actor, signed_in
from wfld.core.forms import add_rule_errors
from wfld.core.saving import save
from wfld.frameworks import queries as framework_queries
from wfld.organisation import queries as org_queries


def _to_plan(plan: TeamPlan) -> WerkzeugResponse:
    return redirect(url_for("appraisal.team_plan", team_id=plan.team_id))


@bp.route("/teams/<int:team_id>/plan", methods=["GET", "POST"])
@signed_in
def team_plan(team_id: int) -> str | WerkzeugResponse:
    """The plan of the current cycle; POST starts it (the manager's button when there is none)."""
    team = allowed_or_404(org_queries.find_team(team_id), permissions.can_view_team_plans_of)
    today = clock.today()
    cycle = queries.current_cycle(today)
    form = StartForm()
    if request.method == "POST":
        if cycle is None or not permissions.can_write_team_plan(current_actor(), team):
            abort(403)
        if not form.validate_on_submit():
            abort(400)
        saved = save(
            form,
            lambda: team_plans.start_team_plan(
                team=team, cycle=cycle, actor=current_actor(), now=clock.now()
            ),
        )
        if saved:
            flash("Team development plan started", "success")
            return redirect(url_for("appraisal.edit_team_plan", team_plan_id=saved.value.id))
    found = queries.find_team_plan_for(team.id, cycle.id) if cycle is not None else None
    return render_template(
        "appraisal/team_plan.html",
        team=team,
        cycle=cycle,
        plan=queries.find_team_plan(found.id) if found is not None else None,
        rollup=rollup.team_rollup(team.id, cycle.id, today=today) if cycle is not None else None,
        may_write=permissions.can_write_team_plan(current_actor(), team),
        start_form=form,
    )


@bp.route("/team-plans/<int:team_plan_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_team_plan(team_plan_id: int) -> str | WerkzeugResponse:
    plan = allowed_or_404(queries.find_team_plan(team_plan_id), permissions.can_edit_team_plan)
    if request.method == "GET":
        form = TeamPlanForm(summary=plan.summary, version=plan.version_id)
    else:
        form = TeamPlanForm()
    if form.validate_on_submit() and save(
        form,
        lambda: team_plans.update_team_plan(
            plan=plan,
            summary=form.summary.data or "",
            expected_version=form.expected_version,
            actor=current_actor(),
            now=clock.now(),
        ),
        record=plan,
    ):
        flash("Team development plan saved", "success")
        return _to_plan(plan)
    return render_template("appraisal/edit_team_plan.html", form=form, plan=plan)


def _offer_choices(form: TeamNeedForm, need: TeamNeed | None = None) -> None:
    """The catalogue's active activities and the current frameworks' items; a need's own
    choice stays offered should it have been withdrawn since."""
    activities = dict((str(a.id), a.title) for a in catalogue_queries.list_active_activities())
    items = {
        str(item.id): f"{group.version.framework.title}: {item.label}"
        for group in catalogue_queries.list_framework_item_groups(today=clock.today())
        for item in group.items
    }
    if need is not None and need.activity is not None:
        activities.setdefault(str(need.activity_id), need.activity.title)
    if need is not None and need.framework_item is not None:
        items.setdefault(str(need.framework_item_id), need.framework_item.label)
    form.activity.choices = [("", "None"), *activities.items()]
    form.framework_item.choices = [("", "None"), *items.items()]


def _details(form: TeamNeedForm) -> team_plans.TeamNeedDetails:
    activity = form.activity.data if not form.activity.errors else ""
    item = form.framework_item.data if not form.framework_item.errors else ""
    return team_plans.TeamNeedDetails(
        description=form.description.data or "",
        source=form.source_value,
        activity=catalogue_queries.find_activity(int(activity)) if activity else None,
        framework_item=framework_queries.find_item(int(item)) if item else None,
        people=form.people.data,
        needed_by=form.needed_by.data,
    )


def _save_need(
    form: TeamNeedForm, plan: TeamPlan, need: TeamNeed | None
) -> WerkzeugResponse | None:
    """The one save path of the add and change pages: the redirect when saved, else None
    (the form then carries every error, its own and the rules')."""
    today = clock.today()
    if form.validate_on_submit():
        if save(
            form,
            lambda: team_plans.save_team_need(
                plan=plan,
                need=need,
                details=_details(form),
                expected_version=form.expected_version,
                actor=current_actor(),
                now=clock.now(),
                today=today,
            ),
            record=plan,
        ):
            flash("Team need saved", "success")
            return _to_plan(plan)
    elif form.is_submitted():
        add_rule_errors(form, team_plans.team_need_errors(_details(form), today=today))
    return None


@bp.route("/team-plans/<int:team_plan_id>/needs/new", methods=["GET", "POST"])
@signed_in
def add_team_need(team_plan_id: int) -> str | WerkzeugResponse:
    plan = allowed_or_404(queries.find_team_plan(team_plan_id), permissions.can_edit_team_plan)
    form = TeamNeedForm() if request.method == "POST" else TeamNeedForm(version=plan.version_id)
    _offer_choices(form)
    if (done := _save_need(form, plan, None)) is not None:
        return done
    return render_template("appraisal/add_team_need.html", form=form, plan=plan)


@bp.route("/team-needs/<int:team_need_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_team_need(team_need_id: int) -> str | WerkzeugResponse:
    need = allowed_or_404(queries.find_team_need(team_need_id), permissions.can_edit_team_need)
    plan = need.plan
    if request.method == "GET":
        form = TeamNeedForm(
            description=need.description,
            source=need.source.value,
            activity=str(need.activity_id or ""),
            framework_item=str(need.framework_item_id or ""),
            people=need.people,
            needed_by=need.needed_by,
            version=plan.version_id,
        )
    else:
        form = TeamNeedForm()
    _offer_choices(form, need)
    if (done := _save_need(form, plan, need)) is not None:
        return done
    return render_template("appraisal/edit_team_need.html", form=form, need=need, plan=plan)


@bp.route("/team-needs/<int:team_need_id>/remove", methods=["GET", "POST"])
@signed_in
def remove_team_need(team_need_id: int) -> str | WerkzeugResponse:
    need = allowed_or_404(queries.find_team_need(team_need_id), permissions.can_edit_team_need)
    plan = need.plan
    form = (
        RemoveTeamNeedForm()
        if request.method == "POST"
        else RemoveTeamNeedForm(version=plan.version_id)
    )
    if form.validate_on_submit() and save(
        form,
        lambda: team_plans.remove_team_need(
            need=need,
            expected_version=form.expected_version,
            actor=current_actor(),
            now=clock.now(),
        ),
        record=plan,
    ):
        flash("Team need removed", "success")
        return _to_plan(plan)
    return render_template("appraisal/remove_team_need.html", form=form, need=need, plan=plan)
