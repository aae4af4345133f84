"""Decrees (SK): founding, board confirmation and change, dissolution; of a KIM or an FK Metra forum."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..concurrency import Versioned
from ..extensions import db
from ..tenancy import TenantOwned
from ..trash.columns import Trashable
from .choices import DECREE_ISSUERS, DECREE_KINDS
from .mixins import Timestamped


class Decree(Trashable, Versioned, TenantOwned, Timestamped, db.Model):
    __tablename__ = "decree"
    __table_args__ = (
        sa.CheckConstraint("(kim_id IS NULL) <> (forum_id IS NULL)", name="one_owner"),
        sa.CheckConstraint("term_end IS NULL OR term_start IS NULL OR term_end > term_start", name="term_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kim.id", ondelete="CASCADE"), index=True)
    forum_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fkmetra_forum.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    number: Mapped[str] = mapped_column(sa.String(120))
    issued_on: Mapped[date] = mapped_column(sa.Date)
    issuer: Mapped[str] = mapped_column(sa.String(20))
    subject: Mapped[str | None] = mapped_column(sa.String(500))
    term_start: Mapped[date | None] = mapped_column(sa.Date)
    term_end: Mapped[date | None] = mapped_column(sa.Date, index=True)
    # The PDF is stored under a random name; the original name is only shown.
    pdf_path: Mapped[str | None] = mapped_column(sa.String(100))
    pdf_name: Mapped[str | None] = mapped_column(sa.String(255))
    pdf_size: Mapped[int | None] = mapped_column(sa.Integer)

    kim = relationship(
        "Kim", backref=sa.orm.backref("decrees", order_by="Decree.issued_on.desc()", passive_deletes=True)
    )
    forum = relationship(
        "FkMetraForum", backref=sa.orm.backref("decrees", order_by="Decree.issued_on.desc()", passive_deletes=True)
    )

    def tenant_regency_code(self) -> str:
        owner = self.kim if self.kim is not None else self.forum
        return owner.tenant_regency_code()

    @property
    def kind_label(self) -> str:
        return str(DECREE_KINDS.get(self.kind, self.kind))

    @property
    def issuer_label(self) -> str:
        return str(DECREE_ISSUERS.get(self.issuer, self.issuer))

    def days_left(self, today: date) -> int | None:
        return None if self.term_end is None else (self.term_end - today).days

    def __str__(self) -> str:
        return f"SK {self.number}"
