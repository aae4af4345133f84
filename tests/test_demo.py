"""The demo scenario (``flask kim demo``): the facts of the source articles, checked with plain SQL.

Each test loads the demo into its own rolled-back transaction through :func:`load_demo`; the
counts are independent SQL over the tables, not the loader's own objects.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from kimadmin.demo import DEMO_PASSWORD, INACTIVE_REASON, load_demo
from kimadmin.models.choices import ACTIVITY_KINDS
from kimadmin.personal_data import nik_errors, normalise_phone

KARANGANYAR, WONOSOBO = "33.13", "33.07"


@pytest.fixture
def demo(db_session):
    return load_demo(db_session)


def sql(session, statement: str, **params: Any) -> sa.CursorResult:
    """Run plain SQL; date parameters are bound as dates on SQLite and PostgreSQL alike."""
    clause = sa.text(statement)
    dates = [sa.bindparam(name, type_=sa.Date) for name, value in params.items() if isinstance(value, date)]
    return session.execute(clause.bindparams(*dates) if dates else clause, params)


def count(session, statement: str, **params: Any) -> int:
    return sql(session, statement, **params).scalar_one()


def table_counts(session) -> dict[str, int]:
    tables = sa.inspect(session.get_bind()).get_table_names()
    return {table: count(session, f'SELECT count(*) FROM "{table}"') for table in tables}  # noqa: S608


# --- Karanganyar -----------------------------------------------------------------------------------


def test_karanganyar_has_33_kim_of_which_24_active_and_9_inactive(db_session, demo):
    statuses = dict(
        sql(db_session, "SELECT status, count(*) FROM kim WHERE regency_code = :r GROUP BY status", r=KARANGANYAR).all()
    )

    assert statuses == {"aktif": 24, "tidak_aktif": 9}


def test_the_nine_inactive_karanganyar_kim_lapsed_because_their_boards_were_not_renewed(db_session, demo):
    today = date.today()
    inactive = sql(
        db_session,
        "SELECT k.id, k.status_reason, (SELECT max(b.term_end) FROM board b WHERE b.kim_id = k.id) AS last_term_end,"
        " (SELECT count(*) FROM kim_status_change h WHERE h.kim_id = k.id AND h.status = 'tidak_aktif'"
        "  AND h.reason = :reason) AS history"
        " FROM kim k WHERE k.regency_code = :r AND k.status = 'tidak_aktif'",
        r=KARANGANYAR,
        reason=INACTIVE_REASON,
    ).all()

    assert len(inactive) == 9
    assert {row.status_reason for row in inactive} == {"kepengurusan tidak diregenerasi"}
    assert all(row.history == 1 for row in inactive)
    assert all(str(row.last_term_end) < today.isoformat() for row in inactive)


def test_karanganyar_kim_are_spread_about_two_per_kecamatan(db_session, demo):
    per_district = sql(
        db_session,
        "SELECT d.name, count(k.id) FROM district d"
        " LEFT JOIN village v ON v.district_code = d.code LEFT JOIN kim k ON k.village_code = v.code"
        " WHERE d.regency_code = :r GROUP BY d.name",
        r=KARANGANYAR,
    ).all()

    assert len(per_district) == 17
    assert all(1 <= n <= 2 for _, n in per_district), per_district
    assert sum(n for _, n in per_district) == 33


def test_the_named_karanganyar_kim_sit_in_their_desa_and_are_active(db_session, demo):
    rows = sql(
        db_session,
        "SELECT k.name, d.name AS kecamatan, v.name AS desa, v.kind, k.status FROM kim k"
        " JOIN village v ON v.code = k.village_code JOIN district d ON d.code = v.district_code"
        " WHERE k.regency_code = :r AND k.name IN ('KIM Manteb', 'KIM Saraswati', 'KIM Bima', 'KIM Tunas Harapan')",
        r=KARANGANYAR,
    ).all()
    found = {row.name: (row.kecamatan, row.desa if row.name != "KIM Saraswati" else "*", row.status) for row in rows}

    assert found == {
        "KIM Manteb": ("Karangpandan", "Karangpandan", "aktif"),
        "KIM Saraswati": ("Tasikmadu", "*", "aktif"),
        "KIM Bima": ("Karanganyar", "Popongan", "aktif"),
        "KIM Tunas Harapan": ("Jaten", "Dagen", "aktif"),
    }
    assert {row.name: row.kind for row in rows}["KIM Bima"] == "kelurahan"


def test_active_karanganyar_kim_have_current_boards_some_expiring_within_90_days(db_session, demo):
    today = date.today()
    ends = sql(
        db_session,
        "SELECT max(b.term_end) FROM kim k JOIN board b ON b.kim_id = k.id"
        " WHERE k.regency_code = :r AND k.status = 'aktif' GROUP BY k.id",
        r=KARANGANYAR,
    ).scalars()
    ends = [date.fromisoformat(str(end)) for end in ends]

    assert len(ends) == 24
    assert all(end >= today for end in ends)
    assert any(end <= today + timedelta(days=90) for end in ends)


def test_karanganyar_founding_decrees_come_from_kepala_desa_or_camat(db_session, demo):
    issuers = sql(
        db_session,
        "SELECT DISTINCT d.issuer FROM decree d JOIN kim k ON k.id = d.kim_id"
        " WHERE k.regency_code = :r AND d.kind = 'pembentukan'",
        r=KARANGANYAR,
    ).scalars()
    founded = count(
        db_session,
        "SELECT count(DISTINCT d.kim_id) FROM decree d WHERE d.regency_code = :r AND d.kind = 'pembentukan'",
        r=KARANGANYAR,
    )

    assert set(issuers) <= {"kepala_desa", "camat"}
    assert founded == 33


# --- Wonosobo ------------------------------------------------------------------------------------


def test_wonosobo_has_48_kim_with_pilots_since_2012_founded_by_sk(db_session, demo):
    pilots = sql(
        db_session,
        "SELECT k.founded_on, (SELECT count(*) FROM decree d WHERE d.kim_id = k.id AND d.kind = 'pembentukan')"
        " FROM kim k WHERE k.regency_code = :r AND k.is_pilot",
        r=WONOSOBO,
    ).all()
    years = {int(str(founded)[:4]) for founded, _ in pilots}

    assert count(db_session, "SELECT count(*) FROM kim WHERE regency_code = :r", r=WONOSOBO) == 48
    assert min(years) == 2012
    assert years <= {2012, 2013, 2014}
    assert all(decrees == 1 for _, decrees in pilots)


def test_wonosobo_fk_metra_forum_formed_2018_by_sk_bupati_with_16_arts_groups(db_session, demo):
    forum = sql(db_session, "SELECT id, formed_on FROM fkmetra_forum WHERE regency_code = :r", r=WONOSOBO).one()
    founding = sql(
        db_session,
        "SELECT issuer, term_start, term_end FROM decree WHERE forum_id = :f AND kind = 'pembentukan'",
        f=forum.id,
    ).one()
    groups = sql(
        db_session,
        "SELECT g.art_form, v.regency_code FROM fkmetra_group g JOIN village v ON v.code = g.village_code"
        " WHERE g.regency_code = :r",
        r=WONOSOBO,
    ).all()

    assert str(forum.formed_on).startswith("2018")
    assert founding.issuer == "bupati"
    assert int(str(founding.term_end)[:4]) - int(str(founding.term_start)[:4]) == 5
    assert len(groups) == 16
    assert {regency for _, regency in groups} == {WONOSOBO}
    assert len({art_form for art_form, _ in groups}) >= 5


# --- awards and study visits -----------------------------------------------------------------------


def test_karanganyar_awards_2021_to_2024(db_session, demo):
    awards = {
        tuple(row)
        for row in sql(
            db_session,
            "SELECT coalesce(k.name, '(kabupaten)'), a.year, a.rank, a.rank_label, a.work_title, a.category"
            " FROM award a LEFT JOIN kim k ON k.id = a.kim_id"
            " WHERE a.regency_code = :r AND a.level = 'provinsi' AND a.organiser = 'Diskominfo Provinsi Jawa Tengah'",
            r=KARANGANYAR,
        )
    }

    assert awards == {
        ("KIM Manteb", 2021, 3, "Juara III", "Nular", "Film pendek"),
        ("KIM Saraswati", 2021, 6, "Harapan III", "Bantuan", "Film pendek"),
        ("KIM Manteb", 2022, 2, "Juara II", "Krasa", "Film pendek"),
        ("KIM Bima", 2022, 4, "Harapan I", "Penglaris", "Film pendek"),
        ("KIM Manteb", 2023, 5, "Harapan II", "Kuatir", "Film pendek"),
        ("KIM Tunas Harapan", 2024, 3, "Juara III", None, "Film pendek"),
        ("(kabupaten)", 2024, 3, "Peringkat III", None, "Pembinaan KIM kabupaten/kota"),
    }


def test_the_two_incoming_study_visits_of_the_articles(db_session, demo):
    visits = sql(
        db_session,
        "SELECT a.regency_code, a.partner_regency_code, a.start_on, a.partner_agency, a.topic,"
        " (SELECT count(*) FROM activity_participant p WHERE p.activity_id = a.id) AS participants"
        " FROM activity a WHERE a.kind = 'studi_tiru' AND a.direction = 'masuk'"
        " AND a.partner_regency_code IN ('33.72', '33.12')",
    ).all()
    found = {(v.regency_code, v.partner_regency_code): str(v.start_on) for v in visits}

    assert len(visits) == 2
    assert found[(WONOSOBO, "33.72")] == "2023-10-27"  # Diskominfo SP Surakarta
    assert found[(KARANGANYAR, "33.12")].startswith("2024-11")  # Diskominfo Wonogiri
    assert all(v.partner_agency.startswith("Diskominfo") and v.topic and v.participants for v in visits)


# --- a year of work --------------------------------------------------------------------------------


def test_a_year_of_activities_of_every_kind_with_attendance_in_both_regencies(db_session, demo):
    today = date.today()
    months = [(today.year * 12 + today.month - 1 - n) for n in range(12)]  # this month and the 11 before
    last_twelve_months = {f"{m // 12}-{m % 12 + 1:02d}" for m in months}
    rows = sql(
        db_session,
        "SELECT a.regency_code, a.kind, a.start_on, (SELECT coalesce(sum(p.attendees), 0)"
        "  FROM activity_participant p WHERE p.activity_id = a.id) AS attendance"
        " FROM activity a WHERE a.start_on >= :since AND a.start_on <= :today",
        since=date(months[-1] // 12, months[-1] % 12 + 1, 1),
        today=today,
    ).all()

    for regency in (KARANGANYAR, WONOSOBO):
        own = [row for row in rows if row.regency_code == regency]
        assert {row.kind for row in own} == set(ACTIVITY_KINDS), regency
        assert {str(row.start_on)[:7] for row in own} == last_twelve_months, regency
    assert all(row.attendance > 0 for row in rows)


def test_every_active_kim_has_exactly_one_serving_ketua(db_session, demo):
    today = date.today()
    ketua_counts = sql(
        db_session,
        "SELECT k.id, (SELECT count(*) FROM board_member m JOIN board b ON b.id = m.board_id"
        "  WHERE b.kim_id = k.id AND m.position = 'ketua' AND b.term_start <= :today AND b.term_end >= :today"
        "  AND (m.end_on IS NULL OR m.end_on >= :today)) FROM kim k"
        " WHERE k.regency_code IN (:a, :b) AND k.status IN ('aktif', 'kurang_aktif')",
        today=today,
        a=KARANGANYAR,
        b=WONOSOBO,
    ).all()

    assert len(ketua_counts) == 24 + 48
    assert {n for _, n in ketua_counts} == {1}


def test_board_members_have_valid_mobile_numbers_and_mostly_no_nik(db_session, demo):
    members = sql(db_session, "SELECT phone, nik FROM board_member").all()
    phones = [phone for phone, _ in members if phone]
    niks = [nik for _, nik in members if nik]

    assert phones and all(normalise_phone(phone) == phone and phone.startswith("+628") for phone in phones)
    assert len(niks) < len(members) * 0.2
    assert all(not nik_errors(nik) for nik in niks)


def test_kim_have_media_channels_and_content(db_session, demo):
    without_channels = count(
        db_session,
        "SELECT count(*) FROM kim k WHERE k.regency_code IN (:a, :b)"
        " AND NOT EXISTS (SELECT 1 FROM media_channel c WHERE c.kim_id = k.id)",
        a=KARANGANYAR,
        b=WONOSOBO,
    )
    without_content = count(
        db_session,
        "SELECT count(*) FROM kim k WHERE k.regency_code IN (:a, :b)"
        " AND NOT EXISTS (SELECT 1 FROM content_item c WHERE c.kim_id = k.id)",
        a=KARANGANYAR,
        b=WONOSOBO,
    )

    assert (without_channels, without_content) == (0, 0)


def test_monev_assessments_score_every_default_indicator_with_a_computed_total(db_session, demo):
    assessments = sql(
        db_session,
        "SELECT a.id, a.total, a.suggested_status, (SELECT count(*) FROM monev_score s WHERE s.assessment_id = a.id)"
        " FROM monev_assessment a",
    ).all()
    indicators = count(db_session, "SELECT count(*) FROM monev_indicator WHERE regency_code IS NULL AND active")

    assert len(assessments) >= 4
    assert all(scores == indicators for _, _, _, scores in assessments)
    assert all(total is not None and status for _, total, status, _ in assessments)


def test_the_health_office_booked_an_fk_metra_performance_on_stunting(db_session, demo):
    groups = count(
        db_session,
        "SELECT count(*) FROM fkmetra_performance p JOIN fkmetra_performance_group pg ON pg.performance_id = p.id"
        " WHERE p.requesting_office LIKE 'Dinas Kesehatan%' AND p.message_theme LIKE '%stunting%'"
        " AND p.regency_code = :r",
        r=WONOSOBO,
    )

    assert groups >= 2


# --- idempotency and the command -------------------------------------------------------------------


def test_loading_twice_changes_nothing(db_session, demo):
    before = table_counts(db_session)

    second = load_demo(db_session)

    assert second.nothing_new, second.created
    assert table_counts(db_session) == before


def test_the_command_loads_once_and_prints_the_demo_logins(app, db_session):
    runner = app.test_cli_runner()

    first = runner.invoke(args=["kim", "demo"])
    second = runner.invoke(args=["kim", "demo"])

    assert first.exit_code == 0, first.output
    assert "Demo data loaded" in first.output
    assert re.search(
        r"operator\s+Kabupaten Karanganyar\s+operator@karanganyar\.example\s+" + DEMO_PASSWORD, first.output
    )
    assert "already loaded; nothing changed" in second.output
    assert count(db_session, "SELECT count(*) FROM kim WHERE regency_code = :r", r=KARANGANYAR) == 33


def test_a_load_that_fails_leaves_nothing_behind(app, db_session, monkeypatch):
    from kimadmin import demo as demo_module
    from kimadmin.models import Award

    create_awards = demo_module._Loader._create_awards

    def with_an_impossible_award(loader, plans):  # rank 9 breaks a CHECK constraint at the flush
        create_awards(loader, plans)
        loader.add(Award(regency_code=KARANGANYAR, contest_name="Lomba", level="provinsi", year=2024, rank=9))

    monkeypatch.setattr(demo_module._Loader, "_create_awards", with_an_impossible_award)

    result = app.test_cli_runner().invoke(args=["kim", "demo"])

    assert result.exit_code != 0
    assert count(db_session, "SELECT count(*) FROM kim") == 0
    assert count(db_session, "SELECT count(*) FROM user_account") == 0


def test_the_command_refuses_a_production_installation(app, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "KIMADMIN_ENV", "production")

    result = app.test_cli_runner().invoke(args=["kim", "demo"])

    assert result.exit_code != 0
    assert "production" in result.output
    assert count(db_session, "SELECT count(*) FROM kim") == 0


# --- demo users ------------------------------------------------------------------------------------


def test_demo_users_cover_every_role_but_superadmin(db_session, demo):
    users = {
        tuple(row)
        for row in sql(
            db_session,
            "SELECT role_name, coalesce(regency_code, province_code) FROM user_account WHERE email LIKE '%.example'",
        )
    }

    assert users == {
        ("provinsi", "33"),
        ("admin_kabupaten", KARANGANYAR),
        ("operator", KARANGANYAR),
        ("viewer", KARANGANYAR),
        ("admin_kabupaten", WONOSOBO),
        ("operator", WONOSOBO),
        ("viewer", WONOSOBO),
    }


def test_demo_users_log_in_with_the_demo_password(make_client, demo):
    for login in demo.logins:
        client = make_client()
        client.login(login.email, DEMO_PASSWORD)  # raises unless redirected after login

        assert client.get("/admin/kim/").status_code == 200


def test_a_test_may_load_the_demo_and_then_use_the_karanganyar_tenant(make_client, demo, karanganyar):
    client = make_client(karanganyar.operator)  # the demo's operator, logged in with the test password

    assert karanganyar.operator.email == "operator@karanganyar.example"
    assert client.get("/admin/kim/").status_code == 200


def test_karanganyar_operator_sees_the_33_karanganyar_kim_and_no_wonosobo_kim(db_session, make_client, demo):
    names = {name: code for name, code in sql(db_session, "SELECT name, regency_code FROM kim")}
    client = make_client()
    client.login("operator@karanganyar.example", DEMO_PASSWORD)

    html = client.get("/admin/kim/?page_size=50").get_data(as_text=True)
    shown = {name for name in names if f">{name}<" in html}

    assert shown == {name for name, regency in names.items() if regency == KARANGANYAR}
    assert len(shown) == 33


# --- the dashboard on the demo data ----------------------------------------------------------------


def test_a_karanganyar_officer_sees_33_kim_24_active_9_inactive_on_the_dashboard(make_client, demo):
    client = make_client()
    client.login("operator@karanganyar.example", DEMO_PASSWORD)

    html = client.get("/admin/").get_data(as_text=True)
    figures = dict(re.findall(r'id="(kim-total|kim-active|kim-inactive|boards-expired)">(\d+)<', html))

    assert figures == {"kim-total": "33", "kim-active": "24", "kim-inactive": "9", "boards-expired": "9"}


def test_the_dashboard_has_boards_expiring_and_activities_in_every_month(app, db_session, demo):
    from kimadmin import dashboard, tenancy

    for regency in (KARANGANYAR, WONOSOBO):
        with app.test_request_context():
            tenancy.set_scope(tenancy.Scope.for_regency(regency))
            months = dashboard.activities_per_month(db_session, date.today())
            terms = dashboard.board_terms(db_session, date.today())

        assert len(months) == 12 and all(month.count > 0 for month in months), (regency, months)
        assert terms.expiring > 0, regency
