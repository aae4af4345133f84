"""The training speaks Indonesian from its own catalogue, and every string in it is translated."""

from __future__ import annotations

from pathlib import Path

from kimadmin.testing.plugins import catalogue_strings, enable_plugin, extracted_msgids

from .factories import KARANGANYAR, PLUGIN

PLUGIN_DIR = Path(__file__).resolve().parents[1]


def test_every_training_string_has_an_indonesian_translation_and_none_is_stale():
    translated = catalogue_strings(PLUGIN_DIR, "socmed_training")

    extracted = extracted_msgids(PLUGIN_DIR, "st_")

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
