"""The certificate of attendance: one A4 landscape PDF page per attendee, made with fpdf2.

**Supported scripts.** Text is written with DejaVu Sans (a Unicode TrueType font Debian ships in
``fonts-dejavu-core``): Latin with every accent ("Siti Nur'aini", "Çelik", "Ōta"), Greek and
Cyrillic print as typed. DejaVu has no glyphs for Chinese, Japanese, Korean, Javanese (aksara
Jawa), Balinese, Thai or Devanagari, and its Arabic and Hebrew letters need right-to-left shaping
that fpdf2 does not do here. A certificate is a document: rather than print a name with holes or
letters in the wrong order, :func:`certificates_pdf` **refuses** with :class:`MissingGlyphs`,
naming the text and the characters, and the screen asks the officer to write the name in Latin
letters. Where DejaVu is not installed, fpdf2's built-in Helvetica is used, which knows Latin-1
only: accents outside it are dropped (``Ż`` -> ``Z``, documented) and any other character is
refused the same way.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

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


class MissingGlyphs(ValueError):
    """Some text holds characters the certificate's font cannot print.

    ``problems`` lists ``(text, characters)``: the whole text (a name, a KIM, a title...) and the
    characters in it that would be lost, each once, in order.
    """

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{text!r}: {chars!r}" for text, chars in problems))
        self.problems = problems


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


@lru_cache(maxsize=4)
def _codepoints(font: Path) -> frozenset[int]:
    """The characters ``font`` has a glyph for (its cmap table), read once per process."""
    from fontTools.ttLib import TTFont  # fpdf2's own dependency

    with TTFont(str(font), lazy=True) as ttf:
        return frozenset(ttf["cmap"].getBestCmap())


def unprintable(text: str, font: Path | None) -> str:
    """The characters of ``text`` the certificate cannot print, each once: not in ``font`` (or,
    with ``None``, not printable in Latin-1 even without its accent), or a right-to-left letter
    (printed unshaped and in the wrong order)."""
    codepoints = _codepoints(font) if font is not None else None
    found: dict[str, None] = {}
    for ch in text:
        if ch.isspace() or unicodedata.category(ch) == "Cc":
            continue
        missing = ord(ch) not in codepoints if codepoints is not None else _latin1_char(ch) == "?" != ch
        if missing or unicodedata.bidirectional(ch) in ("R", "AL"):
            found.setdefault(ch)
    return "".join(found)


def check_printable(texts: Sequence[CertificateText], font: Path | None) -> None:
    """Raise :class:`MissingGlyphs` listing every text of ``texts`` that would lose characters."""
    problems: dict[str, str] = {}
    for text in texts:
        for item in fields(text):
            value = getattr(text, item.name)
            if value and value not in problems:
                missing = unprintable(value, font)
                if missing:
                    problems[value] = missing
    if problems:
        raise MissingGlyphs(list(problems.items()))


def certificate_pdf(text: CertificateText, fonts: tuple[Path, Path] | bool | None = True) -> bytes:
    """One attendee's certificate (see :func:`certificates_pdf`)."""
    return certificates_pdf([text], fonts)


def certificates_pdf(texts: Sequence[CertificateText], fonts: tuple[Path, Path] | bool | None = True) -> bytes:
    """The PDF bytes: one page per certificate, in order (a whole workshop prints in one file).

    ``fonts=True`` finds DejaVu; ``None`` forces the Latin-1 fallback (tests). Raises
    :class:`MissingGlyphs` before anything is drawn if any text has characters the font lacks.
    """
    if not texts:
        raise ValueError("no certificate to print")
    found = unicode_font() if fonts is True else fonts
    check_printable(texts, found[0] if found else None)
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    first = texts[0]
    pdf.set_title(f"{first.heading} - {first.name}" if len(texts) == 1 else f"{first.heading} - {first.workshop}")
    pdf.set_creator("KIM Admin")
    if found:
        pdf.add_font("DejaVu", "", str(found[0]))
        pdf.add_font("DejaVu", "B", str(found[1]))
        family, clean = "DejaVu", str
    else:
        family, clean = "Helvetica", latin1
    for text in texts:
        _draw_page(pdf, text, family, clean)
    return bytes(pdf.output())


def _draw_page(pdf: FPDF, text: CertificateText, family: str, clean: Any) -> None:
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
