"""The year-end report screen: pick the year (and, above one regency, the regency), download XLSX.

Who: holders of ``report.export`` (superadmin, province staff, regency admins and operators by
default). A regency user gets their own regency; a province user picks one regency of their
province (one workbook per regency, like the per-regency reports the offices send); a national
user picks any. A regency code outside the user's scope, or unknown, answers 404 — the same as a
code that does not exist, so the answer reveals nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import abort, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..exports import export_filename, workbook_response
from ..extensions import db
from ..models.regions import Regency
from ..tenancy import NATION, current_scope
from .workbook import write_workbook
from .yearend import build_report

PERMISSION = "report.export"
FIRST_YEAR = 2000  # KIM were founded from 2008 on (Permenkominfo 08/2010); older years hold nothing
YEARS_OFFERED = 10


def default_year(today: date) -> int:
    """The year a report is most likely wanted for: this one from July on, otherwise the last."""
    return today.year if today.month >= 7 else today.year - 1


class YearEndReportView(BaseView):
    """``/admin/reports/year-end/``: the form; ``download/?year=2024&regency=33.13``: the workbook."""

    def is_accessible(self) -> bool:
        return bool(current_user.is_authenticated and current_user.can(PERMISSION))

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(403)

    # --- choices ---------------------------------------------------------------------------------
    def regencies(self) -> list[Regency]:
        """The regencies the user may report on (region rows are shared: limited by the scope)."""
        scope = current_scope() or NATION
        statement = (
            sa.select(Regency)
            .options(joinedload(Regency.province))
            .where(scope.region_criterion(Regency))
            .order_by(Regency.province_code, Regency.name)
        )
        return list(db.session.scalars(statement))

    def chosen_regency(self, code: str | None) -> Regency:
        """The regency asked for (a regency user's own by default); 404 outside the user's scope."""
        scope = current_scope() or NATION
        code = (code or "").strip() or (scope.code if scope.level == "regency" else "")
        regency = db.session.get(Regency, code) if code else None
        if regency is None or not scope.holds(regency.code):
            abort(404)
        return regency

    @staticmethod
    def chosen_year(value: str | None, today: date) -> int:
        try:
            year = int(value or default_year(today))
        except ValueError:
            abort(404)
        if not FIRST_YEAR <= year <= today.year:
            abort(404)
        return year

    # --- pages -----------------------------------------------------------------------------------
    @expose("/")
    def index(self) -> str:
        today = date.today()
        scope = current_scope() or NATION
        regencies = self.regencies()
        return self.render(
            "admin/reports/yearend.html",
            regencies=regencies,
            pick_regency=scope.level != "regency",
            selected_regency=request.args.get("regency") or (regencies[0].code if len(regencies) == 1 else ""),
            years=list(range(today.year, max(FIRST_YEAR, today.year - YEARS_OFFERED) - 1, -1)),
            selected_year=default_year(today),
        )

    @expose("/download/")
    def download(self) -> Any:
        today = date.today()
        regency = self.chosen_regency(request.args.get("regency"))
        year = self.chosen_year(request.args.get("year"), today)
        report = build_report(db.session, regency, year, today)
        filename = export_filename(f"{_('Year-end report')} {regency.name} {year}", "xlsx", today)
        return workbook_response(lambda handle: write_workbook(report, handle), filename)
