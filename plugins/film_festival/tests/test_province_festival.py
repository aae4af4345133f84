"""The province's own festival: an edition of the province office, KIM of its regencies entered,
province staff on the jury, awards written on each KIM's record in its own regency.

Regencies of the province read the edition but never change it; other provinces never see it.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kimadmin.plugin_api import Award, TenantViolation, writable
from kimadmin.testing.factories import make_user
from kimadmin.testing.plugins import enable_plugin, in_scope

from ..models import Criterion, Edition, Juror, Submission
from .factories import KARANGANYAR, WONOSOBO, make_edition, make_juror, make_kim, make_submission
from .test_editions_and_submissions import edition_form, submission_form
from .test_jury_and_results import publish, score_form

PLUGIN = "film_festival"
EDITIONS = "/admin/film_festival/edition/"
SUBMISSIONS = "/admin/film_festival/submission/"
MALANG = "35.07"  # Kabupaten Malang, Jawa Timur


@pytest.fixture
def province(db_session, wonosobo, karanganyar):
    """The festival on in both regencies; an officer and a juror of Jawa Tengah's province office."""
    enable_plugin(PLUGIN, WONOSOBO)
    enable_plugin(PLUGIN, KARANGANYAR)
    officer = make_user("provinsi", province="33", email="festival@jatengprov.example", full_name="Petugas Provinsi")
    juror = make_user("provinsi", province="33", email="juri@jatengprov.example", full_name="Juri Provinsi")
    return officer, juror


def open_window(**values):
    from ..rules import today

    now = today()
    defaults = {
        "name": "Festival Film KIM Jawa Tengah",
        "year": str(now.year),
        "level": "provinsi",
        "organiser": "Diskominfo Provinsi Jawa Tengah",
        "opens_on": now.replace(day=1).isoformat(),
        "closes_on": now.replace(month=12, day=31).isoformat(),
    }
    return edition_form(**{**defaults, **values})


def the_edition(db_session):
    db_session.expire_all()
    return db_session.scalar(sa.select(Edition).where(Edition.name == "Festival Film KIM Jawa Tengah"))


def test_a_province_runs_its_festival_with_kim_of_several_regencies(
    make_client, province, db_session, wonosobo, karanganyar
):
    officer_user, juror_user = province
    officer = make_client(officer_user)

    form = officer.get(f"{EDITIONS}new/").get_data(as_text=True)
    assert 'name="regency"' not in form  # the province's own edition: no regency to pick
    assert officer.post_form(f"{EDITIONS}new/", open_window()).status_code == 302
    edition = the_edition(db_session)
    assert (edition.regency_code, edition.province_code, edition.level) == (None, "33", "provinsi")
    assert {c.province_code for c in edition.criteria} == {"33"}

    kims = {"Karanganyar": make_kim(KARANGANYAR, "KIM Lawu"), "Wonosobo": make_kim(WONOSOBO, "KIM Sindoro")}
    for title, kim in (("Lawu Lestari", kims["Karanganyar"]), ("Sindoro Hijau", kims["Wonosobo"])):
        response = officer.post_form(f"{SUBMISSIONS}new/", submission_form(edition, kim, title=title))
        assert response.status_code == 302, response.get_data(as_text=True)
    films = {s.title: s for s in db_session.scalars(sa.select(Submission).where(Submission.edition_id == edition.id))}
    assert {s.regency_code for s in films.values()} == {KARANGANYAR, WONOSOBO}

    picker = officer.get("/admin/film_festival/juror/ajax/lookup/?name=user&query=juri@").get_json()
    assert any("juri@jatengprov.example" in label for _id, label in picker)  # a province colleague
    assert (
        officer.post_form("/admin/film_festival/juror/new/", {"edition": edition.id, "user": juror_user.id}).status_code
        == 302
    )
    for film in films.values():
        film.status = "nominasi"
    db_session.flush()

    juror = make_client(juror_user)
    for title, mark in (("Lawu Lestari", 90), ("Sindoro Hijau", 80)):
        film = films[title]
        assert (
            juror.post_form(
                f"/admin/film_festival/jury/score/?id={film.id}", score_form(edition, [mark] * 5)
            ).status_code
            == 302
        )

    assert publish(officer, edition).status_code == 302
    db_session.expire_all()
    awards = db_session.execute(
        sa.select(Award.regency_code, Award.kim_id, Award.rank, Award.rank_label, Award.level).order_by(Award.rank)
    ).all()
    assert awards == [
        (KARANGANYAR, kims["Karanganyar"].id, 1, "Juara I", "provinsi"),
        (WONOSOBO, kims["Wonosobo"].id, 2, "Juara II", "provinsi"),
    ]
    for tenant, kim, label in ((karanganyar, kims["Karanganyar"], "Juara I"), (wonosobo, kims["Wonosobo"], "Juara II")):
        page = make_client(tenant.operator).get(f"/admin/kim/details/?id={kim.id}").get_data(as_text=True)
        assert label in page and "Festival Film KIM Jawa Tengah" in page


@pytest.fixture
def provincial(province, db_session):
    edition = make_edition(None, province_code="33", name="Festival Film KIM Jawa Tengah", level="provinsi")
    film = make_submission(edition, make_kim(WONOSOBO, "KIM Sindoro"), "Sindoro Hijau", status="terdaftar")
    return edition, film


def test_a_regency_of_the_province_reads_the_edition_but_never_changes_it(
    make_client, provincial, karanganyar, db_session
):
    edition, _film = provincial
    client = make_client(karanganyar.operator)

    assert "Festival Film KIM Jawa Tengah" in client.get(EDITIONS).get_data(as_text=True)
    assert client.get(f"{EDITIONS}details/?id={edition.id}").status_code == 200
    assert client.get(f"{EDITIONS}edit/?id={edition.id}").status_code == 403
    assert client.post_form(f"{EDITIONS}edit/?id={edition.id}", open_window(name="Diretas")).status_code == 403
    assert make_client(karanganyar.admin).post_form(f"{EDITIONS}delete/", {"id": edition.id}).status_code == 403
    assert client.get(f"{EDITIONS}results/?id={edition.id}").status_code == 403
    client.post_form("/admin/film_festival/juror/new/", {"edition": edition.id, "user": karanganyar.viewer.id})
    db_session.expire_all()
    assert db_session.get(Edition, edition.id).name == "Festival Film KIM Jawa Tengah"
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Juror)) == 0

    # Its own KIM may enter while the window is open; the film's status is the organiser's call.
    own = make_kim(KARANGANYAR, "KIM Lawu")
    assert (
        client.post_form(f"{SUBMISSIONS}new/", submission_form(edition, own, title="Lawu Lestari")).status_code == 302
    )
    entry = db_session.scalar(sa.select(Submission).where(Submission.title == "Lawu Lestari"))
    assert entry.regency_code == KARANGANYAR
    form = submission_form(edition, own, title="Lawu Lestari", duration="4:35", status="lolos_verifikasi")
    response = client.post_form(f"{SUBMISSIONS}edit/?id={entry.id}", form)
    assert "Hanya penyelenggara" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Submission, entry.id).status == "terdaftar"
    assert "Sindoro Hijau" not in client.get(SUBMISSIONS).get_data(as_text=True)  # Wonosobo's entry


@pytest.mark.parametrize("role", ["admin_kabupaten", "provinsi"])
def test_another_province_never_sees_the_edition(make_client, provincial, db_session, role):
    edition, film = provincial
    enable_plugin(PLUGIN, MALANG)
    user = make_user(role, **({"regency": MALANG} if role != "provinsi" else {"province": "35"}))
    client = make_client(user)

    for url in (
        f"{EDITIONS}details/?id={edition.id}",
        f"{EDITIONS}edit/?id={edition.id}",
        f"{EDITIONS}results/?id={edition.id}",
        f"{SUBMISSIONS}details/?id={film.id}",
    ):
        assert client.get(url).status_code == 404, url
    assert "Festival Film KIM Jawa Tengah" not in client.get(EDITIONS).get_data(as_text=True)


def test_the_tenancy_layer_keeps_the_province_row_read_only_below_and_hidden_elsewhere(provincial, db_session, app):
    edition, _film = provincial
    edition_id = edition.id
    db_session.expunge_all()
    with app.test_request_context():
        with in_scope("regency", MALANG):
            assert db_session.get(Edition, edition_id) is None
        db_session.expunge_all()

        with in_scope("regency", KARANGANYAR):
            seen = db_session.get(Edition, edition_id)
            assert seen is not None and not writable(seen)
            assert db_session.scalar(sa.select(sa.func.count()).select_from(Criterion)) == 5
            with pytest.raises(TenantViolation), db_session.begin_nested():
                seen.name = "Diretas"
                db_session.flush()
        db_session.expunge_all()

        with in_scope("province", "33"):
            mine = db_session.get(Edition, edition_id)
            assert writable(mine)
            mine.theme = "Literasi digital"
            db_session.flush()
            # A Karanganyar KIM in Wonosobo's festival is still refused: only the province's rows are shared.
            wonosobo_edition, lawu = make_edition(WONOSOBO), make_kim(KARANGANYAR)
            with pytest.raises(TenantViolation), db_session.begin_nested():
                make_submission(wonosobo_edition, lawu)


def test_a_provincial_jury_is_made_of_province_staff(provincial, province, wonosobo):
    from wtforms import ValidationError

    from .. import rules

    edition, _film = provincial
    rules.check_juror(edition, province[1])
    with pytest.raises(ValidationError, match="province staff"):
        rules.check_juror(edition, wonosobo.viewer)
    edition.exclude_own_regency_jurors = True
    rules.check_juror(edition, province[1])  # no regency of their own: the rule never stops them
    assert make_juror(edition, province[1]).may_score(_film)


def test_a_regencys_festival_stays_the_regencys_to_run(make_client, province, db_session, wonosobo):
    """Province staff read a regency's edition, but its edition, jury, films and results stay with
    the regency's officers (the tenancy alone would let the province write its regencies' rows)."""
    officer_user, juror_user = province
    edition = make_edition(WONOSOBO, name="Festival Film KIM Wonosobo")
    film = make_submission(edition, make_kim(WONOSOBO), "Krasa", status="terdaftar")
    officer = make_client(officer_user)

    assert officer.get(f"{EDITIONS}details/?id={edition.id}").status_code == 200
    response = officer.post_form(f"{EDITIONS}edit/?id={edition.id}", open_window(name="Diambil alih"))
    assert "Hanya penyelenggara" in response.get_data(as_text=True)
    officer.post_form("/admin/film_festival/juror/new/", {"edition": edition.id, "user": juror_user.id})
    edit = submission_form(edition, film.kim, title="Krasa", duration="5:00", status="lolos_verifikasi")
    officer.post_form(f"{SUBMISSIONS}edit/?id={film.id}", edit)
    officer.post_form(f"{SUBMISSIONS}new/", submission_form(edition, make_kim(WONOSOBO), title="Titipan"))
    assert publish(officer, edition).status_code == 403

    db_session.expire_all()
    assert db_session.get(Edition, edition.id).name == "Festival Film KIM Wonosobo"
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Juror)) == 0
    assert db_session.get(Submission, film.id).status == "terdaftar"
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Submission)) == 1
