"""Reports built from the dashboard's figures: the year-end report of a regency (XLSX).

* :mod:`.yearend` — the figures, as plain data (scope narrowed to the chosen regency);
* :mod:`.workbook` — the workbook: summary, per kecamatan, activities and awards of the year;
* :mod:`.views` — the screen to pick the year (and regency), permission ``report.export``.
"""

from __future__ import annotations

from .views import PERMISSION, YearEndReportView
from .workbook import write_workbook
from .yearend import YearEndReport, build_report

__all__ = ["PERMISSION", "YearEndReport", "YearEndReportView", "build_report", "write_workbook"]
