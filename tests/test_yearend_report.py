"""The year-end report of a regency: one XLSX workbook, read back and checked against the data.

The expected figures are counted independently (villages per kecamatan straight from the region
table, KIM from what the test made), not from the dashboard functions the report reuses.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from kimadmin.extensions import db
from kimadmin.models.kim import KimStatusChange
from kimadmin.models.regions import Village
from kimadmin.reports.views import default_year
from kimadmin.testing.factories import (
    ActivityFactory,
    ActivityParticipantFactory,
    AwardFactory,
    KimFactory,
    make_user,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEAR = 2024
URL = "/admin/reports/year-end/"


def villages_of(regency: str) -> dict[str, list[str]]:
    """Village codes per kecamatan code, straight from the region table."""
    rows = db.session.execute(
        sa.select(Village.district_code, Village.code).where(Village.regency_code == regency).order_by(Village.code)
    )
    found: dict[str, list[str]] = {}
    for district, village in rows:
        found.setdefault(district, []).append(village)
    return found


@pytest.fixture
def karanganyar_year(karanganyar, wonosobo):
    """Five KIM in two kecamatan of Karanganyar, activities and awards of 2024 and 2023."""
    districts = villages_of("33.13")
    first, second = sorted(districts)[:2]
    v1, v2 = districts[first][:2]
    v4, v5 = districts[second][:2]
    village = {code: db.session.get(Village, code) for code in (v1, v2, v4, v5)}
    kim_a = KimFactory(name="KIM A", village=village[v1], status="aktif")
    KimFactory(name="KIM B", village=village[v1], status="kurang_aktif")  # same desa: covered once
    KimFactory(name="KIM C", village=village[v2], status="tidak_aktif")  # inactive: desa not covered
    KimFactory(name="KIM D", village=village[v4], status="dibekukan")
    KimFactory(name="KIM E", village=village[v5], status="aktif")
    KimFactory(name="KIM Wonosobo", regency="33.07", status="aktif")

    rakor = ActivityFactory(title="Rakor KIM 2024", kind="rakor", start_on=date(YEAR, 3, 5), headcount=40)
    ActivityParticipantFactory(activity=rakor, kim=kim_a)
    ActivityFactory(title='=HYPERLINK("http://evil.example")', start_on=date(YEAR, 11, 20))
    ActivityFactory(title="Bimtek 2023", start_on=date(YEAR - 1, 12, 31))
    ActivityFactory(title="Rakor Wonosobo", regency_code="33.07", start_on=date(YEAR, 3, 5))

    AwardFactory(contest_name="Lomba KIM Jawa Tengah", kim=kim_a, year=YEAR, rank=1, level="provinsi")
    AwardFactory(contest_name="Anugerah KIP", year=YEAR, rank=3, level="nasional")  # the regency's own
    AwardFactory(contest_name="Lomba 2023", year=YEAR - 1, rank=2)
    AwardFactory(contest_name="Lomba Wonosobo", regency_code="33.07", year=YEAR, rank=1)
    return {"first": first, "second": second, "districts": districts}


def workbook_of(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == XLSX
    return load_workbook(io.BytesIO(response.get_data()))


def summary_of(book) -> dict[str, object]:
    return {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row[0]}


def test_the_workbook_has_a_summary_districts_activities_and_awards(make_client, karanganyar, karanganyar_year):
    client = make_client(karanganyar.operator)
    client.switch_language("en")

    response = client.get(f"{URL}download/?year={YEAR}")
    book = workbook_of(response)

    assert book.sheetnames == ["Summary", "District", f"Activities {YEAR}", f"Awards {YEAR}"]
    assert response.headers["Content-Disposition"].startswith("attachment; filename=Year-end_report_")
    assert f"_{YEAR}_" in response.headers["Content-Disposition"]
    total_villages = sum(len(codes) for codes in karanganyar_year["districts"].values())
    summary = summary_of(book)
    assert summary["Year"] == YEAR
    assert summary["Desa/kelurahan"] == total_villages
    assert summary["Desa/kelurahan with an active KIM"] == 2  # v1 (A, B) and v5 (E)
    assert summary["Coverage (%)"] == round(100 * 2 / total_villages, 1)
    assert summary["KIM"] == 5  # Wonosobo's KIM is not counted
    assert summary["Active KIM (active, less active)"] == 3
    assert summary["Inactive KIM (inactive, frozen)"] == 2
    assert summary[f"Activities in {YEAR}"] == 2
    assert summary[f"Awards in {YEAR}"] == 2


def test_the_district_sheet_counts_desa_kim_and_coverage_per_kecamatan(make_client, karanganyar, karanganyar_year):
    client = make_client(karanganyar.admin)
    client.switch_language("en")

    book = workbook_of(client.get(f"{URL}download/?year={YEAR}"))
    rows = list(book["District"].iter_rows(values_only=True))

    header = rows[0]
    assert header == (
        "Code",
        "District",
        "Desa/kelurahan",
        "With an active KIM",
        "KIM",
        "Active",
        "Inactive",
        "Coverage (%)",
    )
    by_code = {row[0]: row for row in rows[1:-1]}
    districts = karanganyar_year["districts"]
    assert set(by_code) == set(districts)  # every kecamatan, also those without KIM
    first, second = karanganyar_year["first"], karanganyar_year["second"]
    n1, n2 = len(districts[first]), len(districts[second])
    assert by_code[first][2:] == (n1, 1, 3, 2, 1, round(100 / n1, 1))
    assert by_code[second][2:] == (n2, 1, 2, 1, 1, round(100 / n2, 1))
    others = [row for code, row in by_code.items() if code not in (first, second)]
    assert all(row[3:7] == (0, 0, 0, 0) and row[7] == 0 for row in others)
    total = rows[-1]
    assert total[1] == "Total"
    assert total[2:7] == (sum(len(codes) for codes in districts.values()), 2, 5, 3, 2)


def test_the_activity_and_award_sheets_hold_the_year_only_and_are_inert(make_client, karanganyar, karanganyar_year):
    client = make_client(karanganyar.admin)
    client.switch_language("en")

    book = workbook_of(client.get(f"{URL}download/?year={YEAR}"))

    activities = list(book[f"Activities {YEAR}"].iter_rows(min_row=2, values_only=True))
    assert [row[2] for row in activities] == ["Rakor KIM 2024", '=HYPERLINK("http://evil.example")']
    payload = book[f"Activities {YEAR}"].cell(row=3, column=3)
    assert payload.data_type == "s"  # a string cell, never a formula, and no visible apostrophe
    assert activities[0][0].date() == date(YEAR, 3, 5)
    assert activities[0][6:8] == (40, 1)  # headcount and participants stay numbers
    for row in book[f"Activities {YEAR}"].iter_rows():
        assert all(cell.data_type != "f" for cell in row)
    awards = list(book[f"Awards {YEAR}"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[4], row[6]) for row in awards] == [
        ("Lomba KIM Jawa Tengah", 1, "KIM A"),
        ("Anugerah KIP", 3, "Kabupaten Karanganyar"),
    ]


def test_another_year_has_other_activities_and_awards(make_client, karanganyar, karanganyar_year):
    client = make_client(karanganyar.admin)
    client.switch_language("en")

    book = workbook_of(client.get(f"{URL}download/?year={YEAR - 1}"))

    assert [row[2] for row in book[f"Activities {YEAR - 1}"].iter_rows(min_row=2, values_only=True)] == ["Bimtek 2023"]
    assert [row[0] for row in book[f"Awards {YEAR - 1}"].iter_rows(min_row=2, values_only=True)] == ["Lomba 2023"]


def test_the_sheets_are_indonesian_by_default(make_client, karanganyar, karanganyar_year):
    book = workbook_of(make_client(karanganyar.admin).get(f"{URL}download/?year={YEAR}"))

    # "Summary" is a new message: its Indonesian ("Ringkasan") arrives when the catalogue is merged.
    assert book.sheetnames[1:] == ["Kecamatan", f"Kegiatan {YEAR}", f"Penghargaan {YEAR}"]
    assert book["Kecamatan"]["B1"].value == "Kecamatan" and book["Kecamatan"]["A1"].value == "Kode"


def test_another_regencys_code_answers_404(make_client, karanganyar, karanganyar_year):
    client = make_client(karanganyar.admin)

    assert client.get(f"{URL}download/?year={YEAR}&regency=33.07").status_code == 404
    assert client.get(f"{URL}download/?year={YEAR}&regency=99.99").status_code == 404
    assert client.get(f"{URL}download/?year=1999").status_code == 404
    assert client.get(f"{URL}download/?year=tahun").status_code == 404
    assert client.get(f"{URL}download/?year={date.today().year + 1}").status_code == 404
    assert client.get(f"{URL}download/?year={YEAR}&regency=33.13").status_code == 200


def test_a_province_user_picks_a_regency_of_their_province(make_client, karanganyar_year):
    client = make_client(make_user("provinsi", province="33", email="provinsi@jateng.example"))
    client.switch_language("en")

    page = client.get(URL).get_data(as_text=True)
    book = workbook_of(client.get(f"{URL}download/?year={YEAR}&regency=33.13"))

    assert 'name="regency"' in page and "Kabupaten Karanganyar" in page and "Bantul" not in page
    assert summary_of(book)["KIM"] == 5  # Karanganyar only, not the whole province
    assert client.get(f"{URL}download/?year={YEAR}&regency=34.02").status_code == 404
    assert client.get(f"{URL}download/?year={YEAR}").status_code == 404  # a province user must choose


def test_a_regency_user_sees_the_year_picker_without_a_regency_picker(make_client, karanganyar):
    client = make_client(karanganyar.operator)
    client.switch_language("en")

    page = client.get(URL).get_data(as_text=True)

    assert client.get(URL).status_code == 200
    assert 'name="year"' in page and 'name="regency"' not in page
    assert f'<option value="{default_year(date.today())}" selected>' in page
    assert "Year-end report" in client.get("/admin/").get_data(as_text=True)  # in the menu


def test_without_the_report_permission_there_is_no_report(make_client, karanganyar):
    client = make_client(karanganyar.viewer)

    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}download/?year={YEAR}").status_code == 403
    assert make_client().get(URL).status_code == 302  # anonymous: to the login page


def test_the_report_runs_a_fixed_number_of_statements(make_client, karanganyar, karanganyar_year, count_queries):
    client = make_client(karanganyar.admin)
    client.get(f"{URL}download/?year={YEAR}")
    with count_queries() as few:
        client.get(f"{URL}download/?year={YEAR}")
    for number in range(20):
        kim = KimFactory(name=f"KIM Tambahan {number}")
        ActivityParticipantFactory(activity=ActivityFactory(start_on=date(YEAR, 6, 1)), kim=kim)
        AwardFactory(kim=kim, year=YEAR)
    with count_queries() as many:
        book = workbook_of(client.get(f"{URL}download/?year={YEAR}"))

    assert len(list(book.worksheets[2].iter_rows(min_row=2))) == 2 + 20  # activities of the year
    assert len(list(book.worksheets[3].iter_rows(min_row=2))) == 2 + 20  # awards of the year
    assert len(many) == len(few), many.statements


def test_kim_figures_describe_the_31st_of_december_not_the_day_of_the_report(
    make_client, karanganyar, karanganyar_year, db_session
):
    """A report of 2024 made in 2026: KIM founded later are left out, statuses are those of that day."""
    first, second = karanganyar_year["first"], karanganyar_year["second"]
    districts = karanganyar_year["districts"]
    v2, v5 = districts[first][1], districts[second][1]
    village = {code: db_session.get(Village, code) for code in (v2, v5)}
    # Active through 2024, made inactive in February 2025: active on 31 December 2024.
    lapsed = KimFactory(name="KIM Lapsed", village=village[v2], status="tidak_aktif", founded_on=date(2022, 6, 1))
    db_session.add_all(
        [
            KimStatusChange(kim=lapsed, status="aktif", changed_on=date(2022, 6, 1), reason="Dibentuk"),
            KimStatusChange(kim=lapsed, status="tidak_aktif", changed_on=date(YEAR + 1, 2, 1), reason="Vakum"),
        ]
    )
    KimFactory(name="KIM Baru", village=village[v5], status="aktif", founded_on=date(YEAR + 1, 3, 1))
    KimFactory(name="KIM Tanpa Tanggal", village=village[v2], status="aktif", founded_on=None)  # entered today
    KimFactory(name="KIM Terhapus", village=village[v2], status="aktif", deleted_at=datetime(YEAR, 5, 1, tzinfo=UTC))
    db_session.flush()
    client = make_client(karanganyar.admin)
    client.switch_language("en")

    book = workbook_of(client.get(f"{URL}download/?year={YEAR}"))

    summary = summary_of(book)
    total_villages = sum(len(codes) for codes in districts.values())
    assert summary["KIM"] == 6  # the five of the fixture and KIM Lapsed
    assert (summary["Active KIM (active, less active)"], summary["Inactive KIM (inactive, frozen)"]) == (4, 2)
    assert summary["KIM: Active"] == 3  # A, E and KIM Lapsed, as it was then
    assert summary["Desa/kelurahan with an active KIM"] == 3  # v2 is covered by KIM Lapsed in 2024
    assert summary["Coverage (%)"] == round(100 * 3 / total_villages, 1)
    assert summary["KIM figures as of"] == f"31 December {YEAR}"
    by_code = {row[0]: row for row in book["District"].iter_rows(min_row=2, values_only=True)}
    assert by_code[first][3:7] == (2, 4, 3, 1)  # covered desa, KIM, active, inactive
    assert by_code[second][3:7] == (1, 2, 1, 1)  # KIM Baru is not counted yet
    note = [value for (value, *_rest) in book["Summary"].iter_rows(values_only=True) if value]
    assert f"KIM figures and coverage describe the KIM as they were on 31 December {YEAR}" in " ".join(map(str, note))

    later = summary_of(workbook_of(client.get(f"{URL}download/?year={YEAR + 1}")))
    assert later["KIM"] == 7  # KIM Baru now counts; KIM Lapsed is inactive from February
    assert (later["Active KIM (active, less active)"], later["Inactive KIM (inactive, frozen)"]) == (4, 3)
