"""Test kit for KIM Admin and its plugins: a migrated database per run, a rolled-back
transaction per test, factories, and clients that log in as a given user.

Use it from a ``conftest.py`` with ``pytest_plugins = ["kimadmin.testing.fixtures"]``.
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

CSRF_INPUT = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
TEST_PASSWORD = "kata-sandi-uji-coba-123"


class KimTestClient(FlaskClient):
    """A test client whose every request runs in its own application context.

    Without this, a request would reuse the test's application context, and with it the test's
    database session and Flask-Login's cached user: requests would not be isolated as in
    production.
    """

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            return super().open(*args, **kwargs)

    def csrf_token(self, path: str = "/login") -> str:
        """A valid CSRF token for this client's session, read from a rendered form."""
        html = self.get(path).get_data(as_text=True)
        match = CSRF_INPUT.search(html)
        if match is None:
            raise AssertionError(f"no csrf_token on {path}")
        return match.group(1)

    def login(self, email: str, password: str = TEST_PASSWORD) -> None:
        response = self.post("/login", data={"email": email, "password": password, "csrf_token": self.csrf_token()})
        if response.status_code != 302:
            raise AssertionError(f"login of {email} failed: {response.status_code}")

    def switch_language(self, code: str, path: str = "/admin/") -> KimTestClient:
        """Choose the interface language as the user menu does (a CSRF-protected POST); returns
        the client, so a fixture can hand it on."""
        response = self.post(f"/language/{code}", data={"csrf_token": self.csrf_token(path), "next": path})
        if response.status_code != 302:
            raise AssertionError(f"switching to {code!r} answered {response.status_code}")
        return self

    def post_form(self, path: str, data: dict | None = None, **kwargs):  # type: ignore[no-untyped-def]
        """POST with a valid CSRF token added."""
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.csrf_token("/admin/"))
        return self.post(path, data=payload, **kwargs)


def use_test_client(app: Flask) -> None:
    app.test_client_class = KimTestClient
