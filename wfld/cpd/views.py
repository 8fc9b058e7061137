"""My CPD, entries, sharing and comments, evidence, exports, and readiness for managers."""

from __future__ import annotations

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
from wfld.core import clock, files, jobs
from wfld.core.auth import allowed_or_404, current_actor, page_requires, signed_in
from wfld.core.csvfile import csv_download
from wfld.core.forms import add_rule_errors
from wfld.core.saving import save, save_apart
from wfld.core.text import clean_text
from wfld.cpd import jobs as cpd_jobs
from wfld.cpd import permissions, queries, readiness, record, rules, services
from wfld.cpd.forms import (
    CommentForm,
    ConfirmForm,
    EntryForm,
    EvidenceForm,
    RecordedForm,
    RemoveWordsForm,
    SettingsForm,
    ShareForm,
    terms_form,
)
from wfld.cpd.models import CpdEntry
from wfld.cpd.rules import ActivityType
from wfld.organisation.models import Regulator, StaffMember
from wfld.organisation.permissions import can_view_whole_service, staff_of
from wfld.organisation.scopes import Purpose, visible_scope

bp = Blueprint("cpd", __name__, url_prefix="/cpd")

own = page_requires(permissions.has_own_cpd)
PER_PAGE = 50


@bp.app_context_processor
def _for_templates() -> dict:
    return {"ActivityType": ActivityType}


def _me() -> StaffMember:
    return staff_of(current_actor())


# My CPD -------------------------------------------------------------------------------------
@bp.route("/me")
@own
def my_cpd() -> str:
    me = _me()
    now, today = clock.now(), clock.today()
    current_year = rules.registration_year_for(today)
    year_arg = request.args.get("year", str(current_year.number))
    year = rules.registration_year(int(year_arg)) if year_arg.isdigit() else None
    type_arg = request.args.get("type", "")
    activity_type = ActivityType(type_arg) if type_arg in set(ActivityType) else None
    item_arg = clean_text(request.args.get("item", ""))
    item = tuple(item_arg.split(":", 1)) if ":" in item_arg else None
    tag_groups = queries.tag_choices(today=today)
    hours = queries.hours_per_year(me.id)
    page_arg = request.args.get("page", "1")
    page = int(page_arg) if page_arg.isdigit() and int(page_arg) > 0 else 1
    rows, total = queries.list_entries(
        me.id, year=year, activity_type=activity_type, item_code=item, page=page, per_page=PER_PAGE
    )
    return render_template(
        "cpd/my_cpd.html",
        staff=me,
        readiness=queries.readiness_of(me, now=now),
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        filters={"year": year_arg, "type": type_arg, "item": item_arg},
        year_choices=record.period_choices(today=today, years=[h.year for h in hours])[1:],
        tag_groups=tag_groups,
        coverage=queries.coverage(me.id),
        hours=hours,
        year_label=year.label if year else None,
        periods=record.period_choices(today=today, years=[h.year for h in hours]),
        unlogged=catalogue_queries.completions_without(
            me.id, exclude=queries.completions_in_cpd(me.id), limit=5
        ),
    )


@bp.route("/me/settings", methods=["GET", "POST"])
@own
def settings() -> str | WerkzeugResponse:
    me = _me()
    profile = queries.find_profile(me.id)
    form = SettingsForm(
        share_all="yes" if profile and profile.share_all else "no",
        registered_on=profile.registered_on if profile else None,
        revalidation_due_on=profile.revalidation_due_on if profile else None,
        nmc_dual_registrant="yes" if profile and profile.nmc_dual_registrant else "no",
        nmc_discussion_on=profile.nmc_discussion_on if profile else None,
        hcpc_profession=(profile.hcpc_profession or "") if profile else "",
        version=profile.version_id if profile else "",
    )
    professions = queries.terms_on(clock.today()).hcpc.professions
    form.hcpc_profession.choices = [("", "Select your profession")] + [
        (p.code, p.name) for p in professions
    ]
    if form.validate_on_submit() and save(
        form,
        lambda: services.update_profile(
            staff=me,
            share_all=form.share_all.data == "yes",
            registered_on=form.registered_on.data,
            revalidation_due_on=form.revalidation_due_on.data,
            nmc_dual_registrant=form.nmc_dual_registrant.data == "yes",
            nmc_discussion_on=form.nmc_discussion_on.data,
            hcpc_profession=form.hcpc_profession.data or None,
            expected_version=_int(form.version.data),
            actor=current_actor(),
            now=clock.now(),
            today=clock.today(),
        ),
        record=profile,
    ):
        flash("Your CPD settings have been saved", "success")
        return redirect(url_for("cpd.my_cpd"))
    return render_template("cpd/settings.html", form=form, staff=me)


# Entries ------------------------------------------------------------------------------------
def _entry_form(entry: CpdEntry | None = None, **prefill: object) -> EntryForm:
    if entry is None:
        form = EntryForm(**prefill)
    else:
        tags = queries.tags_as_offered(entry.tags, queries.tag_choices(today=clock.today()))
        form = EntryForm(
            obj=entry,
            activity_type=entry.activity_type.value if entry.activity_type else None,
            tags=tags,
            share=entry.shared,
            version=entry.version_id,
        )
        # WTForms takes a field's data from ``obj`` before keywords, and obj.tags are items.
        form.tags.data = tags
    return form


def _save(form: EntryForm, *, entry: CpdEntry | None, source_completion_id: int | None = None):
    """Save the entry from the form; returns the entry, or the findings to confirm, or None."""
    today = clock.today()
    groups = queries.tag_choices(today=today)
    allowed = {item.id for group in groups for item in group.items}
    text = _entry_text(form)
    try:
        saved = save(
            form,
            lambda: services.save_entry(
                staff=_me(),
                entry=entry,
                text=text,
                complete=bool(form.save_complete.data),
                tag_ids=set(form.tags.data or []),
                allowed_tag_ids=allowed,
                share=bool(form.share.data),
                confirmed_digest=form.shown_digest.data if form.confirm_checked.data else None,
                source_completion_id=source_completion_id,
                expected_version=_int(form.version.data),
                actor=current_actor(),
                now=clock.now(),
                today=today,
            ),
            record=entry,
        )
    except services.NeedsConfidentialityCheck as check:
        # Not a broken rule but a question (save's rollback has left nothing written).
        form.shown_digest.data = check.digest
        form.confirm_checked.data = False
        form.confirm_checked.errors = [
            "Check the text we have highlighted for details that could identify a child, "
            "family or case, then confirm you have checked it"
        ]
        return check.findings
    return saved.value if saved else None


def _entry_text(form: EntryForm) -> services.EntryText:
    kinds = {t.value: t for t in ActivityType}
    return services.EntryText(
        title=form.title.data or "",
        started_on=form.started_on.data,
        ended_on=form.ended_on.data,
        activity_type=kinds.get(form.activity_type.data or ""),
        hours=form.hours.data,
        description=form.description.data or "",
        learning=form.learning.data or "",
        impact=form.impact.data or "",
        peer_reflection=form.peer_reflection.data,
        peer_role=form.peer_role.data,
    )


def _entry_rule_errors(form: EntryForm, *, entry: CpdEntry | None) -> None:
    """The entry's rules (what a complete entry needs, dates in order), checked on what the
    form could read while its own checks failed, so all of its errors show at once."""
    complete = bool(form.save_complete.data) or (entry is not None and entry.is_complete)
    errors = services.entry_errors(_entry_text(form), complete=complete, today=clock.today())
    add_rule_errors(form, errors)


def _render_entry_form(template: str, form: EntryForm, **context: object) -> str:
    return render_template(
        template,
        form=form,
        tag_groups=queries.tag_choices(today=clock.today()),
        selected_tags=set(form.tags.data or []),
        **context,
    )


@bp.route("/entries/new", methods=["GET", "POST"])
@own
def new_entry() -> str | WerkzeugResponse:
    completion = None
    completion_arg = request.args.get("completion", "")
    if completion_arg.isdigit():
        completion = catalogue_queries.find_completion(int(completion_arg))
        if completion is None or completion.staff_id != _me().id:
            abort(404)
    form = _entry_form(**_prefill_from(completion)) if request.method == "GET" else EntryForm()
    findings = None
    if form.validate_on_submit():
        result = _save(form, entry=None, source_completion_id=completion.id if completion else None)
        if isinstance(result, CpdEntry):
            flash(_saved_message(result), "success")
            return redirect(url_for("cpd.view_entry", entry_id=result.id))
        findings = result
    elif form.is_submitted():
        _entry_rule_errors(form, entry=None)
    return _render_entry_form("cpd/new_entry.html", form, findings=findings, completion=completion)


def _prefill_from(completion) -> dict:  # noqa: ANN001 - a learning Completion or None
    """A completed course becomes the start of an entry: the person writes the reflection."""
    if completion is None:
        return {}
    activity = completion.activity
    online = activity.delivery_mode.value in ("e_learning", "webinar")
    kind = ActivityType.E_LEARNING if online else ActivityType.COURSE
    return {
        "title": activity.title,
        "started_on": completion.completed_on,
        "activity_type": kind.value,
        "hours": activity.duration_hours,
        "description": activity.description or "",
        "tags": [item.id for item in activity.framework_items],
    }


def _saved_message(entry: CpdEntry) -> str:
    return "CPD entry saved" + (" as complete" if entry.is_complete else " as a draft")


@bp.route("/entries/<int:entry_id>")
@signed_in
def view_entry(entry_id: int) -> str:
    entry = allowed_or_404(queries.find_entry(entry_id), permissions.can_view_entry)
    reader_id = _me().id
    page = _render_entry(entry)
    _record_read(entry_id, reader_id)
    return page


def _record_read(entry_id: int, reader_id: int) -> None:
    """Opening the page reads the entry and its comments: they stop being new to the reader.
    The page was read in a deferred transaction; the write gets a transaction of its own, so
    SQLite takes its write lock from the start (see core.db)."""
    save_apart(
        lambda: services.record_read(entry_id=entry_id, reader_id=reader_id, now=clock.now())
    )


def _render_entry(entry: CpdEntry, **forms: object) -> str:
    own_entry = permissions.can_edit_entry(current_actor(), entry)
    today = clock.today()
    return render_template(
        "cpd/view_entry.html",
        entry=entry,
        own=own_entry,
        shared=queries.is_shared(entry),
        comment_form=forms.get("comment_form") or CommentForm(),
        evidence_form=forms.get("evidence_form") or EvidenceForm(),
        share_form=ShareForm(),
        form=forms.get("comment_form") or forms.get("evidence_form"),
        current_year=rules.registration_year_for(today),
        quota_mb=current_app.config["CPD_EVIDENCE_QUOTA_BYTES"] // (1024 * 1024),
    )


@bp.route("/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_entry(entry_id: int) -> str | WerkzeugResponse:
    entry = allowed_or_404(queries.find_entry(entry_id), permissions.can_edit_entry)
    form = _entry_form(entry) if request.method == "GET" else EntryForm()
    findings = None
    if form.validate_on_submit():
        result = _save(form, entry=entry)
        if isinstance(result, CpdEntry):
            flash(_saved_message(result), "success")
            # Flagged words just taken out of a complete entry: offer to take them out of its
            # earlier versions too.
            if result.is_complete and queries.list_words_just_removed(result):
                return redirect(url_for("cpd.remove_version_words", entry_id=result.id))
            return redirect(url_for("cpd.view_entry", entry_id=result.id))
        findings = result
    elif form.is_submitted():
        _entry_rule_errors(form, entry=entry)
    return _render_entry_form("cpd/edit_entry.html", form, entry=entry, findings=findings)


@bp.route("/entries/<int:entry_id>/versions")
@signed_in
def entry_versions(entry_id: int) -> str:
    entry = allowed_or_404(queries.find_entry(entry_id), permissions.can_view_entry)
    own_entry = permissions.can_edit_entry(current_actor(), entry)
    return render_template(
        "cpd/entry_versions.html",
        entry=entry,
        words_to_remove=queries.list_words_to_remove(entry) if own_entry else [],
    )


@bp.route("/entries/<int:entry_id>/versions/remove-words", methods=["GET", "POST"])
@signed_in
def remove_version_words(entry_id: int) -> str | WerkzeugResponse:
    """The author removes identifying words from the entry's earlier versions."""
    entry = allowed_or_404(queries.find_entry(entry_id), permissions.can_edit_entry)
    words = queries.list_words_to_remove(entry)
    form = RemoveWordsForm()
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: services.remove_from_versions(
                entry=entry,
                shown_digest=form.shown_digest.data or "",
                actor=current_actor(),
                now=clock.now(),
                today=clock.today(),
            ),
        )
        if saved:
            changed = len(saved.value)
            flash(f"Removed from {changed} earlier version{'' if changed == 1 else 's'}", "success")
            return redirect(url_for("cpd.entry_versions", entry_id=entry.id))
        words = queries.list_words_to_remove(entry)
    form.shown_digest.data = services.words_digest(words)
    return render_template(
        "cpd/remove_version_words.html",
        form=form,
        entry=entry,
        words=words,
        still_in_entry=[f for f in queries.list_flagged_in_versions(entry) if f.still_in_entry],
        today=clock.today(),
    )


@bp.route("/entries/<int:entry_id>/delete", methods=["GET", "POST"])
@signed_in
def delete_entry(entry_id: int) -> str | WerkzeugResponse:
    entry = allowed_or_404(queries.find_entry(entry_id), permissions.can_edit_entry)
    if entry.is_complete:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit() and save(
        form, lambda: services.delete_draft(entry=entry, actor=current_actor(), now=clock.now())
    ):
        flash("Draft deleted", "success")
        return redirect(url_for("cpd.my_cpd"))
    return render_template("cpd/delete_entry.html", form=form, entry=entry)


@bp.route("/entries/<int:entry_id>/share", methods=["POST"])
@signed_in
def share_entry(entry_id: int) -> WerkzeugResponse:
    entry = allowed_or_404(queries.find_entry(entry_id), permissions.can_edit_entry)
    form = ShareForm()
    share = request.form.get("shared") == "yes"
    if form.validate_on_submit() and save(
        form,
        lambda: services.set_shared(
            entry=entry, shared=share, actor=current_actor(), now=clock.now()
        ),
    ):
        flash(
            "Shared with your line manager" if share else "No longer shared with your line manager",
            "success",
        )
    return redirect(url_for("cpd.view_entry", entry_id=entry_id))


@bp.route("/entries/<int:entry_id>/comments", methods=["POST"])
@signed_in
def add_comment(entry_id: int) -> str | WerkzeugResponse:
    entry = allowed_or_404(queries.find_entry(entry_id), permissions.can_comment_on_entry)
    form = CommentForm()
    if form.validate_on_submit() and save(
        form,
        lambda: services.add_comment(
            entry=entry,
            author=_me(),
            body=form.body.data,
            actor=current_actor(),
            now=clock.now(),
        ),
    ):
        flash("Comment added", "success")
        return redirect(url_for("cpd.view_entry", entry_id=entry_id, _anchor="comments"))
    return _render_entry(entry, comment_form=form)


@bp.route("/entries/<int:entry_id>/recorded", methods=["POST"])
@signed_in
def mark_recorded(entry_id: int) -> WerkzeugResponse:
    entry = allowed_or_404(queries.find_entry(entry_id), permissions.can_edit_entry)
    form = RecordedForm()
    if form.validate_on_submit():
        year = rules.registration_year(form.year.data) if form.year.data else None
        saved = save(
            form,
            lambda: services.mark_recorded(
                entry=entry, year=year, actor=current_actor(), now=clock.now()
            ),
        )
        if not saved:
            flash(saved.message)  # the page this came from has no form to show it on
        else:
            flash(
                f"Recorded as used for your {year.number} renewal"
                if year
                else "No longer recorded as used for a renewal",
                "success",
            )
    return redirect(
        request.form.get("next_page") == "swe"
        and url_for("cpd.copy_for_swe")
        or url_for("cpd.view_entry", entry_id=entry_id)
    )


# Evidence -----------------------------------------------------------------------------------
@bp.route("/entries/<int:entry_id>/evidence", methods=["POST"])
@signed_in
def upload_evidence(entry_id: int) -> str | WerkzeugResponse:
    entry = allowed_or_404(queries.find_entry(entry_id), permissions.can_edit_entry)
    form = EvidenceForm()
    if form.validate_on_submit():
        upload = form.file.data
        if save(
            form,
            lambda: services.add_evidence(
                entry=entry,
                stream=upload.stream,
                filename=upload.filename or "",
                quota_bytes=current_app.config["CPD_EVIDENCE_QUOTA_BYTES"],
                actor=current_actor(),
                now=clock.now(),
            ),
        ):
            flash("File uploaded", "success")
            return redirect(url_for("cpd.view_entry", entry_id=entry_id, _anchor="evidence"))
    return _render_entry(entry, evidence_form=form)


@bp.route("/evidence/<int:evidence_id>")
@signed_in
def download_evidence(evidence_id: int) -> Response:
    evidence = allowed_or_404(queries.find_evidence(evidence_id), permissions.can_view_evidence)
    return files.download(
        evidence.storage_key,
        download_name=evidence.original_name,
        content_type=evidence.content_type,
    )


@bp.route("/evidence/<int:evidence_id>/remove", methods=["GET", "POST"])
@signed_in
def remove_evidence(evidence_id: int) -> str | WerkzeugResponse:
    evidence = allowed_or_404(queries.find_evidence(evidence_id), permissions.can_edit_evidence)
    form = ConfirmForm()
    entry_id = evidence.entry_id
    if form.validate_on_submit() and save(
        form,
        lambda: services.remove_evidence(evidence=evidence, actor=current_actor(), now=clock.now()),
    ):
        flash("File removed", "success")
        return redirect(url_for("cpd.view_entry", entry_id=entry_id, _anchor="evidence"))
    return render_template("cpd/remove_evidence.html", form=form, evidence=evidence)


# For the regulator and exports -------------------------------------------------------------------
@bp.route("/me/social-work-england")
@own
def copy_for_swe() -> str:
    me = _me()
    now = clock.now()
    result = queries.readiness_of(me, now=now)
    year = rules.registration_year_at(now)
    counted = result.counted_ids if result and result.regulator is Regulator.SWE else frozenset()
    return render_template(
        "cpd/copy_for_swe.html",
        staff=me,
        readiness=result,
        year=year,
        pieces=queries.list_pieces_for_year(me.id, counted),
        recorded_form=RecordedForm(),
    )


def _period() -> record.Period:
    period = record.period_for(request.values.get("period"), today=clock.today())
    if period is None:
        abort(404)
    return period


@bp.route("/me/record-pdf", methods=["POST"])
@own
def request_record_pdf() -> WerkzeugResponse:
    """The PDF is made in the background (see cpd/jobs.py): the person follows it on "Your
    downloads". A queue that cannot take it answers "try again later" (main/downloads.py)."""
    period, today = _period(), clock.today()
    jobs.submit(
        cpd_jobs.make_record_pdf,
        _me().id,
        period.key,
        today.isoformat(),
        actor=current_actor(),
        title=cpd_jobs.record_pdf_title(period),
        ask_again_path=url_for("cpd.my_cpd", _anchor="download-record"),
    )
    return redirect(url_for("downloads.list_downloads"))


# POST too: the CSV button shares the PDF's form, which posts (with its CSRF token).
@bp.route("/me/record.csv", methods=["GET", "POST"])
@own
def record_csv() -> Response:
    built = record.build_record(_me(), _period(), today=clock.today())
    return csv_download(
        record.CSV_HEADER, record.csv_rows(built), f"cpd-record-{built.period.key}.csv"
    )


# For line managers and the service ---------------------------------------------------------------
@bp.route("/shared")
@own
def shared_with_me() -> str:
    return render_template(
        "cpd/shared_with_me.html",
        entries=queries.list_shared_with(_me().id, today=clock.today()),
    )


@bp.route("/readiness")
@page_requires(permissions.can_view_readiness)
def team_readiness() -> str:
    user, today = current_actor(), clock.today()
    whole = can_view_whole_service(user)
    # Service-wide roles see everyone in post; a line manager, the people below them.
    scope = visible_scope(user, today, Purpose.SERVICE if whole else Purpose.TEAM)
    teams = queries.staff_in_scope_by_team(scope)
    team_arg = request.args.get("team", "")
    if team_arg.isdigit():
        scope = scope.within_team(int(team_arg))
    summary = readiness.summarise(scope, now=clock.now())
    return render_template(
        "cpd/team_readiness.html",
        summary=summary,
        whole=whole,
        teams=teams,
        team=team_arg,
        show=request.args.get("show", "not-ready"),
    )


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


# Regulators' terms (WFLD admin) -------------------------------------------------------------------
manage_terms = page_requires(permissions.can_manage_regulator_terms)


@bp.route("/admin/regulator-terms")
@manage_terms
def list_regulator_terms() -> str:
    today = clock.today()
    versions = queries.list_terms_versions()
    in_force = {
        rules.version_in_force(versions, regulator, today) for regulator in rules.TERMS_TYPES
    }
    return render_template(
        "cpd/list_regulator_terms.html",
        versions=versions,
        in_force=in_force,
        regulators=[Regulator(r) for r in rules.TERMS_TYPES],
        number_fields={r: rules.number_fields(t) for r, t in rules.TERMS_TYPES.items()},
        today=today,
    )


@bp.route("/admin/regulator-terms/new", methods=["GET", "POST"])
@manage_terms
def new_regulator_terms() -> str | WerkzeugResponse:
    regulator = request.args.get("regulator", "")
    if regulator not in rules.TERMS_TYPES:
        abort(404)
    today = clock.today()
    current = rules.terms_in_force(
        [v.version() for v in queries.list_terms_versions()], regulator, today
    )
    terms_type = rules.TERMS_TYPES[regulator]
    form = terms_form(terms_type, data=rules.terms_document(current) if current else None)
    document = rules.terms_document(current) if current else {}
    document.update({f.name: form[f.name].data for f in rules.number_fields(terms_type)})
    if form.is_submitted() and not form.validate():
        # Show the terms' own rules with the form's errors, all at once.
        add_rule_errors(
            form,
            services.terms_version_errors(
                regulator=regulator,
                effective_from=form.effective_from.data,
                document=document,
                note=form.note.data,
                today=today,
            ),
        )
    elif form.is_submitted() and save(
        form,
        lambda: services.add_terms_version(
            regulator=regulator,
            effective_from=form.effective_from.data,
            document=document,
            note=form.note.data,
            actor=current_actor(),
            now=clock.now(),
            today=today,
        ),
    ):
        flash(f"New terms for {Regulator(regulator).label} saved", "success")
        return redirect(url_for("cpd.list_regulator_terms"))
    return render_template(
        "cpd/new_regulator_terms.html",
        form=form,
        regulator=Regulator(regulator),
        number_fields=rules.number_fields(terms_type),
        professions=current.professions if isinstance(current, rules.HcpcTerms) else (),
    )
