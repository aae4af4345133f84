"""Domain rules shared by screens, imports and plugins (no Flask views here)."""

from __future__ import annotations

from datetime import date

from flask import has_request_context
from flask_babel import gettext as _
from flask_login import current_user

from .models.boards import Board
from .models.choices import ACTIVE_STATUSES, KIM_STATUSES
from .models.kim import Kim, KimStatusChange


def change_status(kim: Kim, status: str, reason: str | None, on: date | None = None) -> KimStatusChange:
    """Set a KIM's status and record the dated change with its reason in the history."""
    if status not in KIM_STATUSES:
        raise ValueError(f"unknown KIM status {status!r}")
    on = on or date.today()
    # Who records it is read first: reading the user may load it, which autoflushes, and an entry
    # already hung on the KIM but not yet added to the session must not be flushed half-made.
    recorded_by = current_user.id if has_request_context() and current_user.is_authenticated else None
    kim.status, kim.status_reason, kim.status_since = status, reason, on
    return KimStatusChange(kim=kim, status=status, changed_on=on, reason=reason, recorded_by_id=recorded_by)


def reactivate_after_board_renewal(board: Board, today: date | None = None) -> KimStatusChange | None:
    """A KIM made inactive (e.g. its board was not renewed) is active again once a current board
    is recorded. Returns the history entry, or ``None`` when nothing changed."""
    today = today or date.today()
    kim = board.kim
    if kim is None or kim.status in ACTIVE_STATUSES or kim.status == "dibekukan":
        return None
    if not board.is_current(today):
        return None
    return change_status(
        kim, "aktif", _("Board renewed for %(start)s to %(end)s", start=board.term_start, end=board.term_end), today
    )
