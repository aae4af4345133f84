"""Participant lists from a spreadsheet (XLSX): read, check, preview, then write all rows or none.

1. **Upload**: the file is recognised by its content (an XLSX is a ZIP holding
   ``[Content_Types].xml`` and ``xl/workbook.xml``), never by its name; at most
   :data:`MAX_BYTES` bytes, :data:`MAX_UNPACKED_BYTES` unpacked (no ZIP bombs) and
   :data:`MAX_ROWS` participants.
2. **Preview**: every row is checked (name, KIM of the regency, gender, age group, phone, no
   duplicate) and each problem is listed in plain Indonesian with the row number. Nothing is
   written and the file is not stored.
3. **Confirm**: the checked rows travel to the confirmation inside a token signed with the app's
   secret key (tamper-proof, bound to the user and the workshop, valid for an hour), so no file
   is kept on the server between the two steps and no path is ever taken from a request. The
   rows are checked again and written in one transaction (seats first come, first served, in
   file order; the rest go on the waiting list). Any problem: nothing is written.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from kimadmin.plugin_api import Kim, db, normalise_phone

from . import seats
from .i18n import _
from .models import AGE_GROUPS, Registration, Workshop

MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
MAX_ROWS = 500
TOKEN_MAX_AGE = 3600
SALT = "workshop_attendance.import"
NAME_MAX = 150

# Header text (lower case) -> field. Indonesian first, as officers write it; English accepted.
HEADERS = {
    "nama": "name",
    "nama peserta": "name",
    "name": "name",
    "kim": "kim",
    "nama kim": "kim",
    "jenis kelamin": "gender",
    "l/p": "gender",
    "gender": "gender",
    "kelompok umur": "age_group",
    "kelompok usia": "age_group",
    "age group": "age_group",
    "telepon": "phone",
    "no. hp": "phone",
    "no hp": "phone",
    "nomor hp": "phone",
    "hp": "phone",
    "phone": "phone",
}
GENDER_WORDS = {
    "l": "L",
    "laki-laki": "L",
    "laki laki": "L",
    "pria": "L",
    "male": "L",
    "p": "P",
    "perempuan": "P",
    "wanita": "P",
    "female": "P",
}


class ImportProblem(Exception):
    """The file as a whole cannot be used (a sentence for the officer)."""


@dataclass
class Row:
    line: int  # the spreadsheet's row number, as the officer sees it
    name: str
    kim_text: str
    gender_text: str
    age_text: str
    phone_text: str
    kim_id: int | None = None
    kim: Any = None
    kim_name: str = ""
    gender: str | None = None
    age_group: str | None = None
    phone: str | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class Preview:
    rows: list[Row]
    seats_free: int

    @property
    def error_rows(self) -> list[Row]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.error_rows

    @property
    def seated(self) -> int:
        return min(len(self.rows), max(self.seats_free, 0))

    @property
    def waiting(self) -> int:
        return len(self.rows) - self.seated


# --- reading the file ----------------------------------------------------------------------------
def check_xlsx(data: bytes) -> None:
    """Refuse anything that is not a reasonably sized XLSX workbook, by its content."""
    if not data:
        raise ImportProblem(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ImportProblem(_("The file is larger than %(size)s MB.", size=MAX_BYTES // 2**20))
    if not data.startswith(b"PK\x03\x04"):
        raise ImportProblem(_("This file is not an Excel workbook (.xlsx). Save the list as .xlsx and try again."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ImportProblem(_("The workbook is damaged and cannot be read.")) from exc
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        raise ImportProblem(_("This file is not an Excel workbook (.xlsx). Save the list as .xlsx and try again."))
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportProblem(_("The workbook is too large once unpacked."))


def read_rows(data: bytes) -> list[Row]:
    """The participant rows of the first sheet (the first row holds the column names)."""
    check_xlsx(data)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a bad file
        raise ImportProblem(_("The workbook is damaged and cannot be read.")) from exc
    try:
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        columns = _columns(header)
        rows: list[Row] = []
        for number, values in enumerate(lines, start=2):
            cells = {name: _text(values[index] if index < len(values) else None) for name, index in columns.items()}
            if not any(cells.values()):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportProblem(
                    _("The list has more than %(max)s participants; split it into several files.", max=MAX_ROWS)
                )
            rows.append(
                Row(
                    number,
                    cells.get("name", ""),
                    cells.get("kim", ""),
                    cells.get("gender", ""),
                    cells.get("age_group", ""),
                    cells.get("phone", ""),
                )
            )
    finally:
        book.close()
    if not rows:
        raise ImportProblem(_("The list has no participants below the column names."))
    return rows


def _columns(header: tuple | None) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, value in enumerate(header or ()):
        key = HEADERS.get(_text(value).lower())
        if key and key not in found:
            found[key] = index
    missing = [
        label for key, label in (("name", "Nama"), ("kim", "KIM"), ("gender", "Jenis Kelamin")) if key not in found
    ]
    if missing:
        raise ImportProblem(
            _(
                "The first row must hold the column names; missing: %(columns)s.",
                columns=", ".join(missing),
            )
        )
    return found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


# --- checking the rows ---------------------------------------------------------------------------
def age_group_of(text: str) -> str | None:
    """An age group from its key (``26_35``), its label ("26-35 tahun"), or an age in years ("31")."""
    cleaned = _squeeze(text)
    for key, label in AGE_GROUPS.items():
        if cleaned in (key, _squeeze(str(label)), _squeeze(key.replace("_", "-"))):
            return key
    if cleaned.isdigit():
        age = int(cleaned)
        return next((key for key, (low, high) in AGE_BOUNDS.items() if low <= age <= high), None)
    return AGE_ALIASES.get(cleaned)


def _squeeze(text: str) -> str:
    squeezed = text.lower().replace("\u2013", "-").replace(" ", "")
    for suffix in ("tahun", "years", "thn"):
        squeezed = squeezed.removesuffix(suffix)
    return squeezed


AGE_BOUNDS = {
    "u18": (0, 17),
    "18_25": (18, 25),
    "26_35": (26, 35),
    "36_45": (36, 45),
    "46_55": (46, 55),
    "56_plus": (56, 130),
}
AGE_ALIASES = {"<18": "u18", "dibawah18": "u18", "56+": "56_plus", ">55": "56_plus"}


def check_rows(workshop: Workshop, rows: list[Row]) -> Preview:
    """Check every row against the rules and the database (read only). Fills ``row.errors``."""
    kims = _kims_by_name({row.kim_text for row in rows if row.kim_text})
    existing = seats.people_registered(workshop.id)  # the same rule as the registration form
    seen: set[tuple[str, int | None]] = set()
    for row in rows:
        row.errors = []
        if not row.name:
            row.errors.append(_("The name is empty."))
        elif len(row.name) > NAME_MAX:
            row.errors.append(_("The name is longer than %(max)s characters.", max=NAME_MAX))
        kim = kims.get(row.kim_text.casefold()) if row.kim_text else None
        if not row.kim_text:
            row.errors.append(_("The KIM is empty."))
        elif kim is None:
            row.errors.append(_('There is no KIM named "%(kim)s" in this regency.', kim=row.kim_text))
        else:
            row.kim, row.kim_id, row.kim_name = kim, kim.id, kim.name
        row.gender = GENDER_WORDS.get(row.gender_text.lower())
        if row.gender is None:
            row.errors.append(_("The gender must be L (male) or P (female)."))
        row.age_group = age_group_of(row.age_text) if row.age_text else None
        if row.age_text and row.age_group is None:
            row.errors.append(_('The age group "%(value)s" is not known.', value=row.age_text))
        row.phone = normalise_phone(row.phone_text) if row.phone_text else None
        if row.phone_text and row.phone is None:
            row.errors.append(_("Not a valid Indonesian phone number (for example 0812 3456 7890)."))
        if row.name and row.kim_id is not None:
            key = seats.person_key(row.name, row.kim_id)
            if key in existing:
                row.errors.append(_("This participant is already registered for the workshop."))
            elif key in seen:
                row.errors.append(_("This participant appears twice in the list."))
            seen.add(key)
    free = workshop.capacity - seats.seats_taken(workshop.id)
    return Preview(rows, free)


def _kims_by_name(names: set[str]) -> dict[str, Any]:
    """The scope's KIM (scoped query: another regency's KIM is "not found"), by lower-cased name."""
    if not names:
        return {}
    folded = {name.casefold() for name in names}
    found: dict[str, Any] = {}
    for kim in db.session.scalars(sa.select(Kim).where(sa.func.lower(Kim.name).in_({name.lower() for name in names}))):
        if kim.name.casefold() in folded:
            found.setdefault(kim.name.casefold(), kim)
    return found


# --- between preview and confirmation ------------------------------------------------------------
def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def sign(workshop: Workshop, user_id: int, rows: list[Row]) -> str:
    payload = {
        "w": workshop.id,
        "u": user_id,
        "rows": [[row.line, row.name, row.kim_text, row.gender_text, row.age_text, row.phone_text] for row in rows],
    }
    return _serializer().dumps(payload)


def unsign(token: str, workshop: Workshop, user_id: int) -> list[Row]:
    """The rows of a preview made by this user for this workshop within the hour."""
    try:
        payload = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
    except BadSignature as exc:
        raise ImportProblem(_("The preview has expired or is not valid; upload the file again.")) from exc
    if payload.get("w") != workshop.id or payload.get("u") != user_id:
        raise ImportProblem(_("The preview has expired or is not valid; upload the file again."))
    return [Row(int(line), *(str(value) for value in values)) for line, *values in payload["rows"][:MAX_ROWS]]


def write_rows(workshop: Workshop, rows: list[Row]) -> tuple[int, int]:
    """Register every row (in the caller's transaction). Returns (seated, waiting)."""
    seated = waiting = 0
    for row in rows:
        registration = Registration(
            workshop=workshop,
            kim=row.kim,
            participant_name=row.name,
            gender=row.gender,
            age_group=row.age_group,
            phone=row.phone,
        )
        db.session.add(registration)
        try:
            placed = seats.place(registration)
        except seats.SeatError as exc:  # registered meanwhile by someone else: nothing is written
            raise ImportProblem(str(exc)) from exc
        if placed == "registered":
            seated += 1
        else:
            waiting += 1
        db.session.flush()
    return seated, waiting
