"""Attendance rates per workshop, KIM and kecamatan; the dashboard card of the month."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from kimadmin.plugin_api import District, Village
from kimadmin.testing.plugins import enable_plugin

from .. import report, seats
from ..widgets import month_bounds
from .factories import PLUGIN, WONOSOBO, days_ago, during, make_kim, make_workshop, register, today


def kim_in_another_kecamatan(db_session, name: str):
    """A KIM of Wonosobo in a kecamatan other than the factories' first village's."""
    kim = make_kim(WONOSOBO, name=name)
    village = db_session.scalar(
        sa.select(Village)
        .where(Village.regency_code == WONOSOBO, Village.district_code != kim.village.district_code)
        .order_by(Village.code)
        .limit(1)
    )
    kim.village = village
    db_session.flush()
    return kim


@pytest.fixture
def held_workshops(db_session, wonosobo):
    """Two workshops held (3 of 4 and 1 of 2 attended) and one next week that must not count."""
    officer = wonosobo.operator
    sindoro = make_kim(WONOSOBO, name="KIM Sindoro")
    sumbing = kim_in_another_kecamatan(db_session, "KIM Sumbing")
    first = make_workshop(title="Workshop Satu", starts_on=days_ago(3), capacity=4)
    second = make_workshop(title="Workshop Dua", starts_on=days_ago(1), capacity=2)
    later = make_workshop(title="Workshop Nanti", starts_on=today() + timedelta(days=7))
    people = [register(first, name=f"Satu {n}", kim=sindoro if n < 2 else sumbing) for n in range(4)]
    register(first, name="Antre", kim=sindoro)  # waiting: not expected, not counted
    for person in people[:3]:
        seats.check_in(first, person.code, officer, moment=during(first))
    dua = [register(second, name=f"Dua {n}", kim=sumbing) for n in range(2)]
    seats.check_in(second, dua[0].code, officer, moment=during(second))
    register(later, name="Nanti", kim=sindoro)
    return sindoro, sumbing


def test_rates_per_workshop_kim_and_kecamatan(held_workshops, db_session):
    sindoro, sumbing = held_workshops
    now = today()

    workshops = {row.label: (row.expected, row.attended, row.rate) for row in report.by_workshop(now)}
    kims = {row.label: (row.expected, row.attended, row.rate) for row in report.by_kim(now)}
    kecamatan = {row.label: (row.expected, row.attended) for row in report.by_kecamatan(now)}

    assert workshops == {"Workshop Satu": (4, 3, 75.0), "Workshop Dua": (2, 1, 50.0)}
    assert kims == {"KIM Sindoro": (2, 2, 100.0), "KIM Sumbing": (4, 2, 50.0)}
    names = {
        code: name
        for code, name in db_session.execute(
            sa.select(District.code, District.name).where(
                District.code.in_([sindoro.village.district_code, sumbing.village.district_code])
            )
        )
    }
    assert kecamatan == {names[sindoro.village.district_code]: (2, 2), names[sumbing.village.district_code]: (4, 2)}
    assert report.total(report.by_workshop(now)).rate == pytest.approx(66.7)
    assert report.by_workshop(now, year=now.year - 5) == []


def test_the_report_screen_shows_the_rates(make_client, held_workshops, wonosobo):
    enable_plugin(PLUGIN, WONOSOBO)

    page = make_client(wonosobo.viewer).get("/admin/workshop_attendance/workshop/report/").get_data(as_text=True)

    assert "Laporan kehadiran" in page
    assert "75.0%" in page and "50.0%" in page and "66.7%" in page
    assert "Workshop Nanti" not in page


def test_the_dashboard_card_counts_this_months_workshops_and_their_attendance(make_client, held_workshops, wonosobo):
    enable_plugin(PLUGIN, WONOSOBO)
    first, last = month_bounds(today())
    in_month = [day for day in (days_ago(3), days_ago(1), today() + timedelta(days=7)) if first <= day <= last]

    page = make_client(wonosobo.operator).get("/admin/").get_data(as_text=True)

    assert "workshop-attendance-widget" in page
    assert f'id="wa-month-count">{len(in_month)}<' in page
    assert "workshop bulan ini" in page


def test_month_bounds():
    from datetime import date

    assert month_bounds(date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert month_bounds(date(2025, 12, 31)) == (date(2025, 12, 1), date(2025, 12, 31))


def test_the_card_shows_todays_attendance_rate(make_client, db_session, wonosobo):
    enable_plugin(PLUGIN, WONOSOBO)
    workshop = make_workshop(title="Workshop Hari Ini", capacity=4)
    people = [register(workshop, name=f"Peserta {n}") for n in range(5)]  # the fifth waits
    for person in people[:3]:
        seats.check_in(workshop, person.code, wonosobo.operator)

    page = make_client(wonosobo.operator).get("/admin/").get_data(as_text=True)

    assert 'id="wa-month-rate">75%<' in page
    assert "3.0 peserta hadir per workshop" in page
