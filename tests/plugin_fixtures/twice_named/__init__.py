"""A plugin giving two screens the same endpoint: refused before any part is registered."""

from flask_admin import BaseView, expose

from kimadmin.plugin_api import Manifest, hookimpl

manifest = Manifest(name="twice_named", version="0.1", title="Twice named")


class Page(BaseView):
    @expose("/")
    def index(self) -> str:
        return "x"


@hookimpl
def kimadmin_admin_views():  # type: ignore[no-untyped-def]
    return [
        Page(name="First", endpoint="twice_named_page", url="/admin/twice-first"),
        Page(name="Second", endpoint="twice_named_page", url="/admin/twice-second"),
    ]
