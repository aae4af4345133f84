"""The workshop module's tables, all prefixed with the plugin id (``workshop_attendance_``).

* a **workshop** is an event of the regency office (:class:`RegencyOwned`) with a capacity;
* a **registration** is one participant (name, KIM, gender, age group, phone as personal data).
  Its status is *registered* (holds a seat), *waiting* (in line for a seat, first registered
  first served) or *cancelled*; the times of each step are kept. ``code`` is the short code
  printed on the ticket (and inside its QR code) that checks the participant in at the door;
  ``checked_in_at`` is set once, by the first check-in.

The regency of a registration comes from its workshop, and the core refuses a KIM of another
regency than the workshop's.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from kimadmin.plugin_api import PHONE, RegencyOwned, TenantOwned, db

from .i18n import _l

STATUSES = {
    "registered": _l("Has a seat"),
    "waiting": _l("On the waiting list"),
    "cancelled": _l("Cancelled"),
}
GENDERS = {"L": _l("Male"), "P": _l("Female")}
AGE_GROUPS = {
    "u18": _l("Under 18"),
    "18_25": _l("18-25 years"),
    "26_35": _l("26-35 years"),
    "36_45": _l("36-45 years"),
    "46_55": _l("46-55 years"),
    "56_plus": _l("56 years and over"),
}
CODE_LENGTH = 8


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _in(column: str, values: object) -> str:
    return "{} IN ({})".format(column, ", ".join(f"'{value}'" for value in values))


class Workshop(RegencyOwned, db.Model):
    """A workshop run by the regency office (its users' regency; a national user picks one)."""

    __tablename__ = "workshop_attendance_workshop"
    __table_args__ = (
        sa.CheckConstraint("capacity > 0", name="capacity"),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates"),
        sa.Index("ix_workshop_attendance_workshop_regency_code_starts_on", "regency_code", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    topic: Mapped[str | None] = mapped_column(sa.String(300))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)  # empty: a one-day workshop
    start_time: Mapped[time | None] = mapped_column(sa.Time)
    end_time: Mapped[time | None] = mapped_column(sa.Time)
    venue: Mapped[str] = mapped_column(sa.String(300))
    capacity: Mapped[int] = mapped_column(sa.Integer)
    facilitator: Mapped[str | None] = mapped_column(sa.String(200))
    organiser: Mapped[str | None] = mapped_column(sa.String(200))
    # The KIM the workshop is meant for (empty: every KIM of the regency may take part).
    target_kim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kim.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow, onupdate=_utcnow)

    target_kim = relationship("Kim")
    registrations: Mapped[list[Registration]] = relationship(
        back_populates="workshop", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def last_day(self) -> date:
        return self.ends_on or self.starts_on

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on.isoformat()})" if self.starts_on else self.title or ""


class Registration(TenantOwned, db.Model):
    """One participant of a workshop: a seat, a place on the waiting list, or a cancellation."""

    __tablename__ = "workshop_attendance_registration"
    __table_args__ = (
        sa.CheckConstraint(_in("status", STATUSES), name="status"),
        sa.CheckConstraint(_in("gender", GENDERS), name="gender"),
        sa.CheckConstraint(f"age_group IS NULL OR {_in('age_group', AGE_GROUPS)}", name="age_group"),
        sa.CheckConstraint("checked_in_at IS NULL OR status = 'registered'", name="checkin_needs_seat"),
        sa.Index("ix_workshop_attendance_registration_workshop_status", "workshop_id", "status", "registered_at"),
    )
    # Personal data (UU 27/2022): masked on screens and left out of files without permission.
    __personal_data__ = {"phone": PHONE}

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workshop_attendance_workshop.id", ondelete="CASCADE"), index=True
    )
    # No ON DELETE: a KIM with workshop participants is not deleted by accident.
    kim_id: Mapped[int] = mapped_column(sa.ForeignKey("kim.id"), index=True)
    participant_name: Mapped[str] = mapped_column(sa.String(150))
    gender: Mapped[str] = mapped_column(sa.String(1))
    age_group: Mapped[str | None] = mapped_column(sa.String(10))
    phone: Mapped[str | None] = mapped_column(sa.String(20))  # personal data, E.164, masked
    status: Mapped[str] = mapped_column(sa.String(12), default="waiting")
    code: Mapped[str] = mapped_column(sa.String(CODE_LENGTH), unique=True)
    registered_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)
    seated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))  # got a seat (maybe moved up)
    cancelled_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    checked_in_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    checked_in_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    workshop: Mapped[Workshop] = relationship(back_populates="registrations")
    kim = relationship("Kim")
    checked_in_by = relationship("User")

    def tenant_regency_code(self) -> str:
        return self.workshop.tenant_regency_code()

    @property
    def status_label(self) -> str:
        return str(STATUSES.get(self.status, self.status))

    def __str__(self) -> str:
        return self.participant_name or ""


def _count(*criteria: object) -> sa.ScalarSelect:
    return (
        sa.select(sa.func.count(Registration.id))
        .where(Registration.workshop_id == Workshop.id, *criteria)
        .scalar_subquery()
    )


# Figures for the workshop list (undeferred there, in the list's one statement).
Workshop.seated_count = deferred(_count(Registration.status == "registered"))
Workshop.waiting_count = deferred(_count(Registration.status == "waiting"))
Workshop.attended_count = deferred(_count(Registration.checked_in_at.is_not(None)))
