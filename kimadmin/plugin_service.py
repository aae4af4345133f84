"""Switching a plugin on or off for a regency: one function used by the screen and the CLI."""

from __future__ import annotations

import sqlalchemy as sa
from flask import has_request_context
from flask_login import current_user

from . import audit
from .extensions import db
from .models.mixins import utcnow
from .models.plugins import PluginActivation
from .plugin_manager import PluginError, registry


def set_enabled(plugin: str, regency_code: str, enabled: bool) -> bool:
    """Switch ``plugin`` for a regency (no DDL; data is kept when off). Returns whether it changed.

    The caller commits. The plugin's ``kimadmin_on_enable``/``kimadmin_on_disable`` runs in the
    same transaction, so a failing callback leaves the switch as it was.
    """
    record = registry().records.get(plugin)
    if record is None or not record.active:
        raise PluginError(f"plugin {plugin!r} is not installed or failed to load")
    row = db.session.scalar(
        sa.select(PluginActivation).where(
            PluginActivation.regency_code == regency_code, PluginActivation.plugin == plugin
        )
    )
    if row is not None and row.enabled == enabled:
        return False
    if row is None:
        row = PluginActivation(plugin=plugin, regency_code=regency_code)
        db.session.add(row)
    row.enabled = enabled
    row.changed_at = utcnow()
    row.changed_by_id = current_user.id if has_request_context() and current_user.is_authenticated else None
    db.session.flush()
    hook = "kimadmin_on_enable" if enabled else "kimadmin_on_disable"
    registry().call_one(plugin, hook, strict=True, regency=regency_code)
    audit.record_plugin_switch(plugin, regency_code, enabled)  # committed with the switch
    return True


def regencies_enabled() -> dict[str, int]:
    """Per plugin, in how many regencies (of the user's scope) it is on."""
    rows = db.session.execute(
        sa.select(PluginActivation.plugin, sa.func.count())
        .where(PluginActivation.enabled.is_(True))
        .group_by(PluginActivation.plugin)
    )
    return dict(rows.all())
