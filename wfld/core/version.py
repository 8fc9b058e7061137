"""The installed app's version, from the package metadata (shown by /healthz).

In core, not in ``wfld/__init__.py``: the app factory there imports every domain, so a page
that imported the version from it would depend, for the layers contract, on everything."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    VERSION = version("wfld")
except PackageNotFoundError:  # running from a checkout that was never installed
    VERSION = "0.0.0"
