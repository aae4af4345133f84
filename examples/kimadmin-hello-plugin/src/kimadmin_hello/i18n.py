"""The plugin's own message catalogue (``translations/<lang>/LC_MESSAGES/hello.po``).

The plugin keeps its Indonesian beside its code, so it can be installed or removed without
touching the core's catalogue. The ``.po`` is read once per language when first needed (no
compile step). A msgid missing here falls back to the core's catalogue, then to the English msgid.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from flask import has_request_context
from flask_babel import LazyString, get_locale

from kimadmin.plugin_api import gettext as core_gettext

CATALOGUE_DIR = Path(__file__).parent / "translations"
DOMAIN = "hello"


@cache
def _catalogue(language: str) -> dict[str, str]:
    path = CATALOGUE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    return {message.id: message.string for message in catalogue if message.id and message.string}


def gettext(msgid: str, **variables: Any) -> str:
    """``msgid`` in the user's language, with ``%(name)s`` placeholders filled from ``variables``."""
    language = str(get_locale() or "en") if has_request_context() else "en"
    text = _catalogue(language).get(msgid)
    if text is None:
        text = core_gettext(msgid) if has_request_context() else msgid
    return text % variables if variables else text


def lazy_gettext(msgid: str, **variables: Any) -> LazyString:
    """As :func:`gettext`, evaluated when shown (for labels defined at import time)."""
    return LazyString(gettext, msgid, **variables)


_l = lazy_gettext
_ = gettext
