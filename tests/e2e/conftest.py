"""Browser tests use the test kit's browser fixtures (:mod:`kimadmin.testing.browser`), as plugins do.

Registered here with ``pytest_configure`` (a ``pytest_plugins`` list is allowed only in the
top-level conftest): ``live_server``, ``base_url``, Debian's Chromium, ``committed``.
"""

from __future__ import annotations

import pytest

BROWSER_KIT = "kimadmin.testing.browser"


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin(BROWSER_KIT):
        config.pluginmanager.import_plugin(BROWSER_KIT)
