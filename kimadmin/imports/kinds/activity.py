"""Activities (kegiatan) of the office: one row per activity, matched on kind, title and start date."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...models.activities import Activity
from ..plan import Column, ImportContext, RowResult
from ..values import norm, parse_choice, parse_date, parse_int, parse_money, text
from . import choices
from .records import SingleRecordKind

COLUMNS = (
    Column(
        "kind",
        "Jenis Kegiatan",
        "Sosialisasi",
        required=True,
        help="Rakor, Sosialisasi, Pelatihan, Workshop, Festival, Monev, Studi Tiru, Pembinaan, Pentas FK Metra, "
        "Lainnya.",
    ),
    Column(
        "title", "Judul Kegiatan", "Sosialisasi pencegahan stunting", required=True, aliases=("Judul", "Nama Kegiatan")
    ),
    Column("start_on", "Tanggal Mulai", "2024-10-15", required=True, aliases=("Tanggal",)),
    Column("end_on", "Tanggal Selesai", ""),
    Column("place", "Tempat", "Balai Desa Dagen"),
    Column(
        "organiser",
        "Penyelenggara",
        "Diskominfo Kabupaten",
        help="Diskominfo Kabupaten/Provinsi, Komdigi, KIM, OPD Lain.",
    ),
    Column("organiser_name", "Nama Penyelenggara", ""),
    Column("theme", "Tema", "Pencegahan stunting"),
    Column("headcount", "Jumlah Peserta", 40),
    Column("budget", "Anggaran", "Rp 2.500.000"),
    Column(
        "budget_source",
        "Sumber Anggaran",
        "APBD Kabupaten",
        help="APBD Kabupaten/Provinsi, APBN, Dana Desa, Swadaya, Sponsor.",
    ),
    Column("notes", "Catatan", ""),
    Column("regency_code", "Kode Kabupaten", "", help="Opsional; bila diisi harus kode kabupaten/kota Anda."),
)


class ActivitySheet(SingleRecordKind):
    name = "activity"
    label = _l("Activities")
    permission = "activity"
    model = Activity
    entity = "activity"
    columns = COLUMNS
    summary = ("kind", "title", "start_on", "place", "headcount")
    description = _l("One row per activity of the office (participants are added on the activity's page).")

    def stored(self, ctx: ImportContext) -> dict[Any, Any]:
        activities = ctx.session.scalars(sa.select(Activity).where(Activity.regency_code == ctx.regency.code))
        return {(activity.kind, norm(activity.title), activity.start_on): activity for activity in activities}

    def parse(self, ctx: ImportContext, row: RowResult) -> tuple[Any, dict[str, Any]] | None:
        header = self.header
        self.check_regency(ctx, row, "regency_code")
        for key in ("kind", "title", "start_on"):
            row.require(key, header(key))
        values = {
            "kind": row.parse(parse_choice, "kind", header("kind"), choices.ACTIVITY_KIND),
            "title": row.parse(text, "title", 300, header("title")),
            "start_on": row.parse(parse_date, "start_on", header("start_on")),
            "end_on": row.parse(parse_date, "end_on", header("end_on")),
            "place": row.parse(text, "place", 300, header("place")),
            "organiser": row.parse(parse_choice, "organiser", header("organiser"), choices.ORGANISER),
            "organiser_name": row.parse(text, "organiser_name", 200, header("organiser_name")),
            "theme": row.parse(text, "theme", 300, header("theme")),
            "headcount": row.parse(parse_int, "headcount", header("headcount"), 0, 1_000_000),
            "budget": row.parse(parse_money, "budget", header("budget")),
            "budget_source": row.parse(parse_choice, "budget_source", header("budget_source"), choices.BUDGET_SOURCE),
            "notes": row.parse(text, "notes", 5000, header("notes")),
        }
        start, end = values["start_on"], values["end_on"]
        if start is not None and end is not None and end < start:
            row.errors.append(_("The activity must end on or after the day it starts."))
        if values["kind"] == "studi_tiru":
            row.errors.append(
                _("Study visits need a direction and partner agency: record them on the Study visits screen.")
            )
        if row.errors or None in (values["kind"], values["title"], values["start_on"]):
            return None
        return (values["kind"], norm(values["title"]), start), values

    def build(self, ctx: ImportContext, values: dict[str, Any]) -> Any:
        return Activity(regency_code=ctx.regency.code, **values)
