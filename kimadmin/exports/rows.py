"""The rows of an export: the list's own query, without the page limit, read in chunks.

Why chunks of primary keys rather than one ORM query with ``yield_per``: list views eager-load
collections with joins (the KIM list joins its boards), which ``yield_per`` refuses, and loading
every row at once is what made Flask-Admin's export take 110 MB for 40,000 KIM. So the ordered
keys are streamed (a server-side cursor on PostgreSQL), and each chunk of keys loads its rows
through the view's query with the view's eager loading: a constant number of statements per
chunk, whatever the number of rows, and only one chunk of objects alive at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy.orm import RelationshipProperty, defaultload, joinedload, selectinload

CHUNK_SIZE = 1000
_LOADERS = {"selectinload": selectinload, "joinedload": joinedload, "defaultload": defaultload}


def list_query(view: Any) -> Any:
    """The query of the list as the user sees it (filters, search, sort, scope), without a limit.

    Read from the same request arguments as the list itself (``flt0_``, ``search``, ``sort``,
    ``desc`` and the view's named URL filters, which ``get_query`` applies on the export endpoint).
    """
    args = view._get_list_extra_args()
    sort = view._get_column_by_idx(args.sort)
    sort_column = sort[0] if sort is not None else None
    _count, query = view.get_list(0, sort_column, args.sort_desc, args.search, args.filters, execute=False, page_size=0)
    return query


def relation_loads(model: type, names: Iterable[str]) -> list[Any]:
    """Eager loading for dotted export columns (``village.district.name``), so no row lazy-loads.

    Flask-Admin already joins a model's direct many-to-one relations; deeper steps are joined
    (many-to-one) or loaded per chunk with ``selectinload`` (collections).
    """
    options = []
    for name in names:
        parts = str(name).split(".")[:-1]
        option: Any = None
        owner: Any = model
        for depth, part in enumerate(parts):
            attribute = getattr(owner, part, None)
            prop = getattr(attribute, "property", None)
            if not isinstance(prop, RelationshipProperty):
                break
            if prop.uselist:
                strategy = "selectinload"
            elif depth == 0:
                strategy = "defaultload"  # joined already by Flask-Admin's automatic joins
            else:
                strategy = "joinedload"
            option = _LOADERS[strategy](attribute) if option is None else getattr(option, strategy)(attribute)
            owner = prop.mapper.class_
        if option is not None:
            options.append(option)
    return options


def _batches(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row[0])
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def iter_rows(view: Any, query: Any, names: Iterable[str] = (), chunk_size: int | None = None) -> Iterator[Any]:
    """Every row of ``query`` in its order, loaded ``chunk_size`` at a time with eager loading.

    ``names`` are the exported column names (for :func:`relation_loads`). The primary key is
    appended to the sort so the order is total and no row is read twice or skipped.
    """
    chunk_size = chunk_size or CHUNK_SIZE
    pk_name = view._primary_key
    pk = getattr(view.model, pk_name)
    keys = query.with_entities(pk).order_by(pk).yield_per(chunk_size)
    loader = view.get_query().options(*relation_loads(view.model, names))
    for auto_join in getattr(view, "_auto_joins", ()):
        loader = loader.options(joinedload(auto_join))
    for chunk in _batches(keys, chunk_size):
        wanted = list(dict.fromkeys(chunk))  # a search over a joined collection may repeat a row
        found = {getattr(obj, pk_name): obj for obj in loader.filter(pk.in_(wanted))}
        for key in wanted:
            obj = found.get(key)
            if obj is not None:
                yield obj
        found.clear()
