"""An officer of Karanganyar renews the board of an inactive KIM and sees the dashboard move.

Runs on its own scratch database with the demo scenario (Karanganyar: 33 KIM, 24 active, 9
inactive because their boards were not renewed), served by its own live server, so the shared
test database is untouched.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from kimadmin import create_app
from kimadmin.auth import permissions
from kimadmin.demo import DEMO_PASSWORD, load_demo
from kimadmin.extensions import db
from kimadmin.models import Kim
from kimadmin.regions_loader import load_regions
from kimadmin.testing import use_test_client

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_site(tmp_path, app) -> Iterator[tuple[Flask, str]]:
    if db.session.session_factory.kw.get("bind") is not None:
        raise RuntimeError("this browser test must not run inside db_session")
    site = create_app(
        {
            "KIMADMIN_ENV": "testing",
            "TESTING": True,
            "SECRET_KEY": "renewal",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'demo.db'}",
            "SESSION_COOKIE_SECURE": False,
        }
    )
    use_test_client(site)
    with site.app_context():
        upgrade(revision="heads")
        permissions.sync(db.session)
        db.session.commit()
        with db.engine.begin() as conn:
            load_regions(conn, "33")
        load_demo(db.session)
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, site, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with site.app_context():
            db.session.remove()
            db.engine.dispose()


def figures(page: Page) -> tuple[str, str]:
    return page.locator("#kim-active").inner_text(), page.locator("#kim-inactive").inner_text()


def test_renewing_a_board_reactivates_the_kim_and_the_dashboard_shows_it(browser: Browser, demo_site):
    site, url = demo_site
    with site.app_context():
        kim = db.session.scalar(
            sa.select(Kim).where(Kim.regency_code == "33.13", Kim.status == "tidak_aktif").order_by(Kim.name)
        )
        kim_id, kim_name = kim.id, kim.name
        db.session.remove()
    page = browser.new_context(base_url=url, locale="id-ID", timezone_id="Asia/Jakarta").new_page()

    page.goto("/login")
    page.locator("input[name=email]").fill("operator@karanganyar.example")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    assert figures(page) == ("24", "9")

    # The inactive KIM's page says why, and offers to record a new board.
    page.goto(f"/admin/kim/details/?id={kim_id}")
    expect(page.locator("body")).to_contain_text(kim_name)
    expect(page.locator("body")).to_contain_text("kepengurusan tidak diregenerasi")
    page.locator("a[href*='/admin/board/new/']").first.click()
    expect(page).to_have_url(re.compile(r"/admin/board/new/"))

    today = date.today()
    page.locator("input[name=term_start]").fill((today - timedelta(days=10)).isoformat())
    page.locator("input[name=term_end]").fill((today + timedelta(days=3 * 365)).isoformat())
    page.keyboard.press("Escape")  # close the date picker
    page.locator("form.admin-form input[type=submit].btn-primary").click()
    expect(page.locator(".alert-success, .alert-info").first).to_be_visible()

    with site.app_context():
        assert db.session.get(Kim, kim_id).status == "aktif"
        db.session.remove()
    page.goto("/admin/")
    assert figures(page) == ("25", "8")
