"""The Import screen: choose a kind, download its template, upload, preview, confirm; and history.

Security, in the order a request meets it: the menu entry and every endpoint need ``import.view``
or ``import.run`` (uploading and confirming need ``import.run`` plus the kind's own
``<model>.create`` and ``<model>.edit``); forms carry the app-wide CSRF token; the pending file is
found only by its random token *and* its uploader (another user's or regency's token is a 404);
history rows are tenant rows, so another regency's batch is a 404 like any record, and the
history's CSV/XLSX export (``import.view``) holds the user's area only.

A second confirm of an upload already applied (a double click, a second tab) imports nothing: it
is told so and sent to that import (:mod:`.service` claims the upload once, under a lock).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload
from werkzeug.utils import secure_filename

from ..extensions import db
from ..models.activities import Activity
from ..models.awards import Award
from ..models.boards import Board, BoardMember
from ..models.fkmetra import FkMetraGroup
from ..models.imports import ImportBatch, ImportRecord
from ..models.kim import Kim
from ..models.regions import Regency
from ..tenancy import current_scope
from .kinds import KINDS, kind_named
from .plan import Preview, SheetKind, build_preview
from .reader import MAX_FILE_BYTES, MAX_ROWS
from .service import AlreadyImported, ImportFailed, ImportOutOfDate, batch_of_upload, run_import
from .sheet_templates import template_csv, template_xlsx
from .storage import TOKEN, PendingImport, discard_pending, load_pending, save_pending

HISTORY_PAGE_SIZE = 50
EXPORT_CHUNK = 500  # batches read at a time by the history export
# Entity of an import record -> (model, permission prefix of its screen).
ENTITIES: dict[str, tuple[type, str]] = {
    "kim": (Kim, "kim"),
    "board": (Board, "board"),
    "board_member": (BoardMember, "board"),
    "fkmetra_group": (FkMetraGroup, "fkmetra"),
    "activity": (Activity, "activity"),
    "award": (Award, "award"),
}
# How a record is named in the history (with the KIM it belongs to), and what that needs loaded.
RECORD_LABELS: dict[str, tuple[tuple[Any, ...], Any]] = {
    "board": ((joinedload(Board.kim),), lambda board: f"{board.kim or board.forum} {board}"),
    "board_member": (
        (joinedload(BoardMember.board).joinedload(Board.kim),),
        lambda member: f"{member.name}, {member.position_label} ({member.board.kim or ''} {member.board})",
    ),
}
ENTITY_LABELS = {
    "kim": _l("KIM"),
    "board": _l("Board"),
    "board_member": _l("Board member"),
    "fkmetra_group": _l("FK Metra group"),
    "activity": _l("Activity"),
    "award": _l("Award"),
}


def _may(permission: str) -> bool:
    return bool(current_user.is_authenticated and current_user.can(permission))


def may_import(kind: SheetKind) -> bool:
    """Importing writes the kind's records: it needs their own create and edit permissions too."""
    return _may("import.run") and _may(f"{kind.permission}.create") and _may(f"{kind.permission}.edit")


class ImportView(BaseView):
    def is_accessible(self) -> bool:
        return _may("import.view") or _may("import.run")

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(403)

    # --- helpers -----------------------------------------------------------------------------------
    def _own_regency(self) -> str | None:
        scope = current_scope()
        return scope.code if scope is not None and scope.level == "regency" else None

    def _target_regency(self) -> Regency | None:
        """The user's own regency; a national or provincial user names one inside their scope."""
        code = self._own_regency() or (request.form.get("regency") or "").strip()
        scope = current_scope()
        if not code or scope is None or not scope.holds(code):
            return None
        return db.session.get(Regency, code)

    def _pending(self, token: str | None) -> PendingImport:
        pending = load_pending(token, current_user.id, self._own_regency())
        if pending is None or kind_named(pending.kind) is None:
            abort(404)
        return pending

    def _preview_of(self, pending: PendingImport) -> Preview:
        kind = kind_named(pending.kind)
        if not may_import(kind):
            abort(403)
        regency = db.session.get(Regency, pending.regency_code)
        if regency is None:
            abort(404)
        return build_preview(
            kind, pending.data, pending.file_name, regency, db.session, show_personal=_may("personal_data.view")
        )

    def _index(self, problems: list[str] | None = None, chosen: str | None = None) -> str:
        kinds = [kind for kind in KINDS.values() if may_import(kind)]
        return self.render(
            "admin/imports/index.html",
            kinds=kinds,
            chosen=chosen or (kinds[0].name if kinds else None),
            problems=problems or [],
            needs_regency=self._own_regency() is None,
            max_mb=MAX_FILE_BYTES // 2**20,
            max_rows=MAX_ROWS,
            can_view_history=_may("import.view"),
        )

    # --- screens -----------------------------------------------------------------------------------
    @expose("/")
    def index(self) -> str:
        return self._index(chosen=request.args.get("kind"))

    @expose("/template/")
    def template(self) -> Response:
        kind = kind_named(request.args.get("kind"))
        if kind is None:
            abort(404)
        if request.args.get("format") == "csv":
            body, mimetype, suffix = template_csv(kind), "text/csv", "csv"
        else:
            body = template_xlsx(kind)
            mimetype, suffix = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
        response = Response(body, mimetype=mimetype)
        response.headers["Content-Disposition"] = f"attachment; filename=template-impor-{kind.name}.{suffix}"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @expose("/upload/", methods=("POST",))
    def upload(self) -> Any:
        kind = kind_named(request.form.get("kind"))
        if kind is None:
            abort(404)
        if not may_import(kind):
            abort(403)
        regency = self._target_regency()
        upload = request.files.get("file")
        if regency is None:
            return self._index([_("Choose the regency/city to import into.")], kind.name)
        if upload is None or not upload.filename:
            return self._index([_("Choose the file to import.")], kind.name)
        data = upload.stream.read(MAX_FILE_BYTES + 1)
        file_name = (secure_filename(upload.filename) or "import")[-255:]
        preview = build_preview(kind, data, upload.filename, regency, db.session, plan=False)  # the file only
        if preview.problems:
            return self._index(preview.problems, kind.name)
        token = save_pending(
            data, user_id=current_user.id, regency_code=regency.code, kind=kind.name, file_name=file_name
        )
        return redirect(url_for(".preview", token=token))

    @expose("/preview/")
    def preview(self) -> str:
        pending = self._pending(request.args.get("token"))
        return self._render_preview(pending, self._preview_of(pending))

    def _render_preview(self, pending: PendingImport, preview: Preview) -> str:
        return self.render("admin/imports/preview.html", preview=preview, token=pending.token)

    @expose("/confirm/", methods=("POST",))
    def confirm(self) -> Any:
        token = request.form.get("token")
        pending = load_pending(token, current_user.id, self._own_regency())
        if pending is None or kind_named(pending.kind) is None:
            return self._already_imported(token)
        preview = self._preview_of(pending)  # again: the data may have changed since the preview
        if not preview.ok:
            flash(_("Nothing was imported: the file still has errors. Correct them and upload it again."), "error")
            return self._render_preview(pending, preview)
        try:
            batch = run_import(preview, current_user.id, upload_token=pending.token)
        except AlreadyImported as done:
            discard_pending(pending.token)
            flash(_("This file has already been imported; it was not imported again."), "info")
            return self._to_batch(done.batch_id)
        except ImportOutOfDate as changed:
            flash(
                _(
                    "Nothing was imported: the data changed since the preview and the file now has errors. "
                    "Correct them and upload it again."
                ),
                "error",
            )
            return self._render_preview(pending, changed.preview)
        except ImportFailed:
            flash(_("The import failed and nothing was saved. Please try again or contact IT staff."), "error")
            return redirect(url_for(".preview", token=pending.token))
        discard_pending(pending.token)
        flash(
            _(
                "Imported %(file)s: %(created)d rows created, %(updated)d updated, %(skipped)d unchanged.",
                file=batch.file_name,
                created=batch.rows_created,
                updated=batch.rows_updated,
                skipped=batch.rows_skipped,
            ),
            "success",
        )
        return self._to_batch(batch.id)

    def _already_imported(self, token: str | None) -> Any:
        """A confirm of an upload that is gone: applied by an earlier click of this user, or a 404."""
        batch = batch_of_upload(db.session, token) if token and TOKEN.match(token) else None
        if batch is None or batch.user_id != current_user.id:
            abort(404)
        flash(_("This file has already been imported; it was not imported again."), "info")
        return self._to_batch(batch.id)

    def _to_batch(self, batch_id: int) -> Any:
        if not _may("import.view"):
            return redirect(url_for(".index"))
        return redirect(url_for(".details_view", id=batch_id))

    @expose("/history/")
    def history(self) -> str:
        if not _may("import.view"):
            abort(403)
        page = max(request.args.get("page", 1, type=int) or 1, 1)
        batches = db.session.scalars(
            sa.select(ImportBatch)
            .options(joinedload(ImportBatch.user), joinedload(ImportBatch.regency))
            .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
            .limit(HISTORY_PAGE_SIZE + 1)
            .offset((page - 1) * HISTORY_PAGE_SIZE)
        ).all()
        return self.render(
            "admin/imports/history.html",
            batches=batches[:HISTORY_PAGE_SIZE],
            page=page,
            has_next=len(batches) > HISTORY_PAGE_SIZE,
            kinds=KINDS,
        )

    @expose("/history/export/<export_type>/")
    def history_export(self, export_type: str) -> Response:
        """The whole history as CSV or XLSX: every batch the user may see (scoped), newest first."""
        if not _may("import.view"):
            abort(403)
        statement = (
            sa.select(ImportBatch)
            .options(joinedload(ImportBatch.user), joinedload(ImportBatch.regency))
            .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
            .execution_options(yield_per=EXPORT_CHUNK)
        )
        from ..exports import rows_csv_response, rows_xlsx_response

        fields = history_export_fields()
        title = _("Import history")
        if export_type == "csv":
            return rows_csv_response(fields, lambda: db.session.scalars(statement), title, "import history")
        if export_type == "xlsx":
            return rows_xlsx_response(fields, db.session.scalars(statement), title)
        abort(404)

    @expose("/details/")
    def details_view(self) -> str:
        if not _may("import.view"):
            abort(403)
        batch_id = request.args.get("id", type=int)
        batch = None
        if batch_id is not None:
            batch = db.session.scalar(
                sa.select(ImportBatch).where(ImportBatch.id == batch_id).options(joinedload(ImportBatch.user))
            )
        if batch is None:
            abort(404)
        records = db.session.scalars(
            sa.select(ImportRecord).where(ImportRecord.batch_id == batch.id).order_by(ImportRecord.id)
        ).all()
        return self.render(
            "admin/imports/details.html",
            batch=batch,
            kind=kind_named(batch.kind),
            rows=self._record_rows(records),
            entity_labels=ENTITY_LABELS,
        )

    def _record_rows(self, records: list[ImportRecord]) -> list[dict[str, Any]]:
        """Each record with its current label and a link, one statement per kind of record."""
        ids: dict[str, set[int]] = defaultdict(set)
        for record in records:
            ids[record.entity].add(record.entity_id)
        found: dict[str, dict[int, Any]] = {}
        for entity, wanted in ids.items():
            model = ENTITIES.get(entity, (None, ""))[0]
            if model is not None:
                options = RECORD_LABELS.get(entity, ((), None))[0]
                query = sa.select(model).where(model.id.in_(wanted)).options(*options)
                found[entity] = {row.id: row for row in db.session.scalars(query)}
        rows = []
        for record in records:
            target = found.get(record.entity, {}).get(record.entity_id)
            label = RECORD_LABELS.get(record.entity, ((), str))[1]
            rows.append(
                {
                    "record": record,
                    "label": label(target) if target is not None else None,
                    "url": self._link(record, target),
                }
            )
        return rows

    def _link(self, record: ImportRecord, target: Any) -> str | None:
        if target is None or record.entity not in ENTITIES:
            return None
        endpoint = f"{record.entity}.details_view"
        if endpoint not in current_app.view_functions or not _may(f"{ENTITIES[record.entity][1]}.view"):
            return None
        return url_for(endpoint, id=record.entity_id)


def _author(batch: ImportBatch) -> str:
    if batch.user is None:
        return _("command line")
    return batch.user.full_name or batch.user.email


def history_export_fields() -> list[Any]:
    """The history's columns, as on the screen (cells are neutralised by the export writers)."""
    from ..exports import ExportField, local_moment  # late: the exports import the admin base

    return [
        ExportField("created_at", _l("When"), lambda batch: local_moment(batch.created_at)),
        ExportField("user", _l("Who"), _author),
        ExportField("file_name", _l("File"), lambda batch: batch.file_name),
        ExportField("kind", _l("What"), lambda batch: KINDS[batch.kind].label if batch.kind in KINDS else batch.kind),
        ExportField("regency", _l("Regency/City"), lambda batch: str(batch.regency or batch.regency_code)),
        ExportField("rows_total", _l("Rows"), lambda batch: batch.rows_total),
        ExportField("rows_created", _l("Created"), lambda batch: batch.rows_created),
        ExportField("rows_updated", _l("Updated"), lambda batch: batch.rows_updated),
        ExportField("rows_skipped", _l("Unchanged"), lambda batch: batch.rows_skipped),
    ]


def import_view() -> ImportView:
    return ImportView(name=_l("Import"), endpoint="imports", url="/admin/import")
