"""The plugin contract: every hook a KIM Admin plugin may implement, in one place.

A plugin is a Python package whose module has a ``manifest`` (:class:`kimadmin.plugin_api.Manifest`)
and functions marked ``@hookimpl`` named after the hooks below. One id names the plugin everywhere:
``film_festival`` is its package, Alembic branch label, permission prefix
(``film_festival.submission.edit``), table prefix (``film_festival_edition``), admin endpoint
prefix and URL prefix.

The host calls each plugin's implementation separately, skips (and logs) one that raises, and
only calls plugins enabled for the user's regency where a hook takes ``regency``: one plugin's
bug cannot blank a page, and no hook decides security by "first answer wins".

Installed vs enabled: *installed* means the code is present and its tables are migrated (a deploy,
with a restart); *enabled* is a per-regency switch checked on every request. Enabling never runs
DDL, and disabling keeps the data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click
    from flask import Blueprint
    from flask_admin import BaseView

PROJECT = "kimadmin"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

#: Bumped when a hook's signature or meaning changes; a plugin declares the version it targets.
PLUGIN_API_VERSION = 1


# --- what plugins declare and return ----------------------------------------------------------------
@dataclass(frozen=True)
class Manifest:
    """Who a plugin is. ``name`` is its id, reused as package, branch label and prefix everywhere."""

    name: str
    version: str
    title: Any
    description: Any = ""
    requires: tuple[str, ...] = ()
    api_version: int = PLUGIN_API_VERSION


@dataclass(frozen=True)
class MenuItem:
    label: Any
    url: str
    category: Any | None = None


@dataclass(frozen=True)
class DashboardWidget:
    """A dashboard card: a template rendered with ``context``, placed by ``order`` (smaller first).

    The core's own sections are cards of the same hook: key figures 10, needs attention 20,
    regional breakdown 30, charts 40; a plugin's default 100 puts it after them. A card with an
    empty ``title`` is drawn as its template renders it (no frame, no heading added).
    """

    title: Any
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100
    width: int = 6  # Bootstrap grid columns out of 12


@dataclass(frozen=True)
class ExportColumn:
    """A column a plugin adds to a core export (see ``kimadmin_export_columns``).

    ``personal`` marks a column holding personal data (UU 27/2022) by its kind, ``PHONE``, ``NIK``
    or ``BIRTH_DATE`` from :mod:`kimadmin.plugin_api` (any other non-empty kind counts as personal
    too). Such a column is left out of the file unless the user holds ``personal_data.export``,
    exactly like the core's own phone, NIK and birth-date columns.
    """

    name: str
    label: Any
    value: Callable[[Any], Any]
    personal: str | None = None


# --- the hooks ----------------------------------------------------------------------------------------


@hookspec
def kimadmin_admin_views() -> list[BaseView]:
    """Admin screens of the plugin (usually :class:`kimadmin.plugin_api.PluginModelView` subclasses).

    Each view's ``endpoint`` must start with the plugin id (``film_festival_edition``). The host adds
    them to the admin after the core's, gates them per regency and hides their menu entries where
    the plugin is off.
    """


@hookspec
def kimadmin_blueprints() -> list[Blueprint]:
    """Flask blueprints (public pages, APIs) of the plugin; names must start with the plugin id.

    Every route in them answers 404 to users of a regency where the plugin is disabled.
    """


@hookspec
def kimadmin_permissions() -> dict[str, tuple[str, ...]]:
    """Permissions the plugin needs, ``"<plugin>.<model>.<action>"`` -> roles that get it by default.

    Registered idempotently at start-up: a new permission gets its default grants once; grants an
    administrator changed later are never reset.
    """


@hookspec
def kimadmin_menu_items(regency: str | None, user: Any) -> list[MenuItem]:
    """Extra menu links (beyond the admin views' own entries) for this user in this regency."""


@hookspec
def kimadmin_dashboard_widgets(regency: str | None, user: Any) -> list[DashboardWidget]:
    """Cards for the dashboard of this user's scope; the core's own cards come through this hook too."""


@hookspec
def kimadmin_export_columns(model: type) -> list[ExportColumn]:
    """Extra columns the plugin adds to exports of a core model (e.g. a KIM's festival placings).

    Give a column holding personal data its kind, ``ExportColumn(..., personal=PHONE)``: it is
    then left out for users without ``personal_data.export``. Unmarked columns go to everyone
    who may export the list.
    """


@hookspec
def kimadmin_on_enable(regency: str) -> None:
    """Called after the plugin is switched on for a regency (seed settings; never DDL)."""


@hookspec
def kimadmin_on_disable(regency: str) -> None:
    """Called after the plugin is switched off for a regency. Keep the data: enabling again shows it."""


@hookspec
def kimadmin_cli(group: click.Group) -> None:
    """Add commands to ``flask kim`` (e.g. ``flask kim film-festival close-window``)."""
