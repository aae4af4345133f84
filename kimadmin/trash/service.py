"""Moving records to the trash, restoring them and purging them for good.

What goes with a record is read from the schema: a :class:`~.columns.Trashable` row is attached
to another when it has a foreign key to it with ``ON DELETE CASCADE`` (what a hard delete would
take with it). A KIM takes its boards (and their members), decrees, media, content, awards,
Monev results and activity participations; a board its members; an activity its participants;
an FK Metra group its awards and participations. Only rows still live go with the batch, so a
restore brings back exactly that set, never rows trashed separately earlier.

Every change goes through the ORM unit of work (one transaction), so the tenancy checks and the
audit history see each row (``deleted_at`` None -> value is "trash", value -> None "restore").
Purging deletes the rows (the database cascades the rest) and removes the decree PDFs and KIM
logos they pointed at, after the commit. Each batch is purged in its own savepoint, so one that
cannot go is reported and the others still go.

Rows outside the trash that refer to a record without ``ON DELETE`` protect it: it is not moved
to the trash while they exist (:mod:`.protect` explains the rule and why).
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..uploads import PendingFiles, upload_dir
from .columns import INCLUDE_TRASHED, Trashable
from .models import TrashBatch
from .protect import TrashRefused, refuse_if_protected

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_TRASH_DAYS",
    "PurgeFailure",
    "PurgeResult",
    "RestoreRefused",
    "TrashRefused",
    "batch_rows",
    "move_to_trash",
    "purge",
    "purge_older_than",
    "restore",
    "trash_days",
    "trash_refusal",
]

DEFAULT_TRASH_DAYS = 30
# Columns holding the name of a stored file that goes when its row is purged.
FILE_COLUMNS = ("pdf_path", "logo_path")


class RestoreRefused(Exception):
    """A batch cannot be restored as it is; the message (translated) says why and what to do."""


# --- the schema: which trashable rows belong to which -------------------------------------------
@dataclass(frozen=True)
class Link:
    """``child`` rows belong to a ``parent`` row through ``column`` (an ON DELETE CASCADE key)."""

    child: type
    column: Any
    parent: type


def trashable_models() -> list[type]:
    return sorted(
        (mapper.class_ for mapper in db.Model.registry.mappers if issubclass(mapper.class_, Trashable)),
        key=lambda cls: cls.__tablename__,
    )


@cache
def _links() -> tuple[Link, ...]:
    by_table = {cls.__table__: cls for cls in trashable_models()}
    links = []
    for child in by_table.values():
        for key in sorted(child.__table__.foreign_keys, key=lambda fk: fk.parent.name):
            parent = by_table.get(key.column.table)
            if parent is not None and (key.ondelete or "").upper() == "CASCADE":
                links.append(Link(child, getattr(child, key.parent.key), parent))
    return tuple(links)


def children_of(model: type) -> list[Link]:
    return [link for link in _links() if issubclass(model, link.parent)]


def owners_of(model: type) -> list[Link]:
    return [link for link in _links() if issubclass(model, link.child)]


def _subtree(roots: Iterable[Any], include_trashed: bool) -> list[Any]:
    """``roots`` and every trashable row attached to them (recursively), parents first."""
    return [row for level in _subtree_levels(roots, include_trashed) for row in level]


def _subtree_levels(roots: Iterable[Any], include_trashed: bool) -> list[list[Any]]:
    """As :func:`_subtree`, level by level: the roots, what hangs on them, and so on.

    One statement per kind of attached row and level; live rows only unless ``include_trashed``.
    """
    found: list[list[Any]] = []
    seen: set[tuple[type, Any]] = set()
    level = list(roots)
    while level:
        fresh = []
        for row in level:
            key = (type(row), sa.inspect(row).identity)
            if key not in seen:
                seen.add(key)
                fresh.append(row)
        if fresh:
            found.append(fresh)
        by_model: dict[type, list[Any]] = defaultdict(list)
        for row in fresh:
            by_model[type(row)].append(row.id)
        level = []
        for model, ids in by_model.items():
            for link in children_of(model):
                statement = sa.select(link.child).where(link.column.in_(ids))
                if include_trashed:
                    statement = statement.execution_options(**{INCLUDE_TRASHED: True})
                level.extend(db.session.scalars(statement))
    return found


# --- labels --------------------------------------------------------------------------------
KIND_LABELS: dict[str, Any] = {
    "kim": _l("KIM"),
    "decree": _l("Decree (SK)"),
    "board": _l("Board"),
    "board_member": _l("Board member"),
    "activity": _l("Activity"),
    "activity_participant": _l("Participation"),
    "fkmetra_group": _l("Arts group"),
    "award": _l("Award"),
    "media_channel": _l("Media channel"),
    "content_item": _l("Content item"),
    "monev_assessment": _l("Monev result"),
}


def kind_label(table: str) -> str:
    """A record kind's name: the core's own, else the name of the screen showing it (plugins)."""
    if table in KIND_LABELS:
        return str(KIND_LABELS[table])
    from ..audit.labels import type_label

    return type_label(table)


def describe(row: Any) -> str:
    """A label that still says something once the row is out of sight: ``SK 141/2 (KIM Manteb)``."""
    text = str(row)
    owner = getattr(row, "kim", None) or getattr(row, "forum", None)
    if owner is not None and not isinstance(row, type(owner)):
        text = f"{text} ({owner})"
    return text[:300]


# --- trash ---------------------------------------------------------------------------------
def move_to_trash(root: Any, user: Any = None, now: datetime | None = None) -> TrashBatch:
    """Move ``root`` and its live attached rows to the trash as one batch (flushed, not committed).

    Refused (:class:`TrashRefused`, nothing changed) while rows that cannot go with it still refer
    to one of them (:mod:`.protect`): they would point at a hidden record and block the purge.
    """
    if not isinstance(root, Trashable):
        raise TypeError(f"{type(root).__name__} does not go to the trash")
    now = now or datetime.now(UTC)
    rows = _subtree([root], include_trashed=False)
    refuse_if_protected(rows)
    user_id = getattr(user, "id", None)
    batch = TrashBatch(
        item_table=root.__tablename__,
        item_id=root.id,
        label=describe(root),
        deleted_at=now,
        deleted_by=user_id,
        deleted_by_name=str(user)[:200] if user is not None else None,
        counts=_count(rows[1:]),
        regency_code=root.regency_code,
    )
    db.session.add(batch)
    db.session.flush()
    for row in rows:
        row.deleted_at, row.deleted_by, row.trash_batch_id = now, user_id, batch.id
    db.session.flush()
    return batch


def trash_refusal(root: Any) -> str | None:
    """Why ``root`` cannot go to the trash now (translated), or ``None``: for a confirmation page
    that should say so up front instead of offering a button that will be refused."""
    try:
        refuse_if_protected(_subtree([root], include_trashed=False))
    except TrashRefused as refused:
        return str(refused)
    return None


def _count(rows: Iterable[Any]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.__tablename__] += 1
    return dict(sorted(counts.items()))


def batch_rows(batch: TrashBatch) -> list[Any]:
    """The rows of ``batch``, parents first."""
    rows = []
    for model in _parents_first(trashable_models()):
        statement = (
            sa.select(model)
            .where(model.trash_batch_id == batch.id)
            .order_by(model.id)
            .execution_options(**{INCLUDE_TRASHED: True})
        )
        rows.extend(db.session.scalars(statement))
    return rows


def batch_root(batch: TrashBatch) -> Any:
    """The record the user deleted (the rest of the batch hangs below it)."""
    model = next((cls for cls in trashable_models() if cls.__tablename__ == batch.item_table), None)
    if model is None:
        return None
    statement = sa.select(model).where(model.id == batch.item_id).execution_options(**{INCLUDE_TRASHED: True})
    return db.session.scalars(statement).one_or_none()


def _parents_first(models: list[type]) -> list[type]:
    ordered: list[type] = []
    pending = list(models)
    while pending:
        for model in pending:
            if all(link.parent in ordered or link.parent is model for link in owners_of(model)):
                ordered.append(model)
                pending.remove(model)
                break
        else:  # pragma: no cover - a cycle: keep the rest as they are
            ordered.extend(pending)
            break
    return ordered


# --- restore -------------------------------------------------------------------------------
def restore(batch: TrashBatch) -> list[Any]:
    """Bring the rows of ``batch`` back (flushed, not committed) and drop the batch.

    Refused (:class:`RestoreRefused`) when a row belongs to a record that is still in the trash
    in another batch (restore that first), or when a live record now has the same name.
    """
    rows = batch_rows(batch)
    _check_owners_live(batch, rows)
    _check_no_live_duplicate(rows)
    for row in rows:
        row.deleted_at, row.deleted_by, row.trash_batch_id = None, None, None
    db.session.delete(batch)
    db.session.flush()
    return rows


def _check_owners_live(batch: TrashBatch, rows: list[Any]) -> None:
    wanted: dict[type, set[Any]] = defaultdict(set)
    for row in rows:
        for link in owners_of(type(row)):
            value = getattr(row, link.column.key)
            if value is not None:
                wanted[link.parent].add(value)
    for parent, ids in wanted.items():
        statement = (
            sa.select(parent)
            .where(parent.id.in_(ids), parent.deleted_at.is_not(None), parent.trash_batch_id != batch.id)
            .execution_options(**{INCLUDE_TRASHED: True})
            .limit(1)
        )
        blocking = db.session.scalars(statement).first()
        if blocking is not None:
            raise RestoreRefused(
                _(
                    "This cannot be restored while %(kind)s %(name)s is in the trash. Restore that first.",
                    kind=kind_label(blocking.__tablename__),
                    name=str(blocking),
                )
            )


# Records that should not exist twice: a KIM or an arts group of the same name in the same desa.
DUPLICATE_KEYS: dict[str, tuple[str, ...]] = {
    "kim": ("name", "village_code"),
    "fkmetra_group": ("name", "village_code"),
}


def _check_no_live_duplicate(rows: list[Any]) -> None:
    for row in rows:
        keys = DUPLICATE_KEYS.get(row.__tablename__)
        if not keys:
            continue
        model = type(row)
        criteria = [
            sa.func.lower(sa.func.trim(getattr(model, key))) == getattr(row, key).strip().lower()
            if key == "name"
            else getattr(model, key) == getattr(row, key)
            for key in keys
        ]
        live = db.session.scalars(sa.select(model).where(*criteria, model.id != row.id).limit(1)).first()
        if live is not None:
            raise RestoreRefused(
                _(
                    "%(kind)s %(name)s cannot be restored: a record with the same name now exists in the same "
                    "village. Rename or delete that one first.",
                    kind=kind_label(row.__tablename__),
                    name=row.name,
                )
            )


# --- purge ---------------------------------------------------------------------------------
@dataclass
class PurgeFailure:
    """A batch that stayed in the trash, and why (translated)."""

    batch_id: int
    label: str
    reason: str


@dataclass
class PurgeResult:
    batches: int = 0
    rows: int = 0
    files: int = 0
    per_table: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    failures: list[PurgeFailure] = field(default_factory=list)


def purge(batches: Iterable[TrashBatch]) -> PurgeResult:
    """Delete the batches' rows for good (and whatever the database cascades), commit, then
    remove the files they pointed at. Rows of other batches that hang below them go too.

    Each batch is purged in its own savepoint: one that cannot go (rows outside the trash still
    refer to it) is rolled back alone and reported in ``failures``, and the others are purged.
    One such KIM must not hold up every later purge.
    """
    result = PurgeResult()
    files = PendingFiles(upload_dir())
    for batch_id in [batch.id for batch in batches]:
        # Looked up again: purging an earlier batch may have emptied and dropped this one.
        batch = db.session.scalar(sa.select(TrashBatch).where(TrashBatch.id == batch_id))
        if batch is None:
            continue
        label = batch.label
        try:
            with db.session.begin_nested():
                purged = _purge_batch(batch)
        except TrashRefused as refused:
            result.failures.append(PurgeFailure(batch_id, label, str(refused)))
            continue
        except SQLAlchemyError:
            log.exception("purging trash batch %s failed", batch_id)
            reason = _("It could not be deleted for good; it stays in the Trash.")
            result.failures.append(PurgeFailure(batch_id, label, reason))
            continue
        result.batches += 1
        result.rows += len(purged)
        for row in purged:
            result.per_table[row.__tablename__] += 1
            for column in FILE_COLUMNS:
                files.remove_after_commit(getattr(row, column, None))
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    result.files = len(files.replaced)
    files.commit()
    return result


def _purge_batch(batch: TrashBatch) -> list[Any]:
    """Delete one batch, its rows and what hangs below them (flushed); the rows deleted."""
    root = batch_root(batch)
    levels = _subtree_levels([root], include_trashed=True) if root is not None else []
    rows = [row for level in levels for row in level]
    refuse_if_protected(rows)
    others = {row.trash_batch_id for row in rows} - {batch.id, None}
    # The deepest rows first, one flush per level: the database must not cascade a row away
    # before the ORM deletes it (its version check would then find nothing).
    for level in reversed(levels):
        for row in level:
            db.session.delete(row)
        db.session.flush()
    db.session.delete(batch)
    db.session.flush()
    _drop_emptied_batches(others)
    return rows


def _drop_emptied_batches(candidates: set[int]) -> None:
    """Other batches whose rows all went with a purged parent are empty now: they go too."""
    if not candidates:
        return
    for batch in db.session.scalars(sa.select(TrashBatch).where(TrashBatch.id.in_(candidates))):
        if not any(_has_rows(model, batch.id) for model in trashable_models()):
            db.session.delete(batch)
    db.session.flush()


def _has_rows(model: type, batch_id: int) -> bool:
    statement = sa.select(model.id).where(model.trash_batch_id == batch_id).limit(1)
    statement = statement.execution_options(**{INCLUDE_TRASHED: True})
    return db.session.scalar(statement) is not None


def trash_days(config: Any) -> int:
    """How long records stay in the trash (``KIMADMIN_TRASH_DAYS``, default 30)."""
    value = config.get("KIMADMIN_TRASH_DAYS") or os.environ.get("KIMADMIN_TRASH_DAYS") or DEFAULT_TRASH_DAYS
    return max(0, int(value))


def expired_batches(days: int, now: datetime | None = None) -> Iterator[TrashBatch]:
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    yield from db.session.scalars(sa.select(TrashBatch).where(TrashBatch.deleted_at < cutoff).order_by(TrashBatch.id))


def purge_older_than(days: int, now: datetime | None = None) -> PurgeResult:
    """Purge every batch trashed more than ``days`` days ago (the ``flask kim trash purge`` command)."""
    return purge(list(expired_batches(days, now)))
