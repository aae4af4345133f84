"""Pytest fixtures: ``app``, ``db_session``, ``client``, ``users``, ``regions``, ``count_queries``.

The database is migrated once per run (SQLite file, or ``TEST_DATABASE_URL`` for PostgreSQL),
with roles, permissions and all Indonesian regions loaded. Each test then runs inside one outer
transaction that is rolled back, while the requests it makes commit to savepoints inside it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from .. import create_app
from ..extensions import db
from . import use_test_client


def _database_url(tmp_dir: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.db'}"


def reset_database(engine: sa.Engine) -> None:
    """Drop everything, so each run starts from an empty database and real migrations."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        else:
            meta = sa.MetaData()
            meta.reflect(conn)
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for table in reversed(meta.sorted_tables):
                table.drop(conn)
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from flask_migrate import upgrade

    from ..auth import permissions
    from ..regions_loader import load_regions

    instance = tmp_path_factory.mktemp("instance")
    flask_app = create_app(
        {
            "KIMADMIN_ENV": "testing",
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": _database_url(instance),
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
        }
    )
    use_test_client(flask_app)
    with flask_app.app_context():
        reset_database(db.engine)
        upgrade(revision="heads")
        permissions.sync(db.session)
        db.session.commit()
        with db.engine.begin() as conn:
            load_regions(conn)
        db.session.remove()
    yield flask_app
    with flask_app.app_context():
        db.engine.dispose()


@pytest.fixture
def db_session(app: Flask) -> Iterator[Any]:
    """The test's session, inside an outer transaction rolled back at the end."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        db.session.remove()
        db.session.session_factory.configure(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session.session_factory.configure(bind=None)
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app: Flask, db_session: Any) -> Any:
    return app.test_client()


@pytest.fixture
def make_client(app: Flask, db_session: Any) -> Any:
    """A factory of clients, each logged in as the given user (or anonymous)."""

    def make(user: Any = None) -> Any:
        test_client = app.test_client()
        if user is not None:
            test_client.login(user.email)
        return test_client

    return make


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(db_session: Any) -> Any:
    """``with count_queries() as counter:`` counts SQL statements sent to the database."""
    engine = db_session.get_bind()

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                counter.statements.append(statement)

        target = engine.engine if hasattr(engine, "engine") else engine
        sa.event.listen(target, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            sa.event.remove(target, "before_cursor_execute", before)

    return counting


class Tenant:
    """The users of every role in one regency, created on demand."""

    def __init__(self, regency_code: str, slug: str) -> None:
        self.regency_code = regency_code
        self.slug = slug
        self._users: dict[str, Any] = {}

    def user(self, role: str) -> Any:
        from ..models.users import User
        from .factories import _TEST_PASSWORD_HASH, make_user

        if role not in self._users:
            email = f"{role}@{self.slug}.example"
            # The demo data (kimadmin.demo) creates users with these e-mails too: adopt them, with
            # the test password, so a test may load the demo and use the tenant in either order.
            existing = db.session.scalar(sa.select(User).where(User.email == email))
            if existing is not None and existing.role_name == role and existing.regency_code == self.regency_code:
                existing.password_hash = _TEST_PASSWORD_HASH
                db.session.flush()
                self._users[role] = existing
            else:
                self._users[role] = make_user(role, regency=self.regency_code, email=email)
        return self._users[role]

    @property
    def admin(self) -> Any:
        return self.user("admin_kabupaten")

    @property
    def operator(self) -> Any:
        return self.user("operator")

    @property
    def viewer(self) -> Any:
        return self.user("viewer")


@pytest.fixture
def karanganyar(db_session: Any) -> Tenant:
    """Kabupaten Karanganyar (33.13) and its users."""
    return Tenant("33.13", "karanganyar")


@pytest.fixture
def wonosobo(db_session: Any) -> Tenant:
    """Kabupaten Wonosobo (33.07) and its users."""
    return Tenant("33.07", "wonosobo")


@pytest.fixture
def fake_clock(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Time that moves only on ``fake_clock.advance(minutes=16)``: lockouts, sessions, links, TOTP.

    It replaces ``kimadmin.auth.clock.now`` and the clock of the rate limiter's in-memory storage
    (the ``limits`` package reads ``time.time()``), so expiry is tested without sleeping. The
    limiter's counts are cleared before and after the test.
    """
    import limits.storage.memory

    from ..auth import clock
    from ..auth.throttle import limiter_of

    fake = clock.FakeClock(clock.now())
    monkeypatch.setattr(clock, "now", fake.now)
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    limiter_of(app).reset()
    yield fake
    limiter_of(app).reset()


LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind, for tests that run migrations up and down (never the shared
    test database): a file for SQLite; for PostgreSQL a database created next to the test
    database (on a SQLite run, on the machine's PostgreSQL, which CI has) and dropped after."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    import uuid

    test_url = os.environ.get("TEST_DATABASE_URL", "")
    server = sa.make_url(test_url if test_url.startswith("postgresql") else LOCAL_POSTGRES)
    name = f"{server.database}_scratch_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
