"""Login form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from ..i18n import WTFORMS_TRANSLATIONS


class LoginForm(FlaskForm):
    class Meta:
        def get_translations(self, form: object) -> object:
            return WTFORMS_TRANSLATIONS

    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
