"""Authentication: sessions (Flask-Login), argon2 passwords, roles and permissions."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import joinedload

from ..extensions import db, login_manager
from ..tenancy import unscoped


def init_app(app: Flask) -> None:
    from ..models.users import Role, User
    from .views import bp

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        if not user_id.isdigit():
            return None
        # One statement: the user with role and permissions (keeps list pages at a fixed count).
        with unscoped():
            return db.session.scalar(
                sa.select(User)
                .options(joinedload(User.role).joinedload(Role.permissions))
                .where(User.id == int(user_id), User.active.is_(True))
            )

    app.register_blueprint(bp)
