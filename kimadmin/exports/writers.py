"""Writing exported rows: CSV through a generator, XLSX through openpyxl's write-only workbook.

Both take the same cells (:func:`cell_value`): text is stripped of characters a spreadsheet
cannot hold and neutralised against formula injection (a leading ``=``, ``+``, ``-``, ``@``, tab
or carriage return gets an apostrophe, so ``=HYPERLINK(...)`` stays text); numbers, dates and
booleans keep their type, so a spreadsheet can still sum a budget column.

CSV has no cell types, so the apostrophe is the only defence there. XLSX does: every text cell is
written as an explicit string (:func:`xlsx_cell`, ``data_type`` ``s``), which no spreadsheet
evaluates, so the apostrophe is taken off again (it would show: ``'+62812…`` in a phone column)
and the cell gets Excel's own "quote prefix" mark instead, which keeps the text a text when an
officer edits the cell later.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from ..admin.base import FORMULA_PREFIXES, neutralise_formula
from .columns import ExportField

CSV_FLUSH_ROWS = 200  # rows per yielded CSV piece: few, mid-sized writes to the client
SHEET_TITLE_MAX = 31  # Excel's limit for a sheet name
_SHEET_TITLE_FORBIDDEN = str.maketrans({character: " " for character in "[]:*?/\\"})


def cell_value(value: Any) -> Any:
    """A raw value as an inert spreadsheet cell: numbers, dates and booleans as themselves,
    everything else as neutralised text."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime):
        # openpyxl refuses time zones; a time zone-aware moment is written as its ISO text.
        return value if value.tzinfo is None else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return neutralise_formula(text)


def local_moment(value: datetime | None) -> datetime | None:
    """A stored UTC moment as the wall-clock time the screens show (the app's time zone), without
    a time zone and to the second: a date-time cell a spreadsheet can sort, not ISO text."""
    if value is None:
        return None
    from flask_babel import to_user_timezone

    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return to_user_timezone(aware).replace(tzinfo=None, microsecond=0)


BOM = "\ufeff"


def header_row(fields: Iterable[ExportField]) -> list[Any]:
    return [cell_value(str(field.label)) for field in fields]


def value_row(fields: Iterable[ExportField], row: Any) -> list[Any]:
    return [cell_value(field.value(row)) for field in fields]


def csv_chunks(fields: list[ExportField], rows: Iterable[Any], flush_rows: int = CSV_FLUSH_ROWS) -> Iterator[str]:
    """The CSV text in pieces: the header, then every ``flush_rows`` rows. Nothing accumulates.

    The text starts with a byte-order mark: Excel, which most offices open CSV files with, takes
    a file without one for the Windows code page and garbles every non-ASCII letter. Our own
    import (and Python's ``utf-8-sig``, LibreOffice, pandas) read it as plain UTF-8.
    """
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow(header_row(fields))
    pending = 0
    for row in rows:
        writer.writerow(value_row(fields, row))
        pending += 1
        if pending >= flush_rows:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def sheet_title(title: Any) -> str:
    """A valid sheet name (Excel forbids ``[]:*?/\\`` and more than 31 characters)."""
    cleaned = ILLEGAL_CHARACTERS_RE.sub("", str(title)).translate(_SHEET_TITLE_FORBIDDEN).strip(" '")
    return cleaned[:SHEET_TITLE_MAX] or "Data"


def write_xlsx(fields: list[ExportField], rows: Iterable[Any], target: IO[bytes], title: Any) -> None:
    """Write one sheet of ``rows`` to ``target`` with a write-only workbook.

    In write-only mode openpyxl streams each appended row to a temporary file of its own, so the
    workbook never holds the rows in memory; saving zips that file into ``target``.
    """
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(title))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([xlsx_cell(sheet, str(field.label), font=bold) for field in fields])
    for row in rows:
        sheet.append([xlsx_cell(sheet, field.value(row)) for field in fields])
    book.save(target)


def _without_neutralising_quote(text: str) -> str:
    """``'=1+1`` → ``=1+1``: the apostrophe :func:`cell_value` (or a view) put before a formula
    character. A typed leading apostrophe is hidden by Excel itself, so nothing real is lost."""
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def xlsx_cell(sheet: Any, value: Any, font: Font | None = None) -> Any:
    """One inert XLSX cell: numbers, dates and booleans typed; text an explicit string, never a
    formula, without a visible apostrophe (see the module's docstring)."""
    value = cell_value(value)
    if not isinstance(value, str) and font is None:
        return value  # openpyxl types it itself; no cell object needed
    cell = WriteOnlyCell(sheet)
    if isinstance(value, str):
        text = _without_neutralising_quote(value)
        cell.value = text  # openpyxl would take a leading "=" for a formula ...
        cell.data_type = "s"  # ... so the type is set afterwards: always a string
        if text.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
    else:
        cell.value = value
    if font is not None:
        cell.font = font
    return cell
