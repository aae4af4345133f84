"""The login and account-security journal: one row per login attempt or security action."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..tenancy import ScopedByRegency
from .mixins import utcnow

__all__ = ["AuthEvent"]


class AuthEvent(ScopedByRegency, db.Model):
    """Who tried what, when and from where (ASVS V7; UU 27/2022 access accountability).

    Rows are written with plain INSERTs (``kimadmin.auth.events.record``), also for anonymous
    requests, and carry the user's regency so that a regency admin sees only their own regency's
    events through the usual scoping. The e-mail that was typed is stored masked: people type
    passwords into the e-mail field. Rows outlive a deleted user (``user_id`` becomes empty).
    """

    __tablename__ = "auth_event"
    __table_args__ = (sa.Index("ix_auth_event_user_id_occurred_at", "user_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    outcome: Mapped[str] = mapped_column(sa.String(40))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    # The admin who acted (unlock, reset link, second-factor reset), when not the user.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    email_masked: Mapped[str | None] = mapped_column(sa.String(254))
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(255))
