"""Boards (kepengurusan) with their terms, and board members (personal data)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..concurrency import Versioned
from ..extensions import db
from ..personal_data import BIRTH_DATE, NIK, PHONE
from ..tenancy import TenantOwned
from ..trash.columns import Trashable
from .choices import BOARD_POSITIONS
from .mixins import Timestamped


class Board(Trashable, Versioned, TenantOwned, Timestamped, db.Model):
    """One term of a KIM's or FK Metra forum's board, usually confirmed by an SK."""

    __tablename__ = "board"
    __table_args__ = (
        sa.CheckConstraint("(kim_id IS NULL) <> (forum_id IS NULL)", name="one_owner"),
        sa.CheckConstraint("term_end > term_start", name="term_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kim.id", ondelete="CASCADE"), index=True)
    forum_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fkmetra_forum.id", ondelete="CASCADE"), index=True)
    decree_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decree.id", ondelete="SET NULL"), index=True)
    term_start: Mapped[date] = mapped_column(sa.Date)
    term_end: Mapped[date] = mapped_column(sa.Date, index=True)
    notes: Mapped[str | None] = mapped_column(sa.String(500))

    kim = relationship(
        "Kim", backref=sa.orm.backref("boards", order_by="Board.term_start.desc()", passive_deletes=True)
    )
    forum = relationship(
        "FkMetraForum", backref=sa.orm.backref("boards", order_by="Board.term_start.desc()", passive_deletes=True)
    )
    decree = relationship("Decree")
    members: Mapped[list[BoardMember]] = relationship(
        back_populates="board", cascade="all, delete-orphan", order_by="BoardMember.id"
    )

    def tenant_regency_code(self) -> str:
        owner = self.kim if self.kim is not None else self.forum
        return owner.tenant_regency_code()

    def is_current(self, today: date) -> bool:
        return self.term_start <= today <= self.term_end

    def __str__(self) -> str:
        return f"{self.term_start:%Y}-{self.term_end:%Y}"


class BoardMember(Trashable, TenantOwned, db.Model):
    __tablename__ = "board_member"
    # Personal data (UU 27/2022): masked in screens, exports and the audit history.
    __personal_data__ = {"phone": PHONE, "nik": NIK, "birth_date": BIRTH_DATE}
    __table_args__ = (sa.CheckConstraint("end_on IS NULL OR start_on IS NULL OR end_on >= start_on", name="dates"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(sa.ForeignKey("board.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    gender: Mapped[str | None] = mapped_column(sa.String(1))
    birth_date: Mapped[date | None] = mapped_column(sa.Date)  # personal data
    phone: Mapped[str | None] = mapped_column(sa.String(20))  # personal data, E.164
    nik: Mapped[str | None] = mapped_column(sa.String(16))  # personal data, optional
    position: Mapped[str] = mapped_column(sa.String(30))
    section_name: Mapped[str | None] = mapped_column(sa.String(120))  # for "seksi"
    start_on: Mapped[date | None] = mapped_column(sa.Date)
    end_on: Mapped[date | None] = mapped_column(sa.Date)
    leave_reason: Mapped[str | None] = mapped_column(sa.String(300))

    board: Mapped[Board] = relationship(back_populates="members")

    @property
    def position_order(self) -> int:
        return list(BOARD_POSITIONS).index(self.position) if self.position in BOARD_POSITIONS else 99

    @property
    def position_label(self) -> str:
        label = str(BOARD_POSITIONS.get(self.position, self.position))
        return f"{label} {self.section_name}" if self.section_name else label

    def is_serving(self, today: date) -> bool:
        return (self.start_on is None or self.start_on <= today) and (self.end_on is None or self.end_on >= today)

    def tenant_regency_code(self) -> str:
        return self.board.tenant_regency_code()

    def __str__(self) -> str:
        return self.name
