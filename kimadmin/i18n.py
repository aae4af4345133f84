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
from flask_admin import babel as flask_admin_babel
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


def _flask_admin_reads_only_our_catalogues() -> None:
    """Flask-Admin's strings come from our ``admin`` catalogue only, not also from its own folder.

    Flask-Babel 4.0 takes the plural rule from the *last* folder it reads, even one without a
    catalogue for the language (python-babel/flask-babel#241, not yet released). Flask-Admin's own
    folder comes last and has no Indonesian, so Indonesian's single plural form would be replaced
    by English's two and "20 items" or "2 records were successfully deleted." would stay English.
    Our languages need nothing from that folder: English is Flask-Admin's source language.
    """
    flask_admin_babel.domain._translation_directories = []


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(TRANSLATIONS_DIR),
    )
    _flask_admin_reads_only_our_catalogues()

    @app.context_processor
    def _languages() -> dict[str, Any]:
        return {"kim_languages": app.config["KIMADMIN_LANGUAGES"], "kim_language": current_language()}
