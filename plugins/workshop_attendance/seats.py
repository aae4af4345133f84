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
or at two doors at once, records one check-in and keeps the first time.

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


def place(registration: Registration, moment: datetime | None = None) -> str:
    """Give a new registration a seat if one is free, else a place on the waiting list.

    Returns the status given. The registration is written first as *waiting* (with its ticket
    code and times), so every registration of this transaction is counted; then, under the
    workshop's lock, it gets a seat if fewer than ``capacity`` are taken.
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


@dataclass
class CheckIn:
    registration: Registration
    first: bool  # False: already checked in before (the first time is kept)


def check_in(workshop: Workshop, code_text: str, user: Any, moment: datetime | None = None) -> CheckIn:
    """Check in the holder of ``code_text`` at ``workshop``'s door. Idempotent."""
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
    registration.checked_in_at = moment or now()
    registration.checked_in_by_id = getattr(user, "id", None)
    session.flush()
    return CheckIn(registration, first=True)
