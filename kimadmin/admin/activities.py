"""Activities (kegiatan) with participating KIM / FK Metra groups, and study visits.

Study visits (studi tiru / studi banding) are activities of kind ``studi_tiru``, kept on their own
screen (endpoint ``study_visit``) because they carry different facts: the direction and the
partner agency with its regency, which may be anywhere in Indonesia.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from flask import redirect, request, url_for
from flask_admin import expose
from flask_admin.model.form import InlineFormAdmin
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy.orm import joinedload, selectinload
from wtforms import ValidationError
from wtforms.validators import DataRequired, NumberRange, Optional

from ..models.activities import Activity, ActivityParticipant
from ..models.choices import ACTIVITY_KINDS, BUDGET_SOURCES, ORGANISERS, STUDY_VISIT_DIRECTIONS
from .base import ScopedModelView
from .common import check_dates_in_order, choice_label, choice_value, id_value
from .pickers import any_regency_picker, group_picker, kim_picker

STUDY_VISIT = "studi_tiru"
NOT_NEGATIVE = NumberRange(min=0, message=_l("Enter a number of zero or more."))


def month_criterion(value: str) -> Any:
    """``2024-10``: activities starting in that month."""
    year, month = (int(part) for part in value.split("-"))
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return sa.and_(Activity.start_on >= first, Activity.start_on < following)


def took_part(column: Any, value: str) -> Any:
    return Activity.participants.any(column == id_value(value))


def _participants(view: Any, context: Any, activity: Activity, name: str) -> Any:
    rows = [
        Markup("<li>{} ({}{})</li>").format(
            participant,
            _("attended") if participant.attended else _("absent"),
            f", {participant.attendees}" if participant.attendees else "",
        )
        for participant in activity.participants
    ]
    return Markup("<ul class='mb-0'>{}</ul>").format(Markup("").join(rows)) if rows else ""


ACTIVITY_LABELS = {
    "kind": _l("Kind"),
    "title": _l("Title"),
    "start_on": _l("Date"),
    "end_on": _l("Until"),
    "place": _l("Place"),
    "organiser": _l("Organiser"),
    "organiser_name": _l("Organiser's name"),
    "theme": _l("Theme"),
    "headcount": _l("Headcount"),
    "budget": _l("Budget (Rp)"),
    "budget_source": _l("Budget source"),
    "documentation_url": _l("Documentation (link)"),
    "notes": _l("Notes"),
    "participants": _l("Participants"),
    "direction": _l("Direction"),
    "partner_agency": _l("Partner agency"),
    "partner_regency": _l("Partner regency/city"),
    "partner_regency.name": _l("Partner regency/city"),
    "topic": _l("Topic"),
    "regency": _l("Regency/City"),
    "updated_at": _l("Last changed"),
}
_NUMBERS = {
    "headcount": {"validators": [Optional(), NOT_NEGATIVE]},
    "budget": {"validators": [Optional(), NOT_NEGATIVE]},
}
_CHOICES = {"organiser": list(ORGANISERS.items()), "budget_source": list(BUDGET_SOURCES.items())}


class ActivityView(ScopedModelView):
    permission = "activity"
    details_loader_options = (
        selectinload(Activity.participants).joinedload(ActivityParticipant.kim),
        selectinload(Activity.participants).joinedload(ActivityParticipant.fkmetra_group),
    )

    column_list = ("start_on", "title", "kind", "place", "organiser", "headcount")
    column_details_list = (
        *column_list,
        "end_on",
        "organiser_name",
        "theme",
        "participants",
        "budget",
        "budget_source",
        "documentation_url",
        "notes",
        "updated_at",
    )
    column_export_list = (*column_list, "end_on", "organiser_name", "theme", "budget", "budget_source")
    column_sortable_list = ("start_on", "title", "kind", "headcount")
    column_default_sort = [("start_on", True), ("id", True)]
    column_searchable_list = ("title", "place", "theme", "organiser_name")
    column_filters = ("kind", "start_on", "organiser", "budget_source")
    column_choices = {"kind": list(ACTIVITY_KINDS.items()), **_CHOICES}
    column_formatters = {"participants": _participants}
    column_formatters_export = {
        "kind": choice_label(ACTIVITY_KINDS),
        "organiser": choice_label(ORGANISERS),
        "budget_source": choice_label(BUDGET_SOURCES),
    }
    column_labels = ACTIVITY_LABELS
    url_filters = {
        "month": month_criterion,
        "kind": lambda value: Activity.kind == choice_value(ACTIVITY_KINDS)(value),
        "kim": lambda value: took_part(ActivityParticipant.kim_id, value),
        "fkmetra_group": lambda value: took_part(ActivityParticipant.fkmetra_group_id, value),
    }
    url_filter_labels = {
        "month": _l("Month"),
        "kind": _l("Kind"),
        "kim": _l("KIM"),
        "fkmetra_group": _l("FK Metra group"),
    }

    form_columns = (
        "kind",
        "title",
        "start_on",
        "end_on",
        "place",
        "organiser",
        "organiser_name",
        "theme",
        "participants",
        "headcount",
        "budget",
        "budget_source",
        "documentation_url",
        "notes",
    )
    form_choices = {"kind": [item for item in ACTIVITY_KINDS.items() if item[0] != STUDY_VISIT], **_CHOICES}
    form_args = {
        **_NUMBERS,
        "kind": {"description": _l("Study visits are recorded under Study visits.")},
        "organiser_name": {"description": _l("E.g. the office or KIM that organised it.")},
    }
    inline_models = (
        InlineFormAdmin(
            ActivityParticipant,
            form_columns=("id", "kim", "fkmetra_group", "attended", "attendees", "notes"),
            form_ajax_refs={"kim": kim_picker(), "fkmetra_group": group_picker()},
            form_args={"attendees": {"validators": [Optional(), NOT_NEGATIVE]}},
            column_labels={
                "kim": _l("KIM"),
                "fkmetra_group": _l("or FK Metra group"),
                "attended": _l("Attended"),
                "attendees": _l("People attending"),
                "notes": _l("Notes"),
            },
            form_label=_l("Participant"),
        ),
    )

    def create_form(self, obj: Any = None) -> Any:
        form = super().create_form(obj)
        kim_id = request.args.get("kim", "")
        loader = self._form_ajax_refs.get("activityparticipant-kim")
        if request.method == "GET" and kim_id and loader is not None:
            kim = loader.get_one(kim_id)  # scoped: another regency's KIM is simply not added
            if kim is not None:
                form.participants.append_entry(SimpleNamespace(kim=kim, attended=True))
        return form

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self) -> Any:
        activity = self.get_one(request.args.get("id"))
        if activity.kind == STUDY_VISIT:
            return redirect(url_for("study_visit.edit_view", id=activity.id, url=request.args.get("url")))
        return super().edit_view()

    def on_model_change(self, form: Any, activity: Activity, is_created: bool) -> None:
        check_dates_in_order(activity.start_on, activity.end_on, _("The activity must end on or after its start."))
        for participant in list(activity.participants):
            empty = participant.kim is None and participant.fkmetra_group is None
            if empty and not sa.inspect(participant).has_identity:
                activity.participants.remove(participant)  # an "Add" clicked once too often
        seen: set[Any] = set()
        for participant in activity.participants:
            if (participant.kim is None) == (participant.fkmetra_group is None):
                raise ValidationError(_("Each participant row needs either a KIM or an FK Metra group (not both)."))
            key = participant.kim or participant.fkmetra_group
            if key in seen:
                raise ValidationError(_("%(name)s is listed twice among the participants.", name=key))
            seen.add(key)


class StudyVisitView(ScopedModelView):
    permission = "activity"
    list_loader_options = (joinedload(Activity.partner_regency),)

    column_list = ("start_on", "direction", "partner_agency", "partner_regency.name", "title", "topic")
    column_details_list = (*column_list, "end_on", "place", "headcount", "budget", "budget_source", "notes")
    column_export_list = column_details_list
    column_sortable_list = ("start_on", "direction", "partner_agency")
    column_default_sort = [("start_on", True), ("id", True)]
    column_searchable_list = ("partner_agency", "title", "topic")
    column_filters = ("direction", "start_on")
    column_choices = {"direction": list(STUDY_VISIT_DIRECTIONS.items()), **_CHOICES}
    column_formatters_export = {"direction": choice_label(STUDY_VISIT_DIRECTIONS)}
    column_labels = {**ACTIVITY_LABELS, "title": _l("Title"), "start_on": _l("Date of the visit")}
    url_filters = {
        "direction": lambda value: Activity.direction == choice_value(STUDY_VISIT_DIRECTIONS)(value),
        "month": month_criterion,
    }
    url_filter_labels = {"direction": _l("Direction"), "month": _l("Month")}

    form_columns = (
        "direction",
        "partner_agency",
        "partner_regency",
        "title",
        "start_on",
        "end_on",
        "topic",
        "place",
        "headcount",
        "budget",
        "budget_source",
        "documentation_url",
        "notes",
    )
    form_choices = {"direction": list(STUDY_VISIT_DIRECTIONS.items()), **_CHOICES}
    form_ajax_refs = {"partner_regency": any_regency_picker("partner_regency")}
    form_args = {
        **_NUMBERS,
        "direction": {"validators": [DataRequired()]},
        "partner_agency": {
            "validators": [DataRequired()],
            "description": _l("E.g. Diskominfo SP Kota Surakarta."),
        },
        "partner_regency": {"validators": [DataRequired()]},
        "title": {"description": _l("E.g. Studi tiru pembentukan KIM.")},
    }

    def get_query(self) -> Any:
        return super().get_query().filter(Activity.kind == STUDY_VISIT)

    def get_count_query(self) -> Any:
        return super().get_count_query().filter(Activity.kind == STUDY_VISIT)

    def on_model_change(self, form: Any, visit: Activity, is_created: bool) -> None:
        visit.kind = STUDY_VISIT
        check_dates_in_order(visit.start_on, visit.end_on, _("The visit must end on or after its start."))
