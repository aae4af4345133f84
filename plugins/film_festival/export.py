"""The results of an edition as an XLSX workbook (openpyxl): the ranking, and every juror's marks.

Every text cell is neutralised against formula injection (a film titled ``=HYPERLINK(...)`` stays
text: it gets the core's leading apostrophe and is stored as a string cell, never a formula).
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kimadmin.plugin_api import neutralise_formula

from .i18n import _
from .models import STATUSES
from .ranking import as_decimal_text
from .rules import Results, format_duration

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _put(sheet: Any, row: int, values: list[Any], bold: bool = False) -> None:
    for column, value in enumerate(values, start=1):
        if isinstance(value, str) or value is None:
            value = neutralise_formula(str(value or ""))
        cell = sheet.cell(row=row, column=column, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # a string cell whatever it starts with: never evaluated
        if bold:
            cell.font = Font(bold=True)


def _widths(sheet: Any, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def results_workbook(results: Results) -> bytes:
    """Sheet 1: place, placing, KIM, film, total and criterion means; sheet 2: each juror's marks."""
    edition = results.edition
    criteria = list(edition.criteria)
    book = Workbook()
    ranking = book.active
    ranking.title = _("Results")[:31]
    header = [_("Place"), _("Placing"), _("KIM"), _("Film title"), _("Duration"), _("Total (0-100)")]
    header += [f"{criterion.name} ({criterion.weight}%)" for criterion in criteria]
    header += [_("Status"), _("Video link")]
    _put(ranking, 1, header, bold=True)
    for row, entry in enumerate(results.entries, start=2):
        submission = entry.submission
        values: list[Any] = [
            entry.rank,
            entry.label or "",
            str(submission.kim),
            submission.title,
            format_duration(submission.duration),
            float(as_decimal_text(entry.total)) if entry.total is not None else "",
        ]
        values += [float(as_decimal_text(mean)) for mean in entry.criterion_means] or [""] * len(criteria)
        values += [str(STATUSES.get(submission.status, submission.status)), submission.video_url]
        _put(ranking, row, values)
    ranking.freeze_panes = "A2"
    _widths(ranking, [8, 14, 28, 32, 10, 12, *([14] * len(criteria)), 16, 40])

    marks = book.create_sheet(_("Jury marks")[:31])
    _put(marks, 1, [_("Juror"), _("KIM"), _("Film title"), *(c.name for c in criteria), _("Total (0-100)")], bold=True)
    row = 2
    by_key = {
        (score.submission_id, score.juror_id, score.criterion_id): score.score
        for entry in results.entries
        for score in entry.submission.scores
    }
    for entry in results.entries:
        for juror, total in entry.juror_totals.items():
            values = [str(juror), str(entry.submission.kim), entry.submission.title]
            values += [by_key.get((entry.submission.id, juror.id, criterion.id)) for criterion in criteria]
            values.append(float(as_decimal_text(total)))
            _put(marks, row, values)
            row += 1
    marks.freeze_panes = "A2"
    _widths(marks, [28, 28, 32, *([14] * len(criteria)), 12])

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
