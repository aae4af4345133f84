"""Form base classes: translated validation messages (WTForms ships no Indonesian)."""

from __future__ import annotations

from typing import Any

from flask_admin.form import BaseForm

from ..i18n import WTFORMS_TRANSLATIONS


class KimBaseForm(BaseForm):
    """Base of every Flask-Admin form. CSRF is enforced app-wide by ``CSRFProtect``."""

    class Meta:
        def get_translations(self, form: Any) -> Any:
            return WTFORMS_TRANSLATIONS
