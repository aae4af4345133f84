"""Enabled for Karanganyar, off for Wonosobo: Wonosobo never reaches the training, on any URL; with it
on for both, neither regency reaches the other's sessions, participants, checks or charts."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kimadmin.testing.plugins import assert_plugin_unreachable, disable_plugin, enable_plugin, plugin_urls

from ..models import AccountLog, Participant, TrainingSession
from .factories import KARANGANYAR, PLUGIN, WONOSOBO, add_participant, days_ago, log_check, make_kim, make_session

LISTS = (
    "/admin/socmed_training/session/",
    "/admin/socmed_training/participant/",
    "/admin/socmed_training/account_log/",
    "/admin/socmed_training/followup/",
)
HIDDEN = "Rahasia Karanganyar"


@pytest.fixture
def karanganyar_training(db_session, karanganyar, wonosobo):
    enable_plugin(PLUGIN, KARANGANYAR)
    kim = make_kim(KARANGANYAR, name=f"KIM {HIDDEN}")
    session = make_session(KARANGANYAR, held_on=days_ago(120), title=f"Pelatihan {HIDDEN}")
    participant = add_participant(session, kim, name=f"Peserta {HIDDEN}", pre=40, post=70)
    entry = log_check(kim, days_ago(5), posts=0, handle="rahasia.kra")
    return kim, session, participant, entry


@pytest.mark.parametrize("role", ["operator", "admin_kabupaten", "viewer"])
def test_every_training_url_answers_404_to_wonosobo(app, make_client, karanganyar_training, wonosobo, role):
    client = make_client(wonosobo.user(role))

    made = assert_plugin_unreachable(app, client, PLUGIN)

    assert made >= 20  # lists, forms, details, exports, AJAX, scores, trend, follow-up, static script
    home = client.get("/admin/").get_data(as_text=True)
    assert "/admin/socmed_training/" not in home
    assert "socmed-training-widget" not in home


def test_the_walk_covers_every_kind_of_training_url(app):
    paths = {path for path, _methods in plugin_urls(app, PLUGIN)}
    for expected in (
        "/admin/socmed_training/session/scores/",
        "/admin/socmed_training/account_log/trend/",
        "/admin/socmed_training/followup/",
        "/admin/socmed_training/participant/ajax/lookup/",
        "/socmed_training/static/x",
    ):
        assert expected in paths


def test_the_static_chart_script_is_served_only_where_the_plugin_is_on(make_client, karanganyar_training, karanganyar):
    assert make_client(karanganyar.viewer).get("/socmed_training/static/trend.js").status_code == 200


def test_karanganyar_officers_work_and_see_the_menu_and_card(make_client, karanganyar_training, karanganyar):
    kim, session, _participant, _entry = karanganyar_training
    client = make_client(karanganyar.operator)

    for path in LISTS:
        assert client.get(path).status_code == 200, path
    assert client.get(f"/admin/socmed_training/session/details/?id={session.id}").status_code == 200
    assert client.get(f"/admin/socmed_training/session/scores/?id={session.id}").status_code == 200
    assert client.get(f"/admin/socmed_training/account_log/trend/?kim={kim.id}").status_code == 200
    home = client.get("/admin/").get_data(as_text=True)
    assert "/admin/socmed_training/session/" in home
    assert "socmed-training-widget" in home


def test_the_session_details_page_links_to_its_history(make_client, karanganyar_training, karanganyar):
    _kim, session, _participant, _entry = karanganyar_training
    path = f"/admin/socmed_training/session/details/?id={session.id}"

    page = make_client(karanganyar.admin).get(path).get_data(as_text=True)

    assert 'id="audit-history-link"' in page
    assert f'href="/admin/audit_entry/history/socmed_training_session/{session.id}/"' in page
    assert 'id="socmed-participants"' in page  # the plugin's own part of the page is still there


def test_wonosobo_with_the_training_on_still_never_sees_karanganyar_rows(
    make_client, karanganyar_training, wonosobo, db_session
):
    """Both regencies on: every object URL of Karanganyar's training is 403/404 to Wonosobo, lists hide it."""
    kim, session, participant, entry = karanganyar_training
    enable_plugin(PLUGIN, WONOSOBO)
    client = make_client(wonosobo.admin)

    probes = [
        client.get(f"/admin/socmed_training/session/details/?id={session.id}"),
        client.get(f"/admin/socmed_training/session/edit/?id={session.id}"),
        client.get(f"/admin/socmed_training/session/scores/?id={session.id}"),
        client.post_form(
            f"/admin/socmed_training/session/scores/?id={session.id}",
            {f"pre_{participant.id}": "0", f"post_{participant.id}": "0"},
        ),
        client.post_form("/admin/socmed_training/session/delete/", {"id": session.id}),
        client.get(f"/admin/socmed_training/participant/details/?id={participant.id}"),
        client.post_form(f"/admin/socmed_training/participant/edit/?id={participant.id}", {"name": "diretas"}),
        client.post_form("/admin/socmed_training/participant/delete/", {"id": participant.id}),
        client.get(f"/admin/socmed_training/account_log/details/?id={entry.id}"),
        client.post_form("/admin/socmed_training/account_log/delete/", {"id": entry.id}),
        client.get(f"/admin/socmed_training/account_log/trend/?kim={kim.id}"),
    ]
    for response in probes:
        assert response.status_code in (403, 404), response.request.path
        assert HIDDEN not in response.get_data(as_text=True)
    for path in (
        *LISTS,
        "/admin/socmed_training/participant/ajax/lookup/?name=session&query=",
        "/admin/socmed_training/participant/ajax/lookup/?name=kim&query=",
        "/admin/socmed_training/session/export/csv/",
        "/admin/",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert HIDDEN not in page.get_data(as_text=True), path
        assert "rahasia.kra" not in page.get_data(as_text=True), path

    db_session.expire_all()
    assert db_session.get(Participant, participant.id).pre_score == 40
    assert db_session.get(TrainingSession, session.id) is not None
    assert db_session.get(AccountLog, entry.id) is not None


def test_a_forged_kim_of_another_regency_is_refused_as_participant_and_account(
    make_client, karanganyar_training, wonosobo, db_session
):
    _kim, _session, _participant, _entry = karanganyar_training
    enable_plugin(PLUGIN, WONOSOBO)
    own_session = make_session(WONOSOBO, title="Pelatihan Wonosobo")
    client = make_client(wonosobo.operator)
    karanganyar_kim = _kim

    client.post_form(
        "/admin/socmed_training/participant/new/",
        {"session": own_session.id, "kim": karanganyar_kim.id, "name": "Penyusup"},
    )
    client.post_form(
        "/admin/socmed_training/account_log/new/",
        {
            "kim": karanganyar_kim.id,
            "platform": "instagram",
            "handle": "penyusup",
            "checked_on": days_ago(1).isoformat(),
            "posts_per_month": "3",
        },
    )

    assert db_session.scalar(sa.select(sa.func.count()).where(Participant.name == "Penyusup")) == 0
    assert db_session.scalar(sa.select(sa.func.count()).where(AccountLog.handle == "penyusup")) == 0


def test_disabling_keeps_the_training_and_enabling_again_shows_it(
    make_client, karanganyar_training, karanganyar, db_session
):
    client = make_client(karanganyar.operator)

    disable_plugin(PLUGIN, KARANGANYAR)
    assert client.get("/admin/socmed_training/session/").status_code == 404
    assert "/admin/socmed_training/" not in client.get("/admin/").get_data(as_text=True)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(TrainingSession)) == 1

    enable_plugin(PLUGIN, KARANGANYAR)
    page = client.get("/admin/socmed_training/session/")
    assert page.status_code == 200
    assert HIDDEN in page.get_data(as_text=True)
