"""A plugin written for another plugin-API version."""

from kimadmin.plugin_api import Manifest

manifest = Manifest(name="old_api", version="0.1", title="Old API", api_version=0)
