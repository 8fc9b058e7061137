"""My learning, team and service compliance, and the pathway screens."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as WerkzeugResponse

from wfld.catalogue import queries as catalogue_queries
from wfld.core import clock
from wfld.core.auth import allowed_or_404, current_actor, page_requires, signed_in
from wfld.core.csvfile import csv_download
from wfld.core.forms import apply_errors
from wfld.core.saving import save
from wfld.frameworks import queries as framework_queries
from wfld.learning import permissions, queries, services
from wfld.learning.compliance import (
    ComplianceReport,
    ComplianceSummary,
    build_report,
    drill_down,
    summarise,
)
from wfld.learning.forms import (
    AssignForm,
    ConfirmForm,
    ExpectedLevelsForm,
    PathwayForm,
    RequirementForm,
)
from wfld.learning.models import Stage
from wfld.learning.rules import Status
from wfld.organisation import permissions as org_permissions
from wfld.organisation import queries as org_queries
from wfld.organisation.scopes import Purpose, StaffScope, visible_scope

bp = Blueprint("learning", __name__, url_prefix="/learning")

manages = page_requires(permissions.can_manage_pathways)
manages_record = page_requires(permissions.can_manage_pathways, hide=True)


@bp.app_context_processor
def _for_templates() -> dict:
    return {"Status": Status}


def _report(scope: StaffScope) -> ComplianceReport:
    return build_report(
        scope, now=clock.now(), due_soon_days=current_app.config["COMPLIANCE_DUE_SOON_DAYS"]
    )


# People's own learning ----------------------------------------------------------------
@bp.route("/me")
@page_requires(permissions.has_own_learning)
def my_learning() -> str:
    user = current_actor()
    me = org_permissions.staff_of(user)
    report = _report(visible_scope(user, clock.today(), Purpose.SELF))
    return render_template(
        "learning/my_learning.html",
        person=report.people[0],
        report=report,
        own=True,
        certificates=catalogue_queries.list_certificates_of(me.id),
        expected=queries.expected_levels_for_role(me.job_role_id),
    )


@bp.route("/people/<int:staff_id>")
@signed_in
def person_learning(staff_id: int) -> str:
    staff = allowed_or_404(org_queries.find_staff(staff_id), permissions.can_view_learning_of)
    report = _report(visible_scope(current_actor(), clock.today(), Purpose.PERSON, person=staff))
    return render_template(
        "learning/my_learning.html",
        person=report.people[0],
        report=report,
        own=False,
        certificates=catalogue_queries.list_certificates_of(staff.id),
        expected=queries.expected_levels_for_role(staff.job_role_id),
    )


# Compliance views --------------------------------------------------------------------
def _team_scope() -> StaffScope:
    return visible_scope(current_actor(), clock.today(), Purpose.TEAM)


@bp.route("/team")
@page_requires(permissions.can_view_team_compliance)
def team_compliance() -> str:
    scope = _team_scope()
    return _compliance_page(
        scope,
        lambda: _report(scope),
        title="Your team’s learning",
        csv_endpoint="learning.team_compliance_csv",
    )


@bp.route("/team.csv")
@page_requires(permissions.can_view_team_compliance)
def team_compliance_csv() -> Response:
    return _csv(_report(_team_scope()), "team-compliance")


def _service_scope() -> StaffScope:
    scope = visible_scope(current_actor(), clock.today(), Purpose.SERVICE)
    team_id = request.args.get("team", type=int)
    return scope.within_team(team_id) if team_id else scope


@bp.route("/compliance")
@page_requires(permissions.can_view_service_compliance)
def service_compliance() -> str:
    scope = _service_scope()
    return _compliance_page(
        scope,
        # Thousands of people: counts only, no per-person lines.
        lambda: summarise(
            scope, now=clock.now(), due_soon_days=current_app.config["COMPLIANCE_DUE_SOON_DAYS"]
        ),
        title="Learning compliance across the service",
        csv_endpoint="learning.service_compliance_csv",
        by_team=True,
    )


@bp.route("/compliance.csv")
@page_requires(permissions.can_view_service_compliance)
def service_compliance_csv() -> Response:
    return _csv(_report(_service_scope()), "service-compliance")


DRILL_PAGE_SIZE = 100
STATUS_COLUMNS = [
    Status.COMPLETE,
    Status.BOOKED,
    Status.DUE_SOON,
    Status.OVERDUE,
    Status.NOT_STARTED,
]


def _compliance_page(
    scope: StaffScope,
    build: Callable[[], ComplianceReport | ComplianceSummary],
    *,
    title: str,
    csv_endpoint: str,
    by_team: bool = False,
) -> str:
    """The summary tables, or one requirement's people (``?requirement=``) a page at a time."""
    team_id = request.args.get("team", type=int)
    requirement_key = request.args.get("requirement") or None
    if requirement_key:
        drill = drill_down(
            scope,
            requirement_key,
            now=clock.now(),
            due_soon_days=current_app.config["COMPLIANCE_DUE_SOON_DAYS"],
            page=request.args.get("page", 1, type=int),
            per_page=DRILL_PAGE_SIZE,
        )
        if drill is None:
            abort(404)
        return render_template(
            "learning/compliance_drill.html", drill=drill, title=title, team_id=team_id
        )
    return render_template(
        "learning/compliance.html",
        report=build(),
        title=title,
        csv_endpoint=csv_endpoint,
        by_team=by_team,
        team_id=team_id,
        statuses=STATUS_COLUMNS,
        updating=queries.recomputations_in_hand() if by_team else [],
    )


CSV_COLUMNS = [
    "Employee number",
    "Name",
    "Team",
    "Job role",
    "Requirement",
    "Stage",
    "Mandatory",
    "Status",
    "Late",
    "Due or expires",
    "Last completed",
    "Next booked session",
]


def _csv(report: ComplianceReport, name: str) -> Response:
    def rows() -> Iterator[list[str]]:
        requirements: dict[int, list[str]] = {}  # the same few dozen, for thousands of rows
        for person in report.people:
            staff = person.staff
            who = [staff.employee_number, staff.full_name, staff.team.name, staff.job_role.title]
            for line in person.lines:
                requirement = line.requirement
                what = requirements.get(requirement.id)
                if what is None:
                    what = requirements[requirement.id] = [
                        requirement.title,
                        requirement.stage.label,
                        "Yes" if requirement.is_mandatory else "No",
                    ]
                assessment = line.assessment
                yield [
                    *who,
                    *what,
                    assessment.status.label,
                    "Yes" if assessment.late else "",
                    assessment.due_on.isoformat() if assessment.due_on else "",
                    line.last_completed_on.isoformat() if line.last_completed_on else "",
                    line.next_booked_at.date().isoformat() if line.next_booked_at else "",
                ]

    return csv_download(CSV_COLUMNS, rows(), f"{name}-{report.today.isoformat()}.csv")


# Pathways -------------------------------------------------------------------------------
@bp.route("/pathways")
@manages
def list_pathways() -> str:
    return render_template(
        "learning/list_pathways.html", pathways=queries.list_pathways(include_inactive=True)
    )


def _role_choices() -> list[tuple[int, str]]:
    return [(r.id, r.title) for r in org_queries.list_job_role_choices()]


def _roles(ids: list[int]) -> list:  # noqa: ANN202
    return [role for role in (org_queries.find_job_role(i) for i in ids or []) if role is not None]


@bp.route("/pathways/new", methods=["GET", "POST"])
@manages
def new_pathway() -> str | WerkzeugResponse:
    form = PathwayForm()
    form.roles.choices = _role_choices()
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: services.create_pathway(
                name=form.name.data,
                description=form.description.data,
                roles=_roles(form.roles.data),
                actor=current_actor(),
                now=clock.now(),
            ),
        )
        if saved:
            flash("Pathway created: now add its requirements", "success")
            return redirect(url_for("learning.view_pathway", pathway_id=saved.value.id))
    return render_template("learning/edit_pathway.html", form=form, pathway=None)


@bp.route("/pathways/<int:pathway_id>")
@manages_record
def view_pathway(pathway_id: int) -> str:
    pathway = allowed_or_404(queries.find_pathway(pathway_id), permissions.can_edit_pathway)
    stages = [(stage, [r for r in pathway.requirements if r.stage is stage]) for stage in Stage]
    return render_template(
        "learning/view_pathway.html",
        pathway=pathway,
        stages=stages,
        assignments=queries.list_assignments(pathway.id),
        updating=[r for r in [queries.latest_recomputation(pathway.id)] if r and r.in_hand],
    )


@bp.route("/pathways/<int:pathway_id>/edit", methods=["GET", "POST"])
@manages_record
def edit_pathway(pathway_id: int) -> str | WerkzeugResponse:
    pathway = allowed_or_404(queries.find_pathway(pathway_id), permissions.can_edit_pathway)
    form = PathwayForm(
        name=pathway.name, description=pathway.description, roles=[r.id for r in pathway.roles]
    )
    form.roles.choices = _role_choices()
    if form.validate_on_submit() and save(
        form,
        lambda: services.update_pathway(
            pathway=pathway,
            name=form.name.data,
            description=form.description.data,
            roles=_roles(form.roles.data),
            actor=current_actor(),
            now=clock.now(),
        ),
    ):
        flash("Pathway saved", "success")
        return redirect(url_for("learning.view_pathway", pathway_id=pathway.id))
    return render_template("learning/edit_pathway.html", form=form, pathway=pathway)


def _item_choices() -> list[tuple[str, str]]:
    today = clock.today()
    choices = [("", "None")]
    for framework in framework_queries.list_frameworks():
        version = framework_queries.current_version(framework, today=today)
        if version is None:
            continue
        for node in framework_queries.item_tree(framework_queries.find_version(version.id)):
            if not node.item.is_retired:
                choices.append((str(node.item.id), f"{framework.title}: {node.item.label}"))
    return choices


@bp.route("/pathways/<int:pathway_id>/requirements/new", methods=["GET", "POST"])
@manages_record
def add_requirement(pathway_id: int) -> str | WerkzeugResponse:
    pathway = allowed_or_404(queries.find_pathway(pathway_id), permissions.can_edit_pathway)
    form = RequirementForm()
    form.activity.choices = [("", "None")] + [
        (str(a.id), a.title) for a in catalogue_queries.list_active_activities()
    ]
    form.framework_item.choices = _item_choices()
    if request.method == "GET":
        form.applies_from.data = clock.today()
    if form.validate_on_submit() and save(
        form,
        lambda: services.add_requirement(
            pathway=pathway,
            stage=Stage(form.stage.data),
            activity=catalogue_queries.find_activity(int(form.activity.data))
            if form.activity.data
            else None,
            framework_item=framework_queries.find_item(int(form.framework_item.data))
            if form.framework_item.data
            else None,
            is_mandatory=form.is_mandatory.data == "yes",
            due_within_days=form.due_within_days.data,
            renewal_months=form.renewal_months.data,
            applies_from=form.applies_from.data,
            grace_days=form.grace_days.data,
            actor=current_actor(),
            now=clock.now(),
        ),
    ):
        flash("Requirement added", "success")
        return redirect(url_for("learning.view_pathway", pathway_id=pathway.id))
    return render_template("learning/add_requirement.html", form=form, pathway=pathway)


@bp.route("/requirements/<int:requirement_id>/remove", methods=["GET", "POST"])
@manages_record
def remove_requirement(requirement_id: int) -> str | WerkzeugResponse:
    requirement = allowed_or_404(
        queries.find_requirement(requirement_id), permissions.can_edit_requirement
    )
    form = ConfirmForm()
    pathway_id = requirement.pathway_id
    if form.validate_on_submit() and save(
        form,
        lambda: services.remove_requirement(
            requirement=requirement, actor=current_actor(), now=clock.now()
        ),
    ):
        flash("Requirement removed", "success")
        return redirect(url_for("learning.view_pathway", pathway_id=pathway_id))
    return render_template("learning/remove_requirement.html", form=form, requirement=requirement)


@bp.route("/pathways/<int:pathway_id>/assign", methods=["GET", "POST"])
@manages_record
def assign_pathway(pathway_id: int) -> str | WerkzeugResponse:
    pathway = allowed_or_404(queries.find_pathway(pathway_id), permissions.can_edit_pathway)
    form = AssignForm()
    if form.validate_on_submit():
        staff = org_queries.find_staff_by_employee_number(form.employee_number.data)
        if staff is None:
            apply_errors(
                form, {"employee_number": "There is no member of staff with this employee number"}
            )
        elif save(
            form,
            lambda: services.assign_pathway(
                pathway=pathway,
                staff=staff,
                actor=current_actor(),
                now=clock.now(),
                today=clock.today(),
            ),
        ):
            flash(f"{pathway.name} given to {staff.full_name}", "success")
            return redirect(url_for("learning.view_pathway", pathway_id=pathway.id))
    return render_template("learning/assign_pathway.html", form=form, pathway=pathway)


@bp.route("/assignments/<int:assignment_id>/remove", methods=["POST"])
@manages_record
def remove_assignment(assignment_id: int) -> WerkzeugResponse:
    assignment = allowed_or_404(
        queries.find_assignment_by_id(assignment_id), permissions.can_edit_assignment
    )
    pathway_id = assignment.pathway_id
    if save(
        None,
        lambda: services.unassign_pathway(
            assignment=assignment, actor=current_actor(), now=clock.now()
        ),
    ):
        flash("Pathway taken away", "success")
    return redirect(url_for("learning.view_pathway", pathway_id=pathway_id))


# Expected framework levels per job role -----------------------------------------------------
@bp.route("/expected-levels", methods=["GET", "POST"])
@manages
def expected_levels() -> str | WerkzeugResponse:
    frameworks = queries.frameworks_with_levels(today=clock.today())
    roles = org_queries.list_job_role_choices()
    form = ExpectedLevelsForm()
    if form.validate_on_submit():
        choices = {
            (role.id, framework.id): _int_or_none(
                request.form.get(f"level-{role.id}-{framework.id}")
            )
            for role in roles
            for framework, _ in frameworks
        }
        allowed = {
            framework.id: {level.id for level in version.levels}
            for framework, version in frameworks
        }
        saved = save(
            form,
            lambda: services.set_expected_levels(
                choices=choices, allowed=allowed, actor=current_actor(), now=clock.now()
            ),
        )
        if saved:
            flash(f"Expected levels saved ({saved.value} changed)", "success")
            return redirect(url_for("learning.expected_levels"))
    return render_template(
        "learning/expected_levels.html",
        form=form,
        frameworks=frameworks,
        roles=roles,
        current=queries.expected_levels(),
    )


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
