"""Attendance rates: checked in ÷ seats held, per workshop, per KIM and per kecamatan.

Only workshops that have begun (first day up to today) count, so next week's workshop does not
drag the rates down; people on the waiting list or who cancelled are not expected and do not
count. Each table is one grouped statement, scoped to the user's regency like every query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from kimadmin.plugin_api import District, Kim, Village, db

from .models import Registration, Workshop


@dataclass(frozen=True)
class RateRow:
    label: str
    expected: int  # participants holding a seat
    attended: int  # of them, checked in
    extra: str = ""  # a second column (the workshop's date, the KIM's kecamatan)

    @property
    def rate(self) -> float | None:
        """Percent, or ``None`` when nobody was expected."""
        return round(100 * self.attended / self.expected, 1) if self.expected else None


def _seat_figures() -> tuple[sa.ColumnElement, sa.ColumnElement]:
    seated = sa.func.count(Registration.id)
    attended = sa.func.count(Registration.checked_in_at)
    return seated, attended


def _held(year: int | None, today: date) -> list[sa.ColumnElement]:
    criteria = [Workshop.starts_on <= today, Registration.status == "registered"]
    if year:
        criteria += [Workshop.starts_on >= date(year, 1, 1), Workshop.starts_on <= date(year, 12, 31)]
    return criteria


def by_workshop(today: date, year: int | None = None) -> list[RateRow]:
    seated, attended = _seat_figures()
    rows = db.session.execute(
        sa.select(Workshop.id, Workshop.title, Workshop.starts_on, seated, attended)
        .join(Registration, Registration.workshop_id == Workshop.id)
        .where(*_held(year, today))
        .group_by(Workshop.id, Workshop.title, Workshop.starts_on)
        .order_by(Workshop.starts_on.desc(), Workshop.id.desc())
    ).all()
    return [RateRow(title, n, a, extra=starts_on.isoformat()) for _id, title, starts_on, n, a in rows]


def by_kim(today: date, year: int | None = None) -> list[RateRow]:
    seated, attended = _seat_figures()
    rows = db.session.execute(
        sa.select(Kim.id, Kim.name, District.name, seated, attended)
        .select_from(Registration)
        .join(Workshop, Registration.workshop_id == Workshop.id)
        .join(Kim, Registration.kim_id == Kim.id)
        .join(Village, Kim.village_code == Village.code)
        .join(District, Village.district_code == District.code)
        .where(*_held(year, today))
        .group_by(Kim.id, Kim.name, District.name)
        .order_by(Kim.name)
    ).all()
    return [RateRow(name, n, a, extra=district) for _id, name, district, n, a in rows]


def by_kecamatan(today: date, year: int | None = None) -> list[RateRow]:
    seated, attended = _seat_figures()
    rows = db.session.execute(
        sa.select(District.code, District.name, seated, attended)
        .select_from(Registration)
        .join(Workshop, Registration.workshop_id == Workshop.id)
        .join(Kim, Registration.kim_id == Kim.id)
        .join(Village, Kim.village_code == Village.code)
        .join(District, Village.district_code == District.code)
        .where(*_held(year, today))
        .group_by(District.code, District.name)
        .order_by(District.name)
    ).all()
    return [RateRow(name, n, a, extra=code) for code, name, n, a in rows]


def total(rows: list[RateRow]) -> RateRow:
    return RateRow("", sum(row.expected for row in rows), sum(row.attended for row in rows))
