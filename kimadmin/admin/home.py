"""The admin home page: the dashboard of the user's scope.

The figures come from :mod:`kimadmin.dashboard` (scoped by the tenancy layer, one aggregate
statement each); this module decides what the user may see, links every figure to the list it
counts (only lists the user may open, only with filters that list understands) and prepares the
charts' data, which the template renders as JSON data blocks for ``static/js/dashboard.js``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from flask import current_app, g, has_request_context, redirect, render_template, request, url_for
from flask_admin import AdminIndexView, expose
from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from .. import dashboard
from ..extensions import db
from ..hookspecs import DashboardWidget, hookimpl
from ..models.choices import ART_FORMS, AWARD_LEVELS, KIM_STATUSES
from ..tenancy import current_scope

log = logging.getLogger(__name__)

REGION_LEVEL_LABELS = {"district": _l("District"), "regency": _l("Regency/City"), "province": _l("Province")}


class ListLinks:
    """URLs of the admin lists (and record pages) that figures link to.

    A link is given only when the view is registered, the user may open it and it understands
    every named filter with that value; otherwise ``None`` and the figure shows without a link,
    never as a link to an unfiltered list that would show a different number.
    """

    def __init__(self, views: list[Any]) -> None:
        self._views = {view.endpoint: view for view in views}

    def _view(self, endpoint: str) -> Any:
        view = self._views.get(endpoint)
        return view if view is not None and view.is_accessible() else None

    def list(self, endpoint: str, **filters: Any) -> str | None:
        view = self._view(endpoint)
        if view is None:
            return None
        supported = getattr(view, "url_filters", {})
        for name, value in filters.items():
            build = supported.get(name)
            if build is None or not _filter_accepts(build, str(value)):
                return None
        return url_for(f"{endpoint}.index_view", **filters)

    def record(self, endpoint: str, record_id: int) -> str | None:
        view = self._view(endpoint)
        return None if view is None else url_for(f"{endpoint}.details_view", id=record_id)


@lru_cache(maxsize=4096)
def _filter_accepts(build: Callable[[str], Any], value: str) -> bool:
    """Whether a list's named filter understands ``value``.

    Cached per process: a filter's verdict depends only on the value (never on the user or the
    day), and building the criterion just to check it cost half of the dashboard's time (about
    a hundred links per page).
    """
    try:
        build(value)
    except (TypeError, ValueError, LookupError):
        return False
    return True


@dataclass
class Figure:
    """A number on the page with its label and the list it counts."""

    value: Any
    label: Any
    url: str | None = None
    id: str = ""


@dataclass
class TermRow:
    name: str
    url: str | None
    label: str
    ends: str
    days_left: int
    days_text: str
    regency: str = ""  # shown to province and national users only


@dataclass
class Widget:
    """A dashboard card (the core's or a plugin's), already rendered; a failing one is left out,
    not the page. Without a title the card's template draws its own frame and heading."""

    title: Any
    html: Markup
    width: int


@dataclass
class AttentionBlock:
    title: Any
    expiring: Figure
    expired: Figure
    soonest: list[TermRow] = field(default_factory=list)
    latest_expired: list[TermRow] = field(default_factory=list)


class HomeView(AdminIndexView):
    def is_accessible(self) -> bool:
        return bool(current_user.is_authenticated)

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @expose("/")
    def index(self) -> str:
        widgets = dashboard_widgets()
        return self.render("admin/home.html", page=dashboard_page(), widgets=widgets)


def dashboard_page() -> DashboardPage:
    """The figures of the current request's dashboard, computed once (the core's cards and the
    page's chart data both read them)."""
    page = g.get("_dashboard_page")
    if page is None:
        page = g._dashboard_page = DashboardPage(ListLinks(current_app.extensions["admin"][0]._views), date.today())
    return page


class CoreWidgets:
    """The core's own dashboard cards, answered through ``kimadmin_dashboard_widgets`` like a
    plugin's, so plugins can place theirs between them by ``order`` (10, 20, 30, 40 here; a
    plugin's default is 100). Each section draws its own heading, hence the empty titles."""

    SECTIONS = (
        (10, "admin/dashboard/_cards.html", lambda page: page.cards),
        (20, "admin/dashboard/_attention.html", lambda page: page.attention or page.idle),
        (30, "admin/dashboard/_breakdown.html", lambda page: page.breakdown),
        (40, "admin/dashboard/_charts.html", lambda page: page.months or page.awards or page.art_forms is not None),
    )

    @hookimpl
    def kimadmin_dashboard_widgets(self, regency: str | None, user: Any) -> list[DashboardWidget]:
        if not (has_request_context() and current_user.is_authenticated):
            return []  # the figures are the signed-in user's scope
        page = dashboard_page()
        return [
            DashboardWidget(title="", template=template, context={"page": page}, order=order, width=12)
            for order, template, shown in self.SECTIONS
            if shown(page)
        ]


class DashboardPage:
    """Everything the home template shows, computed once per request in a bounded number of statements."""

    def __init__(self, links: ListLinks, today: date) -> None:
        self.links = links
        self.today = today
        self.today_text = format_date(today, "d MMMM yyyy")
        self.scope_name = _scope_name()
        scope = current_scope()
        self.shows_regency = scope is None or scope.level != "regency"
        session = db.session
        can = current_user.can
        self.cards: list[Figure] = []
        self.kim_details: dict[str, list[Figure]] = {}
        self.attention: list[AttentionBlock] = []
        self.idle: Figure | None = None
        self.breakdown: dashboard.Breakdown | None = None
        self.region_links: dict[str, dict[str, str | None]] = {}
        self.coverage: Figure | None = None
        self.charts: dict[str, dict[str, Any]] = {}
        self.months: list[dict[str, Any]] = []
        self.awards: dashboard.AwardTable | None = None
        self.award_cells: dict[tuple[int, str], Figure] = {}
        self.award_years: dict[int, Figure] = {}
        self.art_forms: list[Figure] | None = None

        # Each figure only for a user who may open the list it counts.
        if can("kim.view"):
            self._kim_figures(dashboard.kim_counts(session))
            self._breakdown(dashboard.region_breakdown(session, today))
            idle = dashboard.idle_kim_count(session, today)
            url = links.list("kim", idle=dashboard.IDLE_DAYS, status="active")
            self.idle = Figure(idle, _("Active KIM without activity or content for 180 days"), url, "kim-idle")
            if can("board.view"):
                self._attention_boards(dashboard.board_terms(session, today))
        if can("decree.view"):
            self._attention_decrees(dashboard.decree_terms(session, today))
        if can("activity.view"):
            self._activities(dashboard.activities_per_month(session, today))
        if can("award.view"):
            self._awards(dashboard.awards_by_year_and_level(session, today))
        if can("fkmetra.view"):
            self._art_forms(dashboard.fkmetra_groups_by_art_form(session))

    @staticmethod
    def percent(value: float | None) -> str:
        return percent_text(value)

    @property
    def level_label(self) -> Any:
        return REGION_LEVEL_LABELS[self.breakdown.level] if self.breakdown else ""

    # --- KIM ---------------------------------------------------------------------------------------
    def _kim_figures(self, counts: dashboard.KimCounts) -> None:
        kim = self.links.list
        self.cards = [
            Figure(counts.total, _("Number of KIMs"), kim("kim"), "kim-total"),
            Figure(counts.active, _("Active"), kim("kim", status="active"), "kim-active"),
            Figure(counts.inactive, _("Inactive"), kim("kim", status="inactive"), "kim-inactive"),
        ]
        by_status = [
            Figure(counts.by_status.get(status, 0), label, kim("kim", status=status), f"kim-status-{status}")
            for status, label in KIM_STATUSES.items()
        ]
        self.kim_details = {
            "kim-total": [
                Figure(counts.on_kimid, _("on kim.id"), kim("kim", kimid="yes"), "kim-kimid-yes"),
                Figure(counts.not_on_kimid, _("not yet on kim.id"), kim("kim", kimid="no"), "kim-kimid-no"),
            ],
            "kim-active": [f for f in by_status if f.id.removeprefix("kim-status-") in dashboard.ACTIVE_STATUSES],
            "kim-inactive": [f for f in by_status if f.id.removeprefix("kim-status-") in dashboard.INACTIVE_STATUSES],
        }

    def _breakdown(self, breakdown: dashboard.Breakdown) -> None:
        self.breakdown = breakdown
        percent = breakdown.coverage
        self.coverage = Figure(
            percent_text(percent), _("Desa/kelurahan with an active KIM"), "#coverage", "kim-coverage"
        )
        self.region_links = {row.code: self._region_links(breakdown.level, row.code) for row in breakdown.rows}
        self.charts["chart-coverage"] = {
            "type": "bar",
            "horizontal": True,
            "unit": "%",
            "max": 100,
            "labels": [row.name for row in breakdown.rows],
            "datasets": [
                {
                    "label": str(_("Coverage (%)")),
                    "data": [row.coverage or 0 for row in breakdown.rows],
                    "links": [self.region_links[row.code].get("kim_total") for row in breakdown.rows],
                }
            ],
        }

    def _region_links(self, level: str, code: str) -> dict[str, str | None]:
        """Links of one breakdown row: the KIM list filtered by kecamatan (or regency, province).

        The KIM list's filters are named after the levels: ``?district=``, ``?regency=``, ``?province=``.
        """
        name = level
        kim = self.links.list
        return {
            "kim_total": kim("kim", **{name: code}),
            "kim_active": kim("kim", **{name: code, "status": "active"}),
            "kim_inactive": kim("kim", **{name: code, "status": "inactive"}),
            "boards_expiring": kim("kim", **{name: code, "board": "expiring"}),
            "boards_expired": kim("kim", **{name: code, "board": "expired"}),
        }

    # --- needs attention ---------------------------------------------------------------------------
    def _attention_boards(self, terms: dashboard.TermAlerts) -> None:
        kim = self.links.list
        self.attention.append(
            AttentionBlock(
                _("KIM boards"),
                Figure(terms.expiring, _("term ends within 90 days"), kim("kim", board="expiring"), "boards-expiring"),
                Figure(terms.expired, _("term ended, not renewed"), kim("kim", board="expired"), "boards-expired"),
                [self._term_row(item) for item in terms.nearest_expiring],
                [self._term_row(item) for item in terms.nearest_expired],
            )
        )

    def _attention_decrees(self, terms: dashboard.TermAlerts) -> None:
        decree = self.links.list
        self.attention.append(
            AttentionBlock(
                _("Decrees (SK)"),
                Figure(
                    terms.expiring, _("term ends within 90 days"), decree("decree", expiring=90), "decrees-expiring"
                ),
                Figure(terms.expired, _("term ended"), decree("decree", expired=1), "decrees-expired"),
                [self._term_row(item) for item in terms.nearest_expiring],
                [self._term_row(item) for item in terms.nearest_expired],
            )
        )

    def _term_row(self, item: dashboard.TermItem) -> TermRow:
        endpoint = "kim" if item.owner == "kim" else "fkmetra_forum"
        days = item.days_left
        if days > 0:
            text = ngettext("%(num)d day left", "%(num)d days left", days)
        elif days == 0:
            text = _("ends today")
        else:
            text = ngettext("expired %(num)d day ago", "expired %(num)d days ago", -days)
        return TermRow(
            item.owner_name,
            self.links.record(endpoint, item.owner_id),
            item.label,
            format_date(item.term_end, "d MMM yyyy"),
            days,
            text,
            item.regency if self.shows_regency else "",
        )

    # --- charts ------------------------------------------------------------------------------------
    def _activities(self, months: list[dashboard.MonthCount]) -> None:
        for month in months:
            year, number = (int(part) for part in month.month.split("-"))
            self.months.append(
                {
                    "label": format_date(date(year, number, 1), "MMM yyyy"),
                    "figure": Figure(
                        month.count, month.month, self.links.list("activity", month=month.month), f"month-{month.month}"
                    ),
                }
            )
        self.charts["chart-activities"] = {
            "type": "bar",
            "labels": [month["label"] for month in self.months],
            "datasets": [
                {
                    "label": str(_("Activities")),
                    "data": [month["figure"].value for month in self.months],
                    "links": [month["figure"].url for month in self.months],
                }
            ],
        }

    def _awards(self, table: dashboard.AwardTable) -> None:
        self.awards = table
        award = self.links.list
        for year in table.years:
            self.award_years[year] = Figure(table.year_total(year), str(year), award("award", year=year))
            for level in table.levels:
                self.award_cells[(year, level)] = Figure(
                    table.count(year, level), self.award_level_label(level), award("award", year=year, level=level)
                )
        self.charts["chart-awards"] = {
            "type": "bar",
            "stacked": True,
            "labels": [str(year) for year in table.years],
            "datasets": [
                {
                    "label": self.award_level_label(level),
                    "data": [table.count(year, level) for year in table.years],
                    "links": [self.award_cells[(year, level)].url for year in table.years],
                }
                for level in table.levels
            ],
        }

    @staticmethod
    def award_level_label(level: str) -> str:
        return str(AWARD_LEVELS.get(level, level))

    def _art_forms(self, counts: list[tuple[str, int]]) -> None:
        self.art_forms = [
            Figure(n, str(ART_FORMS.get(form, form)), self.links.list("fkmetra_group", art_form=form), f"art-{form}")
            for form, n in counts
        ]
        self.charts["chart-art-forms"] = {
            "type": "bar",
            "horizontal": True,
            "labels": [figure.label for figure in self.art_forms],
            "datasets": [
                {
                    "label": str(_("FK Metra groups")),
                    "data": [figure.value for figure in self.art_forms],
                    "links": [figure.url for figure in self.art_forms],
                }
            ],
        }


def dashboard_widgets() -> list[Widget]:
    """The dashboard's cards (``kimadmin_dashboard_widgets`` of the core and of the plugins enabled
    for this user), in their order.

    Each card is rendered on its own: a plugin whose hook or template fails is logged and
    skipped, so one plugin's bug does not blank the dashboard.
    """
    registry = current_app.extensions.get("kimadmin_plugins")
    if registry is None:
        return []
    from ..plugin_manager import enabled_plugins

    answers = registry.call(
        "kimadmin_dashboard_widgets", enabled_plugins(), regency=current_user.regency_code, user=current_user
    )
    cards = sorted(
        ((plugin, widget) for plugin, widgets in answers for widget in widgets or ()), key=lambda pair: pair[1].order
    )
    rendered = []
    for plugin, widget in cards:
        try:
            html = Markup(render_template(widget.template, **widget.context))  # noqa: S704 - autoescaped template
        except Exception:
            log.exception("plugin %s: dashboard widget %s failed; skipped", plugin, widget.template)
            continue
        rendered.append(Widget(widget.title, html, max(1, min(int(widget.width), 12))))
    return rendered


def _scope_name() -> str:
    scope = current_scope()
    if scope is None or scope.is_nation:
        return str(_("All of Indonesia"))
    if scope.level == "regency" and current_user.regency is not None:
        return current_user.regency.name
    if scope.level == "province" and current_user.province is not None:
        return current_user.province.name
    return ""


def percent_text(value: float | None) -> str:
    """``18,6 %`` (decimal sign of the user's language); a dash when there is nothing to divide by."""
    return "—" if value is None else f"{format_decimal(value, format='#,##0.0')} %"
