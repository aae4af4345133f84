"""KIM (Kelompok Informasi Masyarakat): the first tenant-owned entity."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..tenancy import TenantOwned
from .mixins import Timestamped
from .regions import Village, regency_code_of

KIM_STATUSES = {
    "aktif": _l("Active"),
    "tidak_aktif": _l("Inactive"),
}


class Kim(TenantOwned, Timestamped, db.Model):
    __tablename__ = "kim"
    __table_args__ = (
        sa.CheckConstraint("status IN ('aktif', 'tidak_aktif')", name="status"),
        sa.Index("ix_kim_regency_code_name", "regency_code", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(150))
    village_code: Mapped[str] = mapped_column(sa.ForeignKey("village.code"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="aktif")
    founded_on: Mapped[date | None] = mapped_column(sa.Date)

    village: Mapped[Village] = relationship()
    regency = relationship("Regency", viewonly=True)

    def tenant_regency_code(self) -> str:
        village_code = self.village.code if self.village is not None else self.village_code
        return regency_code_of(village_code)

    def __str__(self) -> str:
        return self.name
