"""The "no posts three months after training" list: the rule, its day-90 boundaries, the screen and
the dashboard card (see followup.py and the README for the rule)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kimadmin.testing.plugins import enable_plugin

from ..followup import FOLLOW_UP_DAYS, follow_ups, quiet_kim
from .factories import KARANGANYAR, PLUGIN, WONOSOBO, add_participant, days_ago, log_check, make_kim, make_session

TODAY = date(2026, 11, 25)


def trained(days_before_today: int, regency: str = KARANGANYAR, name: str = "KIM Uji"):  # type: ignore[no-untyped-def]
    """A KIM with one participant in a session held ``days_before_today`` days before TODAY."""
    kim = make_kim(regency, name=name)
    session = make_session(regency, held_on=TODAY - timedelta(days=days_before_today))
    add_participant(session, kim)
    return kim, session.held_on


def quiet_names(on: date = TODAY) -> set[str]:
    return {entry.kim_name for entry in quiet_kim(on)}


def test_three_months_is_ninety_days():
    assert FOLLOW_UP_DAYS == 90


def test_a_kim_trained_89_days_ago_is_not_judged_yet_and_one_trained_90_days_ago_is(db_session):
    trained(89, name="KIM Baru")
    trained(90, name="KIM Tepat")

    assert quiet_names() == {"KIM Tepat"}


def test_posts_on_day_90_count_and_posts_on_day_89_do_not(db_session):
    on_time, held = trained(200, name="KIM Tepat Waktu")
    early, held_early = trained(200, name="KIM Terlalu Awal")
    log_check(on_time, held + timedelta(days=90), posts=4)
    log_check(early, held_early + timedelta(days=89), posts=25)  # busy right after training, then no check

    assert quiet_names() == {"KIM Terlalu Awal"}


def test_a_check_with_zero_posts_after_day_90_keeps_the_kim_listed_with_its_reason(db_session):
    silent, held = trained(150, name="KIM Sunyi")
    trained(150, name="KIM Belum Dicek")
    log_check(silent, held + timedelta(days=95), posts=0)
    log_check(silent, held + timedelta(days=120), posts=0, platform="tiktok", handle="kim.sunyi")

    entries = {entry.kim_name: entry for entry in quiet_kim(TODAY)}

    assert set(entries) == {"KIM Sunyi", "KIM Belum Dicek"}
    assert entries["KIM Sunyi"].checked_since_due
    assert entries["KIM Sunyi"].last_check == held + timedelta(days=120)
    assert not entries["KIM Belum Dicek"].checked_since_due and entries["KIM Belum Dicek"].last_check is None


def test_any_account_with_posts_after_day_90_means_the_kim_kept_posting(db_session):
    kim, held = trained(150, name="KIM Aktif")
    log_check(kim, held + timedelta(days=100), posts=0, platform="instagram")
    log_check(kim, held + timedelta(days=100), posts=2, platform="youtube", handle="kimaktif")

    assert quiet_names() == set()
    (entry,) = follow_ups(TODAY)
    assert entry.kept_posting and entry.due_on == held + timedelta(days=90)


def test_the_latest_judged_training_sets_the_clock(db_session):
    """Trained 300 and 120 days ago: posts between the two follow-up dates no longer count."""
    kim, _first = trained(300, name="KIM Dua Kali")
    second = make_session(KARANGANYAR, held_on=TODAY - timedelta(days=120))
    add_participant(second, kim, name="Peserta kedua")
    log_check(kim, TODAY - timedelta(days=200), posts=9)  # day 100 after the first training

    (entry,) = quiet_kim(TODAY)
    assert entry.trained_on == TODAY - timedelta(days=120)

    log_check(kim, TODAY - timedelta(days=30), posts=1)  # day 90 after the second
    assert quiet_names() == set()


def test_a_training_less_than_90_days_ago_does_not_hide_an_older_judged_one(db_session):
    kim, first = trained(200, name="KIM Lama")
    recent = make_session(KARANGANYAR, held_on=TODAY - timedelta(days=10))
    add_participant(recent, kim, name="Peserta baru")

    (entry,) = quiet_kim(TODAY)
    assert entry.trained_on == first


# --- the screen and the card ---------------------------------------------------------------------
@pytest.fixture
def followed(db_session, karanganyar, wonosobo):
    enable_plugin(PLUGIN, KARANGANYAR)
    enable_plugin(PLUGIN, WONOSOBO)
    quiet = make_kim(KARANGANYAR, name="KIM Diam")
    busy = make_kim(KARANGANYAR, name="KIM Rajin")
    session = make_session(KARANGANYAR, held_on=days_ago(100))
    add_participant(session, quiet, "Ani", 40, 60)
    add_participant(session, busy, "Budi", 50, 80)
    log_check(busy, days_ago(5), posts=12)
    other = make_kim(WONOSOBO, name="KIM Wonosobo Diam")
    add_participant(make_session(WONOSOBO, held_on=days_ago(100)), other, "Cici")
    return quiet, busy


def test_the_follow_up_screen_lists_the_quiet_kim_of_the_own_regency_with_the_rule(make_client, followed, karanganyar):
    quiet, _busy = followed
    page = make_client(karanganyar.viewer).get("/admin/socmed_training/followup/")
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    quiet_table, kept_table = html.split('id="socmed-quiet"')[1].split('id="socmed-kept"')
    assert f'data-kim="{quiet.id}"' in quiet_table and "KIM Diam" in quiet_table
    assert "KIM Rajin" not in quiet_table
    assert "KIM Rajin" in kept_table and "Tetap mengunggah" in html
    assert "KIM Wonosobo Diam" not in html
    assert "90 hari" in html  # the rule is on the screen, in Indonesian
    assert "Belum diperiksa sejak jatuh tempo pemantauan" in html
    assert "1 dari 2 KIM terlatih" in html


def test_the_dashboard_card_counts_the_own_regency(make_client, followed, karanganyar, db_session):
    session = make_session(KARANGANYAR, held_on=days_ago(0))
    add_participant(session, make_kim(KARANGANYAR), "Dedi", None, 90)  # no pair: left out of the average
    html = make_client(karanganyar.operator).get("/admin/").get_data(as_text=True)

    assert "socmed-training-widget" in html
    this_year = 2 if days_ago(100).year == days_ago(0).year else 1
    assert f'id="socmed-sessions-this-year">{this_year}<' in html
    assert 'id="socmed-quiet-count">1<' in html
    if this_year == 2:
        assert 'id="socmed-trained-kim">3<' in html
        assert 'id="socmed-average-improvement">+25.0<' in html  # (+20 +30) / 2
