"""KIM screens: the list an officer filters, the form, guarded deletion and the KIM page.

The KIM page (``/admin/kim/details/?id=``) is the screen an officer works from: it shows the
KIM's current SK and board, its history and what it took part in, with links to add each kind of
record through the other screens (prefilled with this KIM). It is loaded in a fixed number of SQL
statements whatever the amount of history (one ``selectinload`` per collection).

The named list filters (``?status=inactive``, ``?board=expiring``, ...) are built from the public
``*_criterion`` functions below, so the dashboard can count with exactly the same predicates as
the list it links to.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, partial
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.form import DatePickerWidget, rules
from flask_admin.helpers import flash_errors, get_redirect_target
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import aliased, joinedload, selectinload
from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from ..domain import change_status
from ..extensions import db
from ..models.activities import Activity, ActivityParticipant
from ..models.awards import Award
from ..models.boards import Board, BoardMember
from ..models.choices import (
    ACTIVE_STATUSES,
    ACTIVITY_KINDS,
    AWARD_LEVELS,
    BOARD_DECREE_KINDS,
    CONTENT_KINDS,
    KIM_STATUSES,
    MEDIA_PLATFORMS,
)
from ..models.decrees import Decree
from ..models.kim import Kim, KimLevel, KimStatusChange
from ..models.media import ContentItem, MediaChannel
from ..models.monev import MonevAssessment
from ..models.regions import Regency, Village, regency_code_of
from ..models.users import User
from ..personal_data import PHONE, mask
from ..tenancy import current_scope
from ..uploads import LogoUploadField, files_follow_transaction, image_kind, pending_files, send_logo
from .base import ScopedAjaxLoader, ScopedModelView, coerce_pk
from .regions import village_picker

__all__ = [
    "EXPIRING_WITHIN_DAYS",
    "KIM_ATTACHMENTS",
    "KimPage",
    "KimView",
    "ScopedAjaxLoader",
    "attachment_counts",
    "board_criterion",
    "current_board",
    "district_criterion",
    "effective_level_criterion",
    "idle_criterion",
    "kimid_criterion",
    "level_criterion",
    "province_criterion",
    "regency_criterion",
    "safe_url",
    "status_criterion",
    "village_criterion",
]

EXPIRING_WITHIN_DAYS = 90
MAX_IDLE_DAYS = 3650
PROVINCE_CODE = re.compile(r"\d{2}")
REGENCY_CODE = re.compile(r"\d{2}\.\d{2}")
DISTRICT_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}")
VILLAGE_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}")
STATUS_BADGES = {"aktif": "success", "kurang_aktif": "warning", "tidak_aktif": "danger", "dibekukan": "dark"}


# --- named list filters (also what the dashboard counts) ----------------------------------------
def status_criterion(value: str) -> Any:
    """One of the four statuses, ``active`` (*aktif* or *kurang aktif*, the dashboard's "active"),
    or ``inactive``: neither *aktif* nor *kurang aktif*."""
    if value == "active":
        return Kim.status.in_(ACTIVE_STATUSES)
    if value == "inactive":
        return Kim.status.not_in(ACTIVE_STATUSES)
    if value in KIM_STATUSES:
        return Kim.status == value
    raise ValueError(value)


def district_criterion(code: str) -> Any:
    """KIM whose desa lies in kecamatan ``code`` (``33.13.09``)."""
    if not DISTRICT_CODE.fullmatch(code):
        raise ValueError(code)
    return sa.select(Village.code).where(Village.code == Kim.village_code, Village.district_code == code).exists()


def regency_criterion(code: str) -> Any:
    """KIM of regency/city ``code`` (``33.13``): for province and national users' breakdowns."""
    if not REGENCY_CODE.fullmatch(code):
        raise ValueError(code)
    return Kim.regency_code == code


def province_criterion(code: str) -> Any:
    if not PROVINCE_CODE.fullmatch(code):
        raise ValueError(code)
    return sa.select(Regency.code).where(Regency.code == Kim.regency_code, Regency.province_code == code).exists()


def village_criterion(code: str) -> Any:
    if not VILLAGE_CODE.fullmatch(code):
        raise ValueError(code)
    return Kim.village_code == code


def level_criterion(value: str) -> Any:
    """A level id, or ``none`` for KIM without a level."""
    if value == "none":
        return Kim.level_id.is_(None)
    return Kim.level_id == int(value)


def _filled(column: Any) -> Any:
    return sa.and_(column.is_not(None), sa.func.trim(column) != "")


def kimid_criterion(value: str) -> Any:
    """``yes``: registered on kim.id (a registration number or a kim.id site); ``no``: neither."""
    registered = sa.or_(_filled(Kim.kimid_number), _filled(Kim.kimid_url))
    if value == "yes":
        return registered
    if value == "no":
        return sa.not_(registered)
    raise ValueError(value)


def _boards_of_kim(*criteria: Any) -> Any:
    return sa.select(Board.id).where(Board.kim_id == Kim.id, *criteria).exists()


def board_criterion(value: str, today: date | None = None) -> Any:
    """Board terms, as an officer reads them.

    * ``expiring``: the running board's term ends within 90 days and no later board is recorded
      (a renewal already entered is not a reminder any more);
    * ``expired``: boards were recorded but the latest term has ended (nothing runs today or later);
    * ``none``: no board recorded at all.
    """
    today = today or date.today()
    horizon = today + timedelta(days=EXPIRING_WITHIN_DAYS)
    if value == "expiring":
        return sa.and_(
            _boards_of_kim(Board.term_start <= today, Board.term_end >= today, Board.term_end <= horizon),
            sa.not_(_boards_of_kim(Board.term_end > horizon)),
        )
    if value == "expired":
        return sa.and_(_boards_of_kim(), sa.not_(_boards_of_kim(Board.term_end >= today)))
    if value == "none":
        return sa.not_(_boards_of_kim())
    raise ValueError(value)


def idle_criterion(value: str, today: date | None = None) -> Any:
    """No attended activity and no content dated in the last ``value`` days (e.g. ``180``)."""
    days = int(value)
    if not 0 < days <= MAX_IDLE_DAYS:
        raise ValueError(value)
    today = today or date.today()
    since = today - timedelta(days=days)
    took_part = (
        sa.select(ActivityParticipant.id)
        .join(Activity, Activity.id == ActivityParticipant.activity_id)
        .where(
            ActivityParticipant.kim_id == Kim.id,
            ActivityParticipant.attended.is_(True),
            Activity.start_on.between(since, today),
        )
        .exists()
    )
    produced = (
        sa.select(ContentItem.id)
        .where(ContentItem.kim_id == Kim.id, ContentItem.published_on.between(since, today))
        .exists()
    )
    return sa.and_(sa.not_(took_part), sa.not_(produced))


def effective_level_criterion(regency_code: str) -> Any:
    """The level list a regency uses: its own rows if it has any, else the national defaults."""
    own = aliased(KimLevel)
    has_own = sa.select(own.id).where(own.regency_code == regency_code).exists()
    return sa.or_(KimLevel.regency_code == regency_code, sa.and_(KimLevel.regency_code.is_(None), sa.not_(has_own)))


def level_choices() -> list[KimLevel]:
    """Levels offered in the form: the effective list for a regency user; every visible row otherwise."""
    query = sa.select(KimLevel).order_by(KimLevel.regency_code, KimLevel.position, KimLevel.name)
    scope = current_scope()
    if scope is not None and scope.level == "regency" and scope.code:
        query = query.where(effective_level_criterion(scope.code))
    return list(db.session.scalars(query))


def _level_label(level: KimLevel) -> str:
    scope = current_scope()
    if level.regency_code and (scope is None or scope.level != "regency"):
        return f"{level.name} ({level.regency_code})"
    return level.name


# --- helpers shared by the list and the page ------------------------------------------------
def safe_url(value: str | None) -> str | None:
    """``value`` if it is an http(s) address with a host, else ``None`` (never a ``javascript:`` link)."""
    if not value:
        return None
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        return None
    return value


def current_board(boards: Iterable[Board], today: date) -> Board | None:
    """The board serving today (the latest-started one if terms overlap)."""
    running = [board for board in boards if board.is_current(today)]
    return max(running, key=lambda board: board.term_start) if running else None


def latest_board(boards: Iterable[Board]) -> Board | None:
    boards = list(boards)
    return max(boards, key=lambda board: (board.term_end, board.term_start)) if boards else None


# Kinds of records attached to a KIM that go with it when it is deleted, in the order shown.
@dataclass(frozen=True)
class Attachment:
    key: str
    model: type
    column: Any
    describe: Callable[[int], str]  # "3 awards", in the user's language


KIM_ATTACHMENTS: tuple[Attachment, ...] = (
    Attachment("awards", Award, Award.kim_id, lambda n: ngettext("%(num)d award", "%(num)d awards", n)),
    Attachment(
        "participations",
        ActivityParticipant,
        ActivityParticipant.kim_id,
        lambda n: ngettext("%(num)d activity participation", "%(num)d activity participations", n),
    ),
    Attachment("decrees", Decree, Decree.kim_id, lambda n: ngettext("%(num)d decree (SK)", "%(num)d decrees (SK)", n)),
    Attachment("boards", Board, Board.kim_id, lambda n: ngettext("%(num)d board term", "%(num)d board terms", n)),
    Attachment(
        "contents",
        ContentItem,
        ContentItem.kim_id,
        lambda n: ngettext("%(num)d content item", "%(num)d content items", n),
    ),
    Attachment(
        "monev",
        MonevAssessment,
        MonevAssessment.kim_id,
        lambda n: ngettext("%(num)d Monev result", "%(num)d Monev results", n),
    ),
    Attachment(
        "media_channels",
        MediaChannel,
        MediaChannel.kim_id,
        lambda n: ngettext("%(num)d media channel", "%(num)d media channels", n),
    ),
)


def attachment_counts(kim_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Records attached to each KIM, per kind, in one statement (correlated counts)."""
    if not kim_ids:
        return {}
    columns = [
        sa.select(sa.func.count())
        .select_from(kind.model)
        .where(kind.column == Kim.id)
        .correlate(Kim)
        .scalar_subquery()
        .label(kind.key)
        for kind in KIM_ATTACHMENTS
    ]
    rows = db.session.execute(sa.select(Kim.id, *columns).where(Kim.id.in_(kim_ids)))
    return {row.id: {kind.key: getattr(row, kind.key) for kind in KIM_ATTACHMENTS} for row in rows}


def describe_attachments(counts: dict[str, int]) -> list[str]:
    """``["2 awards", "12 activity participations", ...]`` for the kinds actually attached."""
    return [kind.describe(counts[kind.key]) for kind in KIM_ATTACHMENTS if counts.get(kind.key)]


# --- the KIM page ---------------------------------------------------------------------------
def kim_page_loader_options() -> tuple[Any, ...]:
    """Everything the KIM page shows: one statement for the KIM, one per collection.

    Built on call: the collections on ``Kim`` are backrefs that exist once all models are mapped.
    """
    return (
        joinedload(Kim.village).joinedload(Village.district),
        joinedload(Kim.regency),
        joinedload(Kim.level),
        # Only the name of who recorded a change (not their password hash or 2FA secret).
        selectinload(Kim.status_history)
        .joinedload(KimStatusChange.recorded_by)
        .load_only(User.id, User.full_name, User.email),
        selectinload(Kim.decrees),
        selectinload(Kim.boards).selectinload(Board.members),
        selectinload(Kim.boards).joinedload(Board.decree),
        selectinload(Kim.participations).joinedload(ActivityParticipant.activity),
        selectinload(Kim.contents).joinedload(ContentItem.channel),
        selectinload(Kim.awards),
        selectinload(Kim.monev_assessments),
        selectinload(Kim.media_channels),
    )


# Screens the KIM page links to: endpoint -> the permission prefix it needs.
LINKED_ENDPOINTS = {
    "decree": "decree",
    "board": "board",
    "board_member": "board",
    "media_channel": "media_channel",
    "content": "content",
    "activity": "activity",
    "study_visit": "activity",
    "monev": "monev",
    "award": "award",
}


@dataclass
class KimPage:
    """What the KIM page shows, worked out once in Python from the loaded KIM (no more SQL)."""

    kim: Kim
    today: date
    back_url: str
    show_personal_data: bool
    _links: dict[str, bool] = field(default_factory=dict)

    # links ----------------------------------------------------------------------------------
    def _allowed(self, endpoint: str, view: str, action_name: str) -> bool:
        key = f"{endpoint}.{view}"
        if key not in self._links:
            permission = f"{LINKED_ENDPOINTS.get(endpoint, endpoint)}.{action_name}"
            self._links[key] = key in current_app.view_functions and current_user.can(permission)
        return self._links[key]

    def add_url(self, endpoint: str, **args: Any) -> str | None:
        """Create form of another screen, prefilled with this KIM, coming back here after saving."""
        if not self._allowed(endpoint, "create_view", "create"):
            return None
        args.setdefault("kim", self.kim.id)
        return url_for(f"{endpoint}.create_view", url=self.back_url, **args)

    def edit_url(self, endpoint: str, record_id: int) -> str | None:
        if not self._allowed(endpoint, "edit_view", "edit"):
            return None
        return url_for(f"{endpoint}.edit_view", id=record_id, url=self.back_url)

    def view_url(self, endpoint: str, record_id: int) -> str | None:
        if not self._allowed(endpoint, "details_view", "view"):
            return None
        return url_for(f"{endpoint}.details_view", id=record_id, url=self.back_url)

    def pdf_url(self, decree: Decree) -> str | None:
        """The decree's PDF (served by the decree screen to users who may see the decree)."""
        if not decree.pdf_path or not self._allowed("decree", "pdf_view", "view"):
            return None
        return url_for("decree.pdf_view", id=decree.id)

    def activity_url(self, activity: Activity) -> str | None:
        endpoint = "study_visit" if activity.kind == "studi_tiru" else "activity"
        return self.view_url(endpoint, activity.id)

    # header ---------------------------------------------------------------------------------
    @property
    def status_badge(self) -> str:
        return STATUS_BADGES.get(self.kim.status, "secondary")

    @cached_property
    def status_since(self) -> date | None:
        if self.kim.status_since:
            return self.kim.status_since
        history = self.kim.status_history
        return history[0].changed_on if history else None

    @property
    def kimid_url(self) -> str | None:
        return safe_url(self.kim.kimid_url)

    @property
    def contact_phone(self) -> str:
        phone = self.kim.contact_phone
        return (phone or "") if self.show_personal_data else mask(PHONE, phone)

    def phone(self, value: str | None) -> str:
        return (value or "") if self.show_personal_data else mask(PHONE, value)

    # SK and board -------------------------------------------------------------------------
    @cached_property
    def current_decree(self) -> Decree | None:
        return self.kim.decrees[0] if self.kim.decrees else None

    @property
    def board_decree_id(self) -> int | None:
        """The latest SK, when it confirms a board: a new board is most likely the one it names."""
        decree = self.current_decree
        return decree.id if decree is not None and decree.kind in BOARD_DECREE_KINDS else None

    @cached_property
    def current_board(self) -> Board | None:
        return current_board(self.kim.boards, self.today)

    @cached_property
    def shown_board(self) -> Board | None:
        """The serving board, else the latest one (to show how long ago it ended)."""
        return self.current_board or latest_board(self.kim.boards)

    @cached_property
    def board_days(self) -> int | None:
        """Days left in the shown board's term (negative: days since it ended)."""
        board = self.shown_board
        return None if board is None else (board.term_end - self.today).days

    @property
    def board_expiring(self) -> bool:
        return self.board_days is not None and 0 <= self.board_days <= EXPIRING_WITHIN_DAYS

    @cached_property
    def board_members(self) -> list[BoardMember]:
        board = self.shown_board
        if board is None:
            return []
        return sorted(board.members, key=lambda m: (not m.is_serving(self.today), m.position_order, m.name))

    @cached_property
    def other_boards(self) -> list[Board]:
        return [board for board in self.kim.boards if board is not self.shown_board]

    # history ---------------------------------------------------------------------------------
    @cached_property
    def participations(self) -> list[ActivityParticipant]:
        return sorted(self.kim.participations, key=lambda p: (p.activity.start_on, p.id), reverse=True)

    @cached_property
    def contents(self) -> list[ContentItem]:
        return sorted(self.kim.contents, key=lambda c: (c.published_on, c.id), reverse=True)

    @cached_property
    def monev(self) -> list[MonevAssessment]:
        return sorted(self.kim.monev_assessments, key=lambda m: (m.visited_on, m.id), reverse=True)

    @cached_property
    def media_channels(self) -> list[MediaChannel]:
        return sorted(self.kim.media_channels, key=lambda c: (not c.active, c.platform, c.id))

    @staticmethod
    def status_label(status: str | None) -> str:
        return str(KIM_STATUSES.get(status, status or ""))

    @staticmethod
    def content_kind(kind: str) -> str:
        return str(CONTENT_KINDS.get(kind, kind))

    @staticmethod
    def platform(value: str) -> str:
        return str(MEDIA_PLATFORMS.get(value, value))

    @staticmethod
    def award_level(value: str) -> str:
        return str(AWARD_LEVELS.get(value, value))

    @staticmethod
    def activity_kind(value: str) -> str:
        return str(ACTIVITY_KINDS.get(value, value))

    @staticmethod
    def safe_url(value: str | None) -> str | None:
        return safe_url(value)


# --- form pieces ----------------------------------------------------------------------------
class _FormOnly:
    """A form field that is read by the view, never copied onto the model."""

    def populate_obj(self, obj: Any, name: str) -> None:
        return None


class StatusReasonField(_FormOnly, TextAreaField):
    pass


class StatusDateField(_FormOnly, DateField):
    pass


def _no_future_date(form: Any, field: Any) -> None:
    if field.data and field.data > date.today():
        raise ValidationError(_("The date cannot be in the future."))


def _validate_web_address(form: Any, field: Any) -> None:
    if field.data and field.data.strip() and safe_url(field.data) is None:
        raise ValidationError(_("Enter a web address starting with http:// or https://."))


# --- the view -------------------------------------------------------------------------------
class KimView(ScopedModelView):
    permission = "kim"
    endpoint_actions = {"logo_view": "view"}
    # Validated and stored as E.164, masked in lists and details, hidden in forms and exports
    # for users without the personal-data permissions (see ScopedModelView).
    personal_columns = {"contact_phone": PHONE}
    details_template = "admin/kim/details.html"
    delete_confirm_template = "admin/kim/delete_confirm.html"

    list_loader_options = (
        joinedload(Kim.village).joinedload(Village.district),
        joinedload(Kim.level),
        joinedload(Kim.boards),  # for the board term column; a joined collection keeps the page one statement
    )

    column_list = (
        "name",
        "village.name",
        "village.district.name",
        "status",
        "level.name",
        "board_term_end",
        "founded_on",
    )
    column_export_list = (
        "name",
        "village.name",
        "village.district.name",
        "status",
        "level.name",
        "board_term_end",
        "founded_on",
        "is_pilot",
        "members_count",
        "kimid_number",
        "kimid_url",
    )
    column_sortable_list = (
        "name",
        "status",
        "founded_on",
        ("village.name", "village.name"),
        ("village.district.name", "village.district.name"),
        ("level.name", "level.position"),
    )
    column_default_sort = [("name", False), ("id", False)]
    column_searchable_list = ("name", "village.name", "kimid_number")
    column_filters = ("status", "is_pilot", "founded_on", "village.district.name", "level.name", "members_count")
    column_labels = {
        "name": _l("KIM name"),
        "village": _l("Village"),
        "village.name": _l("Village"),
        "village.district.name": _l("District"),
        "regency.name": _l("Regency/City"),
        "status": _l("Status"),
        "level": _l("Level"),
        "level.name": _l("Level"),
        "board_term_end": _l("Board term ends"),
        "founded_on": _l("Date founded"),
        "is_pilot": _l("Pilot KIM (rintisan)"),
        "address": _l("Secretariat address"),
        "contact_name": _l("Contact person"),
        "contact_phone": _l("Contact phone"),
        "email": _l("E-mail"),
        "members_count": _l("Number of members"),
        "kimid_number": _l("kim.id number"),
        "kimid_url": _l("kim.id site"),
        "notes": _l("Notes"),
    }
    column_choices = {"status": list(KIM_STATUSES.items())}

    form_columns = (
        "name",
        "village",
        "address",
        "founded_on",
        "is_pilot",
        "level",
        "members_count",
        "status",
        "status_change_reason",
        "status_changed_on",
        "contact_name",
        "contact_phone",
        "email",
        "kimid_number",
        "kimid_url",
        "logo",
        "notes",
    )
    form_extra_fields = {
        "logo": LogoUploadField(_l("Logo"), description=_l("PNG or JPEG, at most 1 MB.")),
        "status_change_reason": StatusReasonField(
            _l("Reason for the status change"),
            validators=[Optional(), Length(max=500)],
            description=_l("Required when you change the status; it is kept in the status history."),
        ),
        "status_changed_on": StatusDateField(
            _l("Status changed on"),
            validators=[Optional(), _no_future_date],
            default=date.today,
            format="%Y-%m-%d",
            widget=DatePickerWidget(),
            description=_l("Leave today's date unless the change happened earlier."),
        ),
    }
    _fieldsets = (
        (("name", "village", "address", "founded_on", "is_pilot", "level", "members_count"), _l("The KIM")),
        (("status", "status_change_reason", "status_changed_on"), _l("Status")),
        (("contact_name", "contact_phone", "email"), _l("Contact")),
        (("kimid_number", "kimid_url"), _l("Registration on kim.id")),
        (("logo", "notes"), _l("Logo and notes")),
    )
    form_create_rules = form_edit_rules = tuple(rules.FieldSet(names, header) for names, header in _fieldsets)
    form_choices = {"status": list(KIM_STATUSES.items())}
    form_args = {
        "name": {"validators": [DataRequired(), Length(max=150)]},
        "village": {"validators": [DataRequired()]},
        "address": {"validators": [Optional(), Length(max=300)]},
        "founded_on": {"validators": [Optional(), _no_future_date]},
        "level": {"query_factory": level_choices, "get_label": _level_label, "allow_blank": True},
        "members_count": {"validators": [Optional(), NumberRange(min=0, max=100_000)]},
        "contact_name": {"validators": [Optional(), Length(max=120)]},
        "email": {"validators": [Optional(), Email(), Length(max=254)]},
        "kimid_number": {"validators": [Optional(), Length(max=50)]},
        "kimid_url": {
            "validators": [Optional(), Length(max=300), _validate_web_address],
            "description": _l("The KIM's site on kim.id, e.g. https://manteb.kim.id"),
        },
    }
    form_widget_args = {
        "notes": {"rows": 4},
        "status_change_reason": {"rows": 2},
        "logo": {"accept": "image/png,image/jpeg"},
    }
    form_ajax_refs = {"village": village_picker("village")}

    url_filters = {
        "status": status_criterion,
        "province": province_criterion,
        "regency": regency_criterion,
        "district": district_criterion,
        "village": village_criterion,
        "level": level_criterion,
        "kimid": kimid_criterion,
        "board": board_criterion,
        "idle": idle_criterion,
    }
    url_filter_labels = {
        "status": _l("Status"),
        "province": _l("Province"),
        "regency": _l("Regency/City"),
        "district": _l("District"),
        "village": _l("Village"),
        "level": _l("Level"),
        "kimid": _l("Registered on kim.id"),
        "board": _l("Board term"),
        "idle": _l("Days without activity or content"),
    }

    # --- list --------------------------------------------------------------------------------
    def _format_name(self, context: Any, model: Kim, name: str) -> Markup:
        url = self.get_url(".details_view", id=model.id)
        return Markup('<a href="{}">{}</a>').format(url, model.name)

    def _format_status(self, context: Any, model: Kim, name: str) -> Markup:
        badge = STATUS_BADGES.get(model.status, "secondary")
        return Markup('<span class="badge badge-{}">{}</span>').format(badge, model.status_label)

    def _format_board_term_end(self, context: Any, model: Kim, name: str) -> Any:
        today = date.today()
        board = current_board(model.boards, today)
        if board is not None:
            return self._date(board.term_end)
        board = latest_board(model.boards)
        if board is None:
            return ""
        return Markup('<span class="text-danger">{} ({})</span>').format(self._date(board.term_end), _("ended"))

    def _date(self, value: date) -> str:
        return self.column_type_formatters[date](self, value, "")

    column_formatters = {
        "name": _format_name,
        "status": _format_status,
        "board_term_end": _format_board_term_end,
    }
    column_formatters_export = {
        "status": lambda view, context, model, name: model.status_label,
        "board_term_end": lambda view, context, model, name: _board_term_end_text(model),
    }

    def search_placeholder(self) -> str:
        return str(_l("KIM name, village or kim.id number"))

    # --- form --------------------------------------------------------------------------------
    def on_model_change(self, form: Any, model: Kim, is_created: bool) -> None:
        model.kimid_url = (model.kimid_url or "").strip() or None
        model.kimid_number = (model.kimid_number or "").strip() or None
        self._check_level(model, is_created)
        self._record_status(form, model, is_created)
        logo = form.logo if "logo" in form else None
        if logo is not None and logo.pdf_bytes:  # stored only now that every rule has passed
            files = pending_files()
            files.remove_after_commit(model.logo_path)
            model.logo_path = files.save(logo.pdf_bytes, suffix=image_kind(logo.pdf_bytes)[0])
        # Compared before the flush copies the picked desa into village_code.
        g.kim_desa_changed = is_created or model.village_code != model.village.code

    def _check_level(self, model: Kim, is_created: bool) -> None:
        level = model.level
        if level is None or (not is_created and model.level_id == level.id):
            return
        regency = regency_code_of(model.village.code)
        allowed = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(KimLevel)
            .where(KimLevel.id == level.id, effective_level_criterion(regency))
        )
        if not allowed:
            raise ValidationError(_("Choose a level from the list your regency uses."))

    def _record_status(self, form: Any, model: Kim, is_created: bool) -> None:
        """Every change of status (and the first status) goes into the dated history with its reason."""
        new_status = model.status or "aktif"
        history = sa.inspect(model).attrs.status.history
        old_status = None if is_created else (list(history.deleted) + list(history.unchanged) or [None])[0]
        if not is_created and old_status == new_status:
            return
        reason = (form.status_change_reason.data or "").strip() or None
        if reason is None and (not is_created or new_status != "aktif"):
            raise ValidationError(
                _("Give the reason for the status %(status)s.", status=KIM_STATUSES.get(new_status, new_status))
            )
        # The entry points at the KIM; it is added explicitly (SQLAlchemy 2 does not cascade backrefs).
        db.session.add(change_status(model, new_status, reason, form.status_changed_on.data or date.today()))

    def after_model_change(self, form: Any, model: Kim, is_created: bool) -> None:
        """A second KIM in the same desa is allowed (it happens) but worth a second look."""
        if not g.pop("kim_desa_changed", False):
            return
        others = list(
            db.session.scalars(
                sa.select(Kim.name).where(Kim.village_code == model.village_code, Kim.id != model.id).order_by(Kim.name)
            )
        )
        if others:
            flash(
                _(
                    "Saved. Note: %(desa)s already has %(others)s. Usually there is one KIM per desa; "
                    "please check that this is not a duplicate.",
                    desa=model.village.name,
                    others=", ".join(others),
                ),
                "warning",
            )

    def get_save_return_url(self, model: Kim, is_created: bool = False) -> str:
        """A new KIM opens on its page, where its SK and board are added next."""
        if is_created:
            return self.get_url(".details_view", id=model.id)
        return super().get_save_return_url(model, is_created)

    # --- the KIM page ------------------------------------------------------------------------
    @expose("/details/")
    def details_view(self) -> Any:
        kim_id = coerce_pk(Kim.id, request.args.get("id"))
        kim = None
        if kim_id is not None:
            kim = db.session.scalars(
                sa.select(Kim).options(*kim_page_loader_options()).where(Kim.id == kim_id)
            ).one_or_none()
        if kim is None:
            abort(404)
        back_url = self.get_url(".details_view", id=kim.id)
        page = KimPage(
            kim=kim, today=date.today(), back_url=back_url, show_personal_data=self.may("personal_data.view")
        )
        return_url = get_redirect_target() or self.get_url(".index_view")
        return self.render(self.details_template, kim=kim, page=page, model=kim, return_url=return_url)

    # --- deletion ----------------------------------------------------------------------------
    @expose("/delete/", methods=("POST",))
    def delete_view(self) -> Any:
        """Delete one KIM; if records are attached, first a page that lists them and asks again."""
        return_url = get_redirect_target() or self.get_url(".index_view")
        form = self.delete_form()
        if not self.validate_form(form):
            flash_errors(form, message=_("The KIM was not deleted. %(error)s"))
            return redirect(return_url)
        from ..trash.service import trash_refusal

        kim = self.get_one(form.id.data)
        refusal = trash_refusal(kim)
        if refusal is not None:  # records that cannot go with it protect it: say so before asking
            flash(refusal, "error")
            return redirect(return_url)
        counts = attachment_counts([kim.id]).get(kim.id, {})
        if any(counts.values()) and request.form.get("confirm") != "yes":
            return self.render(
                self.delete_confirm_template,
                kim=kim,
                attached=describe_attachments(counts),
                return_url=return_url,
                kim_url=self.get_url(".details_view", id=kim.id),
            )
        if self.delete_model(kim):
            flash(_("KIM %(name)s was deleted.", name=kim.name), "success")
        if return_url.startswith(self.get_url(".details_view")):
            return_url = self.get_url(".index_view")
        return redirect(return_url)

    def create_model(self, form: Any) -> Any:
        return files_follow_transaction(partial(super().create_model, form))

    def update_model(self, form: Any, model: Kim) -> Any:
        return files_follow_transaction(partial(super().update_model, form, model))

    @expose("/logo/")
    def logo_view(self) -> Any:
        """The KIM's logo, through the scoped query: another regency's KIM is a 404."""
        return send_logo(self.get_one(request.args.get("id")).logo_path)

    def on_model_delete(self, model: Kim) -> None:
        """The KIM's decree PDFs and logo go with it (their rows go by cascade in the database)."""
        files = pending_files()
        files.remove_after_commit(model.logo_path)
        stored = sa.select(Decree.pdf_path).where(Decree.kim_id == model.id, Decree.pdf_path.is_not(None))
        for name in db.session.scalars(stored):
            files.remove_after_commit(name)

    def delete_model(self, model: Kim) -> Any:
        return files_follow_transaction(partial(super().delete_model, model))

    @action(
        "delete",
        _l("Delete"),
        _l("Delete the selected KIM? KIM that have awards, activities or other records are not deleted here."),
    )
    def action_delete(self, ids: Sequence[str]) -> Any:
        """Bulk delete only KIM without attached records; otherwise nothing is deleted and we say why."""
        values = [value for value in (coerce_pk(Kim.id, rowid) for rowid in ids) if value is not None]
        counts = attachment_counts(values)
        blocked = sorted(kim_id for kim_id, kinds in counts.items() if any(kinds.values()))
        if blocked:
            names = db.session.scalars(sa.select(Kim.name).where(Kim.id.in_(blocked)).order_by(Kim.name))
            flash(
                _(
                    "Nothing was deleted: %(names)s still have awards, activities, decrees, boards, content or "
                    "Monev results. Delete such a KIM from its own page, which lists what would be deleted with it.",
                    names=", ".join(names),
                ),
                "error",
            )
            return None
        # Ids as integers: PostgreSQL will not compare the integer key with the submitted strings.
        return super().action_delete(values)


def _board_term_end_text(model: Kim) -> str:
    today = date.today()
    board = current_board(model.boards, today) or latest_board(model.boards)
    return board.term_end.isoformat() if board is not None else ""
