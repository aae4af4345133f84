"""Confirming an import: write the plan and its history in one transaction, all rows or none.

Two confirms of the same file (a double click, two tabs, the screen and the command line) may
both have built their preview before either wrote anything; applied as previewed, both would
create the same rows. So a confirm

1. starts a transaction of its own and takes the regency's import lock (:func:`lock_regency`):
   a second import into the same regency waits until the first has committed;
2. plans the file again under the lock, against the data as it now is: the second of two
   identical imports finds every row unchanged;
3. claims the upload it applies (``import_batch.upload_token``, unique): a screen upload that was
   already applied is refused (:class:`AlreadyImported`), never applied twice.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

from ..models.imports import ImportBatch, ImportRecord
from ..models.regions import Regency
from .plan import CREATE, SKIP, UPDATE, Preview, apply_preview, build_preview

log = logging.getLogger(__name__)

# First half of the PostgreSQL advisory lock key (pg_advisory_xact_lock(int4, int4)): the
# import's lock class; the second half is the regency code's digits ("33.13" → 3313).
IMPORT_LOCK_CLASS = 0x4B494D  # "KIM"


class ImportFailed(Exception):
    """Writing failed (a database error, a scope violation); everything was rolled back."""


class AlreadyImported(Exception):
    """This upload was applied already (by another click or tab); nothing was written now."""

    def __init__(self, batch_id: int) -> None:
        super().__init__(f"upload already imported as batch {batch_id}")
        self.batch_id = batch_id


class ImportOutOfDate(Exception):
    """Planned again under the lock, the file now has errors (the data changed since the preview).

    ``preview`` is the new plan, to be shown; nothing was written.
    """

    def __init__(self, preview: Preview) -> None:
        super().__init__("the file has errors against the current data")
        self.preview = preview


def lock_key(regency_code: str) -> int:
    """The regency's part of the advisory lock key: its code's digits as a number."""
    return int("".join(ch for ch in regency_code if ch.isdigit()) or "0")


def lock_regency(session: Any, regency_code: str) -> None:
    """Hold the regency's import lock until the transaction ends.

    PostgreSQL: a transaction-level advisory lock, which blocks only other imports (normal edits
    of the regency's records go on). SQLite has one writer at a time: a write (a no-op update of
    the regency's row) takes the database's write lock before anything is planned.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(IMPORT_LOCK_CLASS, lock_key(regency_code))))
    else:
        session.execute(
            sa.update(Regency)
            .where(Regency.code == regency_code)
            .values(name=Regency.name)
            .execution_options(synchronize_session=False)
        )


def batch_of_upload(session: Any, upload_token: str) -> ImportBatch | None:
    """The import that applied the screen upload ``upload_token``, if any (scoped like any batch)."""
    return session.scalar(sa.select(ImportBatch).where(ImportBatch.upload_token == upload_token))


def run_import(
    preview: Preview, user_id: int | None, source: str = "web", upload_token: str | None = None
) -> ImportBatch:
    """Plan ``preview``'s file again under the regency's lock, write it and its history, commit.

    All or nothing: :class:`ImportFailed` (rolled back), :class:`AlreadyImported` (``upload_token``
    was applied before) or :class:`ImportOutOfDate` (the file has errors against the data as it is
    now). Whatever the session held before is committed first: the import is a transaction of
    its own, and on SQLite a transaction that has already read cannot wait for the write lock.
    """
    if not preview.ok or preview.ctx is None:
        raise ValueError("only a preview without errors can be imported")
    session = preview.ctx.session
    session.commit()
    try:
        lock_regency(session, preview.regency.code)
        if upload_token is not None:
            done = batch_of_upload(session, upload_token)
            if done is not None:
                raise AlreadyImported(done.id)
        session.expire_all()  # what other transactions committed before the lock is read afresh
        current = build_preview(
            preview.kind, preview.data, preview.file_name, preview.regency, session, preview.show_personal
        )
        if not current.ok:
            raise ImportOutOfDate(current)
        batch = _write(current, user_id, source, upload_token)
        session.commit()
    except (AlreadyImported, ImportOutOfDate):
        session.rollback()
        raise
    except Exception as exc:
        session.rollback()
        log.exception("import of %s into %s failed; rolled back", preview.kind.name, preview.regency.code)
        raise ImportFailed(str(exc)) from exc
    return batch


def _write(preview: Preview, user_id: int | None, source: str, upload_token: str | None) -> ImportBatch:
    session = preview.ctx.session
    written = apply_preview(preview)
    counts = preview.counts
    batch = ImportBatch(
        kind=preview.kind.name,
        file_name=preview.file_name[-255:],
        source=source,
        user_id=user_id,
        regency_code=preview.regency.code,
        rows_total=len(preview.rows),
        rows_created=counts[CREATE],
        rows_updated=counts[UPDATE],
        rows_skipped=counts[SKIP],
        upload_token=upload_token,
    )
    session.add(batch)
    session.flush()
    session.add_all(
        ImportRecord(batch=batch, row_number=item.row, entity=item.entity, entity_id=item.record.id, action=item.action)
        for item in written
    )
    return batch
