"""KIM Admin: an admin panel for KIM and FK Metra records of regency communication offices.

``create_app`` reads top to bottom as the table of contents of the application.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, redirect, url_for
from werkzeug.wrappers import Response

__version__ = "0.1.0"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)

    from .config import load_config

    app.config.update(load_config(app.instance_path, config))

    from . import logs, security

    logs.init_app(app)
    security.init_app(app)

    from .extensions import csrf, db, migrate, upgrade_to_every_head

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_repo_root() / "migrations"))
    upgrade_to_every_head()
    csrf.init_app(app)

    from . import i18n

    i18n.init_app(app)

    from . import (
        auth,
        models,  # noqa: F401  (registers every core model)
        tenancy,
    )
    from .extensions import KimSession

    auth.init_app(app)
    tenancy.init_app(app, KimSession)
    from . import trash

    trash.init_app(app, KimSession)  # trashed rows are hidden everywhere

    from . import admin, cli, errors, plugin_manager

    admin_site = admin.init_app(app)
    plugin_manager.init_app(app, admin_site)

    from . import audit

    audit.init_app(app, admin_site)  # after every screen (core and plugins) is registered
    errors.init_app(app)
    cli.init_app(app)

    @app.route("/")
    def root() -> Response:
        return redirect(url_for("admin.index"))

    return app


def _repo_root() -> Any:
    from pathlib import Path

    return Path(__file__).resolve().parent.parent
