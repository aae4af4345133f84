"""Monev (monitoring and evaluation) visits: one score per indicator, a weighted total and the
status it suggests.

The indicators are the regency's own active list when it has one, else the national defaults
(:func:`effective_indicators`); the form gets one score field per indicator, each checked against
that indicator's range.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import flash, request
from flask_admin.helpers import get_form_data
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy.orm import joinedload, selectinload
from wtforms import IntegerField, ValidationError
from wtforms.validators import InputRequired, NumberRange, Optional

from ..extensions import db
from ..models.choices import KIM_STATUSES
from ..models.monev import MonevAssessment, MonevIndicator, MonevScore
from ..tenancy import current_scope
from .base import ScopedModelView
from .common import check_not_in_future, choice_label, id_value, owner_link
from .pickers import kim_picker

SCORE_PREFIX = "score_"


def effective_indicators(regency_code: str | None) -> list[MonevIndicator]:
    """The active indicators a regency assesses with: its own list if it has one, else the defaults."""
    query = (
        sa.select(MonevIndicator)
        .where(MonevIndicator.active.is_(True))
        .order_by(MonevIndicator.position, MonevIndicator.id)
    )
    if regency_code:
        own = list(db.session.scalars(query.where(MonevIndicator.regency_code == regency_code)))
        if own:
            return own
    return list(db.session.scalars(query.where(MonevIndicator.regency_code.is_(None))))


def _score_field(indicator: MonevIndicator, required: bool) -> Any:
    range_message = _(
        "%(indicator)s: the score must be between 0 and %(max)d.", indicator=indicator.name, max=indicator.max_score
    )
    presence = InputRequired(message=_("%(indicator)s: enter a score.", indicator=indicator.name))
    return IntegerField(
        _("%(indicator)s (weight %(weight)d%%, 0-%(max)d)", **_describe(indicator)),
        validators=[
            presence if required else Optional(),
            NumberRange(min=0, max=indicator.max_score, message=range_message),
        ],
    )


def _describe(indicator: MonevIndicator) -> dict[str, Any]:
    return {"indicator": indicator.name, "weight": indicator.weight, "max": indicator.max_score}


def _scores(view: Any, context: Any, assessment: MonevAssessment, name: str) -> Any:
    rows = [
        Markup("<li>{}: {} / {}</li>").format(score.indicator.name, score.value, score.indicator.max_score)
        for score in sorted(assessment.scores, key=lambda score: (score.indicator.position, score.indicator.id))
        if score.value is not None
    ]
    return Markup("<ul class='mb-0'>{}</ul>").format(Markup("").join(rows)) if rows else ""


class MonevView(ScopedModelView):
    permission = "monev"
    prefill_fields = ("kim",)
    list_loader_options = (joinedload(MonevAssessment.kim),)
    details_loader_options = (selectinload(MonevAssessment.scores).joinedload(MonevScore.indicator),)

    column_list = ("visited_on", "kim", "period", "total", "suggested_status", "assessors")
    column_details_list = (*column_list, "scores", "evidence", "obstacles", "recommendations", "follow_up")
    column_export_list = ("visited_on", "kim.name", "period", "total", "suggested_status", "assessors")
    column_sortable_list = ("visited_on", "period", "total", ("kim", "kim.name"))
    column_default_sort = [("visited_on", True), ("id", True)]
    column_searchable_list = ("period", "assessors", "kim.name")
    column_filters = ("period", "visited_on", "suggested_status", "total")
    column_choices = {"suggested_status": list(KIM_STATUSES.items())}
    column_formatters = {"kim": owner_link, "scores": _scores}
    column_formatters_export = {"suggested_status": choice_label(KIM_STATUSES)}
    column_labels = {
        "visited_on": _l("Visit date"),
        "kim": _l("KIM"),
        "kim.name": _l("KIM"),
        "period": _l("Period"),
        "assessors": _l("Assessors"),
        "total": _l("Total (0-100)"),
        "suggested_status": _l("Suggested status"),
        "scores": _l("Scores"),
        "evidence": _l("Evidence"),
        "obstacles": _l("Obstacles"),
        "recommendations": _l("Recommendations"),
        "follow_up": _l("Follow-up"),
    }
    url_filters = {
        "kim": lambda value: MonevAssessment.kim_id == id_value(value),
        "period": lambda value: MonevAssessment.period == value,
    }
    url_filter_labels = {"kim": _l("KIM"), "period": _l("Period")}

    form_columns = ("kim", "period", "visited_on", "assessors", "evidence", "obstacles", "recommendations", "follow_up")
    form_ajax_refs = {"kim": kim_picker()}
    form_args = {
        "period": {"description": _l("E.g. 2024, or 2024-S2 for the second semester.")},
        "assessors": {"description": _l("Names of the officers who visited.")},
    }

    # --- one score field per indicator ---------------------------------------------------------
    def create_form(self, obj: Any = None) -> Any:
        form = super().create_form(obj)
        scope = current_scope()
        if scope is not None and scope.level == "regency":
            regency = scope.code
        else:  # above one regency: the indicators of the chosen KIM's regency
            kim = form.kim.data if "kim" in form else None
            regency = kim.regency_code if kim is not None else None
        return self._add_score_fields(form, effective_indicators(regency), {}, required=True)

    def edit_form(self, obj: Any = None) -> Any:
        form = super().edit_form(obj)
        scored = {score.indicator: score.value for score in obj.scores}
        indicators = list(scored)
        indicators += [i for i in effective_indicators(obj.regency_code) if i not in scored]
        indicators.sort(key=lambda indicator: (indicator.position, indicator.id))
        return self._add_score_fields(form, indicators, scored, required=False)

    def _add_score_fields(self, form: Any, indicators: list[MonevIndicator], values: dict, required: bool) -> Any:
        formdata = get_form_data()
        form.kim_indicators = indicators
        fields = dict(form._fields)
        position = list(fields).index("assessors") + 1 if "assessors" in fields else len(fields)
        ordered = list(fields.items())
        for offset, indicator in enumerate(indicators):
            name = f"{SCORE_PREFIX}{indicator.id}"
            unbound = _score_field(indicator, required or indicator in values)
            options = {"name": name, "prefix": form._prefix, "translations": form.meta.get_translations(form)}
            field = form.meta.bind_field(form, unbound, options)
            field.process(formdata, values.get(indicator))
            ordered.insert(position + offset, (name, field))
        form._fields = dict(ordered)
        return form

    def on_model_change(self, form: Any, assessment: MonevAssessment, is_created: bool) -> None:
        check_not_in_future(assessment.visited_on, _("The visit date cannot be in the future."))
        with db.session.no_autoflush:
            existing = {score.indicator_id: score for score in assessment.scores}
            for indicator in getattr(form, "kim_indicators", []):
                field = form[f"{SCORE_PREFIX}{indicator.id}"]
                if field.data is not None and not 0 <= field.data <= indicator.max_score:
                    raise ValidationError(field.validators[-1].message)
                score = existing.get(indicator.id)
                if score is None:
                    if field.data is None:
                        continue
                    score = MonevScore(indicator=indicator)
                    assessment.scores.append(score)
                score.value = field.data
            assessment.compute()

    def after_model_change(self, form: Any, assessment: MonevAssessment, is_created: bool) -> None:
        if assessment.total is not None and request.method == "POST":
            status = KIM_STATUSES.get(assessment.suggested_status or "", assessment.suggested_status)
            flash(_("Total score %(total)s: suggests the status %(status)s.", total=assessment.total, status=status))
