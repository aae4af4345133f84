"""Exports of the screens that are not model lists (import history, trash) and of the user list.

The files are read back as a user would open them: only the user's area, formula payloads inert
(an apostrophe in CSV, a string cell in XLSX), and only with the permission to see the list.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kimadmin.models import ImportBatch
from kimadmin.testing.factories import KimFactory, make_user
from kimadmin.trash.service import move_to_trash
from tests.test_exports import csv_rows, xlsx_rows, xlsx_sheet

PAYLOAD = '=HYPERLINK("http://evil.example","klik")'


@pytest.fixture
def histories(db_session, karanganyar, wonosobo):
    """An import of each regency; Karanganyar's from a file named like a formula."""
    for regency, name, user in (("33.13", f"{PAYLOAD}.csv", karanganyar.admin), ("33.07", "wonosobo.csv", None)):
        db_session.add(
            ImportBatch(
                kind="kim",
                file_name=name,
                source="cli",
                user_id=user.id if user else None,
                regency_code=regency,
                rows_total=10,
                rows_created=9,
                rows_updated=0,
                rows_skipped=1,
                created_at=datetime(2026, 3, 2, 1, 30, tzinfo=UTC),
            )
        )
    db_session.flush()


def export(client, url: str):
    return client.get(url)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_import_history_exports_the_own_regency_with_inert_cells(make_client, karanganyar, histories, kind):
    client = make_client(karanganyar.operator)
    client.switch_language("en")

    response = export(client, f"/admin/import/history/export/{kind}/")

    rows = csv_rows(response) if kind == "csv" else xlsx_rows(response)
    assert response.headers["Content-Disposition"].startswith("attachment; filename=Import_history_")
    assert len(rows) == 1  # Wonosobo's import is not there
    row = rows[0]
    assert (row["What"], row["Regency/City"], row["Rows"], row["Created"], row["Unchanged"]) == (
        "KIM with their board",
        "Kabupaten Karanganyar",
        *((10, 9, 1) if kind == "xlsx" else ("10", "9", "1")),
    )
    assert row["Who"] == str(karanganyar.admin.full_name or karanganyar.admin.email)
    if kind == "csv":
        assert row["File"] == f"'{PAYLOAD}.csv"
        assert row["When"] == "2026-03-02 08:30:00"  # shown in the app's time zone (Asia/Jakarta)
    else:
        assert row["File"] == f"{PAYLOAD}.csv"
        assert row["When"] == datetime(2026, 3, 2, 8, 30)
        sheet = xlsx_sheet(export(client, f"/admin/import/history/export/{kind}/"))
        assert sheet["C2"].data_type == "s"  # a string cell, never a formula


def test_the_history_page_links_to_its_exports_and_needs_the_history_permission(make_client, karanganyar, histories):
    page = make_client(karanganyar.operator).get("/admin/import/history/").get_data(as_text=True)
    assert 'href="/admin/import/history/export/csv/"' in page and 'href="/admin/import/history/export/xlsx/"' in page

    viewer = make_client(karanganyar.viewer)  # no import permission at all
    assert export(viewer, "/admin/import/history/export/csv/").status_code == 403
    assert export(make_client(karanganyar.operator), "/admin/import/history/export/pdf/").status_code == 404


@pytest.fixture
def trashed(db_session, karanganyar, wonosobo):
    move_to_trash(KimFactory(name=PAYLOAD), karanganyar.admin)
    move_to_trash(KimFactory(name="KIM Sindoro", regency="33.07"), wonosobo.admin)
    db_session.flush()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_trash_exports_the_own_area_with_inert_cells(make_client, karanganyar, trashed, kind):
    client = make_client(karanganyar.admin)
    client.switch_language("en")

    response = export(client, f"/admin/trash/export/{kind}/")

    rows = csv_rows(response) if kind == "csv" else xlsx_rows(response)
    assert response.headers["Content-Disposition"].startswith("attachment; filename=Trash_")
    assert [row["What"] for row in rows] == ["KIM"]  # Wonosobo's KIM is not there
    assert rows[0]["Name"] == (f"'{PAYLOAD}" if kind == "csv" else PAYLOAD)
    if kind == "xlsx":
        assert xlsx_sheet(export(client, f"/admin/trash/export/{kind}/"))["B2"].data_type == "s"
        assert isinstance(rows[0]["Deleted on"], datetime)


def test_the_trash_export_needs_the_trash_permission(make_client, karanganyar, trashed):
    page = make_client(karanganyar.admin).get("/admin/trash/").get_data(as_text=True)
    assert 'href="/admin/trash/export/xlsx/"' in page
    assert export(make_client(karanganyar.operator), "/admin/trash/export/csv/").status_code == 403


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_regency_admin_exports_the_users_of_the_regency_only(make_client, karanganyar, wonosobo, kind):
    karanganyar.operator, wonosobo.operator  # noqa: B018 - users of both regencies exist
    client = make_client(karanganyar.admin)
    client.switch_language("en")

    response = export(client, f"/admin/user/export/{kind}/")

    rows = csv_rows(response) if kind == "csv" else xlsx_rows(response)
    assert {row["Email"] for row in rows} == {"admin_kabupaten@karanganyar.example", "operator@karanganyar.example"}
    assert set(rows[0]) == {"Email", "Full name", "Role", "Regency/City", "Province", "Active"}  # no secrets


def test_only_admins_hold_the_user_export_permission(make_client, karanganyar):
    assert karanganyar.admin.can("user.export")
    assert make_user("superadmin", email="pusat@kominfo.example").can("user.export")
    assert not karanganyar.operator.can("user.export")
    assert not make_user("provinsi", province="33", email="provinsi@jateng.example").can("user.export")
