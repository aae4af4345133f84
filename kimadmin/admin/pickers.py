"""AJAX pickers of the domain screens, all scoped (the user's regency) and capped at 20 rows.

Each call builds a new loader: Flask-Admin renames a loader used in an inline form, so one
instance must never serve two fields.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models.boards import Board
from ..models.choices import ART_FORMS, MEDIA_PLATFORMS
from ..models.decrees import Decree
from ..models.fkmetra import FkMetraForum, FkMetraGroup
from ..models.kim import Kim
from ..models.media import MediaChannel
from ..models.regions import Regency
from .base import ScopedAjaxLoader


def _kim_label(kim: Kim) -> str:
    # Eagerly loaded in the picker's list; loaded once for a form's current value.
    return f"{kim.name} ({kim.village.name})" if kim.village is not None else kim.name


def kim_picker(name: str = "kim") -> ScopedAjaxLoader:
    """The user's KIM, searchable by name, shown with their desa."""
    return ScopedAjaxLoader(
        name,
        db.session,
        Kim,
        fields=("name",),
        order_by=Kim.name,
        loader_options=(joinedload(Kim.village),),
        label=_kim_label,
        placeholder=_l("Type a KIM name..."),
        minimum_input_length=0,
    )


def forum_picker(name: str = "forum") -> ScopedAjaxLoader:
    return ScopedAjaxLoader(
        name, db.session, FkMetraForum, fields=("name",), order_by=FkMetraForum.name, minimum_input_length=0
    )


def _group_label(group: FkMetraGroup) -> str:
    return f"{group.name} ({ART_FORMS.get(group.art_form, group.art_form)})"


def group_picker(name: str = "fkmetra_group") -> ScopedAjaxLoader:
    """FK Metra arts groups of the user's regency, shown with their art form."""
    return ScopedAjaxLoader(
        name,
        db.session,
        FkMetraGroup,
        fields=("name",),
        order_by=FkMetraGroup.name,
        label=_group_label,
        placeholder=_l("Type a group name..."),
        minimum_input_length=0,
    )


def _owner_label(row: Any) -> str:
    owner = row.kim if row.kim is not None else getattr(row, "forum", None)
    return str(owner) if owner is not None else ""


def decree_picker(name: str = "decree") -> ScopedAjaxLoader:
    """Decrees, searchable by number or by their KIM's name."""
    return ScopedAjaxLoader(
        name,
        db.session,
        Decree,
        fields=("number", Kim.name),
        joins=(Decree.kim,),
        order_by=Decree.issued_on.desc(),
        loader_options=(joinedload(Decree.kim), joinedload(Decree.forum)),
        label=lambda decree: f"{decree} — {_owner_label(decree)}",
        placeholder=_l("Type a decree number or KIM name..."),
        minimum_input_length=0,
    )


def board_picker(name: str = "board") -> ScopedAjaxLoader:
    """Boards, searchable by their KIM's name, shown as "KIM Manteb 2021-2024"."""
    return ScopedAjaxLoader(
        name,
        db.session,
        Board,
        fields=(Kim.name,),
        joins=(Board.kim,),
        order_by=Board.term_start.desc(),
        loader_options=(joinedload(Board.kim), joinedload(Board.forum)),
        label=lambda board: f"{_owner_label(board)} {board}",
        placeholder=_l("Type a KIM name..."),
        minimum_input_length=0,
    )


def _channel_label(channel: MediaChannel) -> str:
    platform = MEDIA_PLATFORMS.get(channel.platform, channel.platform)
    return f"{_owner_label(channel)}: {platform} {channel.handle}"


def channel_picker(name: str = "channel") -> ScopedAjaxLoader:
    return ScopedAjaxLoader(
        name,
        db.session,
        MediaChannel,
        fields=("handle", Kim.name),
        joins=(MediaChannel.kim,),
        order_by=MediaChannel.id,
        loader_options=(joinedload(MediaChannel.kim),),
        label=_channel_label,
        minimum_input_length=0,
    )


def any_regency_picker(name: str) -> ScopedAjaxLoader:
    """Any regency/city of Indonesia (a study visit's partner may come from anywhere)."""
    return ScopedAjaxLoader(
        name,
        db.session,
        Regency,
        fields=("name", "code"),
        order_by=Regency.code,
        loader_options=(joinedload(Regency.province),),
        label=lambda regency: f"{regency.name}, {regency.province.name} ({regency.code})",
        any_region=True,
        placeholder=_l("Type a regency/city name..."),
        minimum_input_length=0,
    )


__all__ = [
    "any_regency_picker",
    "board_picker",
    "channel_picker",
    "decree_picker",
    "forum_picker",
    "group_picker",
    "kim_picker",
]
