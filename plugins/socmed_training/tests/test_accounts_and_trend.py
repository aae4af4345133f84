"""The account log and its trend charts: handles validated, chart data of the own KIM only (in a JSON
block drawn by a static script, never an inline one), hostile text escaped everywhere it shows."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from kimadmin.testing.plugins import enable_plugin

from ..models import AccountLog, TrainingSession
from ..validation import normalise_handle
from .factories import KARANGANYAR, PLUGIN, WONOSOBO, add_participant, days_ago, log_check, make_kim, make_session

HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def chart_blocks(html: str) -> dict[str, dict]:
    blocks = re.findall(r'<script type="application/json" id="(socmed-trend-[a-z]+)">(.*?)</script>', html, re.S)
    return {block_id: json.loads(text) for block_id, text in blocks}


@pytest.fixture
def checked_kim(db_session, karanganyar, wonosobo):
    enable_plugin(PLUGIN, KARANGANYAR)
    enable_plugin(PLUGIN, WONOSOBO)
    kim = make_kim(KARANGANYAR, name="KIM Manteb")
    log_check(kim, days_ago(60), posts=10, followers=500, platform="instagram", handle="kimmanteb")
    log_check(kim, days_ago(30), posts=4, followers=540, platform="instagram", handle="kimmanteb")
    log_check(kim, days_ago(30), posts=1, followers=80, platform="youtube", handle="kimmantebtv")
    other = make_kim(WONOSOBO, name="KIM Wonosobo")
    log_check(other, days_ago(30), posts=77, followers=9999, handle="wonosobo.rahasia")
    return kim, other


def test_the_trend_page_carries_the_kims_chart_data_and_its_table(make_client, checked_kim, karanganyar):
    kim, _other = checked_kim
    html = (
        make_client(karanganyar.viewer)
        .get(f"/admin/socmed_training/account_log/trend/?kim={kim.id}")
        .get_data(as_text=True)
    )

    charts = chart_blocks(html)
    followers, posts = charts["socmed-trend-followers"], charts["socmed-trend-posts"]
    assert len(followers["labels"]) == 2  # two check dates
    by_account = {dataset["label"]: dataset["data"] for dataset in followers["datasets"]}
    assert by_account == {"Instagram @kimmanteb": [500, 540], "YouTube @kimmantebtv": [None, 80]}  # a gap, not 0
    assert {d["label"]: d["data"] for d in posts["datasets"]}["Instagram @kimmanteb"] == [10, 4]
    assert 'data-chart="socmed-trend-followers"' in html and 'id="socmed-trend-table"' in html
    assert "wonosobo.rahasia" not in html and "9999" not in html


def test_the_charts_are_drawn_by_a_static_script_without_any_inline_script(make_client, checked_kim, karanganyar):
    kim, _other = checked_kim
    client = make_client(karanganyar.viewer)
    html = client.get(f"/admin/socmed_training/account_log/trend/?kim={kim.id}").get_data(as_text=True)

    for tag in re.findall(r"<script\b[^>]*>", html):
        assert 'type="application/json"' in tag or "src=" in tag, tag
    assert '/socmed_training/static/trend.js"' in html
    assert "/static/vendor/chartjs/chart.umd.min.js" in html
    script = client.get("/socmed_training/static/trend.js")
    assert script.status_code == 200 and b"application/json" in script.data


def test_another_regencys_kim_has_no_trend(make_client, checked_kim, karanganyar):
    _kim, other = checked_kim
    client = make_client(karanganyar.operator)

    for query in (f"kim={other.id}", "kim=999999", "kim=abc", ""):
        response = client.get(f"/admin/socmed_training/account_log/trend/?{query}")
        assert response.status_code == 404, query
        assert "wonosobo.rahasia" not in response.get_data(as_text=True)


def test_the_log_list_filters_by_kim_and_links_to_the_trend(make_client, checked_kim, karanganyar):
    kim, _other = checked_kim
    html = (
        make_client(karanganyar.viewer).get(f"/admin/socmed_training/account_log/?kim={kim.id}").get_data(as_text=True)
    )
    assert "@kimmanteb" in html and "@kimmantebtv" in html
    assert f"/admin/socmed_training/account_log/trend/?kim={kim.id}" in html
    assert "wonosobo.rahasia" not in html


# --- handles and other input ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "stored"), [("@kimmanteb", "kimmanteb"), ("  kim.manteb_01 ", "kim.manteb_01"), ("KIM-Bima", "KIM-Bima")]
)
def test_a_handle_is_stored_without_the_at_sign(typed, stored):
    assert normalise_handle(typed) == stored


@pytest.mark.parametrize(
    "typed", ["", "@", "kim manteb", "<script>", "kim'manteb", "https://instagram.com/kimmanteb", "a" * 101, HOSTILE]
)
def test_anything_but_an_account_name_is_refused(typed):
    with pytest.raises(ValueError):
        normalise_handle(typed)


def account_form(kim_id: int, **values: str) -> dict:
    return {
        "kim": kim_id,
        "platform": "tiktok",
        "handle": "@kim.manteb",
        "checked_on": days_ago(1).isoformat(),
        "followers": "120",
        "posts_per_month": "6",
        **values,
    }


def test_an_officer_logs_a_check(make_client, checked_kim, karanganyar, db_session):
    kim, _other = checked_kim
    response = make_client(karanganyar.operator).post_form(
        "/admin/socmed_training/account_log/new/", account_form(kim.id)
    )

    assert response.status_code == 302
    entry = db_session.scalar(sa.select(AccountLog).where(AccountLog.platform == "tiktok"))
    assert (entry.kim_id, entry.handle, entry.followers, entry.posts_per_month) == (kim.id, "kim.manteb", 120, 6)
    assert entry.regency_code == KARANGANYAR


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"handle": HOSTILE}, "Tulis nama akunnya saja"),
        ({"posts_per_month": "-1"}, "Isi angka 0 atau lebih."),
        ({"followers": "-3"}, "Isi angka 0 atau lebih."),
        ({"checked_on": days_ago(-2).isoformat()}, "Tanggal pemeriksaan tidak boleh di masa depan."),
    ],
)
def test_a_bad_check_is_refused_with_an_indonesian_message(
    make_client, checked_kim, karanganyar, db_session, values, message
):
    kim, _other = checked_kim
    html = (
        make_client(karanganyar.operator)
        .post_form("/admin/socmed_training/account_log/new/", account_form(kim.id, **values))
        .get_data(as_text=True)
    )

    assert message in html
    assert "<script>alert(2)</script>" not in html
    assert db_session.scalar(sa.select(sa.func.count()).where(AccountLog.platform == "tiktok")) == 0


def test_an_officer_records_a_session_with_several_topics(make_client, karanganyar, db_session):
    enable_plugin(PLUGIN, KARANGANYAR)
    client = make_client(karanganyar.operator)
    form = {
        "title": "Angkatan II",
        "held_on": days_ago(3).isoformat(),
        "trainer": "Komdigi",
        "venue": "Balai Desa Dagen",
        "topics": ["tiktok", "hoax_verification", "content_planning"],
    }

    assert client.post_form("/admin/socmed_training/session/new/", form).status_code == 302
    session = db_session.scalar(sa.select(TrainingSession).where(TrainingSession.title == "Angkatan II"))
    assert session.topics == "content_planning,tiktok,hoax_verification"  # in the list's order
    assert session.regency_code == KARANGANYAR
    listed = client.get("/admin/socmed_training/session/?topic=hoax_verification").get_data(as_text=True)
    assert "Angkatan II" in listed and "Verifikasi hoaks" in listed
    assert "Angkatan II" not in client.get("/admin/socmed_training/session/?topic=youtube").get_data(as_text=True)

    edit = client.get(f"/admin/socmed_training/session/edit/?id={session.id}").get_data(as_text=True)
    assert re.search(r'<option selected value="tiktok">|<option value="tiktok" selected>', edit)

    refused = client.post_form("/admin/socmed_training/session/new/", {**form, "title": "Tanpa materi", "topics": []})
    assert "Pilih paling sedikit satu materi." in refused.get_data(as_text=True)
    forged = client.post_form("/admin/socmed_training/session/new/", {**form, "title": "Palsu", "topics": ["<b>x"]})
    assert forged.status_code == 200
    assert (
        db_session.scalar(sa.select(sa.func.count()).where(TrainingSession.title.in_(["Tanpa materi", "Palsu"]))) == 0
    )


def test_hostile_names_are_escaped_on_every_training_page(make_client, karanganyar, db_session):
    enable_plugin(PLUGIN, KARANGANYAR)
    kim = make_kim(KARANGANYAR, name=f"KIM {HOSTILE}")
    session = make_session(KARANGANYAR, held_on=days_ago(120), title=f"Sesi {HOSTILE}", venue=HOSTILE, trainer=HOSTILE)
    add_participant(session, kim, name=f"Peserta {HOSTILE}", pre=10, post=20)
    log_check(kim, days_ago(1), posts=0, handle="kim.aman")
    client = make_client(karanganyar.operator)

    pages = [
        "/admin/",
        "/admin/socmed_training/session/",
        f"/admin/socmed_training/session/details/?id={session.id}",
        f"/admin/socmed_training/session/scores/?id={session.id}",
        "/admin/socmed_training/participant/",
        "/admin/socmed_training/account_log/",
        f"/admin/socmed_training/account_log/trend/?kim={kim.id}",
        "/admin/socmed_training/followup/",
    ]
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert(2)</script>" not in html, path
        assert '<img src=x onerror="alert(1)">' not in html, path
    trend = client.get(f"/admin/socmed_training/account_log/trend/?kim={kim.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in trend  # shown, as text
    followup = client.get("/admin/socmed_training/followup/").get_data(as_text=True)
    assert "&lt;img src=x" in followup
