"""The dashboard card: this month's workshops and how well attended they were (one statement)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import url_for

from kimadmin.plugin_api import DashboardWidget, db

from .i18n import _, _l
from .models import Registration, Workshop
from .texts import today


def month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def workshop_widgets(user: Any) -> list[DashboardWidget]:
    """One card for users who may see workshops."""
    if user is None or not user.is_authenticated or not user.can("workshop_attendance.workshop.view"):
        return []
    now = today()
    first, last = month_bounds(now)
    held = sa.and_(Workshop.starts_on <= now, Registration.status == "registered")
    count, held_count, expected, attended = db.session.execute(
        sa.select(
            sa.func.count(sa.distinct(Workshop.id)),
            sa.func.count(sa.distinct(sa.case((held, Workshop.id)))),
            sa.func.count(sa.case((held, Registration.id))),
            sa.func.count(sa.case((held, Registration.checked_in_at))),
        )
        .select_from(Workshop)
        .outerjoin(Registration, Registration.workshop_id == Workshop.id)
        .where(Workshop.starts_on >= first, Workshop.starts_on <= last)
    ).one()
    figures = {
        "count": count,
        "count_label": _("workshops this month"),
        "rate": f"{round(100 * attended / expected)}%" if expected else "-",
        "rate_label": _("average attendance (checked in of those with a seat)"),
        "per_workshop": _("%(n)s attendees per workshop held", n=round(attended / held_count, 1)) if held_count else "",
        "list_url": _url("workshop_attendance_workshop.index_view"),
        "list_label": _("Show the workshops"),
    }
    return [
        DashboardWidget(
            title=_l("Workshops"),
            template="workshop_attendance/widget.html",
            context={"workshops": figures},
            order=70,
            width=6,
        )
    ]


def _url(endpoint: str, **values: Any) -> str | None:
    try:
        return url_for(endpoint, **values)
    except Exception:  # outside a request, or the screen is not registered
        return None
