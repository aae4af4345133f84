"""Trash and restore: deleting moves records (with what is attached) to the trash, out of sight
everywhere; restore brings back exactly that set; purge deletes for good, files included."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from kimadmin.extensions import db
from kimadmin.models import (
    Activity,
    ActivityParticipant,
    Award,
    Board,
    BoardMember,
    Decree,
    FkMetraGroup,
    Kim,
    MediaChannel,
)
from kimadmin.testing.factories import (
    ActivityFactory,
    ActivityParticipantFactory,
    AwardFactory,
    BoardFactory,
    BoardMemberFactory,
    DecreeFactory,
    FkMetraGroupFactory,
    KimFactory,
    MediaChannelFactory,
    make_user,
    minimal_pdf,
)
from kimadmin.trash import INCLUDE_TRASHED
from kimadmin.trash.models import TrashBatch


def figure(page: str, element_id: str) -> int:
    match = re.search(rf'id="{re.escape(element_id)}"[^>]*>\s*([\d.,]+)\s*<', page)
    assert match is not None, f"no figure #{element_id}"
    return int(match.group(1))


def raw(model, row_id):
    """The row as stored, trashed or not (what the screens never show)."""
    db.session.expire_all()
    statement = sa.select(model).where(model.id == row_id).execution_options(**{INCLUDE_TRASHED: True})
    return db.session.scalars(statement).one_or_none()


def live_count(model, *criteria) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*criteria))


def batch_of(row) -> TrashBatch:
    return db.session.get(TrashBatch, row.trash_batch_id)


@pytest.fixture
def manteb(db_session):
    """A KIM with a board (two members), a decree, a media channel, an award and a participation."""
    kim = KimFactory(name="KIM Manteb", regency="33.13")
    board = BoardFactory(kim=kim, term_end=date(2027, 12, 31))
    BoardMemberFactory(board=board, name="Sri Lestari")
    BoardMemberFactory(board=board, name="Joko Susilo")
    DecreeFactory(kim=kim, number="141/7/2024")
    MediaChannelFactory(kim=kim)
    AwardFactory(kim=kim)
    ActivityParticipantFactory(activity=ActivityFactory(regency_code="33.13"), kim=kim)
    db.session.flush()
    return kim


def trash_kim(client, kim_id):
    return client.post_form("/admin/kim/delete/", {"id": kim_id, "url": "/admin/kim/", "confirm": "yes"})


# --- deleting -----------------------------------------------------------------------------------


def test_deleted_kim_disappears_everywhere_and_is_in_the_trash(make_client, karanganyar, manteb):
    kim_id = manteb.id
    other = KimFactory(name="KIM Saraswati", regency="33.13")
    client = make_client(karanganyar.admin)
    before = client.get("/admin/").get_data(as_text=True)

    response = trash_kim(client, kim_id)

    assert response.status_code == 302
    listed = client.get("/admin/kim/").get_data(as_text=True)
    assert f"/admin/kim/details/?id={kim_id}" not in listed and "KIM Saraswati" in listed
    assert client.get(f"/admin/kim/details/?id={kim_id}").status_code == 404
    assert client.get(f"/admin/kim/edit/?id={kim_id}").status_code == 404
    after = client.get("/admin/").get_data(as_text=True)
    assert figure(after, "kim-total") == figure(before, "kim-total") - 1
    picked = client.get("/admin/decree/ajax/lookup/?name=kim&query=KIM").get_json()
    assert [row[1].split(" (")[0] for row in picked] == [other.name]
    exported = client.get("/admin/kim/export/csv/").get_data(as_text=True)
    assert "KIM Manteb" not in exported and "KIM Saraswati" in exported
    # What was attached is out of sight too, but kept.
    assert live_count(BoardMember) == 0 and live_count(Decree) == 0 and live_count(Award) == 0
    assert "Sri Lestari" not in client.get("/admin/board_member/").get_data(as_text=True)
    stored = raw(Kim, kim_id)
    assert stored.deleted_at is not None and stored.deleted_by == karanganyar.admin.id
    assert stored.deleted_at.tzinfo is not None or db.session.get_bind().dialect.name == "sqlite"
    trash = client.get("/admin/trash/").get_data(as_text=True)
    assert "KIM Manteb" in trash and karanganyar.admin.full_name in trash
    counts = batch_of(stored).counts
    assert counts == {
        "activity_participant": 1,
        "award": 1,
        "board": 1,
        "board_member": 2,
        "decree": 1,
        "media_channel": 1,
    }


def test_bulk_delete_and_other_screens_move_to_the_trash(make_client, karanganyar, db_session):
    kims = [KimFactory(name=f"KIM Kosong {i}", regency="33.13") for i in range(2)]
    activity = ActivityFactory(regency_code="33.13", title="Sosialisasi stunting")
    ActivityParticipantFactory(activity=activity, kim=KimFactory(name="KIM Peserta", regency="33.13"))
    group = FkMetraGroupFactory(name="Sanggar Ketoprak")
    decree = DecreeFactory(kim=KimFactory(name="KIM Ber-SK", regency="33.13"))
    ids = [kim.id for kim in kims]
    client = make_client(karanganyar.admin)

    client.post_form("/admin/kim/action/", {"action": "delete", "rowid": [str(i) for i in ids], "url": "/admin/kim/"})
    client.post_form("/admin/activity/delete/", {"id": activity.id})
    client.post_form("/admin/fkmetra_group/delete/", {"id": group.id})
    client.post_form("/admin/decree/delete/", {"id": decree.id})

    assert live_count(Kim, Kim.id.in_(ids)) == 0
    assert live_count(Activity, Activity.id == activity.id) == 0
    assert live_count(ActivityParticipant, ActivityParticipant.activity_id == activity.id) == 0
    assert live_count(FkMetraGroup, FkMetraGroup.id == group.id) == 0
    assert live_count(Decree, Decree.id == decree.id) == 0
    assert all(raw(Kim, i) is not None for i in ids)
    trash = client.get("/admin/trash/").get_data(as_text=True)
    for label in ("KIM Kosong 0", "KIM Kosong 1", "Sosialisasi stunting", "Sanggar Ketoprak", "KIM Ber-SK"):
        assert label in trash


# --- restoring ----------------------------------------------------------------------------------


def test_restore_brings_back_the_set_and_not_what_was_trashed_before(make_client, karanganyar, manteb):
    client = make_client(karanganyar.admin)
    kim_id = manteb.id
    earlier = BoardFactory(kim=manteb, term_end=date(2020, 12, 31))
    db.session.flush()
    earlier_id = earlier.id
    client.post_form("/admin/board/delete/", {"id": earlier_id})  # trashed on its own first
    trash_kim(client, kim_id)
    kim_batch = batch_of(raw(Kim, kim_id)).id

    page = client.get(f"/admin/trash/confirm/?id={kim_batch}&action=restore").get_data(as_text=True)
    assert "Pulihkan" in page and 'name="csrf_token"' in page
    assert raw(Kim, kim_id).deleted_at is not None  # the confirmation page changes nothing
    response = client.post_form("/admin/trash/restore/", {"id": kim_batch})

    assert response.status_code == 302
    assert client.get(f"/admin/kim/details/?id={kim_id}").status_code == 200
    assert live_count(Board, Board.kim_id == kim_id) == 1  # not the board trashed separately
    assert live_count(BoardMember) == 2
    assert live_count(Decree, Decree.kim_id == kim_id) == 1
    assert live_count(MediaChannel, MediaChannel.kim_id == kim_id) == 1
    assert live_count(Award, Award.kim_id == kim_id) == 1
    assert live_count(ActivityParticipant, ActivityParticipant.kim_id == kim_id) == 1
    restored = raw(Kim, kim_id)
    assert restored.deleted_at is None and restored.deleted_by is None and restored.trash_batch_id is None
    assert raw(Board, earlier_id).deleted_at is not None
    assert db.session.get(TrashBatch, kim_batch) is None
    # The separately trashed board can be restored now that its KIM is back.
    client.post_form("/admin/trash/restore/", {"id": batch_of(raw(Board, earlier_id)).id})
    assert live_count(Board, Board.kim_id == kim_id) == 2


def test_a_record_whose_kim_is_in_the_trash_is_not_restored_before_it(make_client, karanganyar, manteb):
    client = make_client(karanganyar.admin)
    client.switch_language("en")
    decree = DecreeFactory(kim=manteb, number="141/9/2025")
    db.session.flush()
    client.post_form("/admin/decree/delete/", {"id": decree.id})
    trash_kim(client, manteb.id)

    response = client.post_form(
        "/admin/trash/restore/", {"id": batch_of(raw(Decree, decree.id)).id}, follow_redirects=True
    )

    assert "while KIM KIM Manteb is in the trash" in response.get_data(as_text=True)
    assert raw(Decree, decree.id).deleted_at is not None


def test_a_kim_of_the_same_name_can_be_created_and_then_blocks_the_restore(make_client, karanganyar, manteb):
    client = make_client(karanganyar.admin)
    client.switch_language("en")
    village_code, kim_id = manteb.village_code, manteb.id
    trash_kim(client, kim_id)

    created = client.post_form("/admin/kim/new/", {"name": "KIM Manteb", "village": village_code, "status": "aktif"})
    assert created.status_code == 302
    assert live_count(Kim, Kim.name == "KIM Manteb") == 1

    response = client.post_form("/admin/trash/restore/", {"id": batch_of(raw(Kim, kim_id)).id}, follow_redirects=True)

    html = response.get_data(as_text=True)
    assert "cannot be restored: a record with the same name now exists" in html
    assert raw(Kim, kim_id).deleted_at is not None
    assert live_count(Kim, Kim.name == "KIM Manteb") == 1


# --- who may ------------------------------------------------------------------------------------


def test_another_regency_cannot_see_or_restore_and_a_viewer_cannot_restore(make_client, karanganyar, wonosobo, manteb):
    trash_kim(make_client(karanganyar.admin), manteb.id)
    batch_id = raw(Kim, manteb.id).trash_batch_id

    stranger = make_client(wonosobo.admin)
    assert "KIM Manteb" not in stranger.get("/admin/trash/").get_data(as_text=True)
    assert stranger.get(f"/admin/trash/confirm/?id={batch_id}&action=restore").status_code == 404
    assert stranger.post_form("/admin/trash/restore/", {"id": batch_id}).status_code == 404
    assert stranger.post_form("/admin/trash/restore/", {"id": "x"}).status_code == 404

    viewer = make_client(karanganyar.viewer)
    assert viewer.get("/admin/trash/").status_code == 403
    assert viewer.post_form("/admin/trash/restore/", {"id": batch_id}).status_code == 403
    assert make_client(karanganyar.operator).post_form("/admin/trash/restore/", {"id": batch_id}).status_code == 403
    # An admin of the regency may not purge; restoring needs the CSRF token.
    admin = make_client(karanganyar.admin)
    assert admin.post_form("/admin/trash/purge/", {"id": batch_id}).status_code == 403
    assert admin.post("/admin/trash/restore/", data={"id": batch_id}).status_code == 400
    assert raw(Kim, manteb.id).deleted_at is not None


# --- purging ------------------------------------------------------------------------------------


@pytest.fixture
def upload_dir(app, tmp_path, monkeypatch):
    folder = tmp_path / "uploads"
    folder.mkdir()
    monkeypatch.setitem(app.config, "KIMADMIN_UPLOAD_DIR", str(folder))
    return folder


def decree_with_pdf(kim, upload_dir, number="141/3/2019") -> tuple[Decree, object]:
    stored = upload_dir / f"{'ab' * 16}.pdf" if number == "141/3/2019" else upload_dir / f"{'cd' * 16}.pdf"
    stored.write_bytes(minimal_pdf())
    decree = DecreeFactory(kim=kim, number=number, pdf_path=stored.name, pdf_name="sk.pdf")
    db.session.flush()
    return decree, stored


def test_a_trashed_sk_keeps_its_pdf_until_a_superadmin_purges_it(make_client, karanganyar, manteb, upload_dir):
    decree, stored = decree_with_pdf(manteb, upload_dir)
    kim_id, decree_id = manteb.id, decree.id
    trash_kim(make_client(karanganyar.admin), kim_id)
    assert stored.exists()  # restorable: the file stays
    batch_id = raw(Kim, kim_id).trash_batch_id

    superadmin = make_client(make_user("superadmin"))
    page = superadmin.get(f"/admin/trash/confirm/?id={batch_id}&action=purge").get_data(as_text=True)
    assert 'action="/admin/trash/purge/"' in page and f'name="id" value="{batch_id}"' in page
    assert stored.exists()  # the confirmation page deletes nothing
    response = superadmin.post_form("/admin/trash/purge/", {"id": batch_id})

    assert response.status_code == 302
    assert not stored.exists()
    assert raw(Kim, kim_id) is None and raw(Decree, decree_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BoardMember)) == 0
    assert db.session.get(TrashBatch, batch_id) is None


def test_cli_purges_by_age_with_counts_and_files(app, make_client, karanganyar, manteb, upload_dir):
    decree, stored = decree_with_pdf(manteb, upload_dir)
    decree_id = decree.id
    recent = KimFactory(name="KIM Baru Dihapus", regency="33.13")
    recent_id = recent.id
    earlier_board = BoardFactory(kim=manteb, term_end=date(2019, 12, 31))
    db.session.flush()
    client = make_client(karanganyar.admin)
    client.post_form("/admin/board/delete/", {"id": earlier_board.id})
    trash_kim(client, manteb.id)
    trash_kim(client, recent.id)
    old = datetime.now(UTC) - timedelta(days=31)
    for batch_id in (raw(Kim, manteb.id).trash_batch_id, raw(Board, earlier_board.id).trash_batch_id):
        db.session.get(TrashBatch, batch_id).deleted_at = old
    db.session.flush()

    result = app.test_cli_runner().invoke(args=["kim", "trash", "purge"])

    assert result.exit_code == 0, result.output
    assert "Purged 2 trash batches older than 30 days" in result.output
    assert "1 kim" in result.output and "2 board" in result.output and "1 files" in result.output
    assert raw(Kim, manteb.id) is None and raw(Board, earlier_board.id) is None
    assert raw(Decree, decree_id) is None
    assert not stored.exists()
    kept = raw(Kim, recent_id)
    assert kept.deleted_at is not None  # deleted today: kept, and so is its batch
    assert db.session.get(TrashBatch, kept.trash_batch_id) is not None


def test_cli_keeps_everything_younger_than_the_configured_days(app, make_client, karanganyar, monkeypatch):
    kim = KimFactory(name="KIM Kemarin", regency="33.13")
    trash_kim(make_client(karanganyar.admin), kim.id)
    db.session.get(TrashBatch, raw(Kim, kim.id).trash_batch_id).deleted_at = datetime.now(UTC) - timedelta(days=10)
    db.session.flush()
    monkeypatch.setitem(app.config, "KIMADMIN_TRASH_DAYS", 14)

    kept = app.test_cli_runner().invoke(args=["kim", "trash", "purge"])
    purged = app.test_cli_runner().invoke(args=["kim", "trash", "purge", "--days", "7"])

    assert "Purged 0 trash batches older than 14 days" in kept.output
    assert "Purged 1 trash batches older than 7 days: 1 records (1 kim), 0 files." in purged.output
    assert raw(Kim, kim.id) is None
