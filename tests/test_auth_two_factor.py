"""Two-factor login (TOTP): enrolment, the second step, replay, recovery codes, roles, admin reset."""

from __future__ import annotations

import re

import pyotp
import pytest
import sqlalchemy as sa

from kimadmin.auth import totp
from kimadmin.models import AuthEvent, RecoveryCode, User
from kimadmin.testing import TEST_PASSWORD

CODES = re.compile(r"<li>([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})</li>")


def login(client, email, password=TEST_PASSWORD):
    return client.post("/login", data={"email": email, "password": password, "csrf_token": client.csrf_token()})


def second_step(client, code):
    return client.post("/login/two-factor", data={"code": code, "csrf_token": client.csrf_token()})


def with_totp(user, db_session) -> tuple[pyotp.TOTP, list[str]]:
    """Turn TOTP on for ``user`` as a finished enrolment would; its generator and recovery codes."""
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled = True
    codes = totp.new_recovery_codes(user)
    db_session.flush()
    return pyotp.TOTP(user.totp_secret), codes


def code_now(generator, fake_clock) -> str:
    return generator.at(fake_clock.now())


# --- enrolment -------------------------------------------------------------------------------------


def test_enrolment_shows_an_inline_qr_code_and_needs_a_first_code(make_client, karanganyar, db_session, fake_clock):
    operator = karanganyar.operator
    client = make_client(operator)

    page = client.get("/account/two-factor")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    qr = html.split('id="totp-qr"', 1)[1].split("</div>", 1)[0]
    assert "<svg" in qr and "<img" not in qr and "http" not in qr  # drawn here, no QR service
    db_session.expire_all()
    secret = db_session.get(User, operator.id).totp_secret
    assert secret and secret[:4] in html  # the key for typing by hand
    generator = pyotp.TOTP(secret)

    token = client.csrf_token("/account/two-factor")
    wrong = client.post("/account/two-factor", data={"code": "000000", "csrf_token": token})
    assert wrong.status_code == 200
    db_session.expire_all()
    assert not db_session.get(User, operator.id).totp_enabled

    done = client.post("/account/two-factor", data={"code": code_now(generator, fake_clock), "csrf_token": token})

    assert done.status_code == 200
    assert done.headers["Cache-Control"] == "no-store"
    shown = CODES.findall(done.get_data(as_text=True))
    assert len(shown) == 10 and len(set(shown)) == 10
    db_session.expire_all()
    assert db_session.get(User, operator.id).totp_enabled
    stored = db_session.scalars(sa.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == operator.id)).all()
    assert len(stored) == 10
    assert not {code.replace("-", "") for code in shown} & set(stored)  # stored hashed
    assert client.get("/admin/kim/").status_code == 200  # this session goes on


def test_enrolment_needs_a_recent_password(make_client, karanganyar, fake_clock):
    client = make_client(karanganyar.operator)
    fake_clock.advance(minutes=16)

    response = client.get("/account/two-factor")

    assert response.status_code == 302
    assert "/reauth" in response.headers["Location"]


# --- logging in with a code --------------------------------------------------------------------------


def test_login_asks_for_the_code_after_the_password(client, karanganyar, db_session, fake_clock):
    operator = karanganyar.operator
    generator, _codes = with_totp(operator, db_session)

    first = login(client, operator.email)
    assert first.status_code == 302
    assert first.headers["Location"].endswith("/login/two-factor")
    assert client.get("/admin/kim/").status_code == 302  # not logged in before the code

    response = second_step(client, code_now(generator, fake_clock))

    assert response.status_code == 302
    assert client.get("/admin/kim/").status_code == 200
    outcomes = db_session.scalars(sa.select(AuthEvent.outcome).where(AuthEvent.user_id == operator.id)).all()
    assert outcomes == ["password_ok", "login_ok"]


def test_a_wrong_code_is_refused(client, karanganyar, db_session, fake_clock):
    operator = karanganyar.operator
    generator, _codes = with_totp(operator, db_session)
    login(client, operator.email)

    response = second_step(client, "123456" if code_now(generator, fake_clock) != "123456" else "654321")

    assert response.status_code == 200
    assert "Kode tidak valid" in response.get_data(as_text=True)
    assert client.get("/admin/kim/").status_code == 302


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, karanganyar, db_session, fake_clock):
    operator = karanganyar.operator
    generator, _codes = with_totp(operator, db_session)
    login(client, operator.email)
    right = code_now(generator, fake_clock)
    wrong = "000000" if right != "000000" else "111111"

    for _ in range(4):
        assert second_step(client, wrong).status_code == 200
    fifth = second_step(client, wrong)

    assert fifth.status_code == 302 and fifth.headers["Location"].endswith("/login")
    login(client, operator.email)  # right password, but locked: no second step offered
    assert client.get("/login/two-factor").status_code == 302
    assert client.get("/admin/kim/").status_code == 302


def test_a_code_is_accepted_only_once(make_client, karanganyar, db_session, fake_clock):
    operator = karanganyar.operator
    generator, _codes = with_totp(operator, db_session)
    code = code_now(generator, fake_clock)
    first, second = make_client(), make_client()
    login(first, operator.email)
    login(second, operator.email)

    assert second_step(first, code).status_code == 302
    assert second_step(second, code).status_code == 200  # replayed within its 30 seconds

    fake_clock.advance(seconds=30)
    assert second_step(second, code_now(generator, fake_clock)).status_code == 302


def test_a_code_from_the_previous_step_is_accepted_for_slow_phones(client, karanganyar, db_session, fake_clock):
    operator = karanganyar.operator
    generator, _codes = with_totp(operator, db_session)
    login(client, operator.email)
    code = code_now(generator, fake_clock)

    fake_clock.advance(seconds=30)

    assert second_step(client, code).status_code == 302


def test_a_recovery_code_works_once(make_client, karanganyar, db_session, fake_clock):
    operator = karanganyar.operator
    _generator, codes = with_totp(operator, db_session)
    lost_phone = make_client()
    login(lost_phone, operator.email)

    used = second_step(lost_phone, codes[3].lower().replace("-", " "))  # typed loosely from paper

    assert used.status_code == 302
    assert "tersisa 9" in lost_phone.get("/admin/").get_data(as_text=True)
    again = make_client()
    login(again, operator.email)
    assert second_step(again, codes[3]).status_code == 200
    assert second_step(again, codes[4]).status_code == 302
    outcomes = db_session.scalars(sa.select(AuthEvent.outcome).where(AuthEvent.user_id == operator.id)).all()
    assert outcomes.count("recovery_code_used") == 2


def test_the_second_step_expires_after_five_minutes(client, karanganyar, db_session, fake_clock):
    operator = karanganyar.operator
    generator, _codes = with_totp(operator, db_session)
    login(client, operator.email)

    fake_clock.advance(minutes=5, seconds=1)
    response = second_step(client, code_now(generator, fake_clock))

    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert client.get("/admin/kim/").status_code == 302


def test_the_second_step_is_throttled(app, client, karanganyar, db_session, fake_clock, monkeypatch):
    monkeypatch.setitem(app.config, "KIMADMIN_LOGIN_LIMIT_PER_ACCOUNT", "3 per minute")
    monkeypatch.setitem(app.config, "KIMADMIN_LOCKOUT_THRESHOLD", 100)
    operator = karanganyar.operator
    generator, _codes = with_totp(operator, db_session)
    login(client, operator.email)
    wrong = "000000" if code_now(generator, fake_clock) != "000000" else "111111"
    for _ in range(3):
        assert second_step(client, wrong).status_code == 200

    assert second_step(client, code_now(generator, fake_clock)).status_code == 429


# --- required by role ---------------------------------------------------------------------------------


def test_a_role_that_requires_two_factor_must_enrol_first(
    app, client, karanganyar, db_session, fake_clock, monkeypatch
):
    monkeypatch.setitem(app.config, "KIMADMIN_2FA_REQUIRED_ROLES", "superadmin,admin_kabupaten")
    admin = karanganyar.admin
    login(client, admin.email)

    for path in ("/admin/", "/admin/user/", "/account/"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/account/two-factor"), path
    client.get("/account/two-factor")
    db_session.expire_all()
    generator = pyotp.TOTP(db_session.get(User, admin.id).totp_secret)
    token = client.csrf_token("/account/two-factor")
    client.post("/account/two-factor", data={"code": code_now(generator, fake_clock), "csrf_token": token})

    assert client.get("/admin/user/").status_code == 200
    refused = client.post("/account/two-factor/disable", data={"csrf_token": token})
    assert refused.status_code == 302
    db_session.expire_all()
    assert db_session.get(User, admin.id).totp_enabled


def test_other_roles_are_not_asked(app, make_client, karanganyar, monkeypatch):
    monkeypatch.setitem(app.config, "KIMADMIN_2FA_REQUIRED_ROLES", "superadmin,admin_kabupaten")

    assert make_client(karanganyar.operator).get("/admin/kim/").status_code == 200


# --- managing the second factor ---------------------------------------------------------------------------


def test_new_recovery_codes_replace_the_old_ones(make_client, karanganyar, db_session, fake_clock):
    operator = karanganyar.operator
    _generator, old_codes = with_totp(operator, db_session)
    client = make_client()
    login(client, operator.email)
    second_step(client, old_codes[0])

    response = client.post("/account/two-factor/recovery-codes", data={"csrf_token": client.csrf_token("/account/")})

    new_codes = CODES.findall(response.get_data(as_text=True))
    assert len(new_codes) == 10
    other = make_client()
    login(other, operator.email)
    assert second_step(other, old_codes[1]).status_code == 200
    assert second_step(other, new_codes[0]).status_code == 302


def test_a_user_turns_two_factor_off(make_client, karanganyar, db_session, fake_clock):
    operator = karanganyar.operator
    generator, _codes = with_totp(operator, db_session)
    client = make_client()
    login(client, operator.email)
    second_step(client, code_now(generator, fake_clock))

    client.post("/account/two-factor/disable", data={"csrf_token": client.csrf_token("/account/")})

    db_session.expire_all()
    assert not db_session.get(User, operator.id).totp_enabled
    assert login(make_client(), operator.email).headers["Location"].endswith("/admin/")


def test_an_admin_resets_a_users_second_factor(make_client, karanganyar, db_session, fake_clock):
    operator = karanganyar.operator
    generator, _codes = with_totp(operator, db_session)
    phone_session = make_client()
    login(phone_session, operator.email)
    second_step(phone_session, code_now(generator, fake_clock))

    response = make_client(karanganyar.admin).post_form(
        "/admin/user/action/", {"action": "reset_two_factor", "rowid": operator.id}
    )

    assert response.status_code == 302
    db_session.expire_all()
    user = db_session.get(User, operator.id)
    assert not user.totp_enabled and user.totp_secret is None
    assert db_session.scalar(sa.select(sa.func.count()).where(RecoveryCode.user_id == operator.id)) == 0
    assert phone_session.get("/admin/kim/").status_code == 302  # its sessions ended
    assert login(make_client(), operator.email).headers["Location"].endswith("/admin/")
    reset = db_session.scalars(sa.select(AuthEvent).where(AuthEvent.outcome == "totp_reset_by_admin")).one()
    assert reset.actor_id == karanganyar.admin.id


@pytest.mark.parametrize("role", ["admin_kabupaten", "operator"])
def test_no_one_else_resets_a_second_factor(make_client, karanganyar, wonosobo, db_session, role):
    operator = karanganyar.operator
    with_totp(operator, db_session)
    actor = wonosobo.user(role) if role == "admin_kabupaten" else karanganyar.viewer

    response = make_client(actor).post_form("/admin/user/action/", {"action": "reset_two_factor", "rowid": operator.id})

    assert response.status_code in (403, 404)
    if role == "admin_kabupaten":
        assert response.status_code == 404
    db_session.expire_all()
    assert db_session.get(User, operator.id).totp_enabled
