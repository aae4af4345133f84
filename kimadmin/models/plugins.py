"""Per-regency plugin enablement."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..tenancy import RegencyOwned
from .mixins import utcnow


class PluginActivation(RegencyOwned, db.Model):
    """Whether a plugin is on for a regency, and who switched it last and when.

    The row stays when a plugin is switched off (``enabled`` false): the history of who changed it
    is kept, and the plugin's data is untouched.
    """

    __tablename__ = "plugin_activation"
    __table_args__ = (sa.UniqueConstraint("regency_code", "plugin", name="uq_plugin_activation_regency_plugin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plugin: Mapped[str] = mapped_column(sa.String(60), index=True)
    enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    changed_by = relationship("User")
    regency = relationship("Regency", viewonly=True)

    def __str__(self) -> str:
        return f"{self.plugin} @ {self.regency_code}"
