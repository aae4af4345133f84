"""Authentication: sessions (Flask-Login), argon2 passwords, roles and permissions.

Login security (README "Security"): throttling and lockout (``throttle``, ``service``), the
password policy (``policy``), two-factor login (``totp``), session lifetime and re-authentication
(``sessions``), reset links (``reset``) and the login journal (``events``).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import joinedload

from ..extensions import db, login_manager
from ..tenancy import unscoped


def init_app(app: Flask) -> None:
    from ..models.users import AuthSession, Role, User
    from . import sessions, throttle
    from .views import bp, gate

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        """The session's user, or ``None`` if the session expired or was ended elsewhere.

        The id is ``"<id>:<session_version>"`` (``User.get_id``); the timestamps are in the cookie,
        so expiry and "log out everywhere" cost no SQL beyond loading the user. Whether this session
        was logged out is checked in the same statement (an EXISTS on ``auth_session``).
        """
        uid, _, version = user_id.partition(":")
        sid_hash = sessions.current_sid_hash()
        if not uid.isdigit() or not version.isdigit() or sid_hash is None:
            sessions.discard()
            return None
        if sessions.expired():
            sessions.discard_expired()
            return None
        # One statement: the user with role and permissions (keeps list pages at a fixed count).
        with unscoped():
            user = db.session.scalar(
                sa.select(User)
                .options(
                    joinedload(User.role).joinedload(Role.permissions),
                    joinedload(User.plugin_activations),
                    # The page header names the user's regency or province: no lazy load per page.
                    joinedload(User.regency),
                    joinedload(User.province),
                )
                .where(User.id == int(uid), User.active.is_(True))
                .where(sa.exists().where(AuthSession.id_hash == sid_hash, AuthSession.user_id == User.id))
            )
        if user is None:  # deactivated or deleted, or this session was logged out
            sessions.discard()
            return None
        if user.session_version != int(version):
            sessions.discard_ended()
            return None
        sessions.touch()
        return user

    app.register_blueprint(bp)
    app.before_request(gate)
    throttle.init_app(app)
