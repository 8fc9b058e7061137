"""Pages: (being written)."""

from __future__ import annotations

from wfld.appraisal.views import bp  # noqa: F401
