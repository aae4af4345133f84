"""The plugin's own message catalogue (``translations/<lang>/LC_MESSAGES/socmed_training.po``).

Read by :class:`kimadmin.plugin_api.PluginCatalogue` (once per language, no compile step); a
msgid missing there falls back to the core's catalogue, then to the English msgid.
"""

from __future__ import annotations

from pathlib import Path

from kimadmin.plugin_api import N_, PluginCatalogue

__all__ = ["N_", "_", "_l", "catalogue", "gettext", "lazy_gettext"]

catalogue = PluginCatalogue("socmed_training", Path(__file__).parent / "translations")
gettext = _ = catalogue.gettext
lazy_gettext = _l = catalogue.lazy_gettext
