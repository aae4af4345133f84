"""The one clock of the login-security code (lockouts, sessions, links, TOTP).

Everything in :mod:`kimadmin.auth` asks ``clock.now()`` (looked up on the module at call time), so
a test moves time forward with ``monkeypatch.setattr(clock, "now", fake.now)`` instead of sleeping.
:class:`FakeClock` is that fake; it also offers ``time()`` for libraries that read ``time.time()``
(the rate limiter's in-memory storage).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def timestamp() -> float:
    """``now()`` as seconds since the epoch (what the session cookie stores)."""
    return now().timestamp()


class FakeClock:
    """A clock for tests that only moves when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2025, 8, 17, 2, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def time(self) -> float:
        return self.current.timestamp()

    def advance(self, **delta: float) -> datetime:
        """Move forward by ``timedelta(**delta)``, e.g. ``advance(minutes=16)``."""
        self.current += timedelta(**delta)
        return self.current
