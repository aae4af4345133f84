"""The workshop module's tests use the core's test kit (``kimadmin.testing``).

They only make sense where the plugin is loaded: in-tree under its own name, or named in
``KIMADMIN_EXTRA_PLUGINS`` while it is developed in an underscored folder (which the in-tree
discovery skips). Elsewhere the folder is not collected, so a run without the plugin stays green
and never imports its models.
"""

from __future__ import annotations

import os

PACKAGE = __package__.rsplit(".", 1)[0]  # this plugin's package, whatever its folder is called
FOLDER = PACKAGE.rsplit(".", 1)[-1]
_EXTRA = {entry.rsplit(":", 1)[-1].strip() for entry in os.environ.get("KIMADMIN_EXTRA_PLUGINS", "").split(",")}
LOADED = not FOLDER.startswith("_") or PACKAGE in _EXTRA

if not LOADED:
    collect_ignore_glob = ["*"]

FIXTURES = "kimadmin.testing.fixtures"


def pytest_configure(config):  # type: ignore[no-untyped-def]
    """The core's fixtures (``app``, ``db_session``, ``karanganyar``...), once, also when only this
    folder is run (``tests/conftest.py`` registers them for the whole suite)."""
    if LOADED and not config.pluginmanager.has_plugin(FIXTURES):
        config.pluginmanager.import_plugin(FIXTURES)
