"""FK Metra arts groups: one row per group, matched on its name within its desa."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...models.fkmetra import FkMetraGroup
from ..plan import Column, ImportContext, RowResult
from ..values import norm, parse_choice, parse_int, text
from . import choices
from .records import SingleRecordKind

COLUMNS = (
    Column("name", "Nama Kelompok", "Sanggar Ngesti Budaya", required=True, aliases=("Nama Kelompok Seni",)),
    Column(
        "art_form",
        "Jenis Kesenian",
        "Wayang",
        required=True,
        help="Wayang, Ketoprak, Kuda Lumping, Karawitan, Campursari, Rebana, Tari, Lainnya.",
    ),
    Column("district", "Kecamatan", "Karangpandan"),
    Column("village", "Desa/Kelurahan", "Karangpandan", required=True, aliases=("Desa", "Kelurahan")),
    Column("village_code", "Kode Desa", "", aliases=("Kode Wilayah", "Kode Kemendagri")),
    Column("leader_name", "Pimpinan", "Suparno", aliases=("Ketua", "Nama Pimpinan")),
    Column("performers", "Jumlah Pemain", 20, aliases=("Jumlah Anggota",)),
    Column("status", "Status", "Aktif", help="Aktif atau Tidak Aktif (kosong: Aktif)."),
    Column("notes", "Catatan", ""),
)


class FkMetraGroupSheet(SingleRecordKind):
    name = "fkmetra_group"
    label = _l("FK Metra groups")
    permission = "fkmetra"
    model = FkMetraGroup
    entity = "fkmetra_group"
    columns = COLUMNS
    summary = ("name", "art_form", "village", "leader_name", "status")
    description = _l("One row per traditional arts group, with its desa.")

    def stored(self, ctx: ImportContext) -> dict[Any, Any]:
        groups = ctx.session.scalars(sa.select(FkMetraGroup).where(FkMetraGroup.regency_code == ctx.regency.code))
        return {(norm(group.name), group.village_code): group for group in groups}

    def parse(self, ctx: ImportContext, row: RowResult) -> tuple[Any, dict[str, Any]] | None:
        header = self.header
        row.require("name", header("name"))
        row.require("art_form", header("art_form"))
        name = row.parse(text, "name", 200, header("name"))
        place = row.parse(ctx.regions.village, "village", row.get("district"), row.get("village_code"))
        values = {
            "art_form": row.parse(parse_choice, "art_form", header("art_form"), choices.ART_FORM),
            "leader_name": row.parse(text, "leader_name", 120, header("leader_name")),
            "performers": row.parse(parse_int, "performers", header("performers"), 0, 10_000),
            "status": row.parse(parse_choice, "status", header("status"), choices.GROUP_STATUS),
            "notes": row.parse(text, "notes", 2000, header("notes")),
        }
        if row.errors or name is None or place is None:
            return None
        return (norm(name), place.code), {"name": name, "village_code": place.code, **values}

    def build(self, ctx: ImportContext, values: dict[str, Any]) -> Any:
        return FkMetraGroup(**{"status": "aktif", **values})
