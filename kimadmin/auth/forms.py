"""Forms of the login and account-security pages (CSRF from Flask-WTF on every one)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..i18n import WTFORMS_TRANSLATIONS
from .policy import MAX_LENGTH


class AuthForm(FlaskForm):
    class Meta:
        def get_translations(self, form: object) -> object:
            return WTFORMS_TRANSLATIONS


class LoginForm(AuthForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])


class TwoFactorForm(AuthForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=32)],
        description=_l("The 6-digit code from your authenticator app, or one of your recovery codes."),
    )


class ReauthForm(AuthForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    code = StringField(
        _l("Authenticator code"),
        validators=[Optional(), Length(max=32)],
        description=_l("The 6-digit code from your authenticator app, or one of your recovery codes."),
    )


class NewPasswordForm(AuthForm):
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        description=_l(
            "At least 12 characters; a phrase of several unrelated words is easy to remember and hard to guess."
        ),
    )
    confirm_password = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords are not the same."))],
    )


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])


class EnableTwoFactorForm(AuthForm):
    code = StringField(
        _l("Code from the app"),
        validators=[DataRequired(), Length(min=6, max=8)],
        description=_l("Type the 6-digit code your authenticator app shows for KIM Admin."),
    )
