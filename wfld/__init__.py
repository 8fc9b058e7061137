"""The WFLD tracker: learning and development for a council's children's services workforce."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import BytecodeCache, ChoiceLoader, PackageLoader, PrefixLoader
from jinja2.bccache import Bucket
from werkzeug.middleware.proxy_fix import ProxyFix

from config import config_for
from wfld.core.version import VERSION as __version__  # noqa: F401 - the package's version

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``overrides`` (tests) are applied before the configuration is validated."""
    app = Flask(__name__, instance_path=str(PROJECT_ROOT / "instance"))
    config_cls = config_for((overrides or {}).get("ENV_NAME") or os.environ.get("WFLD_ENV"))
    app.config.from_object(config_cls)
    app.config["INSTANCE_PATH"] = app.instance_path
    app.config.update(overrides or {})
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")
    config_cls.validate(app.config)
    if app.config["TRUSTED_PROXIES"]:
        # Behind that many proxies, the client's address and scheme are theirs to report.
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    _templates(app)
    _extensions(app)
    _jobs(app)
    _blueprints(app)

    from wfld.cli import register_cli

    register_cli(app)
    return app


class _SharedBytecodeCache(BytecodeCache):
    """Compiled templates shared by every app in the process (keyed by the source's checksum),
    so the many short-lived apps of the test suite compile each template once."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


_BYTECODE_CACHE = _SharedBytecodeCache()


def _templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("wfld"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.bytecode_cache = _BYTECODE_CACHE
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["govukRebrand"] = False
    WTFormsHelpers(app)
    from wfld.core.forms import error_summary

    # Our summary links a date's error to its day box (the first wrong box).
    app.add_template_global(error_summary, "wtforms_errors")

    from wfld.core import filters

    filters.init_app(app)


def _extensions(app: Flask) -> None:
    from wfld import models  # noqa: F401 - registers every mapper before first use
    from wfld.core import errors, security
    from wfld.core.db import configure_sqlite
    from wfld.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    security.init_app(app)
    errors.init_app(app)
    from wfld.learning import stored

    stored.watch()  # every session keeps the stored learning statuses up to date


def _jobs(app: Flask) -> None:
    """The queue, and every domain's tasks (a consumer runs only tasks it has imported)."""
    from wfld.core import jobs

    jobs.init_app(app)
    from wfld.appraisal import jobs as appraisal_jobs  # noqa: F401
    from wfld.core import jobs_tasks  # noqa: F401 - the queue's periodic tasks
    from wfld.cpd import jobs as cpd_jobs  # noqa: F401
    from wfld.learning import jobs as learning_jobs  # noqa: F401


def _blueprints(app: Flask) -> None:
    from wfld.accounts.views import bp as accounts_bp
    from wfld.accounts.views import init_app as init_accounts
    from wfld.appraisal.views import bp as appraisal_bp
    from wfld.catalogue.views import bp as catalogue_bp
    from wfld.cpd.views import bp as cpd_bp
    from wfld.frameworks.views import bp as frameworks_bp
    from wfld.learning.views import bp as learning_bp
    from wfld.main.downloads import bp as downloads_bp
    from wfld.main.views import bp as main_bp
    from wfld.organisation.views import admin_bp, people_bp
    from wfld.programmes.views import bp as programmes_bp
    from wfld.supervision.views import bp as supervision_bp

    init_accounts(app)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(frameworks_bp)
    app.register_blueprint(catalogue_bp)
    app.register_blueprint(learning_bp)
    app.register_blueprint(cpd_bp)
    app.register_blueprint(supervision_bp)
    app.register_blueprint(programmes_bp)
    app.register_blueprint(appraisal_bp)
    app.register_blueprint(downloads_bp)
