"""Certificates for attendees only, with the name in the PDF; tickets' QR codes hold the code."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from kimadmin.testing.plugins import enable_plugin

from .. import seats
from ..certificate import CertificateText, certificate_pdf, latin1
from .factories import PLUGIN, WONOSOBO, make_workshop, register

CERTIFICATE = "/admin/workshop_attendance/registration/certificate/"


@pytest.fixture
def officer(make_client, db_session, wonosobo):
    enable_plugin(PLUGIN, WONOSOBO)
    return make_client(wonosobo.operator)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_an_attendee_downloads_a_certificate_with_their_name(officer, db_session, wonosobo):
    workshop = make_workshop(title="Workshop Literasi Digital")
    attendee = register(workshop, name="Sri Rahayuningsih")
    seats.check_in(workshop, attendee.code, wonosobo.operator)

    response = officer.get(f"{CERTIFICATE}?id={attendee.id}")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    assert "Sri Rahayuningsih" in text
    assert "SERTIFIKAT" in text and "Workshop Literasi Digital" in text and attendee.code in text


def test_no_certificate_for_who_did_not_attend(officer, db_session):
    workshop = make_workshop(capacity=1)
    absent = register(workshop, name="Tidak Datang")
    waiting = register(workshop, name="Masih Antre")

    for registration in (absent, waiting):
        response = officer.get(f"{CERTIFICATE}?id={registration.id}")
        assert response.status_code == 403
        body = response.get_data(as_text=True)
        assert "Sertifikat hanya diberikan kepada peserta yang sudah check-in" in body
        assert not response.data.startswith(b"%PDF")
    assert officer.get(f"{CERTIFICATE}?id=999999").status_code == 404


def test_a_viewer_may_not_print_certificates(make_client, db_session, wonosobo):
    enable_plugin(PLUGIN, WONOSOBO)
    workshop = make_workshop()
    attendee = register(workshop)
    seats.check_in(workshop, attendee.code, wonosobo.operator)

    assert make_client(wonosobo.viewer).get(f"{CERTIFICATE}?id={attendee.id}").status_code == 403


def text_for(name: str) -> CertificateText:
    return CertificateText(
        "SERTIFIKAT", "diberikan kepada", name, "KIM Sindoro", "sebagai peserta", "Workshop", "", "", "No. X"
    )


def test_names_in_any_script_print_with_the_unicode_font():
    text = pdf_text(certificate_pdf(text_for("Ngatiyem Siti Nur'aini Çelik")))
    assert "Ngatiyem Siti Nur'aini Çelik" in text


def test_without_the_unicode_font_a_non_latin_name_does_not_break_the_certificate():
    data = certificate_pdf(text_for("Dewi 李娜 Żaneta"), fonts=None)

    assert data.startswith(b"%PDF")
    assert "Dewi ?? Zaneta" in pdf_text(data)
    assert latin1("Ságara Ōta") == "Ságara Ota"


def test_the_ticket_qr_code_is_a_png_holding_the_code(officer, db_session):
    workshop = make_workshop()
    registration = register(workshop)

    response = officer.get(f"/admin/workshop_attendance/registration/qr/?id={registration.id}")

    assert response.status_code == 200
    assert response.mimetype == "image/png" and response.data.startswith(b"\x89PNG")
    assert response.headers["Cache-Control"] == "private, no-store"
    details = officer.get(f"/admin/workshop_attendance/registration/details/?id={registration.id}").get_data(
        as_text=True
    )
    assert (
        f"/admin/workshop_attendance/registration/qr/?id={registration.id}" in details and registration.code in details
    )
