"""Login (password, then TOTP), logout, re-authentication, the account pages and reset links."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from ..errors import render_error
from ..extensions import db
from ..models.users import Role, User
from ..tenancy import unscoped
from . import clock, events, reset, service, sessions, totp
from .forms import ChangePasswordForm, EnableTwoFactorForm, LoginForm, NewPasswordForm, ReauthForm, TwoFactorForm
from .passwords import verify_password
from .policy import check_password

bp = Blueprint("auth", __name__)


def login_failed_message() -> str:
    """One answer for every failed login: unknown e-mail, wrong password, inactive or locked."""
    return _(
        "Wrong email or password. After several failed attempts, logging in is paused for a while; "
        "your admin can lift the pause."
    )


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


def _no_store(body: str) -> Response:
    """A page with a secret on it (recovery codes, a reset link): never cached, never referred."""
    response = make_response(body)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def require_recent_auth(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: send the user to the password prompt first if their last check is too old.

    For account-security changes here; admin screens call :func:`reauth_redirect` (see
    ``kimadmin.admin.users.UserView``), plugins may use either.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        redirect_response = reauth_redirect()
        return redirect_response if redirect_response is not None else view(*args, **kwargs)

    return wrapper


def reauth_redirect(back: str | None = None) -> Response | None:
    """``None`` if the user authenticated recently, else a redirect to the re-authentication page.

    A POST that arrives too late is not carried out (its form data cannot survive the detour); the
    user comes back to ``back`` (the referring page by default) and submits again.
    """
    if sessions.recently_authenticated():
        return None
    if request.method == "GET":
        back = back or request.full_path.rstrip("?")
    else:
        flash(_("For your security, confirm your password first. Nothing was changed yet."), "warning")
        if back is None and request.referrer:
            parts = urlsplit(request.referrer)  # only its path and query are kept: same site
            back = parts.path + (f"?{parts.query}" if parts.query else "")
    return redirect(url_for("auth.reauth", next=_safe_next(back)))


# --- logging in ------------------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        next_url = _safe_next(request.args.get("next"))
        with unscoped():  # nobody is logged in yet; the lookup is by the unique e-mail only
            user = service.find_user(email)
            outcome = service.check_password_attempt(user, form.password.data)
            if outcome == service.OK and user is not None:
                if user.totp_enabled:
                    events.record(events.PASSWORD_OK, user)
                    db.session.commit()
                    sessions.set_pending(user, next_url)
                    return redirect(url_for("auth.two_factor"))
                return _complete_login(user, next_url)
            service.register_failure(outcome, user, email=email)
        current_app.logger.info("login failed")
        flash(login_failed_message(), "error")
    return render_template("auth/login.html", form=form)


def _complete_login(user: User, next_url: str, outcome: str = events.LOGIN_OK) -> Response:
    """Both steps passed: journal, clear the failure count, start the session (inside ``unscoped``)."""
    service.register_success(user, outcome)
    sid = sessions.record_new(user)
    db.session.commit()
    sessions.begin(user, sid)
    if user.locale:
        session["locale"] = user.locale
    current_app.logger.info("login ok user=%s", user.id)
    return redirect(next_url)


@bp.route("/login/two-factor", methods=["GET", "POST"])
def two_factor() -> str | Response:
    """The second step: a TOTP or recovery code from the user who just gave the right password."""
    pending = sessions.pending()
    if pending is None:
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    form = TwoFactorForm()
    if form.validate_on_submit():
        with unscoped():
            user = db.session.scalar(
                sa.select(User)
                .options(joinedload(User.role).joinedload(Role.permissions))
                .where(User.id == pending["uid"])
            )
            usable = (
                user is not None
                and user.active
                and user.totp_enabled
                and user.session_version == pending["ver"]
                and not user.is_locked(clock.now())
            )
            method = totp.verify_second_factor(user, form.code.data) if usable else None
            if method is not None and user is not None:
                sessions.clear_pending()
                outcome = events.RECOVERY_CODE_USED if method == totp.RECOVERY else events.LOGIN_OK
                response = _complete_login(user, _safe_next(pending.get("next")), outcome)
                if method == totp.RECOVERY:
                    flash(
                        _(
                            "You used a recovery code; %(count)d remain. Make new ones on your account page "
                            "if you have lost your phone.",
                            count=totp.remaining_recovery_codes(user),
                        ),
                        "warning",
                    )
                return response
            locked = service.register_failure(events.SECOND_FACTOR_FAILED, user if usable else None)
            if locked or not usable:
                sessions.clear_pending()
                flash(login_failed_message(), "error")
                return redirect(url_for("auth.login"))
        flash(_("The code is not valid. Check the time on your phone and try the next code."), "error")
    return render_template("auth/two_factor.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """End this session for good: its server-side row goes, so a copy of the cookie stops working.

    The user's other sessions (another browser, a phone) stay logged in.
    """
    with unscoped():
        sessions.end_current()
        events.record(events.LOGOUT, current_user)
        db.session.commit()
    logout_user()
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
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


# --- re-authentication -----------------------------------------------------------------------------


@bp.route("/reauth", methods=["GET", "POST"])
@login_required
def reauth() -> str | Response:
    """Confirm the password (and code) before a sensitive change; a fresh login counts as well."""
    form = ReauthForm()
    user = current_user._get_current_object()
    next_url = _safe_next(request.args.get("next"))
    if form.validate_on_submit():
        with unscoped():  # the user's own row, which may lie outside their data scope
            ok = verify_password(user.password_hash, form.password.data)
            if ok and user.totp_enabled:
                ok = totp.verify_second_factor(user, form.code.data or "") is not None
            if ok:
                sessions.mark_authenticated()
                events.record(events.REAUTH_OK, user)
                db.session.commit()
                return redirect(next_url)
            if service.register_failure(events.REAUTH_FAILED, user):
                sessions.end_current()
                db.session.commit()
                logout_user()
                sessions.discard(login_failed_message())
                return redirect(url_for("auth.login"))
        flash(_("The password or the code is not correct."), "error")
    return render_template("auth/reauth.html", form=form, needs_code=user.totp_enabled, next_url=next_url)


# --- the account pages -------------------------------------------------------------------------------


@bp.route("/account/")
@login_required
def account() -> str:
    user = current_user
    with unscoped():
        remaining = totp.remaining_recovery_codes(user) if user.totp_enabled else 0
    return render_template(
        "auth/account.html",
        user=user,
        remaining_codes=remaining,
        two_factor_required=totp.required_for(user),
    )


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response:
    """Change one's own password (also the forced change after an account was created or reset)."""
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        with unscoped():
            if not verify_password(user.password_hash, form.current_password.data):
                if service.register_failure(events.WRONG_PASSWORD, user):
                    sessions.end_current()
                    db.session.commit()
                    logout_user()
                    sessions.discard(login_failed_message())
                    return redirect(url_for("auth.login"))
                form.current_password.errors.append(_("The current password is not correct."))
            else:
                problem = check_password(form.new_password.data, user.email, user.full_name)
                if problem is None and form.new_password.data == form.current_password.data:
                    problem = _("The new password must be different from the current one.")
                if problem is not None:
                    form.new_password.errors.append(problem)
                else:
                    service.set_password(user, form.new_password.data, must_change=False)
                    events.record(events.PASSWORD_CHANGED, user)
                    db.session.commit()
                    sessions.renew(user)
                    flash(_("Your password was changed. Your other sessions have been logged out."), "success")
                    return redirect(url_for("admin.index"))
    return render_template("auth/change_password.html", form=form, forced=user.must_change_password)


@bp.route("/account/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere() -> Response:
    """End every other session of this user (another browser, a lost phone); this one stays."""
    user = current_user._get_current_object()
    with unscoped():
        service.end_all_sessions(user)
        events.record(events.LOGOUT_EVERYWHERE, user)
        db.session.commit()
        sessions.renew(user)
    flash(_("All your other sessions have been logged out."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
@require_recent_auth
def two_factor_setup() -> str | Response:
    """Enrol an authenticator app: scan, confirm with a first code, keep the recovery codes."""
    user = current_user._get_current_object()
    if user.totp_enabled:
        return redirect(url_for("auth.account"))
    form = EnableTwoFactorForm()
    with unscoped():
        if not user.totp_secret:
            user.totp_secret = totp.new_secret()
            db.session.commit()
        if form.validate_on_submit():
            codes = totp.enable(user, form.code.data)
            if codes is not None:
                events.record(events.TOTP_ENABLED, user)
                db.session.commit()
                sessions.renew(user)
                return _no_store(render_template("auth/recovery_codes.html", codes=codes, first_time=True))
            service.mark_failed_request()
            form.code.errors.append(_("The code is not valid. Check the time on your phone and try the next code."))
    uri = totp.provisioning_uri(user)
    return _no_store(
        render_template(
            "auth/two_factor_setup.html",
            form=form,
            qr=totp.qr_svg(uri),
            secret=totp.grouped_secret(user.totp_secret),
            required=totp.required_for(user),
        )
    )


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@login_required
@require_recent_auth
def renew_recovery_codes() -> Response:
    user = current_user._get_current_object()
    if not user.totp_enabled:
        return redirect(url_for("auth.account"))
    with unscoped():
        codes = totp.new_recovery_codes(user)
        events.record(events.RECOVERY_CODES_RENEWED, user)
        db.session.commit()
    return _no_store(render_template("auth/recovery_codes.html", codes=codes, first_time=False))


@bp.route("/account/two-factor/disable", methods=["POST"])
@login_required
@require_recent_auth
def disable_two_factor() -> Response:
    user = current_user._get_current_object()
    if totp.required_for(user):
        flash(_("Your role must use two-factor login; it cannot be turned off."), "error")
        return redirect(url_for("auth.account"))
    if user.totp_enabled:
        with unscoped():
            totp.disable(user)
            events.record(events.TOTP_DISABLED, user)
            db.session.commit()
            sessions.renew(user)
        flash(_("Two-factor login is off."), "info")
    return redirect(url_for("auth.account"))


# --- password reset links ----------------------------------------------------------------------------


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Any:
    """Choose a new password through a one-time link from an admin (no login needed).

    A session already open in this browser is left alone (a GET must not log anybody out); the
    user's own sessions end anyway when the new password is set.
    """
    with unscoped():  # the link is the credential; the lookup is by its hash only
        row = reset.find(token)
        if row is None:
            return _invalid_reset_link()
        user = row.user
        form = NewPasswordForm()
        if form.validate_on_submit():
            problem = check_password(form.new_password.data, user.email, user.full_name)
            if problem is not None:
                form.new_password.errors.append(problem)
            elif not reset.spend(row):  # used by a parallel request since find(): not twice
                return _invalid_reset_link()
            else:
                service.set_password(user, form.new_password.data, must_change=False)
                events.record(events.RESET_LINK_USED, user)
                db.session.commit()
                flash(_("Your new password is set. Log in with it."), "success")
                return redirect(url_for("auth.login"))
        return _no_store(render_template("auth/reset_password.html", form=form, email=user.email))


def _invalid_reset_link() -> tuple[Response, int]:
    service.mark_failed_request()
    body, status = render_error(404, _("This password reset link is not valid: it was used already or it has expired."))
    return _no_store(body), status


# --- gates ---------------------------------------------------------------------------------------------

# What a user may still open while a password change or a second-factor enrolment is owed.
_ALWAYS_OPEN = {"auth.logout", "auth.set_language", "auth.login", "auth.reset_password"}
_PASSWORD_GATE = _ALWAYS_OPEN | {"auth.change_password"}
_TWO_FACTOR_GATE = _ALWAYS_OPEN | {"auth.two_factor_setup", "auth.reauth"}


def gate() -> Response | None:
    """``before_request``: a forced password change, then a required enrolment, come first."""
    endpoint = request.endpoint or ""
    if not endpoint or endpoint == "static" or endpoint.endswith(".static") or endpoint.startswith("system."):
        return None
    if not current_user.is_authenticated:
        return None
    if current_user.must_change_password:
        if endpoint not in _PASSWORD_GATE:
            return redirect(url_for("auth.change_password"))
    elif totp.required_for(current_user) and not current_user.totp_enabled and endpoint not in _TWO_FACTOR_GATE:
        flash(_("Your role requires two-factor login. Set up an authenticator app to continue."), "warning")
        return redirect(url_for("auth.two_factor_setup"))
    return None
