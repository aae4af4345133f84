"""An officer opens an edition and registers films: the window, durations, links and statuses hold."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kimadmin.testing.plugins import enable_plugin

from ..models import Edition, Submission
from ..rules import format_duration, parse_duration, today
from .factories import KARANGANYAR, WONOSOBO, days_ago, make_edition, make_kim, make_submission

NEW_SUBMISSION = "/admin/film_festival/submission/new/"


@pytest.fixture
def officer(make_client, wonosobo, karanganyar):
    enable_plugin("film_festival", WONOSOBO)
    return make_client(wonosobo.operator)


def submission_form(edition, kim, **values):
    return {
        "edition": edition.id,
        "kim": kim.id,
        "title": "Krasa",
        "synopsis": "Keluarga yang waspada stunting.",
        "duration": "4:35",
        "video_url": "https://www.youtube.com/watch?v=krasa",
        **values,
    }


def titles(db_session):
    return list(db_session.scalars(sa.select(Submission.title).order_by(Submission.id)))


# --- editions ---------------------------------------------------------------------------------------
def edition_form(**values):
    form = {
        "name": "Festival Film Pendek KIM Wonosobo",
        "year": "2025",
        "theme": "Pencegahan stunting",
        "level": "kabupaten",
        "organiser": "Diskominfo Wonosobo",
        "category": "Film pendek",
        "opens_on": "2025-07-01",
        "closes_on": "2025-08-31",
        "min_duration": "3:00",
        "max_duration": "10:00",
        "placing_labels": "Juara I\nJuara II\nJuara III\nHarapan I\nHarapan II\nHarapan III",
    }
    criteria = values.pop(
        "criteria",
        [
            ("Tema & pesan", 20),
            ("Sinematografi", 20),
            ("Estetika", 20),
            ("Penyuntingan & suara", 20),
            ("Orisinalitas", 20),
        ],
    )
    for index, (name, weight) in enumerate(criteria):
        form[f"criteria-{index}-name"] = name
        form[f"criteria-{index}-weight"] = str(weight)
        form[f"criteria-{index}-position"] = str(index + 1)
    return {**form, **values}


def test_the_create_form_offers_the_default_rubric_and_placings(officer):
    html = officer.get("/admin/film_festival/edition/new/").get_data(as_text=True)

    assert html.count('value="20"') == 5
    assert "Juara I\nJuara II\nJuara III\nHarapan I\nHarapan II\nHarapan III" in html
    assert "Tema &amp; pesan" in html  # the default criteria, in Indonesian


def test_an_officer_opens_an_edition_with_weighted_criteria(officer, db_session):
    response = officer.post_form("/admin/film_festival/edition/new/", edition_form())

    assert response.status_code == 302
    edition = db_session.scalar(sa.select(Edition))
    assert edition.regency_code == WONOSOBO  # from the officer's scope, never from the form
    assert (edition.criteria[0].name, edition.criteria[0].weight) == ("Tema & pesan", 20)
    assert (edition.min_duration, edition.max_duration) == (180, 600)
    assert edition.labels == ["Juara I", "Juara II", "Juara III", "Harapan I", "Harapan II", "Harapan III"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"criteria": [("Tema & pesan", 50), ("Estetika", 30)]}, "100"),
        ({"criteria": [("Tema", 50), ("tema", 50)]}, "dicantumkan sekali"),
        ({"closes_on": "2025-06-30"}, "jendela"),
        ({"min_duration": "12:00"}, "minimum"),
        ({"placing_labels": "1\n2\n3\n4\n5\n6\n7"}, "enam"),
    ],
)
def test_an_edition_with_broken_rules_is_not_saved(officer, db_session, values, message):
    response = officer.post_form("/admin/film_festival/edition/new/", edition_form(**values))

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Edition)) == 0


# --- submissions: window, duration, link -------------------------------------------------------------
def test_a_kim_of_the_regency_submits_while_the_window_is_open(officer, db_session):
    edition = make_edition(WONOSOBO)
    kim = make_kim(WONOSOBO, "KIM Sindoro")

    response = officer.post_form(NEW_SUBMISSION, submission_form(edition, kim, status="juara"))

    assert response.status_code == 302
    submission = db_session.scalar(sa.select(Submission))
    assert (submission.title, submission.duration, submission.status) == ("Krasa", 275, "terdaftar")
    assert submission.submitted_on == today() and submission.regency_code == WONOSOBO


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ((30, 1), "ditutup"),  # closed yesterday
        ((-1, -30), "dibuka"),  # opens tomorrow
    ],
)
def test_no_submission_outside_the_window(officer, db_session, window, message):
    edition = make_edition(WONOSOBO, opens_on=days_ago(window[0]), closes_on=days_ago(window[1]))

    response = officer.post_form(NEW_SUBMISSION, submission_form(edition, make_kim(WONOSOBO)))

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert titles(db_session) == []


def test_the_last_day_of_the_window_still_counts(officer, db_session):
    edition = make_edition(WONOSOBO, opens_on=days_ago(30), closes_on=today())

    response = officer.post_form(NEW_SUBMISSION, submission_form(edition, make_kim(WONOSOBO)))

    assert response.status_code == 302
    assert titles(db_session) == ["Krasa"]


@pytest.mark.parametrize(("duration", "saved"), [("0:59", False), ("1:00", True), ("10:00", True), ("10:01", False)])
def test_the_duration_must_lie_within_the_limits(officer, db_session, duration, saved):
    edition = make_edition(WONOSOBO, min_duration=60, max_duration=600)

    response = officer.post_form(NEW_SUBMISSION, submission_form(edition, make_kim(WONOSOBO), duration=duration))

    assert (titles(db_session) == ["Krasa"]) is saved
    if not saved:
        assert "antara 1:00 dan 10:00" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.com/film.mp4", "data:text/html,hi", "https://", "www.youtube.com/x"]
)
def test_the_video_link_must_be_http_or_https(officer, db_session, url):
    edition = make_edition(WONOSOBO)

    response = officer.post_form(NEW_SUBMISSION, submission_form(edition, make_kim(WONOSOBO), video_url=url))

    assert response.status_code == 200
    assert titles(db_session) == []


def test_a_kim_of_another_regency_cannot_enter(officer, db_session):
    edition = make_edition(WONOSOBO)
    foreign = make_kim(KARANGANYAR, "KIM Manteb")

    officer.post_form(NEW_SUBMISSION, submission_form(edition, foreign))

    assert titles(db_session) == []


def test_durations_are_typed_as_minutes_and_seconds():
    assert parse_duration("4:35") == 275
    assert parse_duration("5") == 300
    assert parse_duration("1:02:05") == 3725
    assert format_duration(275) == "4:35" and format_duration(3725) == "1:02:05"
    for bad in ("4:75", "abc", "", "-3"):
        with pytest.raises(ValueError):
            parse_duration(bad)


# --- statuses ----------------------------------------------------------------------------------------
def edit(officer, submission, **values):
    form = submission_form(submission.edition, submission.kim, title=submission.title, duration="5:00", **values)
    return officer.post_form(f"/admin/film_festival/submission/edit/?id={submission.id}", form)


def status_of(db_session, submission):
    db_session.expire_all()
    return db_session.get(Submission, submission.id).status


def test_status_moves_along_verification_and_nomination(officer, db_session):
    submission = make_submission(make_edition(WONOSOBO), status="terdaftar")

    edit(officer, submission, status="lolos_verifikasi")
    assert status_of(db_session, submission) == "lolos_verifikasi"
    edit(officer, submission, status="nominasi")
    assert status_of(db_session, submission) == "nominasi"


@pytest.mark.parametrize(
    ("before", "after"), [("terdaftar", "nominasi"), ("nominasi", "juara"), ("terdaftar", "tidak_juara")]
)
def test_a_status_cannot_skip_steps_nor_set_the_result_by_hand(officer, db_session, before, after):
    submission = make_submission(make_edition(WONOSOBO), status=before)

    response = edit(officer, submission, status=after)

    assert response.status_code == 200
    assert status_of(db_session, submission) == before


def test_disqualification_needs_a_reason(officer, db_session):
    submission = make_submission(make_edition(WONOSOBO), status="lolos_verifikasi")

    response = edit(officer, submission, status="didiskualifikasi", disqualification_reason="")
    assert "alasan" in response.get_data(as_text=True)
    assert status_of(db_session, submission) == "lolos_verifikasi"

    edit(officer, submission, status="didiskualifikasi", disqualification_reason="Durasi dimanipulasi")
    db_session.expire_all()
    saved = db_session.get(Submission, submission.id)
    assert (saved.status, saved.disqualification_reason) == ("didiskualifikasi", "Durasi dimanipulasi")
