"""Base admin views: every path scoped, permission-checked and translated.

Tenant scoping itself happens in :mod:`kimadmin.tenancy` for every query; this module makes sure
Flask-Admin's own paths cannot route around it or around permissions:

* ``get_one`` (details, edit, delete, inline edit) loads through the scoped query and answers 404;
* each exposed endpoint requires a permission ``<model>.<action>`` checked on the server;
* AJAX pickers are scoped and capped at :data:`MAX_AJAX_ROWS` rows a call;
* database and scope errors become translated messages, never SQL or a stack trace;
* exports neutralise spreadsheet formulas and never read from a torn-down session;
* AJAX pickers refuse an id they cannot find (a forged id of another regency is a form error);
* create forms preselect declared parents from the query string (``/admin/decree/new/?kim=12``);
* rows owned by the regency office (:class:`~kimadmin.tenancy.RegencyOwned`) get a regency picker
  only for users above one regency; for everyone else the regency comes from the scope;
* personal data columns (``personal_columns``) are masked, left out of exports and validated.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from flask import Response, abort, flash, g, has_request_context, redirect, request, url_for
from flask_admin import expose, tools
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.helpers import get_redirect_target
from flask_admin.model import typefmt
from flask_admin.model.fields import AjaxSelectField, AjaxSelectMultipleField
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from wtforms import ValidationError
from wtforms.validators import Optional

from .. import concurrency
from ..extensions import db
from ..models.regions import Regency
from ..personal_data import NIK, PHONE, mask, nik_errors, normalise_phone
from ..tenancy import (
    ProvinceOrRegencyOwned,
    RegencyOwned,
    ScopedByRegency,
    SharedOrScoped,
    TenantViolation,
    current_scope,
    writable,
)
from ..trash.columns import Trashable
from .forms import KimBaseForm

log = logging.getLogger(__name__)

MAX_AJAX_ROWS = 20
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BIRTH_DATE = "BIRTH_DATE"  # lokal's kind for a date of birth: masked whole

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
    data, so here they are limited to the user's own regency by their ``regency_code``, unless
    ``any_region=True`` (a study visit's partner regency may be anywhere).

    Options besides Flask-Admin's: ``loader_options`` (eager loading for the label), ``joins``
    (relations to join so ``fields`` may search a parent's columns, e.g. the KIM name of a board)
    and ``label`` (a function giving the text shown for a row instead of ``str(row)``).
    """

    def __init__(self, name: str, session: Any, model: type, **options: Any) -> None:
        self.loader_options = options.pop("loader_options", ())
        self.joins = options.pop("joins", ())
        self.label = options.pop("label", None)
        self.any_region = options.pop("any_region", False)
        # Flask-Admin tests ``if order_by:``, which a SQL expression such as ``x.desc()`` refuses.
        self.ordering = options.pop("order_by", None)
        options.setdefault("page_size", MAX_AJAX_ROWS)
        super().__init__(name, session, model, **options)

    def get_query(self) -> Any:
        query = super().get_query().options(*self.loader_options)
        for relation in self.joins:
            query = query.outerjoin(relation)
        if self.ordering is not None:
            query = query.order_by(self.ordering)
        scope = current_scope()
        tenant_rows = issubclass(self.model, (ScopedByRegency, SharedOrScoped, ProvinceOrRegencyOwned))
        if scope is not None and not tenant_rows and not self.any_region:
            query = query.filter(scope.region_criterion(self.model))
        return query

    def format(self, model: Any) -> tuple[Any, str] | None:
        if model is None or self.label is None:
            return super().format(model)
        return getattr(model, self.pk), str(self.label(model))

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


def _unescape_pk(value: Any) -> Any:
    """A key from a Flask-Admin URL without its escaping, or as given when it is not escaped."""
    if not isinstance(value, str):
        return value
    parts = tools.iterdecode(value)
    return parts[0] if len(parts) == 1 and tools.escape(parts[0]) == value else value


def regency_names() -> dict[str, str]:
    """Regency code -> name for this request (one statement, only when a wider scope needs it)."""
    cached = g.get("_regency_names")
    if cached is None:
        rows = db.session.execute(sa.select(Regency.code, Regency.name)).all()
        cached = g._regency_names = {code: name for code, name in rows}
    return cached


def coerce_pk(column: Any, value: Any) -> Any:
    """A submitted primary key converted to the column's type, or ``None`` if it cannot be."""
    try:
        return column.type.python_type(value)
    except (TypeError, ValueError, NotImplementedError):
        return None


class StrictAjaxSelectField(AjaxSelectField):
    """An AJAX picker that refuses an id its (scoped) loader cannot find.

    Flask-Admin's own field turns an unknown id in an optional picker into "nothing chosen", so a
    forged id of another regency's row would silently empty the field; here it is a form error.
    """

    def pre_validate(self, form: Any) -> None:
        if self.data is None and self._formdata not in (None, "", "__None"):
            raise ValidationError(self.gettext("Not a valid choice"))
        super().pre_validate(form)


class StrictAjaxSelectMultipleField(AjaxSelectMultipleField):
    """As :class:`StrictAjaxSelectField` for many rows (Flask-Admin drops unknown ids silently)."""

    def pre_validate(self, form: Any) -> None:
        self.data  # noqa: B018 - resolving the submitted ids now flags the unknown ones
        super().pre_validate(form)


class ScopedModelConverter(AdminModelConverter):
    """Flask-Admin's form converter, with strict AJAX pickers (main forms and inline rows)."""

    def _model_select_field(self, prop: Any, multiple: Any, remote_model: type, **kwargs: Any) -> Any:
        loader = getattr(self.view, "_form_ajax_refs", {}).get(prop.key)
        if loader is None:
            return super()._model_select_field(prop, multiple, remote_model, **kwargs)
        field_class = StrictAjaxSelectMultipleField if multiple else StrictAjaxSelectField
        return field_class(loader, **kwargs)


class RegencyPickerField(StrictAjaxSelectField):
    """The regency of a :class:`~kimadmin.tenancy.RegencyOwned` row, for users above one regency."""

    def populate_obj(self, obj: Any, name: str) -> None:
        if self.data is not None:
            obj.regency_code = self.data.code


REGENCY_LOADER = ScopedAjaxLoader(
    "regency", db.session, Regency, fields=("name", "code"), order_by=Regency.code, minimum_input_length=0
)
# Created at import, before any view's fields: WTForms orders fields by creation, so it comes first.
_REGENCY_FIELD = RegencyPickerField(REGENCY_LOADER, label=_l("Regency/City"), allow_blank=True, validators=[Optional()])


# Rows of an office (a regency's, or a province's): users above one regency pick the regency.
_OFFICE_OWNED = (RegencyOwned, ProvinceOrRegencyOwned)


def _owner(model: Any) -> tuple[Any, ...]:
    if isinstance(model, ProvinceOrRegencyOwned):
        return model.tenant_owner()
    return (model.tenant_regency_code(),)


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _without_spaces(value: Any) -> Any:
    return re.sub(r"[\s.-]", "", value) if isinstance(value, str) else value


def check_phone(form: Any, field: Any) -> None:
    """An Indonesian phone number, stored in its E.164 form (``+6281234567890``)."""
    if not field.data:
        return
    normalised = normalise_phone(field.data)
    if normalised is None:
        raise ValidationError(_("Not a valid Indonesian phone number (for example 0812 3456 7890)."))
    field.data = normalised


def check_nik(form: Any, field: Any) -> None:
    """A national ID number (NIK) that lokal-id accepts (16 digits, a real region and birth date)."""
    if not field.data:
        return
    errors = nik_errors(field.data)
    if errors:
        raise ValidationError(_("Not a valid NIK: %(reason)s", reason=" ".join(errors)))


# Personal data kind -> (input filter, validator) applied to the form field of that column.
PERSONAL_DATA_CHECKS: dict[str, tuple[Callable[[Any], Any], Callable[[Any, Any], None]]] = {
    PHONE: (_strip, check_phone),
    NIK: (_without_spaces, check_nik),
}


class ScopedModelView(ModelView):
    """Declarative base for every admin screen (core and plugins).

    Subclasses set ``model``-level declarations only: ``permission`` (prefix of ``<prefix>.<action>``),
    ``list_loader_options`` (eager loading for list columns, keeping the statement count fixed),
    columns, labels, filters and ``form_ajax_refs`` built with :class:`ScopedAjaxLoader`.
    """

    permission: ClassVar[str] = ""
    list_loader_options: ClassVar[tuple[Any, ...]] = ()
    # Eager loading for one row (details, edit, delete): its collections, without slowing the list.
    details_loader_options: ClassVar[tuple[Any, ...]] = ()
    # Parent fields a create form takes from the query string (?kim=12), through their AJAX picker.
    prefill_fields: ClassVar[tuple[str, ...]] = ()
    # Columns holding personal data: name -> kind (personal_data.PHONE, NIK, base.BIRTH_DATE).
    personal_columns: ClassVar[dict[str, str]] = {}
    # Extra exposed endpoints (method name) -> the action their permission needs.
    endpoint_actions: ClassVar[dict[str, str]] = {}
    # Named list filters from the query string: name -> (value -> SQL criterion); see active_url_filters.
    url_filters: ClassVar[dict[str, Callable[[str], Any]]] = {}
    url_filter_labels: ClassVar[dict[str, Any]] = {}
    list_template = "admin/scoped_list.html"
    # History tab (kimadmin.audit); the edit page extends admin/trash/edit.html (concurrent-save differences).
    details_template = "admin/audit/details.html"
    edit_template = "admin/audit/edit.html"
    # Actions other than delete and the permission action they need.
    action_permissions: ClassVar[dict[str, str]] = {}

    # --- the regency column for users who see more than one regency ------------------------------
    # Province and national staff get a "Regency/City" column at the end of the list and of the
    # export of every tenant-owned screen, so rows of different regencies can be told apart; a
    # regency's own users do not need it. Appended, so Flask-Admin's sort indexes stay valid.
    REGENCY_COLUMN: ClassVar[str] = "regency_code"

    @property
    def _list_columns(self) -> list[tuple[str, Any]]:
        return self.__dict__.get("_own_list_columns", []) + self._regency_columns()

    @_list_columns.setter
    def _list_columns(self, value: list[tuple[str, Any]]) -> None:
        self.__dict__["_own_list_columns"] = value

    @property
    def _export_columns(self) -> list[tuple[str, Any]]:
        return self.__dict__.get("_own_export_columns", []) + self._regency_columns()

    @_export_columns.setter
    def _export_columns(self, value: list[tuple[str, Any]]) -> None:
        self.__dict__["_own_export_columns"] = value

    def _regency_columns(self) -> list[tuple[str, Any]]:
        if not (has_request_context() and issubclass(self.model, ScopedByRegency)):
            return []
        scope = current_scope()
        if scope is None or scope.level not in ("province", "nation"):
            return []
        own = self.__dict__.get("_own_list_columns", [])
        if any(name == self.REGENCY_COLUMN for name, _label in own):
            return []
        return [(self.REGENCY_COLUMN, _l("Regency/City"))]

    form_base_class = KimBaseForm
    model_form_converter = ScopedModelConverter
    page_size = 20
    can_set_page_size = True
    page_size_options = (20, 50, 100)
    can_view_details = True
    export_types = ["csv", "xlsx"]
    export_max_rows = 0  # exports stream every matching row (kimadmin.exports), no page limit
    fast_mass_delete = False  # delete row by row: scope checks and audit see every row
    column_type_formatters = {**typefmt.BASE_FORMATTERS, date: _date_formatter, datetime: _datetime_formatter}
    column_type_formatters_detail = {
        **typefmt.DETAIL_FORMATTERS,
        date: _date_formatter,
        datetime: _datetime_formatter,
    }

    def __init__(self, model: type, name: str | None = None, **kwargs: Any) -> None:
        # Personal columns are declared on the model (``__personal_data__``); a view may add more.
        self.personal_columns = {**getattr(model, "__personal_data__", {}), **self.personal_columns}
        for name_ in self.personal_columns:
            if name_ in (self.column_searchable_list or ()) or name_ in (self.column_filters or ()):
                raise ValueError(f"{type(self).__name__}: personal column {name_!r} must not be searchable or a filter")
        self.form_args = self._form_args_with_personal_checks()
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
        action = self.endpoint_actions.get(name) or ENDPOINT_ACTIONS.get(name)
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
        form = self.action_form()
        if not self.validate_form(form):
            flash(_("The action could not be carried out; please try again."), "error")
        else:
            # The typed ids (Flask-Admin would pass the raw strings, which PostgreSQL refuses to
            # compare with integer keys).
            response = self._actions_data[action][0](tuple(values))
            if response is not None:
                return response
        return redirect(get_redirect_target() or self.get_url(".index_view"))

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
        """Load by primary key *through the scoped query*; anything else is a 404.

        Flask-Admin writes keys into URLs escaped (``33.13`` becomes ``33..13``), so they are
        unescaped here; a key typed by hand (not a valid escape) is taken as it is.
        """
        pk_column = getattr(self.model, self._primary_key)
        value = coerce_pk(pk_column, _unescape_pk(id))
        query = self.get_query().options(*self.details_loader_options)
        obj = None if value is None else query.filter(pk_column == value).one_or_none()
        if obj is None:
            abort(404)
        if (
            isinstance(obj, ProvinceOrRegencyOwned)
            and request.endpoint in self._write_endpoints()
            and not writable(obj)
        ):
            abort(403)  # a province's row, read by its regencies: visible, never editable there
        return obj

    def _write_endpoints(self) -> set[str]:
        return {f"{self.endpoint}.{name}" for name in ("edit_view", "delete_view", "ajax_update")}

    # --- forms ---------------------------------------------------------------------------------
    def _process_ajax_references(self) -> dict[str, Any]:
        refs = super()._process_ajax_references()
        if issubclass(self.model, _OFFICE_OWNED):
            refs.setdefault("regency", REGENCY_LOADER)
        return refs

    def scaffold_form(self) -> Any:
        form_class = super().scaffold_form()
        if issubclass(self.model, _OFFICE_OWNED) and not hasattr(form_class, "regency"):
            form_class.regency = _REGENCY_FIELD
        return form_class

    def create_form(self, obj: Any = None) -> Any:
        form = super().create_form(obj)
        self._adapt_regency_field(form, None)
        if request.method == "GET":
            self._prefill(form)
        return form

    def edit_form(self, obj: Any = None) -> Any:
        form = super().edit_form(obj)
        self._adapt_regency_field(form, obj)
        if obj is not None:
            self._hide_personal_data(form, obj)
        concurrency.add_version_field(self, form, obj)
        return form

    def _prefill(self, form: Any) -> None:
        """Preselect parents named in the query string, each through its scoped picker.

        A KIM page links to ``/admin/decree/new/?kim=12``; an id the user may not see is simply not
        preselected (the picker's query is scoped), never an error or a leak.
        """
        for name in self.prefill_fields:
            value = request.args.get(name, "").strip()
            loader = self._form_ajax_refs.get(name)
            if value and loader is not None and name in form:
                found = loader.get_one(value)
                if found is not None:
                    form[name].data = [found] if isinstance(form[name], AjaxSelectMultipleField) else found

    def _adapt_regency_field(self, form: Any, obj: Any) -> None:
        """A regency officer's rows belong to their regency: only users above one choose it."""
        if "regency" not in form or not isinstance(form.regency, RegencyPickerField):
            return
        scope = current_scope()
        province_row = (
            scope is not None and scope.level == "province" and issubclass(self.model, ProvinceOrRegencyOwned)
        )
        if scope is None or scope.level == "regency" or province_row:  # province staff: the province's own row
            del form.regency
        elif obj is not None and form.regency.data is None and obj.regency_code:
            form.regency.data = db.session.get(Regency, obj.regency_code)

    def may(self, permission: str) -> bool:
        """Whether the user holds ``permission`` (any name, e.g. ``personal_data.view``)."""
        return bool(current_user.is_authenticated and current_user.can(permission))

    def _form_args_with_personal_checks(self) -> dict[str, Any]:
        args = {name: dict(spec) for name, spec in (self.form_args or {}).items()}
        for name, kind in self.personal_columns.items():
            if kind not in PERSONAL_DATA_CHECKS:
                continue
            input_filter, validator = PERSONAL_DATA_CHECKS[kind]
            spec = args.setdefault(name, {})
            spec["filters"] = [*spec.get("filters", ()), input_filter]
            spec["validators"] = [*spec.get("validators", ()), validator]
        return args

    def _hide_personal_data(self, form: Any, obj: Any) -> None:
        """Without ``personal_data.view`` an edit form never shows a stored value; empty keeps it."""
        if not self.personal_columns or self.may("personal_data.view"):
            return
        kept = {}
        for name in self.personal_columns:
            if name not in form:
                continue
            field, stored = form[name], getattr(obj, name, None)
            kept[name] = stored
            if not request.form.get(field.name):
                field.data, field.raw_data = None, []
            if stored is not None:
                field.description = _("Stored, hidden — leave empty to keep.")
        g.kim_kept_personal_data = kept

    def _on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        for name, stored in (g.pop("kim_kept_personal_data", None) or {}).items():
            if name in form and not form[name].data:
                setattr(model, name, stored)
        super()._on_model_change(form, model, is_created)
        if isinstance(model, _OFFICE_OWNED) and not any(_owner(model)):
            raise ValidationError(_("Choose the regency/city this record belongs to."))

    def create_model(self, form: Any) -> Any:
        model = super().create_model(form)
        if model and self.prefill_fields:
            # "Save and add another" keeps the parents: the next board member goes to the same board.
            identities = {name: sa.inspect(getattr(model, name, None), raiseerr=False) for name in self.prefill_fields}
            g.kim_prefill_next = {
                name: state.identity[0] for name, state in identities.items() if state is not None and state.identity
            }
        return model

    def update_model(self, form: Any, model: Any) -> Any:
        """Refused, with the differences shown, when the row changed since the form was opened."""
        if concurrency.refuse_if_stale(self, form, model):
            return False
        saved = super().update_model(form, model)
        if not saved:
            concurrency.after_failed_save(form, model)
        return saved

    def delete_model(self, model: Any) -> Any:
        """Trashable rows go to the trash with what is attached (kimadmin.trash), others are deleted."""
        if isinstance(model, Trashable):
            from ..trash.hooks import delete_to_trash

            return delete_to_trash(self, model)
        return super().delete_model(model)

    def get_url(self, endpoint: str, **kwargs: Any) -> str:
        if endpoint == ".create_view" and has_request_context() and "kim_prefill_next" in g:
            kwargs = {**g.kim_prefill_next, **kwargs}
        return super().get_url(endpoint, **kwargs)

    # --- personal data in lists, details and exports --------------------------------------------
    def _get_list_value(
        self, context: Any, model: Any, name: str, column_formatters: Any, column_type_formatters: Any
    ) -> Any:
        if name == self.REGENCY_COLUMN and name not in self.column_formatters:
            code = getattr(model, name, None)
            return regency_names().get(code, code or "")
        kind = self.personal_columns.get(name)
        if kind is not None:
            needed = "personal_data.export" if context is None else "personal_data.view"
            if not self.may(needed):
                value = self._get_field_value(model, name)
                return mask(kind, None if value is None else str(value))
        return super()._get_list_value(context, model, name, column_formatters, column_type_formatters)

    def get_sortable_columns(self) -> Any:
        # Sorting by a masked column would still reveal its order.
        return {key: value for key, value in super().get_sortable_columns().items() if key not in self.personal_columns}

    def permitted_export_columns(self) -> list[tuple[str, Any]]:
        """Export columns, without personal data unless the user holds ``personal_data.export``."""
        if self.may("personal_data.export"):
            return list(self._export_columns)
        return [(name, label) for name, label in self._export_columns if name not in self.personal_columns]

    # --- errors --------------------------------------------------------------------------------
    def handle_view_exception(self, exc: Exception) -> bool:
        """A failed save becomes a translated message on the form, never SQL or a trace.

        Except a lost database (``OperationalError``): re-showing the form would need the database
        too, so it goes on to the 503 page (kimadmin/errors.py), which rolls the session back;
        the save's files are removed by :func:`~kimadmin.uploads.files_follow_transaction`.
        """
        if isinstance(exc, OperationalError):
            raise exc
        if isinstance(exc, TenantViolation):
            flash(_("This record is outside your area and was not saved."), "error")
        elif isinstance(exc, IntegrityError):
            log.warning("integrity error in %s: %s", self.endpoint, exc.orig)
            flash(_("The record was not saved: it conflicts with other data (a duplicate, for example)."), "error")
        elif isinstance(exc, concurrency.StaleDataError):
            concurrency.note_stale_save()
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
        """CSV of every row the list shows (filters, search, sort, scope), streamed in chunks."""
        from ..exports import csv_response

        return csv_response(self)

    def _export_tablib(self, export_type: str, return_url: str) -> Response:
        """XLSX through openpyxl's write-only workbook (Flask-Admin's tablib path loads every row)."""
        if export_type != "xlsx":
            abort(404)
        from ..exports import xlsx_response

        return xlsx_response(self)


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
