"""The workshop module speaks Indonesian from its own catalogue, and every string in it is translated."""

from __future__ import annotations

from pathlib import Path

from kimadmin.testing.plugins import catalogue_strings, enable_plugin, extracted_msgids

from .factories import WONOSOBO

PLUGIN_DIR = Path(__file__).resolve().parents[1]


def test_every_workshop_string_has_an_indonesian_translation_and_none_is_stale():
    translated = catalogue_strings(PLUGIN_DIR, "workshop_attendance")

    extracted = extracted_msgids(PLUGIN_DIR, "wa_")

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
