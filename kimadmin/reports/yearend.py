"""The figures of a regency's year-end report (laporan akhir tahun), as plain data.

Everything is computed with the scope narrowed to the chosen regency. Narrowing is safe: the
caller has checked that the regency lies inside the user's scope (a province user picks one
regency of their province), and a narrower scope only ever hides rows.

KIM counts, coverage and the active/inactive split describe the KIM as they were on 31 December
of the chosen year (or today, for the current year), not as they are when the report is made: a
report of 2024 sent in March 2025 must not count a KIM founded in 2025, nor a KIM made inactive
in February 2025 as inactive. So a KIM counts when it was founded (or, without a founding date,
entered) by that day, with the status of its dated history on that day (:func:`status_on`).
Trashed KIM are left out as everywhere. Coverage and the per-kecamatan split use the same
definitions as the dashboard (a desa is covered by at least one active KIM). Activities and
awards are those of the chosen year (activities by their start date, awards by their year).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from ..dashboard import Breakdown, KimCounts, RegionRow, tally_kim_counts
from ..models.activities import Activity, ActivityParticipant
from ..models.awards import Award
from ..models.choices import ACTIVE_STATUSES
from ..models.kim import Kim, KimStatusChange
from ..models.regions import District, Regency, Village
from ..tenancy import Scope, acting_in

__all__ = [
    "ActivityLine",
    "AwardLine",
    "YearEndReport",
    "build_report",
    "district_breakdown_on",
    "existed_on",
    "kim_counts_on",
    "regency_scope",
    "report_day",
    "status_on",
]


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
    as_of: date  # the day the KIM figures describe: 31 December of the year, or today
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
    with acting_in(Scope.for_regency(code)):
        yield


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


def report_day(year: int, today: date) -> date:
    """The day the KIM figures describe: the year's last day, or today while the year runs."""
    return min(date(year, 12, 31), today)


def existed_on(day: date) -> Any:
    """The KIM existed on ``day``: founded by then, or, without a founding date, entered by then."""
    next_day = datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)
    return sa.or_(Kim.founded_on <= day, sa.and_(Kim.founded_on.is_(None), Kim.created_at < next_day))


def status_on(day: date) -> Any:
    """A KIM's status on ``day``, from its dated status history (a correlated subquery).

    The latest change on or before ``day``. A KIM whose first recorded status is dated later
    (e.g. a legacy KIM entered years after its founding) counts with that first recorded status,
    the earliest thing known about it; a KIM without any history, with its current status.
    """

    def change(*criteria: Any, latest: bool) -> Any:
        order = (KimStatusChange.changed_on.desc(), KimStatusChange.id.desc())
        if not latest:
            order = (KimStatusChange.changed_on.asc(), KimStatusChange.id.asc())
        return (
            sa.select(KimStatusChange.status)
            .where(KimStatusChange.kim_id == Kim.id, *criteria)
            .order_by(*order)
            .limit(1)
            .correlate(Kim)
            .scalar_subquery()
        )

    return sa.func.coalesce(change(KimStatusChange.changed_on <= day, latest=True), change(latest=False), Kim.status)


def _count_if(condition: Any) -> Any:
    return sa.func.sum(sa.case((condition, 1), else_=0))


def kim_counts_on(session: Session, day: date) -> KimCounts:
    """KIM that existed on ``day``, per their status on that day: one grouped statement."""
    from ..admin import kim as kim_list  # the KIM list's own kim.id filter (imported late: no cycle)

    status = status_on(day).label("status_on")
    registered = _count_if(kim_list.kimid_criterion("yes"))
    rows = session.execute(
        sa.select(status, sa.func.count(Kim.id), registered).where(existed_on(day)).group_by(status)
    ).all()
    return tally_kim_counts(rows)


def district_breakdown_on(session: Session, regency_code: str, day: date) -> Breakdown:
    """Per kecamatan of the regency: desa, desa with a KIM active on ``day``, KIM that existed on
    ``day`` by their status then. Two grouped statements, like the dashboard's breakdown."""
    active = sa.and_(existed_on(day), status_on(day).in_(ACTIVE_STATUSES))
    covered = sa.exists().where(Kim.village_code == Village.code, active)
    villages = (
        sa.select(District.code, District.name, sa.func.count(Village.code), _count_if(covered))
        .select_from(Village)
        .join(District, Village.district_code == District.code)
        .where(Village.regency_code == regency_code)  # regions are shared data: not scoped
        .group_by(District.code, District.name)
        .order_by(District.code)
    )
    rows = {code: RegionRow(code, name, int(n), int(c or 0)) for code, name, n, c in session.execute(villages)}
    status = status_on(day).label("status_on")
    kims = (
        sa.select(Village.district_code, status, sa.func.count(Kim.id))
        .select_from(Kim)
        .join(Village, Kim.village_code == Village.code)
        .where(existed_on(day))
        .group_by(Village.district_code, status)
    )
    for code, key, count in session.execute(kims):
        row = rows.get(code) or rows.setdefault(code, RegionRow(code, code))
        row.kim_total += int(count)
        if key in ACTIVE_STATUSES:
            row.kim_active += int(count)
        else:
            row.kim_inactive += int(count)
    return Breakdown(level="district", rows=sorted(rows.values(), key=lambda row: row.code))


def build_report(session: Session, regency: Regency, year: int, today: date) -> YearEndReport:
    """Every figure of the report of ``regency`` for ``year``: a handful of aggregate statements."""
    day = report_day(year, today)
    with regency_scope(regency.code):
        return YearEndReport(
            regency=regency,
            year=year,
            made_on=today,
            as_of=day,
            kim=kim_counts_on(session, day),
            breakdown=district_breakdown_on(session, regency.code, day),
            activities=_activities(session, year),
            awards=_awards(session, year),
        )
