"""FK Metra: the regency forum, its traditional-arts groups and their performances."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy.orm import joinedload, selectinload
from wtforms import ValidationError
from wtforms.validators import NumberRange, Optional

from ..models.choices import ART_FORMS, GROUP_STATUSES
from ..models.fkmetra import FkMetraForum, FkMetraGroup, FkMetraPerformance
from ..models.regions import Village
from .base import ScopedModelView
from .common import check_not_in_future, choice_label, choice_value, id_value
from .pickers import group_picker
from .regions import village_picker

NOT_NEGATIVE = NumberRange(min=0, message=_l("Enter a number of zero or more."))


def _forum_links(view: Any, context: Any, forum: FkMetraForum, name: str) -> Any:
    links = (
        ("decree.index_view", _("Decrees (SK)")),
        ("board.index_view", _("Boards")),
    )
    return Markup(" · ").join(
        Markup('<a href="{}">{}</a>').format(url_for(endpoint, forum=forum.id), label) for endpoint, label in links
    )


class FkMetraForumView(ScopedModelView):
    permission = "fkmetra"

    column_list = ("name", "formed_on", "address", "records")
    column_details_list = ("name", "formed_on", "address", "notes", "records")
    column_export_list = ("name", "formed_on", "address", "notes")
    column_sortable_list = ("name", "formed_on")
    column_default_sort = [("name", False), ("id", False)]
    column_searchable_list = ("name",)
    column_formatters = {"records": _forum_links}
    column_labels = {
        "name": _l("Forum name"),
        "formed_on": _l("Formed on"),
        "address": _l("Secretariat address"),
        "notes": _l("Notes"),
        "records": _l("Decrees and boards"),
    }

    form_columns = ("name", "formed_on", "address", "notes")
    form_args = {"formed_on": {"description": _l("Date of the Bupati/Walikota decree forming the forum.")}}

    def on_model_change(self, form: Any, forum: FkMetraForum, is_created: bool) -> None:
        check_not_in_future(forum.formed_on, _("The forming date cannot be in the future."))


class FkMetraGroupView(ScopedModelView):
    permission = "fkmetra"
    prefill_fields = ("village",)
    list_loader_options = (joinedload(FkMetraGroup.village).joinedload(Village.district),)

    column_list = ("name", "art_form", "village.name", "village.district.name", "leader_name", "performers", "status")
    column_details_list = (*column_list, "notes")
    column_export_list = column_details_list
    column_sortable_list = ("name", "art_form", "performers", "status", ("village.name", "village.name"))
    column_default_sort = [("name", False), ("id", False)]
    column_searchable_list = ("name", "leader_name")
    column_filters = ("art_form", "status", "performers")
    column_choices = {"art_form": list(ART_FORMS.items()), "status": list(GROUP_STATUSES.items())}
    column_formatters_export = {"art_form": choice_label(ART_FORMS), "status": choice_label(GROUP_STATUSES)}
    column_labels = {
        "name": _l("Group name"),
        "art_form": _l("Art form"),
        "village": _l("Village"),
        "village.name": _l("Village"),
        "village.district.name": _l("District"),
        "leader_name": _l("Leader"),
        "performers": _l("Performers"),
        "status": _l("Status"),
        "notes": _l("Notes"),
    }
    url_filters = {
        "art_form": lambda value: FkMetraGroup.art_form == choice_value(ART_FORMS)(value),
        "status": lambda value: FkMetraGroup.status == choice_value(GROUP_STATUSES)(value),
    }
    url_filter_labels = {"art_form": _l("Art form"), "status": _l("Status")}

    form_columns = ("name", "art_form", "village", "leader_name", "performers", "status", "notes")
    form_choices = {"art_form": list(ART_FORMS.items()), "status": list(GROUP_STATUSES.items())}
    form_ajax_refs = {"village": village_picker("village")}
    form_args = {"performers": {"validators": [Optional(), NOT_NEGATIVE]}}


def _groups(view: Any, context: Any, performance: FkMetraPerformance, name: str) -> str:
    return ", ".join(group.name for group in performance.groups)


class FkMetraPerformanceView(ScopedModelView):
    permission = "fkmetra"
    prefill_fields = ("groups",)
    details_loader_options = (selectinload(FkMetraPerformance.groups),)

    column_list = ("performed_on", "message_theme", "place", "requesting_office", "audience")
    column_details_list = (*column_list, "groups", "documentation_url", "notes")
    column_export_list = column_list
    column_sortable_list = ("performed_on", "message_theme", "audience")
    column_default_sort = [("performed_on", True), ("id", True)]
    column_searchable_list = ("message_theme", "place", "requesting_office")
    column_filters = ("performed_on", "requesting_office")
    column_formatters = {"groups": _groups}
    column_labels = {
        "performed_on": _l("Date"),
        "message_theme": _l("Message theme"),
        "place": _l("Place"),
        "requesting_office": _l("Requested by (office)"),
        "audience": _l("Audience"),
        "groups": _l("Groups performing"),
        "documentation_url": _l("Documentation (link)"),
        "notes": _l("Notes"),
    }
    url_filters = {
        "fkmetra_group": lambda value: FkMetraPerformance.groups.any(FkMetraGroup.id == id_value(value)),
    }
    url_filter_labels = {"fkmetra_group": _l("Group")}

    form_columns = (
        "performed_on",
        "message_theme",
        "requesting_office",
        "place",
        "groups",
        "audience",
        "documentation_url",
        "notes",
    )
    form_ajax_refs = {"groups": group_picker("groups")}
    form_args = {
        "audience": {"validators": [Optional(), NOT_NEGATIVE]},
        "message_theme": {"description": _l("E.g. stunting prevention.")},
        "requesting_office": {"description": _l("The office that booked the performance, e.g. Dinas Kesehatan.")},
    }

    def on_model_change(self, form: Any, performance: FkMetraPerformance, is_created: bool) -> None:
        # The groups list is many-to-many, which the tenancy reference check does not cover.
        regency = performance.tenant_regency_code()
        foreign = [group.name for group in performance.groups if regency and group.regency_code != regency]
        if foreign:
            raise ValidationError(_("%(groups)s belong to another regency.", groups=", ".join(foreign)))
