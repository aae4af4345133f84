"""Login, logout and user management inside a regency."""

from __future__ import annotations

import sqlalchemy as sa

from kimadmin.models import User
from kimadmin.testing import TEST_PASSWORD
from kimadmin.testing.factories import make_user


def login(client, email, password):
    return client.post("/login", data={"email": email, "password": password, "csrf_token": client.csrf_token()})


def test_login_page_has_email_and_password_fields(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'name="email"' in html
    assert 'name="password"' in html
    assert 'name="csrf_token"' in html


def test_login_then_logout(client, karanganyar):
    user = karanganyar.operator
    response = login(client, user.email.upper(), TEST_PASSWORD)  # e-mail is case-insensitive
    assert response.status_code == 302
    assert client.get("/admin/kim/").status_code == 200

    client.post_form("/logout")

    assert client.get("/admin/kim/").status_code == 302


def test_unknown_user_and_wrong_password_get_the_same_answer(client, karanganyar):
    wrong_password = login(client, karanganyar.operator.email, "salah-sama-sekali-123")
    unknown_user = login(client, "tidak.ada@example.example", TEST_PASSWORD)

    assert wrong_password.status_code == unknown_user.status_code == 200
    flash = wrong_password.get_data(as_text=True).split('role="alert">')[1].split("<")[0]
    assert flash.strip()
    assert flash in unknown_user.get_data(as_text=True)
    assert client.get("/admin/kim/").status_code == 302


def test_inactive_user_cannot_log_in(client, db_session):
    user = make_user("operator", regency="33.13", active=False)
    assert login(client, user.email, TEST_PASSWORD).status_code == 200
    assert client.get("/admin/kim/").status_code == 302


def test_login_never_redirects_off_site(client, karanganyar):
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "/%09/evil.example"):
        client.get("/logout")
        response = client.post(
            f"/login?next={target}",
            data={"email": karanganyar.operator.email, "password": TEST_PASSWORD, "csrf_token": client.csrf_token()},
        )
        assert response.status_code == 302
        assert "evil.example" not in response.headers["Location"]
        client.post_form("/logout")


def test_passwords_are_stored_as_argon2(karanganyar):
    assert karanganyar.operator.password_hash.startswith("$argon2id$")


def test_admin_lists_only_own_regency_users(make_client, karanganyar, wonosobo):
    wonosobo_operator = wonosobo.operator
    html = make_client(karanganyar.admin).get("/admin/user/").get_data(as_text=True)

    assert karanganyar.admin.email in html
    assert wonosobo_operator.email not in html


def test_admin_creates_operator_in_own_regency_whatever_the_form_says(make_client, karanganyar, db_session):
    client = make_client(karanganyar.admin)

    response = client.post_form(
        "/admin/user/new/",
        {
            "email": "Operator.Baru@Karanganyar.example",
            "full_name": "Siti Rahayu",
            "role": "operator",
            "regency": "33.07",  # forged: an admin's new users belong to the admin's regency
            "active": "y",
            "password": "sandi-yang-panjang-sekali",
        },
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    user = db_session.scalar(sa.select(User).where(User.email == "operator.baru@karanganyar.example"))
    assert user.regency_code == "33.13"
    assert user.role_name == "operator"
    assert user.password_hash.startswith("$argon2id$")


def test_admin_cannot_grant_a_role_above_their_own(make_client, karanganyar, db_session):
    client = make_client(karanganyar.admin)
    form = client.get("/admin/user/new/").get_data(as_text=True)
    assert 'value="superadmin"' not in form
    assert 'value="provinsi"' not in form

    for role in ("superadmin", "provinsi"):
        response = client.post_form(
            "/admin/user/new/",
            {"email": f"{role}@x.example", "full_name": "X", "role": role, "password": "sandi-yang-panjang-sekali"},
        )
        assert response.status_code == 200
    created = sa.select(User).where(User.email.in_(["superadmin@x.example", "provinsi@x.example"]))
    assert db_session.scalar(created) is None


def test_duplicate_email_is_a_form_message_not_an_error_page(make_client, karanganyar, wonosobo, db_session):
    existing = wonosobo.operator.email  # in another regency: still unique
    client = make_client(karanganyar.admin)

    response = client.post_form(
        "/admin/user/new/",
        {"email": existing, "full_name": "Dobel", "role": "viewer", "password": "sandi-yang-panjang-sekali"},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Traceback" not in html and "IntegrityError" not in html and "INSERT" not in html
    assert 'class="alert alert-danger' in html or "alert-error" in html or "invalid-feedback" in html
    assert db_session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == existing)) == 1


def test_short_password_is_refused(make_client, karanganyar, db_session):
    response = make_client(karanganyar.admin).post_form(
        "/admin/user/new/", {"email": "pendek@x.example", "full_name": "P", "role": "viewer", "password": "pendek"}
    )
    assert response.status_code == 200
    assert db_session.scalar(sa.select(User).where(User.email == "pendek@x.example")) is None


def test_operator_cannot_open_user_management(make_client, karanganyar):
    assert make_client(karanganyar.operator).get("/admin/user/").status_code == 403


def test_admin_cannot_delete_themselves(make_client, karanganyar, db_session):
    admin = karanganyar.admin
    make_client(admin).post_form("/admin/user/delete/", {"id": admin.id})
    assert db_session.get(User, admin.id) is not None


def test_create_user_cli(app, db_session):
    runner = app.test_cli_runner()

    result = runner.invoke(args=["kim", "create-user", "cli@example.com", "--role", "operator", "--regency", "33.99"])
    assert result.exit_code != 0
    assert "Unknown regency" in result.output

    result = runner.invoke(
        args=["kim", "create-user", "cli@example.com", "--role", "operator"],
    )
    assert result.exit_code != 0
    assert "--regency is required" in result.output

    result = runner.invoke(
        args=["kim", "create-user", "Cli@Example.com", "--role", "viewer", "--regency", "33.13", "--password-stdin"],
        input="sandi-dari-stdin-123\n",
    )
    assert result.exit_code == 0, result.output
    user = db_session.scalar(sa.select(User).where(User.email == "cli@example.com"))
    assert user.regency_code == "33.13"
    assert "sandi-dari-stdin-123" not in result.output
    db_session.delete(user)  # the CLI committed; clean up for the other tests
    db_session.commit()
