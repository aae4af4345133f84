"""Which columns an export has, and where each value comes from.

The view's export columns come first, without personal data (phone, NIK, birth date) unless the
user holds ``personal_data.export`` (:meth:`ScopedModelView.permitted_export_columns`); then the
columns plugins add through ``kimadmin_export_columns(model)``, asked only of the plugins enabled
for the user's regency (:func:`kimadmin.plugin_manager.enabled_plugins`: for a province user, the
plugins enabled in some regency of the province; for a national user, every active plugin), those
marked ``personal`` under the same permission as the core's personal columns. A
plugin's value function that raises leaves its cell empty (logged once per export): one plugin's
bug cannot break a core export.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..hookspecs import ExportColumn

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportField:
    """One exported column: its (translated) header and the function giving a row's raw value."""

    name: str
    label: Any
    value: Callable[[Any], Any]


def plugin_export_columns(model: type) -> list[tuple[str, ExportColumn]]:
    """``(plugin, column)`` for each column that plugins enabled for the current user add to ``model``."""
    from ..plugin_manager import enabled_plugins, registry

    answers = registry().call("kimadmin_export_columns", enabled_plugins(), model=model)
    return [
        (plugin, column) for plugin, columns in answers for column in columns or () if isinstance(column, ExportColumn)
    ]


def _guarded(plugin: str, column: ExportColumn) -> Callable[[Any], Any]:
    failed = False

    def value(row: Any) -> Any:
        nonlocal failed
        try:
            return column.value(row)
        except Exception:
            if not failed:
                log.exception("plugin %s: export column %s failed; its cells are left empty", plugin, column.name)
                failed = True
            return None

    return value


def export_fields(view: Any) -> list[ExportField]:
    """The columns of an export of ``view`` for the current user, in order."""
    fields = [
        ExportField(str(name), label, lambda row, name=name: view.get_export_value(row, name))
        for name, label in view.permitted_export_columns()
    ]
    personal_allowed: bool | None = None
    for plugin, column in plugin_export_columns(view.model):
        if column.personal:
            if personal_allowed is None:
                personal_allowed = bool(view.may("personal_data.export"))
            if not personal_allowed:
                continue
        fields.append(ExportField(f"{plugin}:{column.name}", column.label, _guarded(plugin, column)))
    return fields
