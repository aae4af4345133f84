"""KIM screens."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload
from wtforms.validators import DataRequired

from ..models.kim import KIM_STATUSES, Kim
from ..models.regions import Village
from .base import ScopedAjaxLoader, ScopedModelView
from .regions import village_picker


class KimView(ScopedModelView):
    permission = "kim"
    list_loader_options = (joinedload(Kim.village).joinedload(Village.district), joinedload(Kim.regency))

    column_list = ("name", "village.name", "village.district.name", "regency.name", "status", "founded_on")
    column_details_list = column_list
    column_export_list = column_list
    column_sortable_list = ("name", "status", "founded_on", ("village.name", "village.name"))
    column_default_sort = [("name", False), ("id", False)]
    column_searchable_list = ("name",)
    column_filters = ("status", "founded_on")
    column_labels = {
        "name": _l("KIM name"),
        "village": _l("Village"),
        "village.name": _l("Village"),
        "village.district.name": _l("District"),
        "regency.name": _l("Regency/City"),
        "status": _l("Status"),
        "founded_on": _l("Date founded"),
    }
    column_choices = {"status": list(KIM_STATUSES.items())}

    form_columns = ("name", "village", "status", "founded_on")
    form_choices = {"status": list(KIM_STATUSES.items())}
    form_args = {
        "name": {"validators": [DataRequired()]},
        "village": {"validators": [DataRequired()]},
    }
    form_ajax_refs = {"village": village_picker("village")}


__all__ = ["KimView", "ScopedAjaxLoader"]
