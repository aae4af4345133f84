"""Concurrent edits: the second of two officers saving the same record is refused, never lost.

Versioned rows carry an integer ``version`` that SQLAlchemy bumps on every UPDATE and checks in
its ``WHERE`` (``version_id_col``): a save based on an old row fails with ``StaleDataError``
instead of overwriting. The edit form carries the version it was opened with (hidden
``row_version`` field), so a save is compared with what the officer actually saw, even when the
other officer saved minutes earlier. On a conflict nothing is saved; the form is shown again with
the officer's values, a translated message and the fields that differ (their value, current
value). The form then carries the current version: saving again is a deliberate choice.

The list's inline editing (x-editable, ``ajax_update``) sends no version by itself: for a
versioned row it must post ``row_version`` too, or it is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import flash, g, request
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField
from wtforms.form import BaseForm

from .personal_data import mask

__all__ = [
    "VERSION_FIELD",
    "Difference",
    "StaleDataError",
    "Versioned",
    "add_version_field",
    "after_failed_save",
    "conflict_rows",
    "is_versioned",
    "note_stale_save",
    "refuse_if_stale",
    "refuse_stale_save",
]

VERSION_FIELD = "row_version"
_CONFLICT = "kim_edit_conflict"
# Fields that are never copied onto the model, so never part of a difference.
_SKIPPED_FIELDS = {"csrf_token", VERSION_FIELD}


class Versioned:
    """Mixin: an integer ``version`` column SQLAlchemy uses for optimistic locking."""

    @declared_attr
    def version(cls) -> Mapped[int]:  # noqa: N805 - declared_attr receives the class
        return mapped_column(sa.Integer, nullable=False, server_default=sa.text("1"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        return {"version_id_col": cls.__table__.c.version}


def is_versioned(model: Any) -> bool:
    return isinstance(model, Versioned) or (isinstance(model, type) and issubclass(model, Versioned))


class VersionField(HiddenField):
    """The version the form was opened with; read by the view, never copied onto the model."""

    def populate_obj(self, obj: Any, name: str) -> None:
        return None


def add_version_field(view: Any, form: Any, obj: Any) -> None:
    """Give an edit form of a versioned row its hidden version (the row's, unless one was posted).

    Flask-Admin removes fields its form rules do not list, so the rules are applied first and
    the field is added to this form instance afterwards.
    """
    if obj is None or not is_versioned(obj) or VERSION_FIELD in form:
        return
    if not getattr(form, "_validated_ruleset", False):
        view._validate_form_instance(ruleset=view._form_edit_rules, form=form)
        form._validated_ruleset = True
    BaseForm.__setitem__(form, VERSION_FIELD, VersionField())  # Form itself only allows it on classes
    field = form[VERSION_FIELD]
    field.process(None)
    posted = request.form.get(VERSION_FIELD) if request.method == "POST" else None
    field.data = posted if posted is not None else str(obj.version)


def submitted_version(form: Any) -> str | None:
    if VERSION_FIELD in form:
        return form[VERSION_FIELD].data
    return request.form.get(VERSION_FIELD)


def refuse_if_stale(view: Any, form: Any, model: Any) -> bool:
    """Whether the save must be refused because the row changed since the form was opened.

    A full edit form without a version (not one we rendered) relies on the database check
    alone; the list's inline editing must always send one.
    """
    if not is_versioned(model):
        return False
    posted = submitted_version(form)
    inline = request.endpoint is not None and request.endpoint.endswith(".ajax_update")
    if posted in (None, ""):
        if not inline:
            return False
        flash(_("This record cannot be edited in the list. Open its edit form to change it."), "error")
        return True
    if posted.strip() == str(model.version):
        return False
    refuse_stale_save(form, model)
    return True


def refuse_stale_save(form: Any, model: Any) -> None:
    """Mark this request's form as a conflict: message now, differences in the edit template."""
    g.setdefault(_CONFLICT, True)
    flash(
        _(
            "Someone else saved this record after you opened it. Your changes were not saved. "
            "Compare them with the current values below; save again to keep yours."
        ),
        "error",
    )
    try:
        current = str(model.version)
    except Exception:
        current = ""
    if VERSION_FIELD in form:
        form[VERSION_FIELD].data = current


def note_stale_save() -> None:
    """The database refused the UPDATE (another save came first): called from the error handler."""
    g.kim_stale_save = True


def after_failed_save(form: Any, model: Any) -> None:
    """After a rolled-back save: if it failed on the version, treat it as a refused conflict."""
    if g.pop("kim_stale_save", False):
        refuse_stale_save(form, model)


def had_stale_save() -> bool:
    return bool(g.get(_CONFLICT))


@dataclass(frozen=True)
class Difference:
    label: str
    theirs: str
    current: str


def conflict_rows(view: Any, form: Any, model: Any) -> list[Difference] | None:
    """The fields where the refused form differs from the row as now saved; ``None`` if no conflict."""
    if not had_stale_save() or form is None or model is None:
        return None
    hide = not view.may("personal_data.view")
    personal = getattr(view, "personal_columns", {})
    rows = []
    for field in form:
        if field.name in _SKIPPED_FIELDS or field.type in ("FileField",) or not _is_model_field(model, field.name):
            continue
        try:
            current = getattr(model, field.name)
        except Exception:
            return []
        if _same(field.data, current):
            continue
        theirs, now = _show(field, field.data), _show(field, current)
        if field.name in personal and hide:
            theirs, now = mask(personal[field.name], theirs or None), mask(personal[field.name], now or None)
        rows.append(Difference(str(field.label.text), theirs, now))
    return rows


def _is_model_field(model: Any, name: str) -> bool:
    mapper = sa.inspect(type(model))
    return name in mapper.column_attrs or name in mapper.relationships


def _normal(value: Any) -> Any:
    if value in ("", None, []):
        return None
    if isinstance(value, list):
        return sorted(_normal(item) for item in value)
    state = sa.inspect(value, raiseerr=False)
    if state is not None and getattr(state, "identity", None):
        return (type(value).__name__, state.identity)
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, str):
        return value.strip()
    return value


def _same(theirs: Any, current: Any) -> bool:
    try:
        return _normal(theirs) == _normal(current)
    except TypeError:
        return str(theirs) == str(current)


def _show(field: Any, value: Any) -> str:
    """The value as the officer reads it: a choice by its label, a date in words."""
    if value is None:
        return ""
    choices = getattr(field, "choices", None)
    if isinstance(choices, list | tuple) and all(isinstance(choice, tuple) for choice in choices):
        labels = {choice[0]: choice[1] for choice in choices}
        if value in labels:
            return str(labels[value])
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return format_date(value, "d MMMM yyyy")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
