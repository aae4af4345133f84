"""Settings a regency tailors: KIM levels and Monev indicators.

Everyone sees the national defaults (rows without a regency) and their own regency's rows; an
admin adds their regency's own, which then replace the defaults for that regency. Only a
superadmin changes the defaults: the tenancy layer refuses anything else, and these screens say
so in words before it comes to that.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import ValidationError
from wtforms.validators import DataRequired, NumberRange

from ..extensions import db
from ..models.kim import Kim
from ..models.monev import MonevScore
from ..tenancy import current_scope
from .base import ScopedModelView


def _applies_to(view: Any, context: Any, row: Any, name: str) -> str:
    if row.regency_code is None:
        return _("National default")
    return _("Own list (%(code)s)", code=row.regency_code)


class SharedListView(ScopedModelView):
    """A list of national defaults plus the regency's own rows."""

    list_template = "admin/shared_list.html"
    list_help: Any = ""
    column_formatters = {"regency_code": _applies_to}
    column_formatters_export = {"regency_code": _applies_to}
    # Rows still pointing at an entry: (model column, message with %(num)d) refuse its deletion.
    in_use_by: tuple[Any, Any] | None = None

    def _refuse_national_default(self, row: Any) -> None:
        scope = current_scope()
        if row.regency_code is None and not (scope is None or scope.is_nation):
            raise ValidationError(
                _(
                    "%(name)s is a national default: only a superadmin can change it. "
                    "Add your regency's own entry instead; your regency then uses its own list.",
                    name=row.name,
                )
            )

    def on_model_change(self, form: Any, row: Any, is_created: bool) -> None:
        if not is_created:
            self._refuse_national_default(row)

    def on_model_delete(self, row: Any) -> None:
        self._refuse_national_default(row)
        if self.in_use_by is not None:
            column, (singular, plural) = self.in_use_by
            used = db.session.scalar(sa.select(sa.func.count()).where(column == row.id))
            if used:
                raise ValidationError(ngettext(str(singular), str(plural), used, name=row.name))


class KimLevelView(SharedListView):
    permission = "kim_level"
    list_help = _l(
        "Levels of development a KIM can be given. When your regency adds its own levels, "
        "they replace the national defaults (Pemula, Berkembang, Maju, Mandiri) for your KIM."
    )
    in_use_by = (
        Kim.level_id,
        (
            _l("%(name)s is the level of %(num)d KIM: give it another level first."),
            _l("%(name)s is the level of %(num)d KIM: give them another level first."),
        ),
    )

    column_list = ("position", "name", "regency_code")
    column_export_list = column_list
    column_sortable_list = ("position", "name")
    column_default_sort = [("position", False), ("id", False)]
    column_searchable_list = ("name",)
    column_labels = {"position": _l("Order"), "name": _l("Level"), "regency_code": _l("Applies to")}
    form_columns = ("name", "position")
    form_args = {
        "name": {"validators": [DataRequired()]},
        "position": {"description": _l("Lower numbers come first.")},
    }


class MonevIndicatorView(SharedListView):
    permission = "monev_indicator"
    list_help = _l(
        "Indicators scored at Monev visits, with their weight. When your regency adds its own active "
        "indicators, new assessments use those instead of the national defaults."
    )
    in_use_by = (
        MonevScore.indicator_id,
        (
            _l("%(name)s was scored in %(num)d assessment: deactivate it instead of deleting it."),
            _l("%(name)s was scored in %(num)d assessments: deactivate it instead of deleting it."),
        ),
    )

    column_list = ("position", "name", "weight", "max_score", "active", "regency_code")
    column_export_list = column_list
    column_sortable_list = ("position", "name", "weight", "active")
    column_default_sort = [("position", False), ("id", False)]
    column_searchable_list = ("name",)
    column_filters = ("active",)
    column_labels = {
        "position": _l("Order"),
        "name": _l("Indicator"),
        "weight": _l("Weight (%)"),
        "max_score": _l("Highest score"),
        "active": _l("Active"),
        "regency_code": _l("Applies to"),
    }
    form_columns = ("name", "weight", "max_score", "position", "active")
    form_args = {
        "name": {"validators": [DataRequired()]},
        "weight": {
            "validators": [NumberRange(min=1, max=100, message=_l("The weight is a percentage from 1 to 100."))],
            "description": _l("The total is weighted by these; they need not add up to 100."),
        },
        "max_score": {
            "validators": [NumberRange(min=1, max=1000, message=_l("The highest score must be at least 1."))],
            "default": 100,
        },
    }


__all__ = ["KimLevelView", "MonevIndicatorView", "SharedListView"]
