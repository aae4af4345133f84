"""Festival rows for tests, flushed into the test's session (never committed)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from kimadmin.plugin_api import db
from kimadmin.testing.factories import KimFactory

from ..models import Criterion, Edition, Juror, Score, Submission
from ..rules import today

WONOSOBO, KARANGANYAR = "33.07", "33.13"
PLACINGS = "Juara I\nJuara II\nJuara III\nHarapan I\nHarapan II\nHarapan III"
# The default rubric as an Indonesian officer's form stores it.
RUBRIC = (
    ("Tema & pesan", 20),
    ("Pengambilan gambar", 20),
    ("Estetika", 20),
    ("Penyuntingan & suara", 20),
    ("Orisinalitas", 20),
)


def make_edition(regency: str | None = WONOSOBO, criteria: tuple = RUBRIC, **values: Any) -> Edition:
    """An edition whose window is open today, with the default rubric unless told otherwise.

    ``make_edition(None, province_code="33")`` is the province office's own edition."""
    now = today()
    fields = {
        "name": "Festival Film Pendek KIM",
        "year": now.year,
        "theme": "Pencegahan stunting",
        "level": "kabupaten",
        "organiser": "Diskominfo",
        "category": "Film pendek",
        "opens_on": now - timedelta(days=10),
        "closes_on": now + timedelta(days=10),
        "min_duration": 60,
        "max_duration": 600,
        "placing_labels": PLACINGS,
        **values,
    }
    edition = Edition(regency_code=regency, **fields)
    for position, (name, weight) in enumerate(criteria, start=1):
        edition.criteria.append(Criterion(name=name, weight=weight, position=position))
    db.session.add(edition)
    db.session.flush()
    return edition


def make_kim(regency: str = WONOSOBO, name: str | None = None) -> Any:
    return KimFactory(regency=regency, **({"name": name} if name else {}))


def make_submission(edition: Edition, kim: Any = None, title: str = "Krasa", status: str = "nominasi", **values: Any):
    submission = Submission(
        edition=edition,
        kim=kim if kim is not None else make_kim(edition.regency_code),
        title=title,
        duration=values.pop("duration", 300),
        video_url=values.pop("video_url", "https://www.youtube.com/watch?v=uji"),
        status=status,
        submitted_on=values.pop("submitted_on", edition.opens_on),
        **values,
    )
    db.session.add(submission)
    db.session.flush()
    return submission


def make_juror(edition: Edition, user: Any) -> Juror:
    juror = Juror(edition=edition, user=user, display_name=str(user), home_regency_code=user.regency_code)
    db.session.add(juror)
    db.session.flush()
    return juror


def give_marks(juror: Juror, submission: Submission, marks: list[int]) -> None:
    """``marks`` in the edition's criterion order."""
    for criterion, mark in zip(submission.edition.criteria, marks, strict=True):
        db.session.add(Score(submission=submission, juror=juror, criterion=criterion, score=mark))
    db.session.flush()


def days_ago(days: int) -> date:
    return today() - timedelta(days=days)
