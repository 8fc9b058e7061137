"""Framework screens: browse for everyone; drafts, publishing, import and crosswalk for WFLD."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as WerkzeugResponse

from wfld.core import clock
from wfld.core.auth import allowed_or_404, current_actor, page_requires, signed_in
from wfld.core.csvfile import csv_download
from wfld.core.forms import apply_errors
from wfld.core.saving import save
from wfld.frameworks import permissions, queries, services
from wfld.frameworks.documents import (
    CSV_HEADER,
    DocumentError,
    FrameworkDoc,
    csv_rows,
    parse_text,
    to_json,
)
from wfld.frameworks.forms import (
    CrosswalkLinkForm,
    EditItemForm,
    ImportForm,
    ItemForm,
    NewFrameworkForm,
    NewVersionForm,
    PublishForm,
)
from wfld.frameworks.models import ItemKind

bp = Blueprint("frameworks", __name__, url_prefix="/frameworks")

manages = page_requires(permissions.can_manage_frameworks)
manages_record = page_requires(permissions.can_manage_frameworks, hide=True)
MAX_IMPORT_BYTES = 1024 * 1024


@bp.app_context_processor
def _policy_for_templates() -> dict:
    return {
        "can_manage_frameworks": permissions.can_manage_frameworks,
        "can_edit_version": permissions.can_edit_version,
    }


@bp.route("")
@signed_in
def list_frameworks() -> str:
    today = clock.today()
    rows = [
        (
            framework,
            queries.current_version(framework, today=today),
            queries.draft_version(framework),
        )
        for framework in queries.list_frameworks()
    ]
    return render_template("frameworks/list_frameworks.html", rows=rows)


@bp.route("/versions/<int:version_id>")
@signed_in
def view_version(version_id: int) -> str:
    version = allowed_or_404(queries.find_version(version_id), permissions.can_view_version)
    return render_template(
        "frameworks/view_version.html",
        version=version,
        nodes=queries.item_tree(version),
        versions=version.framework.versions,
        current=queries.current_version(version.framework, today=clock.today()),
        links=queries.links_for_version(version),
    )


@bp.route("/versions/<int:version_id>/export.<any(json, csv):fmt>")
@signed_in
def export_version(version_id: int, fmt: str) -> Response:
    version = allowed_or_404(queries.find_version(version_id), permissions.can_view_version)
    doc = services.document_for(version)
    filename = f"{version.framework.code.lower()}-v{version.number}.{fmt}"
    if fmt == "csv":
        return csv_download(CSV_HEADER, csv_rows(doc), filename)
    response = make_response(to_json(doc))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/new", methods=["GET", "POST"])
@manages
def new_framework() -> str | WerkzeugResponse:
    form = NewFrameworkForm()
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: services.create_local_framework(
                code=form.code.data,
                title=form.title.data,
                description=form.description.data,
                custodian="The council",
                actor=current_actor(),
                now=clock.now(),
            ),
        )
        if saved:
            flash("Framework created as a draft: add its items, then publish it", "success")
            return redirect(url_for("frameworks.view_version", version_id=saved.value.id))
    return render_template("frameworks/new_framework.html", form=form)


@bp.route("/<int:framework_id>/new-version", methods=["GET", "POST"])
@manages_record
def new_version(framework_id: int) -> str | WerkzeugResponse:
    framework = allowed_or_404(queries.find_framework(framework_id), permissions.can_edit_framework)
    form = NewVersionForm()
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: services.start_new_version(
                framework=framework, label=form.label.data, actor=current_actor(), now=clock.now()
            ),
        )
        if saved:
            flash("New draft version started: it is a copy of the latest version", "success")
            return redirect(url_for("frameworks.view_version", version_id=saved.value.id))
    return render_template("frameworks/new_version.html", form=form, framework=framework)


def _parent_choices(version, exclude_id: int | None = None) -> list[tuple[str, str]]:  # noqa: ANN001
    choices = [("", "Nothing – it is at the top level")]
    for node in queries.item_tree(version):
        if (
            node.item.kind is not ItemKind.SUB_STATEMENT
            and not node.item.is_retired
            and node.item.id != exclude_id
        ):
            choices.append((str(node.item.id), f"{node.item.code} {node.item.title}"))
    return choices


@bp.route("/versions/<int:version_id>/items/new", methods=["GET", "POST"])
@manages_record
def add_item(version_id: int) -> str | WerkzeugResponse:
    version = allowed_or_404(queries.find_version(version_id), permissions.can_edit_version)
    form = ItemForm()
    form.parent.choices = _parent_choices(version)
    if form.validate_on_submit():
        parent = (
            queries.find_item(int(form.parent.data)) if (form.parent.data or "").isdigit() else None
        )
        saved = save(
            form,
            lambda: services.add_item(
                version=version,
                parent=parent,
                kind=ItemKind(form.kind.data),
                code=form.code.data,
                title=form.title.data,
                description=form.description.data,
                actor=current_actor(),
                now=clock.now(),
            ),
        )
        if saved:
            flash(f"Item {form.code.data.strip()} added", "success")
            return redirect(url_for("frameworks.view_version", version_id=version.id))
    return render_template("frameworks/add_item.html", form=form, version=version)


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@manages_record
def edit_item(item_id: int) -> str | WerkzeugResponse:
    item = allowed_or_404(queries.find_item(item_id), permissions.can_edit_item)
    form = EditItemForm(code=item.code, title=item.title, description=item.description)
    if form.validate_on_submit() and save(
        form,
        lambda: services.update_item(
            item=item,
            code=form.code.data,
            title=form.title.data,
            description=form.description.data,
            actor=current_actor(),
            now=clock.now(),
        ),
    ):
        flash("Item saved", "success")
        return redirect(url_for("frameworks.view_version", version_id=item.version_id))
    return render_template("frameworks/edit_item.html", form=form, item=item)


@bp.route("/items/<int:item_id>/<any(up, down, retire, restore):action>", methods=["POST"])
@manages_record
def change_item(item_id: int, action: str) -> WerkzeugResponse:
    # The CSRF token is checked for every POST by CSRFProtect before the view runs.
    item = allowed_or_404(queries.find_item(item_id), permissions.can_edit_item)
    version_id = item.version_id
    if action in ("up", "down"):
        saved = save(
            None,
            lambda: services.move_item(
                item=item, direction=action, actor=current_actor(), now=clock.now()
            ),
        )
    else:
        saved = save(
            None,
            lambda: services.set_item_retired(
                item=item, retired=action == "retire", actor=current_actor(), now=clock.now()
            ),
        )
    if not saved:
        flash(saved.message, "info")
    return redirect(url_for("frameworks.view_version", version_id=version_id) + f"#item-{item_id}")


@bp.route("/versions/<int:version_id>/publish", methods=["GET", "POST"])
@manages_record
def publish(version_id: int) -> str | WerkzeugResponse:
    version = allowed_or_404(queries.find_version(version_id), permissions.can_edit_version)
    form = PublishForm()
    if form.validate_on_submit() and save(
        form,
        lambda: services.publish_version(
            version=version,
            effective_from=form.effective_from.data,
            label=form.label.data,
            actor=current_actor(),
            now=clock.now(),
        ),
    ):
        flash(f"{version.framework.title} version {version.label} published", "success")
        return redirect(url_for("frameworks.view_version", version_id=version.id))
    return render_template("frameworks/publish.html", form=form, version=version)


@bp.route("/import", methods=["GET", "POST"])
@manages
def import_file() -> str | WerkzeugResponse:
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            doc = _read_document(form.file.data)
        except DocumentError as problem:
            problems = problem.problems
            apply_errors(
                form, {"file": "The file could not be imported: see the problems listed below"}
            )
        else:
            saved = save(
                form,
                lambda: services.import_document(
                    doc, actor=current_actor(), now=clock.now(), local=True
                ),
            )
            if saved:
                result = saved.value
                if result.created:
                    flash(f"{doc.code} imported as version {result.version.number}", "success")
                else:
                    flash(
                        f"Nothing changed: this content is already version "
                        f"{result.version.number} of {doc.code}",
                        "info",
                    )
                return redirect(url_for("frameworks.view_version", version_id=result.version.id))
    return render_template("frameworks/import.html", form=form, problems=problems)


def _read_document(upload) -> FrameworkDoc:  # noqa: ANN001 - a werkzeug FileStorage
    """The uploaded file as a framework document (reading it writes nothing), or
    DocumentError with every problem found in it."""
    content = upload.read(MAX_IMPORT_BYTES + 1)
    if len(content) > MAX_IMPORT_BYTES:
        raise DocumentError(["The file must be 1MB or smaller"])
    if b"\x00" in content:
        raise DocumentError(["The file must be JSON, YAML or CSV text"])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError(["The file must be UTF-8 text (JSON, YAML or CSV)"]) from None
    return parse_text(text, filename=upload.filename or "")


@bp.route("/crosswalk", methods=["GET", "POST"])
@manages
def crosswalk() -> str | WerkzeugResponse:
    today = clock.today()
    frameworks = queries.list_frameworks()
    by_id = {f.id: f for f in frameworks}
    a = by_id.get(request.args.get("a", type=int) or 0) or next(
        (f for f in frameworks if f.code == "PCF"), None
    )
    b = by_id.get(request.args.get("b", type=int) or 0) or next(
        (f for f in frameworks if f.code == "KSS-CF-PRACTITIONER"), None
    )
    if a is None or b is None or a.id == b.id:
        return render_template(
            "frameworks/crosswalk.html", frameworks=frameworks, a=a, b=b, form=None, links=[]
        )
    version_a = queries.current_version(a, today=today) or a.versions[-1]
    version_b = queries.current_version(b, today=today) or b.versions[-1]
    form = CrosswalkLinkForm()
    form.item_a.label.text = f"{a.title} item"
    form.item_b.label.text = f"{b.title} item"
    form.item_a.choices = [
        (n.item.id, f"{n.item.code} {n.item.title}") for n in queries.item_tree(version_a)
    ]
    form.item_b.choices = [
        (n.item.id, f"{n.item.code} {n.item.title}") for n in queries.item_tree(version_b)
    ]
    if form.validate_on_submit() and save(
        form,
        lambda: services.link_items(
            item_a=queries.find_item(form.item_a.data),
            item_b=queries.find_item(form.item_b.data),
            actor=current_actor(),
            now=clock.now(),
        ),
    ):
        flash("Items linked", "success")
        return redirect(url_for("frameworks.crosswalk", a=a.id, b=b.id))
    return render_template(
        "frameworks/crosswalk.html",
        frameworks=frameworks,
        a=a,
        b=b,
        form=form,
        links=queries.list_crosswalk(a.id, b.id),
    )


@bp.route("/crosswalk/<int:link_id>/delete", methods=["POST"])
@manages_record
def delete_link(link_id: int) -> WerkzeugResponse:
    link = allowed_or_404(queries.find_link_by_id(link_id), permissions.can_edit_link)
    if save(None, lambda: services.unlink(link=link, actor=current_actor(), now=clock.now())):
        flash("Link removed", "success")
    return redirect(
        url_for("frameworks.crosswalk", a=request.args.get("a"), b=request.args.get("b"))
    )
