"""Users, roles and permissions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.permissions import ROLE_BY_NAME
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

    role: Mapped[Role] = relationship()
    regency = relationship("Regency")
    province = relationship("Province")

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive users cannot log in
        return bool(self.active)

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
