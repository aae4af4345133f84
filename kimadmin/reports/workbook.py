"""The year-end report as one XLSX workbook: a summary sheet, then one sheet per subject.

Sheets: summary; per kecamatan (desa/kelurahan, those with an active KIM, KIM, active, inactive,
coverage %) with a total row; the activities of the year; the awards of the year. Numbers are
written as numbers (a coverage of 42.9 is the number 42.9, in percent), every text cell is
written like the list exports' (:func:`kimadmin.exports.xlsx_cell`: a string, never a formula).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from flask_babel import format_date
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..exports import xlsx_cell
from ..exports.writers import sheet_title
from ..models.choices import ACTIVITY_KINDS, AWARD_LEVELS, KIM_STATUSES, ORGANISERS
from .yearend import YearEndReport

_BOLD = Font(bold=True)


def _label(choices: dict[str, Any], value: str | None) -> str:
    return "" if value is None else str(choices.get(value, value))


def _coverage(value: float | None) -> Any:
    return "" if value is None else value


class _Sheet:
    """A write-only sheet with a bold header row and column widths."""

    def __init__(self, book: Workbook, title: str, header: list[Any] | None, widths: Iterable[int]) -> None:
        self.sheet = book.create_sheet(sheet_title(title))
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        if header is not None:
            self.sheet.freeze_panes = "A2"
            self.append(header, bold=True)

    def append(self, values: list[Any], bold: bool = False) -> None:
        font = _BOLD if bold else None
        self.sheet.append([xlsx_cell(self.sheet, value, font=font) for value in values])


def _summary(book: Workbook, report: YearEndReport) -> None:
    sheet = _Sheet(book, _("Summary"), None, (44, 36))
    breakdown, kim = report.breakdown, report.kim
    sheet.append([_("Year-end report on KIM"), str(report.regency)], bold=True)
    rows: list[list[Any]] = [
        [_("Regency/City"), report.regency.name],
        [_("Province"), report.regency.province.name],
        [_("Year"), report.year],
        [_("Made on"), format_date(report.made_on, "d MMMM yyyy")],
        [_("KIM figures as of"), format_date(report.as_of, "d MMMM yyyy")],
        [],
        [_("Desa/kelurahan"), breakdown.villages],
        [_("Desa/kelurahan with an active KIM"), breakdown.covered],
        [_("Coverage (%)"), _coverage(breakdown.coverage)],
        [_("KIM"), kim.total],
        [_("Active KIM (active, less active)"), kim.active],
        [_("Inactive KIM (inactive, frozen)"), kim.inactive],
    ]
    rows += [[f"KIM: {label}", kim.by_status.get(status, 0)] for status, label in KIM_STATUSES.items()]
    rows += [[], [_("Activities in %(year)s", year=report.year), len(report.activities)]]
    rows.append([_("Awards in %(year)s", year=report.year), len(report.awards)])
    by_level = report.awards_by_level
    rows += [[f"{_('Awards')}: {label}", by_level.get(level, 0)] for level, label in AWARD_LEVELS.items()]
    as_of = format_date(report.as_of, "d MMMM yyyy")
    rows += [
        [],
        [
            _(
                "KIM figures and coverage describe the KIM as they were on %(day)s: founded by then, "
                "with their status on that day from the status history.",
                day=as_of,
            )
        ],
    ]
    for row in rows:
        sheet.append(row)


def _districts(book: Workbook, report: YearEndReport) -> None:
    header = [
        _("Code"),
        _("District"),
        _("Desa/kelurahan"),
        _("With an active KIM"),
        _("KIM"),
        _("Active"),
        _("Inactive"),
        _("Coverage (%)"),
    ]
    sheet = _Sheet(book, _("District"), header, (10, 28, 16, 18, 8, 8, 10, 14))
    for row in report.breakdown.rows:
        sheet.append(
            [
                row.code,
                row.name,
                row.villages,
                row.covered,
                row.kim_total,
                row.kim_active,
                row.kim_inactive,
                _coverage(row.coverage),
            ]
        )
    rows = report.breakdown.rows
    sheet.append(
        [
            "",
            _("Total"),
            report.breakdown.villages,
            report.breakdown.covered,
            sum(row.kim_total for row in rows),
            sum(row.kim_active for row in rows),
            sum(row.kim_inactive for row in rows),
            _coverage(report.breakdown.coverage),
        ],
        bold=True,
    )


def _activities(book: Workbook, report: YearEndReport) -> None:
    header = [
        _("Date"),
        _("Until"),
        _("Title"),
        _("Kind"),
        _("Place"),
        _("Organiser"),
        _("Headcount"),
        _("Participants"),
        _("Budget (Rp)"),
    ]
    title = f"{_('Activities')} {report.year}"
    sheet = _Sheet(book, title, header, (12, 12, 44, 30, 24, 20, 10, 12, 16))
    for line in report.activities:
        sheet.append(
            [
                line.start_on,
                line.end_on,
                line.title,
                _label(ACTIVITY_KINDS, line.kind),
                line.place,
                _label(ORGANISERS, line.organiser),
                line.headcount,
                line.participants,
                line.budget,
            ]
        )


def _awards(book: Workbook, report: YearEndReport) -> None:
    header = [
        _("Contest"),
        _("Level"),
        _("Organiser"),
        _("Category"),
        _("Rank"),
        _("Placing"),
        _("Winner"),
        _("Work title"),
        _("Prize"),
    ]
    sheet = _Sheet(book, f"{_('Awards')} {report.year}", header, (36, 14, 24, 20, 8, 14, 28, 28, 20))
    for line in report.awards:
        sheet.append(
            [
                line.contest_name,
                _label(AWARD_LEVELS, line.level),
                line.organiser,
                line.category,
                line.rank,
                line.label,
                line.winner,
                line.work_title,
                line.prize,
            ]
        )


def write_workbook(report: YearEndReport, target: IO[bytes]) -> None:
    """Write the whole report to ``target`` (a write-only workbook: rows go straight to disk)."""
    book = Workbook(write_only=True)
    _summary(book, report)
    _districts(book, report)
    _activities(book, report)
    _awards(book, report)
    book.save(target)
