"""Awards won by a KIM, an FK Metra group or the regency itself (rank 1-6 with its label)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..tenancy import RegencyOwned
from ..trash.columns import Trashable
from .choices import DEFAULT_RANK_LABELS
from .mixins import Timestamped


class Award(Trashable, RegencyOwned, Timestamped, db.Model):
    __tablename__ = "award"
    __table_args__ = (
        sa.CheckConstraint("rank BETWEEN 1 AND 6", name="rank"),
        sa.CheckConstraint("NOT (kim_id IS NOT NULL AND fkmetra_group_id IS NOT NULL)", name="one_winner"),
        sa.Index("ix_award_regency_code_year", "regency_code", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Winner: a KIM, an FK Metra group, or (both empty) the regency itself.
    kim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kim.id", ondelete="CASCADE"), index=True)
    fkmetra_group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("fkmetra_group.id", ondelete="CASCADE"), index=True
    )
    contest_name: Mapped[str] = mapped_column(sa.String(300))
    level: Mapped[str] = mapped_column(sa.String(20))
    organiser: Mapped[str | None] = mapped_column(sa.String(200))
    year: Mapped[int] = mapped_column(sa.Integer)
    category: Mapped[str | None] = mapped_column(sa.String(200))
    rank: Mapped[int] = mapped_column(sa.Integer)
    rank_label: Mapped[str | None] = mapped_column(sa.String(60))
    work_title: Mapped[str | None] = mapped_column(sa.String(300))
    prize: Mapped[str | None] = mapped_column(sa.String(300))

    kim = relationship("Kim", backref=sa.orm.backref("awards", order_by="Award.year.desc()", passive_deletes=True))
    fkmetra_group = relationship("FkMetraGroup", backref=sa.orm.backref("awards", passive_deletes=True))
    regency = relationship("Regency", viewonly=True)

    def tenant_regency_code(self) -> str:
        winner = self.kim if self.kim is not None else self.fkmetra_group
        return winner.tenant_regency_code() if winner is not None else super().tenant_regency_code()

    @property
    def winner_label(self) -> str:
        return str(self.kim or self.fkmetra_group or self.regency)

    @property
    def label(self) -> str:
        return self.rank_label or str(DEFAULT_RANK_LABELS.get(self.rank, self.rank))

    def __str__(self) -> str:
        return f"{self.label} {self.contest_name} {self.year}"
