"""The certificate of attendance: one A4 landscape PDF page per attendee, made with fpdf2.

Names are written with DejaVu Sans (a Unicode TrueType font Debian ships in ``fonts-dejavu-core``)
so "Siti Nur'aini", "Ngatiyem" or a name in another script print as typed. Where the font is
missing, fpdf2's built-in Helvetica is used, which knows Latin-1 only: accents are then dropped
(``é`` -> ``e``) and other characters become ``?``, so a certificate is always produced.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/local/share/fonts/truetype/dejavu"))
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"


@dataclass(frozen=True)
class CertificateText:
    """Everything printed, already translated and formatted by the caller."""

    heading: str  # "SERTIFIKAT"
    subheading: str  # "Diberikan kepada"
    name: str
    kim: str
    role_line: str  # "sebagai peserta"
    workshop: str
    details: str  # dates, venue
    issuer: str  # organiser / regency office
    number: str  # "No. ABCD2345"


def unicode_font() -> tuple[Path, Path] | None:
    for folder in FONT_DIRS:
        regular, bold = folder / REGULAR, folder / BOLD
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


def latin1(text: str) -> str:
    """``text`` as the built-in fonts can print it: Latin-1 kept, other accents dropped, the rest ``?``."""
    return "".join(_latin1_char(ch) for ch in text)


def _latin1_char(ch: str) -> str:
    if ord(ch) < 256:
        return ch
    base = "".join(part for part in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(part))
    return base if base and all(ord(part) < 256 for part in base) else "?"


def certificate_pdf(text: CertificateText, fonts: tuple[Path, Path] | bool | None = True) -> bytes:
    """The PDF bytes. ``fonts=True`` finds DejaVu; ``None`` forces the Latin-1 fallback (tests)."""
    found = unicode_font() if fonts is True else fonts
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(f"{text.heading} - {text.name}")
    pdf.set_creator("KIM Admin")
    if found:
        pdf.add_font("DejaVu", "", str(found[0]))
        pdf.add_font("DejaVu", "B", str(found[1]))
        family, clean = "DejaVu", str
    else:
        family, clean = "Helvetica", latin1
    pdf.add_page()
    width = pdf.w - 40

    pdf.set_draw_color(30, 80, 140)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, pdf.w - 28, pdf.h - 28)

    def line(value: str, size: int, style: str = "", gap: float = 4, height: float = 10) -> None:
        pdf.set_font(family, style, size)
        pdf.set_x(20)
        pdf.multi_cell(width, height, clean(value), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    pdf.set_y(32)
    pdf.set_text_color(30, 80, 140)
    line(text.heading, 34, "B", gap=2, height=14)
    pdf.set_text_color(80, 80, 80)
    line(text.number, 11, gap=8)
    pdf.set_text_color(0, 0, 0)
    line(text.subheading, 14, gap=2)
    line(text.name, 28, "B", gap=0, height=14)
    if text.kim:
        line(text.kim, 14, gap=6)
    line(text.role_line, 14, gap=0)
    line(text.workshop, 18, "B", gap=2, height=10)
    line(text.details, 12, gap=14, height=7)
    line(text.issuer, 12, height=7)
    return bytes(pdf.output())
