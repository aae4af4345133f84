"""KIM with their board: the legacy Diskominfo sheet, one row per board member.

Offices keep one table of KIM where each board member has a row and the KIM's own columns (name,
kecamatan, desa, SK term...) are repeated, or left empty under merged cells. So:

* a row names its KIM (``Nama KIM`` + desa, by name or Kemendagri code) and, optionally, one board
  member (``Nama Pengurus`` + ``Jabatan``) of the board serving ``Masa Bakti Mulai`` to ``Selesai``;
* a row whose KIM columns are all empty continues the KIM (and board term) of the row above it,
  as merged cells export;
* a KIM column repeated on a later row must agree with the first row that gave it.

Natural keys: a KIM is its name within its desa; a board is its KIM and term; a member is their
name, position and section within the board. Stored records matching a key are updated only
where the sheet gives a different value, so importing the same sheet again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ...domain import change_status, reactivate_after_board_renewal
from ...models.boards import Board, BoardMember
from ...models.kim import Kim
from ...personal_data import NIK, PHONE
from ...trash import INCLUDE_TRASHED
from ..plan import CREATE, SKIP, UPDATE, Column, ImportContext, RowResult, SheetKind, Written, differs
from ..regions import Place
from ..values import (
    blank,
    norm,
    parse_bool,
    parse_choice,
    parse_date,
    parse_email,
    parse_int,
    parse_nik,
    parse_phone,
    text,
)
from . import choices

IMPORT_REASON = "Impor spreadsheet"
KIM_IDENTITY = ("kim_name", "district", "village", "village_code")
MEMBER_COLUMNS = ("member_name", "position", "section_name", "gender", "member_phone", "nik")

COLUMNS = (
    Column("kim_name", "Nama KIM", "KIM Bima", required=True, help="Nama KIM, sama di setiap baris pengurusnya."),
    Column("district", "Kecamatan", "Karanganyar", help="Nama atau kode kecamatan; membedakan desa yang bernama sama."),
    Column(
        "village",
        "Desa/Kelurahan",
        "Popongan",
        required=True,
        aliases=("Desa", "Kelurahan", "Desa / Kelurahan"),
        help="Nama desa/kelurahan di kabupaten Anda (boleh kosong bila Kode Desa diisi).",
    ),
    Column(
        "village_code",
        "Kode Desa",
        "33.13.09.1009",
        aliases=("Kode Wilayah", "Kode Kemendagri", "Kode Desa/Kelurahan"),
        help="Kode Kemendagri desa/kelurahan; bila diisi, kode ini yang dipakai.",
    ),
    Column("address", "Alamat Sekretariat", "Jl. Lawu No. 5, Popongan", aliases=("Alamat",)),
    Column("founded_on", "Tanggal Berdiri", "2018-02-05", help="Tanggal, mis. 2018-02-05 atau 5 Februari 2018."),
    Column("status", "Status", "Aktif", help="Aktif, Kurang Aktif, Tidak Aktif atau Dibekukan (kosong: Aktif)."),
    Column("is_pilot", "Rintisan", "Tidak", help="Ya bila KIM rintisan."),
    Column("contact_name", "Narahubung", "Sri Lestari"),
    Column("contact_phone", "Telepon KIM", "0812 3456 7890", aliases=("No HP KIM", "Telepon"), personal=PHONE),
    Column("email", "Email", "kimbima@example.com", aliases=("E-mail",)),
    Column("members_count", "Jumlah Anggota", 15),
    Column("kimid_number", "Nomor kim.id", "", aliases=("No kim.id",)),
    Column("kimid_url", "Situs kim.id", "", aliases=("Website kim.id",)),
    Column("term_start", "Masa Bakti Mulai", "2023-01-01", help="Awal masa bakti pengurus (wajib bila ada pengurus)."),
    Column("term_end", "Masa Bakti Selesai", "2025-12-31", help="Akhir masa bakti pengurus."),
    Column("member_name", "Nama Pengurus", "Sri Lestari", aliases=("Nama",)),
    Column(
        "position",
        "Jabatan",
        "Ketua",
        help="Ketua, Wakil Ketua, Sekretaris, Bendahara, Koordinator Pengumpulan/Pengolahan/Penyebaran, "
        "Seksi, Anggota.",
    ),
    Column("section_name", "Seksi/Bidang", "", aliases=("Seksi", "Bidang"), help="Nama seksi bila Jabatan = Seksi."),
    Column("gender", "Jenis Kelamin", "P", aliases=("L/P",), help="L atau P."),
    Column("member_phone", "Telepon Pengurus", "0813 2222 3333", aliases=("No HP", "No HP Pengurus"), personal=PHONE),
    Column("nik", "NIK", "", personal=NIK, help="Opsional; data pribadi (UU 27/2022)."),
)
KIM_FIELDS = (
    "address",
    "founded_on",
    "status",
    "is_pilot",
    "contact_name",
    "contact_phone",
    "email",
    "members_count",
    "kimid_number",
    "kimid_url",
)
MEMBER_FIELDS = ("gender", "phone", "nik")
Term = tuple[date | None, date | None]


@dataclass
class MemberPlan:
    row: int
    name: str
    position: str
    section_name: str | None
    values: dict[str, Any]
    existing: BoardMember | None = None
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class BoardPlan:
    row: int
    term_start: date
    term_end: date
    existing: Board | None = None
    members: dict[tuple[str, str, str], MemberPlan] = field(default_factory=dict)
    chair: tuple[str, int] | None = None  # (name, row) of the Ketua, stored (row 0) or planned
    claimed: bool = False  # a valid row has been counted as creating it


@dataclass
class KimPlan:
    row: int
    name: str
    place: Place
    existing: Kim | None = None
    values: dict[str, Any] = field(default_factory=dict)
    value_rows: dict[str, int] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)
    boards: dict[tuple[date, date], BoardPlan] = field(default_factory=dict)
    claimed: bool = False


class KimSheet(SheetKind):
    name = "kim"
    label = _l("KIM with their board")
    permission = "kim"
    columns = COLUMNS
    summary = ("kim_name", "village", "term_start", "term_end", "member_name", "position", "member_phone", "nik")
    description = _l("One row per board member; the KIM columns repeat on each row (or stay empty under merged cells).")

    def plan(self, ctx: ImportContext, rows: list[RowResult]) -> list[KimPlan]:
        stored = {
            (norm(kim.name), kim.village_code): kim
            for kim in ctx.session.scalars(sa.select(Kim).where(Kim.regency_code == ctx.regency.code))
        }
        trashed = {
            (norm(kim.name), kim.village_code)
            for kim in ctx.session.scalars(
                sa.select(Kim)
                .where(Kim.regency_code == ctx.regency.code, Kim.deleted_at.is_not(None))
                .execution_options(**{INCLUDE_TRASHED: True})
            )
        }
        ctx.cache["trashed_kim"] = trashed - stored.keys()
        by_village: dict[str, list[Kim]] = {}
        for kim in stored.values():
            by_village.setdefault(kim.village_code, []).append(kim)
        planned: dict[tuple[str, str], KimPlan] = {}
        # The KIM (or None when it had errors), its first row, and the board term of the row above.
        previous: tuple[KimPlan | None, RowResult | None, Term] = (None, None, (None, None))
        for row in rows:
            continues = all(blank(row.get(key)) for key in KIM_IDENTITY)
            if continues and previous[1] is not None:
                kim_plan, first, term = previous
                if kim_plan is None:
                    row.errors.append(
                        _("This row continues the KIM of row %(row)d, which has errors.", row=first.number)
                    )
                    continue
                row.notes.append(_("Continues %(name)s from the row above.", name=kim_plan.name))
                previous = (kim_plan, first, self._plan_row(ctx, row, kim_plan, term))
                continue
            kim_plan = self._kim_of(ctx, row, stored, by_village, planned)
            term = self._plan_row(ctx, row, kim_plan, (None, None)) if kim_plan is not None else (None, None)
            previous = (kim_plan, row, term)
        return list(planned.values())

    # --- the KIM of a row ------------------------------------------------------------------------
    def _kim_of(
        self,
        ctx: ImportContext,
        row: RowResult,
        stored: dict[tuple[str, str], Kim],
        by_village: dict[str, list[Kim]],
        planned: dict[tuple[str, str], KimPlan],
    ) -> KimPlan | None:
        name = row.parse(text, "kim_name", 150, self.header("kim_name"))
        if name is None and not row.errors:
            row.require("kim_name", self.header("kim_name"))
        place = row.parse(ctx.regions.village, "village", row.get("district"), row.get("village_code"))
        if name is None or place is None:
            return None
        key = (norm(name), place.code)
        if key in planned:
            return planned[key]
        existing = stored.get(key)
        if existing is None and key in ctx.cache["trashed_kim"]:
            # Adding it again would leave two of the same KIM once the deleted one is restored.
            row.errors.append(
                _(
                    "KIM %(name)s in desa %(desa)s was deleted and is in the Trash. Restore it from the "
                    "Trash first (an administrator can), then import again.",
                    name=name,
                    desa=place.name,
                )
            )
            return None
        plan = KimPlan(row.number, name, place, existing)
        if existing is None:
            others = [kim.name for kim in by_village.get(place.code, [])]
            if others:
                row.notes.append(
                    _(
                        "Desa %(desa)s already has %(names)s; another KIM will be added.",
                        desa=place.name,
                        names=", ".join(others),
                    )
                )
            elsewhere = [kim for (kim_key, _code), kim in stored.items() if kim_key == key[0]]
            if elsewhere:
                row.notes.append(
                    _(
                        "A KIM with this name exists in another desa (%(code)s); this row adds a new one.",
                        code=elsewhere[0].village_code,
                    )
                )
        planned[key] = plan
        return plan

    def _kim_values(self, row: RowResult) -> dict[str, Any]:
        header = self.header
        return {
            "address": row.parse(text, "address", 300, header("address")),
            "founded_on": row.parse(parse_date, "founded_on", header("founded_on")),
            "status": row.parse(parse_choice, "status", header("status"), choices.KIM_STATUS),
            "is_pilot": row.parse(parse_bool, "is_pilot", header("is_pilot")),
            "contact_name": row.parse(text, "contact_name", 120, header("contact_name")),
            "contact_phone": row.parse(parse_phone, "contact_phone", header("contact_phone")),
            "email": row.parse(parse_email, "email", header("email")),
            "members_count": row.parse(parse_int, "members_count", header("members_count"), 0, 100_000),
            "kimid_number": row.parse(text, "kimid_number", 50, header("kimid_number")),
            "kimid_url": row.parse(text, "kimid_url", 300, header("kimid_url")),
        }

    # --- one row: KIM values, board, member --------------------------------------------------------
    def _plan_row(self, ctx: ImportContext, row: RowResult, kim: KimPlan, inherited: Term) -> Term:
        """Validate one row of ``kim`` and merge it into the plan; returns the row's board term."""
        header = self.header
        values = self._kim_values(row)
        founded = values["founded_on"]
        if founded is not None and founded > ctx.today:
            row.errors.append(_("%(column)s cannot be in the future.", column=header("founded_on")))
        term_start, term_end = (
            row.parse(parse_date, key, header(key)) if not blank(row.get(key)) else default
            for key, default in (("term_start", inherited[0]), ("term_end", inherited[1]))
        )
        member = self._member_values(row)
        has_term = term_start is not None or term_end is not None
        if (member is not None or has_term) and not row.errors:
            if term_start is None or term_end is None:
                row.errors.append(
                    _(
                        "Fill in both %(start)s and %(end)s for the board.",
                        start=header("term_start"),
                        end=header("term_end"),
                    )
                )
            elif term_end <= term_start:
                row.errors.append(_("The board's term must end after it starts."))
        conflicts = [
            _("%(column)s differs from row %(row)d.", column=header(name), row=kim.value_rows[name])
            for name, value in values.items()
            if value is not None and name in kim.values and kim.values[name] != value
        ]
        row.errors.extend(conflicts)
        if row.errors:
            return term_start, term_end
        # Checks passed: merge into the plan.
        creates = updates = False
        if term_start is not None and term_end is not None:
            board = self._board(ctx, kim, row, term_start, term_end)
            outcome = self._member(board, row, member) if member is not None else SKIP
            if outcome is None:
                return term_start, term_end
            creates, updates = outcome == CREATE, outcome == UPDATE
            if board.existing is None and not board.claimed:
                board.claimed = creates = True
        if kim.existing is None and not kim.claimed:
            kim.claimed = creates = True
        for name, value in values.items():
            if value is None or name in kim.values:
                continue
            kim.values[name], kim.value_rows[name] = value, row.number
            if kim.existing is not None and differs(getattr(kim.existing, name), value):
                kim.changes[name] = value
                updates = True
        row.action = CREATE if creates else UPDATE if updates else SKIP
        if row.action == SKIP and not row.notes:
            row.notes.append(_("Already recorded; nothing changes."))
        return term_start, term_end

    def _member_values(self, row: RowResult) -> dict[str, Any] | None:
        header = self.header
        if all(blank(row.get(key)) for key in MEMBER_COLUMNS):
            return None
        if not row.require("member_name", header("member_name")):
            return None
        name = row.parse(text, "member_name", 120, header("member_name"))
        section = row.parse(text, "section_name", 120, header("section_name"))
        raw_position = str(row.get("position") or "").strip()
        if norm(raw_position).startswith("seksi "):  # "Seksi Humas" in one cell: position and section
            position, section = "seksi", section or raw_position[len("seksi") :].strip()
        elif row.require("position", header("position")):
            position = row.parse(parse_choice, "position", header("position"), choices.POSITION)
        else:
            position = None
        if position == "seksi" and not section:
            row.errors.append(_("Name the section (%(column)s) of a Seksi member.", column=header("section_name")))
        values = {
            "gender": row.parse(parse_choice, "gender", header("gender"), choices.GENDER),
            "phone": row.parse(parse_phone, "member_phone", header("member_phone")),
            "nik": row.parse(parse_nik, "nik", header("nik")),
        }
        if name is None or position is None:
            return None
        return {"name": name, "position": position, "section_name": section, **values}

    def _board(self, ctx: ImportContext, kim: KimPlan, row: RowResult, start: date, end: date) -> BoardPlan:
        board = kim.boards.get((start, end))
        if board is not None:
            return board
        existing = None
        if kim.existing is not None:
            existing = ctx.session.scalar(
                sa.select(Board)
                .where(Board.kim_id == kim.existing.id, Board.term_start == start, Board.term_end == end)
                .options(selectinload(Board.members))
                .limit(1)
            )
        board = BoardPlan(row.number, start, end, existing)
        if existing is not None:
            chair = next((m for m in existing.members if m.position == "ketua" and m.end_on is None), None)
            board.chair = (chair.name, 0) if chair is not None else None
        kim.boards[(start, end)] = board
        return board

    def _member(self, board: BoardPlan, row: RowResult, member: dict[str, Any]) -> str | None:
        key = (norm(member["name"]), member["position"], norm(member["section_name"]))
        earlier = board.members.get(key)
        if earlier is not None:
            if earlier.values == member:
                row.notes.append(_("Same as row %(row)d: skipped.", row=earlier.row))
                return SKIP
            row.errors.append(
                _("This row names the same board member as row %(row)d but with other values.", row=earlier.row)
            )
            return None
        if member["position"] == "ketua" and board.chair is not None and norm(board.chair[0]) != key[0]:
            where = _("row %(row)d", row=board.chair[1]) if board.chair[1] else _("already recorded")
            row.errors.append(
                _(
                    "The board already has a Ketua, %(name)s (%(where)s); a board has one Ketua.",
                    name=board.chair[0],
                    where=where,
                )
            )
            return None
        existing = None
        if board.existing is not None:
            existing = next(
                (m for m in board.existing.members if (norm(m.name), m.position, norm(m.section_name)) == key),
                None,
            )
        plan = MemberPlan(row.number, member["name"], member["position"], member["section_name"], member, existing)
        if member["position"] == "ketua" and board.chair is None:
            board.chair = (member["name"], row.number)
        board.members[key] = plan
        if existing is None:
            return CREATE
        plan.changes = {name: member[name] for name in MEMBER_FIELDS if differs(getattr(existing, name), member[name])}
        return UPDATE if plan.changes else SKIP

    # --- writing -------------------------------------------------------------------------------------
    def apply(self, ctx: ImportContext, plan: list[KimPlan]) -> list[Written]:
        session = ctx.session
        written: list[Written] = []
        for item in plan:
            kim = item.existing
            values = {name: value for name, value in item.values.items() if value is not None}
            status = values.pop("status", None)
            if kim is None:
                kim = Kim(name=item.name, village_code=item.place.code, **values)
                session.add(kim)
                session.add(change_status(kim, status or "aktif", IMPORT_REASON, ctx.today))
                written.append(Written(item.row, "kim", kim, "created"))
            elif item.changes:
                for name, value in item.changes.items():
                    if name == "status":
                        session.add(change_status(kim, value, IMPORT_REASON, ctx.today))
                    else:
                        setattr(kim, name, value)
                written.append(Written(item.row, "kim", kim, "updated"))
            for board_plan in item.boards.values():
                written += self._apply_board(ctx, kim, board_plan)
            session.flush()  # a failing row fails here, and the whole import is rolled back
        return written

    def _apply_board(self, ctx: ImportContext, kim: Kim, plan: BoardPlan) -> list[Written]:
        session = ctx.session
        written = []
        board = plan.existing
        if board is None:
            board = Board(kim=kim, term_start=plan.term_start, term_end=plan.term_end)
            session.add(board)
            written.append(Written(plan.row, "board", board, "created"))
        for member_plan in plan.members.values():
            if member_plan.existing is None:
                values = {name: value for name, value in member_plan.values.items() if value is not None}
                member = BoardMember(board=board, **values)
                session.add(member)
                written.append(Written(member_plan.row, "board_member", member, "created"))
            elif member_plan.changes:
                for name, value in member_plan.changes.items():
                    setattr(member_plan.existing, name, value)
                written.append(Written(member_plan.row, "board_member", member_plan.existing, "updated"))
        if plan.existing is None:
            renewal = reactivate_after_board_renewal(board, ctx.today)
            if renewal is not None:
                session.add(renewal)
        return written
