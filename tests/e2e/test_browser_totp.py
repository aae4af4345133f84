"""Two-factor login in real Chromium: enrol an authenticator from the account page, log in with a code.

The codes are computed with pyotp from the key the page shows, at the time of the ``fake_clock``
(which the live server, running in this process, shares); moving it 30 seconds on between
enrolment and login gives a fresh code, since a code is accepted only once.
"""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import Page, expect

from kimadmin.testing import TEST_PASSWORD

pytestmark = pytest.mark.e2e


def _log_in_with_password(page: Page, email: str) -> None:
    page.goto("/login")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(TEST_PASSWORD)
    form.locator("button[type=submit]").click()


def test_an_officer_turns_on_two_factor_login_and_logs_in_with_a_code(page: Page, committed, fake_clock):
    officer = committed.user("operator", regency="33.13")

    # Log in with the password only (two-factor login is still off).
    _log_in_with_password(page, officer.email)
    expect(page).to_have_url(re.compile(r"/admin/$"))

    # The account page, through the user menu (a Bootstrap drop-down: wait for the page's scripts).
    page.wait_for_load_state("load")
    page.locator("#user-menu").click()
    page.locator("#account-security-link").click()
    expect(page).to_have_url(re.compile(r"/account/$"))
    page.locator("#two-factor-setup-link").click()

    # Enrolment: a QR code drawn in the page, and the key for typing by hand.
    expect(page).to_have_url(re.compile(r"/account/two-factor$"))
    expect(page.locator("#totp-qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    authenticator = pyotp.TOTP(secret)

    page.locator("input[name=code]").fill(authenticator.at(fake_clock.now()))
    page.locator("form:has(input[name=code]) button[type=submit]").click()

    # Ten recovery codes, shown once.
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    expect(codes.first).to_have_text(re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$"))

    # Log out.
    page.goto("/admin/")
    page.wait_for_load_state("load")
    page.locator("#user-menu").click()
    page.locator("#logout-button").click()
    expect(page).to_have_url(re.compile(r"/login$"))

    # Log in again: after the password, the code is asked for; nothing is open before it.
    fake_clock.advance(seconds=30)
    _log_in_with_password(page, officer.email)
    expect(page).to_have_url(re.compile(r"/login/two-factor$"))
    page.goto("/admin/kim/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.goto("/login/two-factor")

    # A wrong code is refused, the right one lets the officer in.
    code_field = page.locator("input[name=code]")
    expect(code_field).to_have_attribute("autocomplete", "one-time-code")
    right = authenticator.at(fake_clock.now())
    code_field.fill("000000" if right != "000000" else "111111")
    page.locator("form button[type=submit]").click()
    expect(page.locator(".alert-danger")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login/two-factor$"))

    page.locator("input[name=code]").fill(right)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#user-menu")).to_contain_text(officer.full_name)
