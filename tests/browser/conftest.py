"""The real-browser lane: Debian's Chromium driven by Playwright against a live server.

Every test under tests/browser is marked ``browser``: ``make test-browser`` runs them with
``-m browser`` and the SQLite/PostgreSQL lanes leave them out with ``-m "not browser"``.
The browser is Debian's /usr/bin/chromium (never ``playwright install``). Without it the
tests skip, except under CI=true (or 1), where they fail: CI must not pass by skipping.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import ConsoleMessage, Error, Page, expect
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true"}
BROWSER_DIR = Path(__file__).resolve().parent

# What the lane checks every page against, and which findings fail a test.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}
}
FAILING_IMPACTS = frozenset({"serious", "critical"})
# app.js adds this class to <body> once govuk-frontend.min.js has loaded and initialised.
JS_RAN = re.compile(r"\bgovuk-frontend-supported\b")


@pytest.hookimpl(tryfirst=True)  # before `-m browser` / `-m "not browser"` deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Whatever a module here forgets, its tests are browser tests."""
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# Chromium ----------------------------------------------------------------------------------
@pytest.fixture(scope="session", autouse=True)
def chromium_executable() -> str:
    """Debian's Chromium, checked before any database or server is built for a test."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        message = f"Chromium is not installed at {CHROMIUM} (`make browser-deps` installs it)"
        if IN_CI:
            pytest.fail(
                message + " - CI is set, so the browser lane must run, not skip", pytrace=False
            )
        pytest.skip(message)
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, chromium_executable: str) -> dict:
    """pytest-playwright's launch options, on Debian's Chromium, always headless."""
    return {
        **browser_type_launch_args,
        "executable_path": chromium_executable,
        "headless": True,
        "args": list(CHROMIUM_ARGS),
    }


# The app, served for real -------------------------------------------------------------------
@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test's app (fresh migrated SQLite database) on a free loopback port; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="wfld-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# Page checks --------------------------------------------------------------------------------
@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Console errors (CSP refusals, failed loads, JS errors) the page has produced so far."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        where = message.location.get("url") or page.url
        errors.append(f"console error on {page.url}: {message.text} (from {where})")

    def on_page_error(error: Error) -> None:
        errors.append(f"uncaught JavaScript error on {page.url}: {error.message}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    return errors


def _target(target: object) -> str:
    # A target is a CSS selector, or a list of selectors through iframes / shadow roots.
    if isinstance(target, list):
        return " >> ".join(_target(t) for t in target)
    return str(target)


def assert_accessible(page: Page) -> None:
    """Run axe-core (WCAG 2.0-2.2 A and AA rules) and fail on serious or critical violations.

    axe_playwright_python injects axe with ``page.evaluate``, which the DevTools protocol runs
    outside the page's Content-Security-Policy, so the app's ``script-src 'self'`` stays on
    (no ``bypass_csp``): the pages are checked exactly as users get them.
    """
    results = Axe().run(page, options=AXE_OPTIONS).response
    assert results.get("passes"), f"axe-core checked nothing on {page.url}: {sorted(results)}"
    violations = [v for v in results["violations"] if v.get("impact") in FAILING_IMPACTS]
    if not violations:
        return
    lines = [f"{len(violations)} serious or critical accessibility violation(s) on {page.url}:"]
    for violation in violations:
        rule, impact = violation["id"], violation["impact"]
        lines.append(f"- {rule} ({impact}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            targets = ", ".join(_target(t) for t in node["target"])
            lines.append(f"    at {targets}")
            summary = " ".join((node.get("failureSummary") or "").split())
            if summary:
                lines.append(f"       {summary}")
    pytest.fail("\n".join(lines), pytrace=False)


def assert_no_console_errors(errors: list[str]) -> None:
    if errors:
        pytest.fail(
            "The browser reported errors:\n" + "\n".join(f"- {e}" for e in errors), pytrace=False
        )


def check_page(page: Page, console_errors: list[str]) -> None:
    """Every page: the front-end JavaScript ran, no console errors, and axe passes."""
    expect(page.locator("body")).to_have_class(JS_RAN)
    assert_no_console_errors(console_errors)
    assert_accessible(page)
    assert_no_console_errors(console_errors)
