"""A KIM's media channels and the content it produced."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..tenancy import TenantOwned
from ..trash.columns import Trashable
from .mixins import Timestamped


class MediaChannel(Trashable, TenantOwned, Timestamped, db.Model):
    __tablename__ = "media_channel"

    id: Mapped[int] = mapped_column(primary_key=True)
    kim_id: Mapped[int] = mapped_column(sa.ForeignKey("kim.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(sa.String(30))
    handle: Mapped[str] = mapped_column(sa.String(300))  # handle or URL
    followers: Mapped[int | None] = mapped_column(sa.Integer)
    followers_checked_on: Mapped[date | None] = mapped_column(sa.Date)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)

    kim = relationship("Kim", backref=sa.orm.backref("media_channels", passive_deletes=True))

    def tenant_regency_code(self) -> str:
        return self.kim.tenant_regency_code()

    def __str__(self) -> str:
        return f"{self.platform}: {self.handle}"


class ContentItem(Trashable, TenantOwned, Timestamped, db.Model):
    __tablename__ = "content_item"
    __table_args__ = (sa.Index("ix_content_item_kim_id_published_on", "kim_id", "published_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kim_id: Mapped[int] = mapped_column(sa.ForeignKey("kim.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[str] = mapped_column(sa.String(30))
    published_on: Mapped[date] = mapped_column(sa.Date)
    url: Mapped[str | None] = mapped_column(sa.String(500))
    channel_id: Mapped[int | None] = mapped_column(sa.ForeignKey("media_channel.id", ondelete="SET NULL"))
    topic: Mapped[str | None] = mapped_column(sa.String(200))

    kim = relationship("Kim", backref=sa.orm.backref("contents", passive_deletes=True))
    channel = relationship("MediaChannel")

    def tenant_regency_code(self) -> str:
        return self.kim.tenant_regency_code()

    def __str__(self) -> str:
        return self.title
