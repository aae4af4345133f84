"""Reading an uploaded sheet: its type by content, limits, and cells as plain Python values.

* XLSX is recognised by being a zip archive with the parts of an Excel workbook
  (``[Content_Types].xml`` and ``xl/workbook.xml``), not by its name; a zip that would unpack to
  more than :data:`MAX_UNPACKED_BYTES` is refused before openpyxl reads it (zip bombs).
* CSV must be text: UTF-8 (with or without the BOM Excel writes) or Windows-1252 (what older
  Excel saves as "CSV"); the delimiter (``,`` or ``;``, the latter from Indonesian-locale Excel)
  is sniffed.
* The name's extension must agree with the content: a ``.xlsx`` that is really text is refused.
* At most :data:`MAX_FILE_BYTES` and :data:`MAX_ROWS` data rows; fully empty rows are skipped. An
  XLSX is read row by row, only its first :data:`MAX_COLUMNS` columns (see :func:`_xlsx_rows`).

Formulas are read as the text of the formula (``=HYPERLINK(...)``): imported data is stored as
text, and screens escape it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 60
# Rows an XLSX may span, blank ones included (openpyxl yields every blank row up to the last one):
# a lone cell in row 1,000,000 must not make the reader walk a million empty rows.
MAX_SCANNED_ROWS = 10 * MAX_ROWS
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
EXTENSIONS = (".xlsx", ".csv")


class FileProblem(ValueError):
    """The file as a whole cannot be read; ``str()`` is the translated message."""


@dataclass
class Table:
    """A sheet as read: headers, and each data row with its row number in the file (header = 1)."""

    format: str
    headers: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)


def read_table(data: bytes, filename: str) -> Table:
    """The first sheet of ``data`` (XLSX or CSV, by content), or :class:`FileProblem`."""
    if not data:
        raise FileProblem(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise FileProblem(
            _("The file is larger than %(size)d MB. Split it into smaller files.", size=MAX_FILE_BYTES // 2**20)
        )
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == ".xls":
        raise FileProblem(
            _("Old Excel files (.xls) cannot be read. Save the sheet as .xlsx or .csv and upload it again.")
        )
    if extension not in EXTENSIONS:
        raise FileProblem(_("Only .xlsx and .csv files can be imported."))
    is_zip = data[:4] == b"PK\x03\x04"
    if extension == ".xlsx":
        if not is_zip:
            raise FileProblem(_("This file is named .xlsx but it is not an Excel workbook. Save it again from Excel."))
        rows = _xlsx_rows(data)
        try:
            return _table("xlsx", rows)
        finally:
            rows.close()  # closes the workbook now, also when the row limit stopped the reading
    else:
        if is_zip:
            raise FileProblem(_("This file is named .csv but it is a workbook. Name it .xlsx or save it as CSV."))
        return _table("csv", _csv_rows(data))


def _table(fmt: str, rows: Any) -> Table:
    headers: list[str] | None = None
    table = Table(fmt, [])
    for number, raw in enumerate(rows, start=1):
        cells = [_cell(value) for value in raw[:MAX_COLUMNS]]
        if all(value is None for value in cells):
            continue
        if headers is None:
            headers = ["" if value is None else str(value) for value in cells]
            table.headers = headers
            continue
        if len(table.rows) >= MAX_ROWS:
            raise FileProblem(_too_many_rows())
        table.rows.append((number, cells))
    if headers is None:
        raise FileProblem(_("The file has no header row and no data."))
    return table


def _too_many_rows() -> str:
    return _("The file has more than %(max)d rows. Split it into smaller files.", max=MAX_ROWS)


def _cell(value: Any) -> Any:
    """Text stripped (empty → ``None``), dates as dates, whole numbers as ``int``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, float):
        return int(value) if value.is_integer() else str(value)
    if isinstance(value, int):
        return value
    result = str(value).strip()
    return result or None


def _xlsx_rows(data: bytes) -> Iterator[tuple[Any, ...]]:
    """The first sheet's rows, read one at a time and cut at :data:`MAX_COLUMNS`.

    Why lazily and cut: openpyxl pads every row to the sheet's widest column, so a 20 KB workbook
    with one cell in column 16,000 would become 16,000 cells per row (258 MB for 2,000 rows) if
    rows were read whole and cut afterwards. Read-only mode with ``max_col`` keeps one short row
    in memory; :func:`_table` stops at :data:`MAX_ROWS` data rows, and at most
    :data:`MAX_SCANNED_ROWS` rows (blank ones included) are ever looked at.
    """
    from openpyxl import load_workbook

    buffer = io.BytesIO(data)  # one buffer for the zip checks and openpyxl: the upload is not copied again
    try:
        with zipfile.ZipFile(buffer) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if not all(part in names for part in XLSX_PARTS):
                raise FileProblem(_("This zip file is not an Excel workbook (.xlsx)."))
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                raise FileProblem(_("The workbook is too large when unpacked. Split it into smaller files."))
        buffer.seek(0)
        workbook = load_workbook(buffer, read_only=True, data_only=False)
    except FileProblem:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged workbook
        raise FileProblem(_("The workbook is damaged and cannot be read. Save it again from Excel.")) from None
    return _sheet_rows(workbook)


def _sheet_rows(workbook: Any) -> Iterator[tuple[Any, ...]]:
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(max_row=MAX_SCANNED_ROWS + 1, max_col=MAX_COLUMNS, values_only=True)
        for scanned, row in enumerate(rows, start=1):
            if scanned > MAX_SCANNED_ROWS:
                raise FileProblem(_too_many_rows())
            yield row
    except FileProblem:
        raise
    except Exception:  # a damaged part found only while reading the rows
        raise FileProblem(_("The workbook is damaged and cannot be read. Save it again from Excel.")) from None
    finally:
        workbook.close()


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not), else Windows-1252; binary content is refused."""
    if b"\x00" in data[:8192]:
        raise FileProblem(_("This file is not a CSV text file."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem(_("The CSV file's characters cannot be read. Save it as 'CSV UTF-8' and upload it again."))


def sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;").delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        return ";" if first.count(";") > first.count(",") else ","


def _csv_rows(data: bytes) -> list[list[Any]]:
    text = decode_text(data)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)))
    except csv.Error:
        raise FileProblem(_("The CSV file is damaged (a quote is not closed, for example).")) from None
