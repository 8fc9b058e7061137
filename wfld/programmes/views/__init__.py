"""The programmes blueprint; its pages are split by area, one module each."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("programmes", __name__, url_prefix="/programmes")

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
