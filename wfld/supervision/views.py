"""Supervision pages: a person's record, a supervisor's log (filled in by its own change)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("supervision", __name__, url_prefix="/supervision")
