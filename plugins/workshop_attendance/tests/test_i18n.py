"""The workshop module speaks Indonesian from its own catalogue, and every string in it is translated."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from kimadmin.testing.plugins import enable_plugin

from .factories import WONOSOBO

PLUGIN_DIR = Path(__file__).resolve().parents[1]
CATALOGUE = PLUGIN_DIR / "translations" / "id" / "LC_MESSAGES" / "workshop_attendance.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "N_": None, "wa_": None}


def extracted_msgids() -> set[str]:
    messages = extract_from_dir(
        str(PLUGIN_DIR),
        method_map=[("tests/**", "ignore"), ("**.py", "python"), ("**/templates/**.html", "jinja2")],
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords=KEYWORDS,
    )
    return {message if isinstance(message, str) else message[0] for _file, _line, message, _c, _x in messages}


def test_every_workshop_string_has_an_indonesian_translation_and_none_is_stale():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="id")
    translated = {message.id: message.string for message in catalogue if message.id}

    extracted = extracted_msgids()

    assert len(extracted) > 80
    assert sorted(msgid for msgid in extracted if not translated.get(msgid)) == []
    assert sorted(set(translated) - extracted) == []


def test_menu_and_screens_are_indonesian_by_default_and_english_on_request(make_client, wonosobo):
    enable_plugin("workshop_attendance", WONOSOBO)
    client = make_client(wonosobo.operator)

    page = client.get("/admin/workshop_attendance/registration/").get_data(as_text=True)
    assert "Peserta" in page and "Kode tiket" in page

    client.post("/language/en", data={"csrf_token": client.csrf_token("/admin/"), "next": "/admin/"})
    page = client.get("/admin/workshop_attendance/registration/").get_data(as_text=True)
    assert "Participant" in page and "Ticket code" in page and "Kode tiket" not in page
