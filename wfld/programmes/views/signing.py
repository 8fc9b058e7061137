"""Pages: signing (filled in by its own change)."""

from wfld.programmes.views import bp  # noqa: F401
