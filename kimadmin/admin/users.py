"""User management: an admin manages users inside their own scope, up to their own rank.

Besides create/edit/delete, an admin may lift a login lock, give a one-time password-reset link
and reset a user's second factor (list actions, also buttons on the details page). Every change
here needs a recent authentication (``KIMADMIN_REAUTH_MINUTES``): a session left open on an
office computer cannot be used to create an admin or take over an account.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, make_response
from flask_admin.actions import action
from flask_admin.contrib.sqla.fields import QuerySelectField
from flask_admin.helpers import get_redirect_target
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload
from wtforms import PasswordField, ValidationError
from wtforms.validators import DataRequired, Email, Length, Optional

from ..auth import clock, events, reset, service, totp
from ..auth.policy import MAX_LENGTH, check_password
from ..auth.views import reauth_redirect
from ..extensions import db
from ..models.regions import Province, Regency
from ..models.users import Role, User, as_utc
from ..tenancy import unscoped
from .base import ScopedAjaxLoader, ScopedModelView

# Endpoints that change users: they need a recent password check (GET of a form, or any POST).
REAUTH_ENDPOINTS = {"create_view", "edit_view", "delete_view", "action_view", "ajax_update"}
SECURITY_ACTIONS = ("unlock", "reset_link", "reset_two_factor")
# Actions that hand over (or open the way to) someone's account: strictly higher rank only.
ACCOUNT_TAKEOVER_ACTIONS = ("reset_link", "reset_two_factor")
TOP_ROLE = "superadmin"


def grantable_roles() -> list[Role]:
    """Roles the current user may give: at most their own rank, never wider than their scope."""
    me = current_user.role
    query = sa.select(Role).where(Role.rank <= me.rank).order_by(Role.rank.desc())
    if me.scope_level == "regency":
        query = query.where(Role.scope_level == "regency")
    elif me.scope_level == "province":
        query = query.where(Role.scope_level.in_(("province", "regency")))
    return list(db.session.scalars(query))


def may_reset_credentials(target: User) -> bool:
    """Whether the current user may reset ``target``'s password or second factor, or set a password.

    Only over a strictly lower role: an admin who could reset a peer's password could take over
    the peer's account and act in their name. Superadmins are the exception (nobody ranks above
    them, so they must be able to rescue each other); the action is journalled with its actor.
    """
    mine, theirs = current_user.role, target.role
    return theirs.rank < mine.rank or (mine.name == TOP_ROLE and theirs.name == TOP_ROLE)


def _locked_formatter(view: Any, context: Any, model: User, name: str) -> Any:
    if model.locked_until is None or not model.is_locked(clock.now()):
        return ""
    return Markup('<span class="badge badge-warning">{}</span>').format(
        _("until %(when)s", when=format_datetime(as_utc(model.locked_until), "d MMM HH:mm"))
    )


class UserView(ScopedModelView):
    permission = "user"
    list_loader_options = (joinedload(User.role), joinedload(User.regency), joinedload(User.province))
    details_template = "auth/user_details.html"

    column_list = (
        "email",
        "full_name",
        "role",
        "regency.name",
        "province.name",
        "active",
        "totp_enabled",
        "locked_until",
        "last_login_at",
    )
    column_details_list = (
        "email",
        "full_name",
        "role",
        "regency.name",
        "province.name",
        "active",
        "last_login_at",
        "created_at",
        "password_changed_at",
    )
    column_export_list = ("email", "full_name", "role_name", "regency.name", "province.name", "active")
    column_sortable_list = ("email", "full_name", "last_login_at")
    column_default_sort = [("email", False)]
    column_searchable_list = ("email", "full_name")
    column_filters = ("active", "role_name")
    column_formatters = {"locked_until": _locked_formatter}
    column_labels = {
        "email": _l("Email"),
        "full_name": _l("Full name"),
        "role": _l("Role"),
        "role_name": _l("Role"),
        "regency": _l("Regency/City"),
        "regency.name": _l("Regency/City"),
        "province": _l("Province"),
        "province.name": _l("Province"),
        "active": _l("Active"),
        "totp_enabled": _l("Two-factor"),
        "locked_until": _l("Login paused"),
        "last_login_at": _l("Last login"),
        "created_at": _l("Created"),
        "password_changed_at": _l("Password changed"),
        "password": _l("Password"),
    }

    form_columns = ("email", "full_name", "role", "regency", "province", "active", "password")
    form_extra_fields = {
        "password": PasswordField(
            _l("Password"),
            validators=[Optional(), Length(max=MAX_LENGTH)],
            description=_l(
                "At least 12 characters, not a common password, not the user's name. The user must "
                "choose their own at the first login. When editing, leave empty to keep the current password."
            ),
        ),
    }
    form_args = {
        "email": {"validators": [DataRequired(), Email(), Length(max=254)]},
        "full_name": {"validators": [DataRequired(), Length(max=120)]},
    }
    form_overrides = {"role": QuerySelectField}
    form_ajax_refs = {
        "regency": ScopedAjaxLoader("regency", db.session, Regency, fields=("name", "code"), order_by=Regency.code),
        "province": ScopedAjaxLoader("province", db.session, Province, fields=("name", "code"), order_by=Province.code),
    }
    action_permissions = dict.fromkeys(SECURITY_ACTIONS, "edit")

    # --- re-authentication ---------------------------------------------------------------------
    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        response = super()._handle_view(name, **kwargs)
        if response is not None:
            return response
        if name in REAUTH_ENDPOINTS:
            return reauth_redirect()
        return None

    def render(self, template: str, **kwargs: Any) -> Any:
        """Templates also get the time (is a lock still on?) and the allowed security actions."""
        kwargs.setdefault("now", clock.now())
        allowed = [(name, text) for name, text in self.get_actions_list()[0] if name in SECURITY_ACTIONS]
        model = kwargs.get("model")
        if isinstance(model, User) and not may_reset_credentials(model):
            allowed = [(name, text) for name, text in allowed if name not in ACCOUNT_TAKEOVER_ACTIONS]
        kwargs.setdefault("security_actions", allowed)
        return super().render(template, **kwargs)

    def get_actions_list(self) -> Any:
        actions, confirmations = super().get_actions_list()
        order = {name: index for index, name in enumerate(SECURITY_ACTIONS)}
        return sorted(actions, key=lambda item: order.get(item[0], len(order))), confirmations

    # --- forms ---------------------------------------------------------------------------------
    def _adapt_form(self, form: Any) -> Any:
        form.role.query_factory = grantable_roles
        form.role.allow_blank = False
        if current_user.role.scope_level != "nation":
            # The regency/province of a new user is the admin's own: never taken from the form.
            del form.regency
            del form.province
        return form

    def create_form(self, obj: Any = None) -> Any:
        return self._adapt_form(super().create_form(obj))

    def edit_form(self, obj: Any = None) -> Any:
        if obj is not None and obj.role.rank > current_user.role.rank:
            abort(403)
        form = self._adapt_form(super().edit_form(obj))
        if obj is not None and not may_reset_credentials(obj):
            del form.password  # a peer's password is not mine to set (a posted value is ignored)
        return form

    def on_model_change(self, form: Any, model: User, is_created: bool) -> None:
        # The new row is already in the session: no autoflush before it is complete.
        with db.session.no_autoflush:
            self._validate_and_complete(form, model, is_created)

    def _validate_and_complete(self, form: Any, model: User, is_created: bool) -> None:
        model.email = model.email.strip().lower()
        # E-mails are unique across all regencies: check them all, without revealing whose it is.
        with unscoped():
            duplicate = db.session.scalar(sa.select(User.id).where(User.email == model.email, User.id != model.id))
        if duplicate is not None:
            raise ValidationError(_("This email is already used by another user."))
        role = model.role
        if role is None or role.name not in {r.name for r in grantable_roles()}:
            raise ValidationError(_("You may not grant this role."))
        me = current_user
        if me.role.scope_level != "nation":
            model.regency_code = me.regency_code if role.scope_level == "regency" else None
            model.province_code = me.province_code if role.scope_level == "province" else None
        if role.scope_level == "regency" and not model.regency_code:
            raise ValidationError(_("A user with this role must belong to one regency/city."))
        if role.scope_level == "province" and not model.province_code:
            raise ValidationError(_("A user with this role must belong to one province."))
        if role.scope_level == "nation":
            model.regency_code = model.province_code = None
        if role.scope_level == "regency":
            model.province_code = None
        if role.scope_level == "province":
            model.regency_code = None
        password = form.password.data if "password" in form else None
        if password and not is_created and not may_reset_credentials(model):
            raise ValidationError(_("Only a user with a higher role may set this user's password."))
        if is_created and not password:
            raise ValidationError(_("A new user needs a password."))
        if password:
            problem = check_password(password, model.email, model.full_name)
            if problem is not None:
                raise ValidationError(problem)
            # Set by an admin: the user chooses their own at the next login; their sessions end.
            service.set_password(model, password, must_change=True)
            if not is_created:
                events.record(events.PASSWORD_SET_BY_ADMIN, model, actor=current_user)

    def on_model_delete(self, model: User) -> None:
        if model.id == current_user.id:
            raise ValidationError(_("You cannot delete your own account."))
        if model.role.rank > current_user.role.rank:
            raise ValidationError(_("You may not delete a user with a higher role."))

    # --- login-security actions ----------------------------------------------------------------
    def _security_targets(self, ids: list[str], *, credentials: bool = False) -> list[User]:
        """The chosen users (scoped: ``action_view`` answered 404 for any other), never above my rank.

        With ``credentials`` (a reset link, a second-factor reset) they must rank strictly below
        me, see :func:`may_reset_credentials`; lifting a login pause is allowed on peers too.
        """
        values = [int(value) for value in ids if str(value).isdigit()]
        users = self.get_query().filter(User.id.in_(values)).all()
        if len(users) != len(set(values)):
            abort(404)
        if any(user.role.rank > current_user.role.rank for user in users):
            abort(403)
        if credentials and not all(may_reset_credentials(user) for user in users):
            abort(403)
        return users

    @action("unlock", _l("Lift login pause"))
    def action_unlock(self, ids: list[str]) -> None:
        users = self._security_targets(ids)
        for user in users:
            service.unlock(user, current_user)
        db.session.commit()
        flash(_("Logging in is possible again for %(count)d user(s).", count=len(users)), "success")

    @action("reset_link", _l("Make a password reset link"))
    def action_reset_link(self, ids: list[str]) -> Any:
        users = self._security_targets(ids, credentials=True)
        if len(users) != 1:
            flash(_("Choose exactly one user for a password reset link."), "error")
            return None
        user = users[0]
        if user.id == current_user.id:
            flash(_("Change your own password on your account page."), "error")
            return None
        link = reset.issue(user, current_user)
        events.record(events.RESET_LINK_ISSUED, user, actor=current_user)
        db.session.commit()
        body = self.render(
            "auth/reset_link_issued.html",
            user=user,
            link=link,
            hours=reset.valid_hours(),
            return_url=get_redirect_target() or self.get_url(".index_view"),
        )
        response = make_response(body)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @action(
        "reset_two_factor",
        _l("Reset two-factor login"),
        _l("The user will have to set up their authenticator app again. Continue?"),
    )
    def action_reset_two_factor(self, ids: list[str]) -> None:
        users = self._security_targets(ids, credentials=True)
        for user in users:
            if user.id == current_user.id:
                flash(_("Manage your own two-factor login on your account page."), "error")
                return
        for user in users:
            totp.disable(user)
            events.record(events.TOTP_RESET_BY_ADMIN, user, actor=current_user)
        db.session.commit()
        flash(_("Two-factor login was reset for %(count)d user(s).", count=len(users)), "success")
