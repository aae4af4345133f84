"""Committed test data: rows that other connections (a live server, test threads) can see.

Most tests run inside ``db_session``'s rolled-back transaction, which no other connection sees.
Browser tests (the live server's thread) and concurrency tests (one connection per thread) need
*committed* rows instead; the ``committed`` fixture makes them, removes them when the test ends
(pass or fail), and then checks that no table of the shared database changed. Use it with
``pytest_plugins = ["kimadmin.testing.committed"]`` (:mod:`kimadmin.testing.browser` includes it).
Such tests must not use ``db_session`` at the same time.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from flask import Flask

from ..audit import AuditEntry
from ..extensions import db
from ..models import AuthEvent, Kim, PluginActivation, TrashBatch, User
from ..trash import INCLUDE_TRASHED


@dataclass
class CommittedData:
    """Rows a browser test commits, all removed again when the test ends (pass or fail)."""

    app: Flask
    token: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    user_emails: list[str] = field(default_factory=list)
    kim_names: list[str] = field(default_factory=list)
    # Audit entries after this id are this test's (kimadmin.audit): removed with its rows.
    audit_mark: int = 0
    # (plugin, regency) -> whether it was on before this test switched it (None: no row at all).
    plugin_switches: dict[tuple[str, str], bool | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        with self.app.app_context():
            try:
                self.audit_mark = db.session.scalar(sa.select(sa.func.max(AuditEntry.id))) or 0
            finally:
                db.session.remove()

    def user(self, role: str, regency: str | None = None, province: str | None = None) -> User:
        """A committed user (password ``kimadmin.testing.TEST_PASSWORD``), detached from any session."""
        from .factories import make_user

        email = f"e2e-{role}-{self.token}@{(regency or province or 'nasional').replace('.', '-')}.test"
        self.user_emails.append(email)
        with self.app.app_context():
            _require_unbound_session()
            user = make_user(role, regency=regency, province=province, email=email, full_name=f"Uji E2E {role}")
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        return user

    def kim_name(self, label: str) -> str:
        """A unique KIM name for a KIM the test (or the browser) creates; such rows are removed afterwards."""
        name = f"{label} {self.token}"
        self.kim_names.append(name)
        return name

    def enable_plugin(self, name: str, regency: str) -> None:
        """Switch plugin ``name`` on for ``regency`` and commit, so the live server sees it.

        :func:`kimadmin.testing.plugins.enable_plugin` only flushes inside the test's rolled-back
        transaction, which the live server's thread cannot see. The switch is put back as it was
        (the row removed, or its old value restored) when the test ends.
        """
        from ..plugin_service import set_enabled

        with self.app.app_context():
            _require_unbound_session()
            try:
                row = _activation(name, regency)
                self.plugin_switches.setdefault((name, regency), None if row is None else row.enabled)
                set_enabled(name, regency, True)
                db.session.commit()
            finally:
                db.session.remove()

    def row_counts(self) -> dict[str, int]:
        """Rows in every table, to prove a browser test leaves the shared database as it found it."""
        with self.app.app_context():
            try:
                existing = set(sa.inspect(db.engine).get_table_names())
                return {
                    table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
                    for table in db.metadata.sorted_tables
                    if table.name in existing  # (the migration test catches models without a migration)
                }
            finally:
                db.session.remove()

    def cleanup(self) -> None:
        """Put plugin switches back; delete the KIM rows (by id) and users (by e-mail) made here,
        children first."""
        with self.app.app_context():
            try:
                for (name, regency), was in self.plugin_switches.items():
                    row = _activation(name, regency)
                    if row is not None and was is None:
                        db.session.delete(row)
                    elif row is not None:
                        row.enabled = was
                if self.kim_names:
                    # Deleted KIM wait in the trash (kimadmin.trash): remove those rows and batches too.
                    everything = {INCLUDE_TRASHED: True}
                    kim_ids = db.session.scalars(
                        sa.select(Kim.id).where(Kim.name.in_(self.kim_names)).execution_options(**everything)
                    ).all()
                    if kim_ids:
                        db.session.execute(sa.delete(Kim).where(Kim.id.in_(kim_ids)).execution_options(**everything))
                        db.session.execute(
                            sa.delete(TrashBatch).where(TrashBatch.item_table == "kim", TrashBatch.item_id.in_(kim_ids))
                        )
                if self.user_emails:
                    # The login journal keeps rows of deleted users (user_id emptied): remove them first.
                    user_ids = sa.select(User.id).where(User.email.in_(self.user_emails))
                    db.session.execute(
                        sa.delete(AuthEvent).where(
                            sa.or_(AuthEvent.user_id.in_(user_ids), AuthEvent.actor_id.in_(user_ids))
                        )
                    )
                    db.session.execute(sa.delete(User).where(User.email.in_(self.user_emails)))
                db.session.execute(sa.delete(AuditEntry).where(AuditEntry.id > self.audit_mark))
                db.session.commit()
            finally:
                db.session.remove()


def _activation(name: str, regency: str) -> PluginActivation | None:
    return db.session.scalar(
        sa.select(PluginActivation).where(PluginActivation.plugin == name, PluginActivation.regency_code == regency)
    )


def _require_unbound_session() -> None:
    if db.session.session_factory.kw.get("bind") is not None:
        raise RuntimeError("browser tests must not use db_session: the live server cannot see its transaction")


@pytest.fixture
def committed(app: Flask) -> Iterator[CommittedData]:
    """Create committed rows for a browser test; they are deleted at the end, and nothing else may remain."""
    data = CommittedData(app)
    before = data.row_counts()
    try:
        yield data
    finally:
        data.cleanup()
    after = data.row_counts()
    changed = {name: (before[name], after.get(name)) for name in before if after.get(name) != before[name]}
    assert not changed, f"a browser test left rows behind in the shared database (before, after): {changed}"
