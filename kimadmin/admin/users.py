"""User management: an admin manages users inside their own scope, up to their own rank."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort
from flask_admin.contrib.sqla.fields import QuerySelectField
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms import PasswordField, ValidationError
from wtforms.validators import DataRequired, Email, Length, Optional

from ..auth.passwords import hash_password
from ..extensions import db
from ..models.regions import Province, Regency
from ..models.users import Role, User
from ..tenancy import unscoped
from .base import ScopedAjaxLoader, ScopedModelView

MIN_PASSWORD_LENGTH = 12


def grantable_roles() -> list[Role]:
    """Roles the current user may give: at most their own rank, never wider than their scope."""
    me = current_user.role
    query = sa.select(Role).where(Role.rank <= me.rank).order_by(Role.rank.desc())
    if me.scope_level == "regency":
        query = query.where(Role.scope_level == "regency")
    elif me.scope_level == "province":
        query = query.where(Role.scope_level.in_(("province", "regency")))
    return list(db.session.scalars(query))


class UserView(ScopedModelView):
    permission = "user"
    list_loader_options = (joinedload(User.role), joinedload(User.regency), joinedload(User.province))

    column_list = ("email", "full_name", "role", "regency.name", "province.name", "active", "last_login_at")
    column_details_list = (*column_list, "created_at")
    column_export_list = ("email", "full_name", "role_name", "regency.name", "province.name", "active")
    column_sortable_list = ("email", "full_name", "last_login_at")
    column_default_sort = [("email", False)]
    column_searchable_list = ("email", "full_name")
    column_filters = ("active", "role_name")
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
        "last_login_at": _l("Last login"),
        "created_at": _l("Created"),
        "password": _l("Password"),
    }

    form_columns = ("email", "full_name", "role", "regency", "province", "active", "password")
    form_extra_fields = {
        "password": PasswordField(
            _l("Password"),
            validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=1024)],
            description=_l("At least 12 characters. When editing, leave empty to keep the current password."),
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
        return self._adapt_form(super().edit_form(obj))

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
        password = form.password.data
        if is_created and not password:
            raise ValidationError(_("A new user needs a password."))
        if password:
            model.password_hash = hash_password(password)

    def on_model_delete(self, model: User) -> None:
        if model.id == current_user.id:
            raise ValidationError(_("You cannot delete your own account."))
        if model.role.rank > current_user.role.rank:
            raise ValidationError(_("You may not delete a user with a higher role."))
