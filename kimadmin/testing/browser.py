"""Browser tests: the app served over real HTTP to Debian's Chromium, driven by Playwright.

A pytest plugin module of the test kit, used by the core's ``tests/e2e`` and by plugins alike: a
browser test module says ``pytest_plugins = ["kimadmin.testing.browser"]`` and gets ``live_server``,
``base_url`` (so ``page.goto("/login")`` reaches it), Debian's Chromium for pytest-playwright's
``page``, ``committed`` (rows the live server can see, removed again) and :func:`log_in`.

The live server runs the session ``app`` in a background thread, so it cannot see the rolled-back
transaction of ``db_session``: everything a browser test needs is *committed*, and removed again
by the fixture that made it (:mod:`kimadmin.testing.committed`; the rest of the suite shares the
database and counts rows). Browser tests therefore must not use ``db_session`` (nor ``client``,
``karanganyar``, ... built on it): while it is active the shared session factory is bound to the
test's connection.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from werkzeug.serving import BaseWSGIServer, make_server

from . import TEST_PASSWORD
from .committed import CommittedData, committed

__all__ = ["CommittedData", "LiveServer", "committed", "log_in"]  # ``committed`` is a fixture of this plugin too

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


def log_in(page: Page, user: Any, password: str = TEST_PASSWORD) -> None:
    """Log ``user`` in through the login form and wait for the dashboard (``/admin/``)."""
    page.goto("/login")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=email]").fill(user.email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
