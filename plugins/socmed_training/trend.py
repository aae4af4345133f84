"""The data of a KIM's trend charts: one line per account, one point per check date.

The page renders it with ``tojson`` into ``<script type="application/json">`` blocks that
``static/trend.js`` draws with the core's vendored Chart.js (no inline script: the CSP forbids it).
The table under the charts carries the same numbers, so the page works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .dates import day
from .models import AccountLog


def account_label(log: AccountLog) -> str:
    return f"{log.platform_label} @{log.handle}"


def trend_chart(logs: Sequence[AccountLog], value: str) -> dict[str, Any]:
    """``{"labels": [check dates], "datasets": [{"label": account, "data": [value or None]}]}``.

    ``value`` is ``followers`` or ``posts_per_month``; an account not checked on a date has ``None``
    there (a gap the chart bridges), never 0.
    """
    dates = sorted({log.checked_on for log in logs})
    accounts: dict[tuple[str, str], dict[Any, Any]] = {}
    labels: dict[tuple[str, str], str] = {}
    for log in logs:
        key = (log.platform, log.handle)
        labels.setdefault(key, account_label(log))
        accounts.setdefault(key, {})[log.checked_on] = getattr(log, value)
    return {
        "labels": [day(checked_on) for checked_on in dates],
        "datasets": [
            {"label": labels[key], "data": [points.get(checked_on) for checked_on in dates]}
            for key, points in sorted(accounts.items())
        ],
    }
