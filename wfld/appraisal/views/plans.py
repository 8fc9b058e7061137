"""Pages: My development plan (this cycle's conversation and its next step, the plan's actions,
earlier plans), a plan as the person's managers read it, moving an action on, adding one,
booking a place on its activity, turning a finished one into a CPD entry, and the plan as a
PDF.

Who reaches what: the person and anyone above them in line management read a plan (others get
404); the person and their line manager change it; only the person books a place or makes a
CPD entry (404 for everyone else: those are the person's own records).
"""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from wfld.appraisal import jobs as appraisal_jobs
from wfld.appraisal import permissions, plan_view, plans, queries
from wfld.appraisal.forms.plans import (
    AddActionForm,
    BookActionForm,
    ButtonForm,
    UpdateActionForm,
)
from wfld.appraisal.models import (
    Appraisal,
    AppraisalCycle,
    DevelopmentAction,
    DevelopmentPlan,
    ReviewContext,
)
from wfld.appraisal.rules import (
    ActionState,
    AppraisalKind,
    due_by_for,
    may_start_mid_year,
    mid_year_open,
)
from wfld.appraisal.views import bp
from wfld.catalogue import queries as catalogue_queries
from wfld.catalogue.models import BookingStatus
from wfld.core import clock, jobs
from wfld.core.auth import allowed_or_404, current_actor, page_requires, signed_in
from wfld.core.filters import govuk_date, govuk_datetime
from wfld.core.forms import add_rule_errors
from wfld.core.saving import save
from wfld.organisation.permissions import staff_of
from wfld.supervision import queries as supervision_queries

RECENT_SUPERVISION = 10  # the sessions an action's review may name


def _policy() -> dict:
    """The predicates the plan's templates ask, so a shown link is never refused."""
    return {
        "can_change_action": permissions.can_change_action,
        "can_book_action": permissions.can_book_action,
        "can_turn_action_into_cpd": permissions.can_turn_action_into_cpd,
        "cpd_form": ButtonForm(),
    }


def _is_own(plan: DevelopmentPlan) -> bool:
    me = staff_of(current_actor())
    return me is not None and me.id == plan.staff_id


def _back_to(plan: DevelopmentPlan) -> str:
    """The person's own plan is My development plan; anyone else's is its own page."""
    if _is_own(plan):
        return url_for("appraisal.my_plan")
    return url_for("appraisal.view_plan", plan_id=plan.id)


@bp.route("/my-development-plan")
@page_requires(permissions.has_development_plan)
def my_plan() -> str:
    me = staff_of(current_actor())
    today = clock.today()
    cycle = queries.current_cycle(today)
    appraisal = queries.find_appraisal_for(me.id, cycle.id) if cycle else None
    plan = queries.find_plan_for(me.id, cycle.id) if cycle else None
    return render_template(
        "appraisal/my_plan.html",
        me=me,
        cycle=cycle,
        step=plan_view.next_step(
            appraisal, cycle_id=cycle.id, staff_id=me.id, due_by=cycle.due_by, today=today
        )
        if cycle
        else None,
        mid_year_step=_mid_year_step(cycle, me.id, appraisal, today) if cycle else None,
        start_form=ButtonForm(),
        plan=plan_view.build(plan, today=today) if plan else None,
        earlier=[p for p in queries.list_plans_of(me.id) if plan is None or p.id != plan.id],
        **_policy(),
    )


def _mid_year_step(
    cycle: AppraisalCycle, staff_id: int, annual: Appraisal | None, today: dt.date
) -> plan_view.NextStep | None:
    """The mid-year review's next step once its window has opened (one statement), else None."""
    if not mid_year_open(cycle.mid_year_from, today=today):
        return None
    return plan_view.next_step(
        queries.find_mid_year_review(staff_id, cycle.id),
        cycle_id=cycle.id,
        staff_id=staff_id,
        due_by=due_by_for(
            AppraisalKind.MID_YEAR, due_by=cycle.due_by, mid_year_by=cycle.mid_year_by
        ),
        today=today,
        kind=AppraisalKind.MID_YEAR,
        may_start=may_start_mid_year(annual),
    )


@bp.route("/plans/<int:plan_id>")
@signed_in
def view_plan(plan_id: int) -> str:
    plan = allowed_or_404(queries.find_plan(plan_id), permissions.can_view_plan)
    return render_template(
        "appraisal/view_plan.html",
        plan=plan_view.build(plan, today=clock.today(), with_reviews=True),
        own=_is_own(plan),
        may_change=permissions.can_change_plan(current_actor(), plan),
        **_policy(),
    )


@bp.route("/plans/<int:plan_id>/plan.pdf", methods=["POST"])
@signed_in
def plan_pdf(plan_id: int) -> WerkzeugResponse:
    """The plan as a PDF, made in the background (appraisal/jobs.py): the person is sent to
    "Your downloads"."""
    plan = allowed_or_404(queries.find_plan(plan_id), permissions.can_view_plan)
    jobs.submit(
        appraisal_jobs.make_plan_pdf,
        plan.id,
        clock.today().isoformat(),
        actor=current_actor(),
        title=appraisal_jobs.plan_pdf_title(plan.staff.full_name, plan.cycle.name),
        ask_again_path=url_for("appraisal.view_plan", plan_id=plan.id),
    )
    return redirect(url_for("downloads.list_downloads"))


# Moving an action on ------------------------------------------------------------------------
def _supervision_choices(action: DevelopmentAction) -> list[tuple[str, str]]:
    sessions = queries.list_recent_supervision(action.staff_id, limit=RECENT_SUPERVISION)
    return [("", "Not a particular session")] + [
        (str(s.id), f"{govuk_date(s.held_on)}: {s.kind.label}") for s in sessions
    ]


@bp.route("/actions/<int:action_id>/update", methods=["GET", "POST"])
@signed_in
def update_action(action_id: int) -> str | WerkzeugResponse:
    action = allowed_or_404(queries.find_action(action_id), permissions.can_change_action)
    current = plan_view.effective_state(action)
    if request.method == "GET":
        form = UpdateActionForm(
            state=current.value,
            drop_reason=action.drop_reason,
            context=ReviewContext.PLAN.value,
            version=action.version_id,
        )
    else:
        form = UpdateActionForm()
    form.set_states(booked=current is ActionState.BOOKED)
    form.supervision.choices = _supervision_choices(action)

    def _supervision():  # noqa: ANN202 - the chosen session, or None
        chosen = form.supervision_id
        return supervision_queries.find_session(chosen) if chosen else None

    if form.validate_on_submit():
        saved = save(
            form,
            lambda: plans.change_action(
                action=action,
                state=form.state_value,
                note=form.note.data or "",
                drop_reason=form.drop_reason.data or "",
                context=form.context_value,
                supervision=_supervision(),
                expected_version=form.expected_version,
                actor=current_actor(),
                now=clock.now(),
                today=clock.today(),
            ),
            record=action,
        )
        if saved:
            flash(f"‘{action.title}’: {saved.value.state.label.lower()}", "success")
            return redirect(_back_to(action.plan))
    elif form.is_submitted():
        add_rule_errors(
            form,
            plans.change_errors(
                action,
                state=form.state_value,
                note=form.note.data or "",
                drop_reason=form.drop_reason.data or "",
                context=form.context_value,
                supervision=_supervision(),
                current=current,
            ),
        )
    return render_template(
        "appraisal/update_action.html",
        form=form,
        action=action,
        current=current,
        back=_back_to(action.plan),
    )


# Adding an action ---------------------------------------------------------------------------
@bp.route("/plans/<int:plan_id>/actions/new", methods=["GET", "POST"])
@signed_in
def add_action(plan_id: int) -> str | WerkzeugResponse:
    plan = allowed_or_404(queries.find_plan(plan_id), permissions.can_change_plan)
    form = AddActionForm()
    form.activity.choices = [("", "None")] + [
        (str(a.id), a.title) for a in catalogue_queries.list_active_activities()
    ]

    def details() -> plans.ActionDetails:
        chosen = form.activity_id
        return plans.ActionDetails(
            title=form.title.data or "",
            action_type=form.action_type_value,
            target_date=form.target_date.data,
            activity=catalogue_queries.find_activity(chosen) if chosen else None,
        )

    if form.validate_on_submit():
        saved = save(
            form,
            lambda: plans.add_action(
                plan=plan,
                details=details(),
                actor=current_actor(),
                now=clock.now(),
                today=clock.today(),
            ),
        )
        if saved:
            flash(f"‘{saved.value.title}’ added to the plan", "success")
            return redirect(_back_to(plan))
    elif form.is_submitted():
        add_rule_errors(form, plans.action_errors(details(), today=clock.today()))
    return render_template("appraisal/add_action.html", form=form, plan=plan, back=_back_to(plan))


# Booking a place ----------------------------------------------------------------------------
def _session_label(row: catalogue_queries.SessionRow) -> str:
    session = row.session
    where = "Online" if session.is_online else session.venue
    places = (
        "full: join the waiting list"
        if row.is_full
        else f"{row.places_left} place{'s' if row.places_left != 1 else ''} left"
    )
    return f"{govuk_datetime(session.starts_at)}, {where} ({places})"


@bp.route("/actions/<int:action_id>/book", methods=["GET", "POST"])
@signed_in
def book_action(action_id: int) -> str | WerkzeugResponse:
    action = allowed_or_404(queries.find_action(action_id), permissions.can_book_action)
    rows = catalogue_queries.list_upcoming_sessions(
        action.activity_id, now=clock.now(), staff_id=action.staff_id
    )
    open_rows = [r for r in rows if r.my_status is None]
    form = BookActionForm()
    form.session.choices = [(str(r.session.id), _session_label(r)) for r in open_rows]
    if request.method == "GET" and len(open_rows) == 1:
        form.session.data = str(open_rows[0].session.id)  # the one choice there is
    if form.validate_on_submit():
        session = catalogue_queries.find_session(form.session_id or 0)
        if session is None:
            abort(404)
        saved = save(
            form,
            lambda: plans.book_action(
                action=action,
                session=session,
                actor=current_actor(),
                now=clock.now(),
                today=clock.today(),
            ),
        )
        if saved:
            when = govuk_datetime(session.starts_at)
            if saved.value.status is BookingStatus.BOOKED:
                flash(f"You are booked on {session.activity.title} on {when}", "success")
            else:
                flash(
                    f"The session on {when} is full. You are on the waiting list and will get "
                    "a place if one comes free.",
                    "success",
                )
            return redirect(url_for("appraisal.my_plan"))
    return render_template(
        "appraisal/book_action.html",
        form=form,
        action=action,
        rows=rows,
        open_rows=open_rows,
        BookingStatus=BookingStatus,
    )


# A CPD entry --------------------------------------------------------------------------------
@bp.route("/actions/<int:action_id>/cpd", methods=["POST"])
@signed_in
def action_to_cpd(action_id: int) -> WerkzeugResponse:
    action = allowed_or_404(queries.find_action(action_id), permissions.can_turn_action_into_cpd)
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    saved = save(
        form,
        lambda: plans.action_to_cpd(
            action=action, actor=current_actor(), now=clock.now(), today=clock.today()
        ),
    )
    if not saved:
        flash(saved.message)  # the plan has no form to show it on
        return redirect(url_for("appraisal.my_plan"))
    flash("The action is in your CPD log as a draft: add what you learnt from it", "success")
    return redirect(url_for("cpd.edit_entry", entry_id=saved.value))
