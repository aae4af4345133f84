"""Rate limits on the login forms (Flask-Limiter), per client IP and per account.

Only *failed* attempts are counted (``deduct_when``): a regency office behind one NAT address may
log in all morning, while guessing stops after a few tries. Limits are read from the config at
request time (``KIMADMIN_LOGIN_LIMIT_PER_IP``, ``KIMADMIN_LOGIN_LIMIT_PER_ACCOUNT``). A breach
answers 429 with the translated error page (kimadmin/errors.py), before the password is checked,
and writes a ``throttled`` row (who was tried, from which address) to the login journal.

Storage is Redis when ``REDIS_URL`` is set, so every gunicorn worker shares the counts, and memory
otherwise. **If Redis is unreachable the limits fall back to each worker's memory** (logged as a
warning, Redis retried with back-off): throttling stays on, only less exact, and login keeps
working. The account lockout lives in the database and is not affected either way.

Each application gets its own :class:`~flask_limiter.Limiter` (its storage is per instance), kept
in ``app.extensions["kim_limiter"]``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g, request
from flask_limiter import Limiter, RequestLimit
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models.users import User
from ..tenancy import unscoped
from . import events, reset, service, sessions

log = logging.getLogger(__name__)

# Endpoints with a password or code form, and whose account a request is about.
LIMITED_ENDPOINTS = (
    "auth.login",
    "auth.two_factor",
    "auth.reauth",
    "auth.change_password",
    "auth.two_factor_setup",
    "auth.reset_password",
)


def client_ip() -> str:
    """The client address (``ProxyFix``, when configured, has already put the real one here)."""
    return request.remote_addr or "unknown"


def account_key() -> str:
    """The account an attempt is about: the e-mail typed, the pending or the logged-in user."""
    if request.endpoint == "auth.login":
        email = (request.form.get("email") or "").strip().lower()
        return "email:" + hashlib.sha256(email.encode()).hexdigest()[:32]
    if request.endpoint == "auth.two_factor":
        pending = sessions.pending()
        return f"user:{pending['uid']}" if pending else "user:none"
    if request.endpoint == "auth.reset_password":
        token = (request.view_args or {}).get("token", "")
        return "reset:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    return f"user:{current_user.id}" if current_user.is_authenticated else "user:none"


def _config_limit(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def _failed(response: object) -> bool:
    return service.request_failed()


def _breach(limit: RequestLimit) -> None:
    """Log the refusal and journal it once per request (both limits may be breached together).

    A 429 answers before the password is checked, so without this row an attack that runs into
    the limit would leave no trace in the login journal (only failures before the limit would).
    """
    log.warning("login throttled: %s on %s from %s", limit.limit, request.endpoint, client_ip())
    if g.get("kim_throttle_journalled"):
        return
    g.kim_throttle_journalled = True
    try:
        with unscoped():  # nobody may be logged in; the row's regency is the targeted user's
            user, email = _attempted_account()
            events.record(events.THROTTLED, user, email=email)
            db.session.commit()
    except SQLAlchemyError:  # the 429 matters more than its journal row
        db.session.rollback()
        log.exception("could not journal a throttled request")


def _attempted_account() -> tuple[Any, str | None]:
    """The user (if known) and the e-mail typed that the refused request was about."""
    if request.endpoint == "auth.login":
        email = (request.form.get("email") or "").strip().lower()[:254]
        return (service.find_user(email) if email else None), (email or None)
    if request.endpoint == "auth.two_factor":
        pending = sessions.pending()
        return (db.session.get(User, pending["uid"]) if pending else None), None
    if request.endpoint == "auth.reset_password":
        row = reset.find((request.view_args or {}).get("token", ""))
        return (row.user if row is not None else None), None
    return (current_user._get_current_object() if current_user.is_authenticated else None), None


def limiter_of(app: Flask) -> Limiter:
    return app.extensions["kim_limiter"]


def init_app(app: Flask) -> Limiter:
    """Create this app's limiter and put the login limits on :data:`LIMITED_ENDPOINTS`."""
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    if redis_url:
        # Fail fast when Redis is down, so that the in-memory fallback takes over quickly.
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 1})
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "kimadmin")
    limiter = Limiter(key_func=client_ip, app=app)
    app.extensions["kim_limiter"] = limiter
    for endpoint in LIMITED_ENDPOINTS:
        view = app.view_functions[endpoint]
        view = limiter.limit(
            _config_limit("KIMADMIN_LOGIN_LIMIT_PER_IP"),
            key_func=client_ip,
            methods=["POST"],
            deduct_when=_failed,
            on_breach=_breach,
        )(view)
        view = limiter.limit(
            _config_limit("KIMADMIN_LOGIN_LIMIT_PER_ACCOUNT"),
            key_func=account_key,
            methods=["POST"],
            deduct_when=_failed,
            on_breach=_breach,
        )(view)
        app.view_functions[endpoint] = view
    return limiter
