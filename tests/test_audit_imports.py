"""An import is one "Imported" entry, and every record it writes has its own entry."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask_babel import force_locale

from kimadmin.audit import AuditEntry
from kimadmin.imports.kinds import KINDS
from kimadmin.imports.plan import build_preview
from kimadmin.imports.service import run_import
from kimadmin.models import Regency
from kimadmin.personal_data import mask

HEADERS = ["No", "Nama KIM", "Kecamatan", "Desa/Kelurahan", "Status", "Masa Bakti Mulai", "Masa Bakti Selesai"]
HEADERS += ["Nama Pengurus", "Jabatan", "No HP"]
ROW = [1, "KIM Manteb", "Karangpandan", "Karangpandan", "Aktif", "01/01/2023", "31/12/2025"]
ROW += ["Sutrisno", "Ketua", "0812 2900 1101"]


def csv_bytes(rows: list[list[object]]) -> bytes:
    return ("\r\n".join(",".join(str(cell) for cell in row) for row in rows) + "\r\n").encode("utf-8-sig")


def test_an_import_is_recorded_once_and_its_records_each(db_session):
    with force_locale("en"):
        preview = build_preview(
            KINDS["kim"], csv_bytes([HEADERS, ROW]), "kim.csv", db_session.get(Regency, "33.13"), db_session, False
        )
    assert preview.ok, [row.errors for row in preview.rows]

    since = db_session.scalar(sa.select(sa.func.max(AuditEntry.id))) or 0
    batch = run_import(preview, user_id=None, source="cli")

    found = list(db_session.scalars(sa.select(AuditEntry).where(AuditEntry.id > since).order_by(AuditEntry.id)))
    imports = [entry for entry in found if entry.object_type == "import_batch"]
    assert len(imports) == 1
    assert (imports[0].action, imports[0].object_id, imports[0].regency_code) == ("import", str(batch.id), "33.13")
    assert imports[0].changes["rows_created"] == [None, batch.rows_created]
    assert not [entry for entry in found if entry.object_type == "import_record"]
    kims = [entry for entry in found if entry.object_type == "kim"]
    assert [(entry.action, entry.object_label) for entry in kims] == [("create", "KIM Manteb")]
    member = [entry for entry in found if entry.object_type == "board_member"]
    assert len(member) == 1 and member[0].changes["phone"] == [None, mask("PHONE", "+6281229001101")]
    assert "+6281229001101" not in json.dumps([entry.changes for entry in found])
