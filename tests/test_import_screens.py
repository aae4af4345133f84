"""The Import screen: template, upload, preview, confirm, history; scoped, permission-checked, escaped."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from kimadmin.imports import storage
from kimadmin.imports.kinds import KINDS
from kimadmin.models import BoardMember, ImportBatch, Kim
from tests.test_imports import counts, csv_bytes, legacy_karanganyar_sheet, xlsx_bytes

TOKEN_IN_URL = re.compile(r"/admin/import/preview/\?token=([0-9a-f]{32})$")


@pytest.fixture(autouse=True)
def import_dir(app, tmp_path, monkeypatch):
    folder = tmp_path / "imports"
    monkeypatch.setitem(app.config, "KIMADMIN_IMPORT_DIR", str(folder))
    return folder


@pytest.fixture
def operator(make_client, karanganyar):
    return make_client(karanganyar.operator).switch_language("en")


def upload(client, data: bytes, name: str = "kim karanganyar.xlsx", kind: str = "kim"):
    return client.post_form("/admin/import/upload/", {"kind": kind, "file": (io.BytesIO(data), name)})


def token_of(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    match = TOKEN_IN_URL.search(response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def test_the_menu_has_an_import_entry_and_each_kind_a_template(operator):
    home = operator.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/import/"' in home

    page = operator.get("/admin/import/").get_data(as_text=True)
    assert all(f'data-kind="{name}"' in page for name in KINDS)

    xlsx = operator.get("/admin/import/template/?kind=kim&format=xlsx")
    assert xlsx.status_code == 200
    assert "attachment; filename=template-impor-kim.xlsx" in xlsx.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Nama KIM", "Kecamatan", "Desa/Kelurahan", "Kode Desa")
    assert rows[1][:4] == ("KIM Bima", "Karanganyar", "Popongan", "33.13.09.1009")

    csv = operator.get("/admin/import/template/?kind=award&format=csv")
    assert csv.data.startswith("\ufeffNama Lomba,Tingkat,Tahun".encode())
    assert operator.get("/admin/import/template/?kind=../../etc").status_code == 404


def test_the_template_itself_imports_cleanly(operator, db_session):
    template = operator.get("/admin/import/template/?kind=kim&format=xlsx").data

    token = token_of(upload(operator, template, "template-impor-kim.xlsx"))
    page = operator.get(f"/admin/import/preview/?token={token}").get_data(as_text=True)

    assert 'id="import-confirm-button"' in page
    assert 'data-count="create">1<' in page


def test_a_file_with_errors_is_previewed_row_by_row_and_writes_nothing(operator, db_session):
    before = counts(db_session)

    token = token_of(upload(operator, xlsx_bytes(legacy_karanganyar_sheet())))
    response = operator.get(f"/admin/import/preview/?token={token}")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "row 6: desa &#39;Popongn&#39; was not found in Kecamatan Karanganyar; did you mean" in page
    assert "row 8: Nama KIM must be filled in." in page
    assert 'data-count="error">5<' in page
    assert 'id="import-confirm-button"' not in page
    refused = operator.post_form("/admin/import/confirm/", {"token": token})
    assert refused.status_code == 200
    assert "Nothing was imported" in refused.get_data(as_text=True)
    assert counts(db_session) == before


def test_the_upload_checks_the_file_only_and_leaves_the_rows_to_the_preview(operator, monkeypatch):
    """Matching every row against the database happens once, on the preview page, not also at upload."""
    kind = type(KINDS["kim"])
    planned = []
    original = kind.plan
    monkeypatch.setattr(kind, "plan", lambda self, ctx, rows: planned.append(len(rows)) or original(self, ctx, rows))

    token = token_of(upload(operator, xlsx_bytes(legacy_karanganyar_sheet(fixed=True))))
    assert planned == []
    assert operator.get(f"/admin/import/preview/?token={token}").status_code == 200
    assert planned == [10]


def test_upload_preview_confirm_then_history_links_to_the_created_rows(operator, db_session):
    token = token_of(upload(operator, xlsx_bytes(legacy_karanganyar_sheet(fixed=True))))
    assert operator.get(f"/admin/import/preview/?token={token}").status_code == 200

    done = operator.post_form("/admin/import/confirm/", {"token": token})

    assert done.status_code == 302
    batch = db_session.scalar(sa.select(ImportBatch).order_by(ImportBatch.id.desc()))
    assert done.headers["Location"].endswith(f"/admin/import/details/?id={batch.id}")
    assert (batch.kind, batch.file_name, batch.regency_code, batch.rows_created) == (
        "kim",
        "kim_karanganyar.xlsx",
        "33.13",
        9,
    )
    manteb = db_session.scalar(sa.select(Kim).where(Kim.name == "KIM Manteb"))
    details = operator.get(f"/admin/import/details/?id={batch.id}").get_data(as_text=True)
    assert f'href="/admin/kim/details/?id={manteb.id}"' in details
    assert "Sri Wahyuni" in details
    history = operator.get("/admin/import/history/").get_data(as_text=True)
    assert f'data-batch="{batch.id}"' in history and "kim_karanganyar.xlsx" in history
    # The pending file is gone: the same token cannot import twice (a second click is told so).
    after = counts(db_session)
    again = operator.post_form("/admin/import/confirm/", {"token": token})
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/admin/import/details/?id={batch.id}")
    assert "already been imported" in operator.get(again.headers["Location"]).get_data(as_text=True)
    assert counts(db_session) == after
    assert not list(storage.import_dir().iterdir()) if storage.import_dir().exists() else True


def test_another_regency_cannot_see_or_confirm_a_preview_nor_see_the_history(
    operator, make_client, wonosobo, karanganyar, db_session
):
    token = token_of(upload(operator, xlsx_bytes(legacy_karanganyar_sheet(fixed=True))))
    operator.post_form("/admin/import/confirm/", {"token": token})
    batch = db_session.scalar(sa.select(ImportBatch).order_by(ImportBatch.id.desc()))
    second = token_of(upload(operator, xlsx_bytes(legacy_karanganyar_sheet(fixed=True))))
    before = counts(db_session)

    for intruder in (make_client(wonosobo.operator), make_client(wonosobo.admin), make_client(karanganyar.admin)):
        assert intruder.get(f"/admin/import/preview/?token={second}").status_code == 404
        assert intruder.post_form("/admin/import/confirm/", {"token": second}).status_code == 404

    wonosobo_admin = make_client(wonosobo.admin)
    assert wonosobo_admin.get(f"/admin/import/details/?id={batch.id}").status_code == 404
    history = wonosobo_admin.get("/admin/import/history/").get_data(as_text=True)
    assert "kim_karanganyar.xlsx" not in history
    assert counts(db_session) == before
    # Karanganyar's own admin sees the history of the regency (not the operator's pending upload).
    assert make_client(karanganyar.admin).get(f"/admin/import/details/?id={batch.id}").status_code == 200


@pytest.mark.parametrize("token", ["../../etc/passwd", "0" * 31, "A" * 32, "%2e%2e%2fsecret_key", ""])
def test_tokens_that_are_not_ours_are_404(operator, token):
    assert operator.get(f"/admin/import/preview/?token={token}").status_code == 404


def test_an_expired_preview_is_gone(operator, monkeypatch):
    token = token_of(upload(operator, xlsx_bytes(legacy_karanganyar_sheet(fixed=True))))
    monkeypatch.setattr(storage, "PENDING_TTL", -1)

    assert operator.get(f"/admin/import/preview/?token={token}").status_code == 404
    assert not (storage.import_dir() / f"{token}.bin").exists()


def test_a_viewer_can_neither_import_nor_open_the_screen(make_client, karanganyar, db_session):
    viewer = make_client(karanganyar.viewer)
    before = counts(db_session)

    assert viewer.get("/admin/import/").status_code == 403
    assert viewer.get("/admin/import/history/").status_code == 403
    assert upload(viewer, xlsx_bytes(legacy_karanganyar_sheet(fixed=True))).status_code == 403
    assert 'href="/admin/import/"' not in viewer.get("/admin/").get_data(as_text=True)
    assert counts(db_session) == before


def test_province_staff_see_the_history_of_their_province_but_cannot_import(make_client, operator, db_session):
    from kimadmin.testing.factories import make_user

    token = token_of(upload(operator, xlsx_bytes(legacy_karanganyar_sheet(fixed=True))))
    operator.post_form("/admin/import/confirm/", {"token": token})
    province = make_client(make_user("provinsi", province="33"))

    assert "kim_karanganyar.xlsx" in province.get("/admin/import/history/").get_data(as_text=True)
    assert 'data-kind="kim"' not in province.get("/admin/import/").get_data(as_text=True)
    data = {"kind": "kim", "regency": "33.13", "file": (io.BytesIO(b"x"), "a.csv")}
    assert province.post_form("/admin/import/upload/", data).status_code == 403


def test_a_text_file_named_xlsx_is_refused_on_the_form(operator, import_dir):
    response = upload(operator, csv_bytes([["Nama KIM", "Desa/Kelurahan"], ["KIM Bima", "Popongan"]]))

    assert response.status_code == 200
    assert "This file is named .xlsx but it is not an Excel workbook." in response.get_data(as_text=True)
    assert not import_dir.exists() or not list(import_dir.iterdir())


def test_phones_are_masked_in_the_preview_without_personal_data_permission(operator, make_client, karanganyar):
    data = xlsx_bytes(legacy_karanganyar_sheet(fixed=True))
    operator_page = operator.get(f"/admin/import/preview/?token={token_of(upload(operator, data))}")
    admin = make_client(karanganyar.admin)
    admin_page = admin.get(f"/admin/import/preview/?token={token_of(upload(admin, data))}")

    assert "0812 2900 1101" not in operator_page.get_data(as_text=True)
    assert "0812****1101" in operator_page.get_data(as_text=True)
    assert "0812 2900 1101" in admin_page.get_data(as_text=True)


def test_hostile_text_is_escaped_in_the_preview_and_stored_as_text(operator, db_session):
    rows = [
        [
            "Nama KIM",
            "Kecamatan",
            "Desa/Kelurahan",
            "Masa Bakti Mulai",
            "Masa Bakti Selesai",
            "Nama Pengurus",
            "Jabatan",
        ],
        ["KIM <script>alert(1)</script>", "Jaten", "Dagen", "2024-01-01", "2026-12-31", "=cmd|' /C calc'!A0", "Ketua"],
    ]
    token = token_of(upload(operator, csv_bytes(rows), "hostile.csv"))

    page = operator.get(f"/admin/import/preview/?token={token}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "KIM &lt;script&gt;alert(1)&lt;/script&gt;" in page

    assert operator.post_form("/admin/import/confirm/", {"token": token}).status_code == 302
    member = db_session.scalar(sa.select(BoardMember).where(BoardMember.board.has()))
    assert member.name == "=cmd|' /C calc'!A0"


def test_a_national_user_names_the_regency_and_rows_land_there(make_client, db_session):
    from kimadmin.testing.factories import make_user

    superadmin = make_client(make_user("superadmin")).switch_language("en")
    data = xlsx_bytes(legacy_karanganyar_sheet(fixed=True))

    missing = superadmin.post_form("/admin/import/upload/", {"kind": "kim", "file": (io.BytesIO(data), "k.xlsx")})
    assert "Choose the regency/city to import into." in missing.get_data(as_text=True)

    form = {"kind": "kim", "regency": "33.13", "file": (io.BytesIO(data), "k.xlsx")}
    token = token_of(superadmin.post_form("/admin/import/upload/", form))
    assert superadmin.post_form("/admin/import/confirm/", {"token": token}).status_code == 302

    batch = db_session.scalar(sa.select(ImportBatch).order_by(ImportBatch.id.desc()))
    assert batch.regency_code == "33.13"
    assert db_session.scalar(sa.select(Kim.regency_code).where(Kim.name == "KIM Bima")) == "33.13"
