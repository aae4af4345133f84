"""Single-use secrets (TOTP steps, recovery codes, reset links) are spent by a conditional UPDATE.

A read followed by a write lets two parallel requests both pass; the conditional UPDATE's row
count lets exactly one through. The stale-read tests simulate the parallel winner by writing to
the row behind the ORM's back; the PostgreSQL tests race two real transactions.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa

from kimadmin.auth import clock, reset, totp
from kimadmin.auth.passwords import verify_password
from kimadmin.extensions import db
from kimadmin.models import PasswordResetToken, RecoveryCode, User
from kimadmin.testing import TEST_PASSWORD

NEW_PASSWORD = "gamelan-sore-di-pendopo"


def with_totp(user: Any, db_session: Any) -> tuple[pyotp.TOTP, list[str]]:
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled = True
    codes = totp.new_recovery_codes(user)
    db_session.flush()
    return pyotp.TOTP(user.totp_secret), codes


def update_statements(statements: list[str], table: str) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("UPDATE") and table in s]


# --- TOTP steps ------------------------------------------------------------------------------------


def test_a_totp_step_spent_meanwhile_by_another_request_is_refused(karanganyar, db_session, fake_clock):
    operator = karanganyar.operator
    generator, _codes = with_totp(operator, db_session)
    code = generator.at(fake_clock.now())
    step = totp.matching_step(operator.totp_secret, code)
    # A parallel request spent this step; this request's copy of the user does not know it yet.
    db_session.execute(sa.update(User.__table__).where(User.id == operator.id).values(totp_last_step=step))

    assert operator.totp_last_step is None  # the stale read
    assert totp.verify_totp(operator, code) is False


def test_a_totp_code_is_spent_by_one_conditional_update(karanganyar, db_session, fake_clock, count_queries):
    operator = karanganyar.operator
    generator, _codes = with_totp(operator, db_session)
    code = generator.at(fake_clock.now())

    with count_queries() as counter:
        assert totp.verify_totp(operator, code) is True
    db_session.flush()

    updates = update_statements(counter.statements, "user_account")
    assert len(updates) == 1 and "totp_last_step <" in updates[0], counter.statements
    assert totp.verify_totp(operator, code) is False  # the second use
    assert db_session.scalar(sa.select(User.totp_last_step).where(User.id == operator.id)) == operator.totp_last_step


# --- recovery codes ----------------------------------------------------------------------------------


def test_a_recovery_code_is_spent_by_one_conditional_update(karanganyar, db_session, count_queries):
    operator = karanganyar.operator
    _generator, codes = with_totp(operator, db_session)

    with count_queries() as counter:
        assert totp.use_recovery_code(operator, codes[0]) is True

    updates = update_statements(counter.statements, "recovery_code")
    assert len(updates) == 1 and "used_at IS NULL" in updates[0], counter.statements
    assert not [s for s in counter.statements if s.lstrip().upper().startswith("SELECT")]
    assert totp.use_recovery_code(operator, codes[0]) is False  # the second use
    assert totp.remaining_recovery_codes(operator) == len(codes) - 1


# --- reset links ---------------------------------------------------------------------------------------


def issue_link(admin_client: Any, user: Any) -> str:
    response = admin_client.post_form("/admin/user/action/", {"action": "reset_link", "rowid": user.id})
    match = re.search(r'<code id="reset-link"[^>]*>([^<]+)</code>', response.get_data(as_text=True))
    assert match is not None
    return match.group(1).replace("http://localhost", "")


def test_a_reset_link_spent_by_a_parallel_request_sets_no_second_password(
    make_client, client, karanganyar, db_session, fake_clock, monkeypatch
):
    operator = karanganyar.operator
    path = issue_link(make_client(karanganyar.admin), operator)
    form_token = client.csrf_token(path)
    real_find = reset.find

    def find_then_lose_the_race(token: str) -> Any:
        row = real_find(token)
        if row is not None:  # the parallel request spends the link between our read and our write
            db.session.execute(
                sa.update(PasswordResetToken.__table__)
                .where(PasswordResetToken.id == row.id)
                .values(used_at=clock.now())
            )
        return row

    monkeypatch.setattr(reset, "find", find_then_lose_the_race)
    response = client.post(
        path, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD, "csrf_token": form_token}
    )

    assert response.status_code == 404
    db_session.expire_all()
    assert verify_password(db_session.get(User, operator.id).password_hash, TEST_PASSWORD)


def test_spending_a_reset_link_twice_is_refused(make_client, karanganyar, db_session, fake_clock):
    path = issue_link(make_client(karanganyar.admin), karanganyar.operator)
    row = reset.find(path.rsplit("/", 1)[1])

    assert reset.spend(row) is True
    assert reset.spend(row) is False


# --- two real transactions (PostgreSQL) --------------------------------------------------------------

LOCKED = "locked"  # SQLite: the second writer gave up on the database lock, so it spent nothing


def refused(app: Any, second: Any) -> bool:
    """The second transaction spent nothing: PostgreSQL waits for the row and finds it spent;
    SQLite, which has one writer at a time, may instead refuse the second writer outright."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return second is False
    return second in (False, LOCKED)


def race(app: Any, spend: Callable[[], bool]) -> list[bool]:
    """Run ``spend`` in two transactions at once: the second starts while the first is uncommitted."""
    results: dict[str, bool] = {}
    first_done, commit_first = threading.Event(), threading.Event()

    def first() -> None:
        with app.app_context():
            results["first"] = spend()
            db.session.flush()
            first_done.set()
            commit_first.wait(10)
            db.session.commit()

    def second() -> None:
        first_done.wait(10)
        with app.app_context():
            try:
                results["second"] = spend()  # waits for the first transaction's row lock
                db.session.commit()
            except sa.exc.OperationalError:
                db.session.rollback()
                results["second"] = LOCKED

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_done.wait(10)
    time.sleep(0.5)  # the second transaction is now blocked on the row (or, with a bug, done)
    commit_first.set()
    for thread in threads:
        thread.join(20)
    return [results.get("first"), results.get("second")]  # type: ignore[list-item]


@pytest.fixture
def committed_user(app: Any) -> Any:
    """A committed operator (the racing transactions must see it); deleted afterwards."""
    with app.app_context():
        db.session.execute(
            sa.insert(User.__table__).values(
                email="balapan@karanganyar.example",
                full_name="Uji Balapan",
                password_hash="x",
                role_name="operator",
                regency_code="33.13",
                active=True,
                created_at=clock.now(),
                totp_enabled=True,
                totp_secret=None,
            )
        )
        uid = db.session.scalar(sa.select(User.id).where(User.email == "balapan@karanganyar.example"))
        db.session.commit()
    yield uid
    with app.app_context():
        db.session.execute(sa.delete(RecoveryCode.__table__).where(RecoveryCode.user_id == uid))
        db.session.execute(sa.delete(PasswordResetToken.__table__).where(PasswordResetToken.user_id == uid))
        db.session.execute(sa.delete(User.__table__).where(User.id == uid))
        db.session.commit()


def test_two_transactions_cannot_both_spend_a_recovery_code(app, committed_user):
    with app.app_context():
        db.session.execute(
            sa.insert(RecoveryCode.__table__).values(
                user_id=committed_user, code_hash=totp._hash_recovery("ABCD-EFGH-JKMN")
            )
        )
        db.session.commit()
    user = SimpleNamespace(id=committed_user)

    first, second = race(app, lambda: totp.use_recovery_code(user, "ABCD-EFGH-JKMN"))

    assert first is True and refused(app, second)


def test_two_transactions_cannot_both_use_one_totp_code(app, committed_user):
    secret = pyotp.random_base32()
    code = pyotp.TOTP(secret).at(clock.now())

    def spend() -> bool:
        user = db.session.get(User, committed_user)
        return totp.verify_totp(user, code, secret=secret)

    first, second = race(app, spend)

    assert first is True and refused(app, second)


def test_two_transactions_cannot_both_spend_a_reset_link(app, committed_user):
    now = clock.now()
    with app.app_context():
        db.session.execute(
            sa.insert(PasswordResetToken.__table__).values(
                user_id=committed_user,
                token_hash="0" * 64,
                created_at=now,
                expires_at=now + timedelta(hours=1),
            )
        )
        db.session.commit()

    def spend() -> bool:
        row = db.session.scalar(sa.select(PasswordResetToken).where(PasswordResetToken.user_id == committed_user))
        return reset.spend(row)

    first, second = race(app, spend)

    assert first is True and refused(app, second)
