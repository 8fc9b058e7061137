"""Pages: programme templates for the WFLD team — the list, one version in words, changing it
(a draft in place; a published version as the next version) and publishing or retiring it.

Who reaches what: ``can_manage_programmes``; the list answers 403 to others, a version's own
pages 404, so ids cannot be probed.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from wfld.core import clock
from wfld.core.auth import current_actor, page_requires
from wfld.core.saving import save
from wfld.programmes import permissions, queries, templating
from wfld.programmes.forms.templates import EditTemplateForm, TemplateStatusForm
from wfld.programmes.models import ProgrammeTemplate, TemplateStatus
from wfld.programmes.views import bp

manage = page_requires(permissions.can_manage_programmes)
manage_record = page_requires(permissions.can_manage_programmes, hide=True)


def _template_or_404(template_id: int) -> ProgrammeTemplate:
    template = templating.find_template_for_page(template_id)
    if template is None:
        abort(404)
    return template


@bp.route("/templates")
@manage
def list_templates() -> str:
    templates = templating.list_latest_templates()
    return render_template(
        "programmes/list_templates.html",
        templates=templates,
        TemplateStatus=TemplateStatus,
    )


@bp.route("/templates/<int:template_id>")
@manage_record
def view_template(template_id: int) -> str:
    template = _template_or_404(template_id)
    spec = template.spec
    return render_template(
        "programmes/view_template.html",
        template=template,
        spec=spec,
        minimums=templating.minimums_by_point(spec),
        versions=templating.list_versions(template.code),
        cohorts=templating.list_cohorts_using(template.id),
        newer_draft=templating.find_newer_draft(template),
        status_form=TemplateStatusForm(version=template.version_id),
        words=templating,
        TemplateStatus=TemplateStatus,
    )


@bp.route("/templates/<int:template_id>/edit", methods=["GET", "POST"])
@manage_record
def edit_template(template_id: int) -> str | WerkzeugResponse:
    template = _template_or_404(template_id)
    form = EditTemplateForm.for_template(template)
    form.offer(template, [(r.id, r.title) for r in templating.list_role_choices()])
    if form.validate_on_submit() and (
        saved := save(
            form,
            lambda: templating.save_template(
                template=template,
                edit=form.edit(),
                expected_version=form.expected_version,
                actor=current_actor(),
                now=clock.now(),
            ),
            record=template,
        )
    ):
        result = saved.value
        if not result.changed:
            flash("Nothing was changed, so nothing was saved", "success")
        elif result.new_version:
            flash(
                f"Saved as version {result.template.version}, a draft: publish it to offer it "
                "to new cohorts",
                "success",
            )
        else:
            flash("Draft saved", "success")
        return redirect(url_for("programmes.view_template", template_id=result.template.id))
    return render_template(
        "programmes/edit_template.html",
        template=template,
        form=form,
        newer_draft=templating.find_newer_draft(template),
        next_version=queries.latest_template(template.code).version + 1,
        TemplateStatus=TemplateStatus,
    )


@bp.route("/templates/<int:template_id>/<any(publish,retire):action>", methods=["POST"])
@manage_record
def publish_template(template_id: int, action: str) -> WerkzeugResponse:
    template = _template_or_404(template_id)
    form = TemplateStatusForm()
    if not form.validate_on_submit():
        abort(400)
    saved = save(
        form,
        lambda: templating.change_template_status(
            template=template,
            action=action,
            expected_version=form.expected_version,
            actor=current_actor(),
            now=clock.now(),
        ),
        record=template,
    )
    if saved:
        verb = "published" if action == "publish" else "retired"
        flash(f"Version {template.version} {verb}", "success")
    else:
        flash(saved.message, "error")
    return redirect(url_for("programmes.view_template", template_id=template.id))
