"""Two confirms of the same file at once (a double click, two tabs, the screen and the command line).

Real concurrent connections: each thread has its own application context, so its own session and
database connection, and commits for real (the rows are removed at the end). Both threads build
their preview ("2 to create") before either writes: without the regency's import lock and the
plan made again under it, both would create the two activities.

On PostgreSQL the second waits for the first, then finds every row unchanged. SQLite lets one
writer at a time: the second waits in line (and finds every row unchanged) or is refused with
"database is locked" and writes nothing; never are the rows written twice.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from kimadmin.audit import AuditEntry
from kimadmin.extensions import db
from kimadmin.imports.kinds import KINDS
from kimadmin.imports.plan import build_preview
from kimadmin.imports.service import AlreadyImported, ImportFailed, run_import
from kimadmin.models import Activity, ImportBatch, ImportRecord, Regency


@pytest.fixture
def sheet(app) -> Iterator[tuple[str, bytes]]:
    """A CSV of two activities with names of their own; what the imports committed is removed after."""
    tag = uuid.uuid4().hex[:8]
    rows = [
        ["Jenis Kegiatan", "Judul Kegiatan", "Tanggal Mulai", "Tempat"],
        ["Rakor KIM", f"Rakor serentak {tag}", "2024-03-05", "Aula Diskominfo"],
        ["Sosialisasi", f"Sosialisasi serentak {tag}", "2024-04-10", "Balai Desa Dagen"],
    ]
    data = ("\r\n".join(",".join(row) for row in rows) + "\r\n").encode()
    try:
        yield tag, data
    finally:
        with app.app_context():
            try:
                activities = [Activity.title.like(f"%serentak {tag}")]
                batches = sa.select(ImportBatch.id).where(ImportBatch.file_name == f"{tag}.csv")
                batch_ids = [str(value) for value in db.session.scalars(batches)]
                activity_ids = [str(value) for value in db.session.scalars(sa.select(Activity.id).where(*activities))]
                db.session.execute(sa.delete(ImportRecord).where(ImportRecord.batch_id.in_(batches)))
                db.session.execute(sa.delete(ImportBatch).where(ImportBatch.file_name == f"{tag}.csv"))
                db.session.execute(sa.delete(Activity).where(*activities))
                db.session.execute(
                    sa.delete(AuditEntry).where(
                        sa.or_(
                            (AuditEntry.object_type == "import_batch") & AuditEntry.object_id.in_(batch_ids),
                            (AuditEntry.object_type == "activity") & AuditEntry.object_id.in_(activity_ids),
                        )
                    )
                )
                db.session.commit()
            finally:
                db.session.remove()


def confirm_twice_at_once(app, tag: str, data: bytes, token: str | None = None) -> dict[str, object]:
    """Two confirms whose previews were both built before either wrote; each one's outcome."""
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def confirm(name: str) -> None:
        with app.app_context():
            try:
                regency = db.session.get(Regency, "33.13")
                preview = build_preview(KINDS["activity"], data, f"{tag}.csv", regency, db.session)
                assert preview.counts["create"] == 2, preview.counts
                barrier.wait(timeout=10)  # both have planned "2 to create"; neither has written
                results[name] = run_import(preview, user_id=None, source="cli", upload_token=token)
            except (AlreadyImported, ImportFailed) as exc:
                results[name] = exc
            except Exception as exc:  # an assertion in the thread: reported by the test
                results[name] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=confirm, args=(name,)) for name in ("tab 1", "tab 2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def stored(app, tag: str) -> tuple[list[str], list[tuple[int, int]], str]:
    with app.app_context():
        try:
            titles = db.session.scalars(sa.select(Activity.title).where(Activity.title.like(f"%serentak {tag}")))
            batches = db.session.execute(
                sa.select(ImportBatch.rows_created, ImportBatch.rows_skipped)
                .where(ImportBatch.file_name == f"{tag}.csv")
                .order_by(ImportBatch.id)
            )
            return sorted(titles), [tuple(row) for row in batches], db.engine.dialect.name
        finally:
            db.session.remove()


def test_two_confirms_planned_at_once_write_the_rows_once(app, sheet):
    tag, data = sheet

    results = confirm_twice_at_once(app, tag, data)

    titles, batches, dialect = stored(app, tag)
    assert titles == [f"Rakor serentak {tag}", f"Sosialisasi serentak {tag}"]  # once each
    assert not [value for value in results.values() if isinstance(value, AssertionError)], results
    if dialect == "postgresql":
        assert all(isinstance(value, ImportBatch) for value in results.values()), results
        assert batches == [(2, 0), (0, 2)]  # the second waited, planned again, found both unchanged
    else:
        assert batches[0] == (2, 0) and len(results) == 2, results
        # the second waited in line and found both unchanged, or was refused and wrote nothing
        assert batches[1:] in ([(0, 2)], []), batches
        assert batches[1:] or "locked" in str(next(v for v in results.values() if isinstance(v, ImportFailed)))


def test_one_upload_confirmed_twice_at_once_is_applied_once(app, sheet):
    tag, data = sheet
    token = uuid.uuid4().hex

    results = confirm_twice_at_once(app, tag, data, token=token)

    titles, batches, dialect = stored(app, tag)
    assert len(titles) == 2
    assert batches == [(2, 0)]  # one batch: the upload was claimed by the first
    outcomes = sorted(type(value).__name__ for value in results.values())
    if dialect == "postgresql":
        assert outcomes == ["AlreadyImported", "ImportBatch"], results
    else:
        assert outcomes in (["AlreadyImported", "ImportBatch"], ["ImportBatch", "ImportFailed"]), results
