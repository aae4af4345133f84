"""Pre-/post-test scores: improvement per participant, averages per session (missing scores left out,
never counted as 0), range checks with Indonesian messages, all scores saved together or not at all."""

from __future__ import annotations

import re
from fractions import Fraction
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from kimadmin.testing.plugins import enable_plugin

from ..models import Participant
from ..scores import improvement, mean, one_decimal, summarise
from .factories import KARANGANYAR, PLUGIN, add_participant, make_kim, make_session


def person(pre, post):  # type: ignore[no-untyped-def]
    return SimpleNamespace(pre_score=pre, post_score=post)


# --- the arithmetic ------------------------------------------------------------------------------
def test_a_participants_improvement_needs_both_scores():
    assert improvement(40, 75) == 35
    assert improvement(80, 70) == -10
    assert improvement(0, 0) == 0
    assert improvement(None, 70) is None
    assert improvement(40, None) is None


def test_the_session_averages_leave_missing_scores_out_instead_of_counting_zero():
    people = [person(40, 70), person(50, 90), person(None, 80), person(60, None), person(None, None)]

    summary = summarise(people)

    assert summary.participants == 5
    assert (summary.pre_count, summary.pre_mean) == (3, Fraction(150, 3))  # 40, 50, 60 -> 50
    assert (summary.post_count, summary.post_mean) == (3, Fraction(240, 3))  # 70, 90, 80 -> 80
    assert (summary.paired_count, summary.improvement_mean) == (2, Fraction(70, 2))  # +30, +40 -> 35
    # Counting a missing score as 0 would have given 30, 48 and (30+40+80-60+0)/5 = 18.
    assert summary.improvement_mean != summary.post_mean - summary.pre_mean  # 35, not 30: other people


def test_a_session_without_any_pair_has_no_average_improvement():
    summary = summarise([person(None, 80), person(60, None)])
    assert summary.improvement_mean is None and summary.paired_count == 0
    assert summarise([]).pre_mean is None
    assert mean([None, None]) is None


@pytest.mark.parametrize(
    ("value", "signed", "text"),
    [
        (Fraction(35), True, "+35.0"),
        (Fraction(-25, 2), True, "-12.5"),
        (Fraction(1, 3), False, "0.3"),
        (Fraction(2, 3), True, "+0.7"),
        (Fraction(5, 100), False, "0.1"),  # half away from zero
        (Fraction(-5, 100), True, "-0.1"),
        (Fraction(0), True, "0.0"),
        (None, True, ""),
    ],
)
def test_averages_are_shown_rounded_to_one_decimal(value, signed, text):
    assert one_decimal(value, signed=signed) == text


# --- the session page ----------------------------------------------------------------------------
@pytest.fixture
def scored_session(db_session, karanganyar):
    enable_plugin(PLUGIN, KARANGANYAR)
    session = make_session(KARANGANYAR, title="Angkatan I")
    kim = make_kim(KARANGANYAR, name="KIM Manteb")
    people = [
        add_participant(session, kim, "Ani", 40, 70),
        add_participant(session, kim, "Budi", 50, 90),
        add_participant(session, kim, "Citra", None, 80),
        add_participant(session, kim, "Dewi", 60, None),
    ]
    return session, people


def cell(page: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', page)
    assert match, element_id
    return match.group(1).strip()


def test_the_session_page_shows_each_improvement_and_the_session_averages(make_client, scored_session, karanganyar):
    session, people = scored_session
    page = make_client(karanganyar.viewer).get(f"/admin/socmed_training/session/details/?id={session.id}")
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    rows = dict(re.findall(r'data-participant="(\d+)">.*?class="text-right improvement">([^<]*)<', html, re.S))
    assert rows == {
        str(people[0].id): "+30.0",
        str(people[1].id): "+40.0",
        str(people[2].id): "—",
        str(people[3].id): "—",
    }
    assert cell(html, "average-pre") == "50.0"
    assert cell(html, "average-post") == "80.0"
    assert cell(html, "average-improvement") == "+35.0"
    assert (cell(html, "count-pre"), cell(html, "count-post"), cell(html, "count-improvement")) == ("3", "3", "2")
    assert "tidak dihitung sebagai 0" in html  # the rule, in Indonesian


def test_the_session_list_shows_the_participants_and_average_improvement(make_client, scored_session, karanganyar):
    html = make_client(karanganyar.viewer).get("/admin/socmed_training/session/").get_data(as_text=True)
    assert "Angkatan I" in html and "+35.0" in html


# --- range checks --------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["101", "-1", "abc", "2.5", "1000"])
def test_a_score_out_of_range_is_refused_with_an_indonesian_message_and_nothing_is_saved(
    make_client, scored_session, karanganyar, db_session, bad
):
    session, people = scored_session
    client = make_client(karanganyar.operator)
    form = {f"pre_{p.id}": "" if p.pre_score is None else str(p.pre_score) for p in people}
    form |= {f"post_{p.id}": "" if p.post_score is None else str(p.post_score) for p in people}
    form[f"pre_{people[2].id}"] = "55"  # a valid change on the same form is not saved either
    form[f"post_{people[3].id}"] = bad

    response = client.post_form(f"/admin/socmed_training/session/scores/?id={session.id}", form)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nilai berupa bilangan bulat 0 sampai 100" in html
    assert html.count("is-invalid") == 1
    db_session.expire_all()
    assert db_session.get(Participant, people[2].id).pre_score is None
    assert db_session.get(Participant, people[3].id).post_score is None


def test_all_scores_are_saved_together_and_an_empty_field_means_not_taken(
    make_client, scored_session, karanganyar, db_session
):
    session, people = scored_session
    client = make_client(karanganyar.operator)
    form = {f"pre_{p.id}": "10" for p in people} | {f"post_{p.id}": "100" for p in people}
    form[f"post_{people[0].id}"] = " "  # cleared: the post-test was not taken after all
    form[f"pre_{people[1].id}"] = "0"

    response = client.post_form(f"/admin/socmed_training/session/scores/?id={session.id}", form)

    assert response.status_code == 302
    db_session.expire_all()
    saved = {p.id: (p.pre_score, p.post_score) for p in db_session.scalars(sa.select(Participant))}
    assert saved == {
        people[0].id: (10, None),
        people[1].id: (0, 100),
        people[2].id: (10, 100),
        people[3].id: (10, 100),
    }


@pytest.mark.parametrize(("field", "value"), [("pre_score", "101"), ("post_score", "-5")])
def test_the_participant_form_checks_the_range_too(make_client, scored_session, karanganyar, db_session, field, value):
    session, people = scored_session
    client = make_client(karanganyar.operator)
    form = {"session": session.id, "kim": people[0].kim_id, "name": "Eko", "pre_score": "20", "post_score": "30"}
    form[field] = value

    html = client.post_form("/admin/socmed_training/participant/new/", form).get_data(as_text=True)

    assert "Nilai berupa bilangan bulat 0 sampai 100" in html
    assert db_session.scalar(sa.select(sa.func.count()).where(Participant.name == "Eko")) == 0


def test_an_officer_adds_a_participant_of_a_kim_of_the_regency(make_client, scored_session, karanganyar, db_session):
    session, _people = scored_session
    kim = make_kim(KARANGANYAR, name="KIM Saraswati")
    client = make_client(karanganyar.operator)

    response = client.post_form(
        "/admin/socmed_training/participant/new/",
        {"session": session.id, "kim": kim.id, "name": " Fajar ", "pre_score": "35", "post_score": ""},
    )

    assert response.status_code == 302
    added = db_session.scalar(sa.select(Participant).where(Participant.name == "Fajar"))
    assert (added.kim_id, added.pre_score, added.post_score, added.regency_code) == (kim.id, 35, None, KARANGANYAR)


def test_the_database_refuses_a_score_out_of_range_on_any_path(db_session, scored_session):
    _session, people = scored_session
    people[0].pre_score = 101
    with pytest.raises(sa.exc.IntegrityError):
        db_session.flush()
