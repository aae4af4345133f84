"""Audit history: every change of a tenant record leaves exactly one entry, in its transaction."""

from __future__ import annotations

import json
from datetime import date
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from kimadmin.audit import SYSTEM, AuditEntry
from kimadmin.audit.model import AuditTampering
from kimadmin.models import Activity, Board, Kim, User
from kimadmin.personal_data import mask
from kimadmin.testing.factories import (
    BoardFactory,
    BoardMemberFactory,
    KimFactory,
    first_village,
    make_user,
)

KARANGANYAR, WONOSOBO = "33.13", "33.07"
PHONE, NEW_PHONE = "+6281234567890", "+6281320001111"


# --- helpers --------------------------------------------------------------------------------------
class _AdminForm(HTMLParser):
    """The values a browser would post from Flask-Admin's form (``form.admin-form``), unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attr = dict(attrs)
        if tag == "form":
            self._in_form = "admin-form" in (attr.get("class") or "")
        if not self._in_form:
            return
        name = attr.get("name")
        if tag == "input" and name:
            kind = attr.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            if kind == "checkbox":
                if "checked" in attr:
                    self.values[name] = attr.get("value") or "y"
                return
            self.values[name] = attr.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attr:
            self.values[self._select] = attr.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            if not self.values[self._textarea]:  # a browser drops the newline that opens a textarea
                data = data.removeprefix("\r\n") if data.startswith("\r\n") else data.removeprefix("\n")
            self.values[self._textarea] += data


def form_of(client, path: str) -> dict[str, str]:
    response = client.get(path)
    assert response.status_code == 200, path
    parser = _AdminForm()
    parser.feed(response.get_data(as_text=True))
    assert parser.values, f"no admin form on {path}"
    return parser.values


_since = [0]


@pytest.fixture(autouse=True)
def _only_this_tests_entries(db_session):
    """Entries of this test only: the table is append-only, and browser tests commit for real."""
    _since[0] = db_session.scalar(sa.select(sa.func.max(AuditEntry.id))) or 0


def entries(db_session, object_type: str | None = None, object_id: object = None) -> list[AuditEntry]:
    query = sa.select(AuditEntry).where(AuditEntry.id > _since[0]).order_by(AuditEntry.id)
    if object_type is not None:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == str(object_id))
    return list(db_session.scalars(query))


def only_entry(db_session, object_type: str, object_id: object) -> AuditEntry:
    found = entries(db_session, object_type, object_id)
    assert len(found) == 1, [(e.action, e.changes) for e in found]
    return found[0]


def superadmin() -> User:
    return make_user("superadmin", email="pusat@kominfo.example")


@pytest.fixture
def committed_kim(db_session):
    """A Karanganyar KIM committed before the test acts (its creation entry is the system's)."""
    kim = KimFactory(name="KIM Manteb", regency=KARANGANYAR, contact_phone=PHONE)
    db_session.commit()
    return kim


# --- create, update, delete of core records ------------------------------------------------------
def test_an_operator_creating_a_kim_leaves_one_entry_with_who_where_and_what(make_client, karanganyar, db_session):
    village = first_village(KARANGANYAR)
    operator = karanganyar.operator
    client = make_client(operator)

    response = client.post_form(
        "/admin/kim/new/",
        {"name": "KIM Tunas Harapan", "village": village.code, "status": "aktif", "contact_phone": "0812 3456 7890"},
        headers={"X-Request-ID": "uji-audit-0001"},
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    kim = db_session.scalar(sa.select(Kim).where(Kim.name == "KIM Tunas Harapan"))
    entry = only_entry(db_session, "kim", kim.id)
    assert (entry.action, entry.user_id, entry.user_label) == ("create", operator.id, str(operator))
    assert (entry.ip, entry.request_id, entry.regency_code) == ("127.0.0.1", "uji-audit-0001", KARANGANYAR)
    assert entry.object_label == "KIM Tunas Harapan"
    assert entry.changes["name"] == [None, "KIM Tunas Harapan"]
    assert entry.changes["village_code"] == [None, village.code]
    assert entry.changes["contact_phone"] == [None, mask("PHONE", PHONE)]
    assert PHONE not in json.dumps(entry.changes) and "081234567890" not in json.dumps(entry.changes)


def test_editing_a_kim_records_only_the_fields_that_changed(make_client, karanganyar, committed_kim, db_session):
    client = make_client(karanganyar.admin)
    form = form_of(client, f"/admin/kim/edit/?id={committed_kim.id}")

    response = client.post_form(f"/admin/kim/edit/?id={committed_kim.id}", {**form, "name": "KIM Manteb Jaya"})

    assert response.status_code == 302, response.get_data(as_text=True)
    update = [e for e in entries(db_session, "kim", committed_kim.id) if e.action != "create"]
    assert len(update) == 1
    assert update[0].action == "update"
    assert update[0].changes == {"name": ["KIM Manteb", "KIM Manteb Jaya"]}
    assert update[0].object_label == "KIM Manteb Jaya"


def test_saving_a_kim_unchanged_leaves_no_entry(make_client, karanganyar, committed_kim, db_session):
    client = make_client(karanganyar.admin)
    before = len(entries(db_session))
    form = form_of(client, f"/admin/kim/edit/?id={committed_kim.id}")

    response = client.post_form(f"/admin/kim/edit/?id={committed_kim.id}", form)

    assert response.status_code == 302, response.get_data(as_text=True)
    assert len(entries(db_session)) == before


def test_deleting_a_kim_moves_it_to_the_trash_with_one_entry(make_client, karanganyar, committed_kim, db_session):
    client = make_client(karanganyar.admin)

    response = client.post_form("/admin/kim/delete/", {"id": committed_kim.id, "url": "/admin/kim/"})

    assert response.status_code == 302
    trashed = [e for e in entries(db_session, "kim", committed_kim.id) if e.action != "create"]
    assert [e.action for e in trashed] == ["trash"]
    assert trashed[0].changes["deleted_at"][0] is None and trashed[0].changes["deleted_at"][1]


def test_a_restore_from_the_trash_is_recorded_as_such(db_session, committed_kim):
    from kimadmin.trash.service import move_to_trash, restore

    batch = move_to_trash(committed_kim)
    db_session.commit()
    restore(batch)
    db_session.commit()

    actions = [e.action for e in entries(db_session, "kim", committed_kim.id)]
    assert actions == ["create", "trash", "restore"]
    assert entries(db_session, "trash_batch") == []  # the trash's own bookkeeping is not audited


def test_a_board_members_phone_change_is_recorded_masked(make_client, karanganyar, db_session):
    member = BoardMemberFactory(
        board=BoardFactory(kim=KimFactory(regency=KARANGANYAR)), name="Siti Aminah", position="ketua", phone=PHONE
    )
    db_session.commit()
    client = make_client(karanganyar.admin)  # admins see and change personal data
    form = form_of(client, f"/admin/board_member/edit/?id={member.id}")

    response = client.post_form(f"/admin/board_member/edit/?id={member.id}", {**form, "phone": "0813-2000-1111"})

    assert response.status_code == 302, response.get_data(as_text=True)
    change = [e for e in entries(db_session, "board_member", member.id) if e.action == "update"]
    assert len(change) == 1
    assert change[0].changes == {"phone": [mask("PHONE", PHONE), mask("PHONE", NEW_PHONE)]}
    stored = json.dumps([e.changes for e in entries(db_session, "board_member", member.id)])
    assert PHONE not in stored and NEW_PHONE not in stored


def test_a_new_board_members_nik_and_birth_date_are_masked(db_session):
    member = BoardMemberFactory(
        board=BoardFactory(kim=KimFactory(regency=KARANGANYAR)),
        name="Budi",
        position="bendahara",
        nik="3313010101900001",
        birth_date=date(1990, 1, 1),
    )
    db_session.commit()

    entry = only_entry(db_session, "board_member", member.id)
    assert entry.changes["nik"] == [None, mask("NIK", "3313010101900001")]
    assert entry.changes["birth_date"] == [None, mask("BIRTH_DATE", "1990-01-01")]
    assert "3313010101900001" not in json.dumps(entry.changes) and "1990-01-01" not in json.dumps(entry.changes)


def test_an_activity_is_audited_through_create_update_and_trash(make_client, karanganyar, db_session):
    client = make_client(karanganyar.admin)

    created = client.post_form(
        "/admin/activity/new/", {"kind": "rakor", "title": "Rakor KIM Oktober", "start_on": "2024-10-03"}
    )
    activity = db_session.scalar(sa.select(Activity).where(Activity.title == "Rakor KIM Oktober"))
    form = form_of(client, f"/admin/activity/edit/?id={activity.id}")
    edited = client.post_form(f"/admin/activity/edit/?id={activity.id}", {**form, "place": "Pendopo Rumah Dinas"})
    deleted = client.post_form("/admin/activity/delete/", {"id": activity.id, "url": "/admin/activity/"})

    assert (created.status_code, edited.status_code, deleted.status_code) == (302, 302, 302)
    found = entries(db_session, "activity", activity.id)
    assert [e.action for e in found] == ["create", "update", "trash"]
    assert found[0].changes["title"] == [None, "Rakor KIM Oktober"]
    assert found[0].regency_code == KARANGANYAR
    assert found[1].changes == {"place": [None, "Pendopo Rumah Dinas"]}


def test_a_plain_delete_records_the_values_it_removed(db_session):
    board = BoardFactory(kim=KimFactory(regency=KARANGANYAR), notes="Periode pertama")
    db_session.commit()
    board_id = board.id

    db_session.delete(board)
    db_session.commit()

    deleted = [e for e in entries(db_session, "board", board_id) if e.action == "delete"]
    assert len(deleted) == 1
    assert deleted[0].changes["notes"] == ["Periode pertama", None]
    assert deleted[0].user_label == SYSTEM


# --- one transaction, one entry per record --------------------------------------------------------
def test_writes_outside_a_request_are_the_systems(db_session):
    kim = KimFactory(regency=WONOSOBO)
    db_session.commit()

    entry = only_entry(db_session, "kim", kim.id)
    assert (entry.user_id, entry.user_label, entry.ip, entry.request_id) == (None, SYSTEM, None, None)
    assert entry.regency_code == WONOSOBO


def test_several_flushes_of_one_save_give_one_entry_with_the_net_change(db_session):
    kim = KimFactory(name="KIM Awal", regency=KARANGANYAR)  # flushed: inserted
    kim.name = "KIM Akhir"
    db_session.flush()
    kim.notes = "Catatan"
    db_session.commit()

    entry = only_entry(db_session, "kim", kim.id)
    assert entry.action == "create"
    assert entry.changes["name"] == [None, "KIM Akhir"]
    assert entry.changes["notes"] == [None, "Catatan"]


def test_a_record_created_and_removed_in_one_transaction_leaves_nothing(db_session):
    board = BoardFactory(kim=KimFactory(regency=KARANGANYAR))
    board_id = board.id
    db_session.delete(board)
    db_session.commit()

    assert entries(db_session, "board", board_id) == []


def test_a_failed_save_leaves_no_entry(db_session, committed_kim):
    before = len(entries(db_session))
    committed_kim.name = "KIM Gagal"
    db_session.add(Board(kim=committed_kim, term_start=date(2024, 1, 1), term_end=date(2020, 1, 1)))  # bad term

    with pytest.raises(IntegrityError):
        db_session.commit()
    db_session.rollback()

    assert len(entries(db_session)) == before
    assert db_session.get(Kim, committed_kim.id).name == "KIM Manteb"


def test_a_rolled_back_savepoint_drops_its_entries_and_keeps_the_others(db_session, committed_kim):
    committed_kim.name = "KIM Manteb Baru"
    try:
        with db_session.begin_nested():
            committed_kim.notes = "dibatalkan"
            db_session.flush()
            raise RuntimeError("row refused")
    except RuntimeError:
        pass
    db_session.commit()

    update = [e for e in entries(db_session, "kim", committed_kim.id) if e.action == "update"]
    assert len(update) == 1
    assert update[0].changes == {"name": ["KIM Manteb", "KIM Manteb Baru"]}


def test_long_text_is_cut(db_session):
    kim = KimFactory(regency=KARANGANYAR, notes="x" * 5000)
    db_session.commit()

    stored = only_entry(db_session, "kim", kim.id).changes["notes"][1]
    assert 400 <= len(stored) <= 500 and stored.endswith("…")


def test_an_edit_costs_at_most_one_statement_more(make_client, karanganyar, committed_kim, count_queries, db_session):
    from kimadmin.audit import capture

    client = make_client(karanganyar.admin)
    path = f"/admin/kim/edit/?id={committed_kim.id}"

    def timed_edit(name: str) -> tuple[int, int]:
        form = form_of(client, path)
        with count_queries() as counter:
            response = client.post_form(path, {**form, "name": name})
        assert response.status_code == 302, response.get_data(as_text=True)
        return len(counter), sum("audit_entry" in statement for statement in counter.statements)

    with capture.suspended():
        without_audit, _none = timed_edit("KIM Manteb Satu")
    with_audit, audit_statements = timed_edit("KIM Manteb Dua")

    assert len([e for e in entries(db_session, "kim", committed_kim.id) if e.action == "update"]) == 1
    assert audit_statements == 1  # one INSERT, whatever the number of rows
    assert with_audit - without_audit <= 1, (without_audit, with_audit)


# --- append-only --------------------------------------------------------------------------------
def test_entries_cannot_be_changed_or_deleted_through_the_orm(db_session, committed_kim):
    entry = entries(db_session, "kim", committed_kim.id)[0]

    entry.object_label = "dipalsukan"
    with pytest.raises(AuditTampering):
        db_session.flush()
    db_session.rollback()
    db_session.delete(db_session.get(AuditEntry, entry.id))
    with pytest.raises(AuditTampering):
        db_session.flush()
    db_session.rollback()


def test_the_audit_screens_offer_no_way_to_change_entries(make_client, karanganyar, committed_kim, db_session):
    entry = entries(db_session, "kim", committed_kim.id)[0]
    client = make_client(superadmin())

    assert client.get("/admin/audit_entry/new/").status_code == 403
    assert client.get(f"/admin/audit_entry/edit/?id={entry.id}").status_code == 403
    assert client.post_form("/admin/audit_entry/delete/", {"id": entry.id}).status_code == 403
    assert client.post_form("/admin/audit_entry/action/", {"action": "delete", "rowid": entry.id}).status_code == 403
    assert client.post_form("/admin/auth_event/delete/", {"id": 1}).status_code == 403
    assert db_session.get(AuditEntry, entry.id) is not None
