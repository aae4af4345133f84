"""Training rows for tests, flushed into the test's session (never committed)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from kimadmin.plugin_api import db
from kimadmin.testing.factories import KimFactory

from ..dates import today
from ..models import AccountLog, Participant, TrainingSession

WONOSOBO, KARANGANYAR = "33.07", "33.13"
PLUGIN = "socmed_training"


def days_ago(days: int) -> date:
    return today() - timedelta(days=days)


def make_kim(regency: str = KARANGANYAR, name: str | None = None) -> Any:
    return KimFactory(regency=regency, **({"name": name} if name else {}))


def make_session(regency: str = KARANGANYAR, held_on: date | None = None, **values: Any) -> TrainingSession:
    fields = {
        "title": "Pelatihan Pengelolaan Media Sosial KIM",
        "held_on": held_on or days_ago(10),
        "trainer": "Diskominfo Jawa Tengah",
        "venue": "Aula Diskominfo",
        "topics": "content_planning,instagram",
        **values,
    }
    session = TrainingSession(regency_code=regency, **fields)
    db.session.add(session)
    db.session.flush()
    return session


def add_participant(
    session: TrainingSession,
    kim: Any = None,
    name: str = "Sri Lestari",
    pre: int | None = None,
    post: int | None = None,
) -> Participant:
    participant = Participant(
        session=session,
        kim=kim if kim is not None else make_kim(session.regency_code),
        name=name,
        pre_score=pre,
        post_score=post,
    )
    db.session.add(participant)
    db.session.flush()
    return participant


def log_check(
    kim: Any,
    checked_on: date,
    posts: int,
    followers: int | None = 100,
    platform: str = "instagram",
    handle: str = "kim.uji",
) -> AccountLog:
    entry = AccountLog(
        kim=kim, platform=platform, handle=handle, checked_on=checked_on, followers=followers, posts_per_month=posts
    )
    db.session.add(entry)
    db.session.flush()
    return entry
