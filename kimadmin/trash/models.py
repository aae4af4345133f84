"""One deletion moved to the trash: what was deleted (with a label kept from that moment), when,
by whom, and how many records went with it.

The batch is scoped by the regency of what it holds (:class:`~kimadmin.tenancy.ScopedByRegency`),
so the trash screen, restore and purge are limited to the user's area by the tenancy layer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models.mixins import utcnow
from ..tenancy import ScopedByRegency

__all__ = ["TrashBatch"]


class TrashBatch(ScopedByRegency, db.Model):
    __tablename__ = "trash_batch"
    __audit__ = False  # each trashed row has its own "moved to trash" audit entry (kimadmin.audit)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The trashed record the user chose: its table and id, and a label such as "KIM Manteb".
    item_table: Mapped[str] = mapped_column(sa.String(60))
    item_id: Mapped[int] = mapped_column(sa.Integer)
    label: Mapped[str] = mapped_column(sa.String(300))
    deleted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    deleted_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    # Kept as text: a regency officer sees who deleted even when that user lies outside their scope.
    deleted_by_name: Mapped[str | None] = mapped_column(sa.String(200))
    # Records per table that went with it, e.g. {"board": 2, "board_member": 9}.
    counts: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    def __str__(self) -> str:
        return self.label
