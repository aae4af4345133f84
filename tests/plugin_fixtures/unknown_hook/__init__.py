"""A plugin implementing a hook that does not exist (a typo, or another API version)."""

from kimadmin.plugin_api import Manifest, hookimpl

manifest = Manifest(name="unknown_hook", version="0.1", title="Unknown hook")


@hookimpl
def kimadmin_dashbord_widgets(regency, user):  # type: ignore[no-untyped-def]
    return []
