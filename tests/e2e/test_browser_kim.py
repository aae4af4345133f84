"""An operator's round trip in real Chromium: log in, create a KIM with the AJAX desa picker, log out.

Flask-Admin's own strings (buttons, flash messages) may be translated, so they are found by their
role in the page; what the user typed and picked (KIM name, desa, kecamatan, kabupaten) is
asserted as text.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Locator, Page, expect

from kimadmin.extensions import db
from kimadmin.models import Kim, Village
from kimadmin.testing import TEST_PASSWORD

pytestmark = pytest.mark.e2e

# Desa Dagen, Kecamatan Jaten, Kabupaten Karanganyar (33.13): the operator's own regency.
OWN_DESA = ("Dagen", "Jaten", "Karanganyar")
# Desa Dieng, Kecamatan Kejajar, Kabupaten Wonosobo (33.07): exists, but outside the operator's scope.
OTHER_DESA = "Dieng"


def _open_desa_picker(page: Page, term: str) -> Locator:
    """Open the desa picker (Flask-Admin's ``select2-ajax``, select2 3.5), type ``term``; the drop-down."""
    page.locator("#s2id_village a.select2-choice").click()
    drop = page.locator("#select2-drop")  # select2 3.5 gives the open drop-down this id
    search = drop.locator("input.select2-input")
    expect(search).to_be_focused()
    search.fill(term)
    return drop


def _close_desa_picker(page: Page) -> None:
    page.keyboard.press("Escape")
    expect(page.locator("#select2-drop")).to_have_count(0)


def test_operator_creates_kim_with_desa_picker_and_logs_out(page: Page, committed, app):
    operator = committed.user("operator", regency="33.13")
    kim_name = committed.kim_name("KIM Dagen Maju")
    with app.app_context():  # the other desa really exists, so an empty picker proves scoping
        other = db.session.scalar(sa.select(Village).where(Village.name == OTHER_DESA))
        assert other is not None and other.regency_code != "33.13"
        other_code = other.code
        db.session.remove()

    # The login page.
    page.goto("/login")
    login_form = page.locator("form:has(input[name=password])")
    expect(login_form.locator("input[name=email]")).to_be_visible()
    expect(login_form.locator("input[name=password]")).to_have_attribute("type", "password")

    # Log in: the admin home, with the operator and their regency in the user menu.
    login_form.locator("input[name=email]").fill(operator.email)
    login_form.locator("input[name=password]").fill(TEST_PASSWORD)
    login_form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#user-menu")).to_contain_text(operator.full_name)
    expect(page.locator("#user-menu")).to_contain_text("Karanganyar")

    # The KIM list, through the menu; the KIM about to be created is not there yet.
    page.locator('nav a.nav-link[href="/admin/kim/"]').click()
    expect(page).to_have_url(re.compile(r"/admin/kim/$"))
    expect(page.locator("table.model-list")).to_be_visible()
    expect(page.get_by_role("cell", name=kim_name)).to_have_count(0)

    # Create.
    page.locator('a.nav-link[href^="/admin/kim/new/"]').click()
    expect(page).to_have_url(re.compile(r"/admin/kim/new/"))
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.locator("input#name").fill(kim_name)

    # The picker offers the operator's own regency only: its first page is all Karanganyar...
    drop = _open_desa_picker(page, "")
    options = drop.locator(".select2-result-selectable")
    expect(options.first).to_be_visible()
    offered = options.all_inner_texts()
    assert offered and all(re.search(r"\(33\.13\.\d\d\.\d{4}\)$", text) for text in offered), offered
    _close_desa_picker(page)

    # ...and a desa of another regency is not found, by name nor by code.
    for term in (OTHER_DESA, other_code):
        drop = _open_desa_picker(page, term)
        expect(drop.locator(".select2-no-results")).to_be_visible()
        expect(drop.locator(".select2-no-results")).to_have_text("Tidak ada yang cocok")  # select2 speaks Indonesian
        expect(drop.locator(".select2-result-selectable")).to_have_count(0)
        _close_desa_picker(page)
    lookup = page.request.get("/admin/kim/ajax/lookup/", params={"name": "village", "query": OTHER_DESA})
    assert lookup.ok and lookup.json() == []

    # Part of the own desa's name finds it; pick it.
    drop = _open_desa_picker(page, OWN_DESA[0][:4])
    option = drop.locator(".select2-result-selectable", has_text=f"{OWN_DESA[0]}, Kec. {OWN_DESA[1]}")
    expect(option).to_have_count(1)
    option.click()
    expect(page.locator("#select2-drop")).to_have_count(0)
    expect(page.locator("#s2id_village .select2-chosen")).to_contain_text(f"{OWN_DESA[0]}, Kec. {OWN_DESA[1]}")

    page.locator("form.admin-form input[type=submit].btn-primary").click()

    # Saved: the new KIM's page (ready for its SK and board), with a success message...
    expect(page).to_have_url(re.compile(r"/admin/kim/details/\?id=\d+"))
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("body")).to_contain_text(kim_name)
    # ...and the KIM is on the list, in its desa.
    page.goto("/admin/kim/")
    row = page.locator("table.model-list tbody tr", has_text=kim_name)
    expect(row).to_have_count(1)
    for text in OWN_DESA[:2]:  # desa and kecamatan (a regency officer's list has no regency column)
        expect(row).to_contain_text(text)
    with app.app_context():
        kim = db.session.scalar(sa.select(Kim).where(Kim.name == kim_name))
        assert kim is not None and kim.regency_code == "33.13" and kim.village.name == OWN_DESA[0]
        db.session.remove()

    # Log out through the user menu: the login page, with a message, and the session is gone.
    # The menu is a Bootstrap drop-down, live only once the page's scripts have run: a click
    # before that does nothing (seen on a loaded machine), so wait for the load event first.
    page.wait_for_load_state("load")
    page.locator("#user-menu").click()
    expect(page.locator("#user-menu")).to_have_attribute("aria-expanded", "true")
    logout = page.locator("#logout-button")
    expect(logout).to_be_visible()
    logout.click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator(".alert-info")).to_be_visible()
    expect(page.locator("form input[name=password]")).to_be_visible()
    page.goto("/admin/kim/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
