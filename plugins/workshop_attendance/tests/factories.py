"""Workshop rows for tests, flushed into the test's session (never committed)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kimadmin.plugin_api import db
from kimadmin.testing.factories import KimFactory

from .. import seats
from ..models import Registration, Workshop
from ..texts import today

WONOSOBO, KARANGANYAR = "33.07", "33.13"
PLUGIN = "workshop_attendance"


def make_workshop(regency: str = WONOSOBO, capacity: int = 30, **values: Any) -> Workshop:
    """A one-day workshop today, unless told otherwise."""
    fields = {
        "title": "Workshop Jurnalistik Warga",
        "topic": "Menulis berita desa",
        "starts_on": today(),
        "venue": "Aula Diskominfo",
        "facilitator": "Tim Diskominfo",
        "organiser": "Diskominfo Kabupaten Wonosobo",
        **values,
    }
    workshop = Workshop(regency_code=regency, capacity=capacity, **fields)
    db.session.add(workshop)
    db.session.flush()
    return workshop


def make_kim(regency: str = WONOSOBO, name: str | None = None) -> Any:
    return KimFactory(regency=regency, **({"name": name} if name else {}))


def register(workshop: Workshop, name: str = "Siti Aminah", kim: Any = None, **values: Any) -> Registration:
    """Through the seat rules, as the screens do."""
    registration = Registration(
        workshop=workshop,
        kim=kim if kim is not None else make_kim(workshop.regency_code),
        participant_name=name,
        gender=values.pop("gender", "P"),
        age_group=values.pop("age_group", "26_35"),
        phone=values.pop("phone", "+6281234567890"),
        **values,
    )
    db.session.add(registration)
    seats.place(registration)
    db.session.flush()
    return registration


def days_ago(days: int) -> date:
    return today() - timedelta(days=days)


def during(workshop: Workshop, hour: int = 9) -> datetime:
    """A moment on the workshop's first day, in the office's time zone (check-in is open then)."""
    return datetime.combine(workshop.starts_on, time(hour), tzinfo=ZoneInfo("Asia/Jakarta"))
