"""Monev (monitoring and evaluation) assessments with a configurable weighted indicator list."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..tenancy import SharedOrScoped, TenantOwned
from ..trash.columns import Trashable
from .choices import SUGGESTED_STATUS_THRESHOLDS
from .mixins import Timestamped


class MonevIndicator(SharedOrScoped, db.Model):
    """An indicator with its weight (%) and score range; rows without a regency are the defaults."""

    __tablename__ = "monev_indicator"
    __table_args__ = (
        sa.CheckConstraint("weight > 0 AND weight <= 100", name="weight"),
        sa.CheckConstraint("max_score > 0", name="max_score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    weight: Mapped[int] = mapped_column(sa.Integer)
    max_score: Mapped[int] = mapped_column(sa.Integer, default=100)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)

    def __str__(self) -> str:
        return self.name


class MonevAssessment(Trashable, TenantOwned, Timestamped, db.Model):
    __tablename__ = "monev_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    kim_id: Mapped[int] = mapped_column(sa.ForeignKey("kim.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(sa.String(20))  # e.g. "2024" or "2024-S2"
    visited_on: Mapped[date] = mapped_column(sa.Date)
    assessors: Mapped[str | None] = mapped_column(sa.String(300))
    total: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))  # 0-100, computed
    suggested_status: Mapped[str | None] = mapped_column(sa.String(20))  # computed
    evidence: Mapped[str | None] = mapped_column(sa.Text)
    obstacles: Mapped[str | None] = mapped_column(sa.Text)
    recommendations: Mapped[str | None] = mapped_column(sa.Text)
    follow_up: Mapped[str | None] = mapped_column(sa.Text)

    kim = relationship("Kim", backref=sa.orm.backref("monev_assessments", passive_deletes=True))
    scores: Mapped[list[MonevScore]] = relationship(back_populates="assessment", cascade="all, delete-orphan")

    def tenant_regency_code(self) -> str:
        return self.kim.tenant_regency_code()

    def compute(self) -> None:
        """Weighted total on a 0-100 scale and the status it suggests."""
        weights = sum(score.indicator.weight for score in self.scores if score.value is not None)
        if not weights:
            self.total, self.suggested_status = None, None
            return
        weighted = sum(
            Decimal(score.value) / Decimal(score.indicator.max_score) * score.indicator.weight
            for score in self.scores
            if score.value is not None
        )
        self.total = (weighted / weights * 100).quantize(Decimal("0.01"))
        self.suggested_status = next(status for floor, status in SUGGESTED_STATUS_THRESHOLDS if self.total >= floor)

    def __str__(self) -> str:
        return f"Monev {self.period}"


class MonevScore(TenantOwned, db.Model):
    __tablename__ = "monev_score"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "indicator_id", name="uq_monev_score_indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("monev_assessment.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("monev_indicator.id"))
    value: Mapped[int | None] = mapped_column(sa.Integer)
    note: Mapped[str | None] = mapped_column(sa.String(300))

    assessment: Mapped[MonevAssessment] = relationship(back_populates="scores")
    indicator: Mapped[MonevIndicator] = relationship()

    def tenant_regency_code(self) -> str:
        return self.assessment.tenant_regency_code()
