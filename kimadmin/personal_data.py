"""Personal data of board members and contacts (UU 27/2022): validation and masking.

Validation and masking come from ``lokal-id`` (phone numbers, NIK), not from our own regexes.
Lists, details, logs and exports show masked values unless the user holds
``personal_data.view`` (screens) or ``personal_data.export`` (files).
"""

from __future__ import annotations

from lokal import normalize_phone, parse_nik, partial_mask

PHONE = "PHONE"
NIK = "NIK"
BIRTH_DATE = "BIRTH_DATE"  # masked whole


def normalise_phone(value: str | None) -> str | None:
    """The E.164 form (``+6281234567890``) of an Indonesian phone number, or ``None`` if invalid."""
    if not value or not value.strip():
        return None
    return normalize_phone(value)


def nik_errors(value: str) -> list[str]:
    """Lokal's own (Indonesian) messages for an invalid NIK; empty when valid."""
    info = parse_nik(value)
    return [] if info.valid else [issue.message for issue in info.errors]


def mask(kind: str, value: str | None) -> str:
    """``0812****7890`` / ``3313********0001``: enough to recognise, not enough to misuse."""
    if not value:
        return ""
    return partial_mask(kind, value)
