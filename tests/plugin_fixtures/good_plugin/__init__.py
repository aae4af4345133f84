"""A well-formed test plugin: a page, a blueprint, a permission, a widget, a command, callbacks."""

from __future__ import annotations

import click
from flask import Blueprint, jsonify
from flask_admin import BaseView, expose

from kimadmin.plugin_api import DashboardWidget, Manifest, MenuItem, hookimpl, lazy_gettext

manifest = Manifest(
    name="good_plugin",
    version="1.2.3",
    title=lazy_gettext("Good test module"),
    description="A module used by KIM Admin's own tests.",
)
CALLS: list[tuple[str, str]] = []
FAIL_ON: set[tuple[str, str]] = set()  # (action, regency) whose callback raises, for the tests


class GoodPage(BaseView):
    @expose("/")
    def index(self) -> str:
        return "good plugin page"


api = Blueprint("good_plugin_api", __name__, url_prefix="/good-plugin")


@api.route("/ping")
def ping():  # type: ignore[no-untyped-def]
    return jsonify(pong=True)


# A blueprint nested in the plugin's own (endpoint "good_plugin_api.inner.secret"): gated too.
inner = Blueprint("inner", __name__, url_prefix="/inner")


@inner.route("/secret")
def secret():  # type: ignore[no-untyped-def]
    return jsonify(secret="good plugin data")


api.register_blueprint(inner)


@hookimpl
def kimadmin_admin_views():  # type: ignore[no-untyped-def]
    return [GoodPage(name="Good page", endpoint="good_plugin_page", url="/admin/good-plugin-page")]


@hookimpl
def kimadmin_blueprints():  # type: ignore[no-untyped-def]
    return [api]


@hookimpl
def kimadmin_permissions():  # type: ignore[no-untyped-def]
    return {"good_plugin.page.view": ("admin_kabupaten", "operator")}


@hookimpl
def kimadmin_dashboard_widgets(regency, user):  # type: ignore[no-untyped-def]
    return [DashboardWidget(title="Good widget", template="good_plugin_widget.html")]


@hookimpl
def kimadmin_menu_items(regency, user):  # type: ignore[no-untyped-def]
    return [MenuItem(label="Good plugin help", url="/good-plugin/ping")]


@hookimpl
def kimadmin_on_enable(regency):  # type: ignore[no-untyped-def]
    CALLS.append(("enable", regency))
    if ("enable", regency) in FAIL_ON:
        raise RuntimeError("the module could not prepare the regency")


@hookimpl
def kimadmin_on_disable(regency):  # type: ignore[no-untyped-def]
    CALLS.append(("disable", regency))
    if ("disable", regency) in FAIL_ON:
        raise RuntimeError("the module could not let go of the regency")


@hookimpl
def kimadmin_cli(group):  # type: ignore[no-untyped-def]
    @group.command("good-plugin-hello")
    def hello() -> None:
        click.echo("hello from good_plugin")
