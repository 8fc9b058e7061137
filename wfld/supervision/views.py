"""Supervision pages: a person's own record, the log a supervisor keeps for a supervisee, a
line manager's team at a glance, and turning a session into a CPD entry."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from wfld.core import clock
from wfld.core.auth import allowed_or_404, current_actor, page_requires, signed_in
from wfld.core.forms import add_rule_errors
from wfld.core.saving import save
from wfld.organisation import queries as org_queries
from wfld.organisation.models import StaffMember
from wfld.organisation.permissions import staff_of
from wfld.supervision import permissions, queries, services
from wfld.supervision.forms import SessionForm, ToCpdForm
from wfld.supervision.models import SupervisionRecord
from wfld.supervision.permissions import LogView

bp = Blueprint("supervision", __name__, url_prefix="/supervision")

RECENT_MONTHS = 3  # the team page counts sessions over the last quarter


@bp.route("/me")
@page_requires(permissions.has_staff_record)
def my_supervision() -> str:
    me = staff_of(current_actor())
    start, end = queries.council_year(clock.today())
    return render_template(
        "supervision/my_supervision.html",
        sessions=queries.list_sessions_of(me.id),
        totals=queries.totals_between(me.id, start=start, end=end),
        year_start=start,
        cpd_form=ToCpdForm(),
        manages_team=permissions.manages_anyone(current_actor()),
    )


@bp.route("/team")
@page_requires(permissions.manages_anyone)
def team_supervision() -> str:
    me = staff_of(current_actor())
    today = clock.today()
    since = today - relativedelta(months=RECENT_MONTHS)
    reports = org_queries.list_direct_reports(me.id, today=today)
    return render_template(
        "supervision/team_supervision.html",
        reports=reports,
        figures=queries.team_figures([r.id for r in reports], since=since),
        since=since,
    )


@bp.route("/staff/<int:staff_id>")
@signed_in
def staff_supervision(staff_id: int) -> str:
    staff = allowed_or_404(org_queries.find_staff(staff_id), permissions.can_view_staff_log)
    actor = current_actor()
    whole = permissions.log_view(actor, staff) is LogView.ALL
    return render_template(
        "supervision/staff_supervision.html",
        staff=staff,
        whole_log=whole,
        sessions=queries.list_sessions_of(staff.id, held_by=None if whole else staff_of(actor).id),
        may_record=permissions.can_record_for(actor, staff),
        can_edit=permissions.can_edit_session,
    )


def _supervisor(form: SessionForm) -> StaffMember | None:
    """Who held the session: the WFLD team names them; anyone else recording it held it."""
    if form.supervisor is None:
        return staff_of(current_actor())
    return org_queries.find_staff_by_email(form.supervisor.data or "")


@bp.route("/staff/<int:staff_id>/new", methods=["GET", "POST"])
@signed_in
def new_session(staff_id: int) -> str | WerkzeugResponse:
    staff = allowed_or_404(org_queries.find_staff(staff_id), permissions.can_record_for)
    form = SessionForm()
    if not permissions.chooses_supervisor(current_actor()):
        del form.supervisor
    today = clock.today()
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: services.record_session(
                staff=staff,
                supervisor=_supervisor(form),
                held_on=form.held_on.data,
                kind=form.kind_value,
                minutes=form.minutes.data,
                themes=form.themes.data or "",
                actor=current_actor(),
                now=clock.now(),
                today=today,
            ),
        )
        if saved:
            flash("Supervision session saved", "success")
            return redirect(url_for("supervision.staff_supervision", staff_id=staff.id))
    elif form.is_submitted():
        add_rule_errors(form, _rule_errors(form, staff, _supervisor(form)))
    return render_template("supervision/new_session.html", form=form, staff=staff)


def _rule_errors(
    form: SessionForm, staff: StaffMember, supervisor: StaffMember | None
) -> dict[str, str]:
    """The session's rules on what the form could read, so every error shows at once."""
    return services.session_errors(
        staff=staff,
        supervisor=supervisor,
        held_on=form.held_on.data,
        kind=form.kind_value,
        minutes=form.minutes.data,
        themes=form.themes.data or "",
        today=clock.today(),
    )


@bp.route("/sessions/<int:supervision_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_session(supervision_id: int) -> str | WerkzeugResponse:
    record: SupervisionRecord = allowed_or_404(
        queries.find_session(supervision_id), permissions.can_edit_session
    )
    if request.method == "GET":
        form = SessionForm(
            held_on=record.held_on,
            kind=record.kind.value,
            minutes=record.minutes,
            themes=record.themes,
            version=record.version_id,
        )
    else:
        form = SessionForm()
    del form.supervisor  # a session with someone else is another session
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: services.update_session(
                record=record,
                held_on=form.held_on.data,
                kind=form.kind_value,
                minutes=form.minutes.data,
                themes=form.themes.data or "",
                expected_version=form.expected_version,
                actor=current_actor(),
                now=clock.now(),
                today=clock.today(),
            ),
            record=record,
        )
        if saved:
            flash("Supervision session saved", "success")
            return redirect(url_for("supervision.staff_supervision", staff_id=record.staff_id))
    elif form.is_submitted():
        add_rule_errors(form, _rule_errors(form, record.staff, record.supervisor))
    return render_template("supervision/edit_session.html", form=form, record=record)


@bp.route("/sessions/<int:supervision_id>/cpd", methods=["POST"])
@signed_in
def session_to_cpd(supervision_id: int) -> WerkzeugResponse:
    record = allowed_or_404(queries.find_session(supervision_id), permissions.can_turn_into_cpd)
    form = ToCpdForm()
    if not form.validate_on_submit():
        abort(400)
    saved = save(
        form,
        lambda: services.session_to_cpd(
            record=record, actor=current_actor(), now=clock.now(), today=clock.today()
        ),
    )
    if not saved:
        flash(saved.message)  # My supervision has no form to show it on
        return redirect(url_for("supervision.my_supervision"))
    flash("The session is in your CPD log as a draft: add what you learnt from it", "success")
    return redirect(url_for("cpd.edit_entry", entry_id=saved.value))
