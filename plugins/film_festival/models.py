"""The festival's tables, all prefixed with the plugin id (``film_festival_``).

* an **edition** is one year's festival of a regency's office, or of a province's office (a
  provincial festival, :class:`ProvinceOrRegencyOwned`: ``regency_code`` empty): theme, level,
  organiser, submission window, duration limits, the placing labels and the jury rules; its
  criteria and jurors belong to the same office;
* its **criteria** carry weights in percent that add up to 100 (default: five criteria of 20);
* a **submission** is a KIM's film (its regency comes from the KIM, and the core refuses a KIM of
  another regency than the edition's, or of another province than a provincial edition's), with
  a status that moves Terdaftar → Lolos Verifikasi → Nominasi → Juara / Tidak Juara, or
  Didiskualifikasi with a reason;
* a **juror** is a user assigned to an edition; a **score** is one juror's mark (0-100) for one
  criterion of one submission.

Published placings are core :class:`~kimadmin.plugin_api.Award` rows: ``award_id`` links each
placed submission to its award, so publishing again updates that award instead of adding one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, query_expression, relationship

from kimadmin.plugin_api import AWARD_LEVELS, ProvinceOrRegencyOwned, TenantOwned, db

from .i18n import N_, _l

SCORE_MIN, SCORE_MAX = 0, 100

STATUSES = {
    "terdaftar": _l("Registered"),
    "lolos_verifikasi": _l("Passed verification"),
    "nominasi": _l("Nominated"),
    "juara": _l("Placed"),
    "tidak_juara": _l("Not placed"),
    "didiskualifikasi": _l("Disqualified"),
}
# Entries in the final round: the jury scores them, the ranking orders them.
FINALIST_STATUSES = ("nominasi", "juara", "tidak_juara")
# Set only by publishing the results, never by hand.
RESULT_STATUSES = ("juara", "tidak_juara")

# Default rubric (weights in percent); names are msgids, stored in the officer's language.
DEFAULT_CRITERIA = (
    (N_("Theme & message"), 20),
    (N_("Camera work"), 20),
    (N_("Aesthetics"), 20),
    (N_("Editing & sound"), 20),
    (N_("Originality"), 20),
)
MAX_PLACINGS = 6  # the core's awards have ranks 1-6


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _in(column: str, values: object) -> str:
    return "{} IN ({})".format(column, ", ".join(f"'{value}'" for value in values))


class Edition(ProvinceOrRegencyOwned, db.Model):
    """One festival: a regency office's (its users' regency; a national user picks one), or the
    province office's when its staff create it (KIM of every regency of the province enter)."""

    __tablename__ = "film_festival_edition"
    __table_args__ = (
        sa.CheckConstraint("closes_on >= opens_on", name="window"),
        sa.CheckConstraint("min_duration >= 0 AND max_duration >= min_duration", name="durations"),
        sa.CheckConstraint(_in("level", AWARD_LEVELS), name="level"),
        sa.Index("ix_film_festival_edition_regency_code_year", "regency_code", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    year: Mapped[int] = mapped_column(sa.Integer)
    theme: Mapped[str | None] = mapped_column(sa.String(300))
    level: Mapped[str] = mapped_column(sa.String(20), default="kabupaten")
    organiser: Mapped[str | None] = mapped_column(sa.String(200))
    category: Mapped[str | None] = mapped_column(sa.String(200))  # the award's category, e.g. "Film pendek"
    opens_on: Mapped[date] = mapped_column(sa.Date)
    closes_on: Mapped[date] = mapped_column(sa.Date)
    min_duration: Mapped[int] = mapped_column(sa.Integer, default=0)  # seconds
    max_duration: Mapped[int] = mapped_column(sa.Integer)  # seconds
    # Placing labels for ranks 1..n, one per line (n <= 6): fewer lines award fewer placings.
    placing_labels: Mapped[str] = mapped_column(sa.Text)
    # A juror may not score a KIM of the regency the juror belongs to.
    exclude_own_regency_jurors: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    published_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow, onupdate=_utcnow)

    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="edition",
        order_by="(Criterion.position, Criterion.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    submissions: Mapped[list[Submission]] = relationship(
        back_populates="edition", cascade="all, delete-orphan", passive_deletes=True
    )
    jurors: Mapped[list[Juror]] = relationship(
        back_populates="edition", cascade="all, delete-orphan", passive_deletes=True
    )
    published_by = relationship("User")
    regency = relationship("Regency", viewonly=True)

    @property
    def is_provincial(self) -> bool:
        """Owned by the province office (entries from every regency of the province)."""
        return self.regency_code is None and self.province_code is not None

    @property
    def labels(self) -> list[str]:
        """Placing labels by rank (index 0 is rank 1)."""
        return [line.strip() for line in (self.placing_labels or "").splitlines() if line.strip()][:MAX_PLACINGS]

    def label_for(self, rank: int | None) -> str | None:
        labels = self.labels
        return labels[rank - 1] if rank is not None and 1 <= rank <= len(labels) else None

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def window_state(self, today: date) -> str:
        """``upcoming``, ``open`` or ``closed`` on ``today`` (both ends of the window included)."""
        if today < self.opens_on:
            return "upcoming"
        return "open" if today <= self.closes_on else "closed"

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class Criterion(ProvinceOrRegencyOwned, db.Model):
    """A judging criterion of an edition with its weight in percent."""

    __tablename__ = "film_festival_criterion"
    __table_args__ = (sa.CheckConstraint("weight > 0 AND weight <= 100", name="weight"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("film_festival_edition.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    weight: Mapped[int] = mapped_column(sa.Integer)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)

    edition: Mapped[Edition] = relationship(back_populates="criteria")

    def tenant_owner(self) -> tuple[str | None, str | None]:
        return self.edition.tenant_owner()

    def __str__(self) -> str:
        return f"{self.name} ({self.weight}%)"


class Submission(TenantOwned, db.Model):
    """A KIM's film entered in an edition."""

    __tablename__ = "film_festival_submission"
    __table_args__ = (
        sa.CheckConstraint(_in("status", STATUSES), name="status"),
        sa.CheckConstraint(
            "status <> 'didiskualifikasi' OR disqualification_reason IS NOT NULL", name="disqualification_reason"
        ),
        sa.CheckConstraint("duration > 0", name="duration"),
        sa.Index("ix_film_festival_submission_regency_code_status", "regency_code", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("film_festival_edition.id", ondelete="CASCADE"), index=True)
    # No ON DELETE: a KIM with festival entries is not deleted by accident (the core refuses it).
    kim_id: Mapped[int] = mapped_column(sa.ForeignKey("kim.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    synopsis: Mapped[str | None] = mapped_column(sa.Text)
    duration: Mapped[int] = mapped_column(sa.Integer)  # seconds
    video_url: Mapped[str] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(sa.String(20), default="terdaftar")
    disqualification_reason: Mapped[str | None] = mapped_column(sa.String(500))
    submitted_on: Mapped[date] = mapped_column(sa.Date)
    final_rank: Mapped[int | None] = mapped_column(sa.Integer)
    award_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("award.id", ondelete="SET NULL"), unique=True, nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow, onupdate=_utcnow)

    edition: Mapped[Edition] = relationship(back_populates="submissions")
    kim = relationship("Kim")
    award = relationship("Award")
    scores: Mapped[list[Score]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", passive_deletes=True
    )
    # How many criteria the current juror has scored (set by the jury screen's query).
    my_scored: Mapped[int | None] = query_expression()

    def tenant_regency_code(self) -> str:
        return self.kim.tenant_regency_code()

    @property
    def status_label(self) -> str:
        return str(STATUSES.get(self.status, self.status))

    def __str__(self) -> str:
        return self.title


class Juror(ProvinceOrRegencyOwned, db.Model):
    """A user on an edition's jury. The name is kept as assigned: users of the province are not
    visible to a regency's officers, but their names still show on the jury list and results."""

    __tablename__ = "film_festival_juror"
    __table_args__ = (sa.UniqueConstraint("edition_id", "user_id", name="uq_film_festival_juror_edition_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("film_festival_edition.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    display_name: Mapped[str] = mapped_column(sa.String(200))
    # The juror's own regency when assigned (empty for province and national users).
    home_regency_code: Mapped[str | None] = mapped_column(sa.String(5))
    assigned_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)

    edition: Mapped[Edition] = relationship(back_populates="jurors")
    user = relationship("User")
    scores: Mapped[list[Score]] = relationship(
        back_populates="juror", cascade="all, delete-orphan", passive_deletes=True
    )

    def tenant_owner(self) -> tuple[str | None, str | None]:
        return self.edition.tenant_owner()

    def may_score(self, submission: Submission) -> bool:
        """The edition's own-regency rule: a juror does not score a KIM of their own regency
        (province and national jurors have none, so it never stops them)."""
        edition = submission.edition
        own = self.home_regency_code is not None and self.home_regency_code == submission.regency_code
        return not (edition.exclude_own_regency_jurors and own)

    def __str__(self) -> str:
        return self.display_name


class Score(TenantOwned, db.Model):
    """One juror's mark (0-100) for one criterion of one submission."""

    __tablename__ = "film_festival_score"
    __table_args__ = (
        sa.UniqueConstraint("submission_id", "juror_id", "criterion_id", name="uq_film_festival_score_mark"),
        sa.CheckConstraint(f"score BETWEEN {SCORE_MIN} AND {SCORE_MAX}", name="range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("film_festival_submission.id", ondelete="CASCADE"), index=True
    )
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("film_festival_juror.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("film_festival_criterion.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[int] = mapped_column(sa.Integer)
    scored_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow, onupdate=_utcnow)

    submission: Mapped[Submission] = relationship(back_populates="scores")
    juror: Mapped[Juror] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()

    def tenant_regency_code(self) -> str:
        return self.submission.tenant_regency_code()


Edition.submission_count = deferred(
    sa.select(sa.func.count(Submission.id)).where(Submission.edition_id == Edition.id).scalar_subquery()
)
Edition.criterion_count = deferred(
    sa.select(sa.func.count(Criterion.id)).where(Criterion.edition_id == Edition.id).scalar_subquery()
)
