"""The dashboard card: the latest edition of the user's scope, its window and its films by status."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import url_for

from kimadmin.plugin_api import DashboardWidget, db

from . import rules
from .i18n import _, _l
from .models import STATUSES, Edition, Submission


def festival_widgets(user: Any) -> list[DashboardWidget]:
    """One card for users who may see editions; none when there is no edition yet (two statements)."""
    if user is None or not user.is_authenticated or not user.can("film_festival.edition.view"):
        return []
    query = sa.select(Edition).order_by(Edition.year.desc(), Edition.closes_on.desc()).limit(1)
    if rules.is_pure_juror(user):  # a juror's card: an edition they judge
        query = query.where(Edition.id.in_(rules.judged_editions(user.id)))
    edition = db.session.scalar(query)
    if edition is None:
        return []
    counts = dict(
        db.session.execute(
            sa.select(Submission.status, sa.func.count())
            .where(Submission.edition_id == edition.id)
            .group_by(Submission.status)
        ).all()
    )
    state = edition.window_state(rules.today())
    if state == "upcoming":
        window = _("opens on %(date)s", date=rules.day(edition.opens_on))
    elif state == "open":
        window = _("open until %(date)s", date=rules.day(edition.closes_on))
    else:
        window = _("closed on %(date)s", date=rules.day(edition.closes_on))
    festival = {
        "edition": str(edition),
        "theme": edition.theme or "",
        "window": window,
        "window_state": state,
        "published": edition.is_published,
        "published_label": _("Results published") if edition.is_published else _("Results not published yet"),
        "statuses": [(str(label), counts.get(status, 0)) for status, label in STATUSES.items()],
        "total": sum(counts.values()),
        "total_label": _("Films submitted"),
        "list_url": (
            _url("film_festival_submission.index_view", edition=edition.id)
            if user.can("film_festival.submission.view")
            else None
        ),
        "list_label": _("Show the films"),
    }
    return [
        DashboardWidget(
            title=_l("Short-film festival"),
            template="film_festival/widget.html",
            context={"festival": festival},
            order=60,
            width=6,
        )
    ]


def _url(endpoint: str, **values: Any) -> str | None:
    try:
        return url_for(endpoint, **values)
    except Exception:  # outside a request, or the screen is not registered
        return None
