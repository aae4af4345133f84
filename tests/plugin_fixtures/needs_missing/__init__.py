"""A plugin that requires a plugin that is not installed."""

from kimadmin.plugin_api import Manifest

manifest = Manifest(name="needs_missing", version="0.1", title="Needs missing", requires=("absent_plugin",))
