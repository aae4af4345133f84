"""Dates as the office sees them: today in its time zone, and days written in the user's language."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import has_app_context
from flask_babel import format_date, to_user_timezone


def today() -> date:
    """Today in the office's time zone (``BABEL_DEFAULT_TIMEZONE``, Asia/Jakarta), not the server's:
    the three-month rule must not shift by a day around midnight UTC."""
    now = datetime.now(UTC)
    return to_user_timezone(now).date() if has_app_context() else now.date()


def day(value: date | None) -> str:
    """``25 November 2026`` in the user's language; ``""`` for no date."""
    if value is None:
        return ""
    return format_date(value, format="long") if has_app_context() else value.isoformat()
