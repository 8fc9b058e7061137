"""Configuration, chosen by the WFLD_ENV environment variable (default: production).

Secrets and the database address come from the environment only. Production refuses to
start without them; development keeps a random key in the instance folder so that a
newcomer's ``make run`` works without setting anything and no secret lives in code.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever scheme the operator wrote."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    ENV_NAME = "production"
    DEMO_DATA_ALLOWED = False

    COUNCIL_NAME = os.environ.get("WFLD_COUNCIL_NAME", "Children's Services")
    SERVICE_NAME = os.environ.get("WFLD_SERVICE_NAME", "Learning and development tracker")
    TIMEZONE = "Europe/London"

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = (
        normalise_database_url(os.environ["DATABASE_URL"])
        if os.environ.get("DATABASE_URL")
        else None
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("WFLD_SQLITE_BUSY_TIMEOUT_MS", "15000"))

    SESSION_COOKIE_NAME = "wfld_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    # Idle sessions end after this many minutes without a request.
    IDLE_TIMEOUT_MINUTES = int(os.environ.get("WFLD_IDLE_TIMEOUT_MINUTES", "30"))

    # At most LOGIN_MAX_FAILURES failed sign-ins per account in LOGIN_WINDOW_SECONDS.
    LOGIN_MAX_FAILURES = int(os.environ.get("WFLD_LOGIN_MAX_FAILURES", "10"))
    LOGIN_WINDOW_SECONDS = int(os.environ.get("WFLD_LOGIN_WINDOW_SECONDS", "300"))
    # And at most this many from one source address (an IPv6 /64) in its window, whatever
    # the email addresses typed: one guess at each of many accounts (password spraying).
    LOGIN_MAX_FAILURES_PER_SOURCE = int(os.environ.get("WFLD_LOGIN_MAX_FAILURES_PER_SOURCE", "30"))
    LOGIN_SOURCE_WINDOW_SECONDS = int(os.environ.get("WFLD_LOGIN_SOURCE_WINDOW_SECONDS", "900"))
    # How many reverse proxies in front of the app add X-Forwarded-For/-Proto (0: none, the
    # default). The source address of a request is read from the header only when this is set,
    # since anyone can send the header to an app that is reached directly.
    TRUSTED_PROXIES = int(os.environ.get("WFLD_TRUSTED_PROXIES", "0"))

    WTF_CSRF_TIME_LIMIT = 3600 * 4
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024 + 64 * 1024
    # Uploaded evidence and certificates: outside the static folder, on a shared volume when
    # several app servers run. Defaults to the instance folder.
    UPLOAD_FOLDER = os.environ.get("WFLD_UPLOAD_FOLDER")
    PAGE_SIZE = 50
    # A requirement due, or a completion expiring, within this many days is "due soon".
    COMPLIANCE_DUE_SOON_DAYS = int(os.environ.get("WFLD_DUE_SOON_DAYS", "60"))
    # People whose stored learning statuses the nightly check compares with the rules.
    # A change reaching up to this many people recomputes their statuses with the change
    # itself; beyond it, in the background with progress.
    STATUS_SYNC_LIMIT = int(os.environ.get("WFLD_STATUS_SYNC_LIMIT", "200"))
    STATUS_CHECK_SAMPLE = int(os.environ.get("WFLD_STATUS_CHECK_SAMPLE", "500"))
    # Each person's total space for CPD evidence files (each file is at most 20MB).
    CPD_EVIDENCE_QUOTA_BYTES = (
        int(os.environ.get("WFLD_CPD_EVIDENCE_QUOTA_MB", "200")) * 1024 * 1024
    )

    # Background jobs (wfld/core/jobs.py). Without WFLD_REDIS_URL the queue is a SQLite file in
    # the instance folder (one machine); with it, every app server and consumer shares Redis.
    REDIS_URL = os.environ.get("WFLD_REDIS_URL") or None
    JOBS_QUEUE_NAME = os.environ.get("WFLD_JOBS_QUEUE_NAME", "wfld")
    JOBS_SQLITE_PATH = os.environ.get("WFLD_JOBS_SQLITE_PATH")  # default: instance/jobs.sqlite3
    # Finished downloads: private files, never under static. On a shared volume when the
    # consumers and the app servers run on different machines. Default: the "downloads"
    # folder of UPLOAD_FOLDER (instance/uploads/downloads).
    JOBS_RESULTS_FOLDER = os.environ.get("WFLD_JOBS_RESULTS_FOLDER")
    JOBS_RESULT_DAYS = int(os.environ.get("WFLD_JOBS_RESULT_DAYS", "7"))
    # A job "running" with no sign of life for this long has lost its worker: it is failed.
    JOBS_STALE_MINUTES = int(os.environ.get("WFLD_JOBS_STALE_MINUTES", "30"))
    # Run each task in the request that asks for it (tests, debugging): no consumer needed.
    JOBS_IMMEDIATE = _bool("WFLD_JOBS_IMMEDIATE", False)

    @classmethod
    def validate(cls, config: dict) -> None:
        """Fail fast on a configuration that must never serve requests."""
        missing = [
            name for name in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI") if not config.get(name)
        ]
        if missing:
            names = ", ".join(
                "DATABASE_URL" if n == "SQLALCHEMY_DATABASE_URI" else n for n in missing
            )
            raise RuntimeError(f"WFLD_ENV={cls.ENV_NAME} needs {names} set in the environment")
        if len(config["SECRET_KEY"]) < 32:
            raise RuntimeError("SECRET_KEY must be at least 32 characters")


class DevelopmentConfig(Config):
    """`make run`: the demo council on the embedded SQLite database."""

    ENV_NAME = "development"
    DEMO_DATA_ALLOWED = True
    COUNCIL_NAME = os.environ.get("WFLD_COUNCIL_NAME", "Northbrook Borough Council")
    SESSION_COOKIE_SECURE = _bool("WFLD_SECURE_COOKIES", False)

    @classmethod
    def validate(cls, config: dict) -> None:
        instance = Path(config["INSTANCE_PATH"])
        instance.mkdir(parents=True, exist_ok=True)
        if not config.get("SQLALCHEMY_DATABASE_URI"):
            config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'wfld.sqlite3'}"
        if not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = _instance_secret(instance / "secret_key")
        super().validate(config)


class DemoConfig(DevelopmentConfig):
    """A shared demo server: demo data allowed, cookies Secure (served over HTTPS)."""

    ENV_NAME = "demo"
    SESSION_COOKIE_SECURE = True


class TestConfig(DevelopmentConfig):
    ENV_NAME = "test"
    TESTING = True
    SESSION_COOKIE_SECURE = False
    # Tasks run at once in the request; the tests of a real consumer turn this off.
    JOBS_IMMEDIATE = True


def _instance_secret(path: Path) -> str:
    """A random key kept beside the development database, made on first start."""
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


CONFIGS: dict[str, type[Config]] = {
    "production": Config,
    "development": DevelopmentConfig,
    "demo": DemoConfig,
    "test": TestConfig,
}


def config_for(env_name: str | None) -> type[Config]:
    name = (env_name or "production").strip().lower()
    if name not in CONFIGS:
        raise RuntimeError(f"Unknown WFLD_ENV {name!r}: use one of {', '.join(CONFIGS)}")
    return CONFIGS[name]
