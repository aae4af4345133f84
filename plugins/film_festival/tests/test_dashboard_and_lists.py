"""The dashboard card, and list pages in a fixed number of SQL statements."""

from __future__ import annotations

import pytest

from kimadmin.testing.plugins import disable_plugin, enable_plugin

from .factories import KARANGANYAR, WONOSOBO, give_marks, make_edition, make_juror, make_kim, make_submission

MAX_LIST_STATEMENTS = 3  # the user (with role, permissions and modules), the count, the page


def test_the_dashboard_shows_the_latest_edition_where_the_festival_is_on(make_client, wonosobo, karanganyar):
    enable_plugin("film_festival", WONOSOBO)
    make_edition(WONOSOBO, name="Festival 2023", year=2023)
    latest = make_edition(WONOSOBO, name="Festival Film KIM Wonosobo", theme="Cegah stunting")
    make_submission(latest, title="Krasa", status="terdaftar")
    make_submission(latest, title="Nular", status="nominasi")
    make_edition(KARANGANYAR, name="Festival Karanganyar")  # (the festival is off there)

    html = make_client(wonosobo.operator).get("/admin/").get_data(as_text=True)

    assert 'id="film-festival-widget"' in html
    assert "Festival Film KIM Wonosobo" in html and "Festival 2023" not in html
    assert '<strong class="h4" id="film-festival-total">2</strong>' in html
    assert "Terdaftar: 1" in html and "Nominasi: 1" in html
    assert "dibuka sampai" in html
    assert 'id="film-festival-widget"' not in make_client(karanganyar.operator).get("/admin/").get_data(as_text=True)

    disable_plugin("film_festival", WONOSOBO)
    assert 'id="film-festival-widget"' not in make_client(wonosobo.operator).get("/admin/").get_data(as_text=True)


@pytest.fixture
def crowded_festival(db_session, wonosobo):
    """An edition with 30 nominated films from 30 KIM, each scored by the regency's viewer as juror."""
    enable_plugin("film_festival", WONOSOBO)
    edition = make_edition(WONOSOBO)
    seat = make_juror(edition, wonosobo.viewer)
    for number in range(30):
        film = make_submission(edition, make_kim(WONOSOBO, f"KIM Ramai {number}"), f"Film Ramai {number}")
        if number % 2:
            give_marks(seat, film, [70, 70, 70, 70, 70])
    for number in range(30):
        make_edition(WONOSOBO, name=f"Edisi {number}", year=2000 + number)
    return edition


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/admin/film_festival/edition/?page_size=100", "operator"),
        ("/admin/film_festival/submission/?page_size=100", "operator"),
        ("/admin/film_festival/juror/?page_size=100", "operator"),
        ("/admin/film_festival/jury/?page_size=100", "viewer"),
    ],
)
def test_festival_lists_are_three_statements(make_client, crowded_festival, wonosobo, count_queries, path, role):
    client = make_client(wonosobo.user(role))

    with count_queries() as counter:
        response = client.get(path)

    assert response.status_code == 200
    assert 1 <= len(counter) <= MAX_LIST_STATEMENTS, "\n\n".join(counter.statements)


def test_the_jury_list_shows_each_films_progress_without_extra_statements(make_client, crowded_festival, wonosobo):
    html = make_client(wonosobo.viewer).get("/admin/film_festival/jury/?page_size=100").get_data(as_text=True)

    assert html.count("5 dari 5 kriteria") == 15
    assert html.count("0 dari 5 kriteria") == 15
