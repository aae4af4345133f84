"""Rows the database deletes by itself (``ON DELETE CASCADE``) get their audit entry too.

A relationship with ``passive_deletes=True``, or a foreign key without any relationship, leaves
the children to the database: the ORM never loads them, so the flush listener never sees them,
and deleting a workshop would erase its registrations (personal data) without a trace.

Forbidding ``passive_deletes`` would not be enough (a cascading key without a relationship would
still slip through) and would make every delete load whole collections. Instead the audit reads
the schema, like the trash does: before a flush that deletes rows, every mapped row that an
``ON DELETE CASCADE`` key ties to them (recursively: an edition's submissions and their scores)
is read and recorded as deleted with them.

The rows are read in a scratch session on the flush's own connection (a savepoint, rolled back):
it sees the transaction's data, and, being a plain SQLAlchemy session, neither the trash filter
nor the tenancy filter applies - a database cascade spares neither trashed rows nor rows another
regency would not see, so the record of it must not either. Nothing read there enters the
caller's session, which is left exactly as it was (no stale copies of rows that are gone).
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

__all__ = ["CascadeKey", "cascade_keys", "cascaded_rows"]


@dataclass(frozen=True)
class CascadeKey:
    """``child.<child_key>`` holds ``<parent_key>`` of a parent row; deleting that parent deletes it."""

    child: type
    child_key: str
    parent_key: str


_cache: dict[int, dict[Any, tuple[CascadeKey, ...]]] = {}


def cascade_keys(registry: Any) -> dict[Any, tuple[CascadeKey, ...]]:
    """Parent table -> the cascading keys pointing at it, from every class mapped in ``registry``.

    Cached per number of mappers: plugins map their models at start-up, after the core.
    """
    mappers = list(registry.mappers)
    cached = _cache.get(len(mappers))
    if cached is not None:
        return cached
    by_table: dict[Any, list[CascadeKey]] = defaultdict(list)
    parents = {mapper.local_table: mapper for mapper in mappers}
    for mapper in mappers:
        table = mapper.local_table
        if not isinstance(table, sa.Table):
            continue
        for key in table.foreign_keys:
            parent = parents.get(key.column.table)
            if parent is None or (key.ondelete or "").upper() != "CASCADE":
                continue
            try:
                child_key = mapper.get_property_by_column(key.parent).key
                parent_key = parent.get_property_by_column(key.column).key
            except orm.exc.UnmappedColumnError:  # pragma: no cover - a key on an unmapped column
                continue
            by_table[key.column.table].append(CascadeKey(mapper.class_, child_key, parent_key))
    result = {table: tuple(sorted(keys, key=repr)) for table, keys in by_table.items()}
    _cache.clear()
    _cache[len(mappers)] = result
    return result


@contextlib.contextmanager
def cascaded_rows(session: orm.Session, deleted: Iterable[Any]) -> Iterator[list[Any]]:
    """The rows the database will delete with ``deleted`` (not including them), parents first.

    Valid inside the ``with`` block only: they belong to the scratch session closed after it.
    """
    deleted = list(deleted)
    if not deleted:
        yield []
        return
    keys = cascade_keys(sa.inspect(type(deleted[0])).registry)
    if not any(sa.inspect(type(obj)).local_table in keys for obj in deleted):
        yield []
        return
    scratch = orm.Session(bind=session.connection(), join_transaction_mode="create_savepoint", autoflush=False)
    try:
        yield _collect(scratch, deleted, keys)
    finally:
        scratch.close()


def _collect(scratch: orm.Session, roots: list[Any], keys: dict[Any, tuple[CascadeKey, ...]]) -> list[Any]:
    """Breadth first from ``roots``: one statement per cascading key and level."""
    found: list[Any] = []
    seen = {(type(obj), sa.inspect(obj).identity) for obj in roots}
    level = roots
    while level:
        values: dict[CascadeKey, set[Any]] = defaultdict(set)
        for obj in level:
            for key in keys.get(sa.inspect(type(obj)).local_table, ()):
                value = getattr(obj, key.parent_key)
                if value is not None:
                    values[key].add(value)
        level = []
        for key, parent_values in values.items():
            statement = sa.select(key.child).where(getattr(key.child, key.child_key).in_(sorted(parent_values)))
            for row in scratch.scalars(statement):
                identity = (type(row), sa.inspect(row).identity)
                if identity not in seen:
                    seen.add(identity)
                    level.append(row)
        found.extend(level)
    return found
