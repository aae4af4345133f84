"""Totals and ranking of an edition's finalists, with the tie rule.

**Scores.** Each juror gives every criterion a mark from 0 to 100. A juror's total for a film is
the weighted sum ``Σ mark * weight / 100`` (weights add up to 100, so a total is 0-100 as well).
The film's total is the mean of the totals of the jurors who may score it (an edition that
excludes jurors from their own regency leaves them out for that regency's KIM).

**Ranking and the tie rule.** Films are ordered by total, highest first. Equal totals are decided
by the mean mark on each criterion in turn, the heaviest criterion first, criteria of equal weight
in the order they are listed (with the default rubric: theme & message, camera work, aesthetics,
editing & sound, originality). Films still equal on all of that share the place, and the next
place is skipped (standard competition ranking, "1-2-2-4"): two Juara II, then Harapan I.
The arithmetic is exact (fractions), so rounding never creates or hides a tie.

Only complete entries are ranked: every juror who may score the film has scored every criterion.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any


@dataclass
class Entry:
    """One finalist in the ranking."""

    submission: Any
    total: Fraction | None = None
    criterion_means: tuple[Fraction, ...] = ()  # in the edition's listed order
    juror_totals: dict[Any, Fraction] = field(default_factory=dict)
    missing: list[Any] = field(default_factory=list)  # jurors who may score it and have not finished
    no_juror: bool = False  # nobody on the jury may score it
    rank: int | None = None
    label: str | None = None

    @property
    def complete(self) -> bool:
        return not self.missing and not self.no_juror


def tie_break_order(criteria: Sequence[Any]) -> list[int]:
    """Indexes of ``criteria`` in the order the tie rule consults them: heaviest first, then as listed."""
    return sorted(range(len(criteria)), key=lambda index: (-criteria[index].weight, index))


def rank_entries(
    criteria: Sequence[Any],
    submissions: Iterable[Any],
    jurors: Sequence[Any],
    marks: dict[tuple[int, int, int], int],
) -> list[Entry]:
    """Totals and places of ``submissions``.

    ``criteria`` are in their listed order (objects with ``id`` and ``weight``), ``jurors`` have ``id``
    and ``may_score(submission)``, ``marks`` maps ``(submission_id, juror_id, criterion_id)`` to a
    mark. Complete entries come first, by place; incomplete ones follow without a place.
    """
    entries = [_entry(submission, criteria, jurors, marks) for submission in submissions]
    complete = [entry for entry in entries if entry.complete]
    order = tie_break_order(criteria)

    def key(entry: Entry) -> tuple[Fraction, ...]:
        assert entry.total is not None
        return (-entry.total, *(-entry.criterion_means[index] for index in order))

    complete.sort(key=lambda entry: (key(entry), entry.submission.id))
    previous: tuple[Fraction, ...] | None = None
    for position, entry in enumerate(complete, start=1):
        current = key(entry)
        entry.rank = position if current != previous else complete[position - 2].rank
        previous = current
    incomplete = sorted((entry for entry in entries if not entry.complete), key=lambda entry: entry.submission.id)
    return complete + incomplete


def _entry(submission: Any, criteria: Sequence[Any], jurors: Sequence[Any], marks: dict) -> Entry:
    entry = Entry(submission)
    eligible = [juror for juror in jurors if juror.may_score(submission)]
    if not eligible or not criteria:
        entry.no_juror = True
        return entry
    sums = [Fraction(0)] * len(criteria)
    for juror in eligible:
        juror_marks = [marks.get((submission.id, juror.id, criterion.id)) for criterion in criteria]
        if any(mark is None for mark in juror_marks):
            entry.missing.append(juror)
            continue
        entry.juror_totals[juror] = sum(
            (Fraction(mark) * criterion.weight / 100 for mark, criterion in zip(juror_marks, criteria, strict=True)),
            Fraction(0),
        )
        sums = [total + mark for total, mark in zip(sums, juror_marks, strict=True)]
    if entry.missing:
        return entry
    count = len(eligible)
    entry.total = sum(entry.juror_totals.values(), Fraction(0)) / count
    entry.criterion_means = tuple(total / count for total in sums)
    return entry


def as_decimal_text(value: Fraction | None, places: int = 2) -> str:
    """``83.25``: a total for display (the ranking itself compares exact values)."""
    if value is None:
        return ""
    scaled = round(value * 10**places)
    sign = "-" if scaled < 0 else ""
    whole, fraction = divmod(abs(scaled), 10**places)
    return f"{sign}{whole}.{fraction:0{places}d}"
