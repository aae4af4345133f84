"""Rows the database deletes by itself (ON DELETE CASCADE, ``passive_deletes``) are audited too."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kimadmin.audit import AuditEntry
from kimadmin.audit.cascade import cascade_keys
from kimadmin.extensions import db
from kimadmin.testing.plugins import enable_plugin

workshop_models = pytest.importorskip("plugins.workshop_attendance.models")
factories = pytest.importorskip("plugins.workshop_attendance.tests.factories")
Registration, Workshop = workshop_models.Registration, workshop_models.Workshop
KARANGANYAR = factories.KARANGANYAR


def entries(object_type: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == object_type).order_by(AuditEntry.id))
    )


def test_deleting_a_workshop_records_each_registration_it_takes(make_client, karanganyar, db_session):
    enable_plugin("workshop_attendance", KARANGANYAR)
    workshop = factories.make_workshop(regency=KARANGANYAR, title="Workshop Literasi Digital")
    first = factories.register(workshop, name="Siti Aminah", phone="+6281234567890")
    second = factories.register(workshop, name="Budi Santoso", phone="+6285712345678")
    workshop_id, ids = workshop.id, {str(first.id), str(second.id)}
    db.session.commit()
    db.session.expunge_all()  # as in a fresh request: the registrations are not loaded

    response = make_client(karanganyar.admin).post_form(
        "/admin/workshop_attendance/workshop/delete/", {"id": workshop_id}
    )

    assert response.status_code == 302
    assert db.session.get(Workshop, workshop_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0
    deleted = [entry for entry in entries("workshop_attendance_registration") if entry.action == "delete"]
    assert {entry.object_id for entry in deleted} == ids
    assert {entry.object_label for entry in deleted} == {"Siti Aminah", "Budi Santoso"}
    for entry in deleted:
        assert entry.user_label == str(karanganyar.admin) and entry.regency_code == KARANGANYAR
        phone_before = entry.changes["phone"][0]
        assert phone_before and "+6281234567890" not in phone_before and "+6285712345678" not in phone_before
        assert entry.changes["participant_name"][1] is None
    workshop_entries = [entry for entry in entries("workshop_attendance_workshop") if entry.action == "delete"]
    assert [entry.object_id for entry in workshop_entries] == [str(workshop_id)]


def test_a_cascade_inside_a_rolled_back_flush_leaves_no_entry(db_session):
    workshop = factories.make_workshop(regency=KARANGANYAR)
    factories.register(workshop)
    db.session.commit()
    before = len(entries("workshop_attendance_registration"))

    with db.session.begin_nested() as savepoint:
        db.session.delete(workshop)
        db.session.flush()
        savepoint.rollback()

    db.session.commit()
    assert len(entries("workshop_attendance_registration")) == before


def test_every_cascading_key_to_an_audited_table_is_known(app):
    """The schema-wide rule covers core and plugin keys alike (no list to keep up to date)."""
    keys = cascade_keys(db.Model.registry)
    children = {key.child.__tablename__ for table_keys in keys.values() for key in table_keys}
    assert {"workshop_attendance_registration", "board_member", "film_festival_score"} <= children
