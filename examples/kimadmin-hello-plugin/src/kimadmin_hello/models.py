"""The plugin's one table, ``hello_greeting``: a KIM's greeting.

:class:`Greeting` is :class:`TenantOwned`: its regency is derived from its KIM on every flush, so
the core scopes it to the user's regency and refuses a KIM of another regency.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kimadmin.plugin_api import Kim, TenantOwned, db


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Greeting(TenantOwned, db.Model):
    __tablename__ = "hello_greeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    kim_id: Mapped[int] = mapped_column(sa.ForeignKey("kim.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)

    kim: Mapped[Kim] = relationship()

    def tenant_regency_code(self) -> str:
        return self.kim.tenant_regency_code()

    def __str__(self) -> str:
        return self.message
