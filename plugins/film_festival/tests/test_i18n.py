"""The festival speaks Indonesian from its own catalogue, and every string in it is translated."""

from __future__ import annotations

from pathlib import Path

from kimadmin.testing.plugins import catalogue_strings, enable_plugin, extracted_msgids

from .factories import WONOSOBO

PLUGIN_DIR = Path(__file__).resolve().parents[1]


def test_every_festival_string_has_an_indonesian_translation_and_none_is_stale():
    translated = catalogue_strings(PLUGIN_DIR, "film_festival")

    extracted = extracted_msgids(PLUGIN_DIR, "ff_")

    assert len(extracted) > 100
    assert sorted(msgid for msgid in extracted if not translated.get(msgid)) == []
    assert sorted(set(translated) - extracted) == []


def test_menu_and_screens_are_indonesian_by_default_and_english_on_request(make_client, wonosobo):
    enable_plugin("film_festival", WONOSOBO)
    client = make_client(wonosobo.operator)

    page = client.get("/admin/film_festival/submission/").get_data(as_text=True)
    assert "Festival Film" in page and "Judul film" in page

    client.post("/language/en", data={"csrf_token": client.csrf_token("/admin/"), "next": "/admin/"})
    page = client.get("/admin/film_festival/submission/").get_data(as_text=True)
    assert "Film festival" in page and "Film title" in page and "Judul film" not in page
