"""The festival's rules: submission window, durations, video links, status changes, jury, publishing.

Each check raises :class:`wtforms.ValidationError` with a sentence for the officer; the admin views
call them from ``on_model_change``, so a refused change is a form message and nothing is saved.
Publishing runs in the caller's transaction: it either writes every placing or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import g, has_app_context, has_request_context
from flask_babel import format_date, to_user_timezone
from sqlalchemy.orm import joinedload, selectinload
from wtforms import ValidationError

from kimadmin.plugin_api import Award, db

from .i18n import _
from .models import (
    FINALIST_STATUSES,
    RESULT_STATUSES,
    STATUSES,
    Criterion,
    Edition,
    Juror,
    Score,
    Submission,
)
from .ranking import Entry, rank_entries

JURY_PERMISSION = "film_festival.jury.score"
# The officers' permission to browse every film; a juror without it is a "pure" juror.
OFFICER_PERMISSION = "film_festival.submission.view"
OFFICE_TIMEZONE = "Asia/Jakarta"  # outside the app (the app's own setting wins inside it)

# Status changes an officer may make by hand (Juara / Tidak Juara come from publishing only).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "terdaftar": ("lolos_verifikasi", "didiskualifikasi"),
    "lolos_verifikasi": ("nominasi", "terdaftar", "didiskualifikasi"),
    "nominasi": ("lolos_verifikasi", "didiskualifikasi"),
    "didiskualifikasi": ("terdaftar",),  # reinstated (e.g. after an appeal)
    "juara": (),
    "tidak_juara": (),
}


def today() -> date:
    """Today in the office's time zone (``BABEL_DEFAULT_TIMEZONE``, Asia/Jakarta), not the server's."""
    now = datetime.now(UTC)
    return (to_user_timezone(now) if has_app_context() else now.astimezone(ZoneInfo(OFFICE_TIMEZONE))).date()


def day(value: date | datetime) -> str:
    """``31 Desember 2025`` in the user's language (ISO outside a request); a moment in the office's zone."""
    if isinstance(value, datetime):
        value = to_user_timezone(value).date() if has_app_context() else value.date()
    return format_date(value, "d MMMM yyyy") if has_request_context() else value.isoformat()


# --- durations -----------------------------------------------------------------------------------
def parse_duration(text: str) -> int:
    """Seconds from ``"4:35"`` (m:ss), ``"1:02:05"`` (h:mm:ss) or ``"5"`` (whole minutes)."""
    parts = text.strip().split(":")
    if not 1 <= len(parts) <= 3 or not all(part.isdigit() for part in parts):
        raise ValueError(text)
    numbers = [int(part) for part in parts]
    if len(numbers) == 1:
        return numbers[0] * 60
    if any(number >= 60 for number in numbers[1:]):
        raise ValueError(text)
    seconds = 0
    for number in numbers:
        seconds = seconds * 60 + number
    return seconds


def format_duration(seconds: int | None) -> str:
    """``4:35``; ``1:02:05`` from an hour on."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# --- editions ------------------------------------------------------------------------------------
def check_edition(edition: Edition) -> None:
    if edition.opens_on and edition.closes_on and edition.closes_on < edition.opens_on:
        raise ValidationError(_("The submission window must close on or after the day it opens."))
    if edition.max_duration is not None and (edition.min_duration or 0) > edition.max_duration:
        raise ValidationError(_("The minimum duration must not be longer than the maximum duration."))
    if not edition.labels:
        raise ValidationError(_("Give at least one placing label (one per line, rank 1 first)."))
    if len([line for line in (edition.placing_labels or "").splitlines() if line.strip()]) > 6:
        raise ValidationError(_("At most six placings: the awards have ranks 1 to 6."))


def check_criteria(criteria: list[Criterion]) -> None:
    """Weights in percent adding up to 100, each criterion named once."""
    if not criteria:
        raise ValidationError(_("An edition needs at least one judging criterion."))
    names = [(criterion.name or "").strip().casefold() for criterion in criteria]
    if any(not name for name in names):
        raise ValidationError(_("Every criterion needs a name."))
    if len(set(names)) != len(names):
        raise ValidationError(_("Each criterion may be listed only once."))
    if any(criterion.weight is None or not 0 < criterion.weight <= 100 for criterion in criteria):
        raise ValidationError(_("Each weight must be between 1 and 100 percent."))
    total = sum(criterion.weight for criterion in criteria)
    if total != 100:
        raise ValidationError(_("The weights must add up to 100 percent (now %(total)s).", total=total))


# --- submissions ---------------------------------------------------------------------------------
def check_video_url(url: str | None) -> None:
    """An ``http``/``https`` address with a host: no ``javascript:``, ``data:`` or file links."""
    parts = urlsplit((url or "").strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url or ""):
        raise ValidationError(_("The video link must be a web address starting with http:// or https://."))


def check_window(edition: Edition, on: date) -> None:
    """No submission before the window opens or after it closes (both days included)."""
    state = edition.window_state(on)
    if state == "upcoming":
        raise ValidationError(
            _("Submissions for %(edition)s open on %(date)s.", edition=edition, date=day(edition.opens_on))
        )
    if state == "closed":
        raise ValidationError(
            _(
                "Submissions for %(edition)s closed on %(date)s: no new submission is accepted.",
                edition=edition,
                date=day(edition.closes_on),
            )
        )


def check_duration(edition: Edition, seconds: int | None) -> None:
    low, high = edition.min_duration or 0, edition.max_duration
    if seconds is None or seconds <= 0 or seconds < low or (high is not None and seconds > high):
        raise ValidationError(
            _(
                "The film must last between %(low)s and %(high)s (m:ss); this one lasts %(duration)s.",
                low=format_duration(low),
                high=format_duration(high),
                duration=format_duration(seconds) or "-",
            )
        )


def check_status_change(before: str | None, after: str, reason: str | None) -> None:
    if after == "didiskualifikasi" and not (reason or "").strip():
        raise ValidationError(_("Give the reason for the disqualification."))
    if before is None or before == after:
        return
    if after in RESULT_STATUSES:
        raise ValidationError(_("Placed / Not placed is set by publishing the results."))
    if after not in TRANSITIONS.get(before, ()):
        raise ValidationError(
            _(
                "A submission cannot go from %(before)s to %(after)s.",
                before=STATUSES.get(before, before),
                after=STATUSES.get(after, after),
            )
        )


# --- jury ----------------------------------------------------------------------------------------
def judged_editions(user_id: int) -> sa.Select:
    """The editions ``user_id`` sits on the jury of (a subquery)."""
    return sa.select(Juror.edition_id).where(Juror.user_id == user_id)


def my_jury_editions(user: Any) -> frozenset[int]:
    """Ids of the editions the user judges, read once per request (list rows ask for each edition)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = g.get("_film_festival_jury") if has_request_context() else None
    if cached is None:
        cached = frozenset(db.session.scalars(judged_editions(user.id)))
        if has_request_context():
            g._film_festival_jury = cached
    return cached


def is_pure_juror(user: Any) -> bool:
    """A juror without the officers' rights: sees only the editions and films they judge."""
    return bool(user.can(JURY_PERMISSION) and not user.can(OFFICER_PERMISSION))


def ranking_hidden_from(user: Any, edition: Edition) -> bool:
    """A juror never sees the live ranking, nor the other jurors' marks, of an edition they judge
    until it is published (the marks stay independent; an officer on the jury included)."""
    if edition.is_published or not user.can(JURY_PERMISSION):  # only jury members can be on a jury
        return False
    return edition.id in my_jury_editions(user)


def is_organiser(edition: Edition, user: Any) -> bool:
    """Whether ``user`` works for the office running ``edition`` (or is national).

    The tenancy lets province staff write the rows of their regencies; a regency's festival is
    still the regency's to run: its edition, jury, statuses and results stay with its officers.
    """
    scope = user.scope
    if scope.is_nation:
        return True
    if edition.regency_code is None:
        return scope.level == "province" and scope.code == edition.province_code
    return scope.level == "regency" and scope.code == edition.regency_code


def check_organiser(edition: Edition, user: Any) -> None:
    if not is_organiser(edition, user):
        raise ValidationError(
            _("Only the organiser of %(edition)s changes it, its jury and its films.", edition=edition)
        )


def check_juror(edition: Edition, user: Any) -> None:
    if user is None:
        raise ValidationError(_("Choose the juror."))
    if not user.can(JURY_PERMISSION):
        raise ValidationError(_("%(user)s's role may not judge (it lacks the jury permission).", user=user))
    if not user.scope.sees_owner(edition.regency_code, edition.province_code):
        raise ValidationError(_("%(user)s cannot see this edition's regency, so cannot judge it.", user=user))
    if edition.is_provincial and user.regency_code is not None:
        # A regency's user sees only their own regency's films: they could not judge the others.
        raise ValidationError(
            _("A provincial edition is judged by province staff: %(user)s belongs to one regency.", user=user)
        )
    if (
        edition.exclude_own_regency_jurors
        and edition.regency_code is not None
        and user.regency_code == edition.regency_code
    ):
        raise ValidationError(
            _(
                "This edition does not let jurors score KIM of their own regency: "
                "%(user)s belongs to the organising regency.",
                user=user,
            )
        )


def juror_of(edition_id: int, user_id: int) -> Juror | None:
    return db.session.scalar(sa.select(Juror).where(Juror.edition_id == edition_id, Juror.user_id == user_id))


def save_marks(submission: Submission, juror: Juror, marks: dict[int, int]) -> None:
    """Store a juror's marks for a submission (one per criterion), replacing earlier ones."""
    edition = submission.edition
    if edition.is_published:
        raise ValidationError(_("The results are published: scores can no longer be changed."))
    if submission.status not in FINALIST_STATUSES:
        raise ValidationError(_("Only nominated films are scored."))
    if not juror.may_score(submission):
        raise ValidationError(_("This edition does not let you score KIM of your own regency."))
    existing = {score.criterion_id: score for score in submission.scores if score.juror_id == juror.id}
    for criterion in edition.criteria:
        mark = marks.get(criterion.id)
        if mark is None or not 0 <= mark <= 100:
            raise ValidationError(_("%(criterion)s: give a mark from 0 to 100.", criterion=criterion.name))
        score = existing.get(criterion.id)
        if score is None:
            submission.scores.append(Score(juror=juror, criterion=criterion, score=mark))
        else:
            score.score = mark


# --- ranking and publishing ----------------------------------------------------------------------
@dataclass
class Results:
    edition: Edition
    entries: list[Entry]

    @property
    def problems(self) -> list[str]:
        """Why the results cannot be published yet (empty: they can)."""
        problems = []
        if not self.entries:
            problems.append(_("No nominated film yet: nominate the films the jury judges first."))
        for entry in self.entries:
            if entry.no_juror:
                problems.append(_("%(film)s: no juror on the jury may score it.", film=entry.submission.title))
            for juror in entry.missing:
                problems.append(
                    _("%(film)s: %(juror)s has not scored every criterion.", film=entry.submission.title, juror=juror)
                )
        return problems


def load_edition_for_results(edition_id: int, lock: bool = False) -> Edition | None:
    """The edition with its criteria, jurors, finalists and their scores, in a fixed number of statements.

    ``lock`` takes a row lock on the edition (PostgreSQL ``FOR UPDATE``): two officers publishing at
    the same moment publish one after the other, never creating an award twice.
    """
    query = (
        sa.select(Edition)
        .where(Edition.id == edition_id)
        .options(
            selectinload(Edition.criteria),
            selectinload(Edition.jurors),
            selectinload(Edition.submissions).options(
                joinedload(Submission.kim), joinedload(Submission.award), selectinload(Submission.scores)
            ),
        )
        .execution_options(populate_existing=True)
    )
    if lock:
        query = query.with_for_update(of=Edition)
    return db.session.scalar(query)


def compute_results(edition: Edition) -> Results:
    finalists = [s for s in edition.submissions if s.status in FINALIST_STATUSES]
    marks = {
        (score.submission_id, score.juror_id, score.criterion_id): score.score for s in finalists for score in s.scores
    }
    entries = rank_entries(list(edition.criteria), finalists, list(edition.jurors), marks)
    for entry in entries:
        entry.label = edition.label_for(entry.rank)
    return Results(edition, entries)


class PublishError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def publish(edition_id: int, user: Any) -> Results:
    """Write the placings as awards on each KIM's record, and the final statuses. Idempotent.

    A placed film's award is created once and updated on later publications (a film that drops out
    of the placings loses it); an award entered by hand for the same KIM, contest, year and film is
    adopted rather than duplicated. The caller commits (or rolls back: nothing is half-written).
    """
    edition = load_edition_for_results(edition_id, lock=True)
    if edition is None:
        raise LookupError(edition_id)
    results = compute_results(edition)
    if results.problems:
        raise PublishError(results.problems)
    for entry in results.entries:
        submission = entry.submission
        submission.final_rank = entry.rank
        if entry.label is None:
            submission.status = "tidak_juara"
            if submission.award is not None:
                db.session.delete(submission.award)
                submission.award = None
            continue
        submission.status = "juara"
        award = submission.award or _adoptable_award(edition, submission) or Award(kim=submission.kim)
        award.kim = submission.kim
        award.regency_code = submission.regency_code  # the KIM's regency, also for a provincial edition
        award.contest_name = edition.name
        award.level = edition.level
        award.organiser = edition.organiser
        award.year = edition.year
        award.category = edition.category
        award.rank = entry.rank
        award.rank_label = entry.label
        award.work_title = submission.title
        submission.award = award
    edition.published_at = datetime.now(UTC)
    edition.published_by_id = getattr(user, "id", None)
    db.session.flush()
    return results


def _adoptable_award(edition: Edition, submission: Submission) -> Award | None:
    claimed = sa.select(Submission.award_id).where(Submission.award_id.is_not(None))
    return db.session.scalar(
        sa.select(Award)
        .where(
            Award.kim_id == submission.kim_id,
            Award.contest_name == edition.name,
            Award.year == edition.year,
            Award.work_title == submission.title,
            Award.id.not_in(claimed),
        )
        .limit(1)
    )


__all__ = [
    "JURY_PERMISSION",
    "TRANSITIONS",
    "PublishError",
    "Results",
    "check_criteria",
    "check_duration",
    "check_edition",
    "check_juror",
    "check_organiser",
    "check_status_change",
    "check_video_url",
    "check_window",
    "compute_results",
    "format_duration",
    "is_organiser",
    "is_pure_juror",
    "judged_editions",
    "juror_of",
    "load_edition_for_results",
    "my_jury_editions",
    "parse_duration",
    "publish",
    "ranking_hidden_from",
    "save_marks",
    "today",
]
