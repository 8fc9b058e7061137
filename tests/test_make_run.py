"""`make run`: the demo council's sign-ins are printed last, once the server listens; the
line-manager persona manages the practitioner persona; the port can be changed."""

from __future__ import annotations

import socket
import subprocess

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.helpers import page, sign_in
from wfld import PROJECT_ROOT
from wfld.extensions import db
from wfld.organisation.models import StaffMember
from wfld.organisation.seeding import demo_logins, demo_password

DEMO_DIR = PROJECT_ROOT / "seeds" / "demo"


@pytest.fixture
def demo(app):  # noqa: ANN001, ANN201
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    return {persona: email for persona, email, _ in demo_logins(DEMO_DIR)}


def _staff(email: str) -> StaffMember:
    return db.session.scalar(select(StaffMember).where(StaffMember.work_email == email))


def test_the_line_manager_persona_manages_the_practitioner_persona(app, client, demo) -> None:
    with app.app_context():
        practitioner, manager = _staff(demo["practitioner"]), _staff(demo["line_manager"])
        assert practitioner.line_manager_id == manager.id
        practitioner_name = practitioner.full_name

    # The CPD the practitioner has shared reaches the printed line manager.
    assert sign_in(client, demo["line_manager"], demo_password(DEMO_DIR)).status_code == 302
    shared = client.get("/cpd/shared")
    rows = BeautifulSoup(shared.data, "html.parser").select("table tbody tr")
    theirs = [row for row in rows if row.find("td").get_text(strip=True) == practitioner_name]
    assert theirs, f"no shared entry of {practitioner_name} on the line manager's page"
    entry = client.get(theirs[0].find("a")["href"])
    assert entry.status_code == 200
    assert page(entry).h1 == theirs[0].find("a").get_text(strip=True)


class _FakeServer:
    """Listens nowhere; "serving" ends at once as Ctrl+C would end it."""

    server_port = 5123

    def serve_forever(self) -> None:
        raise KeyboardInterrupt

    def server_close(self) -> None:
        pass


def test_serve_prints_the_demo_sign_ins_last(app, demo, monkeypatch) -> None:
    monkeypatch.setattr("wfld.cli.make_server", lambda *args, **kwargs: _FakeServer())
    result = app.test_cli_runner().invoke(args=["serve", "--port", "5123"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[-1] == "Stopped."  # what Ctrl+C prints; the banner is all that came before it
    banner = lines[lines.index(next(line for line in lines if "http://" in line)) :]
    assert "http://127.0.0.1:5123" in banner[0]
    assert any(demo_password(DEMO_DIR) in line for line in banner)
    for persona, email in demo.items():
        assert any(line.split() == [persona, email] for line in banner), persona
    assert "Demo sign-ins" in result.output


def test_serve_without_the_demo_council_says_so(app, monkeypatch) -> None:
    monkeypatch.setattr("wfld.cli.make_server", lambda *args, **kwargs: _FakeServer())
    result = app.test_cli_runner().invoke(args=["serve"])
    assert result.exit_code == 0, result.output
    assert "no demo sign-ins" in result.output
    assert "Demo sign-ins (" not in result.output


def test_serve_on_a_port_in_use_says_how_to_choose_another(app) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = app.test_cli_runner().invoke(args=["serve", "--port", str(port)])
    assert result.exit_code != 0
    assert f"Cannot listen on 127.0.0.1:{port}" in result.output
    assert "make run PORT=5050" in result.output


def test_serve_is_refused_in_production(app_config) -> None:
    from wfld import create_app

    app = create_app({**app_config, "ENV_NAME": "production"})
    result = app.test_cli_runner().invoke(args=["serve"])
    assert result.exit_code != 0
    assert "gunicorn" in result.output


def _make(*args: str) -> list[str]:
    # -n: print the commands without running them; -o install: never (re)build the install.
    done = subprocess.run(
        ["make", "-n", "-s", "-o", "install", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.splitlines()


def test_make_run_serves_on_the_port_asked_for() -> None:
    (default,) = [line for line in _make("run") if " serve " in line]
    assert default.endswith("serve --host 127.0.0.1 --port 5000")
    (other,) = [line for line in _make("run", "PORT=5050") if " serve " in line]
    assert other.endswith("serve --host 127.0.0.1 --port 5050")


def test_make_reset_demo_removes_the_development_database() -> None:
    commands = _make("reset-demo")
    assert any(c.startswith("rm -f instance/wfld.sqlite3 ") for c in commands)
    assert "rm -rf instance/uploads" in commands


def test_the_readme_lists_the_demo_sign_ins_make_run_prints() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{demo_password(DEMO_DIR)}`" in readme
    for persona, email, _ in demo_logins(DEMO_DIR):
        assert f"| {persona} | `{email}` |" in readme, persona
    assert "make run PORT=5050" in readme
    assert "make reset-demo" in readme
