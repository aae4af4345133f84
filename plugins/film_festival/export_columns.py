"""The festival's column in the core's KIM export: how many films each KIM has entered.

The host asks ``kimadmin_export_columns(model)`` only of plugins enabled for the user's regency,
and calls the value function once per exported row. Counting per row would be one statement per
KIM (an N+1 query), so the first call counts every KIM's films in one grouped statement (scoped
by the tenancy layer like any query) and keeps the answer for the rest of the request.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g

from kimadmin.plugin_api import ExportColumn, Kim, db

from .i18n import _l

_CACHE = "film_festival_films_per_kim"


def _films_per_kim() -> dict[int, int]:
    counts = g.get(_CACHE)
    if counts is None:
        from .models import Submission

        statement = sa.select(Submission.kim_id, sa.func.count(Submission.id)).group_by(Submission.kim_id)
        counts = {kim_id: int(count) for kim_id, count in db.session.execute(statement)}
        setattr(g, _CACHE, counts)
    return counts


def films_entered(kim: Any) -> int:
    """The number of films the KIM has entered in any festival edition."""
    return _films_per_kim().get(kim.id, 0)


def export_columns(model: type) -> list[ExportColumn]:
    if model is not Kim:
        return []
    return [ExportColumn(name="films_entered", label=_l("Festival films"), value=films_entered)]
