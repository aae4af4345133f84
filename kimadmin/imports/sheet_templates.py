"""Downloadable templates per kind: the Indonesian headers and one example row (XLSX and CSV).

The XLSX has a second sheet, "Petunjuk", listing each column, whether it is required and how to
fill it in, so the file explains itself when it is passed around by e-mail.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from .plan import SheetKind


def template_xlsx(kind: SheetKind) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet.append([column.header for column in kind.columns])
    sheet.append([column.example if column.example != "" else None for column in kind.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(kind.columns, start=1):
        sheet.column_dimensions[cell_letter(index)].width = max(12, len(column.header) + 4)
        sheet.cell(row=2, column=index).number_format = "@"  # typed phone numbers keep their leading 0
    help_sheet = workbook.create_sheet("Petunjuk")
    help_sheet.append(["Kolom", "Wajib", "Keterangan"])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column in kind.columns:
        help_sheet.append([column.header, "Ya" if column.required else "", column.help])
    help_sheet.column_dimensions["A"].width = 24
    help_sheet.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv(kind: SheetKind) -> bytes:
    """UTF-8 with a BOM, so Excel opens the Indonesian text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.header for column in kind.columns])
    writer.writerow([column.example for column in kind.columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def cell_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
