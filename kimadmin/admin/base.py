"""Base admin views: every path scoped, permission-checked and translated.

Tenant scoping itself happens in :mod:`kimadmin.tenancy` for every query; this module makes sure
Flask-Admin's own paths cannot route around it or around permissions:

* ``get_one`` (details, edit, delete, inline edit) loads through the scoped query and answers 404;
* each exposed endpoint requires a permission ``<model>.<action>`` checked on the server;
* AJAX pickers are scoped and capped at :data:`MAX_AJAX_ROWS` rows a call;
* database and scope errors become translated messages, never SQL or a stack trace;
* exports neutralise spreadsheet formulas and never read from a torn-down session.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from flask import Response, abort, flash, has_request_context, redirect, request, stream_with_context, url_for
from flask_admin import expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.model import typefmt
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from werkzeug.utils import secure_filename

from ..extensions import db
from ..tenancy import ScopedByRegency, SharedOrScoped, TenantViolation, current_scope
from .forms import KimBaseForm

log = logging.getLogger(__name__)

MAX_AJAX_ROWS = 20
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Flask-Admin endpoint (method name) -> the action its permission needs.
ENDPOINT_ACTIONS = {
    "index_view": "view",
    "details_view": "view",
    "ajax_lookup": "view",
    "create_view": "create",
    "edit_view": "edit",
    "ajax_update": "edit",
    "delete_view": "delete",
    "export": "export",
    "action_view": "view",  # each action checks its own permission in is_action_allowed
}


def neutralise_formula(value: Any) -> Any:
    """Make a text cell inert in spreadsheets (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _date_formatter(view: Any, value: date, name: str) -> str:
    return format_date(value, "d MMMM yyyy")


def _datetime_formatter(view: Any, value: datetime, name: str) -> str:
    return format_datetime(value, "d MMMM yyyy HH:mm")


class ScopedAjaxLoader(QueryAjaxModelLoader):
    """A picker that only offers rows inside the user's scope, at most 20 a call.

    Tenant rows are scoped centrally already; region rows (desa, kecamatan) are shared reference
    data, so here they are limited to the user's own regency by their ``regency_code``.
    """

    def __init__(self, name: str, session: Any, model: type, **options: Any) -> None:
        self.loader_options = options.pop("loader_options", ())
        options.setdefault("page_size", MAX_AJAX_ROWS)
        super().__init__(name, session, model, **options)

    def get_query(self) -> Any:
        query = super().get_query().options(*self.loader_options)
        scope = current_scope()
        if scope is not None and not issubclass(self.model, (ScopedByRegency, SharedOrScoped)):
            query = query.filter(scope.region_criterion(self.model))
        return query

    def get_one(self, pk: Any) -> Any:
        pk_column = getattr(self.model, self.pk)
        value = coerce_pk(pk_column, pk)
        if value is None:
            return None
        with self.session.no_autoflush:
            return self.get_query().filter(pk_column == value).first()

    def get_list(self, term: str, offset: int = 0, limit: int = MAX_AJAX_ROWS) -> Any:
        limit = max(1, min(limit or MAX_AJAX_ROWS, MAX_AJAX_ROWS))
        return super().get_list(term or "", max(offset or 0, 0), limit)


def coerce_pk(column: Any, value: Any) -> Any:
    """A submitted primary key converted to the column's type, or ``None`` if it cannot be."""
    try:
        return column.type.python_type(value)
    except (TypeError, ValueError, NotImplementedError):
        return None


class ScopedModelView(ModelView):
    """Declarative base for every admin screen (core and plugins).

    Subclasses set ``model``-level declarations only: ``permission`` (prefix of ``<prefix>.<action>``),
    ``list_loader_options`` (eager loading for list columns, keeping the statement count fixed),
    columns, labels, filters and ``form_ajax_refs`` built with :class:`ScopedAjaxLoader`.
    """

    permission: ClassVar[str] = ""
    list_loader_options: ClassVar[tuple[Any, ...]] = ()
    # Named list filters from the query string: name -> (value -> SQL criterion); see active_url_filters.
    url_filters: ClassVar[dict[str, Callable[[str], Any]]] = {}
    url_filter_labels: ClassVar[dict[str, Any]] = {}
    list_template = "admin/scoped_list.html"
    # Actions other than delete and the permission action they need.
    action_permissions: ClassVar[dict[str, str]] = {}

    form_base_class = KimBaseForm
    page_size = 20
    can_set_page_size = True
    page_size_options = (20, 50, 100)
    can_view_details = True
    export_types = ["csv"]
    export_max_rows = 10000
    fast_mass_delete = False  # delete row by row: scope checks and audit see every row
    column_type_formatters = {**typefmt.BASE_FORMATTERS, date: _date_formatter, datetime: _datetime_formatter}
    column_type_formatters_detail = {
        **typefmt.DETAIL_FORMATTERS,
        date: _date_formatter,
        datetime: _datetime_formatter,
    }

    def __init__(self, model: type, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(model, db, name=name, **kwargs)

    # --- permissions ---------------------------------------------------------------------------
    def allowed(self, action: str) -> bool:
        return bool(
            current_user.is_authenticated and self.permission and current_user.can(f"{self.permission}.{action}")
        )

    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return self.allowed("create")

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return self.allowed("edit")

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return self.allowed("delete")

    @property
    def can_export(self) -> bool:  # type: ignore[override]
        return self.allowed("export")

    def is_accessible(self) -> bool:
        return self.allowed("view")

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(403)

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        response = super()._handle_view(name, **kwargs)
        if response is not None:
            return response
        action = ENDPOINT_ACTIONS.get(name)
        if action is None or not self.allowed(action):
            abort(403)  # an endpoint without a declared permission is closed, not open
        return None

    def is_action_allowed(self, name: str) -> bool:
        needed = "delete" if name == "delete" else self.action_permissions.get(name)
        return needed is not None and self.allowed(needed)

    @expose("/action/", methods=("POST",))
    def action_view(self) -> Any:
        """Bulk actions: 403 without the action's permission, 404 if any id is out of scope.

        Flask-Admin would silently skip forbidden actions and unknown ids; an explicit answer
        tells a user (and a test) exactly what happened, and nothing is half-done.
        """
        action = request.form.get("action", "")
        if action not in self._actions_data or not self.is_action_allowed(action):
            abort(403)
        ids = request.form.getlist("rowid")
        pk_column = getattr(self.model, self._primary_key)
        values = {coerce_pk(pk_column, rowid) for rowid in ids}
        if not ids or None in values:
            abort(404)
        found = self.get_query().with_entities(sa.func.count()).filter(pk_column.in_(values)).scalar()
        if found != len(values):
            abort(404)
        return self.handle_action()

    # --- queries -------------------------------------------------------------------------------
    def get_query(self) -> Any:
        return self._apply_url_filters(super().get_query().options(*self.list_loader_options))

    def get_count_query(self) -> Any:
        return self._apply_url_filters(super().get_count_query())

    def active_url_filters(self) -> list[tuple[str, str, Any]]:
        """``(name, value, criterion)`` for the named filters present in the query string.

        Named filters (``?status=tidak_aktif&district=33.13.08``) give dashboards and other pages
        stable links to "the list this figure counts", unlike Flask-Admin's positional ``flt0_``.
        """
        if not has_request_context() or request.endpoint not in self._url_filter_endpoints():
            return []
        active = []
        for name, build in self.url_filters.items():
            value = request.args.get(name, "").strip()
            if not value:
                continue
            try:
                active.append((name, value, build(value)))
            except (TypeError, ValueError):
                abort(400)
        return active

    def _url_filter_endpoints(self) -> set[str]:
        return {f"{self.endpoint}.index_view", f"{self.endpoint}.export"}

    def _apply_url_filters(self, query: Any) -> Any:
        for _name, _value, criterion in self.active_url_filters():
            query = query.filter(criterion)
        return query

    def get_one(self, id: Any) -> Any:
        """Load by primary key *through the scoped query*; anything else is a 404."""
        pk_column = getattr(self.model, self._primary_key)
        value = coerce_pk(pk_column, id)
        obj = None if value is None else self.get_query().filter(pk_column == value).one_or_none()
        if obj is None:
            abort(404)
        return obj

    # --- errors --------------------------------------------------------------------------------
    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, TenantViolation):
            flash(_("This record is outside your area and was not saved."), "error")
        elif isinstance(exc, IntegrityError):
            log.warning("integrity error in %s: %s", self.endpoint, exc.orig)
            flash(_("The record was not saved: it conflicts with other data (a duplicate, for example)."), "error")
        elif isinstance(exc, SQLAlchemyError):
            log.exception("database error in %s", self.endpoint)
            flash(_("A database error occurred. The record was not saved; please try again."), "error")
        elif not super().handle_view_exception(exc):
            log.exception("error in %s", self.endpoint)
            flash(_("An error occurred. The record was not saved."), "error")
        return True

    # --- export --------------------------------------------------------------------------------
    def get_export_value(self, model: Any, name: Any) -> Any:
        return neutralise_formula(super().get_export_value(model, name))

    def _export_csv(self, return_url: Any) -> Response:
        """CSV of what the list shows, values read while the session is still open."""
        _count, data = self._export_data()
        columns = self._export_columns
        rows = [[self.get_export_value(row, name) for name, _label in columns] for row in data]

        def generate() -> Iterator[str]:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow([neutralise_formula(str(label)) for _name, label in columns])
            for row in rows:
                writer.writerow(row)
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
            yield buffer.getvalue()

        filename = secure_filename(self.get_export_name(export_type="csv"))
        return Response(
            stream_with_context(generate()),
            headers={"Content-Disposition": f"attachment; filename={filename}"},
            mimetype="text/csv",
        )


class ReadOnlyView(ScopedModelView):
    """Reference data (regions): list, details and export only, limited to the user's map."""

    def allowed(self, action: str) -> bool:
        return action in ("view", "export") and super().allowed("view")

    def get_query(self) -> Any:
        query = super().get_query()
        scope = current_scope()
        return query if scope is None else query.filter(scope.region_criterion(self.model))

    def get_count_query(self) -> Any:
        query = super().get_count_query()
        scope = current_scope()
        return query if scope is None else query.filter(scope.region_criterion(self.model))
