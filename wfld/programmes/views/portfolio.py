"""Pages: the portfolio — evidence by kind, adding (kind first, then its fields), viewing,
changing and removing a piece, a critical reflection into the CPD log, and the coverage map.

Who: everyone who may see the enrolment reads it (the person, their assessor, supervisor and
line manager, the WFLD team); the person adds every kind and their assessor adds direct
observations (``permissions.evidence_kinds_for``); others' records answer 404.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from wfld.core import clock
from wfld.core.auth import allowed_or_404, current_actor, signed_in
from wfld.core.forms import add_rule_errors
from wfld.core.saving import save
from wfld.programmes import coverage, permissions, portfolio, queries
from wfld.programmes.forms.portfolio import (
    LABELS,
    ChooseKindForm,
    EvidenceForm,
    EvidenceToCpdForm,
    RemoveEvidenceForm,
    evidence_form,
    initial_values,
)
from wfld.programmes.models import Enrolment, Evidence
from wfld.programmes.rules import EvidenceKind
from wfld.programmes.views import bp


def _enrolment(enrolment_id: int, allowed) -> Enrolment:  # noqa: ANN001 - a predicate
    return allowed_or_404(queries.find_enrolment(enrolment_id), allowed)


@bp.route("/enrolments/<int:enrolment_id>/evidence")
@signed_in
def list_evidence(enrolment_id: int) -> str:
    enrolment = _enrolment(enrolment_id, permissions.can_view_enrolment)
    pieces = portfolio.list_evidence_of(enrolment)
    return render_template(
        "programmes/list_evidence.html",
        enrolment=enrolment,
        kinds=portfolio.by_kind(enrolment, pieces),
        point_labels=portfolio.point_labels(enrolment),
        can_add=bool(permissions.evidence_kinds_for(current_actor(), enrolment)),
    )


@bp.route("/enrolments/<int:enrolment_id>/evidence/new", methods=["GET", "POST"])
@signed_in
def new_evidence(enrolment_id: int) -> str | WerkzeugResponse:
    """The kind first (one thing per page), then that kind's fields."""
    enrolment = _enrolment(enrolment_id, permissions.can_add_evidence)
    kinds = permissions.evidence_kinds_for(current_actor(), enrolment)
    if "kind" not in request.args:
        return _choose_kind(enrolment, kinds)
    kind = _kind_or_404(request.args["kind"], kinds)
    groups = portfolio.item_groups(enrolment)
    form = evidence_form(kind, groups)
    form.prepare(kind, portfolio.review_points(enrolment))
    if not form.validate_on_submit():
        _all_problems(form, enrolment, kind)
    elif saved := save(
        form,
        lambda: portfolio.add_evidence(
            enrolment=enrolment,
            kind=kind,
            text=form.text,
            item_ids=form.item_ids,
            scores=form.scores,
            review_key=form.chosen_point,
            actor=current_actor(),
            now=clock.now(),
            today=clock.today(),
        ),
    ):
        flash(f"{kind.label} added to the portfolio", "success")
        return redirect(url_for("programmes.view_evidence", piece_id=saved.value.id))
    return _render_form("programmes/new_evidence.html", form, enrolment, kind, groups)


def _all_problems(form: EvidenceForm, enrolment: Enrolment, kind: EvidenceKind) -> None:
    """A submitted form that failed its own checks (a date that is not one, say) shows the
    rules' problems too, so everything is put right in one go."""
    if not form.is_submitted():
        return
    errors = portfolio.evidence_errors(
        enrolment=enrolment,
        kind=kind,
        text=form.text,
        item_ids=form.item_ids,
        scores=form.scores,
        review_key=form.chosen_point,
        today=clock.today(),
    )
    add_rule_errors(form, {name: text for name, text in errors.items() if name in form})


def _choose_kind(enrolment: Enrolment, kinds: frozenset[EvidenceKind]) -> str | WerkzeugResponse:
    """Nothing to choose for the assessor, who adds observations only: straight to the form."""
    if len(kinds) == 1:
        (only,) = kinds
        return redirect(url_for("programmes.new_evidence", enrolment_id=enrolment.id, kind=only))
    form = ChooseKindForm()
    form.offer(kinds)
    if form.validate_on_submit():
        return redirect(
            url_for("programmes.new_evidence", enrolment_id=enrolment.id, kind=form.kind.data)
        )
    return render_template("programmes/choose_evidence_kind.html", form=form, enrolment=enrolment)


def _kind_or_404(value: str, kinds: frozenset[EvidenceKind]) -> EvidenceKind:
    if value not in {kind.value for kind in kinds}:
        abort(404)
    return EvidenceKind(value)


def _render_form(
    template: str,
    form: EvidenceForm,
    enrolment: Enrolment,
    kind: EvidenceKind,
    groups: list[portfolio.ItemGroup],
    **context: object,
) -> str:
    return render_template(
        template,
        form=form,
        enrolment=enrolment,
        kind=kind,
        groups=groups,
        shown=LABELS[kind],
        uses=portfolio.KIND_FIELDS[kind],
        confidential=kind in portfolio.FEEDBACK_KINDS,
        selected=set(form.items.data or []),
        **context,
    )


@bp.route("/evidence/<int:piece_id>")
@signed_in
def view_evidence(piece_id: int) -> str:
    piece = allowed_or_404(portfolio.find_evidence(piece_id), permissions.can_view_evidence)
    return render_template(
        "programmes/view_evidence.html",
        piece=piece,
        enrolment=piece.enrolment,
        shown=LABELS[piece.kind],
        uses=portfolio.KIND_FIELDS[piece.kind],
        point_label=portfolio.point_labels(piece.enrolment).get(piece.review_key, ""),
        locked=portfolio.locked_message(piece.enrolment, piece.review_key),
        can_change=permissions.can_change_evidence(current_actor(), piece),
        can_copy=permissions.can_copy_evidence_to_cpd(current_actor(), piece),
        remove_form=RemoveEvidenceForm(version=str(piece.version_id)),
        cpd_form=EvidenceToCpdForm(),
    )


@bp.route("/evidence/<int:piece_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_evidence(piece_id: int) -> str | WerkzeugResponse:
    piece = allowed_or_404(portfolio.find_evidence(piece_id), permissions.can_change_evidence)
    enrolment = piece.enrolment
    groups = portfolio.item_groups(enrolment)
    initial = (
        initial_values(piece, automatic=portfolio.automatic_point(enrolment, piece.occurred_on))
        if request.method == "GET"
        else {}
    )
    form = evidence_form(piece.kind, groups, data=initial or None)
    form.prepare(piece.kind, portfolio.review_points(enrolment))
    if not form.validate_on_submit():
        _all_problems(form, enrolment, piece.kind)
    elif save(
        form,
        lambda: portfolio.update_evidence(
            piece=piece,
            text=form.text,
            item_ids=form.item_ids,
            scores=form.scores,
            review_key=form.chosen_point,
            expected_version=form.expected_version,
            actor=current_actor(),
            now=clock.now(),
            today=clock.today(),
        ),
        record=piece,
    ):
        flash("Evidence saved", "success")
        return redirect(url_for("programmes.view_evidence", piece_id=piece_id))
    return _render_form(
        "programmes/edit_evidence.html", form, enrolment, piece.kind, groups, piece=piece
    )


@bp.route("/evidence/<int:piece_id>/remove", methods=["POST"])
@signed_in
def remove_evidence(piece_id: int) -> WerkzeugResponse:
    piece: Evidence = allowed_or_404(
        portfolio.find_evidence(piece_id), permissions.can_change_evidence
    )
    enrolment_id = piece.enrolment_id
    form = RemoveEvidenceForm()
    if not form.validate_on_submit():
        abort(400)
    saved = save(
        form,
        lambda: portfolio.remove_evidence(
            piece=piece,
            expected_version=form.expected_version,
            actor=current_actor(),
            now=clock.now(),
        ),
        record=piece,
    )
    if not saved:
        flash(saved.message)  # the page this came from has no form to show it on
        return redirect(url_for("programmes.view_evidence", piece_id=piece_id))
    flash("Evidence removed from the portfolio", "success")
    return redirect(url_for("programmes.list_evidence", enrolment_id=enrolment_id))


@bp.route("/evidence/<int:piece_id>/cpd", methods=["POST"])
@signed_in
def evidence_to_cpd(piece_id: int) -> WerkzeugResponse:
    piece = allowed_or_404(portfolio.find_evidence(piece_id), permissions.can_copy_evidence_to_cpd)
    form = EvidenceToCpdForm()
    if not form.validate_on_submit():
        abort(400)
    saved = save(
        form,
        lambda: portfolio.copy_to_cpd(
            piece=piece, actor=current_actor(), now=clock.now(), today=clock.today()
        ),
    )
    if not saved:
        flash(saved.message)
        return redirect(url_for("programmes.view_evidence", piece_id=piece_id))
    flash("Your reflection is in your CPD log as a draft: add what it changed", "success")
    return redirect(url_for("cpd.edit_entry", entry_id=saved.value))


@bp.route("/enrolments/<int:enrolment_id>/coverage")
@signed_in
def coverage_map(enrolment_id: int) -> str:
    enrolment = _enrolment(enrolment_id, permissions.can_view_enrolment)
    return render_template(
        "programmes/coverage_map.html",
        enrolment=enrolment,
        coverage=coverage.coverage_of(enrolment),
    )
