"""Officers acting on one workshop at the same moment: seats, cancellations, double clicks, two doors.

Real concurrent connections: each thread has its own application context, so its own session and
database connection, and commits for real (the kit's ``committed`` fixture removes the rows, and
their audit entries, at the end). The seat count is
slowed down on purpose, so without the workshop's row lock both threads would count one free
seat and both would get it. With the lock the second waits until the first has committed, then
counts again. On PostgreSQL both registrations succeed (one seat, one waiting place). SQLite
lets one writer at a time: there the second either waits in line or is refused with "database
is locked" and writes nothing; never are two seats given for one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from kimadmin.plugin_api import Kim, db
from kimadmin.testing.factories import KimFactory

from .. import seats
from ..models import Registration, Workshop
from .factories import WONOSOBO, today

pytest_plugins = ["kimadmin.testing.committed"]  # rows other connections see, removed afterwards
PAUSE = 0.4


@pytest.fixture
def last_seat(app, committed) -> Iterator[tuple[int, int]]:
    """A committed workshop with two seats, one taken; removed again afterwards (the kit's
    ``committed`` removes the KIM and the audit entries, and checks no table changed)."""
    with app.app_context():
        try:
            kim = KimFactory(regency=WONOSOBO, name=committed.kim_name("KIM Serentak"))
            workshop = Workshop(
                regency_code=WONOSOBO,
                title=f"Workshop Serentak {committed.token}",
                capacity=2,
                starts_on=today(),
                venue="Aula",
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

    def register(name: str) -> str:
        registration = Registration(
            workshop=db.session.get(Workshop, workshop_id),
            kim=db.session.get(Kim, kim_id),
            participant_name=name,
            gender="L",
        )
        db.session.add(registration)
        barrier.wait(timeout=10)
        return seats.place(registration)

    results = at_once(app, {name: lambda name=name: register(name) for name in ("Andi", "Bayu")})
    stored, dialect = statuses_of(app, workshop_id), dialect_of(app)
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


def test_a_seat_freed_while_someone_registers_goes_to_them_never_left_empty(app, last_seat, monkeypatch):
    """The interleaving is forced: the cancelling officer pauses right after reading the seat count
    and the waiting list (nobody waits), and the second officer registers in that pause.

    Without the workshop's lock the registration counts the seats before the cancellation is
    committed (full: it goes on the waiting list) while the cancellation saw nobody waiting: one
    seat stays empty with someone in line. With the lock the registration waits for the
    cancellation, then counts again and gets the seat.
    """
    workshop_id, kim_id = last_seat
    with app.app_context():
        try:
            seated = Registration(
                workshop=db.session.get(Workshop, workshop_id),
                kim=db.session.get(Kim, kim_id),
                participant_name="Akan Batal",
                gender="P",
            )
            db.session.add(seated)
            seats.place(seated)  # both seats taken now, nobody waiting
            db.session.commit()
            seated_id = seated.id
        finally:
            db.session.remove()
    counted, registered = threading.Event(), threading.Event()
    promote = seats.promote_waiting

    def promote_then_pause(workshop: Workshop, moment=None) -> list:  # type: ignore[no-untyped-def]
        moved = promote(workshop, moment)  # counted the seats and read the (empty) waiting list
        counted.set()
        registered.wait(timeout=PAUSE * 3)  # with the lock the registration cannot finish meanwhile
        return moved

    monkeypatch.setattr(seats, "promote_waiting", promote_then_pause)
    errors: list[Exception] = []

    def cancel() -> None:
        with app.app_context():
            try:
                seats.cancel(seated_id)
                db.session.commit()
            except sa.exc.OperationalError as exc:  # SQLite only: "database is locked"
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    def register() -> None:
        with app.app_context():
            try:
                assert counted.wait(timeout=10)
                registration = Registration(
                    workshop=db.session.get(Workshop, workshop_id),
                    kim=db.session.get(Kim, kim_id),
                    participant_name="Datang",
                    gender="L",
                )
                db.session.add(registration)
                seats.place(registration)
                db.session.commit()
            except sa.exc.OperationalError as exc:
                db.session.rollback()
                errors.append(exc)
            finally:
                registered.set()
                db.session.remove()

    threads = [threading.Thread(target=cancel), threading.Thread(target=register)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    stored = statuses_of(app, workshop_id)
    seats_taken = list(stored.values()).count("registered")
    assert seats_taken <= 2  # never more than the capacity
    assert not (seats_taken < 2 and "waiting" in stored.values()), stored  # never a free seat while someone waits
    if dialect_of(app) == "postgresql":
        assert errors == []
        assert stored == {"Sudah Duduk": "registered", "Akan Batal": "cancelled", "Datang": "registered"}


def test_a_double_clicked_save_registers_the_person_once(app, last_seat, monkeypatch):
    """Two requests for the same person at once: the second waits for the first, then is refused."""
    workshop_id, kim_id = last_seat
    counted = seats.seats_taken
    monkeypatch.setattr(seats, "seats_taken", lambda workshop: (counted(workshop), time.sleep(PAUSE))[0])
    barrier = threading.Barrier(2)

    def save() -> str:
        registration = Registration(
            workshop=db.session.get(Workshop, workshop_id),
            kim=db.session.get(Kim, kim_id),
            participant_name="Siti Dua Klik",
            gender="P",
        )
        db.session.add(registration)
        barrier.wait(timeout=10)
        return seats.place(registration)

    results = list(
        at_once(app, {"click 1": save, "click 2": save}, (seats.SeatError, sa.exc.OperationalError)).values()
    )

    stored = statuses_of(app, workshop_id)
    assert list(stored) == ["Sudah Duduk", "Siti Dua Klik"], stored  # one row for the person
    if dialect_of(app) == "postgresql":
        assert sorted(type(result).__name__ for result in results) == ["SeatError", "str"], results
        assert "already registered" in str(next(r for r in results if isinstance(r, seats.SeatError)))


def test_two_doors_scan_the_same_ticket_at_once_and_one_check_in_is_recorded(app, last_seat, monkeypatch):
    """Two officers at two doors scan one ticket at the same moment: one first check-in, one "already"."""
    workshop_id, _kim_id = last_seat
    with app.app_context():
        try:
            code = db.session.scalar(sa.select(Registration.code).where(Registration.workshop_id == workshop_id))
        finally:
            db.session.remove()
    locked = seats.lock_workshop

    def lock_and_linger(workshop: int) -> Workshop:
        row = locked(workshop)
        time.sleep(PAUSE)  # holding the lock: without it the other door would read "not checked in" now
        return row

    monkeypatch.setattr(seats, "lock_workshop", lock_and_linger)
    barrier = threading.Barrier(2)
    moment = datetime.now(UTC)  # the same time at both doors

    def scan() -> bool:
        workshop = db.session.get(Workshop, workshop_id)
        barrier.wait(timeout=10)
        return seats.check_in(workshop, code, None, moment=moment).first

    results = at_once(app, {"utara": scan, "selatan": scan})

    with app.app_context():
        try:
            checked = db.session.scalars(
                sa.select(Registration.checked_in_at).where(Registration.workshop_id == workshop_id)
            ).all()
        finally:
            db.session.remove()
    assert list(results.values()).count(True) == 1, results  # one first check-in, never two
    assert len([value for value in checked if value is not None]) == 1
    if dialect_of(app) == "postgresql":
        assert sorted(results.values()) == [False, True], results


def at_once(
    app: Any, tasks: dict[str, Callable[[], object]], refused: tuple[type[Exception], ...] = (sa.exc.OperationalError,)
) -> dict[str, object]:
    """Run each task in its own thread and application context (so its own session and connection)
    and commit what it did; a refused one (SQLite's "database is locked", or the rules' refusal)
    is rolled back. Name -> what the task returned, or the exception that refused it."""
    results: dict[str, object] = {}

    def run(name: str, task: Callable[[], object]) -> None:
        with app.app_context():
            try:
                results[name] = task()
                db.session.commit()
            except refused as exc:
                db.session.rollback()
                results[name] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=item) for item in tasks.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def statuses_of(app, workshop_id: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Name -> status of the workshop's registrations as committed, in registration order."""
    with app.app_context():
        try:
            return dict(
                db.session.execute(
                    sa.select(Registration.participant_name, Registration.status)
                    .where(Registration.workshop_id == workshop_id)
                    .order_by(Registration.id)
                ).all()
            )
        finally:
            db.session.remove()


def dialect_of(app) -> str:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.engine.dialect.name
