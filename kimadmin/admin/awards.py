"""Awards: placings won by a KIM, an FK Metra group or the regency itself (rank 1-6 with its label)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload
from wtforms import SelectField, ValidationError
from wtforms.validators import NumberRange

from ..models.awards import Award
from ..models.choices import AWARD_LEVELS, AWARD_WINNERS, DEFAULT_RANK_LABELS
from .base import ScopedModelView
from .common import choice_label, choice_value, id_value
from .pickers import group_picker, kim_picker

FIRST_YEAR = 2000


class WinnerKindField(SelectField):
    """Who won: a form-only choice that decides which picker counts (nothing stored itself)."""

    def populate_obj(self, obj: Any, name: str) -> None:
        pass


def rank_choices() -> list[tuple[int, str]]:
    return [(rank, f"{rank} — {label}") for rank, label in DEFAULT_RANK_LABELS.items()]


def year_value(value: str) -> int:
    year = int(value)
    if not FIRST_YEAR <= year <= date.today().year + 1:
        raise ValueError(value)
    return year


class AwardView(ScopedModelView):
    permission = "award"
    prefill_fields = ("kim", "fkmetra_group")
    list_loader_options = (joinedload(Award.kim), joinedload(Award.fkmetra_group), joinedload(Award.regency))

    column_list = ("year", "contest_name", "level", "winner_label", "label", "work_title")
    column_details_list = (*column_list, "organiser", "category", "rank", "prize", "updated_at")
    column_export_list = (*column_list, "organiser", "category", "rank", "prize")
    column_sortable_list = ("year", "contest_name", "level", "rank")
    column_default_sort = [("year", True), ("rank", False), ("id", False)]
    column_searchable_list = ("contest_name", "work_title", "organiser", "category", "kim.name")
    column_filters = ("year", "level", "rank", "organiser")
    column_choices = {"level": list(AWARD_LEVELS.items())}
    column_formatters_export = {"level": choice_label(AWARD_LEVELS)}
    column_labels = {
        "year": _l("Year"),
        "contest_name": _l("Contest"),
        "level": _l("Level"),
        "winner_label": _l("Winner"),
        "winner_kind": _l("Won by"),
        "kim": _l("KIM"),
        "kim.name": _l("KIM"),
        "fkmetra_group": _l("FK Metra group"),
        "label": _l("Placing"),
        "rank": _l("Rank"),
        "rank_label": _l("Placing as published"),
        "work_title": _l("Title of the work"),
        "organiser": _l("Organiser"),
        "category": _l("Category"),
        "prize": _l("Prize"),
        "updated_at": _l("Last changed"),
    }
    url_filters = {
        "year": lambda value: Award.year == year_value(value),
        "level": lambda value: Award.level == choice_value(AWARD_LEVELS)(value),
        "kim": lambda value: Award.kim_id == id_value(value),
        "fkmetra_group": lambda value: Award.fkmetra_group_id == id_value(value),
    }
    url_filter_labels = {"year": _l("Year"), "level": _l("Level"), "kim": _l("KIM"), "fkmetra_group": _l("Group")}

    form_columns = (
        "winner_kind",
        "kim",
        "fkmetra_group",
        "contest_name",
        "level",
        "organiser",
        "year",
        "category",
        "rank",
        "rank_label",
        "work_title",
        "prize",
    )
    form_extra_fields = {
        "winner_kind": WinnerKindField(_l("Won by"), choices=list(AWARD_WINNERS.items()), default="kim"),
        "rank": SelectField(
            _l("Rank"),
            coerce=int,
            choices=rank_choices,
            validate_choice=False,
            validators=[NumberRange(min=1, max=6, message=_l("The rank must be from 1 (Juara I) to 6 (Harapan III)."))],
        ),
    }
    form_choices = {"level": list(AWARD_LEVELS.items())}
    form_ajax_refs = {"kim": kim_picker(), "fkmetra_group": group_picker()}
    form_args = {
        "year": {
            "validators": [NumberRange(min=FIRST_YEAR, max=2100, message=_l("Enter the year of the contest."))],
            "default": lambda: date.today().year,
        },
        "rank_label": {"description": _l("Only if the contest used another label; empty: Juara I, Harapan I...")},
        "organiser": {"description": _l("E.g. Diskominfo Provinsi Jawa Tengah.")},
    }

    def create_form(self, obj: Any = None) -> Any:
        form = super().create_form(obj)
        if request.method == "GET" and form.fkmetra_group.data is not None and form.kim.data is None:
            form.winner_kind.data = "fkmetra_group"
        return form

    def edit_form(self, obj: Any = None) -> Any:
        form = super().edit_form(obj)
        if request.method == "GET" and obj is not None:
            form.winner_kind.data = "kim" if obj.kim_id else "fkmetra_group" if obj.fkmetra_group_id else "regency"
        return form

    def on_model_change(self, form: Any, award: Award, is_created: bool) -> None:
        winner = form.winner_kind.data
        if winner == "kim" and award.kim is None:
            raise ValidationError(_("Choose the KIM that won, or change who won."))
        if winner == "fkmetra_group" and award.fkmetra_group is None:
            raise ValidationError(_("Choose the FK Metra group that won, or change who won."))
        if winner != "kim":
            award.kim = None
        if winner != "fkmetra_group":
            award.fkmetra_group = None
        if not 1 <= (award.rank or 0) <= 6:
            raise ValidationError(_("The rank must be from 1 (Juara I) to 6 (Harapan III)."))
        if award.year is not None and award.year > date.today().year:
            raise ValidationError(_("The award year cannot be in the future."))
        award.rank_label = (award.rank_label or "").strip() or None
