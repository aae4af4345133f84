"""CSRF on every state-changing endpoint; permissions enforced on the server."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kimadmin.models import Kim
from kimadmin.testing.factories import KimFactory, first_village, make_user


def state_changing_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}:
            yield rule


def test_every_post_without_csrf_token_is_rejected(app, make_client, db_session):
    kim = KimFactory(name="KIM Manteb")
    client = make_client(make_user("superadmin"))
    rules = list(state_changing_rules(app))
    assert len(rules) >= 20  # every admin view's create/edit/delete/action/ajax plus login/logout

    for rule in rules:
        url = rule.rule.replace("<code>", "en").replace("<export_type>", "csv")
        data = {"id": kim.id, "rowid": kim.id, "action": "delete", "list_form_pk": kim.id, "name": "Diubah"}
        response = client.post(url + f"?id={kim.id}", data=data)
        assert response.status_code == 400, f"{rule.rule} accepted a POST without CSRF token"

    db_session.expire_all()
    assert db_session.get(Kim, kim.id).name == "KIM Manteb"


def test_forged_csrf_token_is_rejected(make_client, karanganyar):
    client = make_client(karanganyar.operator)
    response = client.post("/admin/kim/new/", data={"name": "KIM X", "csrf_token": "forged"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/admin/kim/new/", {"name": "KIM Baru", "status": "aktif"}),
        ("/admin/kim/edit/?id={id}", {"name": "Diubah", "status": "aktif"}),
        ("/admin/kim/delete/", {"id": "{id}"}),
        ("/admin/kim/action/", {"action": "delete", "rowid": "{id}"}),
        ("/admin/kim/ajax/update/", {"list_form_pk": "{id}", "name": "Diubah"}),
    ],
)
def test_viewer_cannot_change_anything_even_by_direct_post(make_client, karanganyar, db_session, path, data):
    kim = KimFactory(name="KIM Manteb", regency="33.13")
    data = {key: value.format(id=kim.id) for key, value in data.items()}
    if "village" not in data:
        data["village"] = first_village("33.13").code
    client = make_client(karanganyar.viewer)

    response = client.post_form(path.format(id=kim.id), data)

    assert response.status_code == 403
    db_session.expire_all()
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Kim)) == 1
    assert db_session.get(Kim, kim.id).name == "KIM Manteb"


def test_viewer_sees_no_create_edit_or_delete_buttons(make_client, karanganyar):
    KimFactory(name="KIM Manteb", regency="33.13")
    html = make_client(karanganyar.viewer).get("/admin/kim/").get_data(as_text=True)

    assert "KIM Manteb" in html
    assert "/admin/kim/new/" not in html
    assert "/admin/kim/edit/" not in html
    assert "/admin/kim/delete/" not in html


def test_operator_may_edit_but_not_delete(make_client, karanganyar, db_session):
    kim = KimFactory(name="KIM Manteb", regency="33.13")
    client = make_client(karanganyar.operator)

    edit = client.post_form(
        f"/admin/kim/edit/?id={kim.id}",
        {"name": "KIM Manteb Karangpandan", "village": kim.village_code, "status": "aktif"},
    )
    delete = client.post_form("/admin/kim/delete/", {"id": kim.id})

    assert edit.status_code == 302
    assert delete.status_code == 403
    db_session.expire_all()
    assert db_session.get(Kim, kim.id).name == "KIM Manteb Karangpandan"


def test_admin_kabupaten_deletes_own_kim(make_client, karanganyar, db_session):
    kim = KimFactory(name="KIM Manteb", regency="33.13")
    response = make_client(karanganyar.admin).post_form("/admin/kim/delete/", {"id": kim.id})

    assert response.status_code == 302
    assert db_session.scalar(sa.select(Kim).where(Kim.id == kim.id)) is None


def test_regions_are_read_only_even_for_superadmin(make_client):
    client = make_client(make_user("superadmin"))

    assert client.get("/admin/village/new/").status_code == 403
    assert client.post_form("/admin/village/delete/", {"id": "33.13.01.2001"}).status_code == 403
