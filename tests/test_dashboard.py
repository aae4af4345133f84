"""The dashboard (admin home page): every figure equals an independent SQL count of the user's scope,
links to the list it counts, and the page stays within a fixed number of SQL statements.

Scenario: Karanganyar (33.13) has 5 active KIM (one *kurang aktif*, two in the same desa, one in
a kelurahan) and 2 inactive ones (*tidak aktif*, *dibekukan*); Wonosobo (33.07) has one KIM.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from kimadmin import dashboard, tenancy
from kimadmin.models import District, Kim, Village
from kimadmin.testing.factories import (
    ActivityFactory,
    ActivityParticipantFactory,
    AwardFactory,
    BoardFactory,
    ContentItemFactory,
    DecreeFactory,
    FkMetraForumFactory,
    FkMetraGroupFactory,
    KimFactory,
    make_user,
)

MAX_DASHBOARD_STATEMENTS = 15
TODAY = date.today()
JATIPURO, KARANGANYAR_KOTA, JATEN = "33.13.01", "33.13.09", "33.13.11"  # kecamatan of Karanganyar


# --- helpers ----------------------------------------------------------------------------------


def villages(db_session, district: str, kind: str = "desa", count: int = 2) -> list[Village]:
    return list(
        db_session.scalars(
            sa.select(Village)
            .where(Village.district_code == district, Village.kind == kind)
            .order_by(Village.code)
            .limit(count)
        )
    )


def sql_count(db_session, statement: str, **params) -> int:
    """An independent count, in plain SQL (no ORM, no tenancy layer)."""
    return db_session.execute(sa.text(statement), params).scalar_one()


def figure(page: str, element_id: str) -> int:
    match = re.search(rf'id="{re.escape(element_id)}"[^>]*>\s*([\d.,]+)\s*<', page)
    assert match is not None, f"no figure #{element_id}"
    return int(match.group(1))


def link(page: str, element_id: str) -> tuple[str, dict[str, str]] | None:
    """(path, query) of the link carrying ``element_id``, or None if the figure is not a link."""
    match = re.search(rf'<a href="([^"]+)"[^>]*\bid="{re.escape(element_id)}"', page)
    if match is None:
        return None
    url = urlsplit(html.unescape(match.group(1)))
    return url.path, {key: values[0] for key, values in parse_qs(url.query).items()}


def region_row(page: str, code: str) -> str:
    match = re.search(rf'<tr data-region="{re.escape(code)}">(.*?)</tr>', page, re.S)
    assert match is not None, f"no row for region {code}"
    return match.group(1)


def row_figure(row: str, key: str) -> int:
    match = re.search(rf'data-figure="{key}">(?:<a [^>]*>)?(\d+)<', row)
    assert match is not None, key
    return int(match.group(1))


def chart_data(page: str, chart_id: str) -> dict:
    match = re.search(rf'<script type="application/json" id="{chart_id}-data">(.*?)</script>', page, re.S)
    assert match is not None, chart_id
    return json.loads(match.group(1))


def list_count(client, url: str) -> int:
    """The number of rows a list shows ("List (7)" / "Daftar (7)"; no number when empty)."""
    response = client.get(url)
    assert response.status_code == 200, url
    match = re.search(r'class="nav-link active">[^<(]*\((\d+)\)', response.get_data(as_text=True))
    return int(match.group(1)) if match else 0


@dataclass
class Scene:
    kims: dict[str, Kim]


@pytest.fixture
def scene(db_session) -> Scene:
    """5 active + 2 inactive KIM in Karanganyar (two active in one desa, one in a kelurahan), 1 in Wonosobo."""
    desa_a, desa_b = villages(db_session, JATIPURO)
    (kelurahan,) = villages(db_session, KARANGANYAR_KOTA, kind="kelurahan", count=1)
    (desa_c,) = villages(db_session, JATEN, count=1)
    kims = {
        "manteb": KimFactory(name="KIM Manteb", village=desa_a, status="aktif", kimid_number="KIM-001"),
        "saraswati": KimFactory(name="KIM Saraswati", village=desa_a, status="aktif"),  # same desa
        "bima": KimFactory(name="KIM Bima", village=desa_b, status="kurang_aktif"),
        "lalung": KimFactory(name="KIM Lalung", village=kelurahan, status="aktif", kimid_url="https://lalung.kim.id"),
        "tunas": KimFactory(name="KIM Tunas", village=desa_c, status="aktif"),
        "sepi": KimFactory(name="KIM Sepi", village=desa_b, status="tidak_aktif"),
        "beku": KimFactory(name="KIM Beku", village=desa_c, status="dibekukan"),
        "wonosobo": KimFactory(name="KIM Dieng Wonosobo", regency="33.07", status="aktif"),
    }
    db_session.flush()
    return Scene(kims)


def figures_in(app, scope: tenancy.Scope):
    """Run the figure functions as a request of ``scope`` would (the tenancy layer scoping them)."""

    class Runner:
        def __getattr__(self, name):
            def call(*args, **kwargs):
                with app.test_request_context():
                    tenancy.set_scope(scope)
                    return getattr(dashboard, name)(*args, **kwargs)

            return call

    return Runner()


KARANGANYAR = tenancy.Scope.for_regency("33.13")
WONOSOBO = tenancy.Scope.for_regency("33.07")
JAWA_TENGAH = tenancy.Scope.for_province("33")


# --- KIM counts -------------------------------------------------------------------------------


def test_karanganyar_officer_sees_7_kim_5_active_2_inactive(make_client, karanganyar, scene, db_session):
    page = make_client(karanganyar.operator).get("/admin/").get_data(as_text=True)

    regency = "33.13"
    assert (
        figure(page, "kim-total")
        == 7
        == sql_count(db_session, "SELECT count(*) FROM kim WHERE regency_code = :r", r=regency)
    )
    assert (
        figure(page, "kim-active")
        == 5
        == sql_count(
            db_session,
            "SELECT count(*) FROM kim WHERE regency_code = :r AND status IN ('aktif', 'kurang_aktif')",
            r=regency,
        )
    )
    assert (
        figure(page, "kim-inactive")
        == 2
        == sql_count(
            db_session,
            "SELECT count(*) FROM kim WHERE regency_code = :r AND status IN ('tidak_aktif', 'dibekukan')",
            r=regency,
        )
    )
    assert figure(page, "kim-status-kurang_aktif") == 1
    assert figure(page, "kim-status-dibekukan") == 1
    assert figure(page, "kim-kimid-yes") == 2  # a kim.id number, or a kim.id site
    assert figure(page, "kim-kimid-no") == 5


def test_wonosobo_figures_are_absent_for_karanganyar_users(make_client, karanganyar, wonosobo, scene, db_session):
    other = scene.kims["wonosobo"]
    BoardFactory(kim=other, term_end=TODAY + timedelta(days=10))
    DecreeFactory(kim=other, term_end=TODAY - timedelta(days=10))
    ActivityFactory(regency_code="33.07", start_on=TODAY, title="Rakor Wonosobo")
    AwardFactory(regency_code="33.07", year=TODAY.year, level="nasional")
    FkMetraGroupFactory(regency="33.07", art_form="ketoprak", name="Sanggar Dieng")
    db_session.flush()

    page = make_client(karanganyar.viewer).get("/admin/").get_data(as_text=True)

    assert figure(page, "kim-total") == 7
    assert "KIM Dieng Wonosobo" not in page
    assert "Kejajar" not in page and 'data-region="33.07' not in page  # no Wonosobo kecamatan row
    assert figure(page, "boards-expiring") == 0
    assert figure(page, "decrees-expired") == 0
    assert sum(chart_data(page, "chart-activities")["datasets"][0]["data"]) == 0
    assert 'id="awards-table"' not in page  # Karanganyar has no awards
    assert 'id="art-ketoprak"' not in page

    wonosobo_page = make_client(wonosobo.viewer).get("/admin/").get_data(as_text=True)
    assert figure(wonosobo_page, "kim-total") == 1
    assert figure(wonosobo_page, "boards-expiring") == 1
    assert figure(wonosobo_page, "decrees-expired") == 1
    assert figure(wonosobo_page, "art-ketoprak") == 1
    assert "KIM Manteb" not in wonosobo_page


# --- coverage ---------------------------------------------------------------------------------


def test_coverage_counts_a_desa_with_two_active_kim_once_and_includes_kelurahan(app, scene, db_session):
    breakdown = figures_in(app, KARANGANYAR).region_breakdown(db_session, TODAY)

    covered_sql = sql_count(
        db_session,
        "SELECT count(DISTINCT village_code) FROM kim "
        "WHERE regency_code = '33.13' AND status IN ('aktif', 'kurang_aktif')",
    )
    all_desa_sql = sql_count(db_session, "SELECT count(*) FROM village WHERE regency_code = '33.13'")
    assert breakdown.level == "district"
    assert (breakdown.covered, breakdown.villages) == (covered_sql, all_desa_sql) == (4, 177)
    assert breakdown.coverage == round(100 * 4 / 177, 1)
    rows = {row.code: row for row in breakdown.rows}
    assert len(rows) == 17  # every kecamatan, also those without a KIM
    # Jatipuro: desa A (two active KIM) and desa B (one kurang aktif, one tidak aktif) are covered.
    jatipuro_desa = sql_count(db_session, "SELECT count(*) FROM village WHERE district_code = :d", d=JATIPURO)
    assert (rows[JATIPURO].covered, rows[JATIPURO].villages) == (2, jatipuro_desa)
    assert (rows[JATIPURO].kim_total, rows[JATIPURO].kim_active, rows[JATIPURO].kim_inactive) == (4, 3, 1)
    # Kecamatan Karanganyar (all kelurahan) is covered by its kelurahan; Jaten by desa C (one active, one frozen).
    assert (rows[KARANGANYAR_KOTA].covered, rows[KARANGANYAR_KOTA].kim_total) == (1, 1)
    assert (rows[JATEN].covered, rows[JATEN].kim_total, rows[JATEN].kim_inactive) == (1, 2, 1)
    assert rows["33.13.17"].covered == rows["33.13.17"].kim_total == 0


def test_an_inactive_kim_alone_does_not_cover_its_desa(app, db_session):
    (desa,) = villages(db_session, JATIPURO, count=1)
    KimFactory(village=desa, status="tidak_aktif")
    db_session.flush()

    breakdown = figures_in(app, KARANGANYAR).region_breakdown(db_session, TODAY)

    assert breakdown.covered == 0
    assert next(row for row in breakdown.rows if row.code == JATIPURO).kim_inactive == 1


def test_coverage_table_and_chart_carry_the_same_numbers(make_client, karanganyar, scene, db_session):
    page = make_client(karanganyar.operator).get("/admin/").get_data(as_text=True)

    row = region_row(page, JATIPURO)
    assert "Jatipuro" in row
    assert (row_figure(row, "kim_total"), row_figure(row, "kim_active"), row_figure(row, "kim_inactive")) == (4, 3, 1)
    jatipuro_desa = sql_count(db_session, "SELECT count(*) FROM village WHERE district_code = :d", d=JATIPURO)
    chart = chart_data(page, "chart-coverage")
    assert len(chart["labels"]) == 17
    position = chart["labels"].index("Jatipuro")
    assert chart["datasets"][0]["data"][position] == round(100 * 2 / jatipuro_desa, 1)
    assert chart["datasets"][0]["links"][position] == f"/admin/kim/?district={JATIPURO}"
    # 4 of 177 desa/kelurahan, with the Indonesian decimal comma
    assert re.search(r'id="kim-coverage"[^>]*>2,3 %<', page)


def test_a_province_user_sees_a_row_per_regency(make_client, db_session, scene):
    province_user = make_user("provinsi", province="33", email="prov@jateng.example")
    BoardFactory(kim=scene.kims["wonosobo"], term_end=TODAY + timedelta(days=10))
    db_session.flush()

    page = make_client(province_user).get("/admin/").get_data(as_text=True)

    regencies_of_jateng = sql_count(db_session, "SELECT count(*) FROM regency WHERE province_code = '33'")
    assert page.count('<tr data-region="33.') == regencies_of_jateng == 35
    karanganyar_row, wonosobo_row = region_row(page, "33.13"), region_row(page, "33.07")
    assert "Karanganyar" in karanganyar_row and "Wonosobo" in wonosobo_row
    assert (row_figure(karanganyar_row, "kim_total"), row_figure(karanganyar_row, "kim_active")) == (7, 5)
    assert row_figure(karanganyar_row, "kim_inactive") == 2
    assert (row_figure(wonosobo_row, "kim_total"), row_figure(wonosobo_row, "kim_active")) == (1, 1)
    assert (
        figure(page, "kim-total")
        == 8
        == sql_count(
            db_session,
            "SELECT count(*) FROM kim JOIN regency ON regency.code = kim.regency_code WHERE province_code = '33'",
        )
    )
    assert link(page, "kim-total") == ("/admin/kim/", {})
    assert '<a href="/admin/kim/?regency=33.13">7</a>' in karanganyar_row
    assert row_figure(wonosobo_row, "boards_expiring") == 1 == figure(page, "boards-expiring")
    # Lists across regencies say which regency a KIM belongs to.
    assert re.search(r"KIM Dieng Wonosobo</a><br><small[^>]*>Kabupaten Wonosobo</small>", page)


# --- needs attention --------------------------------------------------------------------------

# A KIM's board state is its latest board's; a decree counts unless a later one of its owner supersedes it.
BOARD_EXPIRING_SQL = """SELECT count(*) FROM kim WHERE regency_code = '33.13'
    AND (SELECT max(term_end) FROM board WHERE board.kim_id = kim.id) BETWEEN :a AND :b"""
BOARD_EXPIRED_SQL = """SELECT count(*) FROM kim WHERE regency_code = '33.13'
    AND (SELECT max(term_end) FROM board WHERE board.kim_id = kim.id) < :a"""
DECREE_EXPIRING_SQL = """SELECT count(*) FROM decree d
    WHERE d.regency_code = '33.13' AND d.term_end BETWEEN :a AND :b
    AND NOT EXISTS (SELECT 1 FROM decree later WHERE (later.kim_id = d.kim_id OR later.forum_id = d.forum_id)
                    AND later.term_end > d.term_end)"""
DECREE_EXPIRED_SQL = """SELECT count(*) FROM decree d
    WHERE d.regency_code = '33.13' AND d.term_end < :a
    AND NOT EXISTS (SELECT 1 FROM decree later WHERE (later.kim_id = d.kim_id OR later.forum_id = d.forum_id)
                    AND later.term_end > d.term_end)"""


def test_boards_expiring_and_expired_count_each_kim_by_its_latest_board(
    app, make_client, karanganyar, scene, db_session
):
    k = scene.kims
    BoardFactory(kim=k["manteb"], term_end=TODAY + timedelta(days=30))  # expiring
    BoardFactory(kim=k["saraswati"], term_end=TODAY + timedelta(days=90))  # expiring, last day of the window
    BoardFactory(kim=k["bima"], term_end=TODAY + timedelta(days=91))  # not yet
    BoardFactory(kim=k["sepi"], term_end=TODAY - timedelta(days=200))  # expired, not renewed
    BoardFactory(kim=k["beku"], term_end=TODAY - timedelta(days=5))  # expired...
    BoardFactory(kim=k["lalung"], term_end=TODAY - timedelta(days=3))  # ...but renewed:
    BoardFactory(kim=k["lalung"], term_start=TODAY - timedelta(days=2), term_end=TODAY + timedelta(days=1000))
    BoardFactory(kim=k["wonosobo"], term_end=TODAY + timedelta(days=10))  # another regency
    forum = FkMetraForumFactory()
    BoardFactory(kim=None, forum=forum, term_end=TODAY + timedelta(days=20))  # not a KIM board
    db_session.flush()

    terms = figures_in(app, KARANGANYAR).board_terms(db_session, TODAY)
    page = make_client(karanganyar.operator).get("/admin/").get_data(as_text=True)

    expiring_sql = sql_count(db_session, BOARD_EXPIRING_SQL, a=TODAY, b=TODAY + timedelta(days=90))
    expired_sql = sql_count(db_session, BOARD_EXPIRED_SQL, a=TODAY)
    assert (terms.expiring, terms.expired) == (expiring_sql, expired_sql) == (2, 2)
    assert [item.owner_name for item in terms.nearest_expiring] == ["KIM Manteb", "KIM Saraswati"]
    assert [item.days_left for item in terms.nearest_expiring] == [30, 90]
    assert [item.owner_name for item in terms.nearest_expired] == ["KIM Beku", "KIM Sepi"]  # most recent first
    assert [item.days_left for item in terms.nearest_expired] == [-5, -200]
    assert figure(page, "boards-expiring") == 2 and figure(page, "boards-expired") == 2
    assert "sisa 30 hari" in page and "berakhir 200 hari yang lalu" in page
    assert row_figure(region_row(page, JATIPURO), "boards_expiring") == 2


def test_decrees_expiring_and_expired_leave_out_superseded_ones(app, make_client, karanganyar, scene, db_session):
    k = scene.kims
    DecreeFactory(kim=k["manteb"], number="SK/EXP/1", term_end=TODAY + timedelta(days=45))
    DecreeFactory(kim=k["sepi"], number="SK/OLD/1", term_end=TODAY - timedelta(days=400))
    DecreeFactory(kim=k["bima"], number="SK/OLD/2", term_end=TODAY - timedelta(days=30))  # superseded:
    DecreeFactory(kim=k["bima"], number="SK/NEW/2", term_end=TODAY + timedelta(days=700))
    DecreeFactory(kim=k["tunas"], kind="pembentukan", number="SK/FOUND", term_start=None, term_end=None)
    forum = FkMetraForumFactory(name="FK Metra Karanganyar")
    DecreeFactory(kim=None, forum=forum, number="SK/FORUM", issuer="bupati", term_end=TODAY + timedelta(days=60))
    DecreeFactory(kim=k["wonosobo"], number="SK/WSB", term_end=TODAY - timedelta(days=1))
    db_session.flush()

    terms = figures_in(app, KARANGANYAR).decree_terms(db_session, TODAY)
    page = make_client(karanganyar.operator).get("/admin/").get_data(as_text=True)

    expiring_sql = sql_count(db_session, DECREE_EXPIRING_SQL, a=TODAY, b=TODAY + timedelta(days=90))
    expired_sql = sql_count(db_session, DECREE_EXPIRED_SQL, a=TODAY)
    assert (terms.expiring, terms.expired) == (expiring_sql, expired_sql) == (2, 1)
    assert [(item.label, item.owner) for item in terms.nearest_expiring] == [("SK/EXP/1", "kim"), ("SK/FORUM", "forum")]
    assert [item.label for item in terms.nearest_expired] == ["SK/OLD/1"]
    assert figure(page, "decrees-expiring") == 2 and figure(page, "decrees-expired") == 1
    assert "FK Metra Karanganyar" in page and "SK/WSB" not in page


def test_idle_kim_are_active_kim_without_activity_or_content_for_180_days(
    app, make_client, karanganyar, scene, db_session
):
    k = scene.kims
    ContentItemFactory(kim=k["manteb"], published_on=TODAY - timedelta(days=10))  # busy
    ActivityParticipantFactory(
        kim=k["saraswati"], activity=ActivityFactory(start_on=TODAY - timedelta(days=100))
    )  # busy
    ActivityParticipantFactory(
        kim=k["bima"], activity=ActivityFactory(start_on=TODAY - timedelta(days=20)), attended=False
    )
    ContentItemFactory(kim=k["lalung"], published_on=TODAY - timedelta(days=181))  # too long ago
    ContentItemFactory(kim=k["wonosobo"], published_on=TODAY - timedelta(days=400))
    db_session.flush()

    idle = figures_in(app, KARANGANYAR).idle_kim_count(db_session, TODAY)
    page = make_client(karanganyar.operator).get("/admin/").get_data(as_text=True)

    since = TODAY - timedelta(days=180)
    idle_sql = sql_count(
        db_session,
        """SELECT count(*) FROM kim WHERE regency_code = '33.13' AND status IN ('aktif', 'kurang_aktif')
           AND NOT EXISTS (SELECT 1 FROM activity_participant p JOIN activity a ON a.id = p.activity_id
                           WHERE p.kim_id = kim.id AND p.attended AND a.start_on BETWEEN :since AND :today)
           AND NOT EXISTS (SELECT 1 FROM content_item c
                           WHERE c.kim_id = kim.id AND c.published_on BETWEEN :since AND :today)""",
        since=since,
        today=TODAY,
    )
    assert idle == idle_sql == 3  # Bima (absent), Lalung (old content), Tunas (nothing); not the inactive two
    assert figure(page, "kim-idle") == 3
    assert link(page, "kim-idle") == ("/admin/kim/", {"idle": "180", "status": "active"})


# --- charts -----------------------------------------------------------------------------------


def test_activities_per_month_cover_the_last_12_months(app, make_client, karanganyar, db_session):
    this_month = TODAY.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    ActivityFactory.create_batch(3, start_on=this_month)
    ActivityFactory(start_on=last_month, kind="studi_tiru")
    ActivityFactory(start_on=this_month.replace(year=this_month.year - 1))  # 12 months back: outside
    ActivityFactory(regency_code="33.07", start_on=this_month)
    db_session.flush()

    months = figures_in(app, KARANGANYAR).activities_per_month(db_session, TODAY)
    page = make_client(karanganyar.viewer).get("/admin/").get_data(as_text=True)

    assert len(months) == 12 and months[-1].month == f"{this_month:%Y-%m}"
    month_sql = "SELECT count(*) FROM activity WHERE regency_code = '33.13' AND start_on >= :a AND start_on < :b"
    assert months[-1].count == sql_count(db_session, month_sql, a=this_month, b=TODAY + timedelta(days=32)) == 3
    assert months[-2].count == sql_count(db_session, month_sql, a=last_month, b=this_month) == 1
    assert sum(month.count for month in months) == 4
    assert chart_data(page, "chart-activities")["datasets"][0]["data"] == [month.count for month in months]
    assert figure(page, f"month-{this_month:%Y-%m}") == 3
    assert link(page, f"month-{this_month:%Y-%m}") == ("/admin/activity/", {"month": f"{this_month:%Y-%m}"})


def test_awards_by_year_and_level(app, make_client, karanganyar, scene, db_session):
    year = TODAY.year
    AwardFactory(kim=scene.kims["manteb"], year=year - 3, level="provinsi", rank=3, work_title="Nular")
    AwardFactory(kim=scene.kims["saraswati"], year=year - 3, level="provinsi", rank=6, work_title="Bantuan")
    AwardFactory(kim=scene.kims["manteb"], year=year - 2, level="provinsi", rank=2, work_title="Krasa")
    AwardFactory(kim=scene.kims["tunas"], year=year, level="kabupaten", rank=3)
    AwardFactory(year=year, level="provinsi", rank=3, contest_name="Peringkat KIM kabupaten/kota Jawa Tengah")
    AwardFactory(regency_code="33.07", year=year, level="nasional", rank=1)
    db_session.flush()

    table = figures_in(app, KARANGANYAR).awards_by_year_and_level(db_session, TODAY)
    page = make_client(karanganyar.operator).get("/admin/").get_data(as_text=True)

    grouped = db_session.execute(
        sa.text("SELECT year, level, count(*) FROM award WHERE regency_code = '33.13' GROUP BY year, level")
    ).all()
    assert table.counts == {(y, level): n for y, level, n in grouped}
    assert table.years == [year - 3, year - 2, year]
    assert table.levels == ["kabupaten", "provinsi"]  # levels in their fixed order, only those awarded
    assert table.count(year - 3, "provinsi") == 2 and table.total == 5
    stacked = chart_data(page, "chart-awards")
    assert stacked["stacked"] is True
    assert [dataset["data"] for dataset in stacked["datasets"]] == [[0, 0, 1], [2, 1, 1]]
    assert f'<a href="/admin/award/?year={year - 3}&amp;level=provinsi">2</a>' in page
    assert f'<a href="/admin/award/?year={year}">2</a>' in page


def test_fkmetra_groups_by_art_form(app, make_client, karanganyar, db_session):
    FkMetraGroupFactory.create_batch(3, art_form="wayang")
    FkMetraGroupFactory(art_form="karawitan")
    FkMetraGroupFactory(regency="33.07", art_form="karawitan")
    db_session.flush()

    forms = figures_in(app, KARANGANYAR).fkmetra_groups_by_art_form(db_session)
    page = make_client(karanganyar.operator).get("/admin/").get_data(as_text=True)

    assert forms == [("wayang", 3), ("karawitan", 1)]
    assert forms == [
        tuple(row)
        for row in db_session.execute(
            sa.text(
                "SELECT art_form, count(*) FROM fkmetra_group WHERE regency_code = '33.13' "
                "GROUP BY art_form ORDER BY count(*) DESC"
            )
        )
    ]
    assert figure(page, "art-wayang") == 3
    assert link(page, "art-wayang") == ("/admin/fkmetra_group/", {"art_form": "wayang"})


# --- links ------------------------------------------------------------------------------------

EXPECTED_LINKS = {
    "kim-total": ("/admin/kim/", {}),
    "kim-active": ("/admin/kim/", {"status": "active"}),
    "kim-inactive": ("/admin/kim/", {"status": "inactive"}),
    "kim-status-tidak_aktif": ("/admin/kim/", {"status": "tidak_aktif"}),
    "kim-kimid-yes": ("/admin/kim/", {"kimid": "yes"}),
    "kim-kimid-no": ("/admin/kim/", {"kimid": "no"}),
    "boards-expiring": ("/admin/kim/", {"board": "expiring"}),
    "boards-expired": ("/admin/kim/", {"board": "expired"}),
    "decrees-expiring": ("/admin/decree/", {"expiring": "90"}),
    "decrees-expired": ("/admin/decree/", {"expired": "1"}),
    "kim-idle": ("/admin/kim/", {"idle": "180", "status": "active"}),
}


def test_every_figure_links_to_the_filtered_list_that_shows_the_same_number(
    make_client, karanganyar, scene, db_session
):
    k = scene.kims
    BoardFactory(kim=k["manteb"], term_end=TODAY + timedelta(days=30))
    BoardFactory(kim=k["sepi"], term_end=TODAY - timedelta(days=30))
    DecreeFactory(kim=k["manteb"], term_end=TODAY + timedelta(days=30))
    DecreeFactory(kim=k["sepi"], term_end=TODAY - timedelta(days=30))
    db_session.flush()
    client = make_client(karanganyar.admin)

    page = client.get("/admin/").get_data(as_text=True)

    for element_id, expected in EXPECTED_LINKS.items():
        assert link(page, element_id) == expected, element_id
        path, query = expected
        url = path + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")
        assert list_count(client, url) == figure(page, element_id), element_id
    row = region_row(page, JATIPURO)
    assert f'href="/admin/kim/?district={JATIPURO}"' in row
    assert list_count(client, f"/admin/kim/?district={JATIPURO}") == row_figure(row, "kim_total")
    assert list_count(client, f"/admin/kim/?district={JATIPURO}&status=inactive") == row_figure(row, "kim_inactive")


def test_the_dashboard_and_the_kim_list_agree_on_what_expires_soon():
    from kimadmin.admin import kim

    assert dashboard.ATTENTION_DAYS == kim.EXPIRING_WITHIN_DAYS == 90


def test_a_role_without_a_permission_gets_neither_the_figure_nor_the_link(make_client, karanganyar, scene, db_session):
    from kimadmin.models import role_permission

    AwardFactory(year=TODAY.year)
    db_session.execute(
        sa.delete(role_permission).where(
            role_permission.c.role_name == "viewer",
            role_permission.c.permission_name.in_(["award.view", "decree.view"]),
        )
    )
    db_session.flush()

    page = make_client(karanganyar.viewer).get("/admin/").get_data(as_text=True)

    assert figure(page, "kim-total") == 7
    assert "chart-awards" not in page and "/admin/award/" not in page
    assert 'id="decrees-expiring"' not in page and "/admin/decree/" not in page


# --- the page ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "regency", "province"),
    [
        ("superadmin", None, None),
        ("provinsi", None, "33"),
        ("admin_kabupaten", "33.13", None),
        ("operator", "33.13", None),
        ("viewer", "33.13", None),
    ],
)
def test_the_page_renders_for_every_role_within_a_fixed_number_of_statements(
    make_client, db_session, count_queries, scene, role, regency, province
):
    user = make_user(role, regency=regency, province=province, email=f"{role}@dashboard.example")
    client = make_client(user)

    with count_queries() as few:
        small = client.get("/admin/")
    _lots_of_records(db_session, scene)
    with count_queries() as many:
        large = client.get("/admin/")

    assert small.status_code == large.status_code == 200
    page = large.get_data(as_text=True)
    assert figure(page, "kim-total") >= 7
    assert 'id="coverage-table"' in page
    assert len(many) == len(few), "the statement count must not depend on the data"
    assert len(many) <= MAX_DASHBOARD_STATEMENTS, "\n\n".join(many.statements)


def _lots_of_records(db_session, scene: Scene) -> None:
    kims = [*KimFactory.create_batch(40, regency="33.13"), scene.kims["manteb"], scene.kims["wonosobo"]]
    for number, kim in enumerate(kims):
        BoardFactory(kim=kim, term_end=TODAY + timedelta(days=number * 7 - 100))
        DecreeFactory(kim=kim, term_end=TODAY + timedelta(days=number * 5 - 60))
        ContentItemFactory(kim=kim, published_on=TODAY - timedelta(days=number * 9))
        regency = kim.regency_code or "33.13"
        ActivityParticipantFactory(
            kim=kim, activity=ActivityFactory(regency_code=regency, start_on=TODAY - timedelta(days=number * 8))
        )
        AwardFactory(kim=kim, year=TODAY.year - number % 4, level=("kabupaten", "provinsi", "nasional")[number % 3])
        FkMetraGroupFactory(regency=regency, art_form=("wayang", "ketoprak", "rebana", "campursari")[number % 4])
    db_session.flush()


def test_an_anonymous_visitor_is_sent_to_the_login(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_hostile_names_are_escaped_in_the_page_and_in_the_chart_data(make_client, karanganyar, db_session):
    hostile = "<script>alert('kim')</script>"
    (desa,) = villages(db_session, JATIPURO, count=1)
    kim = KimFactory(name=f"KIM {hostile}", village=desa)
    BoardFactory(kim=kim, term_end=TODAY + timedelta(days=5))
    # Region names are reference data, but they reach the chart's JSON: prove it is escaped there too.
    db_session.execute(sa.update(District).where(District.code == JATIPURO).values(name=f"Jatipuro</script>{hostile}"))
    db_session.flush()

    response = make_client(karanganyar.operator).get("/admin/")
    page = response.get_data(as_text=True)

    assert hostile not in page
    assert "KIM &lt;script&gt;alert(&#39;kim&#39;)&lt;/script&gt;" in page  # in the "needs attention" list
    chart_block = re.search(r'id="chart-coverage-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in chart_block and "\\u003c/script\\u003e" in chart_block
    assert f"Jatipuro</script>{hostile}" in json.loads(chart_block)["labels"]
    # No inline executable script: only scripts with src, with a nonce, or JSON data blocks.
    for attributes in re.findall(r"<script\b([^>]*)>", page):
        assert "src=" in attributes or "application/json" in attributes or "nonce=" in attributes, attributes


def test_the_charts_are_drawn_by_the_vendored_chartjs_without_a_cdn(make_client, karanganyar, app):
    page = make_client(karanganyar.viewer).get("/admin/").get_data(as_text=True)

    assert "/static/vendor/chartjs/chart.umd.min.js" in page and "/static/js/dashboard.js" in page
    assert "cdn" not in page.lower()
    client = app.test_client()
    assert client.get("/static/vendor/chartjs/chart.umd.min.js").status_code == 200
    assert client.get("/static/js/dashboard.js").status_code == 200


# --- plugins' cards ---------------------------------------------------------------------------


class FakePlugins:
    """Wraps the plugin registry: the core answers as usual, plus one plugin answering the
    dashboard hook (and no other)."""

    def __init__(self, real, widgets):
        self.real, self.widgets, self.calls = real, widgets, []

    def call(self, hook, plugins, **kwargs):
        self.calls.append((hook, set(plugins), kwargs["regency"]))
        answers = self.real.call(hook, (), **kwargs)  # no plugin enabled: the core's own answers
        return [*answers, ("fake_plugin", self.widgets)] if hook == "kimadmin_dashboard_widgets" else answers


def test_plugin_cards_are_shown_and_a_failing_one_does_not_blank_the_page(app, make_client, karanganyar, monkeypatch):
    from kimadmin import plugin_manager
    from kimadmin.plugin_api import DashboardWidget

    fake = FakePlugins(
        app.extensions["kimadmin_plugins"],
        [
            DashboardWidget(title="Broken card", template="fake_plugin/missing.html", order=1),
            # Any template of ours renders: the one listing plugin cards, with none inside.
            DashboardWidget(title="Festival card", template="admin/dashboard/_widgets.html", context={"widgets": []}),
        ],
    )
    monkeypatch.setitem(app.extensions, "kimadmin_plugins", fake)
    monkeypatch.setattr(plugin_manager, "enabled_plugins", lambda: frozenset({"fake_plugin"}))

    response = make_client(karanganyar.operator).get("/admin/")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Festival card" in page and "Broken card" not in page
    widget_calls = [call for call in fake.calls if call[0] == "kimadmin_dashboard_widgets"]
    assert widget_calls == [("kimadmin_dashboard_widgets", {"fake_plugin"}, "33.13")]
    assert figure(page, "kim-total") == 0


def test_core_sections_are_cards_of_the_same_hook_and_plugins_place_theirs_between(
    app, make_client, karanganyar, monkeypatch
):
    """The core's key figures, attention, breakdown and charts come through
    ``kimadmin_dashboard_widgets`` (orders 10-40), so a plugin card of order 15 sits between the
    key figures and the attention block."""
    from kimadmin import plugin_manager
    from kimadmin.plugin_api import DashboardWidget

    fake = FakePlugins(
        app.extensions["kimadmin_plugins"],
        [
            DashboardWidget(
                title="Between card", template="admin/dashboard/_widgets.html", context={"widgets": []}, order=15
            )
        ],
    )
    monkeypatch.setitem(app.extensions, "kimadmin_plugins", fake)
    monkeypatch.setattr(plugin_manager, "enabled_plugins", lambda: frozenset({"fake_plugin"}))

    page = make_client(karanganyar.admin).get("/admin/").get_data(as_text=True)

    key_figures, between, attention = (
        page.index(marker) for marker in ("kim-card-kim-total", "Between card", 'id="attention-title"')
    )
    assert key_figures < between < attention
    assert 'id="chart-activities' in page and 'id="coverage' in page
