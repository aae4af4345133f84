"""The audit screens: who may read which entries, a record's History, security events, plugins."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from kimadmin.audit import AuditEntry
from kimadmin.testing.factories import ActivityFactory, KimFactory, make_user

KARANGANYAR, WONOSOBO = "33.13", "33.07"


_since = [0]


@pytest.fixture(autouse=True)
def _only_this_tests_entries(db_session):
    """Entries of this test only: the table is append-only, and browser tests commit for real."""
    _since[0] = db_session.scalar(sa.select(sa.func.max(AuditEntry.id))) or 0


def entries(db_session, **where: object) -> list[AuditEntry]:
    query = sa.select(AuditEntry).where(AuditEntry.id > _since[0]).order_by(AuditEntry.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEntry, name) == value)
    return list(db_session.scalars(query))


@pytest.fixture
def two_kims(db_session):
    """KIM Manteb (Karanganyar) and KIM Sindoro (Wonosobo), committed: one entry each."""
    manteb = KimFactory(name="KIM Manteb", regency=KARANGANYAR)
    sindoro = KimFactory(name="KIM Sindoro", regency=WONOSOBO)
    db_session.commit()
    return manteb, sindoro


# --- the change list -----------------------------------------------------------------------------
def test_a_regency_admin_sees_only_their_regencys_entries(make_client, wonosobo, two_kims, db_session):
    html = make_client(wonosobo.admin).get("/admin/audit_entry/?page_size=100").get_data(as_text=True)

    assert "KIM Sindoro" in html
    assert "KIM Manteb" not in html


def test_province_staff_see_the_entries_of_their_provinces_regencies(make_client, db_session, two_kims):
    ActivityFactory(title="Rakor di Bali", regency_code="51.03")  # Badung, Bali
    db_session.commit()
    client = make_client(make_user("provinsi", province="33"))

    html = client.get("/admin/audit_entry/?page_size=100").get_data(as_text=True)

    assert "KIM Sindoro" in html and "KIM Manteb" in html
    assert "Rakor di Bali" not in html


@pytest.mark.parametrize("role", ["operator", "viewer"])
def test_operators_and_viewers_cannot_open_the_audit(make_client, karanganyar, role):
    client = make_client(karanganyar.user(role))

    assert client.get("/admin/audit_entry/").status_code == 403
    assert client.get("/admin/auth_event/").status_code == 403


def test_an_entry_of_another_regency_is_not_found(make_client, wonosobo, two_kims, db_session):
    manteb_entry = entries(db_session, object_type="kim", object_id=str(two_kims[0].id))[0]

    response = make_client(wonosobo.admin).get(f"/admin/audit_entry/details/?id={manteb_entry.id}")

    assert response.status_code == 404
    assert "KIM Manteb" not in response.get_data(as_text=True)


def test_the_list_filters_by_record_type_and_action(make_client, karanganyar, db_session):
    KimFactory(name="KIM Saraswati", regency=KARANGANYAR)
    ActivityFactory(title="Sosialisasi Stunting", regency_code=KARANGANYAR)
    db_session.commit()
    client = make_client(karanganyar.admin)

    page = client.get("/admin/audit_entry/").get_data(as_text=True)
    only_kim = client.get("/admin/audit_entry/?flt0_0=kim").get_data(as_text=True)
    only_updates = client.get("/admin/audit_entry/?flt0_1=update").get_data(as_text=True)

    assert "KIM Saraswati" in page and "Sosialisasi Stunting" in page
    assert "KIM Saraswati" in only_kim and "Sosialisasi Stunting" not in only_kim
    assert "KIM Saraswati" not in only_updates


def test_the_export_neutralises_spreadsheet_formulas(make_client, karanganyar, db_session):
    KimFactory(name='=HYPERLINK("http://jahat.example")', regency=KARANGANYAR)
    db_session.commit()
    client = make_client(karanganyar.admin)

    response = client.get("/admin/audit_entry/export/csv/")

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    labels = [cell for row in rows[1:] for cell in row if "HYPERLINK" in cell and not cell.startswith("{")]
    assert labels and all(cell.startswith("'=") for cell in labels)


# --- a record's History -------------------------------------------------------------------------
def test_the_details_page_links_to_the_history_for_admins_only(make_client, karanganyar, db_session):
    activity = ActivityFactory(title="Rakor KIM", regency_code=KARANGANYAR)
    db_session.commit()
    path = f"/admin/activity/details/?id={activity.id}"

    admin_page = make_client(karanganyar.admin).get(path).get_data(as_text=True)
    operator_page = make_client(karanganyar.operator).get(path).get_data(as_text=True)

    assert f'href="/admin/audit_entry/history/activity/{activity.id}/"' in admin_page
    assert "audit-history-link" not in operator_page


def test_the_kim_page_links_to_its_history(make_client, karanganyar, two_kims):
    manteb = two_kims[0]

    html = make_client(karanganyar.admin).get(f"/admin/kim/details/?id={manteb.id}").get_data(as_text=True)

    assert f'href="/admin/audit_entry/history/kim/{manteb.id}/"' in html


def test_the_history_shows_the_records_entries(make_client, karanganyar, two_kims, db_session):
    manteb = two_kims[0]
    manteb.name = "KIM Manteb Jaya"
    db_session.commit()

    response = make_client(karanganyar.admin).get(f"/admin/audit_entry/history/kim/{manteb.id}/")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('class="audit-entry"') == 2
    assert 'data-action="create"' in html and 'data-action="update"' in html
    assert "KIM Manteb Jaya" in html


def test_another_regencys_admin_gets_404_on_a_records_history(make_client, wonosobo, two_kims):
    manteb = two_kims[0]

    response = make_client(wonosobo.admin).get(f"/admin/audit_entry/history/kim/{manteb.id}/")

    assert response.status_code == 404
    assert "KIM Manteb" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/admin/audit_entry/history/nothing/1/", "/admin/audit_entry/history/kim/abc/"])
def test_an_unknown_record_has_no_history(make_client, karanganyar, path):
    assert make_client(karanganyar.admin).get(path).status_code == 404


def test_a_deleted_record_keeps_its_history(make_client, karanganyar, db_session):
    activity = ActivityFactory(title="Rakor dihapus", regency_code=KARANGANYAR)
    db_session.commit()
    activity_id = activity.id
    db_session.delete(activity)
    db_session.commit()

    response = make_client(karanganyar.admin).get(f"/admin/audit_entry/history/activity/{activity_id}/")

    assert response.status_code == 200
    assert 'data-action="delete"' in response.get_data(as_text=True)


# --- users, logins, plugins ----------------------------------------------------------------------
def test_a_role_change_is_recorded_without_secrets(make_client, karanganyar, db_session):
    user = make_user("operator", regency=KARANGANYAR, email="operator.baru@karanganyar.example", full_name="Budi")
    db_session.commit()
    client = make_client(karanganyar.admin)

    response = client.post_form(
        f"/admin/user/edit/?id={user.id}",
        {"email": user.email, "full_name": "Budi", "role": "viewer", "active": "y", "password": ""},
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    changed = entries(db_session, object_type="user_account", object_id=str(user.id), action="role_change")
    assert len(changed) == 1
    assert changed[0].changes == {"role_name": ["operator", "viewer"]}
    assert changed[0].regency_code == KARANGANYAR
    every = str([entry.changes for entry in entries(db_session, object_type="user_account")])
    assert "password" not in every and "argon2" not in every and "totp" not in every
    details = client.get(f"/admin/user/details/?id={user.id}").get_data(as_text=True)
    assert f'href="/admin/audit_entry/history/user_account/{user.id}/"' in details


def test_logging_in_adds_no_audit_entry_but_shows_in_the_login_journal(make_client, karanganyar, wonosobo, db_session):
    before = len(entries(db_session))
    admin = make_client(karanganyar.admin)
    make_client(wonosobo.operator)

    journal = admin.get("/admin/auth_event/?page_size=100").get_data(as_text=True)

    assert len(entries(db_session)) == before
    assert "k***@karanganyar.example" not in journal  # e-mails are shown masked as stored
    assert "a***@karanganyar.example" in journal
    assert "o***@wonosobo.example" not in journal  # another regency's logins


def test_switching_a_plugin_on_and_off_is_recorded(make_client, karanganyar, db_session):
    client = make_client(karanganyar.admin)

    on = client.post_form("/admin/plugins/toggle/", {"plugin": "film_festival", "action": "enable"})
    off = client.post_form("/admin/plugins/toggle/", {"plugin": "film_festival", "action": "disable"})
    again = client.post_form("/admin/plugins/toggle/", {"plugin": "film_festival", "action": "disable"})

    assert (on.status_code, off.status_code, again.status_code) == (302, 302, 302)
    found = entries(db_session, object_type="plugin", object_id="film_festival")
    assert [entry.action for entry in found] == ["plugin_enable", "plugin_disable"]  # "already off": nothing
    assert {entry.regency_code for entry in found} == {KARANGANYAR}
    assert found[0].user_id == karanganyar.admin.id


def test_a_plugins_records_are_audited_like_the_cores(make_client, wonosobo, db_session):
    from kimadmin.testing.plugins import enable_plugin

    enable_plugin("film_festival", WONOSOBO)
    db_session.commit()
    client = make_client(wonosobo.admin)
    form = {
        "name": "Festival Film Pendek KIM Wonosobo",
        "year": "2025",
        "level": "kabupaten",
        "opens_on": "2025-07-01",
        "closes_on": "2025-08-31",
        "min_duration": "3:00",
        "max_duration": "10:00",
        "placing_labels": "Juara I\nJuara II\nJuara III",
        "criteria-0-name": "Tema & pesan",
        "criteria-0-weight": "100",
        "criteria-0-position": "1",
    }

    response = client.post_form("/admin/film_festival/edition/new/", form)

    assert response.status_code == 302, response.get_data(as_text=True)
    edition = entries(db_session, object_type="film_festival_edition")
    assert len(edition) == 1
    assert (edition[0].action, edition[0].regency_code) == ("create", WONOSOBO)
    assert edition[0].changes["name"] == [None, "Festival Film Pendek KIM Wonosobo"]
    assert edition[0].changes["max_duration"] == [None, 600]
    assert len(entries(db_session, object_type="film_festival_criterion")) == 1

    edition_id = int(edition[0].object_id)
    deleted = client.post_form(
        "/admin/film_festival/edition/delete/", {"id": edition_id, "url": "/admin/film_festival/edition/"}
    )
    assert deleted.status_code == 302
    gone = entries(db_session, object_type="film_festival_edition", object_id=str(edition_id), action="delete")
    assert len(gone) == 1 and gone[0].changes["name"] == ["Festival Film Pendek KIM Wonosobo", None]


def test_a_reused_id_shows_only_the_new_records_history(make_client, karanganyar, db_session):
    """SQLite may give a deleted record's id to a new one: the older record's entries stay out."""
    reused = 10**6
    for action in ("create", "delete"):
        db_session.add(
            AuditEntry(
                user_label="system",
                action=action,
                object_type="activity",
                object_id=str(reused),
                object_label="Rakor lama",
                regency_code=KARANGANYAR,
            )
        )
    ActivityFactory(id=reused, title="Rakor baru", regency_code=KARANGANYAR)
    db_session.commit()

    html = make_client(karanganyar.admin).get(f"/admin/audit_entry/history/activity/{reused}/").get_data(as_text=True)

    assert html.count('class="audit-entry"') == 1
    assert "Rakor baru" in html and "Rakor lama" not in html
