"""A whole edition: jurors score the nominated films, an officer publishes, the placings become awards."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from wtforms import ValidationError

from kimadmin.plugin_api import Award
from kimadmin.testing.factories import make_user
from kimadmin.testing.plugins import enable_plugin

from .. import rules
from ..models import Edition, Juror, Score, Submission
from .factories import WONOSOBO, give_marks, make_edition, make_juror, make_kim, make_submission

JURY = "/admin/film_festival/jury/"


class Festival:
    """Wonosobo's edition with four nominated films, one merely registered, two jurors; another
    edition with its own film and juror."""

    def __init__(self, wonosobo):
        enable_plugin("film_festival", WONOSOBO)
        self.edition = make_edition(
            WONOSOBO, name="Festival Film KIM Wonosobo", placing_labels="Juara I\nJuara II\nJuara III"
        )
        self.kims = [make_kim(WONOSOBO, name) for name in ("KIM Sindoro", "KIM Sumbing", "KIM Dieng", "KIM Prau")]
        self.films = [
            make_submission(self.edition, kim, title)
            for kim, title in zip(self.kims, ("Krasa", "Nular", "Kuatir", "Penglaris"), strict=True)
        ]
        self.registered = make_submission(self.edition, self.kims[0], "Masih Terdaftar", status="terdaftar")
        self.other = make_edition(WONOSOBO, name="Lomba Video Pendek", theme="Hoaks")
        self.other_film = make_submission(self.other, self.kims[1], "Film Edisi Lain")
        self.jurors = [
            make_user("viewer", regency=WONOSOBO, email=f"juri{n}@wonosobo.example", full_name=f"Juri {n}")
            for n in (1, 2)
        ]
        self.other_juror = make_user("viewer", regency=WONOSOBO, email="juri3@wonosobo.example", full_name="Juri 3")
        self.seats = [make_juror(self.edition, user) for user in self.jurors]
        make_juror(self.other, self.other_juror)

    def score_all(self, by_film):
        """``{film index: [marks of juror 1], ...}``: both jurors give the same marks."""
        for index, marks in by_film.items():
            for seat in self.seats:
                give_marks(seat, self.films[index], marks)


@pytest.fixture
def festival(db_session, wonosobo):
    return Festival(wonosobo)


def score_form(edition, marks):
    return {f"mark_{criterion.id}": str(mark) for criterion, mark in zip(edition.criteria, marks, strict=True)}


def marks_of(db_session, film, user):
    rows = db_session.execute(
        sa.select(Score.score)
        .join(Juror)
        .where(Score.submission_id == film.id, Juror.user_id == user.id)
        .order_by(Score.criterion_id)
    )
    return [row[0] for row in rows]


# --- what a juror sees -------------------------------------------------------------------------------
def test_a_juror_sees_only_the_nominated_films_of_the_editions_they_judge(make_client, festival):
    client = make_client(festival.jurors[0])

    page = client.get(JURY).get_data(as_text=True)

    assert all(title in page for title in ("Krasa", "Nular", "Kuatir", "Penglaris"))
    assert "Film Edisi Lain" not in page and "Masih Terdaftar" not in page
    other = festival.other_film.id
    assert client.get(f"{JURY}details/?id={other}").status_code == 404
    assert client.get(f"{JURY}score/?id={other}").status_code == 404
    assert client.post_form(f"{JURY}score/?id={other}", score_form(festival.other, [90] * 5)).status_code == 404
    assert client.get("/admin/film_festival/submission/").status_code == 403  # not the officers' list

    other_page = make_client(festival.other_juror).get(JURY).get_data(as_text=True)
    assert "Film Edisi Lain" in other_page and "Krasa" not in other_page


def test_a_user_on_no_jury_sees_no_film(make_client, festival, wonosobo):
    page = make_client(wonosobo.viewer).get(JURY).get_data(as_text=True)

    assert "Krasa" not in page and "Film Edisi Lain" not in page


def test_a_juror_scores_each_criterion_and_may_change_the_marks(make_client, festival, db_session):
    client = make_client(festival.jurors[0])
    film = festival.films[0]

    form = client.get(f"{JURY}score/?id={film.id}").get_data(as_text=True)
    assert "Tema &amp; pesan" in form and 'max="100"' in form
    assert (
        client.post_form(f"{JURY}score/?id={film.id}", score_form(festival.edition, [80, 70, 90, 60, 75])).status_code
        == 302
    )
    assert (
        client.post_form(f"{JURY}score/?id={film.id}", score_form(festival.edition, [85, 70, 90, 60, 75])).status_code
        == 302
    )

    assert marks_of(db_session, film, festival.jurors[0]) == [85, 70, 90, 60, 75]  # replaced, not added
    assert "5 dari 5 kriteria" in client.get(JURY).get_data(as_text=True)


@pytest.mark.parametrize("bad", ["101", "-1", "abc", ""])
def test_marks_are_range_checked(make_client, festival, db_session, bad):
    client = make_client(festival.jurors[0])
    film = festival.films[0]
    form = score_form(festival.edition, [80, 80, 80, 80, 80])
    form[f"mark_{festival.edition.criteria[2].id}"] = bad

    response = client.post_form(f"{JURY}score/?id={film.id}", form)

    assert response.status_code == 200
    assert "bilangan bulat dari 0 sampai 100" in response.get_data(as_text=True)
    assert marks_of(db_session, film, festival.jurors[0]) == []


def test_an_edition_with_an_independent_jury_keeps_local_jurors_from_scoring(make_client, festival, db_session):
    festival.edition.exclude_own_regency_jurors = True
    db_session.flush()
    local = make_client(festival.jurors[0])
    film = festival.films[0]

    assert "Bukan untuk Anda nilai" in local.get(JURY).get_data(as_text=True)
    assert "score-not-allowed" in local.get(f"{JURY}score/?id={film.id}").get_data(as_text=True)
    assert local.post_form(f"{JURY}score/?id={film.id}", score_form(festival.edition, [90] * 5)).status_code == 403
    assert marks_of(db_session, film, festival.jurors[0]) == []

    provincial = make_user("provinsi", province="33", email="juri@jateng.example", full_name="Juri Provinsi")
    make_juror(festival.edition, provincial)
    outside = make_client(provincial)
    assert outside.post_form(f"{JURY}score/?id={film.id}", score_form(festival.edition, [90] * 5)).status_code == 302
    assert marks_of(db_session, film, provincial) == [90] * 5


# --- who may sit on a jury ---------------------------------------------------------------------------
def assign(client, edition, user):
    return client.post_form("/admin/film_festival/juror/new/", {"edition": edition.id, "user": user.id})


def seats_of(db_session, user):
    return db_session.scalar(sa.select(sa.func.count()).select_from(Juror).where(Juror.user_id == user.id))


def test_officers_assign_users_with_the_jury_permission(make_client, festival, wonosobo, db_session):
    officer = make_client(wonosobo.operator)

    assert assign(officer, festival.edition, wonosobo.viewer).status_code == 302
    assert seats_of(db_session, wonosobo.viewer) == 1
    assert assign(officer, festival.edition, wonosobo.viewer).status_code == 200  # already on it
    assert seats_of(db_session, wonosobo.viewer) == 1

    response = assign(officer, festival.edition, wonosobo.admin)  # admins do not judge by default: not offered
    assert response.status_code == 200
    assert seats_of(db_session, wonosobo.admin) == 0

    picker = officer.get("/admin/film_festival/juror/ajax/lookup/?name=user&query=").get_json()
    offered = {label for _id, label in picker}
    assert any("viewer@wonosobo.example" in label for label in offered)
    assert not any("admin_kabupaten@wonosobo.example" in label for label in offered)


def test_an_independent_jury_refuses_jurors_of_the_organising_regency(make_client, festival, wonosobo, db_session):
    festival.edition.exclude_own_regency_jurors = True
    db_session.flush()

    response = assign(make_client(wonosobo.operator), festival.edition, wonosobo.viewer)

    assert response.status_code == 200 and "kabupaten/kotanya sendiri" in response.get_data(as_text=True)
    assert seats_of(db_session, wonosobo.viewer) == 0


# --- results, publishing, awards ---------------------------------------------------------------------
def awards(db_session):
    return db_session.execute(
        sa.select(
            Award.kim_id, Award.rank, Award.rank_label, Award.contest_name, Award.work_title, Award.year
        ).order_by(Award.rank, Award.kim_id)
    ).all()


def publish(client, edition):
    return client.post_form("/admin/film_festival/edition/results/publish/", {"id": edition.id, "confirm": "1"})


def test_an_officer_publishes_the_ranking_as_awards_on_each_kim(make_client, festival, wonosobo, db_session):
    festival.score_all({0: [90, 80, 80, 80, 80], 1: [70, 70, 70, 70, 70], 2: [80, 90, 80, 80, 80], 3: [95] * 5})
    officer = make_client(wonosobo.operator)

    page = officer.get(f"/admin/film_festival/edition/results/?id={festival.edition.id}").get_data(as_text=True)
    assert page.index("Penglaris") < page.index("Krasa") < page.index("Kuatir") < page.index("Nular")
    assert "tie-rule" in page and "Tema &amp; pesan" in page
    response = publish(officer, festival.edition)

    assert response.status_code == 302
    year = festival.edition.year
    name = "Festival Film KIM Wonosobo"
    kims = festival.kims
    assert awards(db_session) == [
        (kims[3].id, 1, "Juara I", name, "Penglaris", year),
        (kims[0].id, 2, "Juara II", name, "Krasa", year),  # 82 = 82, theme & message decides
        (kims[2].id, 3, "Juara III", name, "Kuatir", year),
    ]
    db_session.expire_all()
    statuses = {s.title: (s.status, s.final_rank) for s in db_session.scalars(sa.select(Submission))}
    assert statuses["Nular"] == ("tidak_juara", 4)
    assert statuses["Krasa"] == ("juara", 2)
    assert statuses["Masih Terdaftar"] == ("terdaftar", None)
    assert db_session.get(Edition, festival.edition.id).published_by_id == wonosobo.operator.id


def test_published_placings_show_on_the_kim_page(make_client, festival, wonosobo, db_session):
    festival.score_all({0: [90] * 5, 1: [80] * 5, 2: [70] * 5, 3: [60] * 5})
    officer = make_client(wonosobo.operator)
    publish(officer, festival.edition)

    page = officer.get(f"/admin/kim/details/?id={festival.kims[0].id}")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Juara I" in html and "Festival Film KIM Wonosobo" in html and "Krasa" in html


def test_publishing_twice_creates_no_duplicate_award(make_client, festival, wonosobo, db_session):
    festival.score_all({0: [90] * 5, 1: [80] * 5, 2: [70] * 5, 3: [60] * 5})
    officer = make_client(wonosobo.operator)

    publish(officer, festival.edition)
    first = awards(db_session)
    response = publish(officer, festival.edition)

    assert response.status_code == 302
    assert awards(db_session) == first and len(first) == 3


def test_an_award_entered_by_hand_is_adopted_not_duplicated(make_client, festival, wonosobo, db_session):
    festival.score_all({0: [90] * 5, 1: [80] * 5, 2: [70] * 5, 3: [60] * 5})
    db_session.add(
        Award(
            kim=festival.kims[0],
            contest_name="Festival Film KIM Wonosobo",
            level="kabupaten",
            year=festival.edition.year,
            rank=1,
            work_title="Krasa",
        )
    )
    db_session.flush()

    publish(make_client(wonosobo.operator), festival.edition)

    assert [row.rank for row in awards(db_session)] == [1, 2, 3]


def test_results_are_not_published_while_scores_are_missing(make_client, festival, wonosobo, db_session):
    festival.score_all({0: [90] * 5, 1: [80] * 5, 2: [70] * 5})  # nobody scored "Penglaris"
    officer = make_client(wonosobo.operator)

    page = officer.get(f"/admin/film_festival/edition/results/?id={festival.edition.id}").get_data(as_text=True)
    assert "Penglaris: Juri 1 belum menilai semua kriteria." in page and "publish-form" not in page
    publish(officer, festival.edition)

    assert awards(db_session) == []
    db_session.expire_all()
    assert db_session.get(Edition, festival.edition.id).published_at is None
    assert {s.status for s in db_session.scalars(sa.select(Submission))} == {"nominasi", "terdaftar"}


def test_publishing_is_one_transaction(make_client, festival, wonosobo, db_session, monkeypatch):
    """A failure half-way (here: on the second award) leaves no award, no status and no date behind."""
    festival.score_all({0: [90] * 5, 1: [80] * 5, 2: [70] * 5, 3: [60] * 5})
    calls = []

    def failing(edition, submission):
        calls.append(submission.title)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return None

    monkeypatch.setattr(rules, "_adoptable_award", failing)

    response = publish(make_client(wonosobo.operator), festival.edition)

    assert response.status_code == 302 and len(calls) == 2
    assert awards(db_session) == []
    db_session.expire_all()
    assert db_session.get(Edition, festival.edition.id).published_at is None
    assert "juara" not in {s.status for s in db_session.scalars(sa.select(Submission))}


def test_after_publishing_scores_and_statuses_are_closed(make_client, festival, wonosobo, db_session):
    festival.score_all({0: [90] * 5, 1: [80] * 5, 2: [70] * 5, 3: [60] * 5})
    publish(make_client(wonosobo.operator), festival.edition)
    film = festival.films[0]

    response = make_client(festival.jurors[0]).post_form(
        f"{JURY}score/?id={film.id}", score_form(festival.edition, [10] * 5)
    )

    assert response.status_code == 200
    assert marks_of(db_session, film, festival.jurors[0]) == [90] * 5


def test_jurors_do_not_see_the_ranking(make_client, festival):
    client = make_client(festival.jurors[0])

    assert client.get(f"/admin/film_festival/edition/results/?id={festival.edition.id}").status_code == 403
    assert (
        client.post_form(
            "/admin/film_festival/edition/results/publish/", {"id": festival.edition.id, "confirm": "1"}
        ).status_code
        == 403
    )


# --- the spreadsheet ---------------------------------------------------------------------------------
def test_the_results_download_as_xlsx(make_client, festival, wonosobo, db_session):
    festival.films[1].title = '=HYPERLINK("http://contoh.test","klik")'
    db_session.flush()
    festival.score_all({0: [90] * 5, 1: [80] * 5, 2: [70] * 5, 3: [60] * 5})

    response = make_client(wonosobo.operator).get(
        f"/admin/film_festival/edition/results/xlsx/?id={festival.edition.id}"
    )

    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    ranking, marks = book.worksheets
    rows = list(ranking.iter_rows(values_only=True))
    assert rows[0][:6] == ("Peringkat", "Juara", "KIM", "Judul film", "Durasi", "Nilai akhir (0-100)")
    assert rows[0][6] == "Tema & pesan (20%)"
    assert rows[1][:6] == (1, "Juara I", "KIM Sindoro", "Krasa", "5:00", 90)
    assert rows[2][0:4] == (2, "Juara II", "KIM Sumbing", '\'=HYPERLINK("http://contoh.test","klik")')
    assert ranking.cell(row=3, column=4).data_type == "s"  # text, never a formula
    assert rows[4][:2] == (4, None)
    assert len(rows) == 5
    juror_rows = list(marks.iter_rows(values_only=True))
    assert len(juror_rows) == 1 + 4 * 2 and juror_rows[1][0] == "Juri 1"


def test_only_users_with_the_jury_permission_who_see_the_regency_may_judge(festival, wonosobo, karanganyar):
    with pytest.raises(ValidationError, match="jury permission"):
        rules.check_juror(festival.edition, wonosobo.admin)
    with pytest.raises(ValidationError):
        rules.check_juror(festival.edition, karanganyar.viewer)  # cannot see Wonosobo at all
    rules.check_juror(festival.edition, wonosobo.viewer)


def test_the_rubric_is_fixed_once_the_jury_has_started(make_client, festival, wonosobo, db_session):
    give_marks(festival.seats[0], festival.films[0], [80] * 5)
    edition = festival.edition
    form = {
        "name": edition.name,
        "year": str(edition.year),
        "level": "kabupaten",
        "opens_on": edition.opens_on.isoformat(),
        "closes_on": edition.closes_on.isoformat(),
        "min_duration": "1:00",
        "max_duration": "10:00",
        "placing_labels": edition.placing_labels,
    }
    new_weights = [30, 10, 20, 20, 20]  # still 100: refused only because marks exist
    for index, (criterion, weight) in enumerate(zip(edition.criteria, new_weights, strict=True)):
        form[f"criteria-{index}-id"] = str(criterion.id)
        form[f"criteria-{index}-name"] = criterion.name
        form[f"criteria-{index}-weight"] = str(weight)
        form[f"criteria-{index}-position"] = str(criterion.position)

    response = make_client(wonosobo.operator).post_form(f"/admin/film_festival/edition/edit/?id={edition.id}", form)

    assert "sudah mulai menilai" in response.get_data(as_text=True)
    db_session.expire_all()
    assert [c.weight for c in db_session.get(Edition, edition.id).criteria] == [20] * 5
