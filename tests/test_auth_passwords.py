"""Passwords: the policy, the forced change at first login, changing one's own, admin reset links."""

from __future__ import annotations

import hashlib
import re

import pytest
import sqlalchemy as sa

from kimadmin.auth.policy import check_password, common_passwords
from kimadmin.models import AuthEvent, PasswordResetToken, User
from kimadmin.testing import TEST_PASSWORD
from kimadmin.testing.factories import make_user

NEW_PASSWORD = "gamelan-sore-di-pendopo"
LINK = re.compile(r'<code id="reset-link"[^>]*>([^<]+)</code>')


def login(client, email, password=TEST_PASSWORD):
    return client.post("/login", data={"email": email, "password": password, "csrf_token": client.csrf_token()})


def change_password(client, current, new, confirm=None):
    return client.post(
        "/account/password",
        data={
            "current_password": current,
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
            "csrf_token": client.csrf_token("/account/password"),
        },
    )


# --- the policy ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("pendek", "characters"),
        ("123456789012", "common"),
        ("qwertyuiop12", "common"),
        ("P@ssw0rd2024!!", "common"),
        ("Diskominfo2024!", "common"),
        ("bismillah123456", "common"),
        ("passwordpassword", "common"),
        ("aaaaaaaaaaaaaaaa", "common"),
        ("siti.rahayu.2024", "name"),
        ("operatorbaru-ok-99", "name"),
    ],
)
def test_the_policy_refuses_weak_passwords(app, password, reason):
    with app.test_request_context():
        problem = check_password(password, "operator.baru@karanganyar.example", "Siti Rahayu")

    assert problem is not None  # in Indonesian, the default language
    assert {"characters": "minimal 12 karakter", "common": "terlalu umum", "name": "nama Anda"}[reason] in problem


@pytest.mark.parametrize(
    "password", ["gamelan-sore-di-pendopo", "kata sandi uji coba panjang", "Lurik-Tenun-1987-Solo"]
)
def test_the_policy_accepts_long_phrases(app, password):
    with app.test_request_context():
        assert check_password(password, "operator.baru@karanganyar.example", "Siti Rahayu") is None


def test_a_short_email_name_does_not_ban_every_word_containing_it(app):
    """ "ani" is inside "pertanian" and "organik": a 3-letter name part is not a useful ban."""
    with app.test_request_context():
        assert check_password("kebun-pertanian-organik-7", "ani@karanganyar.example", "Ani") is None
        assert check_password("kebun-pertanian-organik-7", "ani.s@karanganyar.example") is None


@pytest.mark.parametrize(
    ("password", "email"),
    [("budi-suka-kopi-pagi", "budi@karanganyar.example"), ("pagi-itu-ani.s-datang", "ani.s@karanganyar.example")],
)
def test_a_name_part_of_four_or_more_letters_is_still_refused(app, password, email):
    with app.test_request_context():
        problem = check_password(password, email)

    assert problem is not None and "nama Anda" in problem


def test_the_bundled_list_is_large_and_lower_case():
    words = common_passwords()

    assert len(words) > 19_000
    assert "password" in words and "diskominfo" in words
    assert all(word == word.lower() for word in list(words)[:500])


def test_an_admin_gets_the_weak_password_refused_in_indonesian(make_client, karanganyar, db_session):
    response = make_client(karanganyar.admin).post_form(
        "/admin/user/new/",
        {"email": "lemah@karanganyar.example", "full_name": "Lemah", "role": "viewer", "password": "password1234"},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "terlalu umum" in html  # "This password is too common ..." in Indonesian
    assert db_session.scalar(sa.select(User).where(User.email == "lemah@karanganyar.example")) is None


def test_the_cli_refuses_a_weak_password(app, db_session):
    result = app.test_cli_runner().invoke(
        args=[
            "kim",
            "create-user",
            "cli.lemah@example.com",
            "--role",
            "viewer",
            "--regency",
            "33.13",
            "--password-stdin",
        ],
        input="123456789012\n",
    )

    assert result.exit_code != 0
    assert db_session.scalar(sa.select(User).where(User.email == "cli.lemah@example.com")) is None


# --- first login -----------------------------------------------------------------------------------------


def test_a_user_created_by_an_admin_must_change_the_password_before_anything_else(
    make_client, client, karanganyar, db_session, fake_clock
):
    given = "sandi-dari-admin-kabupaten"
    created = make_client(karanganyar.admin).post_form(
        "/admin/user/new/",
        {
            "email": "baru@karanganyar.example",
            "full_name": "Dwi Lestari",
            "role": "operator",
            "active": "y",
            "password": given,
        },
    )
    assert created.status_code == 302

    assert login(client, "baru@karanganyar.example", given).status_code == 302
    for path in ("/admin/", "/admin/kim/", "/admin/kim/new/", "/account/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].endswith("/account/password")
    page = client.get("/account/password").get_data(as_text=True)
    assert 'id="password-change-required"' in page

    assert change_password(client, given, NEW_PASSWORD).status_code == 302
    assert client.get("/admin/kim/").status_code == 200
    db_session.expire_all()
    user = db_session.scalar(sa.select(User).where(User.email == "baru@karanganyar.example"))
    assert not user.must_change_password


def test_a_user_created_from_the_cli_must_change_the_password(app, client, db_session, fake_clock):
    result = app.test_cli_runner().invoke(
        args=[
            "kim",
            "create-user",
            "cli.baru@example.com",
            "--role",
            "viewer",
            "--regency",
            "33.13",
            "--password-stdin",
        ],
        input="sandi-dari-stdin-panjang\n",
    )
    assert result.exit_code == 0, result.output
    try:
        login(client, "cli.baru@example.com", "sandi-dari-stdin-panjang")
        assert client.get("/admin/kim/").headers["Location"].endswith("/account/password")
    finally:  # the CLI committed: clean up for the other tests
        user = db_session.scalar(sa.select(User).where(User.email == "cli.baru@example.com"))
        db_session.execute(sa.delete(AuthEvent).where(AuthEvent.user_id == user.id))
        db_session.delete(user)
        db_session.commit()


def test_factory_users_are_not_asked_to_change_their_password(make_client, karanganyar):
    assert make_client(karanganyar.operator).get("/admin/kim/").status_code == 200


# --- changing one's own password --------------------------------------------------------------------------


def test_changing_the_password_needs_the_current_one_and_a_good_new_one(client, karanganyar, db_session, fake_clock):
    operator = karanganyar.operator
    login(client, operator.email)

    wrong_current = change_password(client, "bukan-sandi-saya-123", NEW_PASSWORD)
    weak = change_password(client, TEST_PASSWORD, "123456789012")
    mismatch = change_password(client, TEST_PASSWORD, NEW_PASSWORD, confirm="gamelan-pagi-di-pendopo")

    assert [r.status_code for r in (wrong_current, weak, mismatch)] == [200, 200, 200]
    assert "Kata sandi saat ini tidak benar" in wrong_current.get_data(as_text=True)
    assert "terlalu umum" in weak.get_data(as_text=True)
    assert "tidak sama" in mismatch.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(User, operator.id).password_changed_at is None


def test_a_password_change_logs_out_the_other_sessions(make_client, client, karanganyar, db_session, fake_clock):
    operator = karanganyar.operator
    office_computer = make_client(operator)
    login(client, operator.email)

    assert change_password(client, TEST_PASSWORD, NEW_PASSWORD).status_code == 302

    assert client.get("/admin/kim/").status_code == 200  # this session goes on
    assert office_computer.get("/admin/kim/").status_code == 302  # the other one is over
    assert login(make_client(), operator.email, NEW_PASSWORD).status_code == 302
    assert [e.outcome for e in db_session.scalars(sa.select(AuthEvent).where(AuthEvent.user_id == operator.id))][
        -2:
    ] == ["password_changed", "login_ok"]


# --- reset links --------------------------------------------------------------------------------------------


def issue_link(admin_client, user):
    response = admin_client.post_form("/admin/user/action/", {"action": "reset_link", "rowid": user.id})
    assert response.status_code == 200, response.status_code
    assert response.headers["Cache-Control"] == "no-store"
    match = LINK.search(response.get_data(as_text=True))
    assert match is not None
    return match.group(1).replace("http://localhost", "")


def set_new_password(client, path, password=NEW_PASSWORD):
    return client.post(
        path,
        data={"new_password": password, "confirm_password": password, "csrf_token": client.csrf_token()},
    )


def test_an_admin_gives_a_one_time_reset_link(make_client, client, karanganyar, db_session, fake_clock):
    operator = karanganyar.operator
    path = issue_link(make_client(karanganyar.admin), operator)

    token = path.rsplit("/", 1)[1]
    stored = db_session.scalar(sa.select(PasswordResetToken).where(PasswordResetToken.user_id == operator.id))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()  # only the hash is kept
    assert token not in stored.token_hash

    assert client.get(path).status_code == 200
    assert set_new_password(client, path).status_code == 302
    assert login(client, operator.email, NEW_PASSWORD).status_code == 302
    assert client.get("/admin/kim/").status_code == 200  # the user chose it: no forced change
    client.post_form("/logout")

    used_again = client.get(path)
    assert used_again.status_code == 404
    assert set_new_password(client, path, "gamelan-pagi-di-pendopo").status_code == 404


def test_a_reset_link_expires_after_a_day(make_client, client, karanganyar, fake_clock):
    path = issue_link(make_client(karanganyar.admin), karanganyar.operator)

    fake_clock.advance(hours=23, minutes=59)
    assert client.get(path).status_code == 200
    fake_clock.advance(minutes=2)
    assert client.get(path).status_code == 404
    assert set_new_password(client, path).status_code == 404


def test_a_new_link_voids_the_older_one(make_client, client, karanganyar, fake_clock):
    admin_client = make_client(karanganyar.admin)
    first = issue_link(admin_client, karanganyar.operator)
    second = issue_link(admin_client, karanganyar.operator)

    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_a_reset_link_also_applies_the_policy(make_client, client, karanganyar, fake_clock):
    path = issue_link(make_client(karanganyar.admin), karanganyar.operator)

    response = set_new_password(client, path, "password1234")

    assert response.status_code == 200
    assert "terlalu umum" in response.get_data(as_text=True)
    assert client.get(path).status_code == 200  # not spent


def test_an_admin_of_another_regency_gets_404_for_a_reset_link(make_client, karanganyar, wonosobo, db_session):
    response = make_client(wonosobo.admin).post_form(
        "/admin/user/action/", {"action": "reset_link", "rowid": karanganyar.operator.id}
    )

    assert response.status_code == 404
    assert db_session.scalar(sa.select(sa.func.count()).select_from(PasswordResetToken)) == 0


def test_a_reset_link_for_a_higher_role_is_refused(make_client, karanganyar, db_session):
    superadmin = make_user("superadmin")
    response = make_client(karanganyar.admin).post_form(
        "/admin/user/action/", {"action": "reset_link", "rowid": superadmin.id}
    )

    assert response.status_code in (403, 404)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(PasswordResetToken)) == 0


def test_using_a_reset_link_logs_out_the_users_sessions(make_client, client, karanganyar, fake_clock):
    operator = karanganyar.operator
    old_session = make_client(operator)
    path = issue_link(make_client(karanganyar.admin), operator)

    set_new_password(client, path)

    assert old_session.get("/admin/kim/").status_code == 302


def test_an_admin_who_sets_a_password_forces_a_change_and_ends_sessions(
    make_client, client, karanganyar, db_session, fake_clock
):
    operator = karanganyar.operator
    old_session = make_client(operator)

    response = make_client(karanganyar.admin).post_form(
        f"/admin/user/edit/?id={operator.id}",
        {
            "email": operator.email,
            "full_name": operator.full_name,
            "role": "operator",
            "active": "y",
            "password": "sandi-baru-dari-admin",
        },
    )

    assert response.status_code == 302
    assert old_session.get("/admin/kim/").status_code == 302
    login(client, operator.email, "sandi-baru-dari-admin")
    assert client.get("/admin/kim/").headers["Location"].endswith("/account/password")
