"""Enabled for Wonosobo, off for Karanganyar: Karanganyar never reaches the festival, on any URL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kimadmin.testing.plugins import assert_plugin_unreachable, disable_plugin, enable_plugin, plugin_urls

from ..models import Edition, Submission
from .factories import KARANGANYAR, WONOSOBO, make_edition, make_juror, make_submission

PLUGIN = "film_festival"
LISTS = (
    "/admin/film_festival/edition/",
    "/admin/film_festival/submission/",
    "/admin/film_festival/juror/",
)


@pytest.fixture
def wonosobo_festival(db_session, wonosobo, karanganyar):
    enable_plugin(PLUGIN, WONOSOBO)
    edition = make_edition(WONOSOBO, name="Festival Film KIM Wonosobo")
    submission = make_submission(edition, title="Film Rahasia Wonosobo")
    return edition, submission


@pytest.mark.parametrize("role", ["operator", "admin_kabupaten", "viewer"])
def test_every_festival_url_answers_404_to_karanganyar(app, make_client, wonosobo_festival, karanganyar, role):
    client = make_client(karanganyar.user(role))

    made = assert_plugin_unreachable(app, client, PLUGIN)

    assert made >= 20  # lists, forms, details, exports, AJAX, results, publishing, scoring
    home = client.get("/admin/").get_data(as_text=True)
    assert "/admin/film_festival/" not in home


def test_the_walk_covers_every_kind_of_festival_url(app):
    paths = {path for path, _methods in plugin_urls(app, PLUGIN)}
    for expected in (
        "/admin/film_festival/edition/results/",
        "/admin/film_festival/edition/results/publish/",
        "/admin/film_festival/edition/results/xlsx/",
        "/admin/film_festival/jury/score/",
        "/admin/film_festival/submission/ajax/lookup/",
    ):
        assert expected in paths


def test_wonosobo_officers_work_and_see_the_menu(make_client, wonosobo_festival, wonosobo):
    edition, _submission = wonosobo_festival
    client = make_client(wonosobo.operator)

    for path in LISTS:
        assert client.get(path).status_code == 200, path
    assert "Film Rahasia Wonosobo" in client.get("/admin/film_festival/submission/").get_data(as_text=True)
    assert client.get(f"/admin/film_festival/edition/results/?id={edition.id}").status_code == 200
    assert "/admin/film_festival/edition/" in client.get("/admin/").get_data(as_text=True)


def test_karanganyar_with_the_festival_on_still_never_sees_wonosobo_rows(
    app, make_client, wonosobo_festival, karanganyar, db_session
):
    """Both regencies on: every object URL of Wonosobo's festival is 403/404 to Karanganyar, lists hide it."""
    edition, submission = wonosobo_festival
    enable_plugin(PLUGIN, KARANGANYAR)
    make_juror(edition, karanganyar.viewer)  # even a (wrongly) assigned juror of another regency
    client = make_client(karanganyar.admin)
    hidden = "Film Rahasia Wonosobo"

    probes = [
        client.get(f"/admin/film_festival/edition/details/?id={edition.id}"),
        client.get(f"/admin/film_festival/edition/edit/?id={edition.id}"),
        client.get(f"/admin/film_festival/edition/results/?id={edition.id}"),
        client.get(f"/admin/film_festival/edition/results/xlsx/?id={edition.id}"),
        client.post_form("/admin/film_festival/edition/results/publish/", {"id": edition.id, "confirm": "1"}),
        client.post_form("/admin/film_festival/edition/delete/", {"id": edition.id}),
        client.get(f"/admin/film_festival/submission/details/?id={submission.id}"),
        client.post_form(f"/admin/film_festival/submission/edit/?id={submission.id}", {"title": "diretas"}),
        client.post_form("/admin/film_festival/submission/delete/", {"id": submission.id}),
        make_client(karanganyar.viewer).get(f"/admin/film_festival/jury/score/?id={submission.id}"),
    ]
    for response in probes:
        assert response.status_code in (403, 404), response.request.path
        assert hidden not in response.get_data(as_text=True)
    for path in (*LISTS, "/admin/film_festival/submission/ajax/lookup/?name=edition&query="):
        assert hidden not in client.get(path).get_data(as_text=True)
        assert "Festival Film KIM Wonosobo" not in client.get(path).get_data(as_text=True)
    jury = make_client(karanganyar.viewer).get("/admin/film_festival/jury/").get_data(as_text=True)
    assert hidden not in jury

    db_session.expire_all()
    assert db_session.get(Submission, submission.id).title == hidden
    assert db_session.get(Edition, edition.id).published_at is None


def test_disabling_keeps_the_festival_and_enabling_again_shows_it(make_client, wonosobo_festival, wonosobo, db_session):
    client = make_client(wonosobo.operator)

    disable_plugin(PLUGIN, WONOSOBO)
    assert client.get("/admin/film_festival/submission/").status_code == 404
    assert "/admin/film_festival/" not in client.get("/admin/").get_data(as_text=True)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Submission)) == 1

    enable_plugin(PLUGIN, WONOSOBO)
    page = client.get("/admin/film_festival/submission/")
    assert page.status_code == 200
    assert "Film Rahasia Wonosobo" in page.get_data(as_text=True)
