"""The database fails half-way through a multi-row save (without stopping PostgreSQL).

``kimadmin.testing.db_faults`` raises the ``OperationalError`` a lost connection gives, on the Nth
INSERT of the request: after the board is written but before all its members are, after the SK
row is written but before its audit entry. The officer gets the friendly 503 page (no trace, no
SQL), nothing of the save is left in the database and no uploaded file is left on disk.
tests/test_faults.py stops the real server; this one runs on SQLite and PostgreSQL in any run.
"""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from kimadmin.models import Board, BoardMember, Decree
from kimadmin.testing.db_faults import database_fails
from kimadmin.testing.factories import KimFactory, minimal_pdf


@pytest.fixture
def upload_dir(app, tmp_path, monkeypatch):
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "KIMADMIN_UPLOAD_DIR", str(folder))
    return folder


@pytest.fixture
def officer(make_client, karanganyar):
    return make_client(karanganyar.operator)


@pytest.fixture
def kim(db_session):
    return KimFactory(regency="33.13", name="KIM Tunas Harapan")


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def assert_friendly_503(response) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code == 503, body[:500]
    assert "Basis data sedang tidak dapat dihubungi" in body or "database cannot be reached" in body, body[:500]
    for leak in ("Traceback", "OperationalError", "INSERT", "psycopg", "sqlite3"):
        assert leak not in body, leak


BOARD = {
    "term_start": "2024-01-01",
    "term_end": "2026-12-31",
    "members-0-name": "Bambang Sutrisno",
    "members-0-position": "ketua",
    "members-1-name": "Sri Lestari",
    "members-1-position": "sekretaris",
    "members-2-name": "Joko Susilo",
    "members-2-position": "bendahara",
}


def test_a_board_whose_members_fail_half_way_leaves_no_board_and_no_member(officer, kim, db_session):
    token = officer.csrf_token("/admin/board/new/")

    with database_fails(db_session.get_bind().engine, after=2, only="INSERT") as fault:
        response = officer.post("/admin/board/new/", data={**BOARD, "kim": kim.id, "csrf_token": token})

    assert "board" in fault.passed[0].lower() and "board_member" in fault.passed[1].lower()  # really half-way
    assert fault.failed is not None
    assert_friendly_503(response)
    assert count(db_session, Board) == 0
    assert count(db_session, BoardMember) == 0
    # The same form works once the database answers again (nothing left locked or half-done).
    again = officer.post("/admin/board/new/", data={**BOARD, "kim": kim.id, "csrf_token": token})
    assert again.status_code == 302, again.get_data(as_text=True)[:500]
    assert (count(db_session, Board), count(db_session, BoardMember)) == (1, 3)


def test_an_sk_whose_save_fails_after_its_row_leaves_no_row_and_no_file(officer, kim, upload_dir, db_session):
    token = officer.csrf_token("/admin/decree/new/")
    form = {
        "kim": kim.id,
        "kind": "pembentukan",
        "number": "141/07/2024",
        "issued_on": "2024-03-01",
        "issuer": "kepala_desa",
        "csrf_token": token,
    }

    with database_fails(db_session.get_bind().engine, after=1, only="INSERT") as fault:
        response = officer.post("/admin/decree/new/", data={**form, "pdf": (io.BytesIO(minimal_pdf()), "SK.pdf")})

    assert "decree" in fault.passed[0].lower()  # the SK row was written, then the next one failed
    assert_friendly_503(response)
    assert count(db_session, Decree) == 0
    assert not upload_dir.exists() or list(upload_dir.iterdir()) == []  # no orphan PDF
    again = officer.post("/admin/decree/new/", data={**form, "pdf": (io.BytesIO(minimal_pdf()), "SK.pdf")})
    assert again.status_code == 302, again.get_data(as_text=True)[:500]
    assert count(db_session, Decree) == 1 and len(list(upload_dir.iterdir())) == 1
