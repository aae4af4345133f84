"""In real Chromium: a viewer opens a KIM's account trend, and both charts are drawn by the plugin's
static script with the core's Chart.js, under the app's CSP (no violation, no script error).

Built on the test kit's browser fixtures (:mod:`kimadmin.testing.browser`): the live server sees
only committed rows, so the KIM, its checks and the module switch made here are committed and
removed (or put back) again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from kimadmin.plugin_api import db
from kimadmin.testing.browser import log_in
from kimadmin.testing.factories import KimFactory

from ..dates import today
from ..models import AccountLog
from .factories import KARANGANYAR, PLUGIN

pytest_plugins = ["kimadmin.testing.browser"]  # live_server, Chromium, committed
pytestmark = pytest.mark.e2e


@pytest.fixture
def checked_kim(app, committed) -> Iterator[tuple[int, object]]:
    viewer = committed.user("viewer", regency=KARANGANYAR)
    committed.enable_plugin(PLUGIN, KARANGANYAR)
    with app.app_context():
        try:
            kim = KimFactory(regency=KARANGANYAR, name=committed.kim_name("KIM Tren"))
            for days, followers, posts in ((90, 300, 12), (60, 340, 8), (30, 420, 15)):
                db.session.add(
                    AccountLog(
                        kim=kim,
                        platform="instagram",
                        handle="kimtren",
                        checked_on=today() - timedelta(days=days),
                        followers=followers,
                        posts_per_month=posts,
                    )
                )
            db.session.commit()
            kim_id = kim.id
        finally:
            db.session.remove()
    try:
        yield kim_id, viewer
    finally:
        with app.app_context():
            try:
                db.session.execute(sa.delete(AccountLog).where(AccountLog.kim_id == kim_id))
                db.session.commit()
            finally:
                db.session.remove()


def test_the_trend_charts_are_drawn_under_the_csp(page: Page, checked_kim):
    kim_id, viewer = checked_kim
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    log_in(page, viewer)

    page.goto(f"/admin/socmed_training/account_log/trend/?kim={kim_id}")
    for chart in ("socmed-trend-followers", "socmed-trend-posts"):
        box = page.locator(f'.socmed-chart[data-chart="{chart}"]')
        expect(box).to_have_attribute("data-drawn", "1")
        expect(box).to_be_visible()
        assert box.locator("canvas").bounding_box()["height"] > 100
    expect(page.locator("#socmed-trend-table tbody tr")).to_have_count(3)
    assert problems == []
