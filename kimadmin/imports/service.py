"""Confirming an import: write the plan and its history in one transaction, all rows or none."""

from __future__ import annotations

import logging

from ..models.imports import ImportBatch, ImportRecord
from .plan import CREATE, SKIP, UPDATE, Preview, apply_preview

log = logging.getLogger(__name__)


class ImportFailed(Exception):
    """Writing failed (a database error, a scope violation); everything was rolled back."""


def run_import(preview: Preview, user_id: int | None, source: str = "web") -> ImportBatch:
    """Write ``preview`` (which must have no errors), record the batch, commit; or roll back all."""
    session = preview.ctx.session
    try:
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
        )
        session.add(batch)
        session.flush()
        session.add_all(
            ImportRecord(
                batch=batch, row_number=item.row, entity=item.entity, entity_id=item.record.id, action=item.action
            )
            for item in written
        )
        session.commit()
    except Exception as exc:
        session.rollback()
        log.exception("import of %s into %s failed; rolled back", preview.kind.name, preview.regency.code)
        raise ImportFailed(str(exc)) from exc
    return batch
