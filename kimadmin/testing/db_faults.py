"""Make the database fail on cue, without stopping it: ``with database_fails(engine, after=2): ...``.

Stopping PostgreSQL (tests/test_faults.py) shows a real outage but stops it for every other test
on the machine; this raises the same ``OperationalError`` psycopg would, from a
``before_cursor_execute`` listener, on the Nth statement of a request. A save that fails half-way
through is then observable on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

# Transaction bookkeeping the test fixtures and rollbacks need even while "the server is down".
_BOOKKEEPING = ("SAVEPOINT", "RELEASE", "ROLLBACK")


@dataclass
class DatabaseFault:
    """What the listener saw: statements let through, and the one that was made to fail."""

    after: int
    only: str | None
    passed: list[str] = field(default_factory=list)
    failed: str | None = None


@contextmanager
def database_fails(engine: sa.Engine, after: int = 0, only: str | None = None) -> Iterator[DatabaseFault]:
    """Let ``after`` statements through, then fail every later one (``only``: count and fail just
    statements starting with that keyword, e.g. ``"INSERT"``), as a lost connection does."""
    fault = DatabaseFault(after=after, only=only.upper() if only else None)

    def before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        head = statement.lstrip().upper()
        if head.startswith(_BOOKKEEPING) or (fault.only and not head.startswith(fault.only)):
            return
        if len(fault.passed) < fault.after:
            fault.passed.append(statement)
            return
        fault.failed = fault.failed or statement
        raise sa.exc.OperationalError(statement, parameters, ConnectionError("server closed the connection"))

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield fault
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
