"""Enabled for Wonosobo, off for Karanganyar: Karanganyar never reaches the workshops, on any URL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kimadmin.testing.plugins import assert_plugin_unreachable, disable_plugin, enable_plugin, plugin_urls

from ..models import Registration, Workshop
from .factories import KARANGANYAR, PLUGIN, WONOSOBO, make_workshop, register

LISTS = ("/admin/workshop_attendance/workshop/", "/admin/workshop_attendance/registration/")
HIDDEN = "Peserta Rahasia Wonosobo"


@pytest.fixture
def wonosobo_workshop(db_session, wonosobo, karanganyar):
    enable_plugin(PLUGIN, WONOSOBO)
    workshop = make_workshop(WONOSOBO, title="Workshop KIM Wonosobo")
    registration = register(workshop, name=HIDDEN)
    return workshop, registration


@pytest.mark.parametrize("role", ["operator", "admin_kabupaten", "viewer"])
def test_every_workshop_url_answers_404_to_karanganyar(app, make_client, wonosobo_workshop, karanganyar, role):
    client = make_client(karanganyar.user(role))

    made = assert_plugin_unreachable(app, client, PLUGIN)

    assert made >= 20  # lists, forms, details, exports, AJAX, check-in, report, QR, certificate, import
    home = client.get("/admin/").get_data(as_text=True)
    assert "/admin/workshop_attendance/" not in home
    assert "workshop-attendance-widget" not in home


def test_the_walk_covers_every_kind_of_workshop_url(app):
    paths = {path for path, _methods in plugin_urls(app, PLUGIN)}
    for expected in (
        "/admin/workshop_attendance/workshop/checkin/",
        "/admin/workshop_attendance/workshop/report/",
        "/admin/workshop_attendance/registration/cancel/",
        "/admin/workshop_attendance/registration/qr/",
        "/admin/workshop_attendance/registration/certificate/",
        "/admin/workshop_attendance/registration/import/",
        "/admin/workshop_attendance/registration/import/confirm/",
        "/admin/workshop_attendance/registration/ajax/lookup/",
    ):
        assert expected in paths


def test_wonosobo_officers_work_and_see_the_menu_and_the_card(make_client, wonosobo_workshop, wonosobo):
    workshop, registration = wonosobo_workshop
    client = make_client(wonosobo.operator)

    for path in LISTS:
        assert client.get(path).status_code == 200, path
    assert HIDDEN in client.get("/admin/workshop_attendance/registration/").get_data(as_text=True)
    assert client.get(f"/admin/workshop_attendance/workshop/checkin/?id={workshop.id}").status_code == 200
    assert client.get("/admin/workshop_attendance/workshop/report/").status_code == 200
    assert client.get(f"/admin/workshop_attendance/registration/qr/?id={registration.id}").status_code == 200
    home = client.get("/admin/").get_data(as_text=True)
    assert "/admin/workshop_attendance/workshop/" in home
    assert "workshop-attendance-widget" in home


def test_a_viewer_reads_but_does_not_check_in_or_import(make_client, wonosobo_workshop, wonosobo):
    workshop, registration = wonosobo_workshop
    client = make_client(wonosobo.viewer)

    assert client.get("/admin/workshop_attendance/registration/").status_code == 200
    assert client.get(f"/admin/workshop_attendance/workshop/checkin/?id={workshop.id}").status_code == 403
    response = client.post_form(
        "/admin/workshop_attendance/workshop/checkin/", {"id": workshop.id, "code": registration.code}
    )
    assert response.status_code == 403
    assert client.get(f"/admin/workshop_attendance/registration/import/?workshop={workshop.id}").status_code == 403
    assert (
        client.post_form("/admin/workshop_attendance/registration/cancel/", {"id": registration.id}).status_code == 403
    )


def test_karanganyar_with_the_module_on_still_never_sees_wonosobo_rows(
    app, make_client, wonosobo_workshop, karanganyar, db_session
):
    """Both regencies on: every object URL of Wonosobo's workshop is 403/404 to Karanganyar, lists hide it."""
    workshop, registration = wonosobo_workshop
    enable_plugin(PLUGIN, KARANGANYAR)
    client = make_client(karanganyar.admin)

    probes = [
        client.get(f"/admin/workshop_attendance/workshop/details/?id={workshop.id}"),
        client.get(f"/admin/workshop_attendance/workshop/edit/?id={workshop.id}"),
        client.get(f"/admin/workshop_attendance/workshop/checkin/?id={workshop.id}"),
        client.post_form(
            "/admin/workshop_attendance/workshop/checkin/", {"id": workshop.id, "code": registration.code}
        ),
        client.post_form("/admin/workshop_attendance/workshop/delete/", {"id": workshop.id}),
        client.get(f"/admin/workshop_attendance/registration/details/?id={registration.id}"),
        client.get(f"/admin/workshop_attendance/registration/qr/?id={registration.id}"),
        client.get(f"/admin/workshop_attendance/registration/certificate/?id={registration.id}"),
        client.post_form("/admin/workshop_attendance/registration/cancel/", {"id": registration.id}),
        client.post_form(
            f"/admin/workshop_attendance/registration/edit/?id={registration.id}", {"participant_name": "x"}
        ),
        client.post_form("/admin/workshop_attendance/registration/delete/", {"id": registration.id}),
        client.get(f"/admin/workshop_attendance/registration/import/?workshop={workshop.id}"),
        client.post_form("/admin/workshop_attendance/registration/import/confirm/", {"workshop": workshop.id}),
    ]
    for response in probes:
        assert response.status_code in (403, 404), response.request.path
        assert HIDDEN not in response.get_data(as_text=True)
    for path in (
        *LISTS,
        "/admin/workshop_attendance/workshop/report/",
        "/admin/workshop_attendance/registration/ajax/lookup/?name=workshop&query=",
    ):
        body = client.get(path).get_data(as_text=True)
        assert HIDDEN not in body and "Workshop KIM Wonosobo" not in body, path

    db_session.expire_all()
    kept = db_session.get(Registration, registration.id)
    assert kept.participant_name == HIDDEN and kept.status == "registered" and kept.checked_in_at is None
    assert db_session.get(Workshop, workshop.id) is not None


def test_disabling_keeps_the_workshops_and_enabling_again_shows_them(
    make_client, wonosobo_workshop, wonosobo, db_session
):
    client = make_client(wonosobo.operator)

    disable_plugin(PLUGIN, WONOSOBO)
    assert client.get("/admin/workshop_attendance/registration/").status_code == 404
    assert "/admin/workshop_attendance/" not in client.get("/admin/").get_data(as_text=True)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1

    enable_plugin(PLUGIN, WONOSOBO)
    page = client.get("/admin/workshop_attendance/registration/")
    assert page.status_code == 200
    assert HIDDEN in page.get_data(as_text=True)
