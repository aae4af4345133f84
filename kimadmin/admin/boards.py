"""Boards (kepengurusan) with their terms and members, and the board member screen.

A board is entered on one screen with its members as inline rows (name, position, dates); the
members' personal data (phone, NIK, birth date) is kept on the board member screen, where it is
masked and validated.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import combinations
from typing import Any

import sqlalchemy as sa
from flask import flash, g, url_for
from flask_admin.model.form import InlineFormAdmin
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy.orm import joinedload
from wtforms import ValidationError

from ..dashboard import latest_board_criterion
from ..domain import reactivate_after_board_renewal
from ..extensions import db
from ..models.boards import Board, BoardMember
from ..models.choices import BOARD_POSITIONS, GENDERS
from ..personal_data import NIK, PHONE
from .base import BIRTH_DATE, ScopedModelView
from .common import (
    check_dates_in_order,
    check_not_in_future,
    check_single_owner,
    check_term,
    choice_label,
    days_value,
    flag_value,
    id_value,
    owner_link,
    owner_text,
    term_end_with_days_left,
)
from .pickers import board_picker, decree_picker, forum_picker, kim_picker

# --- rules ------------------------------------------------------------------------------------


def _service(member: BoardMember, board: Board) -> tuple[date, date]:
    return member.start_on or board.term_start, member.end_on or board.term_end


def check_single_chair(board: Board, saving: BoardMember | None = None) -> None:
    """At most one Ketua serves at any time: a second one whose service overlaps is refused,
    naming the one already serving (the officer records when that one left first)."""
    chairs = [member for member in board.members if member.position == "ketua"]
    for first, second in combinations(chairs, 2):
        first_start, first_end = _service(first, board)
        second_start, second_end = _service(second, board)
        if first_start <= second_end and second_start <= first_end:
            first_is_new = first is saving or not sa.inspect(first).has_identity
            serving, newcomer = (second, first) if first_is_new else (first, second)
            raise ValidationError(
                _(
                    "%(name)s is already the serving Chair of this board (from %(start)s). Enter the date "
                    "%(name)s left before recording %(new)s as Chair.",
                    name=serving.name,
                    start=format_date(_service(serving, board)[0]),
                    new=newcomer.name,
                )
            )


def check_member(member: BoardMember) -> None:
    check_dates_in_order(
        member.start_on, member.end_on, _("%(name)s: the service must end after it starts.", name=member.name)
    )
    check_not_in_future(member.birth_date, _("%(name)s: the birth date cannot be in the future.", name=member.name))
    if member.position == "seksi" and not member.section_name:
        raise ValidationError(_("%(name)s: name the section (seksi) they lead.", name=member.name))


def board_expiring(days: int) -> Any:
    """KIM boards that are their KIM's latest and end within ``days`` (as the dashboard counts)."""
    today = date.today()
    return sa.and_(
        Board.kim_id.is_not(None),
        Board.term_end.between(today, today + timedelta(days=days)),
        latest_board_criterion(Board),
    )


def board_expired() -> Any:
    """KIM boards that are their KIM's latest and whose term has ended: not renewed."""
    return sa.and_(Board.kim_id.is_not(None), Board.term_end < date.today(), latest_board_criterion(Board))


# --- screens ----------------------------------------------------------------------------------

MEMBER_LABELS = {
    "board": _l("Board"),
    "owner": _l("KIM / forum"),
    "name": _l("Name"),
    "gender": _l("Gender"),
    "birth_date": _l("Birth date"),
    "phone": _l("Phone"),
    "nik": _l("NIK"),
    "position": _l("Position"),
    "section_name": _l("Section (for Seksi)"),
    "start_on": _l("Serving from"),
    "end_on": _l("Serving until"),
    "leave_reason": _l("Reason for leaving"),
}
MEMBER_CHOICES = {"gender": list(GENDERS.items()), "position": list(BOARD_POSITIONS.items())}


def _members_link(view: Any, context: Any, board: Board, name: str) -> Any:
    return Markup('<a href="{}">{}</a>').format(url_for("board_member.index_view", board=board.id), _("Members"))


class BoardView(ScopedModelView):
    permission = "board"
    prefill_fields = ("kim", "forum", "decree")
    list_loader_options = (joinedload(Board.kim), joinedload(Board.forum), joinedload(Board.decree))

    column_list = ("owner", "term_start", "term_end", "decree", "members")
    column_details_list = ("owner", "term_start", "term_end", "decree", "notes", "members", "updated_at")
    column_export_list = ("owner", "term_start", "term_end", "decree", "notes")
    column_sortable_list = ("term_start", "term_end", ("owner", "kim.name"))
    column_default_sort = [("term_end", False), ("id", False)]
    column_searchable_list = ("kim.name", "notes")
    column_filters = ("term_start", "term_end")
    column_formatters = {"owner": owner_link, "term_end": term_end_with_days_left, "members": _members_link}
    column_formatters_export = {"owner": owner_text}
    column_labels = {
        "owner": _l("KIM / forum"),
        "kim": _l("KIM"),
        "kim.name": _l("KIM"),
        "forum": _l("FK Metra forum"),
        "decree": _l("Decree (SK)"),
        "term_start": _l("Term start"),
        "term_end": _l("Term end"),
        "notes": _l("Notes"),
        "members": _l("Members"),
        "updated_at": _l("Last changed"),
    }
    url_filters = {
        "expiring": lambda value: board_expiring(days_value(value)),
        "expired": lambda value: flag_value(value) and board_expired(),
        "kim": lambda value: Board.kim_id == id_value(value),
        "forum": lambda value: Board.forum_id == id_value(value),
    }
    url_filter_labels = {
        "expiring": _l("Term ends within (days)"),
        "expired": _l("Term ended, not renewed"),
        "kim": _l("KIM"),
        "forum": _l("FK Metra forum"),
    }

    form_columns = ("kim", "forum", "decree", "term_start", "term_end", "notes", "members")
    form_ajax_refs = {"kim": kim_picker(), "forum": forum_picker(), "decree": decree_picker()}
    form_args = {
        "kim": {"description": _l("For the FK Metra forum's board, leave this empty and choose the forum.")},
        "decree": {"description": _l("The decree (SK) confirming this board, if it is recorded.")},
    }
    inline_models = (
        InlineFormAdmin(
            BoardMember,
            form_columns=("id", "name", "gender", "position", "section_name", "start_on", "end_on", "leave_reason"),
            column_labels=MEMBER_LABELS,
            form_choices=MEMBER_CHOICES,
            form_label=_l("Board member"),
        ),
    )

    def on_model_change(self, form: Any, board: Board, is_created: bool) -> None:
        with db.session.no_autoflush:
            check_single_owner(board.kim, board.forum)
            check_term(board.term_start, board.term_end)
            decree = board.decree
            if decree is not None and (decree.kim is not board.kim or decree.forum is not board.forum):
                raise ValidationError(_("The decree %(number)s belongs to another KIM or forum.", number=decree.number))
            for member in board.members:
                check_member(member)
            check_single_chair(board)
            renewal = reactivate_after_board_renewal(board)
        if renewal is not None:
            db.session.add(renewal)  # the history entry (SQLAlchemy 2 does not cascade backrefs)
            g.kim_reactivated = board.kim.name

    def after_model_change(self, form: Any, board: Board, is_created: bool) -> None:
        name = g.pop("kim_reactivated", None)
        if name:
            flash(_("%(name)s is active again: its board was renewed.", name=name), "success")
        today = date.today()
        serving = [m for m in board.members if m.is_serving(today)]
        if board.is_current(today) and serving and not any(m.position == "ketua" for m in serving):
            flash(_("This board has no serving Chair (Ketua) yet."), "warning")


class BoardMemberView(ScopedModelView):
    permission = "board"
    prefill_fields = ("board",)
    personal_columns = {"phone": PHONE, "nik": NIK, "birth_date": BIRTH_DATE}
    list_loader_options = (
        joinedload(BoardMember.board).joinedload(Board.kim),
        joinedload(BoardMember.board).joinedload(Board.forum),
    )

    column_list = ("name", "position", "owner", "board", "phone", "start_on", "end_on")
    column_details_list = (
        "name",
        "gender",
        "birth_date",
        "phone",
        "nik",
        "position",
        "owner",
        "board",
        "start_on",
        "end_on",
        "leave_reason",
    )
    column_export_list = column_details_list
    column_sortable_list = ("name", "position", "start_on", "end_on")
    column_default_sort = [("board_id", True), ("id", False)]
    column_searchable_list = ("name", "section_name")
    column_filters = ("position", "gender", "start_on", "end_on")
    column_choices = MEMBER_CHOICES
    column_formatters = {
        "owner": lambda view, context, member, name: owner_link(view, context, member.board, name),
        "position": lambda view, context, member, name: member.position_label,
    }
    column_formatters_export = {
        "owner": lambda view, context, member, name: owner_text(view, context, member.board, name),
        "position": lambda view, context, member, name: member.position_label,
        "gender": choice_label(GENDERS),
    }
    column_labels = MEMBER_LABELS
    url_filters = {
        "board": lambda value: BoardMember.board_id == id_value(value),
        "kim": lambda value: BoardMember.board_id.in_(sa.select(Board.id).where(Board.kim_id == id_value(value))),
    }
    url_filter_labels = {"board": _l("Board"), "kim": _l("KIM")}

    form_columns = (
        "board",
        "name",
        "position",
        "section_name",
        "gender",
        "birth_date",
        "phone",
        "nik",
        "start_on",
        "end_on",
        "leave_reason",
    )
    form_choices = MEMBER_CHOICES
    form_ajax_refs = {"board": board_picker()}
    form_args = {
        "phone": {"description": _l("Personal data: shown masked to users without permission.")},
        "nik": {"description": _l("Optional. Sensitive (UU 27/2022): never exported without permission.")},
        "start_on": {"description": _l("Empty: from the start of the board's term.")},
        "end_on": {"description": _l("Empty: until the end of the board's term.")},
    }

    def on_model_change(self, form: Any, member: BoardMember, is_created: bool) -> None:
        with db.session.no_autoflush:
            check_member(member)
            check_single_chair(member.board, saving=member)
