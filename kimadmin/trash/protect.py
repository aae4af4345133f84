"""What keeps a record out of the trash: rows that refer to it and cannot go with it.

The rule is read from the schema, for every mapped table (core and plugins), as Django's admin
reads ``on_delete``. A foreign key to a row that is about to go to the trash says, by its
``ON DELETE``, what a deletion means for the referring rows:

* ``CASCADE`` - the rows belong to it. A :class:`~.columns.Trashable` row goes to the trash in
  the same batch (and comes back with it); any other row is a detail shown only through its
  parent (a KIM's status changes, a Monev result's scores) and is deleted with it at the purge.
* ``SET NULL`` / ``SET DEFAULT`` - the rows only point at it (a workshop's target KIM): they stay,
  and lose the link at the purge.
* none, ``RESTRICT`` or ``NO ACTION`` - the rows *protect* it (Django's ``PROTECT``): the
  database would refuse its deletion. Such rows refuse the move to the trash, with a message
  naming what still refers to it ("KIM Manteb is still referred to by: Workshop registrations 3").

Why refuse rather than let plugin rows follow the KIM into the trash: a plugin that declares no
``ON DELETE`` has said a KIM with such rows must not be deleted by accident (a workshop's
attendance list, a training's scores, a festival's entries are records of events that happened,
owned by the event rather than by the KIM). Taking them into the trash would silently change
those events' lists; leaving them live would show rows pointing at a hidden KIM and make the
purge fail on the foreign key, which would block every later purge. Refusing up front, naming
the rows, is what an administrator can act on. Rows that do belong to the KIM declare
``ondelete="CASCADE"``; those that mix in :class:`~.columns.Trashable` (the core's boards,
decrees...) then go to the trash and come back with it, the others are deleted with it at the purge.

The check counts through the table itself, not the ORM: the rows that block a deletion block it
whether or not the user may see them, and a row in the trash still holds its key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ..extensions import db

__all__ = ["ProtectingKey", "TrashRefused", "protecting_keys", "refuse_if_protected"]

NON_BLOCKING = frozenset({"CASCADE", "SET NULL", "SET DEFAULT"})


class TrashRefused(Exception):
    """The record cannot go to the trash (or be purged) as it is; the message says why, translated."""


@dataclass(frozen=True)
class ProtectingKey:
    """``column`` of ``table`` (mapped by ``model``) refers to ``target`` of another table."""

    model: type
    table: sa.Table
    column: sa.Column
    target: sa.Column


_cache: dict[int, dict[sa.Table, tuple[ProtectingKey, ...]]] = {}


def protecting_keys() -> dict[sa.Table, tuple[ProtectingKey, ...]]:
    """Referenced table -> the mapped foreign keys that refuse its rows' deletion (no ON DELETE).

    Cached per number of mappers: plugins map their models at start-up, after the core.
    """
    mappers = list(db.Model.registry.mappers)
    cached = _cache.get(len(mappers))
    if cached is not None:
        return cached
    found: dict[sa.Table, list[ProtectingKey]] = defaultdict(list)
    for mapper in mappers:
        table = mapper.local_table
        if not isinstance(table, sa.Table):
            continue
        for key in sorted(table.foreign_keys, key=lambda fk: fk.parent.name):
            if (key.ondelete or "").upper() in NON_BLOCKING:
                continue
            found[key.column.table].append(ProtectingKey(mapper.class_, table, key.parent, key.column))
    result = {table: tuple(keys) for table, keys in found.items()}
    _cache.clear()
    _cache[len(mappers)] = result
    return result


def refuse_if_protected(rows: Iterable[Any]) -> None:
    """Raise :class:`TrashRefused` when rows outside ``rows`` still refer to one of ``rows``.

    ``rows`` is what is about to go (a record and everything attached to it, parents first); the
    message names the first protected one and what refers to it, counted per kind of record.
    """
    rows = list(rows)
    keys = protecting_keys()
    going: dict[sa.Table, set[Any]] = defaultdict(set)
    for row in rows:
        going[type(row).__table__].add(sa.inspect(row).identity[0])
    references: dict[tuple[sa.Table, Any], list[tuple[str, int]]] = defaultdict(list)
    for target_table, ids in going.items():
        for key in keys.get(target_table, ()):
            if key.target.name != "id":  # pragma: no cover - the trashable tables are referred to by id
                continue
            statement = sa.select(key.column, sa.func.count()).where(key.column.in_(sorted(ids))).group_by(key.column)
            own = going.get(key.table)
            if own and "id" in key.table.c:
                statement = statement.where(key.table.c.id.not_in(sorted(own)))
            for value, count in db.session.execute(statement):
                references[(target_table, value)].append((_kind(key.table.name), count))
    for row in rows:
        found = references.get((type(row).__table__, sa.inspect(row).identity[0]))
        if found:
            raise TrashRefused(_protected_message(row, found))


def _kind(table: str) -> str:
    from .service import kind_label

    return kind_label(table)


def _protected_message(row: Any, found: list[tuple[str, int]]) -> str:
    from .service import kind_label

    totals: dict[str, int] = defaultdict(int)
    for kind, count in found:
        totals[kind] += count
    referring = "; ".join(f"{kind}: {count}" for kind, count in sorted(totals.items()))
    return _(
        "%(kind)s %(name)s is still referred to by other records (%(records)s), so it cannot be deleted. "
        "Delete those records or link them to another record first; nothing was changed.",
        kind=kind_label(type(row).__tablename__),
        name=str(row),
        records=referring,
    )
