"""Small pieces the domain screens share: rules with their messages, list formatters, filter values.

Rules raise :class:`wtforms.ValidationError` with a translated sentence; the base view shows it on
the form and nothing is saved.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from markupsafe import Markup
from wtforms import ValidationError

# --- rules ------------------------------------------------------------------------------------


def check_term(start: date | None, end: date | None) -> None:
    """A term (masa bakti) ends after it starts."""
    if start is not None and end is not None and end <= start:
        message = _("The term must end after it starts (start %(start)s, end %(end)s).")
        raise ValidationError(message % {"start": format_date(start), "end": format_date(end)})


def check_single_owner(kim: Any, forum: Any) -> None:
    """A decree or board belongs to one KIM or to the FK Metra forum, not both, not neither."""
    if kim is None and forum is None:
        raise ValidationError(_("Choose the KIM (or the FK Metra forum) this record belongs to."))
    if kim is not None and forum is not None:
        raise ValidationError(_("Choose either a KIM or the FK Metra forum, not both."))


def check_not_in_future(value: date | None, message: str) -> None:
    if value is not None and value > date.today():
        raise ValidationError(message)


def check_dates_in_order(start: date | None, end: date | None, message: str) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationError(message)


# --- list formatters --------------------------------------------------------------------------


def owner(row: Any) -> Any:
    """The KIM or FK Metra forum a row belongs to (loaded with the list: no extra statement)."""
    kim = getattr(row, "kim", None)
    return kim if kim is not None else getattr(row, "forum", None)


def owner_link(view: Any, context: Any, row: Any, name: str) -> Any:
    """Link to the KIM page (or the forum) a row belongs to."""
    parent = owner(row)
    if parent is None:
        return ""
    endpoint = "kim.details_view" if parent is getattr(row, "kim", None) else "fkmetra_forum.details_view"
    return Markup('<a href="{}">{}</a>').format(url_for(endpoint, id=parent.id), parent)


def owner_text(view: Any, context: Any, row: Any, name: str) -> str:
    parent = owner(row)
    return "" if parent is None else str(parent)


def term_end_with_days_left(view: Any, context: Any, row: Any, name: str) -> Any:
    """``31 Desember 2024 (45 hari lagi)``: an officer sees at once what needs renewing."""
    end = getattr(row, name)
    if end is None:
        return ""
    days = (end - date.today()).days
    if days < 0:
        note, css = _("ended"), "text-danger"
    else:
        note = ngettext("%(num)d day left", "%(num)d days left", days)
        css = "text-warning" if days <= 90 else "text-muted"
    return Markup('{} <small class="{}">({})</small>').format(format_date(end, "d MMMM yyyy"), css, note)


def choice_label(choices: dict[str, Any]) -> Any:
    """A list formatter showing the label of a stored slug."""

    def formatter(view: Any, context: Any, row: Any, name: str) -> str:
        value = getattr(row, name)
        return "" if value is None else str(choices.get(value, value))

    return formatter


# --- values of named list filters (a bad value is a 400) ---------------------------------------


def days_value(value: str) -> int:
    days = int(value)
    if not 0 <= days <= 3660:
        raise ValueError(value)
    return days


def flag_value(value: str) -> bool:
    if value.lower() not in ("1", "true", "yes", "ya"):
        raise ValueError(value)
    return True


def id_value(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def choice_value(choices: dict[str, Any]) -> Any:
    def parse(value: str) -> str:
        if value not in choices:
            raise ValueError(value)
        return value

    return parse
