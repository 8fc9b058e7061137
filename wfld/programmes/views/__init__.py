"""The programmes blueprint; its pages are split by area, one module each."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_login import user_logged_in

from wfld.programmes.permissions import remember_whether_on_programme

bp = Blueprint("programmes", __name__, url_prefix="/programmes")


@user_logged_in.connect
def _on_sign_in(_app: Any, user: Any, **_: Any) -> None:
    """Whether the menu offers My programme, asked once as the person signs in."""
    remember_whether_on_programme(user)


# The route modules register on ``bp`` when imported.
from wfld.programmes.views import (  # noqa: E402, F401
    cohorts,
    dashboard,
    mine,
    portfolio,
    records,
    signing,
    templates,
    workload,
)
