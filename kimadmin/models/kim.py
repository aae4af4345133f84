"""KIM (Kelompok Informasi Masyarakat), its status history and the per-regency level list."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..concurrency import Versioned
from ..extensions import db
from ..personal_data import PHONE
from ..tenancy import SharedOrScoped, TenantOwned
from ..trash.columns import Trashable
from .choices import KIM_STATUSES
from .mixins import Timestamped, utcnow
from .regions import Village, regency_code_of

__all__ = ["KIM_STATUSES", "Kim", "KimLevel", "KimStatusChange"]

_STATUS_CHECK = "status IN ({})".format(", ".join(f"'{s}'" for s in KIM_STATUSES))


class KimLevel(SharedOrScoped, db.Model):
    """A development level (Pemula, Berkembang, Maju, Mandiri by default).

    No national regulation fixes the levels: rows without a regency are the defaults, and a
    regency that adds its own levels uses those instead.
    """

    __tablename__ = "kim_level"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    position: Mapped[int] = mapped_column(sa.Integer, default=0)

    def __str__(self) -> str:
        return self.name


class Kim(Trashable, Versioned, TenantOwned, Timestamped, db.Model):
    __tablename__ = "kim"
    # Personal data (UU 27/2022): masked in screens, exports and the audit history.
    __personal_data__ = {"contact_phone": PHONE}
    __table_args__ = (
        sa.CheckConstraint(_STATUS_CHECK, name="status"),
        sa.Index("ix_kim_regency_code_name", "regency_code", "name"),
        sa.Index("ix_kim_regency_code_status", "regency_code", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(150))
    village_code: Mapped[str] = mapped_column(sa.ForeignKey("village.code"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="aktif")
    status_reason: Mapped[str | None] = mapped_column(sa.String(500))
    status_since: Mapped[date | None] = mapped_column(sa.Date)
    level_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kim_level.id"), index=True)
    founded_on: Mapped[date | None] = mapped_column(sa.Date)
    is_pilot: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())  # KIM rintisan
    address: Mapped[str | None] = mapped_column(sa.String(300))
    contact_name: Mapped[str | None] = mapped_column(sa.String(120))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(20))  # personal data: masked
    email: Mapped[str | None] = mapped_column(sa.String(254))
    members_count: Mapped[int | None] = mapped_column(sa.Integer)
    kimid_number: Mapped[str | None] = mapped_column(sa.String(50))  # registration on kim.id
    kimid_url: Mapped[str | None] = mapped_column(sa.String(300))
    logo_path: Mapped[str | None] = mapped_column(sa.String(100))
    notes: Mapped[str | None] = mapped_column(sa.Text)

    village: Mapped[Village] = relationship()
    regency = relationship("Regency", viewonly=True)
    level: Mapped[KimLevel | None] = relationship()
    status_history: Mapped[list[KimStatusChange]] = relationship(
        back_populates="kim", order_by="KimStatusChange.changed_on.desc()", cascade="all, delete-orphan"
    )

    def tenant_regency_code(self) -> str:
        village = self.__dict__.get("village")  # set in this unit of work: not yet in village_code
        return regency_code_of(village.code if village is not None else self.village_code)

    @property
    def status_label(self) -> str:
        return str(KIM_STATUSES.get(self.status, self.status))

    def __str__(self) -> str:
        return self.name


class KimStatusChange(TenantOwned, db.Model):
    """One entry of a KIM's dated status history, with the reason given."""

    __tablename__ = "kim_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    kim_id: Mapped[int] = mapped_column(sa.ForeignKey("kim.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20))
    changed_on: Mapped[date] = mapped_column(sa.Date)
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    kim: Mapped[Kim] = relationship(back_populates="status_history")
    recorded_by = relationship("User")

    def tenant_regency_code(self) -> str:
        return self.kim.tenant_regency_code()

    def __str__(self) -> str:
        status = KIM_STATUSES.get(self.status, self.status)
        return str(_l("%(status)s since %(date)s", status=status, date=self.changed_on))
