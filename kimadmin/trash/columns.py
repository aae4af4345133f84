"""The trash columns and the one criterion that hides trashed rows everywhere.

A trashed row keeps living in its table with ``deleted_at`` set; every ORM statement of every
session (lists, counts, the dashboard, pickers, the KIM page, exports, lazy loads, ``session.get``)
gets ``deleted_at IS NULL`` for every :class:`Trashable` model, in one place
(:func:`exclude_trashed`). Only code that deals with the trash itself asks for trashed rows, with
``execution_options(include_trashed=True)``.

This module imports nothing of the models, so the models can use the mixin.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

__all__ = ["INCLUDE_TRASHED", "Trashable", "exclude_trashed"]

# Execution option of the statements that must see trashed rows (the trash screen, restore, purge).
INCLUDE_TRASHED = "include_trashed"


class Trashable:
    """Mixin for rows that go to the trash instead of being deleted.

    ``deleted_at`` (UTC, timezone-aware) and ``deleted_by`` (a user id) say when and by whom;
    ``trash_batch_id`` ties the row to the deletion it went with, so a restore brings back
    exactly that set and not rows trashed on their own before.
    """

    @declared_attr
    def deleted_at(cls) -> Mapped[datetime | None]:  # noqa: N805 - declared_attr receives the class
        return mapped_column(sa.DateTime(timezone=True), nullable=True)

    @declared_attr
    def deleted_by(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)

    @declared_attr
    def trash_batch_id(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(sa.ForeignKey("trash_batch.id", ondelete="SET NULL"), index=True, nullable=True)

    @property
    def is_trashed(self) -> bool:
        return self.deleted_at is not None


def _live(cls: Any) -> Any:
    return cls.deleted_at.is_(None)


def exclude_trashed(state: orm.ORMExecuteState) -> None:
    """``do_orm_execute`` listener: leave trashed rows out unless the statement asks for them.

    Refreshing an object already in the session is left alone (SQLAlchemy applies no loader
    criteria there anyway): the name of a row just moved to the trash can still be read.
    """
    if state.is_column_load or not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get(INCLUDE_TRASHED):
        return
    state.statement = state.statement.options(
        orm.with_loader_criteria(Trashable, _live, include_aliases=True, propagate_to_loaders=True)
    )


def install(session_class: type[orm.Session]) -> None:
    """Hide trashed rows in every session of ``session_class`` (idempotent)."""
    if not sa.event.contains(session_class, "do_orm_execute", exclude_trashed):
        sa.event.listen(session_class, "do_orm_execute", exclude_trashed)
