"""Pages: the coordinator's cohort dashboard and its CSV, and the ASYE funding claims.

Who: a cohort's dashboard is for the WFLD team and the cohort's coordinator
(``permissions.can_view_cohort``; anyone else gets 404). The figures of every programme are
for the WFLD team and senior managers. Funding claims are the WFLD team's (they claim the
grant from the Department for Education).
"""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from werkzeug.wrappers import Response

from wfld.core import clock
from wfld.core.auth import allowed_or_404, current_actor, page_requires, signed_in
from wfld.core.csvfile import csv_download
from wfld.programmes import dashboard, permissions, queries
from wfld.programmes import funding as claims
from wfld.programmes.funding import ClaimPeriod
from wfld.programmes.rules import EnrolmentStatus, Progress
from wfld.programmes.views import bp


@bp.route("/cohorts/<int:cohort_id>/dashboard")
@signed_in
def cohort_dashboard(cohort_id: int) -> str:
    user = current_actor()
    cohort = allowed_or_404(queries.find_cohort(cohort_id), permissions.can_view_cohort)
    filters = dashboard.Filters.from_args(request.args)
    board = dashboard.build_dashboard(cohort, filters=filters, today=clock.today())
    return render_template(
        "programmes/cohort_dashboard.html",
        board=board,
        # A coordinator outside the WFLD team sees the cohort, not every portfolio in it:
        # a member's name links to their overview only where the policy lets them open it.
        viewable={
            m.enrolment.id
            for m in board.members
            if permissions.can_view_enrolment(user, m.enrolment)
        },
        can_manage=permissions.can_manage_programmes(user),
        csv_href=url_for(
            "programmes.cohort_dashboard_csv", cohort_id=cohort.id, **filters.as_args()
        ),
        Progress=Progress,
        EnrolmentStatus=EnrolmentStatus,
    )


@bp.route("/cohorts/<int:cohort_id>/dashboard.csv")
@signed_in
def cohort_dashboard_csv(cohort_id: int) -> Response:
    """The members the dashboard shows with the same filters, one row each."""
    cohort = allowed_or_404(queries.find_cohort(cohort_id), permissions.can_view_cohort)
    board = dashboard.build_dashboard(
        cohort, filters=dashboard.Filters.from_args(request.args), today=clock.today()
    )
    return csv_download(
        dashboard.csv_header(board), dashboard.csv_rows(board), f"cohort-{cohort.id}.csv"
    )


@bp.route("/figures")
@page_requires(permissions.can_view_programme_figures)
def programme_figures() -> str:
    return render_template(
        "programmes/programme_figures.html",
        figures=dashboard.build_programme_figures(today=clock.today()),
    )


def _period() -> ClaimPeriod:
    """The claim period asked for (``?period=2026-27-q3``), this quarter by default."""
    asked = request.args.get("period")
    if asked is None:
        return ClaimPeriod.of(clock.today())
    period = ClaimPeriod.parse(asked)
    if period is None:
        abort(404)
    return period


@bp.route("/funding")
@page_requires(permissions.can_manage_programmes)
def funding() -> str:
    return render_template(
        "programmes/funding.html",
        page=claims.build_funding(_period()),
        grants=[(claims.financial_year_label(y), g) for y, g in claims.GRANTS.items()],
    )


@bp.route("/funding.csv")
@page_requires(permissions.can_manage_programmes)
def funding_csv() -> Response:
    period = _period()
    page = claims.build_funding(period)
    return csv_download(
        claims.CSV_HEADER, claims.csv_rows(page.claims), f"asye-funding-{period.key}.csv"
    )
