"""Participant lists from XLSX: a preview of every error writes nothing; confirming writes all or none."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from kimadmin.testing.plugins import enable_plugin

from .. import importer
from ..models import Registration
from .factories import KARANGANYAR, PLUGIN, WONOSOBO, make_kim, make_workshop, register

IMPORT = "/admin/workshop_attendance/registration/import/"
HEADER = ("Nama", "KIM", "Jenis Kelamin", "Kelompok Umur", "Telepon")
TOKEN = re.compile(r'name="token" value="([^"]+)"')


@pytest.fixture
def officer(make_client, db_session, wonosobo):
    enable_plugin(PLUGIN, WONOSOBO)
    return make_client(wonosobo.operator)


def xlsx(*rows: tuple, header: tuple = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def registrations(db_session) -> int:
    return db_session.scalar(sa.select(sa.func.count()).select_from(Registration))


def upload(client, workshop, data: bytes, filename: str = "peserta.xlsx"):
    return client.post_form(
        f"{IMPORT}?workshop={workshop.id}",
        {"workshop": workshop.id, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "Berkas kosong"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "bukan buku kerja Excel"),
        (b"Nama,KIM\nAni,KIM Sindoro\n", "bukan buku kerja Excel"),
        (b"PK\x03\x04 not really a zip", "rusak"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused_and_nothing_is_written(officer, db_session, data, message):
    workshop = make_workshop()
    before = registrations(db_session)

    page = upload(officer, workshop, data).get_data(as_text=True)

    assert message in page
    assert 'id="wa-import-confirm"' not in page
    assert registrations(db_session) == before


def test_a_zip_that_is_not_a_workbook_is_refused(officer, db_session):
    workshop = make_workshop()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("peserta.csv", "Nama,KIM\n")

    page = upload(officer, workshop, buffer.getvalue()).get_data(as_text=True)

    assert "bukan buku kerja Excel" in page


def test_the_preview_lists_each_rows_errors_in_indonesian_and_writes_nothing(officer, db_session):
    workshop = make_workshop()
    make_kim(WONOSOBO, name="KIM Sindoro")
    make_kim(KARANGANYAR, name="KIM Manteb")  # another regency's KIM is not found
    before = registrations(db_session)
    data = xlsx(
        ("Ani Lestari", "KIM Sindoro", "P", "26-35", "0812 3456 7890"),
        ("", "KIM Sindoro", "L", "", ""),
        ("Budi", "KIM Manteb", "X", "dewasa", "12ab"),
        ("Ani Lestari", "kim sindoro", "P", "", ""),
    )

    response = upload(officer, workshop, data)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "4 baris terbaca, 3 berisi kesalahan." in page
    for message in (
        "Nama kosong.",
        'Tidak ada KIM bernama "KIM Manteb" di kabupaten/kota ini.',
        "Jenis kelamin harus L (laki-laki) atau P (perempuan).",
        'Kelompok umur "dewasa" tidak dikenal.',
        "Nomor telepon Indonesia tidak valid",
        "Peserta ini tercantum dua kali dalam daftar.",
    ):
        assert message.replace('"', "&#34;") in page or message in page, message
    assert "Belum ada yang disimpan" in page
    assert 'id="wa-import-confirm"' not in page
    assert registrations(db_session) == before


def test_a_clean_list_is_previewed_then_written_in_one_go_with_the_waiting_list(officer, db_session):
    workshop = make_workshop(capacity=2)
    make_kim(WONOSOBO, name="KIM Sindoro")
    make_kim(WONOSOBO, name="KIM Sumbing")
    data = xlsx(
        ("Ani", "KIM Sindoro", "Perempuan", "26-35 tahun", "0812 3456 7890"),
        ("Budi", "KIM Sumbing", "L", 41, None),
        ("Citra", "KIM Sindoro", "p", "56+", "+62 813 1111 2222"),
    )
    before = registrations(db_session)

    preview = upload(officer, workshop, data).get_data(as_text=True)

    assert "3 baris terbaca, 0 berisi kesalahan." in preview
    assert "2 akan mendapat kursi, 1 akan masuk daftar tunggu." in preview
    assert registrations(db_session) == before  # the preview wrote nothing
    token = TOKEN.search(preview).group(1)

    done = officer.post_form(f"{IMPORT}confirm/", {"workshop": workshop.id, "token": token}, follow_redirects=True)

    assert "3 peserta diimpor: 2 mendapat kursi, 1 dalam daftar tunggu." in done.get_data(as_text=True)
    rows = db_session.execute(
        sa.select(Registration.participant_name, Registration.status, Registration.age_group, Registration.phone)
        .where(Registration.workshop_id == workshop.id)
        .order_by(Registration.id)
    ).all()
    assert rows == [
        ("Ani", "registered", "26_35", "+6281234567890"),
        ("Budi", "registered", "36_45", None),
        ("Citra", "waiting", "56_plus", "+6281311112222"),
    ]


def test_confirming_writes_nothing_when_a_row_no_longer_passes(officer, db_session):
    workshop = make_workshop()
    kim = make_kim(WONOSOBO, name="KIM Sindoro")
    preview = upload(officer, workshop, xlsx(("Ani", "KIM Sindoro", "P"), ("Budi", "KIM Sindoro", "L"))).get_data(
        as_text=True
    )
    token = TOKEN.search(preview).group(1)
    register(workshop, name="Budi", kim=kim)  # registered by hand meanwhile
    before = registrations(db_session)

    done = officer.post_form(f"{IMPORT}confirm/", {"workshop": workshop.id, "token": token}, follow_redirects=True)

    assert "tidak lagi lolos pemeriksaan" in done.get_data(as_text=True)
    assert registrations(db_session) == before  # not even Ani


def test_a_forged_or_foreign_token_is_refused(officer, db_session):
    workshop = make_workshop()
    other = make_workshop(title="Workshop Lain")
    make_kim(WONOSOBO, name="KIM Sindoro")
    preview = upload(officer, workshop, xlsx(("Ani", "KIM Sindoro", "P"))).get_data(as_text=True)
    token = TOKEN.search(preview).group(1)
    before = registrations(db_session)

    for workshop_id, value in ((workshop.id, token[:-3] + "abc"), (other.id, token), (workshop.id, "")):
        page = officer.post_form(f"{IMPORT}confirm/", {"workshop": workshop_id, "token": value}, follow_redirects=True)
        assert "Pratinjau sudah kedaluwarsa atau tidak sah" in page.get_data(as_text=True)
    assert registrations(db_session) == before


def test_too_many_rows_are_refused(officer, db_session, monkeypatch):
    monkeypatch.setattr(importer, "MAX_ROWS", 3)
    workshop = make_workshop()
    data = xlsx(*[(f"Peserta {n}", "KIM Sindoro", "P") for n in range(4)])

    page = upload(officer, workshop, data).get_data(as_text=True)

    assert "lebih dari 3 peserta" in page
    assert registrations(db_session) == 0


def test_missing_columns_are_named(officer, db_session):
    workshop = make_workshop()

    page = upload(officer, workshop, xlsx(("Ani",), header=("Nama",))).get_data(as_text=True)

    assert "Baris pertama harus berisi nama kolom; yang belum ada: KIM, Jenis Kelamin." in page


def test_hostile_cells_come_back_escaped_in_the_preview(officer, db_session):
    workshop = make_workshop()
    page = upload(officer, workshop, xlsx(("<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "P"))).get_data(
        as_text=True
    )

    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_import_refuses_who_is_already_registered_by_the_same_rule_as_the_form(db_session, wonosobo):
    workshop = make_workshop()
    kim = make_kim(WONOSOBO, name="KIM Sindoro")
    register(workshop, name="Siti Aminah", kim=kim)
    rows = importer.read_rows(xlsx(("SITI  aminah", "KIM Sindoro", "P", "", ""), ("Budi", "kim sindoro", "L", "", "")))

    preview = importer.check_rows(workshop, rows)

    assert [len(row.errors) for row in preview.rows] == [1, 0]
    assert "already registered" in preview.rows[0].errors[0]  # (outside a request: the English msgid)
