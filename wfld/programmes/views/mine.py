"""Pages: My programme, one enrolment's overview, and To sign off.

Who: My programme is the signed-in person's own (anyone with a staff record: the page says
so when they are on no programme). An enrolment's overview is for the person, their
assessor, supervisor and line manager and the WFLD team; anyone else gets 404. To sign off
lists only what waits for the user's own signature.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for

from wfld.core import clock
from wfld.core.auth import allowed_or_404, current_actor, page_requires, signed_in
from wfld.organisation.permissions import staff_of
from wfld.programmes import permissions, progress, queries
from wfld.programmes.permissions import Part
from wfld.programmes.views import bp
from wfld.supervision import permissions as supervision_permissions


def _render(template: str, overview: progress.Overview, user: Any) -> str:
    """An overview page, with the links its reader may follow: managing the enrolment (the
    WFLD team) and the person's supervision log (where the supervision policy lets them)."""
    enrolment = overview.enrolment
    if overview.for_self:
        supervision_href = url_for("supervision.my_supervision")
    elif supervision_permissions.can_view_staff_log(user, enrolment.staff):
        supervision_href = url_for("supervision.staff_supervision", staff_id=enrolment.staff_id)
    else:
        supervision_href = None
    return render_template(
        template,
        overview=overview,
        can_manage=permissions.can_change_enrolment(user, enrolment),
        supervision_href=supervision_href,
    )


@bp.route("/me")
@page_requires(permissions.has_programme)
def my_programme() -> str:
    user = current_actor()
    mine = queries.active_enrolments_of(staff_of(user).id)
    chosen = progress.current_enrolment(mine)
    if chosen is None:
        return render_template("programmes/my_programme.html", overview=None)
    enrolment = progress.find_enrolment(chosen.id)
    overview = progress.build_overview(
        enrolment,
        for_self=True,
        today=clock.today(),
        others=[e for e in mine if e.id != chosen.id],
    )
    return _render("programmes/my_programme.html", overview, user)


@bp.route("/enrolments/<int:enrolment_id>")
@signed_in
def view_enrolment(enrolment_id: int) -> str:
    user = current_actor()
    enrolment = allowed_or_404(
        progress.find_enrolment(enrolment_id), permissions.can_view_enrolment
    )
    overview = progress.build_overview(
        enrolment,
        for_self=Part.SELF in permissions.roles_in(user, enrolment),
        today=clock.today(),
    )
    return _render("programmes/view_enrolment.html", overview, user)


@bp.route("/to-sign-off")
@signed_in
def to_sign_off() -> str:
    rows = permissions.list_to_sign_off(current_actor(), today=clock.today())
    return render_template("programmes/to_sign_off.html", rows=rows)
