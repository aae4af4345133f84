"""Roles and permissions: ``model.action`` strings granted to roles stored in the database.

Code declares which permissions exist and which roles get each one *by default*; the database
holds the actual grants, which an administrator may change. :func:`sync` only ever adds (a new
permission with its default grants, a missing role), so a restart or an upgrade never drops a
grant somebody gave by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

ACTIONS = ("view", "create", "edit", "delete", "export")


@dataclass(frozen=True)
class RoleSpec:
    name: str
    label: object
    rank: int  # a user may grant roles of at most their own rank
    scope_level: str  # nation, province or regency


ROLES: tuple[RoleSpec, ...] = (
    RoleSpec("superadmin", _l("Superadmin"), 100, "nation"),
    RoleSpec("provinsi", _l("Province staff"), 80, "province"),
    RoleSpec("admin_kabupaten", _l("Regency/City admin"), 60, "regency"),
    RoleSpec("operator", _l("Operator"), 40, "regency"),
    RoleSpec("viewer", _l("Viewer"), 20, "regency"),
)
ROLE_BY_NAME = {role.name: role for role in ROLES}

# Which built-in roles hold an action by default, for tenant data.
_DATA_DEFAULTS: dict[str, tuple[str, ...]] = {
    "view": ("superadmin", "provinsi", "admin_kabupaten", "operator", "viewer"),
    "export": ("superadmin", "provinsi", "admin_kabupaten", "operator"),
    "create": ("superadmin", "admin_kabupaten", "operator"),
    "edit": ("superadmin", "admin_kabupaten", "operator"),
    "delete": ("superadmin", "admin_kabupaten"),
}


# Tenant data models with the usual view/create/edit/delete/export permissions.
CORE_DATA_MODELS = (
    "kim",
    "decree",
    "board",
    "media_channel",
    "content",
    "activity",
    "monev",
    "award",
    "fkmetra",
)


def data_permissions(model: str, actions: tuple[str, ...] = ACTIONS) -> dict[str, tuple[str, ...]]:
    """The usual ``model.action`` permissions of a data model with their default roles."""
    return {f"{model}.{action}": _DATA_DEFAULTS[action] for action in actions}


def core_permissions() -> dict[str, tuple[str, ...]]:
    """Permissions the core registers (plugins add theirs through the plugin contract)."""
    perms: dict[str, tuple[str, ...]] = {}
    for model in CORE_DATA_MODELS:
        perms.update(data_permissions(model))
    perms.update(data_permissions("region", ("view",)))
    admins = ("superadmin", "admin_kabupaten")
    perms.update({f"user.{action}": admins for action in ("view", "create", "edit", "delete", "export")})
    # Lists a regency tailors (KIM levels, Monev indicators): everyone reads, admins change.
    for model in ("kim_level", "monev_indicator"):
        perms.update(data_permissions(model, ("view",)))
        perms.update({f"{model}.{action}": admins for action in ("create", "edit", "delete")})
    # Personal data of board members and contacts (UU 27/2022): unmasked only with these.
    perms["plugin.manage"] = admins  # switch optional modules for the own regency
    perms["personal_data.view"] = admins
    perms["personal_data.export"] = ("superadmin",)
    # Spreadsheet import (kimadmin.imports): run it (plus the kind's own create/edit), see the history.
    perms["import.run"] = ("superadmin", "admin_kabupaten", "operator")
    perms["import.view"] = ("superadmin", "provinsi", "admin_kabupaten", "operator")
    perms["report.export"] = ("superadmin", "provinsi", "admin_kabupaten", "operator")  # year-end report
    perms["audit.view"] = ("superadmin", "provinsi", "admin_kabupaten")  # change history, login journal
    # The trash (kimadmin.trash): admins see and restore their area's deletions; purging is national.
    perms.update({"trash.view": admins, "trash.restore": admins, "trash.purge": ("superadmin",)})
    return perms


def all_permissions() -> dict[str, tuple[str, ...]]:
    """The core's permissions and those of every active plugin of the current app."""
    from flask import current_app, has_app_context

    merged = core_permissions()
    plugins = current_app.extensions.get("kimadmin_plugins") if has_app_context() else None
    if plugins is not None:
        merged.update(plugins.permissions())
    return merged


def sync(session: Session, permissions: dict[str, tuple[str, ...]] | None = None) -> int:
    """Insert missing roles and permissions; grant *new* permissions to their default roles.

    Returns the number of permissions created. Never deletes or revokes anything.
    """
    from ..models.users import Permission, Role, role_permission

    permissions = all_permissions() if permissions is None else permissions
    existing_roles = set(session.scalars(sa.select(Role.name)))
    for spec in ROLES:
        if spec.name not in existing_roles:
            session.add(Role(name=spec.name, rank=spec.rank, scope_level=spec.scope_level))
    session.flush()

    existing = set(session.scalars(sa.select(Permission.name)))
    created = 0
    for name, roles in sorted(permissions.items()):
        if name in existing:
            continue
        session.add(Permission(name=name))
        session.flush()
        rows = [{"role_name": role, "permission_name": name} for role in roles]
        if rows:
            session.execute(sa.insert(role_permission), rows)
        created += 1
    return created
