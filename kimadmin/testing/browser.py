"""Browser tests: the app served over real HTTP to Debian's Chromium, driven by Playwright.

A pytest plugin module of the test kit, used by the core's ``tests/e2e`` and by plugins alike: a
browser test module says ``pytest_plugins = ["kimadmin.testing.browser"]`` and gets ``live_server``,
``base_url`` (so ``page.goto("/login")`` reaches it), Debian's Chromium for pytest-playwright's
``page``, ``committed`` (rows the live server can see, removed again) and :func:`log_in`.

The live server runs the session ``app`` in a background thread, so it cannot see the rolled-back
transaction of ``db_session``: everything a browser test needs is *committed*, and removed again
by the fixture that made it (the rest of the suite shares the database and counts rows). Browser
tests therefore must not use ``db_session`` (nor ``client``, ``karanganyar``, ... built on it):
while it is active the shared session factory is bound to the test's connection.
"""

from __future__ import annotations

import re
import shutil
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect
from werkzeug.serving import BaseWSGIServer, make_server

from ..audit import AuditEntry
from ..extensions import db
from ..models import AuthEvent, Kim, PluginActivation, TrashBatch, User
from ..trash import INCLUDE_TRASHED
from . import TEST_PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]

# Auto-waiting assertions: generous enough for a loaded CI machine, never a fixed sleep.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch options, with Debian's Chromium (``playwright install`` is not used)."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is needed for the browser tests: `make browser` (as root) installs it")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "headless": browser_type_launch_args.get("headless", True),  # headless unless --headed
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A browser in Indonesia, as our users' are."""
    return {**browser_context_args, "locale": "id-ID", "timezone_id": "Asia/Jakarta"}


@dataclass
class LiveServer:
    url: str
    server: BaseWSGIServer
    thread: threading.Thread


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[LiveServer]:
    """The session ``app`` over HTTP on 127.0.0.1 and a free port, in a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", server, thread)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """pytest-playwright's ``base_url``: ``page.goto("/login")`` goes to the live server."""
    return live_server.url


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
        """A unique KIM name for a KIM the browser will create; such rows are removed afterwards."""
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


def log_in(page: Page, user: Any, password: str = TEST_PASSWORD) -> None:
    """Log ``user`` in through the login form and wait for the dashboard (``/admin/``)."""
    page.goto("/login")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=email]").fill(user.email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
