"""A plugin switched off for a regency: its rows' audit entries are out of the core's audit screens
there (list, details, history, record-type filter), like its own screens; on again, they are back."""

from __future__ import annotations

import html
import json
import re

import pytest
import sqlalchemy as sa

from kimadmin.audit import AuditEntry
from kimadmin.extensions import db
from kimadmin.testing.factories import ActivityFactory
from kimadmin.testing.plugins import disable_plugin, enable_plugin

workshop = pytest.importorskip("plugins.workshop_attendance.tests.factories")
PLUGIN, KARANGANYAR = "workshop_attendance", "33.13"
TITLE = "Workshop Rahasia Modul"


def type_options(page: str) -> set[str]:
    """The values the record-type filter offers (Flask-Admin keeps its filters as JSON in the page)."""
    data = re.search(r'<div id="filter-groups-data"[^>]*>(.*?)</div>', page, re.S)
    assert data is not None
    groups = json.loads(html.unescape(data.group(1)))
    return {value for items in groups.values() for item in items for value, _label in item["options"] or ()}


def entry_of(object_type: str) -> AuditEntry:
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == object_type)).first()


@pytest.fixture
def entries(karanganyar, db_session):
    enable_plugin(PLUGIN, KARANGANYAR)
    event = workshop.make_workshop(regency=KARANGANYAR, title=TITLE)
    ActivityFactory(title="Rakor KIM Inti", regency_code=KARANGANYAR)
    db.session.commit()
    return event, entry_of("workshop_attendance_workshop"), entry_of("activity")


def test_a_switched_off_plugin_s_entries_are_hidden_and_come_back(make_client, karanganyar, entries):
    event, plugin_entry, core_entry = entries
    client = make_client(karanganyar.admin)
    history = f"/admin/audit_entry/history/workshop_attendance_workshop/{event.id}/"
    details = f"/admin/audit_entry/details/?id={plugin_entry.id}"
    listed = client.get("/admin/audit_entry/").get_data(as_text=True)
    assert TITLE in listed and "workshop_attendance_workshop" in type_options(listed)
    assert client.get(history).status_code == 200 and client.get(details).status_code == 200

    disable_plugin(PLUGIN, KARANGANYAR)
    db.session.commit()

    listed = client.get("/admin/audit_entry/").get_data(as_text=True)
    assert "Rakor KIM Inti" in listed  # the core's entries stay
    assert TITLE not in listed
    assert "workshop_attendance_workshop" not in type_options(listed) and "activity" in type_options(listed)
    assert TITLE not in client.get("/admin/audit_entry/?flt0_0=workshop_attendance_workshop").get_data(as_text=True)
    assert client.get(details).status_code == 404
    assert client.get(history).status_code == 404
    assert client.get(f"/admin/audit_entry/details/?id={core_entry.id}").status_code == 200
    exported = client.get("/admin/audit_entry/export/csv/").get_data(as_text=True)
    assert "Rakor KIM Inti" in exported and TITLE not in exported

    enable_plugin(PLUGIN, KARANGANYAR)
    db.session.commit()
    assert TITLE in client.get("/admin/audit_entry/").get_data(as_text=True)


def test_another_regency_with_the_plugin_on_does_not_unhide_them(make_client, karanganyar, wonosobo, entries):
    enable_plugin(PLUGIN, "33.07")
    disable_plugin(PLUGIN, KARANGANYAR)
    db.session.commit()

    listed = make_client(karanganyar.admin).get("/admin/audit_entry/").get_data(as_text=True)

    assert TITLE not in listed
