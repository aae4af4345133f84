"""Certificates for attendees only, with the name in the PDF; tickets' QR codes hold the code."""

from __future__ import annotations

import io

import pytest
import segno
from PIL import Image
from pypdf import PdfReader

from kimadmin.testing.plugins import enable_plugin

from .. import seats
from ..certificate import CertificateText, MissingGlyphs, certificate_pdf, latin1, unicode_font, unprintable
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


def test_latin_greek_and_cyrillic_names_print_as_typed():
    name = "Ngatiyem Siti Nur'aini Çelik Ōta Ελένη Людмила"

    assert name in " ".join(pdf_text(certificate_pdf(text_for(name))).split())  # (a long name wraps)


@pytest.mark.parametrize(
    "name, missing",
    [
        ("Dewi 李娜", "李娜"),  # Chinese: no glyphs in DejaVu Sans
        ("Siti ꦱꦶꦠꦶ", "ꦱꦶꦠ"),  # Javanese script (aksara Jawa)
        ("Aisyah عائشة", "عائشة"),  # Arabic (pegon): glyphs exist, but it would print unshaped, left to right
    ],
)
def test_a_name_the_font_cannot_print_is_refused_naming_the_characters(name, missing):
    with pytest.raises(MissingGlyphs) as refused:
        certificate_pdf(text_for(name))

    assert refused.value.problems == [(name, missing)]
    assert unprintable("Nur'aini Çelik Ελένη Людмила", unicode_font()[0]) == ""


def test_without_the_unicode_font_accents_are_dropped_and_other_scripts_refused():
    data = certificate_pdf(text_for("Żaneta Ságara Ōta"), fonts=None)

    assert "Zaneta Ságara Ota" in pdf_text(data)
    assert latin1("Ságara Ōta") == "Ságara Ota"
    with pytest.raises(MissingGlyphs) as refused:
        certificate_pdf(text_for("Dewi 李娜 Żaneta"), fonts=None)
    assert refused.value.problems == [("Dewi 李娜 Żaneta", "李娜")]


def test_the_screen_explains_a_name_the_certificate_cannot_print(officer, db_session, wonosobo):
    workshop = make_workshop()
    attendee = register(workshop, name="Dewi 李娜")
    seats.check_in(workshop, attendee.code, wonosobo.operator)

    response = officer.get(f"{CERTIFICATE}?id={attendee.id}")

    assert response.status_code == 422 and not response.data.startswith(b"%PDF")
    body = response.get_data(as_text=True)
    assert "Sertifikat tidak dapat dicetak" in body and "Dewi 李娜 (李娜)" in body and "huruf Latin" in body


def qr_modules(png: bytes, scale: int = 8, border: int = 2) -> list[list[bool]]:
    """The dark/light modules of a QR code image, read from the centre pixel of each module."""
    image = Image.open(io.BytesIO(png)).convert("L")
    size = image.width // scale - 2 * border
    centre = scale // 2
    return [
        [image.getpixel(((border + x) * scale + centre, (border + y) * scale + centre)) < 128 for x in range(size)]
        for y in range(size)
    ]


def test_the_ticket_qr_code_is_a_png_holding_the_code(officer, db_session):
    workshop = make_workshop()
    registration = register(workshop)
    other = register(workshop, name="Budi")

    response = officer.get(f"/admin/workshop_attendance/registration/qr/?id={registration.id}")

    assert response.status_code == 200
    assert response.mimetype == "image/png" and response.data.startswith(b"\x89PNG")
    assert response.headers["Cache-Control"] == "private, no-store"
    modules = qr_modules(response.data)
    expected = [[bool(bit) for bit in row] for row in segno.make(registration.code, error="m").matrix]
    assert modules == expected  # the symbol segno makes for exactly this code, module by module
    assert modules != [[bool(bit) for bit in row] for row in segno.make(other.code, error="m").matrix]
    details = officer.get(f"/admin/workshop_attendance/registration/details/?id={registration.id}").get_data(
        as_text=True
    )
    assert (
        f"/admin/workshop_attendance/registration/qr/?id={registration.id}" in details and registration.code in details
    )
