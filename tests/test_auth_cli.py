"""``flask kim user unlock|reset-2fa|reset-link``: rescuing a locked-out superadmin from the server."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import sqlalchemy as sa

from kimadmin.auth import clock, totp
from kimadmin.models import AuthEvent, RecoveryCode, User
from kimadmin.testing import TEST_PASSWORD
from kimadmin.testing.factories import make_user

NEW_PASSWORD = "gamelan-sore-di-pendopo"


def run(app, *args):
    return app.test_cli_runner().invoke(args=["kim", "user", *args])


def login(client, email, password=TEST_PASSWORD):
    return client.post("/login", data={"email": email, "password": password, "csrf_token": client.csrf_token()})


def journal(db_session, user, outcome):
    return db_session.scalars(
        sa.select(AuthEvent).where(AuthEvent.user_id == user.id, AuthEvent.outcome == outcome)
    ).all()


def test_unlock_lifts_the_pause_of_a_locked_superadmin(app, client, db_session, fake_clock):
    boss = make_user("superadmin", email="boss@kimadmin.example")
    boss.locked_until = clock.now() + timedelta(minutes=15)
    boss.failed_login_count = 3
    db_session.flush()
    assert login(client, boss.email).status_code == 200  # paused

    result = run(app, "unlock", "BOSS@kimadmin.example")

    assert result.exit_code == 0, result.output
    assert login(client, boss.email).status_code == 302
    [event] = journal(db_session, boss, "unlocked")
    assert event.actor_id is None  # the system


def test_reset_2fa_turns_off_the_second_factor_and_ends_sessions(app, make_client, db_session, fake_clock):
    boss = make_user("superadmin", email="boss@kimadmin.example")
    old_session = make_client(boss)
    boss.totp_secret = pyotp.random_base32()
    boss.totp_enabled = True
    totp.new_recovery_codes(boss)
    db_session.flush()

    result = run(app, "reset-2fa", boss.email)

    assert result.exit_code == 0, result.output
    db_session.expire_all()
    boss = db_session.get(User, boss.id)
    assert not boss.totp_enabled and boss.totp_secret is None
    assert db_session.scalar(sa.select(sa.func.count()).where(RecoveryCode.user_id == boss.id)) == 0
    assert old_session.get("/admin/").status_code == 302
    [event] = journal(db_session, boss, "totp_reset_by_admin")
    assert event.actor_id is None


def test_reset_link_prints_a_one_time_link_that_sets_a_new_password(app, client, db_session, fake_clock):
    boss = make_user("superadmin", email="boss@kimadmin.example")

    result = run(app, "reset-link", boss.email, "--base-url", "https://kim.example.go.id/panel")

    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("https://kim.example.go.id/panel/password-reset/")
    path = link.removeprefix("https://kim.example.go.id/panel")
    data = {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD, "csrf_token": client.csrf_token(path)}
    assert client.post(path, data=data).status_code == 302
    assert login(client, boss.email, NEW_PASSWORD).status_code == 302
    assert client.get(path).status_code == 404  # once only
    [event] = journal(db_session, boss, "reset_link_issued")
    assert event.actor_id is None


def test_reset_link_uses_server_name_or_asks_for_the_address(app, db_session, monkeypatch):
    boss = make_user("superadmin", email="boss@kimadmin.example")

    refused = run(app, "reset-link", boss.email)
    assert refused.exit_code != 0
    assert "--base-url" in refused.output

    monkeypatch.setitem(app.config, "SERVER_NAME", "kim.example.go.id")
    monkeypatch.setitem(app.config, "PREFERRED_URL_SCHEME", "https")
    result = run(app, "reset-link", boss.email)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("https://kim.example.go.id/password-reset/")


def test_an_unknown_email_is_an_error(app, db_session):
    result = run(app, "unlock", "siapa@tidak.ada")

    assert result.exit_code != 0
    assert "No user" in result.output
