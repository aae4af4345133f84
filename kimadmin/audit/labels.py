"""Readable names for what the audit stores as codes: actions, record types, fields, outcomes.

Record types and field names are taken from the admin screens themselves (a screen's menu name and
its ``column_labels``), so a plugin's records read as well as the core's without a list here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..auth import events
from . import model as m
from .capture import policy_for

ACTION_LABELS: dict[str, Any] = {
    m.CREATE: _l("Created"),
    m.UPDATE: _l("Changed"),
    m.DELETE: _l("Deleted"),
    m.TRASH: _l("Moved to trash"),
    m.RESTORE: _l("Restored"),
    m.ROLE_CHANGE: _l("Role or access changed"),
    m.PLUGIN_ENABLE: _l("Module switched on"),
    m.PLUGIN_DISABLE: _l("Module switched off"),
    m.IMPORT: _l("Imported"),
}

# Object types of entries that are not rows of an admin screen.
EVENT_TYPES: dict[str, Any] = {"plugin": _l("Module"), "event": _l("Event"), "import": _l("Import")}

OUTCOME_LABELS: dict[str, Any] = {
    events.LOGIN_OK: _l("Logged in"),
    events.PASSWORD_OK: _l("Password correct, second factor pending"),
    events.WRONG_PASSWORD: _l("Wrong password"),
    events.UNKNOWN_EMAIL: _l("Unknown email"),
    events.INACTIVE: _l("Inactive account"),
    events.LOCKED: _l("Attempt while paused"),
    events.LOCKED_OUT: _l("Login paused after failures"),
    events.SECOND_FACTOR_FAILED: _l("Wrong second-factor code"),
    events.RECOVERY_CODE_USED: _l("Recovery code used"),
    events.REAUTH_OK: _l("Password confirmed"),
    events.REAUTH_FAILED: _l("Password confirmation failed"),
    events.LOGOUT: _l("Logged out"),
    events.LOGOUT_EVERYWHERE: _l("Logged out everywhere"),
    events.SESSION_EXPIRED: _l("Session expired"),
    events.PASSWORD_CHANGED: _l("Password changed"),
    events.PASSWORD_SET_BY_ADMIN: _l("Password set by an admin"),
    events.RESET_LINK_ISSUED: _l("Password reset link made"),
    events.RESET_LINK_USED: _l("Password reset link used"),
    events.UNLOCKED: _l("Login pause lifted"),
    events.TOTP_ENABLED: _l("Two-factor login switched on"),
    events.TOTP_DISABLED: _l("Two-factor login switched off"),
    events.TOTP_RESET_BY_ADMIN: _l("Two-factor login reset by an admin"),
    events.RECOVERY_CODES_RENEWED: _l("Recovery codes renewed"),
    events.THROTTLED: _l("Refused: too many attempts"),
}


def model_views(admins: Iterable[Any] | None = None) -> Iterator[Any]:
    """Every registered admin screen that shows an audited model (core and plugins)."""
    for admin in current_app.extensions.get("admin", ()) if admins is None else admins:
        for view in admin._views:
            model = getattr(view, "model", None)
            if model is not None and policy_for(model) is not None:
                yield view


def view_for_type(object_type: str) -> Any:
    """The first screen of the records of ``object_type`` (``None`` if no screen shows them)."""
    return next((view for view in model_views() if policy_for(view.model).object_type == object_type), None)


def type_label(object_type: str) -> str:
    if object_type in EVENT_TYPES:
        return str(EVENT_TYPES[object_type])
    view = view_for_type(object_type)
    return str(view.name) if view is not None else object_type


def type_choices(admin: Any) -> list[tuple[str, Any]]:
    """``(object_type, label)`` for the filter: every audited screen of ``admin``, and events.

    Built once when the screens are registered; the labels stay lazy (translated when shown).
    """
    seen: dict[str, Any] = {}
    for view in model_views([admin]):
        seen.setdefault(policy_for(view.model).object_type, view.name)
    seen.update(EVENT_TYPES)
    return sorted(seen.items())


# Columns many tables share, for screens that do not label them.
COMMON_FIELDS: dict[str, Any] = {
    "regency_code": _l("Regency/City"),
    "deleted_at": _l("Moved to trash at"),
    "deleted_by": _l("Moved to trash by (user id)"),
    "trash_batch_id": _l("Trash batch"),
}


def field_labels(object_type: str) -> dict[str, str]:
    """Field name -> the label its screen uses (names without one are shown as they are)."""
    view = view_for_type(object_type)
    labels = {**COMMON_FIELDS, **(getattr(view, "column_labels", None) or {})}
    return {str(key): str(value) for key, value in labels.items()}


def value_labels(object_type: str) -> dict[str, dict[Any, str]]:
    """Field name -> {stored code: label}, from the screen's ``column_choices`` (status and such)."""
    view = view_for_type(object_type)
    choices = getattr(view, "column_choices", None) or {}
    return {str(key): {value: str(label) for value, label in pairs} for key, pairs in choices.items()}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def outcome_label(outcome: str) -> str:
    return str(OUTCOME_LABELS.get(outcome, outcome))
