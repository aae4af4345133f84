"""Two officers editing the same record: the second save is refused with what changed, never
a silent overwrite (optimistic locking on a ``version`` column, carried by the edit form)."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from kimadmin.extensions import db
from kimadmin.models import Decree, Kim
from kimadmin.testing.factories import DecreeFactory, KimFactory

VERSION = re.compile(r'<input[^>]*name="row_version"[^>]*value="(\d+)"|<input[^>]*value="(\d+)"[^>]*name="row_version"')


def opened_version(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    match = VERSION.search(html)
    assert match is not None, "the edit form carries no version"
    return match.group(1) or match.group(2)


def kim_form(kim: Kim, version: str, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": kim.name,
        "village": kim.village_code,
        "status": kim.status,
        "address": kim.address or "",  # a browser posts every field, as it was when the form opened
        "contact_name": kim.contact_name or "",
        "status_changed_on": date.today().isoformat(),
        "row_version": version,
    }
    data.update(changes)
    return data


def stored(kim_id: int) -> Kim:
    db.session.expire_all()
    return db.session.get(Kim, kim_id)


@pytest.fixture
def kim(db_session):
    return KimFactory(name="KIM Manteb", regency="33.13", contact_name="Bu Sri")


def test_the_second_save_is_refused_with_the_differences(make_client, karanganyar, kim):
    url = f"/admin/kim/edit/?id={kim.id}"
    first, second = make_client(karanganyar.operator), make_client(karanganyar.admin)
    second.switch_language("en")
    first_version, second_version = opened_version(first, url), opened_version(second, url)
    assert first_version == second_version == "1"

    saved = first.post_form(url, kim_form(kim, first_version, name="KIM Manteb Jaya", address="Jl. Lawu 1"))
    refused = second.post_form(url, kim_form(kim, second_version, name="KIM Manteb Baru", contact_name="Pak Joko"))

    assert saved.status_code == 302
    assert refused.status_code == 200
    html = refused.get_data(as_text=True)
    assert "Someone else saved this record after you opened it" in html
    table = html.split('id="edit-conflict-fields"')[1].split("</table>")[0]
    rows = [re.findall(r"<td>(.*?)</td>", row) for row in table.split("<tr>")[2:]]
    assert ["KIM name", "KIM Manteb Baru", "KIM Manteb Jaya"] in rows
    assert ["Contact person", "Pak Joko", "Bu Sri"] in rows
    assert ["Secretariat address", "", "Jl. Lawu 1"] in rows
    assert 'value="KIM Manteb Baru"' in html  # their values are kept in the form
    now = stored(kim.id)
    assert (now.name, now.address, now.contact_name, now.version) == ("KIM Manteb Jaya", "Jl. Lawu 1", "Bu Sri", 2)
    # The form now carries the current version: saving again is a deliberate choice, and works.
    assert VERSION.search(html).group(1) == "2" or VERSION.search(html).group(2) == "2"
    again = second.post_form(url, kim_form(now, "2", name="KIM Manteb Baru", address="Jl. Lawu 1"))
    assert again.status_code == 302
    assert stored(kim.id).name == "KIM Manteb Baru"


def test_a_save_without_anyone_else_goes_through_and_bumps_the_version(make_client, karanganyar, kim):
    url = f"/admin/kim/edit/?id={kim.id}"
    client = make_client(karanganyar.operator)

    response = client.post_form(url, kim_form(kim, opened_version(client, url), address="Jl. Lawu 2"))

    assert response.status_code == 302
    assert (stored(kim.id).address, stored(kim.id).version) == ("Jl. Lawu 2", 2)


def test_conflicts_on_other_versioned_screens(make_client, karanganyar, kim):
    decree = DecreeFactory(kim=kim, number="141/1/2024")
    db.session.flush()
    url = f"/admin/decree/edit/?id={decree.id}"
    first, second = make_client(karanganyar.operator), make_client(karanganyar.admin)
    version = opened_version(first, url)
    assert opened_version(second, url) == version
    base = {
        "kim": kim.id,
        "kind": decree.kind,
        "number": decree.number,
        "issued_on": decree.issued_on.isoformat(),
        "issuer": decree.issuer,
        "term_start": decree.term_start.isoformat(),
        "term_end": decree.term_end.isoformat(),
        "row_version": version,
    }

    assert first.post_form(url, {**base, "subject": "Pengukuhan"}).status_code == 302
    refused = second.post_form(url, {**base, "subject": "Perubahan"})

    assert refused.status_code == 200 and 'id="edit-conflict"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Decree, decree.id).subject == "Pengukuhan"


def test_the_database_refuses_an_update_based_on_an_old_version(db_session, kim):
    """The last line of defence (a save racing between the form check and the commit)."""
    kim_id = kim.id
    db.session.execute(sa.update(Kim.__table__).where(Kim.__table__.c.id == kim_id).values(version=5, name="Lain"))
    kim.name = "Ditimpa"  # the session still believes version 1

    with pytest.raises(StaleDataError):
        db.session.flush()
    db.session.rollback()


@pytest.fixture
def inline_editing(app, monkeypatch):
    """The KIM list with x-editable inline editing of the name switched on."""
    view = next(v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", None) == "kim")
    monkeypatch.setattr(view, "column_editable_list", ("name",))
    view._refresh_forms_cache()
    yield view
    monkeypatch.undo()
    view._refresh_forms_cache()


def test_inline_list_edit_needs_the_current_version(make_client, karanganyar, kim, inline_editing):
    client = make_client(karanganyar.operator)
    client.switch_language("en")
    url = "/admin/kim/ajax/update/"

    blind = client.post_form(url, {"list_form_pk": kim.id, "name": "Tanpa versi"})
    stale = client.post_form(url, {"list_form_pk": kim.id, "name": "Versi lama", "row_version": "0"})
    current = client.post_form(url, {"list_form_pk": kim.id, "name": "Versi kini", "row_version": "1"})

    assert blind.status_code == 500 and "Open its edit form" in blind.get_data(as_text=True)
    assert stale.status_code == 500 and "Someone else saved this record" in stale.get_data(as_text=True)
    assert current.status_code == 200
    assert stored(kim.id).name == "Versi kini"
