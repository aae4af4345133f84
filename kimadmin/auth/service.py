"""Login attempts: checking a password the same way for every e-mail, counting failures, locking.

Every attempt costs one argon2 verification, whether the e-mail is unknown, the account inactive
or locked, or the password wrong, and all of them get the same answer: an attacker learns neither
which e-mails exist nor that an account is locked (ASVS 2.2.1, 3.x). A lock lasts
``KIMADMIN_LOCKOUT_MINUTES`` after ``KIMADMIN_LOCKOUT_THRESHOLD`` consecutive failures (password,
TOTP code or re-authentication); an admin of the user's regency may lift it earlier.

The callers run inside :func:`kimadmin.tenancy.unscoped`: nobody is logged in yet, or the user is
changing their own account, which may lie outside their own data scope (province staff).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, g
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models.users import Role, User
from . import clock, events, sessions
from .passwords import hash_password, needs_rehash, verify_password

OK = "ok"


def find_user(email: str) -> User | None:
    return db.session.scalar(
        sa.select(User).options(joinedload(User.role).joinedload(Role.permissions)).where(User.email == email)
    )


def check_password_attempt(user: User | None, password: str) -> str:
    """:data:`OK` or the journal outcome of a failed first step; argon2 runs in every case."""
    correct = verify_password(user.password_hash if user is not None else None, password)
    if user is None:
        return events.UNKNOWN_EMAIL
    if not user.active:
        return events.INACTIVE
    if user.is_locked(clock.now()):
        return events.LOCKED
    if not correct:
        return events.WRONG_PASSWORD
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return OK


def mark_failed_request() -> None:
    """Tell the rate limiter to count this request (only failures are counted)."""
    g.kim_auth_failed = True


def request_failed() -> bool:
    return bool(g.get("kim_auth_failed"))


def register_failure(outcome: str, user: User | None, email: str | None = None) -> bool:
    """Journal a failure, count it against the account; ``True`` if the account is now locked.

    Attempts on a locked, inactive or unknown account are journalled but not counted: a lock is
    not extended by an attacker who keeps trying.
    """
    mark_failed_request()
    locked_now = False
    counted = user is not None and outcome not in (events.LOCKED, events.INACTIVE, events.UNKNOWN_EMAIL)
    if counted:
        # One UPDATE ... SET n = n + 1: parallel attempts cannot lose a count.
        user.failed_login_count = User.failed_login_count + 1
        db.session.flush()
        if user.failed_login_count >= int(current_app.config.get("KIMADMIN_LOCKOUT_THRESHOLD", 5)):
            minutes = int(current_app.config.get("KIMADMIN_LOCKOUT_MINUTES", 15))
            user.locked_until = clock.now() + timedelta(minutes=minutes)
            user.failed_login_count = 0  # after the lock, the count starts again
            locked_now = True
    events.record(outcome, user, email=email)
    if locked_now:
        events.record(events.LOCKED_OUT, user, email=email)
        current_app.logger.warning("account locked after repeated failures user=%s", user.id)
    db.session.commit()
    return locked_now


def register_success(user: User, outcome: str = events.LOGIN_OK) -> None:
    """A completed login: the failure count and any expired lock are cleared (the caller commits)."""
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = clock.now()
    events.record(outcome, user)


def unlock(user: User, admin: Any) -> None:
    user.failed_login_count = 0
    user.locked_until = None
    events.record(events.UNLOCKED, user, actor=admin)


def set_password(user: User, password: str, *, must_change: bool) -> None:
    """Store a new password; every session of the user ends (the caller renews its own)."""
    user.password_hash = hash_password(password)
    user.password_changed_at = clock.now()
    user.must_change_password = must_change
    sessions.end_all(user)
    user.failed_login_count = 0
    user.locked_until = None


def end_all_sessions(user: User) -> None:
    """ "Log out everywhere": every session of the user ends (the caller renews its own)."""
    sessions.end_all(user)
