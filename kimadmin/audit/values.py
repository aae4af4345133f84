"""Turning column values into what an audit entry may keep: JSON-safe, short, masked.

An audit entry is read by admins for years: it must not become a second copy of personal data
(UU 27/2022) nor of large documents. Personal columns are masked with the same rules as lists
(:func:`kimadmin.personal_data.mask`); long text is cut; binary values are replaced by their size.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from ..personal_data import mask

MAX_TEXT = 500  # characters kept of a long text value
ELLIPSIS = "…"


def audit_value(value: Any, personal_kind: str | None = None) -> Any:
    """``value`` as it is stored in an entry's JSON (masked when ``personal_kind`` is given)."""
    if value is None:
        return None
    if personal_kind is not None:
        return mask(personal_kind, value.isoformat() if isinstance(value, date) else str(value))
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return audit_value(value.value)
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(bytes(value))} bytes>"
    if isinstance(value, dict | list | tuple):
        return truncate(str(value))
    return truncate(str(value))


def truncate(text: str, limit: int = MAX_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS
