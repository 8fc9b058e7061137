"""Helpers shared by the tests: databases, signing in, and page checks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

PASSWORD = "correct horse battery staple"


@dataclass
class Database:
    """The session's test database: a template file (SQLite) or a database on the server
    (PostgreSQL, ``name`` at ``url``, with the clones made from it)."""

    backend: str
    workdir: Path
    template_path: Path | None = None
    url: str | None = None
    admin_engine: Engine | None = None
    name: str | None = None
    clones: dict[str, str] = field(default_factory=dict)

    def clone(self, suffix: str) -> str:
        """PostgreSQL: a new database copied from the template (dropped with it); its URL.

        Clone before anything connects to the template: PostgreSQL copies only an idle one."""
        from sqlalchemy import text

        assert self.backend == "postgresql" and self.admin_engine is not None
        name = f"{self.name}_{suffix}"
        # CREATE DATABASE ... TEMPLATE copies files: far quicker than migrating again.
        with self.admin_engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"'))
        self.clones[suffix] = name
        return self.clone_url(suffix)

    def make_read_only(self, url: str) -> None:
        """PostgreSQL: new connections to this database get read-only transactions by default
        (one that must write says so when it connects)."""
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        assert self.admin_engine is not None
        name = make_url(url).database
        with self.admin_engine.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))

    def clone_url(self, suffix: str) -> str:
        from sqlalchemy.engine import make_url

        return (
            make_url(self.url)
            .set(database=self.clones[suffix])
            .render_as_string(hide_password=False)
        )


def migrate_to_head(url: str, secret: str) -> None:
    """Build a database the way production does: `flask db upgrade`."""
    from flask_migrate import upgrade

    from wfld import create_app
    from wfld.extensions import db

    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret})
    with app.app_context():
        upgrade()
        for engine in db.engines.values():
            engine.dispose()


def csrf_token(client: FlaskClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, f"GET {path} answered {page.status_code}"
    field = BeautifulSoup(page.data, "html.parser").find("input", attrs={"name": "csrf_token"})
    assert field is not None, f"{path} has no CSRF token"
    return field["value"]


def submit(
    client: FlaskClient,
    path: str,
    data: dict[str, Any],
    *,
    form_path: str | None = None,
    **kwargs: Any,
):
    """POST a form the way a browser does: with the CSRF token from the form's page."""
    token = csrf_token(client, form_path or path)
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD):
    return submit(client, "/sign-in", {"email": email, "password": password})


def sign_out(client: FlaskClient):
    return submit(client, "/sign-out", {}, form_path="/")


@dataclass
class Page:
    soup: BeautifulSoup

    @property
    def h1(self) -> str:
        return " ".join(self.soup.find("h1").get_text(" ").split())

    @property
    def title(self) -> str:
        return " ".join(self.soup.title.get_text().split())

    def error_summary(self) -> dict[str, str]:
        """href → message of each error in the GOV.UK error summary."""
        summary = self.soup.select_one(".govuk-error-summary")
        if summary is None:
            return {}
        return {a["href"]: " ".join(a.get_text().split()) for a in summary.select("a")}

    def inline_errors(self) -> list[str]:
        return [
            re.sub(r"^Error:\s*", "", " ".join(e.get_text(" ").split()))
            for e in self.soup.select(".govuk-error-message")
        ]

    def text(self) -> str:
        return " ".join(self.soup.get_text(" ").split())


def page(response: Any) -> Page:
    """Parse an HTML response and check the rules every page keeps."""
    assert response.mimetype == "text/html", response.mimetype
    soup = BeautifulSoup(response.data, "html.parser")
    assert len(soup.find_all("h1")) == 1, "a page has exactly one h1"
    assert soup.title and soup.title.get_text().strip(), "a page has a title"
    ids = [tag["id"] for tag in soup.find_all(attrs={"id": True})]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"
    for form in soup.find_all("form"):
        if (form.get("method") or "get").lower() == "post":
            assert form.find("input", attrs={"name": "csrf_token"}), (
                "every POST form carries a CSRF token"
            )
    assert not soup.find("script", src=False), "no inline scripts (the CSP refuses them)"
    return Page(soup)


def form_values(response: Any, *, with_csrf: bool = False) -> dict[str, list[str]]:
    """What a browser would post from the page's form, as it stands (with its CSRF token
    only if asked)."""
    soup = page(response).soup
    form = soup.select_one("main form[method=post]")
    assert form is not None, "the page has a form"
    data: dict[str, list[str]] = {}
    for element in form.find_all(["input", "select", "textarea"]):
        name = element.get("name")
        if not name or (name == "csrf_token" and not with_csrf):
            continue
        if element.name == "select":
            options = element.find_all("option")
            chosen = [o for o in options if o.has_attr("selected")] or options[:1]
            data.setdefault(name, []).extend(o.get("value", o.get_text()) for o in chosen)
        elif element.name == "textarea":
            data.setdefault(name, []).append(element.get_text())
        else:
            kind = (element.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset"}:
                continue
            if kind in {"radio", "checkbox"}:
                if element.has_attr("checked"):
                    data.setdefault(name, []).append(element.get("value", "on"))
                continue
            data.setdefault(name, []).append(element.get("value", ""))
    return data


# On PostgreSQL's rolled-back test lane a session's BEGIN and COMMIT/ROLLBACK are SAVEPOINT
# statements (see tests/conftest.py); elsewhere they are driver calls nobody counts.
_SAVEPOINT = re.compile(r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\s", re.I)


class QueryCounter:
    """Counts the SQL statements an app runs while the block is open (not the test lane's
    SAVEPOINTs, which stand in for transaction control)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.statements: list[str] = []

    def _count(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001, PLR0913
        if not _SAVEPOINT.match(statement):
            self.statements.append(statement)

    def __enter__(self) -> QueryCounter:
        from sqlalchemy import event

        from wfld.extensions import db

        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc: object) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._count)

    @property
    def count(self) -> int:
        return len(self.statements)
