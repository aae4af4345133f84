"""Which trained KIM kept posting: the "no posts three months after training" rule.

**The rule** (also on the screen and in the README). For each KIM with at least one participant
in a training session:

1. its **training date** D is the date of its latest session held at least
   :data:`FOLLOW_UP_DAYS` (90) days ago — a KIM trained more recently than that is not judged yet
   for that session (its three months have not passed);
2. its **follow-up date** is D + 90 days;
3. it **kept posting** when at least one account-log entry of the KIM (any platform) checked
   **on or after** the follow-up date reports ``posts_per_month > 0``. Checks before day 90 do
   not count, however busy: they say nothing about month three;
4. otherwise it is listed as **quiet**, with the reason: *checked, no posts* (there are checks on
   or after the follow-up date, all with 0 posts) or *not checked since day 90* (no check on or
   after it: the office should look at its accounts).

"Three months" is fixed as 90 days, so the boundary does not depend on month lengths: a session
held exactly 90 days before today is judged today, and a check exactly on day 90 counts.
Tenancy applies to every statement here: a user sees the KIM of their own scope only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from kimadmin.plugin_api import Kim, db

from .models import AccountLog, Participant, TrainingSession

FOLLOW_UP_DAYS = 90


@dataclass(frozen=True)
class FollowUp:
    """One trained KIM judged by the rule."""

    kim_id: int
    kim_name: str
    trained_on: date
    last_check: date | None  # any check, any day
    last_posting: date | None  # the latest check that reported posts > 0

    @property
    def due_on(self) -> date:
        return self.trained_on + timedelta(days=FOLLOW_UP_DAYS)

    @property
    def kept_posting(self) -> bool:
        return self.last_posting is not None and self.last_posting >= self.due_on

    @property
    def checked_since_due(self) -> bool:
        return self.last_check is not None and self.last_check >= self.due_on


def follow_ups(today: date) -> list[FollowUp]:
    """Every KIM whose latest training at least 90 days ago can be judged, by KIM name (one statement)."""
    cutoff = today - timedelta(days=FOLLOW_UP_DAYS)
    trained = (
        sa.select(Participant.kim_id, sa.func.max(TrainingSession.held_on).label("trained_on"))
        .join(TrainingSession, Participant.session_id == TrainingSession.id)
        .where(TrainingSession.held_on <= cutoff)
        .group_by(Participant.kim_id)
        .subquery("trained")
    )
    posted = (
        sa.select(AccountLog.kim_id, sa.func.max(AccountLog.checked_on).label("last_posting"))
        .where(AccountLog.posts_per_month > 0)
        .group_by(AccountLog.kim_id)
        .subquery("posted")
    )
    checked = (
        sa.select(AccountLog.kim_id, sa.func.max(AccountLog.checked_on).label("last_check"))
        .group_by(AccountLog.kim_id)
        .subquery("checked")
    )
    rows = db.session.execute(
        sa.select(Kim.id, Kim.name, trained.c.trained_on, checked.c.last_check, posted.c.last_posting)
        .join(trained, trained.c.kim_id == Kim.id)
        .outerjoin(checked, checked.c.kim_id == Kim.id)
        .outerjoin(posted, posted.c.kim_id == Kim.id)
        .order_by(Kim.name, Kim.id)
    ).all()
    return [
        FollowUp(
            kim_id=row.id,
            kim_name=row.name,
            trained_on=_as_date(row.trained_on),
            last_check=_as_date(row.last_check),
            last_posting=_as_date(row.last_posting),
        )
        for row in rows
    ]


def quiet_kim(today: date) -> list[FollowUp]:
    """The trained KIM whose accounts show no posts three months after training."""
    return [entry for entry in follow_ups(today) if not entry.kept_posting]


def _as_date(value: Any) -> Any:
    """SQLite returns ``max()`` of a date column as text."""
    if isinstance(value, str):
        return date.fromisoformat(value)
    return value
