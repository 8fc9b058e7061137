"""Pages: the WFLD view of a cycle's conversations across the service — completion by team and
the commonest development needs — and the team table as CSV.

Who: the WFLD team and senior managers (``permissions.can_view_completion``; anyone else
403). Figures only: nobody's conversation is shown here. ``?cycle=`` picks another cycle
(default: the one covering today, else the latest); ``?area=`` narrows to a service area.
An unknown cycle or service area is 404.
"""

from __future__ import annotations

from flask import abort, render_template, request
from werkzeug.wrappers import Response

from wfld.appraisal import completion as read_model
from wfld.appraisal import permissions, queries
from wfld.appraisal.models import AppraisalCycle
from wfld.appraisal.views import bp
from wfld.core import clock
from wfld.core.auth import current_actor, page_requires
from wfld.core.csvfile import csv_download
from wfld.organisation import queries as org_queries
from wfld.organisation.scopes import Purpose, visible_scope


def _chosen_cycle(cycles: list[AppraisalCycle]) -> AppraisalCycle | None:
    asked = request.args.get("cycle")
    if asked:
        chosen = queries.find_cycle(int(asked)) if asked.isdigit() else None
        if chosen is None:
            abort(404)
        return chosen
    return queries.current_cycle(clock.today()) or (cycles[0] if cycles else None)


def _chosen_area() -> int | None:
    asked = request.args.get("area")
    if not asked:
        return None
    if not asked.isdigit() or org_queries.find_service_area(int(asked)) is None:
        abort(404)
    return int(asked)


def _report(cycle: AppraisalCycle, area_id: int | None) -> read_model.Completion:
    today = clock.today()
    return read_model.build_completion(
        cycle,
        visible_scope(current_actor(), today, Purpose.SERVICE),
        today=today,
        service_area_id=area_id,
    )


@bp.route("/completion")
@page_requires(permissions.can_view_completion)
def completion() -> str:
    cycles = queries.list_cycles()
    cycle = _chosen_cycle(cycles)
    area_id = _chosen_area()
    return render_template(
        "appraisal/completion.html",
        report=_report(cycle, area_id) if cycle else None,
        cycles=cycles,
        areas=org_queries.list_service_areas(),
        area_id=area_id,
        statuses=read_model.STATUS_COLUMNS,
        can_manage_cycles=permissions.can_manage_cycles(current_actor()),
    )


@bp.route("/completion.csv")
@page_requires(permissions.can_view_completion)
def completion_csv() -> Response:
    """The team table of the page with the same choices, then its totals row."""
    cycle = _chosen_cycle(queries.list_cycles())
    if cycle is None:
        abort(404)
    report = _report(cycle, _chosen_area())
    return csv_download(
        read_model.CSV_HEADER, read_model.csv_rows(report), read_model.csv_filename(report)
    )
