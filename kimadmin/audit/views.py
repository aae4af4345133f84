"""The audit screens: the change list, the login journal, and each record's history.

All are read-only for everyone: no create, edit, delete or bulk action exists, whatever the
permissions say (:meth:`AuditView.allowed`). Entries are scoped like every tenant row, so a regency
admin sees their regency's entries and province staff their province's. Exports go through the
base view's CSV export, which neutralises spreadsheet formulas.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from flask import abort, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual, FilterLike
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from ..admin.base import ScopedModelView, coerce_pk
from ..extensions import db
from ..models.auth_events import AuthEvent
from . import labels
from .capture import policy_for
from .model import CREATE, AuditEntry

PERMISSION = "audit.view"
HISTORY_LIMIT = 200  # entries on a record's history page; the full list has them all


def may_view_audit() -> bool:
    return bool(current_user.is_authenticated and current_user.can(PERMISSION))


def history_url(obj: Any) -> str | None:
    """The history page of ``obj`` for this user, or ``None`` (no permission, not audited)."""
    if obj is None or not may_view_audit():
        return None
    policy = policy_for(type(obj))
    identity = sa.inspect(obj).identity if policy is not None else None
    if not identity:
        return None
    object_id = ",".join(str(part) for part in identity)
    return url_for("audit_entry.history_view", object_type=policy.object_type, object_id=object_id)


def hidden_plugin_prefixes() -> tuple[str, ...]:
    """Table prefixes of the plugins not enabled for the user (``workshop_attendance_``...).

    A module switched off for a regency keeps its data, and its screens answer 404 there; the
    entries recording its rows (names, masked phones, scores) must not stay readable through the
    core's change list either. Switching it on again shows them again.
    """
    from ..plugin_manager import enabled_plugins, registry

    enabled = enabled_plugins()
    return tuple(prefix for prefix in registry().table_prefixes() if prefix.removesuffix("_") not in enabled)


def visible_type(object_type: str, hidden: tuple[str, ...]) -> bool:
    return not any(object_type.startswith(prefix) for prefix in hidden)


def _without_hidden_plugins(query: Any) -> Any:
    hidden = hidden_plugin_prefixes()
    if not hidden:
        return query
    return query.filter(
        sa.not_(sa.or_(*(AuditEntry.object_type.startswith(prefix, autoescape=True) for prefix in hidden)))
    )


def field_label(names: dict[str, str], key: str) -> str:
    """A field's label on its screen; ``village_code`` reads as the screen's ``village``."""
    for candidate in (key, key.removesuffix("_id"), key.removesuffix("_code")):
        if candidate in names:
            return names[candidate]
    return key


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    return str(value)


def _choice(choices: dict[str, dict[Any, str]], key: str, value: Any) -> Any:
    if isinstance(value, str | int) and key in choices:
        return choices[key].get(value, value)
    return value


def changes_table(entry: AuditEntry) -> Markup:
    """The entry's fields as a small before/after table (autoescaped), codes shown by their label."""
    names = labels.field_labels(entry.object_type)
    choices = labels.value_labels(entry.object_type)
    rows = Markup("").join(
        Markup("<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>").format(
            field_label(names, key),
            _show(_choice(choices, key, pair[0])),
            _show(_choice(choices, key, pair[1])),
        )
        for key, pair in (entry.changes or {}).items()
    )
    if not rows:
        return Markup("")
    head = Markup("<thead><tr><th scope='col'>{}</th><th scope='col'>{}</th><th scope='col'>{}</th></tr></thead>")
    return Markup("<table class='table table-sm table-bordered audit-changes mb-0'>{}<tbody>{}</tbody></table>").format(
        head.format(_l("Field"), _l("Before"), _l("After")), rows
    )


class AuditView(ScopedModelView):
    """Read-only base: ``audit.view`` opens the list, details and export; nothing else exists."""

    permission = "audit"
    can_view_details = True
    action_disallowed_list = ("delete",)

    def allowed(self, action: str) -> bool:
        return action in ("view", "export") and may_view_audit()


def _format_action(view: Any, context: Any, entry: AuditEntry, name: str) -> str:
    return labels.action_label(entry.action)


def _format_type(view: Any, context: Any, entry: AuditEntry, name: str) -> str:
    return labels.type_label(entry.object_type)


def _format_label(view: Any, context: Any, entry: AuditEntry, name: str) -> Any:
    if entry.object_id is None or entry.object_type in labels.EVENT_TYPES:
        return entry.object_label
    url = url_for(".history_view", object_type=entry.object_type, object_id=entry.object_id)
    return Markup('<a href="{}">{}</a>').format(url, entry.object_label)


def _format_changes(view: Any, context: Any, entry: AuditEntry, name: str) -> Any:
    return changes_table(entry)


def _format_changed_fields(view: Any, context: Any, entry: AuditEntry, name: str) -> str:
    names = labels.field_labels(entry.object_type)
    return ", ".join(field_label(names, key) for key in entry.changes or {})


class AuditEntryView(AuditView):
    """Every change in the user's area, newest first, filtered by type, action, user and date."""

    list_loader_options = (joinedload(AuditEntry.regency),)
    endpoint_actions = {"history_view": "view"}

    column_list = ("occurred_at", "user_label", "action", "object_type", "object_label", "changes", "regency.name")
    column_details_list = (
        "occurred_at",
        "user_label",
        "ip",
        "request_id",
        "regency.name",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "changes",
    )
    column_export_list = (
        "occurred_at",
        "user_label",
        "ip",
        "request_id",
        "regency_code",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "changes",
    )
    column_sortable_list = ("occurred_at", "user_label", "action", "object_type")
    column_default_sort = [("occurred_at", True), ("id", True)]
    column_searchable_list = ("object_label",)
    column_labels = {
        "occurred_at": _l("Time"),
        "user_label": _l("User"),
        "ip": _l("IP address"),
        "request_id": _l("Request id"),
        "regency.name": _l("Regency/City"),
        "regency_code": _l("Regency/City"),
        "action": _l("Action"),
        "object_type": _l("Record type"),
        "object_id": _l("Record id"),
        "object_label": _l("Record"),
        "changes": _l("Changes"),
    }
    column_formatters = {
        "action": _format_action,
        "object_type": _format_type,
        "object_label": _format_label,
        "changes": _format_changed_fields,
    }
    column_formatters_detail = {
        "action": _format_action,
        "object_type": _format_type,
        "object_label": _format_label,
        "changes": _format_changes,
    }
    column_formatters_export = {
        "action": lambda view, context, entry, name: entry.action,
        "object_type": lambda view, context, entry, name: entry.object_type,
        "object_label": lambda view, context, entry, name: entry.object_label,
        "changes": lambda view, context, entry, name: json.dumps(entry.changes, ensure_ascii=False),
    }

    def __init__(self, model: type, type_options: list[tuple[str, Any]], **kwargs: Any) -> None:
        # The record types are those of the screens registered before this one (core and plugins).
        self.column_filters = (
            FilterEqual(AuditEntry.object_type, _l("Record type"), options=type_options),
            FilterEqual(AuditEntry.action, _l("Action"), options=list(labels.ACTION_LABELS.items())),
            FilterLike(AuditEntry.user_label, _l("User")),
            "occurred_at",
        )
        super().__init__(model, **kwargs)

    def get_query(self) -> Any:
        """Entries in the user's area, without those of plugins off for the user."""
        return _without_hidden_plugins(super().get_query())

    def get_count_query(self) -> Any:
        return _without_hidden_plugins(super().get_count_query())

    def _get_filter_groups(self) -> Any:
        """The record-type filter offers no type of a plugin that is off for the user."""
        groups = super()._get_filter_groups()
        hidden = hidden_plugin_prefixes()
        if not groups or not hidden:
            return groups
        for items in groups.values():
            for item in items:
                column = getattr(self._filters[item["index"]], "column", None)
                if column is AuditEntry.object_type and item.get("options"):
                    options = item["options"]
                    item["options"] = [(value, label) for value, label in options if visible_type(value, hidden)]
        return groups

    @expose("/history/<object_type>/<object_id>/")
    def history_view(self, object_type: str, object_id: str) -> Any:
        """One record's entries, newest first; 404 when the user may see neither it nor them.

        The record loads through the scoped session and the entries through the scoped query, so a
        user of another regency learns nothing, not even that the record exists. A deleted record
        keeps its history (its entries are still in the user's regency).
        """
        if not visible_type(object_type, hidden_plugin_prefixes()):
            abort(404)
        model = _model_of(object_type)
        record = self._load_record(model, object_id) if model is not None else None
        entries = (
            self.get_query()
            .filter(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
            .order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
            .limit(HISTORY_LIMIT + 1)
            .all()
        )
        policy = policy_for(model) if model is not None else None
        entries = _since_last_creation(entries, policy.action_name(CREATE) if policy else CREATE)
        if record is None and not entries:
            abort(404)
        view = labels.view_for_type(object_type)
        record_url = None
        if record is not None and view is not None and view.is_accessible():
            record_url = url_for(f"{view.endpoint}.details_view", id=object_id)
        title = str(record) if record is not None else (entries[0].object_label if entries else object_id)
        return self.render(
            "admin/audit/history.html",
            record_title=title,
            record_url=record_url,
            type_label=labels.type_label(object_type),
            entries=entries[:HISTORY_LIMIT],
            more=len(entries) > HISTORY_LIMIT,
            list_url=self.get_url(".index_view", flt0_0=object_type, search=title),
            action_label=labels.action_label,
            changes_table=changes_table,
        )

    def _load_record(self, model: type, object_id: str) -> Any:
        """The record through the scoped session (``None``: deleted, trashed or not the user's)."""
        pk = sa.inspect(model).primary_key
        parts = object_id.split(",")
        if len(parts) != len(pk):
            return None
        values = [coerce_pk(column, part) for column, part in zip(pk, parts, strict=True)]
        if any(value is None for value in values):
            return None
        criteria = [column == value for column, value in zip(pk, values, strict=True)]
        return db.session.scalar(sa.select(model).where(*criteria))


def _model_of(object_type: str) -> type | None:
    """The audited model whose table is ``object_type`` (core or plugin)."""
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table
        if getattr(table, "name", None) == object_type and policy_for(mapper.class_) is not None:
            return mapper.class_
    return None


def _since_last_creation(entries: list[AuditEntry], created: str) -> list[AuditEntry]:
    """Newest first, up to the record's creation: SQLite may give a deleted record's id to a new one."""
    for index, entry in enumerate(entries):
        if entry.action == created:
            return entries[: index + 1]
    return entries


def _format_outcome(view: Any, context: Any, event: AuthEvent, name: str) -> str:
    return labels.outcome_label(event.outcome)


class AuthEventView(AuditView):
    """The login journal (jurnal masuk): logins, failures and account-security actions."""

    column_list = ("occurred_at", "outcome", "email_masked", "ip", "user_agent")
    column_details_list = ("occurred_at", "outcome", "email_masked", "ip", "user_agent", "user_id", "actor_id")
    column_export_list = ("occurred_at", "outcome", "email_masked", "ip", "user_agent")
    column_sortable_list = ("occurred_at", "outcome")
    column_default_sort = [("occurred_at", True), ("id", True)]
    column_filters = (
        FilterEqual(AuthEvent.outcome, _l("Outcome"), options=list(labels.OUTCOME_LABELS.items())),
        FilterLike(AuthEvent.email_masked, _l("Email (masked)")),
        "occurred_at",
    )
    column_labels = {
        "occurred_at": _l("Time"),
        "outcome": _l("Outcome"),
        "email_masked": _l("Email (masked)"),
        "ip": _l("IP address"),
        "user_agent": _l("Browser"),
        "user_id": _l("User id"),
        "actor_id": _l("By admin (id)"),
    }
    column_formatters = {"outcome": _format_outcome}
    column_formatters_detail = {"outcome": _format_outcome}
    column_formatters_export = {"outcome": lambda view, context, event, name: event.outcome}
