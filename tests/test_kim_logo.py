"""A KIM's logo: PNG or JPEG by content, stored under a random name, shown only inside the scope."""

from __future__ import annotations

import io

import pytest

from kimadmin.models import Kim
from kimadmin.testing.factories import KimFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "KIMADMIN_UPLOAD_DIR", str(tmp_path))
    return tmp_path


def edit_with_logo(client, kim, content, filename):
    form = {
        "name": kim.name,
        "village": kim.village_code,
        "status": kim.status,
        "logo": (io.BytesIO(content), filename),
        "csrf_token": client.csrf_token("/admin/"),
    }
    return client.post(f"/admin/kim/edit/?id={kim.id}", data=form, content_type="multipart/form-data")


def test_an_officer_adds_a_logo_and_it_shows_on_the_kim_page(make_client, karanganyar, uploads, db_session):
    kim = KimFactory(regency="33.13")
    client = make_client(karanganyar.operator)

    assert edit_with_logo(client, kim, PNG, "logo.png").status_code == 302

    db_session.expire_all()
    stored = db_session.get(Kim, kim.id).logo_path
    assert stored and stored.endswith(".png") and (uploads / stored).read_bytes() == PNG
    assert f"/admin/kim/logo/?id={kim.id}" in client.get(f"/admin/kim/details/?id={kim.id}").get_data(as_text=True)
    logo = client.get(f"/admin/kim/logo/?id={kim.id}")
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    assert logo.headers["X-Content-Type-Options"] == "nosniff"


def test_replacing_the_logo_removes_the_old_file(make_client, karanganyar, uploads, db_session):
    kim = KimFactory(regency="33.13")
    client = make_client(karanganyar.operator)
    edit_with_logo(client, kim, PNG, "one.png")
    db_session.expire_all()
    first = db_session.get(Kim, kim.id).logo_path

    assert edit_with_logo(client, kim, JPEG, "two.jpg").status_code == 302

    db_session.expire_all()
    second = db_session.get(Kim, kim.id).logo_path
    assert second.endswith(".jpg") and second != first
    assert not (uploads / first).exists() and (uploads / second).exists()


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"GIF89a" + b"\x00" * 16, "logo.png"),  # named .png, is a GIF
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024), "huge.png"),
    ],
)
def test_what_is_not_an_acceptable_logo_is_refused_and_nothing_is_stored(
    make_client, karanganyar, uploads, db_session, content, filename
):
    kim = KimFactory(regency="33.13")
    client = make_client(karanganyar.operator)

    response = edit_with_logo(client, kim, content, filename)

    assert response.status_code == 200  # the form again, with the message
    assert "PNG" in response.get_data(as_text=True) or "KB" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Kim, kim.id).logo_path is None
    assert list(uploads.iterdir()) == []


def test_another_regency_cannot_fetch_the_logo(make_client, karanganyar, wonosobo, uploads, db_session):
    kim = KimFactory(regency="33.13")
    edit_with_logo(make_client(karanganyar.operator), kim, PNG, "logo.png")

    assert make_client(wonosobo.operator).get(f"/admin/kim/logo/?id={kim.id}").status_code == 404
