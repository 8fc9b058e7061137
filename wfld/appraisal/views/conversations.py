"""Pages: one conversation — reading it, starting it, the person's self-reflection, the
appraiser's record of the conversation, and its development needs and objectives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from wfld.appraisal import conversation_choices as choices
from wfld.appraisal import permissions, queries, services
from wfld.appraisal.forms.conversations import (
    NOT_LINKED,
    ConversationForm,
    NeedForm,
    ObjectiveForm,
    PrepareForm,
    RemoveForm,
    StartForm,
)
from wfld.appraisal.models import Appraisal, DevelopmentNeed, Objective
from wfld.appraisal.rules import (
    AppraisalKind,
    Aspiration,
    due_by_for,
    objective_errors,
    status_of,
)
from wfld.appraisal.views import bp
from wfld.core import clock
from wfld.core.auth import allowed_or_404, current_actor, signed_in
from wfld.core.forms import add_rule_errors
from wfld.core.saving import save
from wfld.cpd import permissions as cpd_permissions
from wfld.organisation import queries as org_queries
from wfld.organisation.permissions import staff_of
from wfld.supervision import permissions as supervision_permissions


@bp.app_template_filter("aspiration_label")
def aspiration_label(value: str) -> str:
    """A stored career aspiration in words (the record keeps the value)."""
    return Aspiration(value).label if value in set(Aspiration) else value


def _appraisal_or_404(appraisal_id: int) -> Appraisal:
    """The conversation, for anyone with a part in it (everyone else: 404)."""
    return allowed_or_404(queries.find_appraisal(appraisal_id), permissions.can_view_appraisal)


def _writes(appraisal: Appraisal, may: Callable[[Any, Appraisal], bool]) -> None:
    """Someone who may read the record but not write this part of it: 403."""
    if not may(current_actor(), appraisal):
        abort(403)


def _to_view(appraisal: Appraisal) -> WerkzeugResponse:
    return redirect(url_for("appraisal.view_appraisal", appraisal_id=appraisal.id))


# Reading --------------------------------------------------------------------------------------
@bp.route("/conversations/<int:appraisal_id>")
@signed_in
def view_appraisal(appraisal_id: int) -> str:
    appraisal = _appraisal_or_404(appraisal_id)
    actor = current_actor()
    return render_template(
        "appraisal/view_appraisal.html",
        appraisal=appraisal,
        status=status_of(
            appraisal.stage,
            due_by=due_by_for(
                appraisal.kind,
                due_by=appraisal.cycle.due_by,
                mid_year_by=appraisal.cycle.mid_year_by,
            ),
            today=clock.today(),
        ),
        parts=permissions.parts_in(actor, appraisal),
        cpd_links={
            e.id: url_for("cpd.view_entry", entry_id=e.id)
            for e in appraisal.cpd_entries
            if cpd_permissions.can_view_entry(actor, e)
        },
        supervision_href=url_for("supervision.staff_supervision", staff_id=appraisal.staff_id)
        if supervision_permissions.can_view_staff_log(actor, appraisal.staff)
        else None,
        can_prepare=permissions.can_prepare(actor, appraisal),
        can_record=permissions.can_record(actor, appraisal),
        may_sign=permissions.may_sign(actor, appraisal),
        can_countersign=permissions.can_countersign(actor, appraisal),
        can_start_new_version=permissions.can_start_new_version(actor, appraisal),
    )


# Starting -------------------------------------------------------------------------------------
_CAME_FROM = {"plan": "appraisal.my_plan", "team": "appraisal.team_appraisals"}


@bp.route("/staff/<int:staff_id>/start", methods=["POST"])
@signed_in
def start_appraisal(staff_id: int) -> WerkzeugResponse:
    """Open the person's conversation in the cycle (or find the one already open) and go to
    it: the button on My development plan and on the manager's team page. The cycle is the
    one the button names (``?cycle_id=``), else the one covering today; the conversation is
    the annual one unless the button says ``?kind=mid_year`` (any other kind: 404)."""
    staff = allowed_or_404(org_queries.find_staff(staff_id), permissions.can_open_appraisal_for)
    kind = request.args.get("kind", AppraisalKind.ANNUAL.value)
    if kind not in set(AppraisalKind):
        abort(404)
    cycle_id = request.args.get("cycle_id", type=int)
    cycle = (
        queries.current_cycle(clock.today()) if cycle_id is None else queries.find_cycle(cycle_id)
    )
    if cycle is None:
        abort(404)
    form = StartForm()
    if not form.validate_on_submit():
        abort(400)
    me = staff_of(current_actor())
    saved = save(
        form,
        lambda: services.open_appraisal(
            cycle=cycle,
            staff=staff,
            kind=AppraisalKind(kind),
            actor=current_actor(),
            opened_by=me,
            now=clock.now(),
        ),
    )
    if not saved:
        flash(saved.message)  # the page the button was on has no form to show it on
        back = _CAME_FROM.get(form.came_from.data or "")
        if back is None:
            back = _CAME_FROM["plan" if me.id == staff.id else "team"]
        return redirect(url_for(back))
    return _to_view(saved.value)


# The person's self-reflection -----------------------------------------------------------------
@bp.route("/conversations/<int:appraisal_id>/prepare", methods=["GET", "POST"])
@signed_in
def prepare_appraisal(appraisal_id: int) -> str | WerkzeugResponse:
    appraisal = _appraisal_or_404(appraisal_id)
    _writes(appraisal, permissions.may_prepare)
    if request.method == "GET":
        form = PrepareForm(self_reflection=appraisal.self_reflection, version=appraisal.version_id)
    else:
        form = PrepareForm()
    if form.validate_on_submit() and save(
        form,
        lambda: services.prepare(
            appraisal=appraisal,
            self_reflection=form.self_reflection.data or "",
            expected_version=form.expected_version,
            actor=current_actor(),
            now=clock.now(),
        ),
        record=appraisal,
    ):
        flash("Self-reflection saved", "success")
        return _to_view(appraisal)
    return render_template("appraisal/prepare_appraisal.html", form=form, appraisal=appraisal)


# The appraiser's record -----------------------------------------------------------------------
def _conversation_details(form: ConversationForm) -> services.ConversationDetails:
    discussed = set(form.discussed.data or [])
    return services.ConversationDetails(
        held_on=form.held_on.data,
        appraiser_view=form.appraiser_view.data or "",
        feedback=form.feedback.data or "",
        strengths=form.strengths.data or "",
        wellbeing_discussed="wellbeing" in discussed,
        support_discussed="support" in discussed,
        aspirations=form.aspiration_values,
        aspirations_note=form.aspirations_note.data or "",
        cpd_entry_ids=tuple(form.cpd_entries.data or ()),
        supervision_ids=tuple(form.supervision_sessions.data or ()),
    )


def _conversation_form(appraisal: Appraisal) -> ConversationForm:
    if request.method != "GET":
        return ConversationForm()
    discussed = [
        name
        for name, yes in (
            ("wellbeing", appraisal.wellbeing_discussed),
            ("support", appraisal.support_discussed),
        )
        if yes
    ]
    return ConversationForm(
        held_on=appraisal.held_on,
        appraiser_view=appraisal.appraiser_view,
        feedback=appraisal.feedback,
        cpd_entries=[e.id for e in appraisal.cpd_entries],
        supervision_sessions=[s.id for s in appraisal.supervision_sessions],
        strengths=appraisal.strengths,
        discussed=discussed,
        aspirations=list(appraisal.aspirations or []),
        aspirations_note=appraisal.aspirations_note,
        version=appraisal.version_id,
    )


@bp.route("/conversations/<int:appraisal_id>/record", methods=["GET", "POST"])
@signed_in
def record_conversation(appraisal_id: int) -> str | WerkzeugResponse:
    appraisal = _appraisal_or_404(appraisal_id)
    _writes(appraisal, permissions.may_record)
    actor = current_actor()
    form = _conversation_form(appraisal)
    form.offer(
        choices.cpd_entries(actor, appraisal), choices.supervision_sessions(actor, appraisal)
    )
    today = clock.today()
    if form.validate_on_submit():
        if save(
            form,
            lambda: services.record_conversation(
                appraisal=appraisal,
                details=_conversation_details(form),
                expected_version=form.expected_version,
                actor=actor,
                now=clock.now(),
                today=today,
            ),
            record=appraisal,
        ):
            flash("Conversation saved", "success")
            return _to_view(appraisal)
    elif form.is_submitted():
        add_rule_errors(
            form, services.conversation_errors(_conversation_details(form), today=today)
        )
    return render_template("appraisal/record_conversation.html", form=form, appraisal=appraisal)


# Development needs ----------------------------------------------------------------------------
def _need_details(form: NeedForm, groups: list, activities: list) -> services.NeedDetails:
    items = {item.id: item for group in groups for item in group.items}
    by_id = {str(a.id): a for a in activities}
    return services.NeedDetails(
        description=form.description.data or "",
        action_type=form.action_type_value,
        activity=by_id.get(form.activity.data or ""),
        framework_items=tuple(items[i] for i in form.framework_items.data or () if i in items),
        target_date=form.target_date.data,
    )


def _need_page(appraisal: Appraisal, need: DevelopmentNeed | None) -> str | WerkzeugResponse:
    """Add a need (``need`` None) or change one: the same form and the same service call."""
    _writes(appraisal, permissions.may_record)
    today = clock.today()
    groups = choices.framework_item_groups(appraisal.staff, today=today, need=need)
    activities = choices.activities(need)
    if request.method == "GET" and need is not None:
        form = NeedForm(
            description=need.description,
            action_type=need.action_type.value,
            framework_items=[item.id for item in need.framework_items],
            activity=str(need.activity_id or ""),
            target_date=need.target_date,
            version=appraisal.version_id,
        )
    elif request.method == "GET":
        form = NeedForm(version=appraisal.version_id)
    else:
        form = NeedForm()
    form.offer(groups, activities)
    if form.validate_on_submit():
        if save(
            form,
            lambda: services.save_need(
                appraisal=appraisal,
                need=need,
                details=_need_details(form, groups, activities),
                expected_version=form.expected_version,
                actor=current_actor(),
                now=clock.now(),
                today=today,
            ),
            record=appraisal,
        ):
            flash("Development need saved", "success")
            return redirect(
                url_for("appraisal.view_appraisal", appraisal_id=appraisal.id, _anchor="needs")
            )
    elif form.is_submitted():
        add_rule_errors(
            form, services.need_errors(_need_details(form, groups, activities), today=today)
        )
    return render_template(
        "appraisal/edit_need.html" if need is not None else "appraisal/add_need.html",
        form=form,
        appraisal=appraisal,
        need=need,
        groups=groups,
    )


@bp.route("/conversations/<int:appraisal_id>/needs/new", methods=["GET", "POST"])
@signed_in
def add_need(appraisal_id: int) -> str | WerkzeugResponse:
    return _need_page(_appraisal_or_404(appraisal_id), None)


def _need_or_404(need_id: int) -> DevelopmentNeed:
    need = queries.find_need(need_id)
    if need is None:
        abort(404)
    _appraisal_or_404(need.appraisal_id)
    return need


@bp.route("/needs/<int:need_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_need(need_id: int) -> str | WerkzeugResponse:
    need = _need_or_404(need_id)
    return _need_page(need.appraisal, need)


@bp.route("/needs/<int:need_id>/remove", methods=["GET", "POST"])
@signed_in
def remove_need(need_id: int) -> str | WerkzeugResponse:
    need = _need_or_404(need_id)
    return _remove_page(
        need.appraisal,
        lambda version: services.remove_need(
            appraisal=need.appraisal,
            need=need,
            expected_version=version,
            actor=current_actor(),
            now=clock.now(),
        ),
        removed="Development need removed",
        anchor="needs",
        template="appraisal/remove_need.html",
        need=need,
    )


def _remove_page(
    appraisal: Appraisal,
    remove: Callable[[int | None], None],
    *,
    removed: str,
    anchor: str,
    template: str,
    **context: object,
) -> str | WerkzeugResponse:
    """The confirmation page of taking a need or an objective out of the conversation."""
    _writes(appraisal, permissions.may_record)
    form = RemoveForm() if request.method == "POST" else RemoveForm(version=appraisal.version_id)
    if form.validate_on_submit() and save(
        form, lambda: remove(form.expected_version), record=appraisal
    ):
        flash(removed, "success")
        return redirect(
            url_for("appraisal.view_appraisal", appraisal_id=appraisal.id, _anchor=anchor)
        )
    return render_template(template, form=form, appraisal=appraisal, **context)


# Objectives -----------------------------------------------------------------------------------
def _objective_details(form: ObjectiveForm, appraisal: Appraisal) -> services.ObjectiveDetails:
    priorities = {str(p.id): p for p in appraisal.cycle.priorities}
    return services.ObjectiveDetails(
        text=form.text.data or "",
        target_date=form.target_date.data,
        priority=priorities.get(form.priority.data or ""),
    )


def _objective_page(appraisal: Appraisal, objective: Objective | None) -> str | WerkzeugResponse:
    _writes(appraisal, permissions.may_record)
    today = clock.today()
    if request.method == "GET" and objective is not None:
        form = ObjectiveForm(
            text=objective.text,
            target_date=objective.target_date,
            priority=str(objective.priority_id) if objective.priority_id else NOT_LINKED,
            version=appraisal.version_id,
        )
    elif request.method == "GET":
        form = ObjectiveForm(version=appraisal.version_id)
    else:
        form = ObjectiveForm()
    form.offer(appraisal.cycle.priorities)
    if form.validate_on_submit():
        if save(
            form,
            lambda: services.save_objective(
                appraisal=appraisal,
                objective=objective,
                details=_objective_details(form, appraisal),
                expected_version=form.expected_version,
                actor=current_actor(),
                now=clock.now(),
                today=today,
            ),
            record=appraisal,
        ):
            flash("Objective saved", "success")
            return redirect(
                url_for("appraisal.view_appraisal", appraisal_id=appraisal.id, _anchor="objectives")
            )
    elif form.is_submitted():
        details = _objective_details(form, appraisal)
        add_rule_errors(
            form,
            objective_errors(text=details.text, target_date=details.target_date, today=today),
        )
    return render_template(
        "appraisal/edit_objective.html"
        if objective is not None
        else "appraisal/add_objective.html",
        form=form,
        appraisal=appraisal,
        objective=objective,
    )


@bp.route("/conversations/<int:appraisal_id>/objectives/new", methods=["GET", "POST"])
@signed_in
def add_objective(appraisal_id: int) -> str | WerkzeugResponse:
    return _objective_page(_appraisal_or_404(appraisal_id), None)


def _objective_or_404(objective_id: int) -> Objective:
    objective = queries.find_objective(objective_id)
    if objective is None:
        abort(404)
    _appraisal_or_404(objective.appraisal_id)
    return objective


@bp.route("/objectives/<int:objective_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_objective(objective_id: int) -> str | WerkzeugResponse:
    objective = _objective_or_404(objective_id)
    return _objective_page(objective.appraisal, objective)


@bp.route("/objectives/<int:objective_id>/remove", methods=["GET", "POST"])
@signed_in
def remove_objective(objective_id: int) -> str | WerkzeugResponse:
    objective = _objective_or_404(objective_id)
    return _remove_page(
        objective.appraisal,
        lambda version: services.remove_objective(
            appraisal=objective.appraisal,
            objective=objective,
            expected_version=version,
            actor=current_actor(),
            now=clock.now(),
        ),
        removed="Objective removed",
        anchor="objectives",
        template="appraisal/remove_objective.html",
        objective=objective,
    )
