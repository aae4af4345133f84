"""A plugin whose admin view endpoint does not carry its id: refused as a whole."""

from flask import Blueprint
from flask_admin import BaseView, expose

from kimadmin.plugin_api import Manifest, hookimpl

manifest = Manifest(name="bad_view", version="0.1", title="Bad view")


class Page(BaseView):
    @expose("/")
    def index(self) -> str:
        return "x"


@hookimpl
def kimadmin_admin_views():  # type: ignore[no-untyped-def]
    return [Page(name="Bad", endpoint="kim_lookalike")]


@hookimpl
def kimadmin_blueprints():  # type: ignore[no-untyped-def]
    return [Blueprint("bad_view_api", __name__)]
