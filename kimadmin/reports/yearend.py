"""The figures of a regency's year-end report (laporan akhir tahun), as plain data.

The per-kecamatan figures are the dashboard's own (:func:`kimadmin.dashboard.region_breakdown`,
:func:`kimadmin.dashboard.kim_counts`), computed with the scope narrowed to the chosen regency, so
the report and the dashboard of that regency can never disagree. Narrowing is safe: the caller
has checked that the regency lies inside the user's scope (a province user picks one regency of
their province), and a narrower scope only ever hides rows.

KIM counts, coverage and the active/inactive split describe the KIM as recorded on the day the
report is made (the status history is not replayed); activities and awards are those of the
chosen year (activities by their start date, awards by their year).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import g
from sqlalchemy.orm import Session, joinedload

from ..dashboard import Breakdown, KimCounts, kim_counts, region_breakdown
from ..models.activities import Activity, ActivityParticipant
from ..models.awards import Award
from ..models.regions import Regency
from ..tenancy import Scope, set_scope

__all__ = ["ActivityLine", "AwardLine", "YearEndReport", "build_report", "regency_scope"]


@dataclass(frozen=True)
class ActivityLine:
    start_on: date
    end_on: date | None
    title: str
    kind: str
    place: str | None
    organiser: str | None
    headcount: int | None
    participants: int  # KIM and FK Metra groups listed as taking part
    budget: Decimal | None


@dataclass(frozen=True)
class AwardLine:
    contest_name: str
    level: str
    organiser: str | None
    category: str | None
    rank: int
    label: str  # "Juara I", or the rank label the office recorded
    winner: str
    work_title: str | None
    prize: str | None


@dataclass(frozen=True)
class YearEndReport:
    regency: Regency
    year: int
    made_on: date
    kim: KimCounts
    breakdown: Breakdown  # one row per kecamatan of the regency
    activities: list[ActivityLine]
    awards: list[AwardLine]

    @property
    def awards_by_level(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for award in self.awards:
            counts[award.level] = counts.get(award.level, 0) + 1
        return counts


@contextlib.contextmanager
def regency_scope(code: str) -> Iterator[None]:
    """Run a block with the request's scope narrowed to one regency (checked by the caller)."""
    previous = g.get("tenant_scope")
    set_scope(Scope.for_regency(code))
    try:
        yield
    finally:
        if previous is None:
            g.pop("tenant_scope", None)
        else:
            set_scope(previous)


def _activities(session: Session, year: int) -> list[ActivityLine]:
    participants = (
        sa.select(sa.func.count(ActivityParticipant.id))
        .where(ActivityParticipant.activity_id == Activity.id)
        .correlate(Activity)
        .scalar_subquery()
    )
    statement = (
        sa.select(Activity, participants)
        .where(Activity.start_on >= date(year, 1, 1), Activity.start_on <= date(year, 12, 31))
        .order_by(Activity.start_on, Activity.id)
    )
    return [
        ActivityLine(
            start_on=activity.start_on,
            end_on=activity.end_on,
            title=activity.title,
            kind=activity.kind,
            place=activity.place,
            organiser=activity.organiser,
            headcount=activity.headcount,
            participants=int(count or 0),
            budget=activity.budget,
        )
        for activity, count in session.execute(statement)
    ]


def _awards(session: Session, year: int) -> list[AwardLine]:
    statement = (
        sa.select(Award)
        .options(joinedload(Award.kim), joinedload(Award.fkmetra_group), joinedload(Award.regency))
        .where(Award.year == year)
        .order_by(Award.rank, Award.contest_name, Award.id)
    )
    return [
        AwardLine(
            contest_name=award.contest_name,
            level=award.level,
            organiser=award.organiser,
            category=award.category,
            rank=award.rank,
            label=award.label,
            winner=award.winner_label,
            work_title=award.work_title,
            prize=award.prize,
        )
        for award in session.scalars(statement)
    ]


def build_report(session: Session, regency: Regency, year: int, today: date) -> YearEndReport:
    """Every figure of the report of ``regency`` for ``year``: a handful of aggregate statements."""
    with regency_scope(regency.code):
        return YearEndReport(
            regency=regency,
            year=year,
            made_on=today,
            kim=kim_counts(session),
            breakdown=region_breakdown(session, today),
            activities=_activities(session, year),
            awards=_awards(session, year),
        )
