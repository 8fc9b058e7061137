"""Pages: signing a conversation's record (a check of the whole record first, with the
objective-to-priority warning), the countersignature, a new version of a signed record, the
record's history with each signed version as it was signed, and asking for the signed record
as a PDF (made in the background, appraisal/jobs.py).

Who reaches what: anyone who may see the conversation reaches its history and its signed PDF
(others get 404); signing is the person's and the appraiser's, the countersignature the
countersigner's, a new version the appraiser's (403 for the rest who may see it). A signature
that lost a race with another comes back on the page saying who won and when.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse

from wfld.appraisal import jobs as appraisal_jobs
from wfld.appraisal import permissions, queries, record, signing, signoff
from wfld.appraisal.forms.signing import (
    AppraiserSignForm,
    CountersignForm,
    NewVersionForm,
    PersonSignForm,
)
from wfld.appraisal.models import Appraisal
from wfld.appraisal.rules import EventKind
from wfld.appraisal.views import bp
from wfld.core import clock, jobs
from wfld.core.auth import allowed_or_404, current_actor, signed_in
from wfld.core.saving import save


def _appraisal_for(appraisal_id: int, allowed) -> Appraisal:  # noqa: ANN001 - a predicate
    """The conversation (404 for those who may not see it), and 403 for those who may see it
    but not take this step."""
    appraisal = allowed_or_404(queries.find_appraisal(appraisal_id), permissions.can_view_appraisal)
    if not allowed(current_actor(), appraisal):
        abort(403)
    return appraisal


def _version(appraisal: Appraisal) -> dict[str, str]:
    return {"version": str(appraisal.version_id)}


@bp.route("/conversations/<int:appraisal_id>/sign", methods=["GET", "POST"])
@signed_in
def sign_appraisal(appraisal_id: int) -> str | WerkzeugResponse:
    appraisal = _appraisal_for(appraisal_id, permissions.may_sign)
    signer = signoff.signer_for(current_actor(), appraisal)
    is_person = signer is signing.Signer.PERSON
    form = (PersonSignForm if is_person else AppraiserSignForm)(data=_version(appraisal))
    if form.validate_on_submit():
        had_plan = signoff.has_plan(appraisal)
        comments = form.comments.data if is_person else ""
        if save(
            form,
            lambda: signing.sign(
                appraisal=appraisal,
                signer=signer,
                comments=comments or "",
                expected_version=form.expected_version,
                actor=current_actor(),
                now=clock.now(),
            ),
            record=appraisal,
            explain_stale=lambda: signoff.lost_race_message(
                appraisal_id, signoff.SIGNED_EVENT[signer]
            ),
        ):
            flash(_signed_banner(appraisal, had_plan=had_plan), "success")
            return redirect(url_for("appraisal.view_appraisal", appraisal_id=appraisal_id))
    return render_template(
        "appraisal/sign_appraisal.html",
        view=signoff.sign_page(appraisal, current_actor()),
        form=form,
        appraisal=appraisal,
        change_links=permissions.can_record(current_actor(), appraisal),
    )


def _signed_banner(appraisal: Appraisal, *, had_plan: bool) -> str:
    """What the signer is told; once both have signed, with a link to the plan it made (the
    person's own page for them, the plan's page for those who may see it)."""
    message = signoff.signed_message(appraisal, had_plan=had_plan)
    page = signoff.sign_page(appraisal, current_actor())
    if page is None or page.plan is None or not appraisal.signatures.both:
        return message
    if page.is_person:
        href = url_for("appraisal.my_plan")
    elif page.plan_viewable:
        href = url_for("appraisal.view_plan", plan_id=page.plan.id)
    else:
        return message
    # Markup with every piece escaped: the banner shows the link (flash keeps Markup).
    return Markup('{}. <a class="govuk-notification-banner__link" href="{}">{}</a>').format(
        message, href, "View the development plan"
    )


@bp.route("/conversations/<int:appraisal_id>/countersign", methods=["GET", "POST"])
@signed_in
def countersign_appraisal(appraisal_id: int) -> str | WerkzeugResponse:
    appraisal = _appraisal_for(appraisal_id, permissions.can_countersign)
    form = CountersignForm(data=_version(appraisal))
    if form.validate_on_submit() and save(
        form,
        lambda: signing.countersign(
            appraisal=appraisal,
            expected_version=form.expected_version,
            actor=current_actor(),
            now=clock.now(),
        ),
        record=appraisal,
        explain_stale=lambda: signoff.lost_race_message(appraisal_id, EventKind.COUNTERSIGNED),
    ):
        flash("Record countersigned", "success")
        return redirect(url_for("appraisal.appraisal_history", appraisal_id=appraisal_id))
    return render_template(
        "appraisal/countersign_appraisal.html",
        appraisal=appraisal,
        record=record.record_for_pdf(appraisal) or record.current_record(appraisal),
        refusal=signoff.countersign_refusal(appraisal),
        form=form,
    )


@bp.route("/conversations/<int:appraisal_id>/new-version", methods=["GET", "POST"])
@signed_in
def new_version(appraisal_id: int) -> str | WerkzeugResponse:
    appraisal = _appraisal_for(appraisal_id, permissions.can_start_new_version)
    form = NewVersionForm(data=_version(appraisal))
    if form.validate_on_submit() and save(
        form,
        lambda: signing.start_new_version(
            appraisal=appraisal,
            reason=form.reason.data or "",
            expected_version=form.expected_version,
            actor=current_actor(),
            now=clock.now(),
        ),
        record=appraisal,
        explain_stale=lambda: signoff.lost_race_message(appraisal_id, EventKind.NEW_VERSION),
    ):
        flash(
            f"Version {appraisal.record_version} started: change the record, then you both "
            "sign it again",
            "success",
        )
        return redirect(url_for("appraisal.view_appraisal", appraisal_id=appraisal_id))
    return render_template("appraisal/new_version.html", appraisal=appraisal, form=form)


@bp.route("/conversations/<int:appraisal_id>/history")
@signed_in
def appraisal_history(appraisal_id: int) -> str:
    appraisal = allowed_or_404(queries.find_appraisal(appraisal_id), permissions.can_view_appraisal)
    actor = current_actor()
    return render_template(
        "appraisal/appraisal_history.html",
        appraisal=appraisal,
        history=signoff.history_of(appraisal),
        may_sign=signoff.signer_for(actor, appraisal) is not None,
        may_countersign=permissions.can_countersign(actor, appraisal),
        may_start_new_version=permissions.can_start_new_version(actor, appraisal),
    )


@bp.route("/conversations/<int:appraisal_id>/record.pdf", methods=["POST"])
@signed_in
def appraisal_pdf(appraisal_id: int) -> WerkzeugResponse:
    """The signed record as it was signed (the latest signature's snapshot), made in the
    background (appraisal/jobs.py): the person is sent to "Your downloads". 404 until both
    have signed a version."""
    appraisal = allowed_or_404(queries.find_appraisal(appraisal_id), permissions.can_view_appraisal)
    if record.record_for_pdf(appraisal) is None:
        abort(404)
    jobs.submit(
        appraisal_jobs.make_record_pdf,
        appraisal.id,
        clock.today().isoformat(),
        actor=current_actor(),
        title=appraisal_jobs.record_pdf_title(appraisal.staff.full_name, appraisal.cycle.name),
        ask_again_path=url_for("appraisal.view_appraisal", appraisal_id=appraisal.id),
    )
    return redirect(url_for("downloads.list_downloads"))
