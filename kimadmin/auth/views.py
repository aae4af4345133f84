"""Login, logout and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from ..extensions import db
from ..models.mixins import utcnow
from ..models.users import User
from ..tenancy import unscoped
from .forms import LoginForm
from .passwords import hash_password, needs_rehash, verify_password

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths: never an open redirect.

    Browsers read "/\\host" as "//host" and drop tabs and newlines inside URLs ("/\\t/host"),
    so backslashes and control characters are refused along with "//".
    """
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not any(ord(char) < 32 or ord(char) == 127 for char in target)
    ):
        return target
    return url_for("admin.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        with unscoped():  # nobody is logged in yet; the lookup is by the unique e-mail only
            user = db.session.scalar(sa.select(User).where(User.email == email))
            ok = verify_password(user.password_hash if user else None, form.password.data)
            if ok and user is not None and user.is_active:
                if needs_rehash(user.password_hash):
                    user.password_hash = hash_password(form.password.data)
                user.last_login_at = utcnow()
                if user.locale:
                    session["locale"] = user.locale
                db.session.commit()
                login_user(user)
                current_app.logger.info("login ok user=%s", user.id)
                return redirect(_safe_next(request.args.get("next")))
        current_app.logger.info("login failed")
        flash(_("Wrong email or password."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str) -> Response:
    if code not in current_app.config["KIMADMIN_LANGUAGES"]:
        abort(404)
    session["locale"] = code
    if current_user.is_authenticated:
        with unscoped():  # a user may always change their own preference
            current_user.locale = code
            db.session.commit()
    return redirect(_safe_next(request.form.get("next") or (request.referrer and urlsplit(request.referrer).path)))
