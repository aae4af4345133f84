"""Awards: one row per placing, won by a KIM or an FK Metra group of the regency, or by the regency.

Matched on contest, year, level, rank, category and winner, so the same sheet imported twice adds
nothing. A winning KIM or group is found by name within the regency (case- and
spacing-insensitive), with suggestions when the name is not found; both columns empty: the regency
itself won.
"""

from __future__ import annotations

import difflib
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...models.awards import Award
from ...models.fkmetra import FkMetraGroup
from ...models.kim import Kim
from ..plan import Column, ImportContext, RowResult
from ..regions import region_key
from ..values import blank, norm, parse_choice, parse_int, text
from . import choices
from .records import SingleRecordKind

COLUMNS = (
    Column("contest_name", "Nama Lomba", "Lomba KIM Jawa Tengah", required=True, aliases=("Lomba", "Nama Penghargaan")),
    Column("level", "Tingkat", "Provinsi", required=True, help="Kabupaten, Provinsi atau Nasional."),
    Column("year", "Tahun", 2024, required=True),
    Column("rank", "Peringkat", "Juara III", required=True, help="1-6, Juara I-III atau Harapan I-III."),
    Column("rank_label", "Sebutan Peringkat", "", help="Opsional, bila lomba memakai sebutan lain."),
    Column(
        "winner",
        "Pemenang (KIM)",
        "KIM Tunas Harapan",
        aliases=("Pemenang", "Nama KIM"),
        help="Kosong: kabupaten sendiri.",
    ),
    Column(
        "winner_group",
        "Pemenang (Kelompok FK Metra)",
        "",
        aliases=("Kelompok FK Metra",),
        help="Bila pemenangnya kelompok seni FK Metra; kosongkan kolom KIM.",
    ),
    Column("winner_village", "Desa Pemenang", "", help="Opsional; membedakan pemenang yang bernama sama."),
    Column("category", "Kategori", "Film pendek"),
    Column("work_title", "Judul Karya", "Nular"),
    Column("organiser", "Penyelenggara", "Diskominfo Provinsi Jawa Tengah"),
    Column("prize", "Hadiah", ""),
    Column("regency_code", "Kode Kabupaten", "", help="Opsional; bila diisi harus kode kabupaten/kota Anda."),
)


class AwardSheet(SingleRecordKind):
    name = "award"
    label = _l("Awards")
    permission = "award"
    model = Award
    entity = "award"
    columns = COLUMNS
    summary = ("contest_name", "year", "rank", "winner", "work_title")
    description = _l("One row per placing, won by a KIM or an FK Metra group of your regency, or by the regency.")

    def stored(self, ctx: ImportContext) -> dict[Any, Any]:
        awards = ctx.session.scalars(sa.select(Award).where(Award.regency_code == ctx.regency.code))
        return {
            self._key(
                award.contest_name,
                award.year,
                award.level,
                award.rank,
                award.category,
                award.kim_id,
                award.fkmetra_group_id,
            ): award
            for award in awards
        }

    @staticmethod
    def _key(
        contest: str, year: int, level: str, rank: int, category: str | None, kim_id: int | None, group_id: int | None
    ) -> Any:
        return (norm(contest), year, level, rank, norm(category), kim_id, group_id)

    def parse(self, ctx: ImportContext, row: RowResult) -> tuple[Any, dict[str, Any]] | None:
        header = self.header
        self.check_regency(ctx, row, "regency_code")
        for key in ("contest_name", "level", "year", "rank"):
            row.require(key, header(key))
        rank = row.parse(parse_choice, "rank", header("rank"), choices.RANK)
        values = {
            "contest_name": row.parse(text, "contest_name", 300, header("contest_name")),
            "level": row.parse(parse_choice, "level", header("level"), choices.AWARD_LEVEL),
            "year": row.parse(parse_int, "year", header("year"), 1990, ctx.today.year + 1),
            "rank": int(rank) if rank else None,
            "rank_label": row.parse(text, "rank_label", 60, header("rank_label")),
            "category": row.parse(text, "category", 200, header("category")),
            "work_title": row.parse(text, "work_title", 300, header("work_title")),
            "organiser": row.parse(text, "organiser", 200, header("organiser")),
            "prize": row.parse(text, "prize", 300, header("prize")),
        }
        if not blank(row.get("winner")) and not blank(row.get("winner_group")):
            row.errors.append(
                _(
                    "An award has one winner: fill in %(kim)s or %(group)s, not both.",
                    kim=self.header("winner"),
                    group=self.header("winner_group"),
                )
            )
            return None
        kim = self._winner(ctx, row, "winner", Kim, _l("KIM"))
        group = self._winner(ctx, row, "winner_group", FkMetraGroup, _l("FK Metra group"))
        if row.errors or None in (values["contest_name"], values["level"], values["year"], values["rank"]):
            return None
        key = self._key(
            values["contest_name"],
            values["year"],
            values["level"],
            values["rank"],
            values["category"],
            kim.id if kim is not None else None,
            group.id if group is not None else None,
        )
        return key, {**values, "kim": kim, "fkmetra_group": group}

    def _winner(self, ctx: ImportContext, row: RowResult, column: str, model: type, kind: Any) -> Any:
        """The KIM or FK Metra group of the regency named in ``column`` (``None``: empty or an error)."""
        if blank(row.get(column)):
            return None
        if model not in ctx.cache:
            ctx.cache[model] = ctx.session.scalars(sa.select(model).where(model.regency_code == ctx.regency.code)).all()
        candidates = ctx.cache[model]
        name = str(row.get(column)).strip()
        found = [winner for winner in candidates if norm(winner.name) == norm(name)]
        village = row.get("winner_village")
        if len(found) > 1 and not blank(village):
            found = [
                winner
                for winner in found
                if region_key(ctx.regions.villages[winner.village_code].name) == region_key(village)
            ]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            row.errors.append(
                _(
                    "There are several %(kind)s named '%(name)s'; fill in %(column)s.",
                    kind=kind,
                    name=name,
                    column=self.header("winner_village"),
                )
            )
            return None
        names = {norm(winner.name): winner.name for winner in candidates}
        close = difflib.get_close_matches(norm(name), list(names), n=3, cutoff=0.75)
        if close:
            suggestions = ", ".join(f"'{names[key]}'" for key in close)
            row.errors.append(
                _(
                    "%(kind)s '%(name)s' was not found in %(regency)s; did you mean %(suggestions)s?",
                    kind=kind,
                    name=name,
                    regency=ctx.regency.name,
                    suggestions=suggestions,
                )
            )
        else:
            row.errors.append(
                _(
                    "%(kind)s '%(name)s' was not found in %(regency)s; record it (or import it) first.",
                    kind=kind,
                    name=name,
                    regency=ctx.regency.name,
                )
            )
        return None

    def build(self, ctx: ImportContext, values: dict[str, Any]) -> Any:
        return Award(regency_code=ctx.regency.code, **values)
