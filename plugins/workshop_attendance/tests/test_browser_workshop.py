"""In real Chromium: an officer registers a participant, checks them in by code at the door and
downloads their certificate.

Built on the test kit's browser fixtures (:mod:`kimadmin.testing.browser`): the live server sees
only committed rows, so the workshop made here is committed and removed again by
:func:`workshop_day` (the workshop and its registrations) before the kit puts the module switch
back, removes the KIM and users and checks that no table changed.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from kimadmin.plugin_api import Kim, db
from kimadmin.testing.browser import log_in
from kimadmin.testing.factories import KimFactory

from .. import seats
from ..models import Registration, Workshop
from .factories import PLUGIN, WONOSOBO, today

pytest_plugins = ["kimadmin.testing.browser"]  # live_server, Chromium, committed
pytestmark = pytest.mark.e2e


@dataclass
class WorkshopDay:
    workshop_id: int
    title: str
    kim_id: int
    kim_name: str
    officer: object


@pytest.fixture
def workshop_day(app, committed) -> Iterator[WorkshopDay]:
    officer = committed.user("operator", regency=WONOSOBO)
    committed.enable_plugin(PLUGIN, WONOSOBO)
    title = f"Workshop Literasi Digital {committed.token}"
    with app.app_context():
        try:
            kim = KimFactory(regency=WONOSOBO, name=committed.kim_name("KIM Sindoro"))
            workshop = Workshop(
                regency_code=WONOSOBO,
                title=title,
                starts_on=today(),
                venue="Aula Diskominfo Wonosobo",
                capacity=20,
                organiser="Diskominfo Kabupaten Wonosobo",
            )
            db.session.add(workshop)
            db.session.commit()
            data = WorkshopDay(workshop.id, title, kim.id, kim.name, officer)
        finally:
            db.session.remove()
    try:
        yield data
    finally:
        with app.app_context():
            try:
                db.session.execute(sa.delete(Registration).where(Registration.workshop_id == data.workshop_id))
                db.session.execute(sa.delete(Workshop).where(Workshop.id == data.workshop_id))
                db.session.commit()
            finally:
                db.session.remove()


def test_an_officer_registers_checks_in_and_prints_a_certificate(page: Page, app, workshop_day):
    log_in(page, workshop_day.officer)

    # Register: the workshop's participants, then a new registration for its KIM.
    page.goto(
        f"/admin/workshop_attendance/registration/new/?workshop={workshop_day.workshop_id}&kim={workshop_day.kim_id}"
    )
    page.locator("#participant_name").fill("Sri Rahayuningsih <b>")
    page.locator("#gender").select_option("P", force=True)  # under its select2 widget
    page.locator("#phone").fill("0812 3456 7890")
    page.locator("form.admin-form input[type=submit]").first.click()
    expect(page.locator(".alert-success.alert-dismissable").first).to_be_visible()
    row = page.locator("table.model-list tbody tr", has_text="Sri Rahayuningsih")
    expect(row).to_contain_text("Mendapat kursi")
    expect(row).to_contain_text(workshop_day.kim_name)
    with app.app_context():
        code = db.session.scalar(
            sa.select(Registration.code).where(Registration.workshop_id == workshop_day.workshop_id)
        )
        db.session.remove()
    expect(row).to_contain_text(code)

    # The door: the workshop list, its check-in screen, the code typed as printed (lower case, a dash).
    page.goto("/admin/workshop_attendance/workshop/")
    page.locator("table.model-list tbody tr", has_text=workshop_day.title).locator("a.wa-checkin-link").click()
    expect(page.locator("#wa-checkin h1")).to_contain_text(workshop_day.title)
    page.locator("#wa-code").fill(f"{code[:4].lower()}-{code[4:]}")
    page.locator("#wa-checkin-button").click()
    expect(page.locator(".alert-success.alert-dismissable")).to_contain_text("Selamat datang, Sri Rahayuningsih <b>")
    expect(page.locator("#wa-checkin-count")).to_contain_text("1 dari 1")
    expect(page.locator("#wa-last")).to_contain_text(code)

    # The certificate, from the participant list.
    page.locator("#wa-checkin a", has_text="Peserta").click()
    with page.expect_download() as download_info:
        page.locator("table.model-list tbody tr", has_text="Sri Rahayuningsih").locator("a.wa-certificate").click()
    pdf = download_info.value
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(pdf.path()).read_bytes())).pages)
    assert "Sri Rahayuningsih <b>" in text
    assert workshop_day.title in text and "SERTIFIKAT" in text


def test_the_tickets_print_and_all_certificates_download_from_the_workshop_row(page: Page, app, workshop_day):
    with app.app_context():
        try:
            workshop = db.session.get(Workshop, workshop_day.workshop_id)
            kim = db.session.get(Kim, workshop_day.kim_id)
            attendee = Registration(workshop=workshop, kim=kim, participant_name="Budi Hadir", gender="L")
            db.session.add(attendee)
            seats.place(attendee)
            seats.check_in(workshop, attendee.code, None)
            db.session.commit()
            code = attendee.code
        finally:
            db.session.remove()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, workshop_day.officer)
    page.goto("/admin/workshop_attendance/workshop/")
    row = page.locator("table.model-list tbody tr", has_text=workshop_day.title)

    row.locator("a.wa-tickets-link").click()
    ticket = page.locator(".wa-ticket", has_text="Budi Hadir")
    expect(ticket.locator("svg.segno")).to_be_visible()
    expect(ticket).to_contain_text(code)
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar").first).to_be_hidden()  # the print style sheet applies
    page.emulate_media(media="screen")

    page.go_back()
    with page.expect_download() as download_info:
        page.locator("table.model-list tbody tr", has_text=workshop_day.title).locator("a.wa-certificates-link").click()
    pages = PdfReader(io.BytesIO(Path(download_info.value.path()).read_bytes())).pages
    assert len(pages) == 1 and "Budi Hadir" in pages[0].extract_text()
    assert problems == []
