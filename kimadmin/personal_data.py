"""Personal data of board members and contacts (UU 27/2022): validation and masking.

Validation and masking come from ``lokal-id`` (phone numbers, NIK), not from our own regexes.
Lists, details, logs and exports show masked values unless the user holds
``personal_data.view`` (screens) or ``personal_data.export`` (files).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from lokal import normalize_phone, parse_nik, partial_mask

PHONE = "PHONE"
NIK = "NIK"
BIRTH_DATE = "BIRTH_DATE"  # masked whole


def normalise_phone(value: str | None) -> str | None:
    """The E.164 form (``+6281234567890``) of an Indonesian phone number, or ``None`` if invalid."""
    if not value or not value.strip():
        return None
    return normalize_phone(value)


# lokal-id's checks by issue code, in our catalogue: its own messages are Indonesian only.
_NIK_MESSAGES = {
    "format": _l("A NIK has exactly 16 digits."),
    "province": _l("The NIK's province code is not a known province."),
    "wilayah": _l("The NIK's regency and district codes cannot be 00."),
    "birth_date": _l("The birth date in the NIK is not a valid date."),
    "serial": _l("The NIK's serial number cannot be 0000."),
}


def nik_errors(value: str) -> list[str]:
    """Why ``value`` is not a valid NIK, in the user's language; empty when valid.

    The checks are lokal-id's; an issue code we do not know yet keeps lokal-id's own message.
    """
    info = parse_nik(value)
    if info.valid:
        return []
    return [str(_NIK_MESSAGES[issue.code]) if issue.code in _NIK_MESSAGES else issue.message for issue in info.errors]


def mask(kind: str, value: str | None) -> str:
    """``0812****7890`` / ``3313********0001``: enough to recognise, not enough to misuse."""
    if not value:
        return ""
    return partial_mask(kind, value)
