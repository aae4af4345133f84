"""The dashboard card: this year's sessions, the KIM trained this year, their average improvement,
and how many trained KIM show no posts three months after training (three statements)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

import sqlalchemy as sa
from flask import url_for

from kimadmin.plugin_api import DashboardWidget, db

from . import followup
from .dates import today
from .i18n import _, _l
from .models import Participant, TrainingSession
from .scores import one_decimal


def training_widgets(user: Any) -> list[DashboardWidget]:
    """One card for users who may see the sessions (scoped to their regency by the core)."""
    if user is None or not user.is_authenticated or not user.can("socmed_training.session.view"):
        return []
    now = today()
    year = (TrainingSession.held_on >= date(now.year, 1, 1)) & (TrainingSession.held_on <= date(now.year, 12, 31))
    sessions = db.session.scalar(sa.select(sa.func.count(TrainingSession.id)).where(year)) or 0
    gain = Participant.post_score - Participant.pre_score  # NULL when either score is missing
    trained, gain_sum, gain_count = db.session.execute(
        sa.select(sa.func.count(sa.distinct(Participant.kim_id)), sa.func.sum(gain), sa.func.count(gain))
        .join(TrainingSession, Participant.session_id == TrainingSession.id)
        .where(year)
    ).one()
    average = Fraction(int(gain_sum), int(gain_count)) if gain_count else None
    may_follow_up = user.can("socmed_training.followup.view")
    quiet = len(followup.quiet_kim(now)) if may_follow_up else None
    training = {
        "sessions": sessions,
        "sessions_label": _("training sessions this year"),
        "trained_kim": trained or 0,
        "trained_kim_label": _("KIM trained this year"),
        "average_improvement": one_decimal(average, signed=True),
        "average_improvement_label": _("average improvement (post-test minus pre-test, points)"),
        "quiet": quiet,
        "quiet_label": _("trained KIM with no posts three months after training"),
        "followup_url": _url("socmed_training_followup.index") if may_follow_up else None,
        "followup_link": _("Show the KIM that stopped posting"),
    }
    return [
        DashboardWidget(
            title=_l("Social-media training"),
            template="socmed_training/widget.html",
            context={"training": training},
            order=70,
            width=6,
        )
    ]


def _url(endpoint: str, **values: Any) -> str | None:
    try:
        return url_for(endpoint, **values)
    except Exception:  # outside a request, or the screen is not registered
        return None
