"""Session lifetime, recent authentication and the pending second step of a login.

Sessions are Flask's signed cookies. Besides Flask-Login's user id (``"<id>:<session_version>"``,
see ``User.get_id``) the cookie holds a random session id (``kim_sid``) whose SHA-256 is a row of
``auth_session`` while the session lives: the user loader checks it in the same statement that
loads the user, and logout deletes it, so a copied cookie dies with the logout (ASVS 3.3.1) while
the user's other devices stay logged in. The cookie also holds three timestamps, checked without
any SQL:

* ``kim_login_at``: when the session began; past ``PERMANENT_SESSION_LIFETIME`` it ends
  (absolute lifetime, ASVS 3.3.1);
* ``kim_seen_at``: the last request (refreshed at most once a minute); after
  ``KIMADMIN_SESSION_IDLE_MINUTES`` without one the session ends (idle timeout);
* ``kim_auth_at``: the last time the password (and the TOTP code, if enabled) was checked; changing
  users or roles needs it younger than ``KIMADMIN_REAUTH_MINUTES`` (see :func:`recently_authenticated`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, flash, has_request_context, session
from flask_babel import gettext as _
from flask_login import login_user

from ..extensions import db
from ..models.users import AuthSession
from . import clock

LOGIN_AT = "kim_login_at"
SEEN_AT = "kim_seen_at"
AUTH_AT = "kim_auth_at"
SID = "kim_sid"  # the random id of this session; its hash is the auth_session row
PENDING = "kim_pending"  # the user who passed the password and owes the TOTP code
PENDING_SECONDS = 300
TOUCH_EVERY_SECONDS = 60
_KEEP = ("locale",)  # survives a login or logout: the language chosen on the login page


def _reset_cookie() -> None:
    kept = {key: session[key] for key in _KEEP if key in session}
    session.clear()
    session.update(kept)


def hash_sid(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def current_sid_hash() -> str | None:
    """The stored form of this cookie's session id, or ``None`` (anonymous, or an old cookie)."""
    sid = session.get(SID) if has_request_context() else None
    return hash_sid(sid) if isinstance(sid, str) and sid else None


def record_new(user: Any) -> str:
    """Add the server-side row of a new session of ``user`` (the caller commits); returns its id.

    The user's rows older than the absolute lifetime are deleted on the way: their cookies are
    refused anyway, and the table stays as small as the number of live sessions.
    """
    now = clock.now()
    db.session.execute(
        sa.delete(AuthSession).where(
            AuthSession.user_id == user.id,
            AuthSession.created_at < now - timedelta(seconds=absolute_seconds()),
        )
    )
    sid = secrets.token_urlsafe(32)
    db.session.add(AuthSession(id_hash=hash_sid(sid), user_id=user.id, created_at=now))
    return sid


def begin(user: Any, sid: str) -> None:
    """Start a fresh cookie session for ``user`` (whose password and second factor were checked).

    ``sid`` comes from :func:`record_new`, committed before: the cookie never names a session the
    database does not know.
    """
    _reset_cookie()
    login_user(user)
    now = clock.timestamp()
    session[LOGIN_AT] = session[SEEN_AT] = session[AUTH_AT] = now
    session[SID] = sid


def end_current() -> None:
    """Delete this session's row (logout): a copy of the cookie is refused from now on."""
    id_hash = current_sid_hash()
    if id_hash is not None:
        db.session.execute(sa.delete(AuthSession).where(AuthSession.id_hash == id_hash))


def end_all(user: Any) -> None:
    """End every session of ``user`` (password change, "log out everywhere", an admin's reset).

    Raises ``User.session_version`` (every cookie of the user, this one included, is refused
    unless :func:`renew` re-issues it) and deletes the user's session rows, except this request's
    own when it is one of theirs, so that :func:`renew` can keep it. The caller commits.
    """
    user.session_version = (user.session_version or 1) + 1
    statement = sa.delete(AuthSession).where(AuthSession.user_id == user.id)
    keep = current_sid_hash()
    if keep is not None:
        statement = statement.where(AuthSession.id_hash != keep)
    db.session.execute(statement)


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
