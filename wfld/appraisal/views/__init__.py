"""The appraisal blueprint; its pages are split by area, one module each."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("appraisal", __name__, url_prefix="/appraisal")

# The route modules register on ``bp`` when imported.
from wfld.appraisal.views import (  # noqa: E402, F401
    completion,
    conversations,
    cycles,
    plans,
    signing,
    team,
    team_plans,
)
