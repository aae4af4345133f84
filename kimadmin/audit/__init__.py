"""Audit history: who created, changed or deleted which record, when, from where, and how.

* :mod:`.model` - the append-only ``audit_entry`` table;
* :mod:`.capture` - the flush listener that writes entries for every tenant row (core and
  plugins) in the transaction of the change, and :func:`record_event` for other events;
* :mod:`.views` - the change list, the login journal and each record's history page.

Logins and failures stay in the login journal (``auth_event``); the audit screens show it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from .capture import SYSTEM, init_session, record_event, register_personal_columns
from .model import ACTIONS, AuditEntry

__all__ = ["ACTIONS", "SYSTEM", "AuditEntry", "init_app", "record_event", "record_plugin_switch"]


def init_app(app: Flask, admin: Any) -> None:
    """Install the listener, add the audit screens, and offer ``audit_history_url`` to templates.

    Called after every admin screen (core and plugins) is registered: personal-data columns a
    screen declares are masked in the audit as well.
    """
    from ..admin.base import ScopedModelView
    from ..extensions import KimSession
    from ..models.auth_events import AuthEvent
    from .labels import type_choices
    from .views import AuditEntryView, AuthEventView, history_url

    init_session(KimSession)
    for view in list(admin._views):
        if isinstance(view, ScopedModelView) and view.personal_columns:
            register_personal_columns(view.model, dict(view.personal_columns))
    category = _l("Audit")
    types = type_choices(admin)
    admin.add_view(
        AuditEntryView(AuditEntry, types, name=_l("Change history"), endpoint="audit_entry", category=category)
    )
    admin.add_view(AuthEventView(AuthEvent, name=_l("Login journal"), endpoint="auth_event", category=category))
    app.add_template_global(history_url, "audit_history_url")


def record_plugin_switch(plugin: str, regency_code: str, enabled: bool) -> None:
    """An entry for a module switched on or off for a regency (called by the plugin service)."""
    from ..plugin_manager import registry
    from .model import PLUGIN_DISABLE, PLUGIN_ENABLE

    record = registry().records.get(plugin)
    title = str(record.manifest.title) if record is not None and record.manifest else plugin
    record_event(
        PLUGIN_ENABLE if enabled else PLUGIN_DISABLE,
        regency_code,
        title,
        {"plugin": plugin, "enabled": enabled},
        object_type="plugin",
        object_id=plugin,
    )
