"""Users, roles and permissions; the login-security state of a user (lockout, TOTP, sessions)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.permissions import ROLE_BY_NAME
from ..crypto import EncryptedString
from ..extensions import db
from ..tenancy import NOBODY, Scope, ScopedByRegency
from .mixins import utcnow

role_permission = sa.Table(
    "role_permission",
    db.metadata,
    sa.Column("role_name", sa.ForeignKey("role.name", ondelete="CASCADE"), primary_key=True),
    sa.Column("permission_name", sa.ForeignKey("permission.name", ondelete="CASCADE"), primary_key=True),
)


class Permission(db.Model):
    __tablename__ = "permission"

    name: Mapped[str] = mapped_column(sa.String(100), primary_key=True)

    def __str__(self) -> str:
        return self.name


class Role(db.Model):
    __tablename__ = "role"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    rank: Mapped[int] = mapped_column(sa.Integer)
    scope_level: Mapped[str] = mapped_column(sa.String(10))

    permissions: Mapped[list[Permission]] = relationship(secondary=role_permission)

    @property
    def label(self) -> str:
        spec = ROLE_BY_NAME.get(self.name)
        return str(spec.label) if spec else self.name

    def __str__(self) -> str:
        return self.label


class User(UserMixin, ScopedByRegency, db.Model):
    """A person who logs in. Scope: nation (superadmin), a province, or a regency."""

    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role_name: Mapped[str] = mapped_column(sa.ForeignKey("role.name"), index=True)
    province_code: Mapped[str | None] = mapped_column(sa.ForeignKey("province.code"), index=True)
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    # Login security (kimadmin/auth). Users made by the CLI or an admin get must_change_password;
    # the column default is False so that existing rows and test factories are not affected.
    must_change_password: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    password_changed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    failed_login_count: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Part of the session's user id: raising it ends every session of the user (see get_id).
    session_version: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")
    # TOTP (RFC 6238): the secret is stored while enrolment is pending, totp_enabled once confirmed;
    # totp_last_step refuses a code that was already used (replay). The secret is stored
    # encrypted (kimadmin/crypto.py): a copy of the database alone cannot produce codes.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedString(255))
    totp_enabled: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    role: Mapped[Role] = relationship()
    regency = relationship("Regency")
    province = relationship("Province")
    # Loaded with the user (one statement): which plugins are on for the user's regency.
    plugin_activations = relationship(
        "PluginActivation",
        primaryjoin="foreign(PluginActivation.regency_code) == User.regency_code",
        viewonly=True,
    )

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive users cannot log in
        return bool(self.active)

    def get_id(self) -> str:
        """Flask-Login's session id: ``"<id>:<session_version>"``.

        The user loader compares the version with the row it loads anyway, so a password change
        or "log out everywhere" (which raise the version) ends other sessions without a query.
        """
        return f"{self.id}:{self.session_version or 1}"

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and as_utc(self.locked_until) > now

    @property
    def scope(self) -> Scope:
        level = self.role.scope_level
        if level == "nation":
            return Scope("nation")
        if level == "province" and self.province_code:
            return Scope.for_province(self.province_code)
        if level == "regency" and self.regency_code:
            return Scope.for_regency(self.regency_code)
        return NOBODY

    @property
    def permissions(self) -> frozenset[str]:
        cached = self.__dict__.get("_permission_cache")
        if cached is None:
            cached = frozenset(p.name for p in self.role.permissions)
            self.__dict__["_permission_cache"] = cached
        return cached

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def __str__(self) -> str:
        return self.full_name or self.email


def as_utc(value: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns; they are stored in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class PasswordResetToken(db.Model):
    """A one-time password-reset link an admin gave to a user (no e-mail server is assumed).

    Only the SHA-256 of the token is stored: the link is shown once, to the admin who made it.
    """

    __tablename__ = "password_reset_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class RecoveryCode(db.Model):
    """A one-time recovery code for the second factor, stored as a SHA-256 (60 random bits)."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class AuthSession(db.Model):
    """One logged-in browser session, so that logging out ends *that* session for good (ASVS 3.3.1).

    Sessions live in signed cookies; a copied cookie would otherwise stay valid after logout until
    its absolute lifetime. The cookie carries a random session id; only its SHA-256 is stored here
    (a database dump yields no usable session). The user loader accepts a cookie only while its row
    exists, logout deletes the row, and ending all sessions (password change, "log out everywhere",
    an admin's reset) deletes the user's other rows besides raising ``User.session_version``.
    """

    __tablename__ = "auth_session"

    id_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
