"""The admin works in real Chromium under our strict Content-Security-Policy.

No page triggers a CSP violation, and the confirmations that Flask-Admin wires with inline
handlers (row delete, bulk actions) still ask before deleting.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from kimadmin.extensions import db
from kimadmin.models import Kim
from kimadmin.testing import TEST_PASSWORD
from kimadmin.testing.factories import KimFactory

pytestmark = pytest.mark.e2e


def _make_kim(app, committed, label: str) -> str:
    name = committed.kim_name(label)
    with app.app_context():
        KimFactory(name=name, regency="33.13")
        db.session.commit()
        db.session.remove()
    return name


def _kim_exists(app, name: str) -> bool:
    with app.app_context():
        try:
            return db.session.scalar(sa.select(sa.func.count()).select_from(Kim).where(Kim.name == name)) == 1
        finally:
            db.session.remove()


def test_pages_run_without_csp_violations_and_deletes_ask_first(page: Page, committed, app):
    admin = committed.user("admin_kabupaten", regency="33.13")
    row_kim = _make_kim(app, committed, "KIM Hapus Baris")
    bulk_kim = _make_kim(app, committed, "KIM Hapus Massal")
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)

    page.goto("/login")
    page.locator("input[name=email]").fill(admin.email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    for path in ("/admin/", "/admin/kim/new/", "/admin/user/"):
        page.goto(path)
        page.wait_for_load_state("load")

    # Row delete: dismissing the confirmation keeps the KIM, accepting deletes it.
    page.goto(f"/admin/kim/?search={row_kim}")
    page.wait_for_load_state("load")
    row = page.locator("tr", has_text=row_kim)
    page.once("dialog", lambda dialog: dialog.dismiss())
    row.locator("form button[data-confirm]").click()
    expect(page.locator("tr", has_text=row_kim)).to_have_count(1)
    assert _kim_exists(app, row_kim)
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("form button[data-confirm]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert not _kim_exists(app, row_kim)

    # Bulk action from the "with selected" menu, after its own confirmation.
    page.goto(f"/admin/kim/?search={bulk_kim}")
    page.wait_for_load_state("load")
    page.locator("tr", has_text=bulk_kim).locator("input.action-checkbox").check()
    page.locator("a.dropdown-toggle", has=page.locator("text=/./")).filter(has_text="terpilih").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("[data-model-action=delete]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert not _kim_exists(app, bulk_kim)

    assert violations == [], "\n".join(violations)
