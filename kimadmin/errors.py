"""Error pages a person can read, and the health check."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, Flask, current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from .extensions import db, login_manager

log = logging.getLogger(__name__)
bp = Blueprint("system", __name__)


def _messages(code: int) -> tuple[str, str]:
    return {
        400: (_("Bad request"), _("The request could not be processed. Please check what you entered.")),
        403: (_("Access denied"), _("You do not have permission to open this page.")),
        404: (_("Page not found"), _("The page or record you are looking for does not exist.")),
        405: (_("Method not allowed"), _("This page does not accept that kind of request.")),
        413: (_("File too large"), _("The file you sent is larger than the size limit.")),
        429: (_("Too many requests"), _("Please wait a moment, then try again.")),
        500: (_("Something went wrong"), _("A server error was logged for the technical team. Please try again.")),
        503: (_("Service unavailable"), _("The database cannot be reached right now. Please try again shortly.")),
    }.get(code, (_("Something went wrong"), ""))


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" or request.path.endswith("/ajax/lookup/")


def render_error(code: int, message: str | None = None) -> tuple[str | Response, int]:
    title, default = _messages(code)
    if _wants_json():
        return jsonify(error=title, message=message or default), code
    # An error page needs no user: never let rendering it reach a database that may be the cause
    # (Flask-Login's template context would load the user otherwise).
    if "_login_user" not in g:
        g._login_user = login_manager.anonymous_user()
    try:
        return render_template("errors/error.html", code=code, title=title, message=message or default), code
    except Exception:
        log.exception("error page could not be rendered")
        return f"<!doctype html><title>{code}</title><h1>{code}</h1><p>{escape(title)}</p>", code


def _database_ok() -> bool:
    try:
        db.session.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.SQLAlchemyError:
        log.exception("health check: database unreachable")
        db.session.rollback()
        return False


def _redis_ok(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except redis.RedisError:
        log.warning("readiness check: redis unreachable")
        return False


@bp.route("/healthz")
def healthz() -> tuple[Response, int]:
    """Liveness: the process answers HTTP. It touches neither the database nor Redis on purpose:
    a supervisor restarting workers because PostgreSQL is down would only add an outage of the
    app to one it rides out (pages answer 503 and recover by themselves)."""
    return jsonify(status="ok"), 200


@bp.route("/readyz")
def readyz() -> tuple[Response, int]:
    """Readiness for a load balancer or monitor: 503 when the database does not answer (no page
    can be served). Redis down is ``"degraded"`` with 200: login limits then fall back to each
    worker's memory (kimadmin/auth/throttle.py), so the app still serves everyone."""
    checks = {"database": "ok" if _database_ok() else "unreachable"}
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        checks["redis"] = "ok" if _redis_ok(redis_url) else "unreachable"
    if checks["database"] != "ok":
        return jsonify(status="error", **checks), 503
    status = "ok" if all(value == "ok" for value in checks.values()) else "degraded"
    return jsonify(status=status, **checks), 200


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[str | Response, int]:
        return render_error(400, _("The form has expired or is not valid. Reload the page and try again."))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str | Response, int] | HTTPException:
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(sa.exc.OperationalError)
    def _db_down(error: Exception) -> tuple[str | Response, int]:
        log.exception("database unavailable")
        db.session.rollback()
        return render_error(503)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[str | Response, int]:
        log.exception("unhandled error")
        db.session.rollback()
        return render_error(500)
