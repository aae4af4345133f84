"""Bahasa Indonesia first, English available.

Three catalogues live in ``kimadmin/translations/<locale>/LC_MESSAGES``: ``messages`` (our own
strings), ``admin`` (Flask-Admin's strings, which ship no Indonesian) and ``wtforms`` (validation
messages, likewise). The language is the one the user chose (remembered on their account and in
the session), else Indonesian; we do not guess from the browser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_request_context, session
from flask_babel import Domain, get_locale

from .extensions import babel

TRANSLATIONS_DIR = Path(__file__).parent / "translations"

wtforms_domain = Domain(str(TRANSLATIONS_DIR), domain="wtforms")


class WTFormsTranslations:
    """WTForms' translation interface backed by our ``wtforms`` catalogue."""

    def gettext(self, string: str) -> str:
        return wtforms_domain.get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return wtforms_domain.get_translations().ungettext(singular, plural, n)


WTFORMS_TRANSLATIONS = WTFormsTranslations()


def select_locale() -> str:
    languages = current_app.config["KIMADMIN_LANGUAGES"]
    if has_request_context():
        chosen = session.get("locale")
        if chosen in languages:
            return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(TRANSLATIONS_DIR),
    )

    @app.context_processor
    def _languages() -> dict[str, Any]:
        return {"kim_languages": app.config["KIMADMIN_LANGUAGES"], "kim_language": current_language()}
