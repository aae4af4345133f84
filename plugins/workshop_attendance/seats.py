"""Seats, the waiting list and check-in: the rules that must hold when two officers act at once.

Every change of who holds a seat starts by locking the workshop's row (:func:`lock_workshop`),
so registrations, cancellations and promotions of one workshop happen one after the other:
two people registering for the last seat at the same moment get one seat and one place on the
waiting list, never two seats. On PostgreSQL the lock is ``SELECT ... FOR NO KEY UPDATE`` (the
strength that does not conflict with the key-share lock a new registration's foreign key takes on
the workshop, so inserting first and locking next cannot deadlock); SQLite has
no row locks, so there a write to the row takes the database's write lock first (which
serialises writers the same way), before the seats are counted.

Check-in takes the same lock and then looks at the registration again: scanning a ticket twice,
or at two doors at once, records one check-in and keeps the first time. It is open only on the
workshop's days, by the office's calendar (:func:`is_open`).

The same person (:func:`person_key`: name without case or extra spaces, and KIM) is registered
once per workshop; :func:`place` checks it under the lock (a double-clicked Save), and the
spreadsheet import uses the same :func:`people_registered`.

Functions here run in the caller's transaction; the caller commits or rolls back.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from kimadmin.plugin_api import db

from .i18n import _
from .models import CODE_LENGTH, Registration, Workshop
from .texts import day, office_day

# No 0/O, 1/I/L: a code read aloud or typed from a printed ticket is not mistaken.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class SeatError(Exception):
    """A change the rules refuse; the message is a sentence for the officer."""


def now() -> datetime:
    return datetime.now(UTC)


def new_code() -> str:
    """A random ticket code (31^8, about 8.5e11 codes: a guess does not hit another ticket)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str | None) -> str:
    """What was typed or scanned, as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[: CODE_LENGTH * 2]


def lock_workshop(workshop_id: int) -> Workshop:
    """The workshop, with its row locked until the transaction ends (a 404-style LookupError if unseen)."""
    session = db.session
    if session.get_bind().dialect.name == "sqlite":
        touched = session.execute(
            sa.update(Workshop)
            .where(Workshop.id == workshop_id)
            .values(updated_at=now())
            .execution_options(synchronize_session=False)
        )
        if touched.rowcount != 1:
            raise LookupError(workshop_id)
    workshop = session.scalar(
        sa.select(Workshop)
        .where(Workshop.id == workshop_id)
        .with_for_update(of=Workshop, key_share=True)
        .execution_options(populate_existing=True)
    )
    if workshop is None:
        raise LookupError(workshop_id)
    return workshop


def seats_taken(workshop_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.workshop_id == workshop_id, Registration.status == "registered"
        )
    )


def waiting_count(workshop_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.workshop_id == workshop_id, Registration.status == "waiting"
        )
    )


def person_key(name: str | None, kim_id: int | None) -> tuple[str, int | None]:
    """Who a registration is, for spotting the same person twice: the name without case or extra
    spaces ("siti  AMINAH" is "Siti Aminah"), and the KIM."""
    return " ".join((name or "").split()).casefold(), kim_id


def people_registered(
    workshop_id: int, kim_id: int | None = None, excluding: int | None = None
) -> set[tuple[str, int | None]]:
    """The :func:`person_key` of every registration of the workshop that is not cancelled
    (optionally of one KIM only, leaving one registration out).

    Shared by the registration form (through :func:`place`) and the spreadsheet import, so both
    refuse the same duplicates: a cancelled registration does not count (that person may register
    again).
    """
    query = sa.select(Registration.participant_name, Registration.kim_id).where(
        Registration.workshop_id == workshop_id, Registration.status != "cancelled"
    )
    if kim_id is not None:
        query = query.where(Registration.kim_id == kim_id)
    if excluding is not None:
        query = query.where(Registration.id != excluding)
    return {person_key(name, kim) for name, kim in db.session.execute(query)}


def place(registration: Registration, moment: datetime | None = None) -> str:
    """Give a new registration a seat if one is free, else a place on the waiting list.

    Returns the status given. The registration is written first as *waiting* (with its ticket
    code and times), so every registration of this transaction is counted; then, under the
    workshop's lock, it gets a seat if fewer than ``capacity`` are taken.

    The same person (name and KIM, see :func:`person_key`) is not registered twice for one
    workshop: checked under the lock, so a double-clicked Save (two requests at once) takes one
    place and the second request is refused with a :class:`SeatError`.
    """
    moment = moment or now()
    session = db.session
    if registration.workshop is None and registration.workshop_id is None:
        raise SeatError(_("Choose the workshop."))
    registration.code = registration.code or new_code()
    registration.status = "waiting"
    registration.seated_at = None
    registration.registered_at = moment
    registration.status_changed_at = moment
    session.add(registration)
    session.flush()
    workshop = lock_workshop(registration.workshop_id)
    key = person_key(registration.participant_name, registration.kim_id)
    if key in people_registered(workshop.id, registration.kim_id, excluding=registration.id):
        raise SeatError(
            _(
                "%(name)s of %(kim)s is already registered for this workshop.",
                name=registration.participant_name,
                kim=registration.kim or "-",
            )
        )
    if seats_taken(workshop.id) < workshop.capacity:
        registration.status = "registered"
        registration.seated_at = moment
    return registration.status


def promote_waiting(workshop: Workshop, moment: datetime | None = None) -> list[Registration]:
    """Fill free seats from the waiting list, first registered first. The caller holds the lock."""
    moment = moment or now()
    session = db.session
    session.flush()
    free = workshop.capacity - seats_taken(workshop.id)
    if free <= 0:
        return []
    waiting = session.scalars(
        sa.select(Registration)
        .where(Registration.workshop_id == workshop.id, Registration.status == "waiting")
        .order_by(Registration.registered_at, Registration.id)
        .limit(free)
    ).all()
    for registration in waiting:
        registration.status = "registered"
        registration.seated_at = moment
        registration.status_changed_at = moment
    session.flush()
    return list(waiting)


def fill_free_seats(workshop_id: int) -> list[Registration]:
    """After the capacity grew or a seat holder was deleted: move the waiting list up."""
    return promote_waiting(lock_workshop(workshop_id))


def cancel(registration_id: int, moment: datetime | None = None) -> list[Registration]:
    """Cancel a registration; if it held a seat, the first on the waiting list gets it.

    Returns the registrations moved up. Cancelling twice changes nothing the second time.
    """
    moment = moment or now()
    session = db.session
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise LookupError(registration_id)
    workshop = lock_workshop(registration.workshop_id)
    session.refresh(registration)  # its status as it is now, under the lock
    if registration.status == "cancelled":
        return []
    if registration.checked_in_at is not None:
        raise SeatError(
            _("%(name)s has already been checked in: the registration cannot be cancelled.", name=registration)
        )
    held_seat = registration.status == "registered"
    registration.status = "cancelled"
    registration.cancelled_at = moment
    registration.status_changed_at = moment
    registration.seated_at = None
    session.flush()
    return promote_waiting(workshop, moment) if held_seat else []


def is_open(workshop: Workshop, moment: datetime | None = None) -> bool:
    """Whether ``moment`` (now by default) falls on one of the workshop's days, by the office's
    calendar (:func:`.texts.office_day`: at 23:30 UTC it is already tomorrow in Jakarta)."""
    return workshop.starts_on <= office_day(moment or now()) <= workshop.last_day


def workshop_days(workshop: Workshop) -> str:
    """``12 Mei 2025`` or ``12 Mei 2025 - 13 Mei 2025``."""
    first, last = day(workshop.starts_on), day(workshop.last_day)
    return first if first == last else f"{first} - {last}"


@dataclass
class CheckIn:
    registration: Registration
    first: bool  # False: already checked in before (the first time is kept)


def check_in(workshop: Workshop, code_text: str, user: Any, moment: datetime | None = None) -> CheckIn:
    """Check in the holder of ``code_text`` at ``workshop``'s door. Idempotent.

    Only on the workshop's days (:func:`is_open`, the office's calendar): a ticket scanned a
    month early, or the wrong workshop's door screen left open, records no attendance.
    """
    moment = moment or now()
    if not is_open(workshop, moment):
        raise SeatError(
            _(
                "Check-in is open only on the workshop's days (%(days)s); today is %(today)s.",
                days=workshop_days(workshop),
                today=day(office_day(moment)),
            )
        )
    code = normalise_code(code_text)
    if not code:
        raise SeatError(_("Type or scan the code on the ticket."))
    session = db.session
    registration = session.scalar(sa.select(Registration).where(Registration.code == code))
    if registration is None:
        raise SeatError(_("No registration has the code %(code)s.", code=code))
    if registration.workshop_id != workshop.id:
        raise SeatError(
            _(
                "The code %(code)s is a ticket for another workshop: %(workshop)s.",
                code=code,
                workshop=registration.workshop,
            )
        )
    lock_workshop(workshop.id)  # one door at a time: a second scan sees the first check-in
    session.refresh(registration)  # its status as it is now, under the lock
    if registration.status == "waiting":
        raise SeatError(_("%(name)s is still on the waiting list and has no seat.", name=registration))
    if registration.status == "cancelled":
        raise SeatError(_("The registration of %(name)s was cancelled.", name=registration))
    if registration.checked_in_at is not None:
        return CheckIn(registration, first=False)
    # An ORM change (not a bulk UPDATE), so the audit history records who checked in whom, when.
    registration.checked_in_at = moment
    registration.checked_in_by_id = getattr(user, "id", None)
    session.flush()
    return CheckIn(registration, first=True)
