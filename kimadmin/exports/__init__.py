"""Streamed exports of admin lists (CSV and XLSX): exactly the rows the list shows, all of them.

An export is the list's own query (filters, search, named URL filters, sort and the tenancy
scope, so other regencies' rows and trashed rows never appear), without the page limit, read in
chunks of primary keys: memory stays flat whatever the number of rows, and the number of SQL
statements does not grow with them (each chunk loads its rows with the view's eager loading).

* :mod:`.rows` — the list query and the chunked, streamed reading of its rows;
* :mod:`.columns` — which columns (personal data only with ``personal_data.export``; plugin
  columns of plugins enabled for the user) and each cell's value, neutralised against formulas;
* :mod:`.writers` — CSV through a generator, XLSX through openpyxl's write-only workbook;
* :mod:`.responses` — the HTTP responses with safe, translated file names; also for screens that
  are not model lists (:func:`rows_csv_response`, :func:`rows_xlsx_response`: import history, trash).

:class:`~kimadmin.admin.base.ScopedModelView` calls :func:`csv_response` and :func:`xlsx_response`.
"""

from __future__ import annotations

from .columns import ExportField, export_fields, plugin_export_columns
from .responses import (
    CSV_MIMETYPE,
    XLSX_MIMETYPE,
    csv_response,
    export_filename,
    rows_csv_response,
    rows_xlsx_response,
    workbook_response,
    xlsx_response,
)
from .rows import CHUNK_SIZE, iter_rows, list_query
from .writers import cell_value, csv_chunks, local_moment, write_xlsx, xlsx_cell

__all__ = [
    "CHUNK_SIZE",
    "CSV_MIMETYPE",
    "XLSX_MIMETYPE",
    "ExportField",
    "cell_value",
    "csv_chunks",
    "csv_response",
    "export_fields",
    "export_filename",
    "iter_rows",
    "list_query",
    "local_moment",
    "plugin_export_columns",
    "rows_csv_response",
    "rows_xlsx_response",
    "workbook_response",
    "write_xlsx",
    "xlsx_cell",
    "xlsx_response",
]
