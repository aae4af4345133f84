"""Import history: who imported which file of which kind into which regency, and what it wrote."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..tenancy import RegencyOwned, TenantOwned
from .mixins import utcnow


class ImportBatch(RegencyOwned, db.Model):
    """One confirmed import. Scoped like every tenant row: another regency's batch is a 404."""

    __tablename__ = "import_batch"
    __audit_actions__ = {"create": "import"}  # its audit entry reads "Imported" (kimadmin.audit)
    __audit_exclude__ = ("upload_token",)  # a name of the (deleted) uploaded file, nothing to read
    __table_args__ = (sa.Index("ix_import_batch_regency_code_created_at", "regency_code", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    file_name: Mapped[str] = mapped_column(sa.String(255))
    source: Mapped[str] = mapped_column(sa.String(10), default="web")  # "web" or "cli"
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    rows_total: Mapped[int] = mapped_column(sa.Integer, default=0)
    rows_created: Mapped[int] = mapped_column(sa.Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(sa.Integer, default=0)
    rows_skipped: Mapped[int] = mapped_column(sa.Integer, default=0)
    # The screen's upload it applied: unique, so one upload is applied at most once, whatever
    # the clicks and tabs (kimadmin.imports.service). Empty for the command line.
    upload_token: Mapped[str | None] = mapped_column(sa.String(32), unique=True)

    user = relationship("User")
    regency = relationship("Regency", viewonly=True)
    records: Mapped[list[ImportRecord]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", order_by="ImportRecord.id"
    )

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"


class ImportRecord(TenantOwned, db.Model):
    """A record an import created or changed (``entity`` is the admin endpoint of its screen)."""

    __tablename__ = "import_record"
    __audit__ = False  # the imported rows have audit entries of their own (kimadmin.audit)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("import_batch.id", ondelete="CASCADE"), index=True)
    row_number: Mapped[int] = mapped_column(sa.Integer)
    entity: Mapped[str] = mapped_column(sa.String(30))
    entity_id: Mapped[int] = mapped_column(sa.Integer)
    action: Mapped[str] = mapped_column(sa.String(10))  # "created" or "updated"

    batch: Mapped[ImportBatch] = relationship(back_populates="records")

    def tenant_regency_code(self) -> str:
        return self.batch.tenant_regency_code()
