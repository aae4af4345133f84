"""Exports of admin lists (CSV and XLSX): exactly what the list shows, streamed, inert, in scope.

Every file is read back (``csv`` and openpyxl), so the assertions are about what a user opens in
a spreadsheet, not about the code that wrote it.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from flask_admin.contrib.sqla.filters import FilterEqual
from openpyxl import load_workbook

from kimadmin import exports
from kimadmin.admin.base import FORMULA_PREFIXES
from kimadmin.extensions import db
from kimadmin.testing.factories import (
    ActivityFactory,
    AwardFactory,
    BoardFactory,
    BoardMemberFactory,
    KimFactory,
    make_user,
)
from kimadmin.testing.plugins import enable_plugin
from plugins.film_festival.tests.factories import make_edition, make_submission

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULAS = ('=HYPERLINK("http://evil.example","klik")', "+62-811", "-2+3", "@SUM(A1:A9)", "\tTab", "\rCR")
SCRIPT = "<script>alert('kim')</script>"


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def xlsx_sheet(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == XLSX
    book = load_workbook(io.BytesIO(response.get_data()))
    return book.worksheets[0]


def xlsx_rows(response) -> list[dict[str, object]]:
    sheet = xlsx_sheet(response)
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(value) for value in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def export(client, endpoint: str, kind: str, query: str = ""):
    return client.get(f"/admin/{endpoint}/export/{kind}/{query}")


# --- formula injection and HTML ------------------------------------------------------------------


@pytest.fixture
def hostile_activities(karanganyar):
    """Activities whose free text is a formula payload or a script, with numbers beside them."""
    made = []
    for number, payload in enumerate(FORMULAS):
        made.append(
            ActivityFactory(
                title=f"{payload} {number}" if payload.startswith(("\t", "\r")) else payload,
                place=SCRIPT,
                organiser_name=payload,
                theme="Theme " + payload,  # a payload inside text is harmless and kept as it is
                headcount=-5 if number == 0 else 40 + number,
                budget=Decimal("1500000.50"),
                start_on=date(2024, 5, 1 + number),
            )
        )
    return made


def test_csv_cells_with_formulas_are_neutralised_and_html_stays_text(make_client, karanganyar, hostile_activities):
    client = make_client(karanganyar.admin)
    client.switch_language("en")

    response = export(client, "activity", "csv")
    rows = csv_rows(response)

    assert len(rows) == len(FORMULAS)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment")
    for row in rows:
        for header, value in row.items():
            if header != "Headcount":  # a number, not text: "-5" stays a number
                assert not value.startswith(FORMULA_PREFIXES), (header, value)
        assert row["Place"] == SCRIPT  # text in a file, never markup in a page
    titles = {row["Title"] for row in rows}
    assert "'" + FORMULAS[0] in titles and "'@SUM(A1:A9)" in titles and "'-2+3" in titles
    assert {row["Organiser's name"] for row in rows} == {"'" + payload for payload in FORMULAS}
    assert {row["Theme"] for row in rows} == {"Theme " + payload for payload in FORMULAS}
    assert {row["Headcount"] for row in rows} == {"-5", "41", "42", "43", "44", "45"}  # numbers stay numbers


def test_the_csv_starts_with_a_byte_order_mark_so_excel_reads_utf8(make_client, karanganyar, db_session):
    KimFactory(regency="33.13", name="KIM Guyub Rukun \u2013 J\u00e9ruk")  # an en dash and an accent
    db_session.flush()

    body = export(make_client(karanganyar.admin), "kim", "csv").get_data()

    assert body.startswith("\ufeff".encode())
    assert "KIM Guyub Rukun \u2013 J\u00e9ruk" in body.decode("utf-8-sig")


def test_xlsx_cells_are_text_never_formulas_and_numbers_stay_numbers(make_client, karanganyar, hostile_activities):
    client = make_client(karanganyar.admin)
    client.switch_language("en")

    response = export(client, "activity", "xlsx")
    sheet = xlsx_sheet(response)

    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Content-Disposition"].rstrip('"').endswith(".xlsx")
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert cells
    for cell in cells:
        assert cell.data_type != "f", cell.value
        if isinstance(cell.value, str):
            assert cell.data_type == "s", cell.value  # an explicit string: no spreadsheet evaluates it
    read_back = (*FORMULA_PREFIXES, "\n")  # XML reads a carriage return back as a line feed
    payload_cells = [cell for cell in cells if isinstance(cell.value, str) and cell.value.startswith(read_back)]
    assert len(payload_cells) == 2 * len(FORMULAS)  # the title and the organiser's name of each
    assert all(cell.quotePrefix for cell in payload_cells)  # stays text when edited in Excel
    rows = xlsx_rows(export(client, "activity", "xlsx"))
    # Shown as typed, without an apostrophe (XML reads a carriage return back as a line feed).
    assert {row["Organiser's name"] for row in rows} == {payload.replace("\r", "\n") for payload in FORMULAS}
    assert {row["Place"] for row in rows} == {SCRIPT}
    assert sorted(row["Headcount"] for row in rows) == [-5, 41, 42, 43, 44, 45]
    assert {row["Budget (Rp)"] for row in rows} == {1500000.5}
    assert all(isinstance(row["Date"], date) for row in rows)


def test_plugin_columns_are_neutralised_too(make_client, karanganyar, monkeypatch):
    from plugins.film_festival import export_columns

    KimFactory(name="KIM Formula")
    enable_plugin("film_festival", karanganyar.regency_code)
    monkeypatch.setattr(export_columns, "films_entered", lambda kim: "=1+1")
    client = make_client(karanganyar.admin)
    client.switch_language("en")

    assert csv_rows(export(client, "kim", "csv"))[0]["Festival films"] == "'=1+1"
    sheet = xlsx_sheet(export(client, "kim", "xlsx"))
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("Festival films") + 1)
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_cell_values_keep_types_and_strip_characters_a_workbook_cannot_hold():
    assert exports.cell_value(None) == ""
    assert exports.cell_value(-3) == -3
    assert exports.cell_value(Decimal("2.50")) == Decimal("2.50")
    assert exports.cell_value(True) is True
    assert exports.cell_value(date(2024, 1, 2)) == date(2024, 1, 2)
    assert exports.cell_value("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert exports.cell_value("\x01=1+1") == "'=1+1"  # stripped first, then neutralised
    assert exports.cell_value("Desa Manggeh") == "Desa Manggeh"


# --- the list's filters, search, sort and all of its rows -----------------------------------------------


def activity_filter_index(app, column: str, filter_class: type) -> int:
    """The position of a Flask-Admin filter (``flt0_<position>=``), found by column and class (its
    label is translated, so it depends on the language of whatever evaluates it)."""
    view = next(v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", "") == "activity")
    return next(
        index
        for index, flt in enumerate(view._filters)
        if type(flt) is filter_class and getattr(flt, "column", None) is not None and flt.column.key == column
    )


def test_the_export_follows_search_filters_and_sort(app, make_client, karanganyar):
    for title, kind in (
        ("Rakor Stunting B", "rakor"),
        ("Sosialisasi Stunting A", "sosialisasi"),
        ("Rakor Stunting C", "rakor"),
        ("Rakor Pemilu", "rakor"),
    ):
        ActivityFactory(title=title, kind=kind)
    client = make_client(karanganyar.admin)
    client.switch_language("en")
    kind_equals = activity_filter_index(app, "kind", FilterEqual)

    searched = csv_rows(export(client, "activity", "csv", "?search=stunting&sort=1"))
    filtered = csv_rows(export(client, "activity", "csv", f"?search=stunting&flt0_{kind_equals}=rakor&sort=1&desc=1"))
    named = xlsx_rows(export(client, "activity", "xlsx", "?kind=sosialisasi"))

    assert [row["Title"] for row in searched] == ["Rakor Stunting B", "Rakor Stunting C", "Sosialisasi Stunting A"]
    assert [row["Title"] for row in filtered] == ["Rakor Stunting C", "Rakor Stunting B"]
    assert [row["Title"] for row in named] == ["Sosialisasi Stunting A"]


def test_every_matching_row_is_exported_across_pages_and_chunks(make_client, karanganyar, monkeypatch):
    monkeypatch.setattr("kimadmin.exports.rows.CHUNK_SIZE", 7)  # several chunks, one partial
    for day in range(1, 26):
        ActivityFactory(title=f"Kegiatan {day:02d}", start_on=date(2024, 3, day))
    client = make_client(karanganyar.admin)
    client.switch_language("en")

    listed = csv_rows(export(client, "activity", "csv", "?sort=1"))
    workbook = xlsx_rows(export(client, "activity", "xlsx", "?sort=1&desc=1"))

    assert [row["Title"] for row in listed] == [f"Kegiatan {day:02d}" for day in range(1, 26)]
    assert [row["Title"] for row in workbook] == [f"Kegiatan {day:02d}" for day in range(25, 0, -1)]


def test_the_csv_is_streamed_not_built_in_memory(make_client, karanganyar):
    ActivityFactory.create_batch(3)
    client = make_client(karanganyar.admin)

    response = client.get("/admin/activity/export/csv/", buffered=False)
    try:
        assert response.is_streamed
        body = b"".join(response.response).decode()
    finally:
        response.close()
    assert len(body.strip().splitlines()) == 1 + 3


def test_file_names_are_translated_and_safe(make_client, karanganyar):
    ActivityFactory()
    client = make_client(karanganyar.admin)

    indonesian = export(client, "activity", "csv").headers["Content-Disposition"]
    client.switch_language("en")
    english = export(client, "activity", "xlsx").headers["Content-Disposition"]

    today = date.today().isoformat()
    assert indonesian == f"attachment; filename=Kegiatan_{today}.csv"
    assert english == f"attachment; filename=Activities_{today}.xlsx"
    assert exports.export_filename('../"Studi tiru"; x=1', "csv", date(2024, 1, 2)) == "Studi_tiru_x1_2024-01-02.csv"
    assert exports.export_filename("Évènement", "csv", date(2024, 1, 2)) == "Evenement_2024-01-02.csv"
    assert exports.export_filename("***", "xlsx", date(2024, 1, 2)) == "export_2024-01-02.xlsx"


def test_without_the_export_permission_there_is_no_export(make_client, karanganyar):
    ActivityFactory()
    client = make_client(karanganyar.viewer)

    assert export(client, "activity", "csv").status_code == 403
    assert export(client, "activity", "xlsx").status_code == 403


def test_an_unknown_export_type_is_refused(make_client, karanganyar):
    client = make_client(karanganyar.admin)

    response = export(client, "activity", "json")

    assert response.status_code == 302  # Flask-Admin: "permission denied" back to the list
    assert export(client, "activity", "pdf").status_code == 302


# --- scope ------------------------------------------------------------------------------------------------


def test_other_regencies_rows_are_never_exported_even_with_a_crafted_url(make_client, karanganyar, wonosobo):
    KimFactory(name="KIM Karanganyar", regency="33.13")
    KimFactory(name="KIM Wonosobo", regency="33.07")
    ActivityFactory(title="Rakor Karanganyar", regency_code="33.13")
    ActivityFactory(title="Rakor Wonosobo", regency_code="33.07")
    client = make_client(wonosobo.admin)

    for query in ("", "?regency=33.13", "?province=33&search=Karanganyar", "?district=33.13.01"):
        body = export(client, "kim", "csv", query).get_data(as_text=True)
        assert "Karanganyar" not in body, query
    assert "KIM Wonosobo" in export(client, "kim", "csv", "?regency=33.07").get_data(as_text=True)
    names = [row[0] for row in xlsx_sheet(export(client, "kim", "xlsx", "?regency=33.13")).iter_rows(values_only=True)]
    assert names[1:] == []
    activities = export(client, "activity", "xlsx", "?search=Rakor").get_data()
    titles = {row[1] for row in load_workbook(io.BytesIO(activities)).active.iter_rows(min_row=2, values_only=True)}
    assert titles == {"Rakor Wonosobo"}


def test_a_province_user_exports_the_regencies_of_their_province_only(make_client, karanganyar):
    KimFactory(name="KIM Karanganyar", regency="33.13")
    KimFactory(name="KIM Bantul", regency="34.02")
    central_java = make_user("provinsi", province="33", email="provinsi@jateng.example")

    body = export(make_client(central_java), "kim", "csv").get_data(as_text=True)

    assert "KIM Karanganyar" in body and "KIM Bantul" not in body


# --- personal data ---------------------------------------------------------------------------------------


@pytest.fixture
def member(karanganyar):
    board = BoardFactory(kim=KimFactory(name="KIM Manteb"))
    return BoardMemberFactory(
        board=board, name="Siti Aminah", phone="+6281234567890", nik="3313014107900001", birth_date=date(1990, 7, 1)
    )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_personal_columns_are_left_out_without_the_export_permission(make_client, karanganyar, member, kind):
    client = make_client(karanganyar.admin)  # may view personal data, not export it
    client.switch_language("en")

    response = export(client, "board_member", kind)
    rows = csv_rows(response) if kind == "csv" else xlsx_rows(response)

    assert rows[0]["Name"] == "Siti Aminah"
    assert not {"Phone", "NIK", "Birth date"} & set(rows[0])
    values = " ".join(str(value) for row in rows for value in row.values())
    assert "81234567890" not in values and "3313014107900001" not in values and "1990" not in values


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_personal_columns_are_included_with_the_export_permission(make_client, member, kind):
    client = make_client(make_user("superadmin", email="pusat@kominfo.example"))
    client.switch_language("en")

    response = export(client, "board_member", kind)
    rows = csv_rows(response) if kind == "csv" else xlsx_rows(response)

    # A leading "+" is neutralised like any formula: with an apostrophe in CSV, as a string cell
    # (no visible apostrophe) in XLSX.
    assert rows[0]["Phone"] == ("'+6281234567890" if kind == "csv" else "+6281234567890")
    assert rows[0]["NIK"] == "3313014107900001"
    birth = rows[0]["Birth date"]
    assert birth == "1990-07-01" if kind == "csv" else birth.date() == date(1990, 7, 1)


# --- plugin columns -----------------------------------------------------------------------------------------


def test_a_plugin_column_appears_only_where_the_plugin_is_enabled(make_client, karanganyar, wonosobo):
    edition = make_edition("33.07")
    kim = KimFactory(name="KIM Sindoro", regency="33.07")
    make_submission(edition, kim, title="Krasa")
    make_submission(edition, kim, title="Rasa")
    KimFactory(name="KIM Sumbing", regency="33.07")
    KimFactory(name="KIM Lawu", regency="33.13")
    enable_plugin("film_festival", "33.07")
    wonosobo_client, karanganyar_client = make_client(wonosobo.admin), make_client(karanganyar.admin)
    wonosobo_client.switch_language("en")
    karanganyar_client.switch_language("en")

    enabled = {row["KIM name"]: row["Festival films"] for row in csv_rows(export(wonosobo_client, "kim", "csv"))}
    enabled_xlsx = {row["KIM name"]: row["Festival films"] for row in xlsx_rows(export(wonosobo_client, "kim", "xlsx"))}
    disabled = csv_rows(export(karanganyar_client, "kim", "csv"))

    assert enabled == {"KIM Sindoro": "2", "KIM Sumbing": "0"}
    assert enabled_xlsx == {"KIM Sindoro": 2, "KIM Sumbing": 0}
    assert [row["KIM name"] for row in disabled] == ["KIM Lawu"]
    assert "Festival films" not in disabled[0]
    # Other lists get no festival column.
    ActivityFactory(regency_code="33.07")
    assert "Festival films" not in csv_rows(export(wonosobo_client, "activity", "csv"))[0]


def test_a_failing_plugin_column_leaves_its_cells_empty(make_client, karanganyar, monkeypatch):
    from plugins.film_festival import export_columns

    KimFactory(name="KIM Lawu")
    enable_plugin("film_festival", "33.13")

    def broken(kim):
        raise RuntimeError("plugin bug")

    monkeypatch.setattr(export_columns, "films_entered", broken)
    client = make_client(karanganyar.admin)
    client.switch_language("en")

    rows = csv_rows(export(client, "kim", "csv"))

    assert rows == [{**rows[0], "KIM name": "KIM Lawu", "Festival films": ""}]


# --- statements ---------------------------------------------------------------------------------------------


def _seed(endpoint: str, count: int, regency: str) -> None:
    for number in range(count):
        if endpoint == "kim":
            kim = KimFactory(name=f"KIM {number}", regency=regency)
            BoardFactory(kim=kim)
            BoardFactory(kim=kim, term_end=date(2028, 12, 31))
        elif endpoint == "activity":
            ActivityFactory(regency_code=regency)
        elif endpoint == "award":
            AwardFactory(regency_code=regency, kim=KimFactory(regency=regency))
        elif endpoint == "board_member":
            BoardMemberFactory(board=BoardFactory(kim=KimFactory(regency=regency)))
        elif endpoint == "decree":
            from kimadmin.testing.factories import DecreeFactory

            DecreeFactory(kim=KimFactory(regency=regency))
    db.session.flush()


@pytest.mark.parametrize("endpoint", ["kim", "activity", "award", "board_member", "decree"])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_number_of_statements_does_not_grow_with_the_rows(
    make_client, wonosobo, count_queries, db_session, endpoint, kind
):
    enable_plugin("film_festival", "33.07")  # its column counts films in one statement, not per row
    client = make_client(wonosobo.admin)
    export(client, endpoint, kind)  # warm up: the session's user and permissions
    counts = []
    for rows, more in ((3, 3), (30, 27)):
        _seed(endpoint, more, "33.07")
        with count_queries() as counter:
            response = export(client, endpoint, kind)
        body = response.get_data()
        exported = len(csv_rows(response)) if kind == "csv" else len(xlsx_rows(response))
        assert exported == rows, body[:300]
        counts.append(len(counter))
    assert counts[0] == counts[1], counts


def test_trashed_rows_are_not_exported(make_client, karanganyar):
    from datetime import UTC, datetime

    ActivityFactory(title="Rakor Hidup")
    ActivityFactory(title="Rakor Dibuang", deleted_at=datetime.now(UTC))
    client = make_client(karanganyar.admin)
    client.switch_language("en")

    assert [row["Title"] for row in csv_rows(export(client, "activity", "csv"))] == ["Rakor Hidup"]
    assert [row["Title"] for row in xlsx_rows(export(client, "activity", "xlsx"))] == ["Rakor Hidup"]


def test_every_list_exports_both_formats(app, make_client, karanganyar):
    """Every list of the core and of the plugins (enabled here) exports as CSV and as XLSX."""
    from kimadmin.testing.factories import ContentItemFactory, FkMetraGroupFactory, MonevAssessmentFactory

    for name in ("film_festival", "socmed_training", "workshop_attendance"):
        if name in {record.name for record in app.extensions["kimadmin_plugins"].active()}:
            enable_plugin(name, "33.13")
    kim = KimFactory(name="KIM Semua")
    BoardMemberFactory(board=BoardFactory(kim=kim))
    ActivityFactory()
    AwardFactory(kim=kim)
    ContentItemFactory(kim=kim)
    FkMetraGroupFactory()
    MonevAssessmentFactory(kim=kim)
    client = make_client(karanganyar.admin)
    exported = 0
    for view in app.extensions["admin"][0]._views:
        if getattr(view, "model", None) is None or "xlsx" not in getattr(view, "export_types", ()):
            continue
        for kind in ("csv", "xlsx"):
            response = export(client, view.endpoint, kind)
            if response.status_code in (302, 403, 404):  # no export permission, or plugin off
                continue
            rows = csv_rows(response) if kind == "csv" else xlsx_rows(response)
            assert isinstance(rows, list), view.endpoint
            exported += 1
    assert exported >= 2 * 15
