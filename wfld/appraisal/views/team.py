"""Pages: the manager's team page — each report's conversation this cycle, with its status and
their development plan's progress, and the way to the team's development plan."""

from __future__ import annotations

from flask import render_template

from wfld.appraisal import permissions, queries, rollup
from wfld.appraisal.forms.conversations import StartForm
from wfld.appraisal.views import bp
from wfld.core import clock
from wfld.core.auth import current_actor, page_requires
from wfld.organisation.permissions import staff_of


@bp.route("/team")
@page_requires(permissions.can_view_team_appraisals)
def team_appraisals() -> str:
    me = staff_of(current_actor())
    today = clock.today()
    cycle = queries.current_cycle(today)
    return render_template(
        "appraisal/team_appraisals.html",
        team=rollup.team_page(me.id, cycle, today=today) if cycle is not None else None,
        me=me,
        start_form=StartForm(came_from="team"),
        can_open=permissions.can_open_appraisal_for,
    )
