"""No cross-regency access on any admin endpoint.

The walker enumerates every endpoint Flask-Admin registered and probes it, as users of
Wonosobo, against Karanganyar's objects. A new endpoint without a probe fails the test, so
every future screen is covered by construction.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kimadmin.models import Kim, User, Village
from kimadmin.testing.factories import KimFactory, first_village

SECRET_KIM = "KIM Rahasia Karanganyar"

# Flask-Admin endpoint suffixes and how to probe them. Object endpoints must answer 403/404;
# collection endpoints may answer 200 but must not contain the other regency's data.
OBJECT_ENDPOINTS = {"details_view", "edit_view", "delete_view", "ajax_update", "action_view"}
COLLECTION_ENDPOINTS = {"index_view", "export", "ajax_lookup", "create_view"}


@pytest.fixture
def target(db_session, karanganyar):
    """Karanganyar's objects, one per admin endpoint, and the text that must not leak."""
    kim = KimFactory(name=SECRET_KIM, regency="33.13")
    user = karanganyar.user("viewer")
    village = first_village("33.13")
    return {
        "kim": (kim.id, SECRET_KIM),
        "user": (user.id, user.email),
        "village": (village.code, village.code),
        "district": (village.district_code, village.district_code),
        "regency": ("33.13", "33.13."),
        "province": ("34", "Yogyakarta"),
    }


def admin_endpoints(app):
    for rule in app.url_map.iter_rules():
        if "." not in rule.endpoint or rule.endpoint.startswith(("admin.", "auth.", "system.")):
            continue
        view, method = rule.endpoint.split(".", 1)
        if method == "static":
            continue
        yield view, method, rule


def probe(client, rule, method, object_id):
    url = rule.rule.replace("<export_type>", "csv")
    if method in ("details_view", "edit_view"):
        responses = [client.get(f"{url}?id={object_id}")]
        if "POST" in rule.methods:
            responses.append(client.post_form(f"{url}?id={object_id}", {"name": "diretas"}))
        return responses
    if method == "delete_view":
        return [client.post_form(url, {"id": object_id})]
    if method == "ajax_update":
        return [client.post_form(url, {"list_form_pk": object_id, "name": "diretas"})]
    if method == "action_view":
        return [client.post_form(url, {"action": "delete", "rowid": object_id})]
    if method == "ajax_lookup":
        return [client.get(f"{url}?name={name}&query=") for name in ("village", "regency", "province", "kim")]
    if method == "create_view":
        village = first_village("33.13").code
        return [client.post_form(url, {"name": "KIM Palsu Walker", "village": village, "status": "aktif"})]
    return [client.get(url)]


@pytest.mark.parametrize("role", ["operator", "admin_kabupaten"])
def test_wonosobo_users_reach_no_karanganyar_object(app, make_client, wonosobo, target, db_session, role):
    client = make_client(wonosobo.user(role))
    probed = set()
    for view, method, rule in admin_endpoints(app):
        assert view in target, f"no probe target for admin view {view!r}: add one"
        assert method in OBJECT_ENDPOINTS | COLLECTION_ENDPOINTS, f"unprobed endpoint {view}.{method}"
        object_id, secret = target[view]
        for response in probe(client, rule, method, object_id):
            body = response.get_data(as_text=True)
            where = f"{role}: {view}.{method} -> {response.status_code}"
            if method in OBJECT_ENDPOINTS:
                assert response.status_code in (403, 404), where
            else:
                assert response.status_code in (200, 302, 403, 404), where
            assert secret not in body, f"{where} leaked {secret!r}"
        probed.add(f"{view}.{method}")
    assert {"kim.edit_view", "kim.ajax_update", "kim.action_view", "user.delete_view"} <= probed

    # Nothing was changed, created or deleted.
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Kim)) == 1
    assert db_session.get(Kim, target["kim"][0]).name == SECRET_KIM
    assert db_session.get(User, target["user"][0]) is not None


def test_forged_desa_of_another_regency_is_not_saved(make_client, wonosobo, db_session):
    karanganyar_village = first_village("33.13")
    client = make_client(wonosobo.operator)

    response = client.post_form(
        "/admin/kim/new/", {"name": "KIM Palsu", "village": karanganyar_village.code, "status": "aktif"}
    )

    assert response.status_code in (200, 302)
    assert db_session.scalar(sa.select(Kim).where(Kim.name == "KIM Palsu")) is None


def test_moving_own_kim_into_another_regency_is_refused(make_client, wonosobo, db_session):
    kim = KimFactory(name="KIM Sindoro", regency="33.07")
    karanganyar_village = first_village("33.13")
    client = make_client(wonosobo.operator)

    client.post_form(f"/admin/kim/edit/?id={kim.id}", {"name": "KIM Sindoro", "village": karanganyar_village.code})

    db_session.expire_all()
    assert db_session.get(Kim, kim.id).regency_code == "33.07"


def test_desa_picker_offers_only_own_regency_and_at_most_20(make_client, karanganyar):
    client = make_client(karanganyar.operator)

    rows = client.get("/admin/kim/ajax/lookup/?name=village&query=&limit=500").get_json()

    assert 0 < len(rows) <= 20
    codes = [code for code, _label in rows]
    assert all(code.startswith("33.13.") for code in codes)


def test_desa_picker_searches_by_name(make_client, karanganyar, db_session):
    client = make_client(karanganyar.operator)
    dagen = db_session.scalar(sa.select(Village).where(Village.regency_code == "33.13", Village.name == "Dagen"))

    rows = client.get("/admin/kim/ajax/lookup/?name=village&query=dagen").get_json()

    assert [code for code, _ in rows] == [dagen.code]
    assert "Jaten" in rows[0][1]


def test_province_staff_see_their_province_only(make_client, db_session):
    from kimadmin.testing.factories import make_user

    KimFactory(name="KIM Jateng", regency="33.13")
    KimFactory(name="KIM Sleman", regency="34.04")
    client = make_client(make_user("provinsi", province="33"))

    html = client.get("/admin/kim/").get_data(as_text=True)

    assert "KIM Jateng" in html
    assert "KIM Sleman" not in html


def test_anonymous_is_sent_to_login(client):
    response = client.get("/admin/kim/")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
