"""Sessions: idle timeout, absolute lifetime, re-authentication before user changes, ending sessions."""

from __future__ import annotations

import pyotp
import pytest
import sqlalchemy as sa

from kimadmin.models import AuthEvent, AuthSession, User
from kimadmin.testing import TEST_PASSWORD
from kimadmin.testing.factories import make_user


def reauth(client, password=TEST_PASSWORD, code="", next_path="/admin/user/"):
    return client.post(
        f"/reauth?next={next_path}",
        data={"password": password, "code": code, "csrf_token": client.csrf_token("/account/")},
    )


def new_user_form(email="baru@karanganyar.example"):
    return {
        "email": email,
        "full_name": "Dwi Lestari",
        "role": "viewer",
        "active": "y",
        "password": "kuda-lumping-sore-hari",
    }


# --- idle timeout and absolute lifetime -----------------------------------------------------------------


def test_a_session_ends_after_thirty_idle_minutes(make_client, karanganyar, fake_clock):
    client = make_client(karanganyar.operator)

    fake_clock.advance(minutes=29)
    assert client.get("/admin/kim/").status_code == 200
    fake_clock.advance(minutes=29)  # counted from the last request, not from the login
    assert client.get("/admin/kim/").status_code == 200
    fake_clock.advance(minutes=31)
    response = client.get("/admin/kim/")

    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "Sesi Anda telah berakhir" in client.get("/login").get_data(as_text=True)


def test_a_session_ends_after_its_absolute_lifetime_however_active(app, make_client, karanganyar, fake_clock):
    lifetime_minutes = app.permanent_session_lifetime.total_seconds() / 60  # 8 hours by default
    client = make_client(karanganyar.operator)

    for _ in range(int(lifetime_minutes // 20)):
        fake_clock.advance(minutes=20)
        assert client.get("/admin/kim/").status_code == 200
    fake_clock.advance(minutes=20)

    assert client.get("/admin/kim/").status_code == 302


def test_idle_and_absolute_limits_come_from_the_configuration(app, make_client, karanganyar, fake_clock, monkeypatch):
    monkeypatch.setitem(app.config, "KIMADMIN_SESSION_IDLE_MINUTES", 5)
    client = make_client(karanganyar.operator)

    fake_clock.advance(minutes=6)

    assert client.get("/admin/kim/").status_code == 302


# --- re-authentication --------------------------------------------------------------------------------------


def test_creating_a_user_needs_a_recent_password(make_client, karanganyar, db_session, fake_clock):
    client = make_client(karanganyar.admin)
    fake_clock.advance(minutes=16)

    late = client.post_form(
        "/admin/user/new/", new_user_form(), headers={"Referer": "http://localhost/admin/user/new/"}
    )

    assert late.status_code == 302 and "/reauth" in late.headers["Location"]
    assert db_session.scalar(sa.select(User).where(User.email == "baru@karanganyar.example")) is None
    form_page = client.get("/admin/user/new/")
    assert form_page.status_code == 302 and "/reauth" in form_page.headers["Location"]

    assert reauth(client, "bukan-sandi-saya-123").status_code == 200
    confirmed = reauth(client, next_path="/admin/user/new/")
    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith("/admin/user/new/")

    assert client.post_form("/admin/user/new/", new_user_form()).status_code == 302
    assert db_session.scalar(sa.select(User).where(User.email == "baru@karanganyar.example")) is not None
    outcomes = db_session.scalars(sa.select(AuthEvent.outcome).where(AuthEvent.user_id == karanganyar.admin.id)).all()
    assert outcomes[-2:] == ["reauth_failed", "reauth_ok"]


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (
            "/admin/user/edit/?id={id}",
            {"email": "viewer@karanganyar.example", "full_name": "Diubah", "role": "admin_kabupaten"},
        ),
        ("/admin/user/delete/", {"id": "{id}"}),
        ("/admin/user/action/", {"action": "delete", "rowid": "{id}"}),
        ("/admin/user/action/", {"action": "reset_link", "rowid": "{id}"}),
        ("/admin/user/ajax/update/", {"list_form_pk": "{id}", "full_name": "Diubah"}),
    ],
)
def test_changing_users_or_roles_needs_a_recent_password(make_client, karanganyar, db_session, fake_clock, path, data):
    viewer = karanganyar.viewer
    client = make_client(karanganyar.admin)
    fake_clock.advance(minutes=16)

    response = client.post_form(path.format(id=viewer.id), {k: v.format(id=viewer.id) for k, v in data.items()})

    assert response.status_code == 302 and "/reauth" in response.headers["Location"]
    db_session.expire_all()
    unchanged = db_session.get(User, viewer.id)
    assert unchanged is not None and unchanged.role_name == "viewer" and unchanged.full_name != "Diubah"


def test_reading_the_user_list_needs_no_new_password(make_client, karanganyar, fake_clock):
    client = make_client(karanganyar.admin)
    fake_clock.advance(minutes=16)

    assert client.get("/admin/user/").status_code == 200
    assert client.get(f"/admin/user/details/?id={karanganyar.viewer.id}").status_code == 200


def test_re_authentication_asks_for_the_code_when_two_factor_is_on(make_client, karanganyar, db_session, fake_clock):
    admin = karanganyar.admin
    client = make_client(admin)
    admin.totp_secret = pyotp.random_base32()
    admin.totp_enabled = True
    db_session.flush()
    fake_clock.advance(minutes=16)

    assert 'name="code"' in client.get("/reauth").get_data(as_text=True)
    assert reauth(client).status_code == 200  # the password alone is not enough
    code = pyotp.TOTP(admin.totp_secret).at(fake_clock.now())
    assert reauth(client, code=code).status_code == 302
    assert client.get("/admin/user/new/").status_code == 200


def test_re_authentication_only_returns_to_this_site(make_client, karanganyar, fake_clock):
    client = make_client(karanganyar.admin)

    response = reauth(client, next_path="//evil.example/")

    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]


# --- ending sessions ----------------------------------------------------------------------------------------


def test_logging_out_everywhere_ends_the_other_sessions(make_client, karanganyar, db_session, fake_clock):
    operator = karanganyar.operator
    home, office = make_client(operator), make_client(operator)

    response = home.post("/account/logout-everywhere", data={"csrf_token": home.csrf_token("/account/")})

    assert response.status_code == 302
    assert home.get("/admin/kim/").status_code == 200
    assert office.get("/admin/kim/").status_code == 302
    assert db_session.scalar(
        sa.select(AuthEvent.outcome).where(AuthEvent.user_id == operator.id, AuthEvent.outcome == "logout_everywhere")
    )


def copy_of_session_cookie(app, client):
    """A second client holding the same session cookie (a stolen or copied cookie)."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def test_logging_out_ends_a_copied_cookie_but_not_the_other_devices(app, make_client, karanganyar, db_session):
    operator = karanganyar.operator
    laptop, phone = make_client(operator), make_client(operator)
    copy = copy_of_session_cookie(app, laptop)
    assert copy.get("/admin/kim/").status_code == 200  # the copy works while the session lives

    response = laptop.post("/logout", data={"csrf_token": laptop.csrf_token("/account/")})

    assert response.status_code == 302
    refused = copy.get("/admin/kim/")
    assert refused.status_code == 302
    assert "/login" in refused.headers["Location"]
    assert phone.get("/admin/kim/").status_code == 200  # another device stays logged in
    assert db_session.scalar(sa.select(sa.func.count()).where(AuthSession.user_id == operator.id)) == 1


def test_logging_out_everywhere_also_deletes_the_other_session_rows(app, make_client, karanganyar, db_session):
    operator = karanganyar.operator
    home, office = make_client(operator), make_client(operator)

    home.post("/account/logout-everywhere", data={"csrf_token": home.csrf_token("/account/")})

    assert db_session.scalar(sa.select(sa.func.count()).where(AuthSession.user_id == operator.id)) == 1
    assert home.get("/admin/kim/").status_code == 200
    assert office.get("/admin/kim/").status_code == 302


def test_a_cookie_without_a_known_session_id_is_refused(app, make_client, karanganyar, db_session):
    client = make_client(karanganyar.operator)
    db_session.execute(sa.delete(AuthSession).where(AuthSession.user_id == karanganyar.operator.id))
    db_session.flush()

    assert client.get("/admin/kim/").status_code == 302


def test_a_deactivated_user_is_logged_out_at_the_next_request(make_client, karanganyar, db_session):
    operator = karanganyar.operator
    client = make_client(operator)

    operator.active = False
    db_session.flush()

    assert client.get("/admin/kim/").status_code == 302


def test_a_session_of_the_old_format_is_not_accepted(app, client, karanganyar):
    with client.session_transaction() as session:
        session["_user_id"] = str(karanganyar.operator.id)  # no session version
        session["_fresh"] = True

    assert client.get("/admin/kim/").status_code == 302


def test_every_new_form_refuses_a_post_without_csrf_token(app, make_client, db_session):
    client = make_client(make_user("superadmin"))
    paths = [
        "/login",
        "/login/two-factor",
        "/reauth",
        "/account/password",
        "/account/logout-everywhere",
        "/account/two-factor",
        "/account/two-factor/recovery-codes",
        "/account/two-factor/disable",
        "/password-reset/some-token",
    ]
    routes = {rule.rule for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    assert "/password-reset/<token>" in routes and all(path in routes for path in paths[:-1])

    for path in paths:
        assert client.post(path, data={"password": "x", "code": "123456"}).status_code == 400, path
