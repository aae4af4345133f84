"""Dates and times as the office reads them (Asia/Jakarta, Indonesian month names)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import has_app_context, has_request_context
from flask_babel import format_date, format_datetime, to_user_timezone

OFFICE_TIMEZONE = "Asia/Jakarta"  # outside the app (the app's own setting wins inside it)


def today() -> date:
    """Today in the office's time zone, not the server's."""
    return office_day(datetime.now(UTC))


def office_day(moment: datetime) -> date:
    """The office's calendar day at ``moment`` (the app's time zone; naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (to_user_timezone(moment) if has_app_context() else moment.astimezone(ZoneInfo(OFFICE_TIMEZONE))).date()


def day(value: date | None) -> str:
    """``31 Desember 2025`` in the user's language (ISO outside a request)."""
    if value is None:
        return ""
    return format_date(value, "d MMMM yyyy") if has_request_context() else value.isoformat()


def moment(value: datetime | None) -> str:
    """``31 Desember 2025 08.15`` in the office's time zone."""
    if value is None:
        return ""
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return format_datetime(value, "d MMMM yyyy HH:mm") if has_request_context() else value.isoformat()


def workshop_when(workshop: object) -> str:
    """``12 Mei 2025, 08:00-15:00`` or ``12 Mei 2025 - 13 Mei 2025``."""
    starts_on, ends_on = workshop.starts_on, workshop.ends_on
    text = day(starts_on)
    if ends_on and ends_on != starts_on:
        text += f" - {day(ends_on)}"
    start, end = workshop.start_time, workshop.end_time
    if start:
        text += f", {start.strftime('%H:%M')}" + (f"-{end.strftime('%H:%M')}" if end else "")
    return text
