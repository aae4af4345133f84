"""Two officers register two people for the last seat at the same moment: one seat, one waiting place.

Real concurrent connections: each thread has its own application context, so its own session and
database connection, and commits for real (the rows are removed at the end). The seat count is
slowed down on purpose, so without the workshop's row lock both threads would count one free
seat and both would get it. With the lock the second waits until the first has committed, then
counts again. On PostgreSQL both registrations succeed (one seat, one waiting place). SQLite
lets one writer at a time: there the second either waits in line or is refused with "database
is locked" and writes nothing; never are two seats given for one.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from kimadmin.plugin_api import Kim, db
from kimadmin.testing.factories import KimFactory

from .. import seats
from ..models import Registration, Workshop
from .factories import WONOSOBO, today

PAUSE = 0.4


@pytest.fixture
def last_seat(app) -> Iterator[tuple[int, int]]:
    """A committed workshop with two seats, one taken; removed again afterwards."""
    token = uuid.uuid4().hex[:8]
    with app.app_context():
        try:
            kim = KimFactory(regency=WONOSOBO, name=f"KIM Serentak {token}")
            workshop = Workshop(
                regency_code=WONOSOBO, title=f"Workshop Serentak {token}", capacity=2, starts_on=today(), venue="Aula"
            )
            db.session.add(workshop)
            db.session.flush()
            first = Registration(workshop=workshop, kim=kim, participant_name="Sudah Duduk", gender="P")
            db.session.add(first)
            seats.place(first)
            db.session.commit()
            ids = (workshop.id, kim.id)
        finally:
            db.session.remove()
    try:
        yield ids
    finally:
        with app.app_context():
            try:
                db.session.execute(sa.delete(Registration).where(Registration.workshop_id == ids[0]))
                db.session.execute(sa.delete(Workshop).where(Workshop.id == ids[0]))
                db.session.execute(sa.delete(Kim).where(Kim.id == ids[1]))
                db.session.commit()
            finally:
                db.session.remove()


def test_two_registrations_for_the_last_seat_give_one_seat_and_one_waiting_place(app, last_seat, monkeypatch):
    workshop_id, kim_id = last_seat
    counted = seats.seats_taken

    def slow_count(workshop: int) -> int:
        taken = counted(workshop)
        time.sleep(PAUSE)  # the moment where, without a lock, the other officer would count the same seat
        return taken

    monkeypatch.setattr(seats, "seats_taken", slow_count)
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def register(name: str) -> None:
        with app.app_context():
            try:
                registration = Registration(
                    workshop=db.session.get(Workshop, workshop_id),
                    kim=db.session.get(Kim, kim_id),
                    participant_name=name,
                    gender="L",
                )
                db.session.add(registration)
                barrier.wait(timeout=10)
                results[name] = seats.place(registration)
                db.session.commit()
            except sa.exc.OperationalError as exc:  # SQLite only: "database is locked"
                db.session.rollback()
                results[name] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=register, args=(name,)) for name in ("Andi", "Bayu")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    with app.app_context():
        try:
            stored = dict(
                db.session.execute(
                    sa.select(Registration.participant_name, Registration.status).where(
                        Registration.workshop_id == workshop_id
                    )
                ).all()
            )
            dialect = db.engine.dialect.name
        finally:
            db.session.remove()
    outcomes = sorted(str(value) for value in results.values())
    assert list(stored.values()).count("registered") == 2, stored  # the one seated before, and one of the two
    if dialect == "postgresql":
        assert outcomes == ["registered", "waiting"], results
        assert sorted(stored.values()) == ["registered", "registered", "waiting"]
    else:
        assert "registered" in outcomes and len(results) == 2, results
        loser = next(name for name, value in results.items() if value != "registered")
        assert results[loser] == "waiting" or "locked" in str(results[loser])
        assert stored.get(loser) in ("waiting", None)  # a refused registration wrote nothing


def test_a_cancellation_and_a_registration_at_once_never_overbook(app, last_seat, monkeypatch):
    """The seat freed by a cancellation goes to exactly one person, whoever comes first."""
    workshop_id, kim_id = last_seat
    with app.app_context():
        try:
            waiting = Registration(
                workshop=db.session.get(Workshop, workshop_id),
                kim=db.session.get(Kim, kim_id),
                participant_name="Antre",
                gender="P",
            )
            db.session.add(waiting)
            seats.place(waiting)
            filler = Registration(workshop=waiting.workshop, kim=waiting.kim, participant_name="Pengisi", gender="L")
            db.session.add(filler)
            seats.place(filler)  # two seats taken now: "Antre" got the second, "Pengisi" waits
            db.session.commit()
            seated_id = waiting.id
        finally:
            db.session.remove()
    counted = seats.seats_taken
    monkeypatch.setattr(seats, "seats_taken", lambda workshop: (counted(workshop), time.sleep(PAUSE))[0])
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def cancel() -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                seats.cancel(seated_id)
                db.session.commit()
            except sa.exc.OperationalError as exc:
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    def register() -> None:
        with app.app_context():
            try:
                registration = Registration(
                    workshop=db.session.get(Workshop, workshop_id),
                    kim=db.session.get(Kim, kim_id),
                    participant_name="Datang",
                    gender="L",
                )
                db.session.add(registration)
                barrier.wait(timeout=10)
                seats.place(registration)
                db.session.commit()
            except sa.exc.OperationalError as exc:
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=cancel), threading.Thread(target=register)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    with app.app_context():
        try:
            seated = db.session.scalar(
                sa.select(sa.func.count()).where(
                    Registration.workshop_id == workshop_id, Registration.status == "registered"
                )
            )
            dialect = db.engine.dialect.name
        finally:
            db.session.remove()
    assert seated == 2  # the capacity, never more
    if dialect == "postgresql":
        assert errors == []
