"""Rows that refer to a record without ON DELETE protect it: it does not go to the trash while
they exist, and the purge takes each batch on its own, so one that cannot go blocks no other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from kimadmin.extensions import db
from kimadmin.models import Kim
from kimadmin.testing.factories import BoardFactory, KimFactory, make_user
from kimadmin.testing.plugins import enable_plugin
from kimadmin.trash import INCLUDE_TRASHED
from kimadmin.trash.models import TrashBatch
from kimadmin.trash.service import move_to_trash, purge_older_than

from .test_trash import raw, trash_kim

workshop = pytest.importorskip("plugins.workshop_attendance.tests.factories")
socmed_models = pytest.importorskip("plugins.socmed_training.models")
Registration = pytest.importorskip("plugins.workshop_attendance.models").Registration
KARANGANYAR = "33.13"


def batches() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(TrashBatch))


def flashed(client, path: str = "/admin/kim/") -> str:
    return client.get(path).get_data(as_text=True)


def test_a_kim_with_workshop_registrations_is_not_trashed_and_the_message_names_them(
    make_client, karanganyar, db_session
):
    enable_plugin("workshop_attendance", KARANGANYAR)
    kim = KimFactory(name="KIM Manteb", regency=KARANGANYAR)
    event = workshop.make_workshop(regency=KARANGANYAR)
    for name in ("Ani", "Budi", "Citra"):
        workshop.register(event, name=name, kim=kim)
    session = socmed_models.TrainingSession(
        regency_code=KARANGANYAR,
        title="Pelatihan",
        held_on=datetime.now(UTC).date(),
        trainer="T",
        venue="V",
        topics="instagram",
    )
    db.session.add(session)
    db.session.add(socmed_models.Participant(session=session, kim=kim, name="Dewi"))
    db.session.flush()
    client = make_client(karanganyar.admin)
    client.switch_language("en")

    response = trash_kim(client, kim.id)

    assert response.status_code == 302
    page = flashed(client)
    assert "KIM Manteb is still referred to by other records" in page
    assert "Registrations: 3" in page and "Participants: 1" in page
    assert raw(Kim, kim.id).deleted_at is None and batches() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 3


def test_a_protected_kim_with_attachments_gets_no_confirmation_page_but_the_reason(
    make_client, karanganyar, db_session
):
    """Like Django's admin: what protects a record is said before any "delete" button is offered."""
    enable_plugin("workshop_attendance", KARANGANYAR)
    kim = KimFactory(name="KIM Manteb", regency=KARANGANYAR)
    BoardFactory(kim=kim)
    workshop.register(workshop.make_workshop(regency=KARANGANYAR), kim=kim)
    client = make_client(karanganyar.admin)
    client.switch_language("en")

    response = client.post_form("/admin/kim/delete/", {"id": kim.id, "url": "/admin/kim/"})

    assert response.status_code == 302
    page = flashed(client)
    assert "KIM Manteb is still referred to by other records (Registrations: 1)" in page
    assert raw(Kim, kim.id).deleted_at is None


def test_the_refusal_is_in_indonesian(make_client, karanganyar, db_session):
    enable_plugin("workshop_attendance", KARANGANYAR)
    kim = KimFactory(name="KIM Manteb", regency=KARANGANYAR)
    workshop.register(workshop.make_workshop(regency=KARANGANYAR), kim=kim)
    client = make_client(karanganyar.admin)

    trash_kim(client, kim.id)

    page = flashed(client)
    assert "KIM Manteb masih dirujuk oleh data lain" in page
    assert "is still referred to" not in page


def test_a_kim_whose_workshop_rows_only_point_at_it_goes_to_the_trash(make_client, karanganyar, db_session):
    """A workshop's target KIM is ON DELETE SET NULL: the workshop stays, the KIM may go."""
    kim = KimFactory(name="KIM Sasaran", regency=KARANGANYAR)
    workshop.make_workshop(regency=KARANGANYAR, target_kim=kim)

    trash_kim(make_client(karanganyar.admin), kim.id)

    assert raw(Kim, kim.id).deleted_at is not None


def test_purge_takes_each_batch_alone_and_reports_the_one_that_cannot_go(app, karanganyar, db_session):
    blocked = KimFactory(name="KIM Terkunci", regency=KARANGANYAR)
    free = KimFactory(name="KIM Bebas", regency=KARANGANYAR)
    blocked_id, free_id = blocked.id, free.id
    for kim in (blocked, free):
        move_to_trash(kim)
    # A row added while the KIM was in the trash (or written before this check existed).
    db.session.add(
        Registration(
            workshop=workshop.make_workshop(regency=KARANGANYAR),
            kim=blocked,
            participant_name="Eko",
            gender="L",
            status="waiting",
            code="LEGACY01",
        )
    )
    old = datetime.now(UTC) - timedelta(days=31)
    for batch in db.session.scalars(sa.select(TrashBatch)):
        batch.deleted_at = old
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["kim", "trash", "purge"])

    assert result.exit_code == 1, result.output
    assert "Purged 1 trash batches older than 30 days: 1 records (1 kim)" in result.output
    assert "Not purged" in result.output and "KIM Terkunci" in result.output
    assert raw(Kim, free_id) is None
    kept = raw(Kim, blocked_id)
    assert kept is not None and kept.deleted_at is not None
    assert db.session.get(TrashBatch, kept.trash_batch_id) is not None
    # Once the referring row is gone, the next purge takes it.
    db.session.execute(sa.delete(Registration).where(Registration.kim_id == blocked_id))
    db.session.commit()
    assert purge_older_than(30).batches == 1 and raw(Kim, blocked_id) is None


def test_purging_now_from_the_trash_screen_says_why_it_stayed(make_client, karanganyar, db_session):
    kim = KimFactory(name="KIM Terkunci", regency=KARANGANYAR)
    kim_id = kim.id
    move_to_trash(kim)
    db.session.add(
        Registration(
            workshop=workshop.make_workshop(regency=KARANGANYAR),
            kim=kim,
            participant_name="Eko",
            gender="L",
            status="waiting",
            code="LEGACY02",
        )
    )
    db.session.commit()
    batch_id = raw(Kim, kim_id).trash_batch_id
    superadmin = make_client(make_user("superadmin"))
    superadmin.switch_language("en", "/admin/trash/")

    response = superadmin.post_form("/admin/trash/purge/", {"id": batch_id})

    assert response.status_code == 302
    page = superadmin.get("/admin/trash/").get_data(as_text=True)
    assert "KIM Terkunci is still referred to by other records" in page
    statement = sa.select(Kim).where(Kim.id == kim_id).execution_options(**{INCLUDE_TRASHED: True})
    assert db.session.scalars(statement).one().deleted_at is not None
