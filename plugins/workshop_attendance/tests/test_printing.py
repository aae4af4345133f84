"""Printing for the day from the workshop's row: every ticket on one page, every certificate in one PDF."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from kimadmin.testing.plugins import enable_plugin

from .. import seats
from .factories import KARANGANYAR, PLUGIN, WONOSOBO, make_workshop, register

WORKSHOPS = "/admin/workshop_attendance/workshop/"


@pytest.fixture
def officer(make_client, db_session, wonosobo):
    enable_plugin(PLUGIN, WONOSOBO)
    return make_client(wonosobo.operator)


@pytest.fixture
def workshop_day(db_session, wonosobo):
    """Three seats: two attend, one does not; one more waits; one cancelled."""
    workshop = make_workshop(title="Workshop Literasi Digital", capacity=3)
    people = {name: register(workshop, name=name) for name in ("Ani Lestari", "Budi Santoso", "Citra Dewi")}
    people["Dodi Antre"] = register(workshop, name="Dodi Antre")  # waiting
    seats.cancel(people["Citra Dewi"].id)  # Dodi moves up, Citra is cancelled
    people["Eka Antre"] = register(workshop, name="Eka Antre")  # waiting
    for name in ("Ani Lestari", "Budi Santoso"):
        seats.check_in(workshop, people[name].code, wonosobo.operator)
    return workshop, people


def test_the_workshop_row_links_to_tickets_and_certificates(officer, workshop_day):
    workshop, _people = workshop_day
    page = officer.get(WORKSHOPS).get_data(as_text=True)

    assert f"{WORKSHOPS}tickets/?id={workshop.id}" in page
    assert f"{WORKSHOPS}certificates/?id={workshop.id}" in page


def test_the_tickets_page_has_every_seat_holders_qr_code_name_and_code(officer, workshop_day):
    workshop, people = workshop_day

    response = officer.get(f"{WORKSHOPS}tickets/?id={workshop.id}")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    tickets = page.split('<div class="wa-ticket">')[1:]
    assert len(tickets) == 3  # Ani, Budi and Dodi (moved up); not the cancelled nor the waiting
    for name in ("Ani Lestari", "Budi Santoso", "Dodi Antre"):
        ticket = next(t for t in tickets if name in t)
        assert people[name].code in ticket and "<svg" in ticket
    for name in ("Citra Dewi", "Eka Antre"):
        assert name not in page and people[name].code not in page
    assert "1 peserta di daftar tunggu belum mendapat tiket" in page
    # Print CSS from the plugin's own static file; no inline script (the CSP runs files and nonce-tagged ones).
    assert "/workshop_attendance/static/tickets.css" in page
    scripts = re.findall(r"<script[^>]*>", page)
    assert all("src=" in tag or "nonce=" in tag or 'type="application/json"' in tag for tag in scripts)
    css = officer.get("/workshop_attendance/static/tickets.css")
    assert css.status_code == 200 and b"@media print" in css.data


def pdf_pages(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def test_one_pdf_holds_a_certificate_page_per_attendee_and_nobody_else(officer, workshop_day):
    workshop, people = workshop_day

    response = officer.get(f"{WORKSHOPS}certificates/?id={workshop.id}")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    pages = pdf_pages(response.data)
    assert len(pages) == 2  # the two checked in
    assert "Ani Lestari" in pages[0] and people["Ani Lestari"].code in pages[0]
    assert "Budi Santoso" in pages[1] and people["Budi Santoso"].code in pages[1]
    everything = "\n".join(pages)
    for name in ("Citra Dewi", "Dodi Antre", "Eka Antre"):
        assert name not in everything
    assert all("SERTIFIKAT" in page and "Workshop Literasi Digital" in page for page in pages)


def test_no_certificates_before_anyone_is_checked_in(officer, db_session):
    workshop = make_workshop()
    register(workshop, name="Belum Datang")

    response = officer.get(f"{WORKSHOPS}certificates/?id={workshop.id}")

    assert response.status_code == 403 and not response.data.startswith(b"%PDF")
    assert "Belum ada peserta yang check-in di workshop ini" in response.get_data(as_text=True)


def test_one_unprintable_name_stops_the_whole_file_with_the_reason(officer, db_session, wonosobo):
    workshop = make_workshop()
    for name in ("Ani Lestari", "Dewi 李娜"):
        seats.check_in(workshop, register(workshop, name=name).code, wonosobo.operator)

    response = officer.get(f"{WORKSHOPS}certificates/?id={workshop.id}")

    assert response.status_code == 422 and not response.data.startswith(b"%PDF")
    assert "Dewi 李娜 (李娜)" in response.get_data(as_text=True)


def test_viewers_see_tickets_but_print_no_certificates_and_other_regencies_see_nothing(
    make_client, workshop_day, wonosobo, karanganyar
):
    workshop, _people = workshop_day
    enable_plugin(PLUGIN, WONOSOBO)
    enable_plugin(PLUGIN, KARANGANYAR)
    viewer = make_client(wonosobo.viewer)
    stranger = make_client(karanganyar.admin)

    assert viewer.get(f"{WORKSHOPS}tickets/?id={workshop.id}").status_code == 200
    assert viewer.get(f"{WORKSHOPS}certificates/?id={workshop.id}").status_code == 403
    assert stranger.get(f"{WORKSHOPS}tickets/?id={workshop.id}").status_code == 404
    assert stranger.get(f"{WORKSHOPS}certificates/?id={workshop.id}").status_code == 404
