"""The Trash screen: what was deleted in the user's area, restored or (superadmin) purged now.

Access: ``trash.view`` to see, ``trash.restore`` to restore, ``trash.purge`` to purge now. The
batches are scoped by the tenancy layer like any regency row: another regency's batch is a 404.
Both actions are a POST with CSRF, after a confirmation page that says what comes back or goes.
The list exports as CSV or XLSX with ``trash.view`` (the same rows, through the export writers).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from ..admin.base import coerce_pk
from ..extensions import db
from .models import TrashBatch
from .service import RestoreRefused, kind_label, purge, restore, trash_days

PAGE_SIZE = 50
EXPORT_CHUNK = 500  # batches read at a time by the export
ACTIONS = ("restore", "purge")


class TrashView(BaseView):
    def _can(self, action: str) -> bool:
        return bool(current_user.is_authenticated and current_user.can(f"trash.{action}"))

    def is_accessible(self) -> bool:
        return self._can("view")

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(403)

    def _batch(self, value: Any) -> TrashBatch:
        """The batch through the scoped query: out of scope or unknown is a 404."""
        batch_id = coerce_pk(TrashBatch.id, value)
        batch = None if batch_id is None else db.session.scalar(sa.select(TrashBatch).where(TrashBatch.id == batch_id))
        if batch is None:
            abort(404)
        return batch

    def _require(self, action: str) -> None:
        if action not in ACTIONS:
            abort(404)
        if not self._can(action):
            abort(403)

    @expose("/")
    def index(self) -> str:
        page = max(coerce_pk(TrashBatch.id, request.args.get("page", "1")) or 1, 1)
        total = db.session.scalar(sa.select(sa.func.count()).select_from(TrashBatch)) or 0
        batches = db.session.scalars(
            sa.select(TrashBatch)
            .order_by(TrashBatch.deleted_at.desc(), TrashBatch.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        ).all()
        return self.render(
            "admin/trash/index.html",
            batches=batches,
            page=page,
            pages=max(1, -(-total // PAGE_SIZE)),
            total=total,
            days=trash_days(current_app.config),
            kind_label=kind_label,
            attached=attached_lines,
            can_restore=self._can("restore"),
            can_purge=self._can("purge"),
        )

    @expose("/export/<export_type>/")
    def export(self, export_type: str) -> Response:
        """The trash of the user's area (scoped like the screen) as CSV or XLSX, newest first."""
        statement = (
            sa.select(TrashBatch)
            .order_by(TrashBatch.deleted_at.desc(), TrashBatch.id.desc())
            .execution_options(yield_per=EXPORT_CHUNK)
        )
        from ..exports import rows_csv_response, rows_xlsx_response

        fields = trash_export_fields()
        if export_type == "csv":
            return rows_csv_response(fields, lambda: db.session.scalars(statement), _("Trash"), "trash")
        if export_type == "xlsx":
            return rows_xlsx_response(fields, db.session.scalars(statement), _("Trash"))
        abort(404)

    @expose("/confirm/")
    def confirm(self) -> str:
        action = request.args.get("action", "")
        self._require(action)
        batch = self._batch(request.args.get("id"))
        return self.render(
            "admin/trash/confirm.html",
            batch=batch,
            action=action,
            kind=kind_label(batch.item_table),
            attached=attached_lines(batch),
        )

    @expose("/restore/", methods=("POST",))
    def restore_view(self) -> Any:
        self._require("restore")
        batch = self._batch(request.form.get("id"))
        label, kind = batch.label, kind_label(batch.item_table)
        try:
            restore(batch)
            db.session.commit()
        except RestoreRefused as refused:
            db.session.rollback()
            flash(str(refused), "error")
            return redirect(url_for(".index"))
        except Exception:
            db.session.rollback()
            current_app.logger.exception("restoring trash batch failed")
            flash(_("The record could not be restored; nothing was changed."), "error")
            return redirect(url_for(".index"))
        flash(_("%(kind)s %(name)s was restored with what was deleted with it.", kind=kind, name=label), "success")
        return redirect(url_for(".index"))

    @expose("/purge/", methods=("POST",))
    def purge_view(self) -> Any:
        self._require("purge")
        batch = self._batch(request.form.get("id"))
        label = batch.label
        try:
            result = purge([batch])
        except Exception:
            db.session.rollback()
            current_app.logger.exception("purging trash batch failed")
            flash(_("The record could not be deleted for good; nothing was changed."), "error")
            return redirect(url_for(".index"))
        if result.failures:
            flash(result.failures[0].reason, "error")
            return redirect(url_for(".index"))
        flash(
            ngettext(
                "%(name)s was deleted for good (%(num)d record).",
                "%(name)s was deleted for good (%(num)d records).",
                result.rows,
                name=label,
            ),
            "success",
        )
        return redirect(url_for(".index"))


def attached_lines(batch: TrashBatch) -> list[str]:
    """``["Board: 2", "Board member: 9"]``: what went to the trash with the record."""
    return [f"{kind_label(table)}: {count}" for table, count in sorted((batch.counts or {}).items())]


def trash_export_fields() -> list[Any]:
    """The screen's columns (cells are neutralised by the export writers: labels are user text)."""
    from ..exports import ExportField, local_moment  # late: the exports import the admin base

    return [
        ExportField("kind", _l("What"), lambda batch: kind_label(batch.item_table)),
        ExportField("label", _l("Name"), lambda batch: batch.label),
        ExportField("attached", _l("Deleted with it"), lambda batch: "; ".join(attached_lines(batch))),
        ExportField("deleted_at", _l("Deleted on"), lambda batch: local_moment(batch.deleted_at)),
        ExportField("deleted_by", _l("Deleted by"), lambda batch: batch.deleted_by_name or ""),
    ]


def trash_view() -> TrashView:
    return TrashView(name=_l("Trash"), endpoint="trash", category=_l("Settings"))
