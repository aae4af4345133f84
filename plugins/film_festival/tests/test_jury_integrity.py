"""A juror's view stays a juror's view, whatever else their role may read.

Province staff hold the jury permission *and* the officers' reading rights (films, ranking, XLSX).
On an edition they judge they see only the films the jury judges, and neither the live ranking
nor the other jurors' marks until the results are published; a pure juror (a viewer) sees only
the editions they judge.
"""

from __future__ import annotations

import pytest

from kimadmin.testing.factories import make_user

from .factories import make_juror
from .test_jury_and_results import Festival, publish

EDITIONS = "/admin/film_festival/edition/"
SUBMISSIONS = "/admin/film_festival/submission/"


@pytest.fixture
def festival(db_session, wonosobo):
    return Festival(wonosobo)


@pytest.fixture
def province_juror(festival):
    user = make_user("provinsi", province="33", email="juri@jatengprov.example", full_name="Juri Provinsi")
    festival.seats.append(make_juror(festival.edition, user))
    return user


def results_urls(edition):
    return (f"{EDITIONS}results/?id={edition.id}", f"{EDITIONS}results/xlsx/?id={edition.id}")


def test_a_province_juror_sees_only_the_films_the_jury_judges_of_their_edition(make_client, festival, province_juror):
    client = make_client(province_juror)

    page = client.get(SUBMISSIONS).get_data(as_text=True)
    assert all(title in page for title in ("Krasa", "Nular", "Kuatir", "Penglaris"))
    assert "Masih Terdaftar" not in page  # merely registered: not the jury's
    assert client.get(f"{SUBMISSIONS}details/?id={festival.registered.id}").status_code == 404
    export = client.get(f"{SUBMISSIONS}export/csv/").get_data(as_text=True)
    assert "Krasa" in export and "Masih Terdaftar" not in export
    # An edition they do not judge stays theirs to read as province staff.
    assert "Film Edisi Lain" in page


def test_a_province_juror_never_sees_the_live_ranking_of_their_edition(make_client, festival, province_juror, wonosobo):
    festival.score_all({0: [90] * 5, 1: [80] * 5, 2: [70] * 5, 3: [60] * 5})  # every seat, the province's too
    client = make_client(province_juror)

    for url in results_urls(festival.edition):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Juri 1" not in response.get_data(as_text=True)
    assert publish(client, festival.edition).status_code == 403
    assert festival.edition.published_at is None
    assert f"results/?id={festival.edition.id}" not in client.get(EDITIONS).get_data(as_text=True)
    # The edition they do not judge: the province's reading rights apply.
    assert client.get(results_urls(festival.other)[0]).status_code == 200

    assert publish(make_client(wonosobo.operator), festival.edition).status_code == 302
    for url in results_urls(festival.edition):  # published: the ranking is public
        assert client.get(url).status_code == 200, url


def test_a_pure_juror_sees_only_the_editions_they_judge(make_client, festival):
    client = make_client(festival.jurors[0])

    page = client.get(EDITIONS).get_data(as_text=True)
    assert "Festival Film KIM Wonosobo" in page and "Lomba Video Pendek" not in page
    assert client.get(f"{EDITIONS}details/?id={festival.other.id}").status_code == 404
    assert client.get(f"{EDITIONS}details/?id={festival.edition.id}").status_code == 200
    assert client.get(SUBMISSIONS).status_code == 403
    for url in results_urls(festival.edition):
        assert client.get(url).status_code == 403, url
    home = client.get("/admin/").get_data(as_text=True)
    assert "Lomba Video Pendek" not in home  # the dashboard card shows an edition they judge
