"""Activities (kegiatan) of the office and of KIM, with participants and attendance.

Study visits (studi tiru / studi banding) are activities of kind ``studi_tiru`` with a
direction and the partner agency and its region.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..concurrency import Versioned
from ..extensions import db
from ..tenancy import RegencyOwned, TenantOwned
from ..trash.columns import Trashable
from .mixins import Timestamped


class Activity(Trashable, Versioned, RegencyOwned, Timestamped, db.Model):
    __tablename__ = "activity"
    __table_args__ = (
        sa.CheckConstraint("end_on IS NULL OR end_on >= start_on", name="dates"),
        sa.Index("ix_activity_regency_code_start_on", "regency_code", "start_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    start_on: Mapped[date] = mapped_column(sa.Date)
    end_on: Mapped[date | None] = mapped_column(sa.Date)
    place: Mapped[str | None] = mapped_column(sa.String(300))
    organiser: Mapped[str | None] = mapped_column(sa.String(30))
    organiser_name: Mapped[str | None] = mapped_column(sa.String(200))
    theme: Mapped[str | None] = mapped_column(sa.String(300))
    headcount: Mapped[int | None] = mapped_column(sa.Integer)
    budget: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    budget_source: Mapped[str | None] = mapped_column(sa.String(30))
    # Study visits
    direction: Mapped[str | None] = mapped_column(sa.String(10))
    partner_agency: Mapped[str | None] = mapped_column(sa.String(200))
    partner_regency_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regency.code"))
    topic: Mapped[str | None] = mapped_column(sa.String(500))
    documentation_url: Mapped[str | None] = mapped_column(sa.String(500))
    notes: Mapped[str | None] = mapped_column(sa.Text)

    regency = relationship("Regency", foreign_keys="Activity.regency_code", viewonly=True)
    partner_regency = relationship("Regency", foreign_keys=[partner_regency_code])
    participants: Mapped[list[ActivityParticipant]] = relationship(
        back_populates="activity", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return self.title


class ActivityParticipant(Trashable, TenantOwned, db.Model):
    """A KIM or FK Metra group taking part in an activity, with how many attended."""

    __tablename__ = "activity_participant"
    __table_args__ = (
        sa.CheckConstraint("(kim_id IS NULL) <> (fkmetra_group_id IS NULL)", name="one_participant"),
        sa.UniqueConstraint("activity_id", "kim_id", name="uq_activity_participant_kim"),
        sa.UniqueConstraint("activity_id", "fkmetra_group_id", name="uq_activity_participant_group"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    kim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kim.id", ondelete="CASCADE"), index=True)
    fkmetra_group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("fkmetra_group.id", ondelete="CASCADE"), index=True
    )
    attendees: Mapped[int | None] = mapped_column(sa.Integer)
    attended: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    notes: Mapped[str | None] = mapped_column(sa.String(300))

    activity: Mapped[Activity] = relationship(back_populates="participants")
    kim = relationship("Kim", backref=sa.orm.backref("participations", passive_deletes=True))
    fkmetra_group = relationship("FkMetraGroup", backref=sa.orm.backref("participations", passive_deletes=True))

    def tenant_regency_code(self) -> str:
        return self.activity.tenant_regency_code()

    def __str__(self) -> str:
        return str(self.kim or self.fkmetra_group)
