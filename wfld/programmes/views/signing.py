"""Pages: a milestone (its review point, evidence, log and the steps open to the viewer),
the steps themselves, and the final outcome (recommendation, moderation panel,
progression).

Who reaches what: anyone who may see the enrolment sees its milestones (others get 404); a
step posted by someone who sees the milestone but plays no part in that step is refused with
403; a step that is not open any more (someone else took one first) comes back on the page
with what happened.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from wfld.core import clock
from wfld.core.auth import allowed_or_404, current_actor, signed_in
from wfld.core.baseform import VersionedForm
from wfld.core.saving import save
from wfld.programmes import outcomes, permissions, queries, signing
from wfld.programmes.forms.signing import (
    OutcomeForm,
    PanelForm,
    ProgressionForm,
    step_form,
)
from wfld.programmes.models import Enrolment, Milestone, PanelDecision, Recommendation
from wfld.programmes.rules import MilestoneAction
from wfld.programmes.views import bp

# The URL's word for each step.
STEPS = {
    "submit": MilestoneAction.SUBMIT,
    "return": MilestoneAction.RETURN,
    "sign-off": MilestoneAction.SIGN_OFF,
    "countersign": MilestoneAction.COUNTERSIGN,
    "reopen": MilestoneAction.REOPEN,
}


# Milestones -----------------------------------------------------------------------------
@bp.route("/milestones/<int:milestone_id>")
@signed_in
def view_milestone(milestone_id: int) -> str:
    milestone = allowed_or_404(
        queries.find_milestone(milestone_id), permissions.can_comment_on_milestone
    )
    return _render_milestone(milestone)


@bp.route(
    "/milestones/<int:milestone_id>/<any(submit, return, 'sign-off', countersign, reopen):action>",
    methods=["POST"],
)
@signed_in
def act_on_milestone(milestone_id: int, action: str) -> str | WerkzeugResponse:
    milestone = allowed_or_404(
        queries.find_milestone(milestone_id), permissions.can_comment_on_milestone
    )
    step = STEPS[action]
    if not permissions.may_take_milestone_step(current_actor(), milestone, step):
        abort(403)
    form = step_form(step)
    if form.validate_on_submit():
        typed = form.data
        saved = save(
            form,
            lambda: signing.act(
                milestone=milestone,
                action=step,
                text=typed[signing.TEXT_FIELDS[step]] or "",
                short_reason=typed.get("short_reason") or "",
                expected_version=form.expected_version,
                actor=current_actor(),
                now=clock.now(),
            ),
            record=milestone,
            explain_stale=lambda: signing.lost_race_message(milestone_id),
        )
        if saved:
            flash(f"{step.label}: {_point_label(milestone)}", "success")
            return redirect(url_for("programmes.view_milestone", milestone_id=milestone_id))
    return _render_milestone(milestone, failed=(step, form))


def _point_label(milestone: Milestone) -> str:
    return milestone.enrolment.template.spec.point(milestone.key).label


def _render_milestone(
    milestone: Milestone, *, failed: tuple[MilestoneAction, VersionedForm] | None = None
) -> str:
    """The page as the milestone stands now (after a refused step it was rolled back and is
    read afresh); a refused step's form keeps what was typed, on the current version."""
    actor = current_actor()
    view = signing.milestone_page(milestone, actor)
    forms: dict[MilestoneAction, VersionedForm] = {
        action: step_form(action, formdata=None, data={"version": str(milestone.version_id)})
        for action in view.actions
    }
    failed_form = None
    if failed is not None:
        failed_form = failed[1]
        failed_form.version.data = str(milestone.version_id)
        if failed[0] in forms:
            forms[failed[0]] = failed_form
    return render_template(
        "programmes/view_milestone.html",
        view=view,
        forms=forms,
        steps={action: word for word, action in STEPS.items()},
        form=failed_form,
        may_recommend=permissions.can_recommend_outcome(actor, milestone.enrolment),
        may_record_panel=permissions.can_record_panel(actor, milestone.enrolment),
    )


# Outcome --------------------------------------------------------------------------------
def _enrolment_for(enrolment_id: int, allowed) -> Enrolment:  # noqa: ANN001 - a predicate
    """The enrolment (404 for those who may not see it) and 403 for those who may see it but
    not take this step."""
    enrolment = allowed_or_404(queries.find_enrolment(enrolment_id), permissions.can_view_enrolment)
    if not allowed(current_actor(), enrolment):
        abort(403)
    return enrolment


@bp.route("/enrolments/<int:enrolment_id>/outcome", methods=["GET", "POST"])
@signed_in
def record_outcome(enrolment_id: int) -> str | WerkzeugResponse:
    enrolment = _enrolment_for(enrolment_id, permissions.can_recommend_outcome)
    state = outcomes.outcome_state(enrolment)
    form = OutcomeForm(data=state.recommendation_defaults)
    if form.validate_on_submit() and save(
        form,
        lambda: outcomes.record_recommendation(
            enrolment=enrolment,
            recommendation=Recommendation(form.recommendation.data),
            rationale=form.rationale.data or "",
            expected_version=form.expected_version,
            actor=current_actor(),
            now=clock.now(),
            today=clock.today(),
        ),
        record=state.outcome,
    ):
        flash("Recommendation recorded", "success")
        return redirect(url_for("programmes.view_enrolment", enrolment_id=enrolment_id))
    return render_template(
        "programmes/record_outcome.html", form=form, state=outcomes.outcome_state(enrolment)
    )


@bp.route("/enrolments/<int:enrolment_id>/panel", methods=["GET", "POST"])
@signed_in
def record_panel(enrolment_id: int) -> str | WerkzeugResponse:
    enrolment = _enrolment_for(enrolment_id, permissions.can_record_panel)
    state = outcomes.outcome_state(enrolment)
    form = PanelForm(data=state.version)
    if form.validate_on_submit() and save(
        form,
        lambda: outcomes.record_panel(
            enrolment=enrolment,
            panel_on=form.panel_on.data,
            members=form.members.data or "",
            decision=PanelDecision(form.decision.data),
            note=form.note.data or "",
            expected_version=form.expected_version,
            actor=current_actor(),
            now=clock.now(),
            today=clock.today(),
        ),
        record=state.outcome,
    ):
        flash("The panel's decision is recorded", "success")
        return redirect(url_for("programmes.record_panel", enrolment_id=enrolment_id))
    return render_template(
        "programmes/record_panel.html", form=form, state=outcomes.outcome_state(enrolment)
    )


@bp.route("/enrolments/<int:enrolment_id>/progression", methods=["GET", "POST"])
@signed_in
def apply_progression(enrolment_id: int) -> str | WerkzeugResponse:
    enrolment = _enrolment_for(enrolment_id, permissions.can_record_panel)
    state = outcomes.outcome_state(enrolment)
    form = ProgressionForm(data=state.version)
    if form.validate_on_submit() and save(
        form,
        lambda: outcomes.apply_progression(
            enrolment=enrolment,
            progressed_on=form.progressed_on.data,
            expected_version=form.expected_version,
            actor=current_actor(),
            now=clock.now(),
        ),
        record=state.outcome,
    ):
        flash("Progression applied: the job role is changed", "success")
        return redirect(url_for("programmes.record_panel", enrolment_id=enrolment_id))
    return render_template(
        "programmes/apply_progression.html", form=form, state=outcomes.outcome_state(enrolment)
    )
