"""FK Metra: the regency forum, its traditional-arts groups and their performances."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..concurrency import Versioned
from ..extensions import db
from ..tenancy import RegencyOwned, TenantOwned
from ..trash.columns import Trashable
from .mixins import Timestamped
from .regions import Village, regency_code_of

performance_group = sa.Table(
    "fkmetra_performance_group",
    db.metadata,
    sa.Column("performance_id", sa.ForeignKey("fkmetra_performance.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("group_id", sa.ForeignKey("fkmetra_group.id", ondelete="CASCADE"), primary_key=True),
)


class FkMetraForum(RegencyOwned, Timestamped, db.Model):
    """The regency's forum, formed by SK Bupati/Walikota for a 5-year term (decrees and board attached)."""

    __tablename__ = "fkmetra_forum"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    formed_on: Mapped[date | None] = mapped_column(sa.Date)
    address: Mapped[str | None] = mapped_column(sa.String(300))
    notes: Mapped[str | None] = mapped_column(sa.Text)

    regency = relationship("Regency", viewonly=True)

    def __str__(self) -> str:
        return self.name


class FkMetraGroup(Trashable, Versioned, TenantOwned, Timestamped, db.Model):
    __tablename__ = "fkmetra_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    art_form: Mapped[str] = mapped_column(sa.String(30), index=True)
    village_code: Mapped[str] = mapped_column(sa.ForeignKey("village.code"), index=True)
    leader_name: Mapped[str | None] = mapped_column(sa.String(120))
    performers: Mapped[int | None] = mapped_column(sa.Integer)
    status: Mapped[str] = mapped_column(sa.String(20), default="aktif")
    notes: Mapped[str | None] = mapped_column(sa.Text)

    village: Mapped[Village] = relationship()

    def tenant_regency_code(self) -> str:
        village = self.__dict__.get("village")
        return regency_code_of(village.code if village is not None else self.village_code)

    def __str__(self) -> str:
        return self.name


class FkMetraPerformance(RegencyOwned, Timestamped, db.Model):
    """A performance (pertunjukan rakyat) carrying an office's message, e.g. stunting prevention."""

    __tablename__ = "fkmetra_performance"

    id: Mapped[int] = mapped_column(primary_key=True)
    performed_on: Mapped[date] = mapped_column(sa.Date, index=True)
    place: Mapped[str] = mapped_column(sa.String(300))
    requesting_office: Mapped[str | None] = mapped_column(sa.String(200))
    message_theme: Mapped[str] = mapped_column(sa.String(300))
    audience: Mapped[int | None] = mapped_column(sa.Integer)
    documentation_url: Mapped[str | None] = mapped_column(sa.String(500))
    notes: Mapped[str | None] = mapped_column(sa.Text)

    groups: Mapped[list[FkMetraGroup]] = relationship(secondary=performance_group)

    def __str__(self) -> str:
        return f"{self.message_theme} ({self.performed_on})"
