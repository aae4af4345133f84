"""The audit table: one row per created, changed or deleted record, and per security event.

Rows are written with one plain multi-row INSERT per transaction (:mod:`kimadmin.audit.capture`),
never through the ORM unit of work, and the ORM refuses to update or delete them: from the
application's point of view the table is append-only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models.mixins import utcnow
from ..tenancy import ScopedByRegency

__all__ = ["ACTIONS", "AuditEntry", "AuditTampering"]

CREATE, UPDATE, DELETE = "create", "update", "delete"
TRASH, RESTORE = "trash", "restore"
ROLE_CHANGE = "role_change"
PLUGIN_ENABLE, PLUGIN_DISABLE = "plugin_enable", "plugin_disable"
IMPORT = "import"
ACTIONS = (CREATE, UPDATE, DELETE, TRASH, RESTORE, ROLE_CHANGE, PLUGIN_ENABLE, PLUGIN_DISABLE, IMPORT)


class AuditTampering(Exception):
    """Something tried to change or delete an audit entry through the ORM."""


class AuditEntry(ScopedByRegency, db.Model):
    """Who changed what, when, from where, and how (field by field, personal data masked).

    ``regency_code`` is the regency of the record, so the usual scoping shows a regency admin
    their own regency's entries only. ``user_label`` keeps the name of the user as it was, so an
    entry stays readable after the account is gone; ``system`` marks writes outside a request.
    ``changes`` maps each field to ``[before, after]``.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (
        sa.Index("ix_audit_entry_object_type_object_id", "object_type", "object_id"),
        sa.Index("ix_audit_entry_regency_code_occurred_at", "regency_code", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    user_label: Mapped[str] = mapped_column(sa.String(254))
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    action: Mapped[str] = mapped_column(sa.String(20), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(80))
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    object_label: Mapped[str] = mapped_column(sa.String(200), default="")
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    regency = relationship("Regency", viewonly=True)

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.object_label}"


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_changes(mapper: Any, connection: Any, target: AuditEntry) -> None:
    raise AuditTampering(f"audit entry {target.id} is append-only")
