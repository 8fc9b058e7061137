"""Admin screens for the organisation, and people's profiles."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from wfld.accounts import queries as account_queries
from wfld.accounts.roles import Role
from wfld.core import clock
from wfld.core.auth import allowed_or_404, current_actor, page_requires, signed_in
from wfld.core.forms import add_rule_errors
from wfld.core.saving import save
from wfld.core.text import clean_text
from wfld.organisation import permissions, queries, services
from wfld.organisation.forms import (
    AccountForm,
    ConfirmForm,
    JobRoleForm,
    LeaverForm,
    SearchForm,
    ServiceAreaForm,
    StaffForm,
    StaffSearchForm,
    TeamForm,
)
from wfld.organisation.models import EmploymentType, Regulator, StaffMember

admin_bp = Blueprint("admin", __name__, url_prefix="/admin")
people_bp = Blueprint("people", __name__, url_prefix="/people")

administers = page_requires(permissions.can_administer_organisation)
administers_record = page_requires(permissions.can_administer_organisation, hide=True)
manages_accounts = page_requires(permissions.can_manage_accounts)


@people_bp.app_context_processor
def _policy_for_templates() -> dict:
    """Templates ask the same predicates as views, so a shown link is never refused."""
    return {
        "can_manage_accounts": permissions.can_manage_accounts,
        "can_view_staff": permissions.can_view_staff,
        "can_view_whole_service": permissions.can_view_whole_service,
    }


@admin_bp.route("")
@administers
def index() -> str:
    return render_template("organisation/index.html")


# Service areas ----------------------------------------------------------------------------
@admin_bp.route("/service-areas", methods=["GET", "POST"])
@administers
def service_areas() -> str | Response:
    form = ServiceAreaForm()
    if form.validate_on_submit() and save(
        form,
        lambda: services.create_service_area(
            name=form.name.data, actor=current_actor(), now=clock.now()
        ),
    ):
        flash(f"Service area ‘{form.name.data.strip()}’ added", "success")
        return redirect(url_for("admin.service_areas"))
    return render_template(
        "organisation/service_areas.html", form=form, areas=queries.list_service_areas()
    )


# Teams ----------------------------------------------------------------------------------
@admin_bp.route("/teams")
@administers
def list_teams() -> str:
    form = SearchForm(request.args)
    form.validate()
    include_closed = request.args.get("closed") == "1"
    rows = queries.list_teams(
        today=clock.today(), search=form.q.data or "", include_inactive=include_closed
    )
    return render_template(
        "organisation/list_teams.html", form=form, rows=rows, include_closed=include_closed
    )


@admin_bp.route("/teams/new", methods=["GET", "POST"])
@administers
def new_team() -> str | Response:
    form = TeamForm()
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: services.create_team(
                name=form.name.data,
                service_area=queries.find_service_area(form.service_area.data),
                actor=current_actor(),
                now=clock.now(),
            ),
        )
        if saved:
            flash(f"Team ‘{saved.value.name}’ added", "success")
            return redirect(url_for("admin.view_team", team_id=saved.value.id))
    elif form.is_submitted():
        add_rule_errors(form, services.team_errors(name=form.name.data, team=None))
    return render_template("organisation/edit_team.html", form=form, team=None)


@admin_bp.route("/teams/<int:team_id>")
@administers_record
def view_team(team_id: int) -> str:
    team = allowed_or_404(queries.find_team(team_id), permissions.can_edit_team)
    staff = queries.list_staff(team_id=team.id, per_page=500, today=clock.today())
    return render_template("organisation/view_team.html", team=team, staff=staff)


def _team_form(team, **kwargs) -> TeamForm:  # noqa: ANN001
    # Not obj=team: WTForms prefers obj's attributes to keywords, and team.service_area is
    # the related object, not the id the select needs (the first area would be pre-selected).
    return TeamForm(
        name=team.name, service_area=team.service_area_id, version=team.version_id, **kwargs
    )


@admin_bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
@administers_record
def edit_team(team_id: int) -> str | Response:
    team = allowed_or_404(queries.find_team(team_id), permissions.can_edit_team)
    form = _team_form(team)
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: services.update_team(
                team=team,
                name=form.name.data,
                service_area=queries.find_service_area(form.service_area.data),
                actor=current_actor(),
                now=clock.now(),
                expected_version=form.expected_version,
            ),
            record=team,
        )
        if saved:
            flash("Team details saved", "success")
            return redirect(url_for("admin.view_team", team_id=team.id))
    elif form.is_submitted():
        add_rule_errors(form, services.team_errors(name=form.name.data, team=team))
    return render_template("organisation/edit_team.html", form=form, team=team)


@admin_bp.route("/teams/<int:team_id>/<any(close, reopen):action>", methods=["GET", "POST"])
@administers_record
def change_team_status(team_id: int, action: str) -> str | Response:
    team = allowed_or_404(queries.find_team(team_id), permissions.can_edit_team)
    form = ConfirmForm()
    if form.validate_on_submit() and save(
        form,
        lambda: services.set_team_active(
            team=team,
            active=action == "reopen",
            actor=current_actor(),
            now=clock.now(),
            today=clock.today(),
        ),
    ):
        flash(f"Team ‘{team.name}’ {'reopened' if action == 'reopen' else 'closed'}", "success")
        return redirect(url_for("admin.view_team", team_id=team.id))
    return render_template(
        "organisation/change_status.html",
        form=form,
        record_name=team.name,
        kind="team",
        action=action,
    )


# Job roles ------------------------------------------------------------------------------
@admin_bp.route("/job-roles")
@administers
def list_job_roles() -> str:
    form = SearchForm(request.args)
    form.validate()
    include_retired = request.args.get("retired") == "1"
    rows = queries.list_job_roles(
        today=clock.today(), search=form.q.data or "", include_inactive=include_retired
    )
    return render_template(
        "organisation/list_job_roles.html", form=form, rows=rows, include_retired=include_retired
    )


@admin_bp.route("/job-roles/new", methods=["GET", "POST"])
@administers
def new_job_role() -> str | Response:
    form = JobRoleForm()
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: services.create_job_role(
                title=form.title.data,
                grade=form.grade.data,
                regulator=Regulator(form.regulator.data),
                actor=current_actor(),
                now=clock.now(),
            ),
        )
        if saved:
            flash(f"Job role ‘{saved.value.title}’ added", "success")
            return redirect(url_for("admin.list_job_roles"))
    elif form.is_submitted():
        add_rule_errors(form, services.job_role_errors(title=form.title.data, role=None))
    return render_template("organisation/edit_job_role.html", form=form, role=None)


def _job_role_form(role, **kwargs) -> JobRoleForm:  # noqa: ANN001
    return JobRoleForm(
        title=role.title,
        grade=role.grade,
        regulator=role.regulator.value,
        version=role.version_id,
        **kwargs,
    )


@admin_bp.route("/job-roles/<int:job_role_id>/edit", methods=["GET", "POST"])
@administers_record
def edit_job_role(job_role_id: int) -> str | Response:
    role = allowed_or_404(queries.find_job_role(job_role_id), permissions.can_edit_job_role)
    form = _job_role_form(role)
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: services.update_job_role(
                role=role,
                title=form.title.data,
                grade=form.grade.data,
                regulator=Regulator(form.regulator.data),
                actor=current_actor(),
                now=clock.now(),
                expected_version=form.expected_version,
            ),
            record=role,
        )
        if saved:
            flash("Job role saved", "success")
            return redirect(url_for("admin.list_job_roles"))
    elif form.is_submitted():
        add_rule_errors(form, services.job_role_errors(title=form.title.data, role=role))
    return render_template("organisation/edit_job_role.html", form=form, role=role)


@admin_bp.route(
    "/job-roles/<int:job_role_id>/<any(retire, reopen):action>", methods=["GET", "POST"]
)
@administers_record
def change_job_role_status(job_role_id: int, action: str) -> str | Response:
    role = allowed_or_404(queries.find_job_role(job_role_id), permissions.can_edit_job_role)
    form = ConfirmForm()
    if form.validate_on_submit() and save(
        form,
        lambda: services.set_job_role_active(
            role=role,
            active=action == "reopen",
            actor=current_actor(),
            now=clock.now(),
            today=clock.today(),
        ),
    ):
        flash(
            f"Job role ‘{role.title}’ {'reopened' if action == 'reopen' else 'retired'}",
            "success",
        )
        return redirect(url_for("admin.list_job_roles"))
    return render_template(
        "organisation/change_status.html",
        form=form,
        record_name=role.title,
        kind="job role",
        action=action,
    )


# Staff ----------------------------------------------------------------------------------
@admin_bp.route("/staff")
@administers
def list_staff() -> str:
    form, result = _search_staff()
    return render_template(
        "organisation/list_staff.html", form=form, result=result, today=clock.today()
    )


def _search_staff() -> tuple[StaffSearchForm, queries.StaffPage]:
    form = StaffSearchForm(request.args)
    form.validate()
    result = queries.list_staff(
        search=form.q.data or "",
        team_id=int(form.team.data) if (form.team.data or "").isdigit() else None,
        status=form.status.data if form.status.data in queries.STAFF_STATUSES else "current",
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        today=clock.today(),
    )
    return form, result


def _details(form: StaffForm) -> services.StaffDetails:
    return services.StaffDetails(
        employee_number=form.employee_number.data,
        first_name=form.first_name.data,
        last_name=form.last_name.data,
        work_email=form.work_email.data,
        team=queries.find_team(form.team.data),
        job_role=queries.find_job_role(form.job_role.data),
        line_manager=form.line_manager_record,
        employment_type=EmploymentType(form.employment_type.data),
        fte=form.fte_value,
        start_date=form.start_date.data,
        leaving_date=form.leaving_date.data,
        regulator=Regulator(form.regulator.data),
        registration_number=form.registration_number.data,
    )


def _read(form: StaffForm) -> services.StaffDetails:
    """What the form could read of the details, while some of its checks failed (None where it
    could not), so the staff rules can run on the rest at the same time."""

    def chosen(field, find):  # noqa: ANN001, ANN202
        return find(field.data) if isinstance(field.data, int) and not field.errors else None

    return services.StaffDetails(
        employee_number=form.employee_number.data or "",
        first_name=form.first_name.data or "",
        last_name=form.last_name.data or "",
        work_email="" if form.work_email.errors else (form.work_email.data or ""),
        team=chosen(form.team, queries.find_team),
        job_role=chosen(form.job_role, queries.find_job_role),
        line_manager=form.line_manager_record,
        employment_type={e.value: e for e in EmploymentType}.get(form.employment_type.data),
        fte=form.fte_value if not form.fte.errors else None,
        start_date=form.start_date.data,
        leaving_date=form.leaving_date.data,
        regulator={r.value: r for r in Regulator}.get(form.regulator.data),
        registration_number=form.registration_number.data,
    )


@admin_bp.route("/staff/new", methods=["GET", "POST"])
@administers
def new_staff() -> str | Response:
    form = StaffForm()
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: services.create_staff(
                details=_details(form), actor=current_actor(), now=clock.now(), today=clock.today()
            ),
        )
        if saved:
            flash(f"{saved.value.full_name} added", "success")
            return redirect(url_for("admin.view_staff", staff_id=saved.value.id))
    elif form.is_submitted():
        add_rule_errors(form, services.staff_errors(_read(form), staff=None, today=clock.today()))
    return render_template("organisation/edit_staff.html", form=form, staff=None)


@admin_bp.route("/staff/<int:staff_id>")
@administers_record
def view_staff(staff_id: int) -> str:
    staff = allowed_or_404(queries.find_staff(staff_id), permissions.can_edit_staff)
    return render_template(
        "organisation/view_staff.html",
        staff=staff,
        reports=queries.list_direct_reports(staff.id, today=clock.today()),
        today=clock.today(),
    )


def _staff_form(staff: StaffMember, **kwargs) -> StaffForm:
    # Not obj=staff: WTForms prefers obj's attributes to keywords, and staff.team, .job_role
    # and .line_manager are related objects, not the ids and employee number the form needs.
    return StaffForm(
        employee_number=staff.employee_number,
        first_name=staff.first_name,
        last_name=staff.last_name,
        work_email=staff.work_email,
        start_date=staff.start_date,
        leaving_date=staff.leaving_date,
        registration_number=staff.registration_number,
        team=staff.team_id,
        job_role=staff.job_role_id,
        line_manager=staff.line_manager.employee_number if staff.line_manager else "",
        employment_type=staff.employment_type.value,
        regulator=staff.regulator.value,
        fte=f"{staff.fte:.2f}",
        version=staff.version_id,
        **kwargs,
    )


@admin_bp.route("/staff/<int:staff_id>/edit", methods=["GET", "POST"])
@administers_record
def edit_staff(staff_id: int) -> str | Response:
    staff = allowed_or_404(queries.find_staff(staff_id), permissions.can_edit_staff)
    form = _staff_form(staff)
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: services.update_staff(
                staff=staff,
                details=_details(form),
                actor=current_actor(),
                now=clock.now(),
                today=clock.today(),
                expected_version=form.expected_version,
            ),
            record=staff,
        )
        if saved:
            flash("Staff details saved", "success")
            return redirect(url_for("admin.view_staff", staff_id=staff.id))
    elif form.is_submitted():
        add_rule_errors(form, services.staff_errors(_read(form), staff=staff, today=clock.today()))
    return render_template("organisation/edit_staff.html", form=form, staff=staff)


@admin_bp.route("/staff/<int:staff_id>/leaver", methods=["GET", "POST"])
@administers_record
def record_leaver(staff_id: int) -> str | Response:
    staff = allowed_or_404(queries.find_staff(staff_id), permissions.can_edit_staff)
    form = LeaverForm(obj=staff)
    if form.validate_on_submit() and save(
        form,
        lambda: services.record_leaver(
            staff=staff,
            leaving_date=form.leaving_date.data,
            reason=form.reason.data,
            actor=current_actor(),
            now=clock.now(),
            today=clock.today(),
        ),
    ):
        flash(f"{staff.full_name} recorded as leaving on the date you gave", "success")
        return redirect(url_for("admin.view_staff", staff_id=staff.id))
    return render_template("organisation/record_leaver.html", form=form, staff=staff)


@admin_bp.route("/staff/<int:staff_id>/account", methods=["GET", "POST"])
@page_requires(permissions.can_manage_accounts, hide=True)
def edit_account(staff_id: int) -> str | Response:
    staff = allowed_or_404(queries.find_staff(staff_id), permissions.can_manage_account_of)
    user = staff.user
    form = AccountForm(
        roles=[r.value for r in user.roles] if user else [],
        enabled="yes" if (user is None or user.is_enabled) else "no",
    )
    if form.validate_on_submit() and save(
        form,
        lambda: services.save_account(
            staff=staff,
            roles={Role(r) for r in form.roles.data or []},
            password=form.password.data or None,
            enabled=form.enabled.data == "yes",
            actor=current_actor(),
            now=clock.now(),
            today=clock.today(),
        ),
    ):
        flash("Sign-in account saved", "success")
        return redirect(url_for("admin.view_staff", staff_id=staff.id))
    return render_template("organisation/edit_account.html", form=form, staff=staff, user=user)


@admin_bp.route("/audit")
@manages_accounts
def audit_log() -> str:
    event = clean_text(request.args.get("event", "")) or None
    return render_template(
        "organisation/audit_log.html",
        events=account_queries.list_audit_events(event=event, limit=200),
        event=event,
    )


# People ---------------------------------------------------------------------------------
@people_bp.route("")
@page_requires(permissions.can_view_whole_service)
def directory() -> str:
    """Everyone in the service, read-only: senior managers, the WFLD team, system admins."""
    form, result = _search_staff()
    return render_template(
        "organisation/directory.html", form=form, result=result, today=clock.today()
    )


@people_bp.route("/<int:staff_id>")
@signed_in
def profile(staff_id: int) -> str:
    staff: StaffMember = allowed_or_404(queries.find_staff(staff_id), permissions.can_view_staff)
    today = clock.today()
    return render_template(
        "organisation/profile.html",
        staff=staff,
        reports=queries.list_direct_reports(staff.id, today=today),
        relation=permissions.relation_to(current_actor(), staff),
        today=today,
    )
