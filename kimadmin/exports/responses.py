"""HTTP responses for exports: streamed bodies, safe and translated file names.

The file name is the list's translated name and the date (``Kegiatan_2026-11-25.xlsx``), made safe
with ``secure_filename`` (ASCII, no path, no quotes) and sent as an attachment, never displayed:
an exported ``<script>`` is a cell of a file, not markup in a page.
"""

from __future__ import annotations

import logging
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import IO, Any

from flask import Response, stream_with_context
from werkzeug.utils import secure_filename

from .columns import ExportField, export_fields
from .rows import iter_rows, list_query
from .writers import csv_chunks, write_xlsx

log = logging.getLogger(__name__)

CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPOOL_BYTES = 1024 * 1024  # a workbook larger than this goes to a temporary file on disk
READ_BYTES = 64 * 1024


def export_filename(title: Any, extension: str, day: date | None = None) -> str:
    """``<title>_<YYYY-MM-DD>.<extension>``, ASCII-safe; ``export`` if nothing of the title is left."""
    ascii_title = unicodedata.normalize("NFKD", str(title)).encode("ascii", "ignore").decode("ascii")
    stem = secure_filename(ascii_title) or "export"
    return f"{stem}_{(day or date.today()).isoformat()}.{extension}"


def _attachment(response: Response, filename: str) -> Response:
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"  # exports may hold personal data
    return response


def csv_response(view: Any) -> Response:
    """The list as CSV, written while it is sent: one chunk of rows in memory at a time."""
    fields = export_fields(view)
    names = [field.name for field in fields]
    query = list_query(view)
    return rows_csv_response(fields, lambda: iter_rows(view, query, names), view.name, view.endpoint)


def rows_csv_response(
    fields: list[ExportField], rows: Callable[[], Iterable[Any]], title: Any, source: str = "export"
) -> Response:
    """``rows()`` as a CSV attachment named after ``title``, written while it is sent.

    For screens that are not model lists (import history, trash): they pass their own scoped,
    streamed rows and :class:`ExportField` columns, and get the same neutralised cells, BOM and
    headers as every list export. ``rows`` is called inside the response, so a query runs with
    the request's session and scope still there (``stream_with_context``).
    """

    def generate() -> Iterator[str]:
        try:
            yield from csv_chunks(fields, rows())
        except Exception:
            log.exception("CSV export of %s failed while streaming", source)
            raise

    response = Response(stream_with_context(generate()), mimetype=CSV_MIMETYPE)
    return _attachment(response, export_filename(title, "csv"))


def rows_xlsx_response(fields: list[ExportField], rows: Iterable[Any], title: Any) -> Response:
    """``rows`` as an XLSX attachment (write-only workbook in a spooled file), like a list's."""
    return workbook_response(lambda handle: write_xlsx(fields, rows, handle, title), export_filename(title, "xlsx"))


def _read_and_close(handle: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := handle.read(READ_BYTES):
            yield chunk
    finally:
        handle.close()


def workbook_response(write: Callable[[IO[bytes]], None], filename: str) -> Response:
    """Run ``write`` into a spooled temporary file, then send that file in chunks as an attachment.

    A workbook is a zip, complete only at the end, so it is written before the response starts:
    a failure is then an ordinary error page, not a truncated download.
    """
    handle = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by the response
    try:
        write(handle)
        size = handle.tell()
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    response = Response(_read_and_close(handle), mimetype=XLSX_MIMETYPE, direct_passthrough=True)
    response.content_length = size
    return _attachment(response, filename)


def xlsx_response(view: Any) -> Response:
    """The list as an XLSX workbook (openpyxl write-only), built in a spooled file, sent in chunks."""
    fields = export_fields(view)
    names = [field.name for field in fields]
    return rows_xlsx_response(fields, iter_rows(view, list_query(view), names), view.name)
