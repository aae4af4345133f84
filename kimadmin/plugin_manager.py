"""Plugin discovery, registration inside per-plugin error boundaries, and per-regency gating.

Plugins come from the ``kimadmin.plugins`` entry-point group (pip-installed packages), from module
paths in ``KIMADMIN_EXTRA_PLUGINS`` and from the
in-tree ``plugins/`` folder. ``KIMADMIN_PLUGINS`` (comma list) restricts to an allow-list and
``KIMADMIN_DISABLED_PLUGINS`` blocks plugins everywhere (kill switch). They load in a fixed,
dependency-sorted order, each inside its own error boundary: one that fails to import, declares an
unknown hook, lacks a required plugin, targets another plugin-API version or fails to register is
marked *failed* with its reason and the app boots without it (``KIMADMIN_STRICT_PLUGINS=1`` makes
that fatal, for development and tests). A plugin registers all of its parts or none.

Gating happens in one chokepoint every request passes: the blueprint that serves a request is
looked up to its owning plugin, and a plugin not enabled for the user's regency answers 404.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import logging
import pkgutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
import sqlalchemy as sa
from flask import Flask, abort, current_app, g, has_request_context, request
from flask_admin import Admin
from flask_login import current_user

from . import hookspecs
from .extensions import db
from .hookspecs import PLUGIN_API_VERSION, PROJECT, Manifest

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "kimadmin.plugins"
IN_TREE_PACKAGE = "plugins"
CORE = "core"


class PluginError(RuntimeError):
    """A plugin could not be loaded (fatal only in strict mode)."""


@dataclass
class PluginRecord:
    """What the host knows about one plugin: found, active, blocked or failed (with why)."""

    name: str
    source: str
    module: ModuleType | None = None
    manifest: Manifest | None = None
    status: str = "found"  # active | failed | blocked
    reason: str | None = None
    blueprints: set[str] = field(default_factory=set)
    permissions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    folder: Path | None = None  # the package's folder, known without importing it

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def migrations_dir(self) -> Path | None:
        folder = self.folder
        if self.module is not None and self.module.__file__ is not None:
            folder = Path(self.module.__file__).parent
        path = folder / "migrations" / "versions" if folder is not None else None
        return path if path is not None and path.is_dir() else None


class PluginRegistry:
    """The plugins of one app: discovery, loading, hook calls and gating."""

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.records: dict[str, PluginRecord] = {}
        self._owner_of_blueprint: dict[str, str] = {}
        self._extra: set[str] = set()

    # --- discovery and loading -----------------------------------------------------------------
    def _candidates(self) -> Iterator[tuple[str, str, Any, str]]:
        """``(name, source, loader, module name)``; the loader imports and returns the module."""
        for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            dist = entry_point.dist.name if entry_point.dist else "?"
            yield entry_point.name, f"entry point ({dist})", entry_point.load, entry_point.module
        for entry in sorted(self._extra):
            # "module.path" (id = last part) or "id:module.path" (a plugin in a working folder).
            name, _, dotted = entry.rpartition(":") if ":" in entry else (entry.rsplit(".", 1)[-1], "", entry)
            yield name, f"module {dotted}", lambda dotted=dotted: importlib.import_module(dotted), dotted
        try:
            package = importlib.import_module(IN_TREE_PACKAGE)
        except ImportError:
            return
        for info in pkgutil.iter_modules(package.__path__):
            if info.ispkg and not info.name.startswith("_"):
                name = f"{IN_TREE_PACKAGE}.{info.name}"
                yield info.name, "in-tree", lambda name=name: importlib.import_module(name), name

    def load(self, app: Flask, admin: Admin) -> None:
        self._extra = _names(app.config.get("KIMADMIN_EXTRA_PLUGINS")) or set()
        allow = _names(app.config.get("KIMADMIN_PLUGINS"))
        blocked = _names(app.config.get("KIMADMIN_DISABLED_PLUGINS")) or set()
        strict = bool(app.config.get("KIMADMIN_STRICT_PLUGINS"))
        loaded: list[PluginRecord] = []
        for name, source, loader, module_name in self._candidates():
            if name in self.records:
                continue  # an installed package wins over a same-named in-tree folder
            record = self.records[name] = PluginRecord(name, source, folder=_folder_of(module_name))
            if (allow is not None and name not in allow) or name in blocked:
                record.status, record.reason = "blocked", "KIMADMIN_PLUGINS / KIMADMIN_DISABLED_PLUGINS"
                continue
            if name == CORE:
                self._fail(record, f"{CORE!r} is reserved for KIM Admin's own hook answers", strict)
                continue
            try:
                record.module = loader()
                record.manifest = _manifest_of(record.module, name)
            except Exception as exc:
                self._fail(record, f"import failed: {exc!r}", strict)
                continue
            loaded.append(record)
        for record in _dependency_order(loaded):
            try:
                self._register(record, app, admin)
            except Exception as exc:
                self._fail(record, str(exc), strict)

    def _register(self, record: PluginRecord, app: Flask, admin: Admin) -> None:
        manifest = record.manifest
        assert manifest is not None and record.module is not None
        if manifest.api_version != PLUGIN_API_VERSION:
            raise PluginError(f"written for plugin API {manifest.api_version}, this KIM Admin has {PLUGIN_API_VERSION}")
        missing = [req for req in manifest.requires if not (req in self.records and self.records[req].active)]
        if missing:
            raise PluginError(f"requires plugins that are not active: {', '.join(missing)}")
        self.pm.register(record.module, name=record.name)
        try:
            self.pm.check_pending()  # a hookimpl without a hookspec: a typo or another API version
            views = self.call_one(record.name, "kimadmin_admin_views", strict=True) or []
            blueprints = self.call_one(record.name, "kimadmin_blueprints", strict=True) or []
            permissions = self.call_one(record.name, "kimadmin_permissions", strict=True) or {}
            _check_prefixes(record.name, views, blueprints, permissions, app)
        except Exception:
            self.pm.unregister(name=record.name)
            raise
        # Everything validated: now register all parts. Owned first: should a part still fail
        # half-way, what got in answers 404 everywhere (a failed plugin is enabled nowhere).
        record.blueprints = {view.endpoint for view in views} | {blueprint.name for blueprint in blueprints}
        for name in record.blueprints:
            self._owner_of_blueprint[name] = record.name
        try:
            for view in views:
                _gate_view(view, record.name)
                admin.add_view(view)
            for blueprint in blueprints:
                app.register_blueprint(blueprint)
        except Exception:
            self.pm.unregister(name=record.name)
            raise
        record.permissions = dict(permissions)
        record.status = "active"
        log.info("plugin %s %s active (%s)", record.name, manifest.version, record.source)

    def _fail(self, record: PluginRecord, reason: str, strict: bool) -> None:
        record.status, record.reason = "failed", reason
        log.error("plugin %s failed: %s", record.name, reason)
        if strict:
            raise PluginError(f"plugin {record.name}: {reason}")

    # --- queries -------------------------------------------------------------------------------
    def active(self) -> list[PluginRecord]:
        return [record for record in self.records.values() if record.active]

    def owner_of(self, blueprint: str | None) -> str | None:
        """The plugin owning ``blueprint``; a nested one (``parent.child``) belongs to its parent's."""
        return self._owner_of_blueprint.get((blueprint or "").split(".", 1)[0])

    def permissions(self) -> dict[str, tuple[str, ...]]:
        merged: dict[str, tuple[str, ...]] = {}
        for record in self.active():
            merged.update(record.permissions)
        return merged

    def migration_dirs(self) -> list[Path]:
        """The Alembic branches of every installed plugin, whatever its status.

        A plugin that is blocked by the kill switch or fails to load still has its revisions in
        the database's ``alembic_version``; leaving its folder out would make every ``flask db``
        command stop at "Can't locate revision". Its tables are kept (as when it is switched off
        for a regency) and upgraded with the rest, so the schema does not depend on the switches.
        """
        return [path for record in self.records.values() if (path := record.migrations_dir) is not None]

    def table_prefixes(self) -> tuple[str, ...]:
        return tuple(f"{record.name}_" for record in self.records.values())

    # --- calling hooks -------------------------------------------------------------------------
    def call_one(self, plugin: str, hook: str, strict: bool = False, **kwargs: Any) -> Any:
        for impl in getattr(self.pm.hook, hook).get_hookimpls():
            if impl.plugin_name == plugin:
                if strict:
                    return impl.function(**kwargs)
                try:
                    return impl.function(**kwargs)
                except Exception:
                    log.exception("plugin %s: hook %s failed; skipped", plugin, hook)
                    return None
        return None

    def call(self, hook: str, plugins: Iterable[str], **kwargs: Any) -> list[tuple[str, Any]]:
        """Call ``hook`` of the core (always, first) and of each of ``plugins`` (in load order)
        separately; a failing plugin is skipped."""
        wanted = set(plugins)
        names = [CORE, *(record.name for record in self.active() if record.name in wanted)]
        results = []
        for name in names:
            result = self.call_one(name, hook, **kwargs)
            if result is not None:
                results.append((name, result))
        return results


def _gate_view(view: Any, plugin: str) -> None:
    """Hide a plugin's screen from menus (and refuse it) where the plugin is off, whatever base
    class the plugin used; the request chokepoint answers 404 before a view runs anyway."""
    visible, accessible = view.is_visible, view.is_accessible
    view.is_visible = lambda: is_enabled(plugin) and visible()
    view.is_accessible = lambda: is_enabled(plugin) and accessible()


def _folder_of(module_name: str) -> Path | None:
    """Where a plugin package lives, found without running it (it may be the one that fails)."""
    try:
        spec = importlib.util.find_spec(module_name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or spec.origin in ("built-in", "frozen"):
        return None
    return Path(spec.origin).parent


def _names(value: str | None) -> set[str] | None:
    if value is None or not str(value).strip():
        return None
    return {part.strip() for part in str(value).split(",") if part.strip()}


def _manifest_of(module: ModuleType, name: str) -> Manifest:
    manifest = getattr(module, "manifest", None)
    if not isinstance(manifest, Manifest):
        raise PluginError("the module has no `manifest = kimadmin.plugin_api.Manifest(...)`")
    if manifest.name != name:
        raise PluginError(f"manifest name {manifest.name!r} differs from the plugin id {name!r}")
    return manifest


def _dependency_order(records: list[PluginRecord]) -> list[PluginRecord]:
    """Requirements first, otherwise alphabetical: the same order whatever the install order."""
    by_name = {record.name: record for record in records}
    ordered: list[PluginRecord] = []
    visiting: set[str] = set()

    def visit(record: PluginRecord) -> None:
        if record in ordered or record.name in visiting:
            return  # a cycle: _register then reports the unmet requirement
        visiting.add(record.name)
        for requirement in sorted(record.manifest.requires if record.manifest else ()):
            if requirement in by_name:
                visit(by_name[requirement])
        visiting.discard(record.name)
        ordered.append(record)

    for name in sorted(by_name):
        visit(by_name[name])
    return ordered


def _check_prefixes(name: str, views: list, blueprints: list, permissions: dict, app: Flask) -> None:
    names = [str(view.endpoint) for view in views] + [blueprint.name for blueprint in blueprints]
    twice = sorted({part for part in names if names.count(part) > 1})
    if twice:
        raise PluginError(f"endpoint or blueprint names used twice: {', '.join(twice)}")
    for view in views:
        if not str(view.endpoint).startswith(name):
            raise PluginError(f"admin view endpoint {view.endpoint!r} must start with {name!r}")
        if view.endpoint in app.blueprints:
            raise PluginError(f"admin view endpoint {view.endpoint!r} is already taken")
    for blueprint in blueprints:
        if not blueprint.name.startswith(name):
            raise PluginError(f"blueprint {blueprint.name!r} must start with {name!r}")
        if blueprint.name in app.blueprints:
            raise PluginError(f"blueprint {blueprint.name!r} is already taken")
    for permission in permissions:
        if not permission.startswith(f"{name}."):
            raise PluginError(f"permission {permission!r} must start with {name + '.'!r}")


def autogenerate_includes(plugins: PluginRegistry, name: str, type_: str, plugin: str | None = None) -> bool:
    """Whether Alembic's autogenerate may consider the table ``name`` (``migrations/env.py``).

    Each plugin's tables carry its id as prefix and live in its own Alembic branch, so the core's
    autogenerate never proposes to create or drop them (whether the plugin is active, blocked or
    failed), and a plugin's revision (``plugin``) holds only its own tables.
    """
    if type_ != "table":
        return True
    if plugin:
        return name.startswith(f"{plugin}_")
    prefixes = plugins.table_prefixes()
    return not name.startswith(prefixes) if prefixes else True


# --- per-regency enablement ------------------------------------------------------------------------
def registry() -> PluginRegistry:
    return current_app.extensions["kimadmin_plugins"]


def enabled_plugins() -> frozenset[str]:
    """Plugins on for the current user: in their regency, in any regency of their province, or all
    for national users. Cached for the request; outside a request: every active plugin."""
    active = frozenset(record.name for record in registry().active())
    if not has_request_context():
        return active
    cached = g.get("_enabled_plugins")
    if cached is not None:
        return cached
    from .tenancy import current_scope

    scope = current_scope()
    if scope is None or scope.is_nation:
        enabled = active
    elif scope.level == "nobody" or not current_user.is_authenticated:
        enabled = frozenset()
    elif scope.level == "regency" and "plugin_activations" in current_user.__dict__:
        enabled = active & {row.plugin for row in current_user.plugin_activations if row.enabled}
    else:
        from .models.plugins import PluginActivation

        rows = db.session.scalars(sa.select(PluginActivation.plugin).where(PluginActivation.enabled.is_(True)))
        enabled = active & set(rows)
    g._enabled_plugins = frozenset(enabled)
    return g._enabled_plugins


def is_enabled(plugin: str) -> bool:
    return plugin in enabled_plugins()


def plugin_menu_items() -> list[Any]:
    """Extra menu links (``kimadmin_menu_items``) of the plugins enabled for the current user."""
    if not (has_request_context() and current_user.is_authenticated):
        return []
    answers = registry().call(
        "kimadmin_menu_items", enabled_plugins(), regency=current_user.regency_code, user=current_user
    )
    return [item for _plugin, items in answers for item in items or ()]


def init_app(app: Flask, admin: Admin) -> PluginRegistry:
    plugins = PluginRegistry()
    app.extensions["kimadmin_plugins"] = plugins
    from .admin.home import CoreWidgets

    # The core answers some hooks itself (its dashboard cards), under the name "core".
    plugins.pm.register(CoreWidgets(), name=CORE)
    plugins.load(app, admin)

    app.jinja_env.globals["plugin_menu_items"] = plugin_menu_items

    @app.before_request
    def _gate_plugins() -> None:
        owner = plugins.owner_of(request.blueprint)
        if owner is not None and not is_enabled(owner):
            abort(404)

    return plugins
