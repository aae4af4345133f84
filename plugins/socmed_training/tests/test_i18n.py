"""The training speaks Indonesian from its own catalogue, and every string in it is translated."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from kimadmin.testing.plugins import enable_plugin

from .factories import KARANGANYAR, PLUGIN

PLUGIN_DIR = Path(__file__).resolve().parents[1]
CATALOGUE = PLUGIN_DIR / "translations" / "id" / "LC_MESSAGES" / "socmed_training.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "N_": None, "st_": None}


def extracted_msgids() -> set[str]:
    messages = extract_from_dir(
        str(PLUGIN_DIR),
        method_map=[("tests/**", "ignore"), ("**.py", "python"), ("**/templates/**.html", "jinja2")],
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords=KEYWORDS,
    )
    return {message if isinstance(message, str) else message[0] for _file, _line, message, _c, _x in messages}


def test_every_festival_string_has_an_indonesian_translation_and_none_is_stale():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="id")
    translated = {message.id: message.string for message in catalogue if message.id}

    extracted = extracted_msgids()

    assert len(extracted) > 70
    assert sorted(msgid for msgid in extracted if not translated.get(msgid)) == []
    assert sorted(set(translated) - extracted) == []


def test_menu_and_screens_are_indonesian_by_default_and_english_on_request(make_client, karanganyar):
    enable_plugin(PLUGIN, KARANGANYAR)
    client = make_client(karanganyar.operator)

    page = client.get("/admin/socmed_training/account_log/").get_data(as_text=True)
    assert "Pelatihan media sosial" in page and "Unggahan per bulan" in page

    client.post("/language/en", data={"csrf_token": client.csrf_token("/admin/"), "next": "/admin/"})
    page = client.get("/admin/socmed_training/account_log/").get_data(as_text=True)
    assert "Social-media training" in page and "Posts per month" in page and "Unggahan per bulan" not in page
