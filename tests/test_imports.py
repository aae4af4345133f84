"""Spreadsheet import: reading by content, matching desa, previews that write nothing, one
transaction per import, idempotent re-imports, and a realistic legacy Karanganyar sheet."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from datetime import date

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from openpyxl import Workbook

from kimadmin.imports.kinds import KINDS
from kimadmin.imports.plan import build_preview
from kimadmin.imports.reader import MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, FileProblem, read_table
from kimadmin.imports.service import ImportFailed, run_import
from kimadmin.models import (
    Activity,
    Award,
    Board,
    BoardMember,
    FkMetraGroup,
    ImportBatch,
    ImportRecord,
    Kim,
    KimStatusChange,
    Regency,
    Village,
)
from kimadmin.testing.factories import BoardFactory, BoardMemberFactory, KimFactory

KIM_HEADERS = [
    "No",
    "Nama KIM",
    "Kecamatan",
    "Desa/Kelurahan",
    "Alamat Sekretariat",
    "Tanggal Berdiri",
    "Status",
    "Masa Bakti Mulai",
    "Masa Bakti Selesai",
    "Nama Pengurus",
    "Jabatan",
    "Jenis Kelamin",
    "No HP",
    "NIK",
]
COUNTED = (Kim, Board, BoardMember, KimStatusChange, FkMetraGroup, Activity, Award, ImportBatch, ImportRecord)


# --- building sheets -------------------------------------------------------------------------------------
def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[object]], delimiter: str = ",", encoding: str = "utf-8-sig") -> bytes:
    lines = [delimiter.join("" if cell is None else str(cell) for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def legacy_karanganyar_sheet(fixed: bool = False) -> list[list[object]]:
    """The office's old table: one row per board member, KIM columns under merged cells.

    Unfixed, it has the usual mistakes: a typo'd desa, a bad phone number, a blank required cell,
    a duplicated row, a desa of another regency and a kecamatan name typed in capitals with spaces.
    """
    popongan = "Popongan" if fixed else "Popongn"
    bad_phone = "0812 2900 1103" if fixed else "08129"
    blank_name = "KIM Tunas Harapan" if fixed else None
    rows: list[list[object]] = [
        KIM_HEADERS,
        [
            1,
            "KIM Manteb",
            "Karangpandan",
            "Karangpandan",
            "Jl. Raya Karangpandan 4",
            "14/03/2016",
            "Aktif",
            "01/01/2023",
            "31/12/2025",
            "Sutrisno",
            "Ketua",
            "L",
            "0812 2900 1101",
            None,
        ],
        [
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "Sri Wahyuni",
            "Sekretaris",
            "P",
            "0813-2900-1102",
            None,
        ],
        [None, None, None, None, None, None, None, None, None, "Bambang Riyadi", "Bendahara", "L", bad_phone, None],
        [None, None, None, None, None, None, None, None, None, "Wulan Sari", "Seksi Humas", "P", None, None],
        [
            2,
            "KIM Bima",
            "karanganyar",
            popongan,
            "Kel. Popongan RT 02",
            date(2018, 2, 5),
            "Aktif",
            date(2024, 1, 1),
            date(2026, 12, 31),
            "Joko Santoso",
            "Ketua",
            "L",
            "081329001201",
            None,
        ],
        [None, None, None, None, None, None, None, None, None, "Rina Kartika", "Sekretaris", "P", None, None],
        [
            3,
            blank_name,
            "Jaten",
            "Dagen",
            "Balai Desa Dagen",
            "20 Mei 2019",
            "Aktif",
            "2024-03-01",
            "2027-02-28",
            "Hartono",
            "Ketua",
            "L",
            "0857 2900 1301",
            None,
        ],
        [
            None,
            "KIM Tunas Harapan",
            "Jaten",
            "Dagen",
            None,
            None,
            None,
            "2024-03-01",
            "2027-02-28",
            "Siti Aminah",
            "Bendahara",
            "P",
            None,
            None,
        ],
        [
            None,
            "KIM Tunas Harapan",
            "Jaten",
            "Dagen",
            None,
            None,
            None,
            "2024-03-01",
            "2027-02-28",
            "Siti Aminah",
            "Bendahara",
            "P",
            None,
            None,
        ],  # duplicated row
        [
            4,
            "KIM Saraswati",
            "  TASIKMADU ",
            "  NGIJO  ",
            None,
            "21-08-2017",
            "Tidak Aktif",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
    ]
    if not fixed:
        rows.append(
            [
                5,
                "KIM Sindoro",
                "Wadaslintang",
                "33.07.01.1007",
                None,
                None,
                "Aktif",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ]
        )
    return rows


def counts(session) -> dict[str, int]:
    session.expire_all()
    return {model.__name__: session.scalar(sa.select(sa.func.count()).select_from(model)) for model in COUNTED}


def karanganyar(session) -> Regency:
    return session.get(Regency, "33.13")


def preview_of(session, rows, kind="kim", name="kim.xlsx", regency="33.13", show_personal=False, data=None):
    data = xlsx_bytes(rows) if data is None else data
    with force_locale("en"):
        return build_preview(KINDS[kind], data, name, session.get(Regency, regency), session, show_personal)


def errors_of(preview) -> dict[int, list[str]]:
    return {row.number: row.errors for row in preview.rows if row.errors}


@pytest.fixture
def session(db_session):
    """The test's session outside any request: unscoped, as for ``flask kim import``."""
    return db_session


# --- the legacy sheet --------------------------------------------------------------------------------------
def test_legacy_sheet_with_mistakes_lists_each_in_plain_words_and_writes_nothing(session):
    before = counts(session)

    preview = preview_of(session, legacy_karanganyar_sheet())

    errors = errors_of(preview)
    assert errors[4] == ["Telepon Pengurus is not a valid Indonesian phone number (for example 0812 3456 7890)."]
    assert errors[6] == [
        "desa 'Popongn' was not found in Kecamatan Karanganyar; "
        "did you mean 'Popongan' in Kecamatan Karanganyar (33.13.09.1009)?"
    ]
    assert errors[7] == ["This row continues the KIM of row 6, which has errors."]
    assert errors[8] == ["Nama KIM must be filled in."]
    assert errors[12] == [
        "desa 33.07.01.1007 is outside Kabupaten Karanganyar; rows of another regency are not imported."
    ]
    assert set(errors) == {4, 6, 7, 8, 12}
    by_number = {row.number: row for row in preview.rows}
    assert by_number[9].status == "create" and by_number[10].status == "skip"
    assert by_number[10].notes == ["Same as row 9: skipped."]
    assert by_number[11].status == "create"  # "  TASIKMADU " / "  NGIJO  " matched
    assert not preview.ok
    assert counts(session) == before


def test_the_fixed_legacy_sheet_imports_in_one_pass_and_again_changes_nothing(session):
    before = counts(session)
    preview = preview_of(session, legacy_karanganyar_sheet(fixed=True))
    assert preview.ok, errors_of(preview)
    assert preview.counts == {"create": 9, "update": 0, "skip": 1, "error": 0}

    batch = run_import(preview, user_id=None, source="cli")

    after = counts(session)
    assert after["Kim"] - before["Kim"] == 4
    assert after["Board"] - before["Board"] == 3
    assert after["BoardMember"] - before["BoardMember"] == 8
    manteb = session.scalar(sa.select(Kim).where(Kim.name == "KIM Manteb"))
    assert (manteb.village_code, manteb.founded_on, manteb.status) == ("33.13.08.2007", date(2016, 3, 14), "aktif")
    members = {m.name: m for m in manteb.boards[0].members}
    assert members["Sutrisno"].phone == "+6281229001101"
    assert (members["Wulan Sari"].position, members["Wulan Sari"].section_name) == ("seksi", "Humas")
    saraswati = session.scalar(sa.select(Kim).where(Kim.name == "KIM Saraswati"))
    assert (saraswati.village_code, saraswati.status) == ("33.13.10.2003", "tidak_aktif")
    assert saraswati.status_history[0].reason == "Impor spreadsheet"
    assert {(r.entity, r.action) for r in batch.records} == {
        ("kim", "created"),
        ("board", "created"),
        ("board_member", "created"),
    }
    assert (batch.rows_total, batch.rows_created, batch.rows_skipped, batch.regency_code) == (10, 9, 1, "33.13")

    again = preview_of(session, legacy_karanganyar_sheet(fixed=True))
    assert again.ok and again.counts == {"create": 0, "update": 0, "skip": 10, "error": 0}
    run_import(again, user_id=None, source="cli")
    after_again = counts(session)
    assert {name: after_again[name] - after[name] for name in after} == {
        name: (1 if name == "ImportBatch" else 0) for name in after
    }


def test_a_kim_in_the_trash_is_not_imported_again_as_a_new_one(session):
    from kimadmin.trash.service import move_to_trash

    run_import(preview_of(session, legacy_karanganyar_sheet(fixed=True)), user_id=None)
    move_to_trash(session.scalar(sa.select(Kim).where(Kim.name == "KIM Manteb")))
    session.flush()
    before = counts(session)

    preview = preview_of(session, legacy_karanganyar_sheet(fixed=True))

    assert not preview.ok
    assert [(number, len(problems)) for number, problems in errors_of(preview).items()][:1] == [(2, 1)]
    assert "in the Trash" in errors_of(preview)[2][0] and "Karangpandan" in errors_of(preview)[2][0]
    assert counts(session) == before


def test_a_changed_cell_updates_only_that_field(session):
    run_import(preview_of(session, legacy_karanganyar_sheet(fixed=True)), user_id=None)
    rows = legacy_karanganyar_sheet(fixed=True)
    rows[2][12] = "0812 7777 8888"  # Sri Wahyuni's new number

    preview = preview_of(session, rows)

    assert preview.counts == {"create": 0, "update": 1, "skip": 9, "error": 0}
    batch = run_import(preview, user_id=None)
    member = session.scalar(sa.select(BoardMember).where(BoardMember.name == "Sri Wahyuni"))
    assert member.phone == "+6281277778888"
    assert [(r.entity, r.action, r.row_number) for r in batch.records] == [("board_member", "updated", 3)]


# --- all or nothing ----------------------------------------------------------------------------------------
def test_a_database_error_on_row_n_rolls_back_every_row(session):
    preview = preview_of(session, legacy_karanganyar_sheet(fixed=True))
    assert preview.ok
    before = counts(session)

    def fail_on_tunas_harapan(mapper, connection, target):
        if target.name == "KIM Tunas Harapan":  # the third KIM: two were already flushed
            connection.exec_driver_sql("INSERT INTO no_such_table VALUES (1)")

    sa.event.listen(Kim, "before_insert", fail_on_tunas_harapan)
    try:
        with pytest.raises(ImportFailed):
            run_import(preview, user_id=None)
    finally:
        sa.event.remove(Kim, "before_insert", fail_on_tunas_harapan)

    assert counts(session) == before
    assert session.scalar(sa.select(Kim).where(Kim.name == "KIM Manteb")) is None


# --- regions -----------------------------------------------------------------------------------------------
REGION_HEADERS = ["Nama KIM", "Kecamatan", "Desa/Kelurahan", "Kode Desa"]


@pytest.mark.parametrize(
    ("district", "village", "code", "expected"),
    [
        (None, None, "33.13.11.2004", "33.13.11.2004"),
        (None, None, "3313112004", "33.13.11.2004"),
        ("Jaten", "Dagen", None, "33.13.11.2004"),
        ("JATEN", "  dagen ", None, "33.13.11.2004"),
        ("jaten", "Desa   DAGEN", None, "33.13.11.2004"),
        (None, "Dagen", None, "33.13.11.2004"),
        ("33.13.11", "Dagen", None, "33.13.11.2004"),
        ("Karanganyar", "Kel. Popongan", None, "33.13.09.1009"),
    ],
)
def test_desa_matched_by_code_or_by_name_whatever_the_case_and_spacing(session, district, village, code, expected):
    preview = preview_of(session, [REGION_HEADERS, ["KIM Uji Wilayah", district, village, code]])

    assert preview.ok, errors_of(preview)
    assert preview.plan[0].place.code == expected


@pytest.mark.parametrize(
    ("district", "village", "code", "message"),
    [
        (
            "Jaten",
            "Dgen",
            None,
            "desa 'Dgen' was not found in Kecamatan Jaten; did you mean 'Dagen' in Kecamatan Jaten (33.13.11.2004)?",
        ),
        (
            "Karanganyar",
            "Dagen",
            None,
            "desa 'Dagen' was not found in Kecamatan Karanganyar; did you mean 'Dagen' "
            "in Kecamatan Jaten (33.13.11.2004)?",
        ),
        (None, "Wonorejo", None, "there are several desa named 'Wonorejo'"),
        ("Jatn", "Dagen", None, "kecamatan 'Jatn' was not found in Kabupaten Karanganyar; did you mean 'Jaten'?"),
        (None, "Atlantis", None, "desa 'Atlantis' was not found in Kabupaten Karanganyar."),
        (None, "Dagen", "33.13.11.2005", "code 33.13.11.2005 is desa 'Ngringo', not 'Dagen'"),
        (None, None, "33.07.01.2001", "desa 33.07.01.2001 is outside Kabupaten Karanganyar"),
        (None, None, "33.13.99.2001", "there is no desa with code 33.13.99.2001."),
        (None, None, None, "fill in the desa/kelurahan (its name or its Kemendagri code)."),
    ],
)
def test_unmatched_desa_get_a_suggestion_or_a_reason(session, district, village, code, message):
    preview = preview_of(session, [REGION_HEADERS, ["KIM Uji Wilayah", district, village, code]])

    assert not preview.ok
    assert any(error.startswith(message) for error in preview.rows[0].errors), preview.rows[0].errors


def test_a_row_aimed_at_another_regency_is_rejected_for_every_kind(session):
    group = preview_of(
        session,
        [
            ["Nama Kelompok", "Jenis Kesenian", "Desa/Kelurahan", "Kode Desa"],
            ["Sanggar Luar", "Wayang", None, "33.07.01.2001"],
        ],
        kind="fkmetra_group",
    )
    activity = preview_of(
        session,
        [
            ["Jenis Kegiatan", "Judul Kegiatan", "Tanggal Mulai", "Kode Kabupaten"],
            ["Rakor", "Rakor KIM", "2024-05-02", "33.07"],
        ],
        kind="activity",
    )

    assert "outside Kabupaten Karanganyar" in group.rows[0].errors[0]
    assert activity.rows[0].errors == [
        "this row is for regency/city 33.07, not Kabupaten Karanganyar; rows of another regency are not imported."
    ]


# --- files -------------------------------------------------------------------------------------------------
def test_an_xlsx_that_is_really_text_is_refused(session):
    preview = preview_of(session, [], data=csv_bytes([REGION_HEADERS]), name="kim.xlsx")

    assert preview.problems == ["This file is named .xlsx but it is not an Excel workbook. Save it again from Excel."]
    assert preview.rows == []


@pytest.mark.parametrize(
    ("data", "name", "problem"),
    [
        (b"", "kim.csv", "The file is empty."),
        (b"a,b\n" * (MAX_FILE_BYTES // 4 + 1), "kim.csv", "The file is larger than 2 MB. Split it into smaller files."),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "kim.csv", "This file is not a CSV text file."),
        (b"PK\x03\x04" + b"x" * 20, "kim.csv", "This file is named .csv but it is a workbook."),
        (b"hello", "kim.xls", "Old Excel files (.xls) cannot be read."),
        (b"hello", "kim.pdf", "Only .xlsx and .csv files can be imported."),
        (b"\x81\x8d\x8f\x90\x9d", "kim.csv", "The CSV file's characters cannot be read."),
    ],
)
def test_files_are_checked_by_content(app, data, name, problem):
    with app.test_request_context(), force_locale("en"), pytest.raises(FileProblem) as raised:
        read_table(data, name)
    assert str(raised.value).startswith(problem)


def test_a_zip_that_is_not_a_workbook_is_refused(app):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not excel")
    with app.test_request_context(), force_locale("en"), pytest.raises(FileProblem, match="not an Excel workbook"):
        read_table(buffer.getvalue(), "kim.xlsx")


def test_csv_from_indonesian_excel_semicolons_and_cp1252_are_read(session):
    rows = [REGION_HEADERS, ["KIM Cahaya Désa", "Jaten", "Dagen", None]]

    preview = preview_of(session, rows, name="kim.csv", data=csv_bytes(rows, ";", "cp1252"))

    assert preview.ok, errors_of(preview)
    assert preview.plan[0].name == "KIM Cahaya Désa"


def test_too_many_rows_are_refused_before_anything_is_checked(session):
    rows = [REGION_HEADERS] + [[f"KIM {n}", "Jaten", "Dagen", None] for n in range(MAX_ROWS + 1)]

    preview = preview_of(session, rows, name="kim.csv", data=csv_bytes(rows))

    assert preview.problems == [f"The file has more than {MAX_ROWS} rows. Split it into smaller files."]


def wide_workbook(data_rows: int, far_column: int = 16000, far_row: int = 1) -> bytes:
    """A small file whose sheet is 16,000 columns wide: one stray cell far to the right."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(REGION_HEADERS)
    for n in range(data_rows):
        sheet.append([f"KIM {n}", "Jaten", "Dagen", None])
    sheet.cell(row=far_row, column=far_column, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def peak_memory_of(function):
    tracemalloc.start()
    try:
        result = function()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_wide_workbook_is_read_row_by_row_and_cut_at_the_column_limit(app):
    data = wide_workbook(MAX_ROWS)
    assert len(data) < 100_000

    with app.test_request_context():
        table, peak = peak_memory_of(lambda: read_table(data, "kim.xlsx"))

    assert table.headers[:4] == REGION_HEADERS
    assert len(table.headers) == MAX_COLUMNS
    assert len(table.rows) == MAX_ROWS
    # Read whole, the 2,001 rows padded to 16,000 cells took about 258 MB.
    assert peak < 30 * 2**20, f"peak {peak / 2**20:.0f} MB"


def test_a_wide_workbook_with_too_many_rows_is_refused_in_little_memory(app):
    data = wide_workbook(MAX_ROWS + 5)

    with app.test_request_context(), force_locale("en"), pytest.raises(FileProblem) as raised:
        peak_memory_of(lambda: read_table(data, "kim.xlsx"))

    assert str(raised.value) == f"The file has more than {MAX_ROWS} rows. Split it into smaller files."


def test_a_stray_cell_a_million_rows_down_is_refused_without_walking_every_blank_row(app):
    data = wide_workbook(3, far_column=1, far_row=1_000_000)

    with app.test_request_context(), force_locale("en"), pytest.raises(FileProblem, match="more than"):
        read_table(data, "kim.xlsx")


def test_a_missing_required_column_is_named(session):
    preview = preview_of(session, [["Nama KIM", "Kecamatan"], ["KIM Bima", "Karanganyar"]])

    assert preview.problems == [
        "The column 'Desa/Kelurahan' is missing. Download the template to see the expected columns."
    ]


# --- personal data and hostile text -----------------------------------------------------------------------
def test_personal_data_is_validated_like_the_forms_and_masked_in_the_preview(session):
    rows = [
        [
            "Nama KIM",
            "Desa/Kelurahan",
            "Kecamatan",
            "Masa Bakti Mulai",
            "Masa Bakti Selesai",
            "Nama Pengurus",
            "Jabatan",
            "Telepon Pengurus",
            "NIK",
        ],
        [
            "KIM Bima",
            "Popongan",
            "Karanganyar",
            "2024-01-01",
            "2026-12-31",
            "Joko",
            "Ketua",
            "0812 2900 1201",
            "3313094501900001",
        ],
        [None, None, None, None, None, "Rina", "Sekretaris", None, "1234"],
    ]

    masked = preview_of(session, rows)
    shown = preview_of(session, rows, show_personal=True)

    assert masked.rows[0].shown["member_phone"] == "0812****1201"
    assert "3313094501900001" not in masked.rows[0].shown["nik"]
    assert shown.rows[0].shown["nik"] == "3313094501900001"
    assert masked.rows[1].shown["nik"] == "***"
    assert masked.rows[1].errors[0].startswith("NIK is not a valid NIK:")
    assert "1234" not in " ".join(masked.rows[1].errors)


def test_hostile_text_is_stored_as_text(session):
    rows = [
        [*REGION_HEADERS, "Alamat Sekretariat"],
        ['=HYPERLINK("http://x")', "Jaten", "Dagen", None, "<script>alert(1)</script>"],
    ]

    run_import(preview_of(session, rows), user_id=None)

    kim = session.scalar(sa.select(Kim).where(Kim.village_code == "33.13.11.2004"))
    assert (kim.name, kim.address) == ('=HYPERLINK("http://x")', "<script>alert(1)</script>")


# --- other kinds --------------------------------------------------------------------------------------------
def test_fkmetra_groups_activities_and_awards_import_and_reimport_as_unchanged(session):
    KimFactory(name="KIM Tunas Harapan", village=session.get(Village, "33.13.11.2004"))
    sheets = {
        "fkmetra_group": [
            ["Nama Kelompok", "Jenis Kesenian", "Kecamatan", "Desa/Kelurahan", "Pimpinan", "Jumlah Pemain"],
            ["Sanggar Ngesti Budaya", "Wayang Kulit", "Karangpandan", "Karangpandan", "Suparno", 20],
            ["Jathilan Turonggo Seto", "Jathilan", "Jaten", "Dagen", None, None],
        ],
        "activity": [
            ["Jenis Kegiatan", "Judul Kegiatan", "Tanggal Mulai", "Tempat", "Anggaran", "Sumber Anggaran"],
            ["Workshop", "Workshop desain infografis", "15 Oktober 2024", "Balai Desa Dagen", "Rp 2.500.000", "APBD"],
        ],
        "award": [
            ["Nama Lomba", "Tingkat", "Tahun", "Peringkat", "Pemenang (KIM)", "Judul Karya"],
            ["Lomba KIM Jawa Tengah", "Provinsi", 2024, "Juara III", "kim  tunas harapan", None],
            ["Lomba KIM Jawa Tengah", "Provinsi", 2024, 3, None, None],
            ["Festival Film Pendek", "Provinsi", 2023, "Harapan I", "KIM Tunas Harapn", "Penglaris"],
        ],
    }
    award_preview = preview_of(session, sheets["award"], kind="award")
    assert errors_of(award_preview) == {
        4: ["KIM 'KIM Tunas Harapn' was not found in Kabupaten Karanganyar; did you mean 'KIM Tunas Harapan'?"]
    }
    sheets["award"].pop()
    for kind, rows in sheets.items():
        preview = preview_of(session, rows, kind=kind)
        assert preview.ok, (kind, errors_of(preview))
        run_import(preview, user_id=None)
        again = preview_of(session, rows, kind=kind)
        assert again.counts["skip"] == len(rows) - 1 and not again.changes_anything, kind

    group = session.scalar(sa.select(FkMetraGroup).where(FkMetraGroup.name == "Jathilan Turonggo Seto"))
    assert (group.art_form, group.regency_code, group.status) == ("kuda_lumping", "33.13", "aktif")
    activity = session.scalar(sa.select(Activity).where(Activity.title == "Workshop desain infografis"))
    assert (activity.start_on, activity.budget, activity.budget_source) == (date(2024, 10, 15), 2500000, "apbd_kab")
    awards = session.scalars(sa.select(Award).where(Award.contest_name == "Lomba KIM Jawa Tengah")).all()
    assert sorted((award.rank, award.kim.name if award.kim else "") for award in awards) == [
        (3, ""),
        (3, "KIM Tunas Harapan"),
    ]


def test_an_award_won_by_an_fk_metra_group_is_imported_once(session):
    KimFactory(name="KIM Tunas Harapan", village=session.get(Village, "33.13.11.2004"))
    groups = [
        ["Nama Kelompok", "Jenis Kesenian", "Kecamatan", "Desa/Kelurahan"],
        ["Sanggar Ngesti Budaya", "Wayang Kulit", "Karangpandan", "Karangpandan"],
    ]
    run_import(preview_of(session, groups, kind="fkmetra_group"), user_id=None)
    header = ["Nama Lomba", "Tingkat", "Tahun", "Peringkat", "Pemenang (KIM)", "Pemenang (Kelompok FK Metra)"]
    rows = [
        header,
        ["Parade Seni Tradisi", "Provinsi", 2024, "Juara I", None, "sanggar ngesti  budaya"],
        ["Parade Seni Tradisi", "Provinsi", 2024, "Juara II", "KIM Tunas Harapan", "Sanggar Ngesti Budaya"],
        ["Parade Seni Tradisi", "Provinsi", 2024, "Juara III", None, "Sanggar Ngesti Budoyo"],
    ]

    preview = preview_of(session, rows, kind="award")

    assert errors_of(preview) == {
        3: ["An award has one winner: fill in Pemenang (KIM) or Pemenang (Kelompok FK Metra), not both."],
        4: [
            "FK Metra group 'Sanggar Ngesti Budoyo' was not found in Kabupaten Karanganyar; "
            "did you mean 'Sanggar Ngesti Budaya'?"
        ],
    }
    rows = rows[:2]
    run_import(preview_of(session, rows, kind="award"), user_id=None)
    again = preview_of(session, rows, kind="award")
    assert again.counts["skip"] == 1 and not again.changes_anything  # matched on the group: no duplicate
    award = session.scalar(sa.select(Award).where(Award.contest_name == "Parade Seni Tradisi"))
    assert (award.rank, award.kim, award.fkmetra_group.name) == (1, None, "Sanggar Ngesti Budaya")


def test_a_second_chair_on_one_board_is_an_error(session):
    kim = KimFactory(name="KIM Bima", village=session.get(Village, "33.13.09.1009"))
    board = BoardFactory(kim=kim, term_start=date(2024, 1, 1), term_end=date(2026, 12, 31))
    BoardMemberFactory(board=board, name="Joko Santoso", position="ketua")
    rows = [
        [
            "Nama KIM",
            "Desa/Kelurahan",
            "Kecamatan",
            "Masa Bakti Mulai",
            "Masa Bakti Selesai",
            "Nama Pengurus",
            "Jabatan",
        ],
        ["KIM Bima", "Popongan", "Karanganyar", "2024-01-01", "2026-12-31", "Joko Santoso", "Ketua"],
        ["KIM Bima", "Popongan", "Karanganyar", "2024-01-01", "2026-12-31", "Agus", "Ketua"],
    ]

    preview = preview_of(session, rows)

    assert preview.rows[0].status == "skip"
    assert preview.rows[1].errors == [
        "The board already has a Ketua, Joko Santoso (already recorded); a board has one Ketua."
    ]
