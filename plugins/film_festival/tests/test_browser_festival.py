"""In real Chromium: a juror scores two films, an officer publishes, the placing shows on the KIM page.

Built on the test kit's browser fixtures (:mod:`kimadmin.testing.browser`): the live server sees
only committed rows, so the festival made here is committed and removed again by :func:`festival`
(its awards, edition, films, jurors and scores) before the kit puts the module switch back,
removes the KIM and users and checks that no table changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from kimadmin.plugin_api import Award, db
from kimadmin.testing.browser import log_in
from kimadmin.testing.factories import KimFactory

from ..models import Edition, Juror, Submission
from .factories import RUBRIC, WONOSOBO, make_edition

pytest_plugins = ["kimadmin.testing.browser"]  # live_server, Chromium, committed
pytestmark = pytest.mark.e2e


@dataclass
class CommittedFestival:
    edition_id: int
    edition_name: str
    officer: object
    juror: object
    kim_ids: dict[str, int] = field(default_factory=dict)
    film_ids: dict[str, int] = field(default_factory=dict)


@pytest.fixture
def festival(app, committed) -> Iterator[CommittedFestival]:
    officer = committed.user("operator", regency=WONOSOBO)
    juror = committed.user("viewer", regency=WONOSOBO)
    committed.enable_plugin("film_festival", WONOSOBO)
    name = f"Festival Film Uji {committed.token}"
    with app.app_context():
        try:
            edition = make_edition(WONOSOBO, name=name, criteria=RUBRIC)
            films = {}
            for label, title in (("KIM Sindoro", "Krasa"), ("KIM Sumbing", "Nular")):
                kim = KimFactory(regency=WONOSOBO, name=committed.kim_name(label))
                films[title] = Submission(
                    edition=edition,
                    kim=kim,
                    title=title,
                    duration=300,
                    status="nominasi",
                    video_url="https://www.youtube.com/watch?v=uji",
                    submitted_on=edition.opens_on,
                )
                db.session.add(films[title])
            db.session.add(
                Juror(edition=edition, user_id=juror.id, display_name=juror.full_name, home_regency_code=WONOSOBO)
            )
            db.session.commit()
            data = CommittedFestival(edition.id, name, officer, juror)
            data.kim_ids = {title: film.kim_id for title, film in films.items()}
            data.film_ids = {title: film.id for title, film in films.items()}
        finally:
            db.session.remove()
    try:
        yield data
    finally:
        with app.app_context():
            try:
                award_ids = sa.select(Submission.award_id).where(Submission.edition_id == data.edition_id)
                db.session.execute(sa.delete(Award).where(Award.id.in_(award_ids)))
                db.session.execute(sa.delete(Award).where(Award.contest_name == name))
                db.session.execute(
                    sa.delete(Edition).where(Edition.id == data.edition_id)
                )  # films, jury, scores cascade
                db.session.commit()
            finally:
                db.session.remove()


def open_menu(page: Page, href: str) -> None:
    """A festival screen through the menu: the "Festival Film" drop-down, then the entry."""
    page.wait_for_load_state("load")  # the drop-downs work once the page's scripts have run
    page.locator("nav a.dropdown-toggle", has_text="Festival Film").click()
    page.locator(f'nav a.dropdown-item[href="{href}"]').click()
    expect(page).to_have_url(re.compile(re.escape(href)))


def score(page: Page, title: str, marks: list[int]) -> None:
    row = page.locator("table.model-list tbody tr", has_text=title)
    row.get_by_role("link", name="Nilai").click()
    expect(page.locator("#film-festival-score h1")).to_contain_text(title)
    for field_, mark in zip(page.locator("#score-form input[type=number]").all(), marks, strict=True):
        field_.fill(str(mark))
    page.locator("#save-scores").click()
    expect(page).to_have_url(re.compile(r"/admin/film_festival/jury/$"))
    expect(page.locator(".alert-success.alert-dismissable")).to_contain_text(title)
    expect(page.locator("table.model-list tbody tr", has_text=title)).to_contain_text("5 dari 5 kriteria")


def test_a_juror_scores_two_films_and_an_officer_publishes_the_results(page: Page, app, festival):
    # The juror: their films, through the menu, each scored criterion by criterion.
    log_in(page, festival.juror)
    open_menu(page, "/admin/film_festival/jury/")
    rows = page.locator("table.model-list tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("table.model-list")).to_contain_text("0 dari 5 kriteria")
    score(page, "Nular", [70, 75, 80, 70, 75])
    score(page, "Krasa", [90, 85, 88, 80, 92])

    # The officer: the ranking of the edition, then publish it.
    page.context.clear_cookies()
    log_in(page, festival.officer)
    open_menu(page, "/admin/film_festival/edition/")
    page.locator("table.model-list tbody tr", has_text=festival.edition_name).get_by_role(
        "link", name="Peringkat"
    ).click()
    ranking = page.locator("#ranking tbody tr")
    expect(ranking.nth(0)).to_contain_text("Krasa")
    expect(ranking.nth(0)).to_contain_text("Juara I")
    expect(ranking.nth(0)).to_contain_text("87.00")
    expect(ranking.nth(1)).to_contain_text("Nular")
    expect(ranking.nth(1)).to_contain_text("Juara II")
    page.locator("#publish-confirm").check()
    page.locator("#publish-button").click()
    expect(page.locator(".alert-success.alert-dismissable")).to_contain_text("2 juara")
    expect(page.locator("#results-published")).to_be_visible()

    # The winning KIM's page lists the placing among its awards.
    page.goto(f"/admin/kim/details/?id={festival.kim_ids['Krasa']}")
    awards = page.locator("#kim-awards")
    expect(awards).to_contain_text("Juara I")
    expect(awards).to_contain_text(festival.edition_name)
    expect(awards).to_contain_text("Krasa")

    with app.app_context():
        placed = db.session.execute(
            sa.select(Award.rank, Award.rank_label, Award.work_title)
            .where(Award.contest_name == festival.edition_name)
            .order_by(Award.rank)
        ).all()
        db.session.remove()
    assert placed == [(1, "Juara I", "Krasa"), (2, "Juara II", "Nular")]
