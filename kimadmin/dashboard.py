"""The dashboard's figures for the current scope: pure functions over a session, returning plain data.

They live outside the view because the same figures serve the admin home page, spreadsheet
exports, tests (each figure is compared with an independent SQL count) and, later, plugins'
dashboard widgets. Every function runs one aggregate statement (two for the regional breakdown:
GROUP BY / COUNT / EXISTS, window functions for "counts and the nearest few"), whatever the amount
of data: nothing loads rows to count them in Python. The home page needs about ten statements.

Scoping: tenant rows (KIM, boards, decrees, activities...) are limited by the tenancy layer on
every ORM statement, so no function here filters them by regency. Regions are shared reference
data, so the desa/kelurahan counted for coverage are limited with
``tenancy.current_scope().region_criterion(Village)``; the same scope chooses the level of the
breakdown table (kecamatan for a regency, regencies for a province, provinces for the nation).

Each figure is defined once and shared with the list it links to, so the two cannot drift apart:
KIM figures count with the KIM list's named filters (``kimadmin.admin.kim``: ``status``,
``district``, ``board``, ``idle``, ``kimid``), and the decree and board lists filter with
:func:`decree_expiring_criterion`, :func:`decree_expired_criterion` and
:func:`latest_board_criterion` from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from .models.activities import Activity
from .models.awards import Award
from .models.boards import Board
from .models.choices import ACTIVE_STATUSES, AWARD_LEVELS, KIM_STATUSES
from .models.decrees import Decree
from .models.fkmetra import FkMetraForum, FkMetraGroup
from .models.kim import Kim
from .models.regions import District, Province, Regency, Village
from .tenancy import NATION, Scope, current_scope

__all__ = [
    "ACTIVE_STATUSES",
    "ATTENTION_DAYS",
    "IDLE_DAYS",
    "INACTIVE_STATUSES",
    "AwardTable",
    "Breakdown",
    "KimCounts",
    "MonthCount",
    "RegionRow",
    "TermAlerts",
    "TermItem",
    "activities_per_month",
    "awards_by_year_and_level",
    "board_terms",
    "breakdown_level",
    "decree_expired_criterion",
    "decree_expiring_criterion",
    "decree_terms",
    "fkmetra_groups_by_art_form",
    "idle_kim_count",
    "kim_counts",
    "kim_idle_criterion",
    "latest_board_criterion",
    "latest_decree_criterion",
    "region_breakdown",
]

ATTENTION_DAYS = 90  # a term ending this soon needs attention (the KIM list's EXPIRING_WITHIN_DAYS)
IDLE_DAYS = 180  # an active KIM with no activity and no content for this long needs a visit
NEAREST = 3  # how many expiring/expired terms the dashboard names (the linked list has them all)
AWARD_YEARS = 10  # the award table covers this many years up to the current one
INACTIVE_STATUSES = tuple(status for status in KIM_STATUSES if status not in ACTIVE_STATUSES)


# --- definitions -----------------------------------------------------------------------------------
# KIM figures count with the KIM list's own named filters (kimadmin.admin.kim: status, district,
# board, idle, kimid), so a figure always equals the length of the list it links to. They are
# imported when called: the admin screens import this module's decree and board definitions.


def _kim_filters() -> Any:
    from .admin import kim

    return kim


def latest_board_criterion(board: Any = Board) -> Any:
    """``board`` is its KIM's latest board (greatest term end; the highest id breaks a tie).

    Names one board per KIM in the "nearest" lists, whose KIM are counted by the list filter.
    """
    later = aliased(Board)
    return ~sa.exists().where(
        later.kim_id == board.kim_id,
        sa.or_(later.term_end > board.term_end, sa.and_(later.term_end == board.term_end, later.id > board.id)),
    )


def latest_decree_criterion(decree: Any = Decree) -> Any:
    """``decree`` has a term and no later-ending decree of the same KIM or forum supersedes it.

    An old SK whose term ran out is history once a newer one is recorded, not an alarm.
    """

    def superseded(owner: str) -> Any:
        # One EXISTS per owner kind, each correlated with AND: with an OR at the top of the
        # subquery's WHERE the tenancy layer's criterion was not added to the alias.
        later = aliased(Decree)
        return sa.exists().where(
            getattr(later, owner) == getattr(decree, owner),
            sa.or_(later.term_end > decree.term_end, sa.and_(later.term_end == decree.term_end, later.id > decree.id)),
        )

    return sa.and_(decree.term_end.is_not(None), ~superseded("kim_id"), ~superseded("forum_id"))


def decree_expiring_criterion(today: date, days: int = ATTENTION_DAYS) -> Any:
    """Decrees whose term ends within ``days`` and that no later decree supersedes (list filter on Decree)."""
    return sa.and_(Decree.term_end.between(today, today + timedelta(days=days)), latest_decree_criterion())


def decree_expired_criterion(today: date) -> Any:
    """Decrees whose term has ended and that no later decree supersedes (list filter on Decree)."""
    return sa.and_(Decree.term_end < today, latest_decree_criterion())


def kim_idle_criterion(today: date, days: int = IDLE_DAYS) -> Any:
    """Active KIM (aktif, kurang aktif) with no attended activity and no content for ``days`` days.

    The list's ``idle`` filter covers every status; the dashboard asks about active KIM only
    (an inactive KIM being idle is no news), and links with ``status=active`` as well.
    """
    return sa.and_(Kim.status.in_(ACTIVE_STATUSES), _kim_filters().idle_criterion(str(days), today))


# --- plain data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KimCounts:
    total: int
    active: int  # aktif + kurang_aktif
    inactive: int  # tidak_aktif + dibekukan
    by_status: dict[str, int]
    on_kimid: int  # registered on kim.id

    @property
    def not_on_kimid(self) -> int:
        return self.total - self.on_kimid


@dataclass
class RegionRow:
    """One kecamatan (or regency, or province) of the breakdown table."""

    code: str
    name: str
    villages: int = 0
    covered: int = 0  # desa/kelurahan with at least one active KIM
    kim_total: int = 0
    kim_active: int = 0
    kim_inactive: int = 0
    boards_expiring: int = 0
    boards_expired: int = 0

    @property
    def coverage(self) -> float | None:
        return _percent(self.covered, self.villages)


@dataclass(frozen=True)
class Breakdown:
    """Coverage and key figures for the whole scope and per region one level down."""

    level: str  # "district", "regency" or "province": what the rows are
    rows: list[RegionRow]

    @property
    def villages(self) -> int:
        return sum(row.villages for row in self.rows)

    @property
    def covered(self) -> int:
        return sum(row.covered for row in self.rows)

    @property
    def coverage(self) -> float | None:
        return _percent(self.covered, self.villages)


@dataclass(frozen=True)
class TermItem:
    """A board or decree term with the KIM (or FK Metra forum) it belongs to."""

    id: int
    owner: str  # "kim" or "forum"
    owner_id: int
    owner_name: str
    label: str  # decree number, or board term years
    term_end: date
    days_left: int  # negative once expired
    regency: str = ""  # name of the regency, for province and national users


@dataclass(frozen=True)
class TermAlerts:
    expiring: int
    expired: int
    nearest_expiring: list[TermItem] = field(default_factory=list)  # soonest first
    nearest_expired: list[TermItem] = field(default_factory=list)  # most recently expired first


@dataclass(frozen=True)
class MonthCount:
    month: str  # "2024-10"
    count: int


@dataclass(frozen=True)
class AwardTable:
    years: list[int]  # ascending, only years with awards
    levels: list[str]  # in the order of AWARD_LEVELS, then any other stored value
    counts: dict[tuple[int, str], int]

    def count(self, year: int, level: str) -> int:
        return self.counts.get((year, level), 0)

    def year_total(self, year: int) -> int:
        return sum(n for (y, _level), n in self.counts.items() if y == year)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# --- figures --------------------------------------------------------------------------------------


def kim_counts(session: Session) -> KimCounts:
    """KIM total, active, inactive, per status and registered on kim.id: one grouped statement."""
    registered = _count_if(_kim_filters().kimid_criterion("yes"))
    rows = session.execute(sa.select(Kim.status, sa.func.count(Kim.id), registered).group_by(Kim.status)).all()
    return tally_kim_counts(rows)


def tally_kim_counts(rows: Iterable[Any]) -> KimCounts:
    """:class:`KimCounts` from ``(status, KIM count, registered on kim.id)`` rows of one grouped
    statement (today's statuses here, a past day's in the year-end report)."""
    by_status = {status: 0 for status in KIM_STATUSES}
    on_kimid = 0
    for status, count, registered_count in rows:
        by_status[status] = by_status.get(status, 0) + int(count)
        on_kimid += int(registered_count or 0)
    return KimCounts(
        total=sum(by_status.values()),
        active=sum(by_status.get(status, 0) for status in ACTIVE_STATUSES),
        inactive=sum(by_status.get(status, 0) for status in INACTIVE_STATUSES),
        by_status=by_status,
        on_kimid=on_kimid,
    )


def breakdown_level(scope: Scope | None) -> str:
    """The level of the breakdown rows: one below the scope (the nation is broken down by province)."""
    level = (scope or NATION).level
    return {"regency": "district", "province": "regency"}.get(level, "province")


def region_breakdown(session: Session, today: date) -> Breakdown:
    """Coverage, KIM counts and board terms per region of the scope: two grouped statements.

    Coverage = desa/kelurahan with at least one active KIM ÷ all desa/kelurahan; a desa with
    two active KIM counts once (EXISTS, not a join). Board columns count KIM with the KIM list's
    ``board=expiring`` / ``board=expired`` filters.
    """
    scope = current_scope() or NATION
    level = breakdown_level(scope)
    region, village_joins = _village_region(level)
    covered = sa.exists().where(Kim.village_code == Village.code, Kim.status.in_(ACTIVE_STATUSES))
    villages = sa.select(region.code, region.name, sa.func.count(Village.code), _count_if(covered)).select_from(Village)
    for target, on in village_joins:
        villages = villages.join(target, on)
    villages = villages.where(scope.region_criterion(Village)).group_by(region.code, region.name).order_by(region.code)
    rows = {code: RegionRow(code, name, int(n), int(c or 0)) for code, name, n, c in session.execute(villages)}

    kim_joins, kim_key = _kim_region(level)
    board_criterion = _kim_filters().board_criterion
    kims = sa.select(
        kim_key,
        Kim.status,
        sa.func.count(Kim.id),
        _count_if(board_criterion("expiring", today)),
        _count_if(board_criterion("expired", today)),
    ).select_from(Kim)
    for target, on in kim_joins:
        kims = kims.join(target, on)
    for code, status, count, expiring, expired in session.execute(kims.group_by(kim_key, Kim.status)):
        row = rows.get(code) or rows.setdefault(code, RegionRow(code, code))
        row.kim_total += int(count)
        if status in ACTIVE_STATUSES:
            row.kim_active += int(count)
        else:
            row.kim_inactive += int(count)
        row.boards_expiring += int(expiring or 0)
        row.boards_expired += int(expired or 0)
    return Breakdown(level=level, rows=sorted(rows.values(), key=lambda row: row.code))


def board_terms(session: Session, today: date, nearest: int = NEAREST) -> TermAlerts:
    """KIM whose board term ends within 90 days, and whose term has ended without a renewal
    (the KIM list's ``board`` filter), with the latest board of the nearest few of each.

    One statement: window functions count and rank within each state.
    """
    board_criterion = _kim_filters().board_criterion
    board = aliased(Board)  # the list filter's own subqueries on Board must not correlate to this one
    expired = board.term_end < today  # for a KIM's latest board: "expired" exactly when the KIM's is
    inner = (
        sa.select(
            board.id,
            board.kim_id,
            Kim.name,
            board.term_start,
            board.term_end,
            Regency.name.label("regency"),
            expired.label("expired"),
            _rank_by_nearest(expired, board.term_end, board.id),
            sa.func.count().over(partition_by=expired).label("n"),
        )
        .join(Kim, board.kim_id == Kim.id)
        .join(Regency, Regency.code == board.regency_code)
        .where(
            latest_board_criterion(board),
            sa.or_(board_criterion("expiring", today), board_criterion("expired", today)),
        )
        .subquery()
    )
    rows = session.execute(sa.select(inner).where(inner.c.rank <= nearest).order_by(inner.c.rank)).all()
    items: dict[bool, list[TermItem]] = {False: [], True: []}
    counts = {False: 0, True: 0}
    for board_id, kim_id, name, start, end, regency, is_expired, _rank, n in rows:
        label = f"{start:%Y}-{end:%Y}"
        item = TermItem(board_id, "kim", kim_id, name, label, end, (end - today).days, regency)
        items[bool(is_expired)].append(item)
        counts[bool(is_expired)] = int(n)
    return TermAlerts(counts[False], counts[True], items[False], items[True])


def decree_terms(session: Session, today: date, days: int = ATTENTION_DAYS, nearest: int = NEAREST) -> TermAlerts:
    """Decrees (of KIM and of the FK Metra forum) whose term ends within ``days`` or has ended,
    not superseded by a later decree, with the nearest few of each: one statement."""
    expired = Decree.term_end < today
    inner = (
        sa.select(
            Decree.id,
            Decree.kim_id,
            Decree.forum_id,
            sa.func.coalesce(Kim.name, FkMetraForum.name).label("owner_name"),
            Decree.number,
            Decree.term_end,
            Regency.name.label("regency"),
            expired.label("expired"),
            _rank_by_nearest(expired, Decree.term_end, Decree.id),
            sa.func.count().over(partition_by=expired).label("n"),
        )
        .outerjoin(Kim, Decree.kim_id == Kim.id)
        .outerjoin(FkMetraForum, Decree.forum_id == FkMetraForum.id)
        .join(Regency, Regency.code == Decree.regency_code)
        .where(Decree.term_end <= today + timedelta(days=days), latest_decree_criterion())
        .subquery()
    )
    rows = session.execute(sa.select(inner).where(inner.c.rank <= nearest).order_by(inner.c.rank)).all()
    items: dict[bool, list[TermItem]] = {False: [], True: []}
    counts = {False: 0, True: 0}
    for decree_id, kim_id, forum_id, owner_name, number, end, regency, is_expired, _rank, n in rows:
        owner, owner_id = ("kim", kim_id) if kim_id is not None else ("forum", forum_id)
        item = TermItem(decree_id, owner, owner_id, owner_name or "", number, end, (end - today).days, regency)
        items[bool(is_expired)].append(item)
        counts[bool(is_expired)] = int(n)
    return TermAlerts(counts[False], counts[True], items[False], items[True])


def idle_kim_count(session: Session, today: date, days: int = IDLE_DAYS) -> int:
    """Active KIM (aktif, kurang aktif) with no attended activity and no content for ``days`` days."""
    statement = sa.select(sa.func.count(Kim.id)).where(kim_idle_criterion(today, days))
    return int(session.scalar(statement) or 0)


def activities_per_month(session: Session, today: date, months: int = 12) -> list[MonthCount]:
    """Activities started in each of the last ``months`` calendar months (this one included),
    oldest first, months without activities as zero."""
    first = _add_months(date(today.year, today.month, 1), -(months - 1))
    end = _add_months(date(today.year, today.month, 1), 1)
    year, month = sa.extract("year", Activity.start_on), sa.extract("month", Activity.start_on)
    statement = (
        sa.select(year, month, sa.func.count(Activity.id))
        .where(Activity.start_on >= first, Activity.start_on < end)
        .group_by(year, month)
    )
    counts = {(int(y), int(m)): int(n) for y, m, n in session.execute(statement)}
    result = []
    for offset in range(months):
        start = _add_months(first, offset)
        result.append(MonthCount(f"{start:%Y-%m}", counts.get((start.year, start.month), 0)))
    return result


def awards_by_year_and_level(session: Session, today: date, years: int = AWARD_YEARS) -> AwardTable:
    """Awards (of KIM, FK Metra groups and the regency itself) per year and level, last ``years`` years."""
    statement = (
        sa.select(Award.year, Award.level, sa.func.count(Award.id))
        .where(Award.year.between(today.year - years + 1, today.year))
        .group_by(Award.year, Award.level)
    )
    counts = {(int(year), level): int(n) for year, level, n in session.execute(statement)}
    stored_levels = {level for _year, level in counts}
    levels = [level for level in AWARD_LEVELS if level in stored_levels]
    levels += sorted(stored_levels - set(AWARD_LEVELS))
    return AwardTable(years=sorted({year for year, _level in counts}), levels=levels, counts=counts)


def fkmetra_groups_by_art_form(session: Session) -> list[tuple[str, int]]:
    """FK Metra arts groups per art form, largest first."""
    statement = sa.select(FkMetraGroup.art_form, sa.func.count(FkMetraGroup.id)).group_by(FkMetraGroup.art_form)
    return sorted(((form, int(n)) for form, n in session.execute(statement)), key=lambda item: (-item[1], item[0]))


# --- helpers --------------------------------------------------------------------------------------


def _percent(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100.0 * part / whole, 1)


def _count_if(condition: Any) -> Any:
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _rank_by_nearest(expired: Any, term_end: Any, pk: Any) -> Any:
    """Rank within "expiring" (soonest first) and within "expired" (most recent first)."""
    return (
        sa.func.row_number()
        .over(
            partition_by=expired,
            order_by=(sa.case((expired, None), else_=term_end).asc(), term_end.desc(), pk),
        )
        .label("rank")
    )


def _village_region(level: str) -> tuple[Any, list[tuple[Any, Any]]]:
    """The region table of the breakdown rows and how villages join to it."""
    if level == "district":
        return District, [(District, Village.district_code == District.code)]
    if level == "regency":
        return Regency, [(Regency, Village.regency_code == Regency.code)]
    return Province, [
        (Regency, Village.regency_code == Regency.code),
        (Province, Regency.province_code == Province.code),
    ]


def _kim_region(level: str) -> tuple[list[tuple[Any, Any]], Any]:
    """How KIM join to the breakdown's region, and the region's code column."""
    if level == "district":
        return [(Village, Kim.village_code == Village.code)], Village.district_code
    if level == "regency":
        return [], Kim.regency_code
    return [(Regency, Kim.regency_code == Regency.code)], Regency.province_code


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
