"""Totals and the tie rule (see ranking.py): total first, then criteria heaviest first, else a shared place."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from types import SimpleNamespace

from ..ranking import as_decimal_text, rank_entries, tie_break_order

DEFAULT = [SimpleNamespace(id=index, weight=20) for index in range(1, 6)]  # theme & message first


def film(number):
    return SimpleNamespace(id=number, title=f"Film {number}")


@dataclass(eq=False)
class Judge:
    id: int
    allowed: bool = True

    def may_score(self, submission):
        return self.allowed


def juror(number, may_score=True):
    return Judge(number, may_score)


def marks_for(submission, judge, values, criteria=DEFAULT):
    return {(submission.id, judge.id, c.id): value for c, value in zip(criteria, values, strict=True)}


def ranked(criteria, films, jurors, marks):
    return [(entry.submission.id, entry.rank) for entry in rank_entries(criteria, films, jurors, marks)]


def test_the_highest_total_wins_and_a_total_is_the_mean_of_the_jurors_weighted_totals():
    a, b = film(1), film(2)
    one, two = juror(1), juror(2)
    marks = {
        **marks_for(a, one, [100, 100, 100, 100, 100]),
        **marks_for(a, two, [50, 50, 50, 50, 50]),
        **marks_for(b, one, [80, 80, 80, 80, 80]),
        **marks_for(b, two, [80, 80, 80, 80, 81]),
    }

    entries = rank_entries(DEFAULT, [a, b], [one, two], marks)

    assert [(e.submission.id, e.rank) for e in entries] == [(2, 1), (1, 2)]
    assert entries[1].total == 75
    assert entries[0].total == Fraction(801, 10)  # (80 + 80.2) / 2, exact
    assert as_decimal_text(entries[0].total) == "80.10"


def test_equal_totals_are_decided_by_theme_and_message_first():
    a, b = film(1), film(2)
    one = juror(1)
    marks = {**marks_for(a, one, [70, 90, 80, 80, 80]), **marks_for(b, one, [90, 70, 80, 80, 80])}

    assert ranked(DEFAULT, [a, b], [one], marks) == [(2, 1), (1, 2)]


def test_then_the_next_criterion_in_the_listed_order():
    a, b = film(1), film(2)
    one = juror(1)
    marks = {**marks_for(a, one, [80, 70, 90, 80, 80]), **marks_for(b, one, [80, 90, 70, 80, 80])}

    assert ranked(DEFAULT, [a, b], [one], marks) == [(2, 1), (1, 2)]


def test_a_heavier_criterion_decides_before_a_lighter_one_listed_earlier():
    criteria = [SimpleNamespace(id=1, weight=20), SimpleNamespace(id=2, weight=40), SimpleNamespace(id=3, weight=40)]
    a, b = film(1), film(2)
    one = juror(1)
    marks = {
        **marks_for(a, one, [100, 50, 50], criteria),  # 20 + 20 + 20 = 60
        **marks_for(b, one, [50, 75, 50], criteria),  # 10 + 30 + 20 = 60
    }

    assert tie_break_order(criteria) == [1, 2, 0]
    assert ranked(criteria, [a, b], [one], marks) == [(2, 1), (1, 2)]


def test_films_equal_on_everything_share_the_place_and_the_next_place_is_skipped():
    a, b, c, d = film(1), film(2), film(3), film(4)
    one = juror(1)
    marks = {
        **marks_for(a, one, [90, 90, 90, 90, 90]),
        **marks_for(b, one, [80, 80, 80, 80, 80]),
        **marks_for(c, one, [80, 80, 80, 80, 80]),
        **marks_for(d, one, [70, 70, 70, 70, 70]),
    }

    assert ranked(DEFAULT, [d, c, b, a], [one], marks) == [(1, 1), (2, 2), (3, 2), (4, 4)]


def test_incomplete_films_are_not_ranked_and_name_who_is_missing():
    a, b = film(1), film(2)
    one, two = juror(1), juror(2)
    marks = {**marks_for(a, one, [90, 90, 90, 90, 90]), **marks_for(b, one, [60, 60, 60, 60, 60])}
    marks.update(marks_for(a, two, [90, 90, 90, 90, 90]))
    del marks[(1, 2, 5)]  # juror 2 forgot originality of film 1

    entries = rank_entries(DEFAULT, [a, b], [one, two], marks)

    by_film = {e.submission.id: e for e in entries}
    assert by_film[1].rank is None and by_film[1].missing == [two]
    assert by_film[2].rank is None and by_film[2].missing == [two]


def test_a_juror_excluded_from_a_film_does_not_count_for_it():
    a = film(1)
    local, outsider = juror(1, may_score=False), juror(2)
    marks = marks_for(a, outsider, [60, 60, 60, 60, 60])

    (entry,) = rank_entries(DEFAULT, [a], [local, outsider], marks)

    assert entry.rank == 1 and entry.total == 60 and list(entry.juror_totals) == [outsider]


def test_a_film_nobody_may_score_is_not_ranked():
    (entry,) = rank_entries(DEFAULT, [film(1)], [juror(1, may_score=False)], {})

    assert entry.no_juror and entry.rank is None
