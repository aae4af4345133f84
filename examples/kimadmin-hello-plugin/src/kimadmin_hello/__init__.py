"""Hello: an example KIM Admin plugin shipped as a package of its own (``kimadmin-hello-plugin``).

KIM Admin finds it through the entry point ``hello = "kimadmin_hello"`` in the group
``kimadmin.plugins``. Its id, ``hello``, prefixes everything it owns: the table
``hello_greeting``, the Alembic branch ``hello``, the permissions ``hello.greeting.*``, the admin
endpoint ``hello_greeting`` and the blueprint ``hello``. It imports only ``kimadmin.plugin_api``.
"""

from __future__ import annotations

from typing import Any

from kimadmin.plugin_api import Manifest, MenuItem, hookimpl

from .i18n import _l

manifest = Manifest(
    name="hello",
    version="0.1.0",
    title=_l("Hello"),
    description=_l("Greetings from the KIM: an example of a plugin installed as a package."),
)


@hookimpl
def kimadmin_admin_views() -> list[Any]:
    from .views import admin_views

    return admin_views()


@hookimpl
def kimadmin_blueprints() -> list[Any]:
    from .views import blueprint

    return [blueprint]


@hookimpl
def kimadmin_permissions() -> dict[str, tuple[str, ...]]:
    from kimadmin.plugin_api import data_permissions

    return data_permissions("hello.greeting")


@hookimpl
def kimadmin_menu_items(regency: str | None, user: Any) -> list[MenuItem]:
    if not user.can("hello.greeting.view"):
        return []
    return [MenuItem(label=_l("Greetings count"), url="/hello/count")]
