"""Pre-/post-test arithmetic: a participant's improvement and a session's averages.

A missing score (a participant who skipped a test) is left out, never counted as 0:

* a participant's **improvement** is ``post - pre`` only when both tests were taken;
* the session's **average pre-test** is over the participants who took the pre-test, its
  **average post-test** over those who took the post-test, and its **average improvement** over
  the participants with both scores. The last is therefore not always the difference of the
  first two (different people may be in each), which the session page says next to the figures.

Means are exact (fractions) and shown rounded half away from zero to one decimal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol


class Scored(Protocol):
    pre_score: int | None
    post_score: int | None


def improvement(pre: int | None, post: int | None) -> int | None:
    """``post - pre``, or ``None`` when either is missing."""
    if pre is None or post is None:
        return None
    return post - pre


def mean(values: Iterable[int | None]) -> Fraction | None:
    """The exact mean of the values that are present; ``None`` when none is."""
    present = [value for value in values if value is not None]
    if not present:
        return None
    return Fraction(sum(present), len(present))


@dataclass(frozen=True)
class SessionSummary:
    """A session's figures; each ``*_count`` says how many participants a mean is over."""

    participants: int
    pre_count: int
    pre_mean: Fraction | None
    post_count: int
    post_mean: Fraction | None
    paired_count: int
    improvement_mean: Fraction | None


def summarise(participants: Sequence[Scored]) -> SessionSummary:
    pres = [p.pre_score for p in participants if p.pre_score is not None]
    posts = [p.post_score for p in participants if p.post_score is not None]
    gains = [gain for p in participants if (gain := improvement(p.pre_score, p.post_score)) is not None]
    return SessionSummary(
        participants=len(participants),
        pre_count=len(pres),
        pre_mean=mean(pres),
        post_count=len(posts),
        post_mean=mean(posts),
        paired_count=len(gains),
        improvement_mean=mean(gains),
    )


def one_decimal(value: Fraction | int | None, signed: bool = False) -> str:
    """``12.5`` (``+12.5`` when ``signed`` and positive); half away from zero; ``""`` for ``None``."""
    if value is None:
        return ""
    tenths = abs(Fraction(value)) * 10
    rounded = int(tenths) + (1 if tenths - int(tenths) >= Fraction(1, 2) else 0)
    sign = "-" if value < 0 and rounded else ("+" if signed and rounded else "")
    whole, tenth = divmod(rounded, 10)
    return f"{sign}{whole}.{tenth}"
