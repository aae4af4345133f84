"""Session lifetime, recent authentication and the pending second step of a login.

Sessions are Flask's signed cookies. Besides Flask-Login's user id (``"<id>:<session_version>"``,
see ``User.get_id``) the cookie holds three timestamps, checked by the user loader on every
request without any SQL:

* ``kim_login_at``: when the session began; past ``PERMANENT_SESSION_LIFETIME`` it ends
  (absolute lifetime, ASVS 3.3.1);
* ``kim_seen_at``: the last request (refreshed at most once a minute); after
  ``KIMADMIN_SESSION_IDLE_MINUTES`` without one the session ends (idle timeout);
* ``kim_auth_at``: the last time the password (and the TOTP code, if enabled) was checked; changing
  users or roles needs it younger than ``KIMADMIN_REAUTH_MINUTES`` (see :func:`recently_authenticated`).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, session
from flask_babel import gettext as _
from flask_login import login_user

from . import clock

LOGIN_AT = "kim_login_at"
SEEN_AT = "kim_seen_at"
AUTH_AT = "kim_auth_at"
PENDING = "kim_pending"  # the user who passed the password and owes the TOTP code
PENDING_SECONDS = 300
TOUCH_EVERY_SECONDS = 60
_KEEP = ("locale",)  # survives a login or logout: the language chosen on the login page


def _reset_cookie() -> None:
    kept = {key: session[key] for key in _KEEP if key in session}
    session.clear()
    session.update(kept)


def begin(user: Any) -> None:
    """Start a fresh session for ``user`` (whose password and second factor were checked)."""
    _reset_cookie()
    login_user(user)
    now = clock.timestamp()
    session[LOGIN_AT] = session[SEEN_AT] = session[AUTH_AT] = now


def renew(user: Any) -> None:
    """Keep this session after ``user.session_version`` was raised (other sessions end)."""
    login_user(user)
    session[AUTH_AT] = clock.timestamp()


def idle_seconds() -> float:
    return float(current_app.config.get("KIMADMIN_SESSION_IDLE_MINUTES", 30)) * 60


def absolute_seconds() -> float:
    return current_app.permanent_session_lifetime.total_seconds()


def expired() -> bool:
    """Whether the logged-in session is past its idle timeout or absolute lifetime."""
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, (int, float)) or not isinstance(seen_at, (int, float)):
        return True
    now = clock.timestamp()
    return now - login_at > absolute_seconds() or now - seen_at > idle_seconds()


def touch() -> None:
    """Note activity (rewriting the cookie at most once a minute)."""
    now = clock.timestamp()
    if now - float(session.get(SEEN_AT) or 0) >= TOUCH_EVERY_SECONDS:
        session[SEEN_AT] = now


def discard(message: str | None = None) -> None:
    """Forget the login of this cookie (from the user loader, where ``logout_user`` would recurse)."""
    _reset_cookie()
    if message:
        flash(message, "info")


def discard_expired() -> None:
    discard(_("Your session has expired. Please log in again."))


def discard_ended() -> None:
    """The user's sessions were ended elsewhere (password change, "log out everywhere", an admin)."""
    discard(_("Your session was ended: the password was changed or all sessions were logged out."))


def recently_authenticated() -> bool:
    """Whether the password was checked within ``KIMADMIN_REAUTH_MINUTES`` (a fresh login counts)."""
    auth_at = session.get(AUTH_AT)
    window = float(current_app.config.get("KIMADMIN_REAUTH_MINUTES", 15)) * 60
    return isinstance(auth_at, (int, float)) and clock.timestamp() - auth_at <= window


def mark_authenticated() -> None:
    session[AUTH_AT] = clock.timestamp()


def set_pending(user: Any, next_url: str) -> None:
    """Remember, for five minutes, that ``user`` passed the password step (not logged in yet)."""
    _reset_cookie()
    session[PENDING] = {"uid": user.id, "ver": user.session_version, "at": clock.timestamp(), "next": next_url}


def pending() -> dict[str, Any] | None:
    value = session.get(PENDING)
    if not isinstance(value, dict) or not isinstance(value.get("at"), (int, float)):
        return None
    if clock.timestamp() - value["at"] > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    return value


def clear_pending() -> None:
    session.pop(PENDING, None)
