"""A plugin's own message catalogue (``translations/<lang>/LC_MESSAGES/<domain>.po``).

A plugin keeps its Indonesian beside its code, so it can be installed, renamed or removed
without touching the core's catalogue (whose extraction covers ``kimadmin/`` only, and whose
``pybabel update --ignore-obsolete`` would drop strings it does not find there). The ``.po`` is
read once per language when first needed: no compile step. A msgid missing there falls back to
the core's catalogue (common words such as "Year"), then to the English msgid itself.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from flask import has_request_context
from flask_babel import LazyString, get_locale
from flask_babel import gettext as core_gettext

__all__ = ["N_", "PluginCatalogue"]


class PluginCatalogue:
    """``gettext``/``lazy_gettext`` over one plugin's ``.po`` files.

    A plugin's ``i18n.py`` makes one and exports its methods under the usual names::

        catalogue = PluginCatalogue("film_festival", Path(__file__).parent / "translations")
        _, _l = catalogue.gettext, catalogue.lazy_gettext
    """

    def __init__(self, domain: str, directory: Path) -> None:
        self.domain = domain
        self.directory = directory
        self.messages = cache(self._read)

    def _read(self, language: str) -> dict[str, str]:
        """The translated msgids of ``language`` (read once: ``self.messages`` is cached)."""
        path = self.directory / language / "LC_MESSAGES" / f"{self.domain}.po"
        if not path.is_file():
            return {}
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale=language)
        return {message.id: message.string for message in catalogue if message.id and message.string}

    def gettext(self, msgid: str, **variables: Any) -> str:
        """``msgid`` in the user's language, with ``%(name)s`` placeholders filled from ``variables``."""
        language = str(get_locale() or "en") if has_request_context() else "en"
        text = self.messages(language).get(msgid)
        if text is None:
            text = core_gettext(msgid) if has_request_context() else msgid
        return text % variables if variables else text

    def lazy_gettext(self, msgid: str, **variables: Any) -> LazyString:
        """As :meth:`gettext`, evaluated when shown (for labels defined at import time)."""
        return LazyString(self.gettext, msgid, **variables)


def N_(msgid: str) -> str:  # noqa: N802 - the conventional name of the marker
    """Mark a msgid for extraction where it is translated later (``_(name)`` with a variable)."""
    return msgid
