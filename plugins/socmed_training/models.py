"""The plugin's tables, all prefixed with its id (``socmed_training_``).

* a **session** is one social-media training held by the regency office (:class:`RegencyOwned`):
  date, trainer, venue and the topics taught (a multi-select, stored as comma-separated codes);
* a **participant** is a person sent by a KIM, with the pre- and post-test scores (0-100, each may
  be missing). Its regency comes from the session, and the core's flush check refuses a KIM of
  another regency than the session's;
* an **account log** entry is one follow-up check of a KIM's social-media account: platform,
  handle, followers and posts in the month before the check date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kimadmin.plugin_api import RegencyOwned, TenantOwned, db

from .i18n import _l

SCORE_MIN, SCORE_MAX = 0, 100
HANDLE_MAX = 100

# Codes are stored; labels are shown. No code is a substring of another (the topic filter relies on it).
TOPICS = {
    "content_planning": _l("Content planning"),
    "instagram": _l("Instagram"),
    "facebook": _l("Facebook"),
    "tiktok": _l("TikTok"),
    "youtube": _l("YouTube"),
    "hoax_verification": _l("Hoax verification"),
    "copywriting": _l("Copywriting"),
    "video_editing": _l("Video editing"),
}
PLATFORMS = {
    "instagram": _l("Instagram"),
    "facebook": _l("Facebook"),
    "tiktok": _l("TikTok"),
    "youtube": _l("YouTube"),
    "x": _l("X (Twitter)"),
    "whatsapp": _l("WhatsApp channel"),
}


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _in(column: str, values: object) -> str:
    return "{} IN ({})".format(column, ", ".join(f"'{value}'" for value in values))


def _score_range(column: str) -> str:
    return f"{column} IS NULL OR ({column} BETWEEN {SCORE_MIN} AND {SCORE_MAX})"


def split_topics(value: str | None) -> list[str]:
    """Stored ``"instagram,tiktok"`` -> ``["instagram", "tiktok"]`` (unknown codes kept: shown raw)."""
    return [code for code in (value or "").split(",") if code]


class TrainingSession(RegencyOwned, db.Model):
    """One training day of the regency office (its users' regency; a national user picks one)."""

    __tablename__ = "socmed_training_session"
    __table_args__ = (
        sa.CheckConstraint("topics <> ''", name="topics"),
        sa.Index("ix_socmed_training_session_regency_code_held_on", "regency_code", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    held_on: Mapped[date] = mapped_column(sa.Date)
    trainer: Mapped[str] = mapped_column(sa.String(150))
    venue: Mapped[str] = mapped_column(sa.String(200))
    topics: Mapped[str] = mapped_column(sa.String(300))  # comma-separated codes of TOPICS
    notes: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow, onupdate=_utcnow)

    participants: Mapped[list[Participant]] = relationship(
        back_populates="session",
        order_by="(Participant.name, Participant.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    regency = relationship("Regency", viewonly=True)

    @property
    def topic_codes(self) -> list[str]:
        return split_topics(self.topics)

    @property
    def topic_labels(self) -> list[str]:
        return [str(TOPICS.get(code, code)) for code in self.topic_codes]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on.isoformat() if self.held_on else ''})"


class Participant(TenantOwned, db.Model):
    """A person a KIM sent to a session, with the test scores (``None``: not taken)."""

    __tablename__ = "socmed_training_participant"
    __table_args__ = (
        sa.CheckConstraint(_score_range("pre_score"), name="pre_score"),
        sa.CheckConstraint(_score_range("post_score"), name="post_score"),
        sa.UniqueConstraint("session_id", "kim_id", "name", name="uq_socmed_training_participant_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("socmed_training_session.id", ondelete="CASCADE"), index=True)
    # No ON DELETE: a KIM with trained members is not deleted by accident (the core refuses it).
    kim_id: Mapped[int] = mapped_column(sa.ForeignKey("kim.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(150))
    pre_score: Mapped[int | None] = mapped_column(sa.Integer)
    post_score: Mapped[int | None] = mapped_column(sa.Integer)

    session: Mapped[TrainingSession] = relationship(back_populates="participants")
    kim = relationship("Kim")

    def tenant_regency_code(self) -> str:
        return self.session.tenant_regency_code()

    @property
    def improvement(self) -> int | None:
        """Post minus pre; ``None`` when either test is missing (never counted as 0)."""
        if self.pre_score is None or self.post_score is None:
            return None
        return self.post_score - self.pre_score

    def __str__(self) -> str:
        return self.name


class AccountLog(TenantOwned, db.Model):
    """One follow-up check of a KIM's social-media account."""

    __tablename__ = "socmed_training_account_log"
    __table_args__ = (
        sa.CheckConstraint(_in("platform", PLATFORMS), name="platform"),
        sa.CheckConstraint("followers IS NULL OR followers >= 0", name="followers"),
        sa.CheckConstraint("posts_per_month >= 0", name="posts_per_month"),
        sa.UniqueConstraint("kim_id", "platform", "handle", "checked_on", name="uq_socmed_training_account_log_check"),
        sa.Index("ix_socmed_training_account_log_kim_id_checked_on", "kim_id", "checked_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kim_id: Mapped[int] = mapped_column(sa.ForeignKey("kim.id"))
    platform: Mapped[str] = mapped_column(sa.String(20))
    handle: Mapped[str] = mapped_column(sa.String(HANDLE_MAX))
    checked_on: Mapped[date] = mapped_column(sa.Date)
    followers: Mapped[int | None] = mapped_column(sa.Integer)
    # Posts in the month before the check date (as the account shows them to the officer).
    posts_per_month: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)

    kim = relationship("Kim")

    def tenant_regency_code(self) -> str:
        return self.kim.tenant_regency_code()

    @property
    def platform_label(self) -> str:
        return str(PLATFORMS.get(self.platform, self.platform))

    def __str__(self) -> str:
        return f"{self.platform_label} {self.handle}"
