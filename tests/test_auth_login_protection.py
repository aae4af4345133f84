"""Login protection: throttling per address and per account, lockout, the admin's unlock, the journal."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from kimadmin import create_app
from kimadmin.auth import service
from kimadmin.models import AuthEvent, User
from kimadmin.tenancy import Scope, set_scope
from kimadmin.testing import TEST_PASSWORD, use_test_client
from kimadmin.testing.factories import make_user

ALERT = re.compile(r'role="alert">([^<]*)<')


def attempt(client, email, password, ip="127.0.0.1", user_agent=None):
    """A login POST from ``ip`` (later requests of the client come from 127.0.0.1 again)."""
    environ = {"REMOTE_ADDR": ip}
    if user_agent:
        environ["HTTP_USER_AGENT"] = user_agent
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": client.csrf_token()},
        environ_base=environ,
    )


def flash_of(response) -> str:
    match = ALERT.search(response.get_data(as_text=True))
    assert match is not None, "no flash message"
    return match.group(1).strip()


def journal(db_session, **where):
    query = sa.select(AuthEvent).order_by(AuthEvent.id)
    for name, value in where.items():
        query = query.where(getattr(AuthEvent, name) == value)
    return db_session.scalars(query).all()


# --- throttling ------------------------------------------------------------------------------------


def test_failures_from_one_address_are_throttled_and_the_block_expires(
    app, client, make_client, karanganyar, fake_clock, monkeypatch
):
    monkeypatch.setitem(app.config, "KIMADMIN_LOGIN_LIMIT_PER_IP", "3 per minute")
    operator = karanganyar.operator
    for number in range(3):
        assert (
            attempt(client, f"tebakan{number}@contoh.example", "salah-sama-sekali", ip="127.0.0.9").status_code == 200
        )

    blocked = attempt(client, operator.email, TEST_PASSWORD, ip="127.0.0.9")  # even the right password

    assert blocked.status_code == 429
    assert "Terlalu banyak permintaan" in blocked.get_data(as_text=True)  # the translated error page
    assert attempt(make_client(), operator.email, TEST_PASSWORD, ip="127.0.0.10").status_code == 302  # elsewhere

    fake_clock.advance(seconds=61)
    assert attempt(client, operator.email, TEST_PASSWORD, ip="127.0.0.9").status_code == 302


def test_failures_on_one_account_are_throttled_from_every_address(app, client, fake_clock, monkeypatch):
    monkeypatch.setitem(app.config, "KIMADMIN_LOGIN_LIMIT_PER_ACCOUNT", "3 per minute")
    target = "sasaran@contoh.example"  # the limit does not depend on the account existing
    for number in range(3):
        assert attempt(client, target, "salah-sama-sekali", ip=f"127.0.1.{number}").status_code == 200

    assert attempt(client, target.upper(), "salah-sama-sekali", ip="127.0.1.200").status_code == 429
    assert attempt(client, "lain@contoh.example", "salah-sama-sekali", ip="127.0.1.200").status_code == 200


def test_a_throttled_attempt_is_journalled_once_with_the_account_and_address(
    app, client, make_client, karanganyar, db_session, fake_clock, monkeypatch
):
    monkeypatch.setitem(app.config, "KIMADMIN_LOGIN_LIMIT_PER_IP", "2 per minute")
    monkeypatch.setitem(app.config, "KIMADMIN_LOGIN_LIMIT_PER_ACCOUNT", "2 per minute")
    operator = karanganyar.operator
    for _ in range(2):  # both limits are reached at once
        assert attempt(client, operator.email, "salah-sama-sekali", ip="127.0.0.77").status_code == 200

    assert attempt(client, operator.email, TEST_PASSWORD, ip="127.0.0.77").status_code == 429

    throttled = journal(db_session, outcome="throttled")
    assert len(throttled) == 1
    assert throttled[0].user_id == operator.id
    assert throttled[0].regency_code == "33.13"  # the regency's admin sees it in their journal
    assert throttled[0].ip == "127.0.0.77"
    assert throttled[0].email_masked == "o***@karanganyar.example"
    screen = make_client(karanganyar.admin).get("/admin/auth_event/?page_size=100").get_data(as_text=True)
    assert "Ditolak: terlalu banyak percobaan" in screen


def test_a_throttled_attempt_on_an_unknown_email_is_journalled_masked(app, client, db_session, fake_clock, monkeypatch):
    monkeypatch.setitem(app.config, "KIMADMIN_LOGIN_LIMIT_PER_IP", "1 per minute")
    attempt(client, "tebakan@contoh.example", "salah-sama-sekali", ip="127.0.0.78")

    assert attempt(client, "Rahasia@Contoh.example", "salah-sama-sekali", ip="127.0.0.78").status_code == 429

    [throttled] = journal(db_session, outcome="throttled")
    assert throttled.user_id is None
    assert throttled.email_masked == "r***@contoh.example"
    assert throttled.ip == "127.0.0.78"


def test_successful_logins_are_not_counted(app, client, karanganyar, fake_clock, monkeypatch):
    """An office behind one NAT address logs in all morning."""
    monkeypatch.setitem(app.config, "KIMADMIN_LOGIN_LIMIT_PER_IP", "2 per minute")
    operator = karanganyar.operator
    for _ in range(4):
        assert attempt(client, operator.email, TEST_PASSWORD).status_code == 302
        client.post_form("/logout")


def test_throttling_falls_back_to_memory_when_redis_is_down(app, db_session, karanganyar, fake_clock):
    """README "Security": with REDIS_URL unreachable, login works and the limits still hold."""
    other = create_app(
        {
            **{key: app.config[key] for key in ("KIMADMIN_ENV", "TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI")},
            "SESSION_COOKIE_SECURE": False,
            "REDIS_URL": "redis://127.0.0.1:9/0",  # nothing listens there
            "KIMADMIN_LOGIN_LIMIT_PER_IP": "2 per minute",
        }
    )
    use_test_client(other)
    client = other.test_client()
    try:
        for _ in range(2):
            assert attempt(client, "tebakan@contoh.example", "salah-sama-sekali").status_code == 200
        assert attempt(client, karanganyar.operator.email, TEST_PASSWORD).status_code == 429
        assert attempt(client, karanganyar.operator.email, TEST_PASSWORD, ip="127.0.0.2").status_code == 302
    finally:
        with other.app_context():
            from kimadmin.extensions import db

            db.engine.dispose()


# --- lockout -----------------------------------------------------------------------------------------


def test_five_failures_lock_the_account_for_fifteen_minutes_without_saying_so(client, karanganyar, fake_clock):
    operator = karanganyar.operator
    wrong = [attempt(client, operator.email, f"salah-sama-sekali-{n}") for n in range(5)]
    assert {response.status_code for response in wrong} == {200}

    right_but_locked = attempt(client, operator.email, TEST_PASSWORD)

    assert right_but_locked.status_code == 200
    assert flash_of(right_but_locked) == flash_of(wrong[0])  # the attacker cannot tell a lock
    assert client.get("/admin/kim/").status_code == 302

    fake_clock.advance(minutes=14)
    assert attempt(client, operator.email, TEST_PASSWORD).status_code == 200
    fake_clock.advance(minutes=2)
    assert attempt(client, operator.email, TEST_PASSWORD).status_code == 302
    assert client.get("/admin/kim/").status_code == 200


def test_a_success_resets_the_count_of_consecutive_failures(client, karanganyar, fake_clock):
    operator = karanganyar.operator
    for n in range(4):
        attempt(client, operator.email, f"salah-sama-sekali-{n}")
    assert attempt(client, operator.email, TEST_PASSWORD).status_code == 302
    client.post_form("/logout")

    for n in range(4):
        attempt(client, operator.email, f"salah-lagi-{n}")

    assert attempt(client, operator.email, TEST_PASSWORD).status_code == 302


def test_unknown_wrong_locked_and_inactive_get_one_answer_and_one_argon2_check_each(
    client, karanganyar, db_session, fake_clock, monkeypatch
):
    calls = []
    real_verify = service.verify_password
    monkeypatch.setattr(service, "verify_password", lambda *args: calls.append(args) or real_verify(*args))
    locked = make_user("operator", regency="33.13", locked_until=fake_clock.advance(seconds=0).replace(year=2099))
    inactive = make_user("operator", regency="33.13", active=False)

    responses = [
        attempt(client, "tidak.ada@contoh.example", TEST_PASSWORD),
        attempt(client, karanganyar.operator.email, "salah-sama-sekali"),
        attempt(client, locked.email, TEST_PASSWORD),
        attempt(client, inactive.email, TEST_PASSWORD),
    ]

    assert [response.status_code for response in responses] == [200, 200, 200, 200]
    assert len({flash_of(response) for response in responses}) == 1
    assert len(calls) == 4
    assert calls[0][0] is None  # unknown e-mail: checked against the dummy hash


# --- the admin lifts a lock ----------------------------------------------------------------------------


def lock(client, user):
    for n in range(5):
        attempt(client, user.email, f"salah-sama-sekali-{n}")


def test_an_admin_of_the_regency_lifts_the_lock_from_the_user_screen(
    make_client, client, karanganyar, db_session, fake_clock
):
    operator = karanganyar.operator
    lock(client, operator)
    admin_client = make_client(karanganyar.admin)

    details = admin_client.get(f"/admin/user/details/?id={operator.id}").get_data(as_text=True)
    assert 'id="action-unlock"' in details
    response = admin_client.post_form("/admin/user/action/", {"action": "unlock", "rowid": operator.id})

    assert response.status_code == 302
    assert attempt(client, operator.email, TEST_PASSWORD).status_code == 302
    unlocked = journal(db_session, outcome="unlocked")
    assert [(event.user_id, event.actor_id) for event in unlocked] == [(operator.id, karanganyar.admin.id)]


def test_an_admin_of_another_regency_cannot_lift_the_lock(make_client, client, karanganyar, wonosobo, fake_clock):
    operator = karanganyar.operator
    lock(client, operator)
    other_admin = make_client(wonosobo.admin)

    without_token = other_admin.post("/admin/user/action/", data={"action": "unlock", "rowid": operator.id})
    foreign = other_admin.post_form("/admin/user/action/", {"action": "unlock", "rowid": operator.id})

    assert without_token.status_code == 400
    assert foreign.status_code == 404
    assert attempt(client, operator.email, TEST_PASSWORD).status_code == 200  # still locked


def test_an_operator_cannot_lift_a_lock(make_client, client, karanganyar, fake_clock):
    viewer = karanganyar.viewer
    lock(client, viewer)

    response = make_client(karanganyar.operator).post_form(
        "/admin/user/action/", {"action": "unlock", "rowid": viewer.id}
    )

    assert response.status_code == 403


# --- the journal -----------------------------------------------------------------------------------------


def test_every_success_and_failure_is_journalled_with_address_and_browser(client, karanganyar, db_session, fake_clock):
    operator = karanganyar.operator
    attempt(client, "siti.rahayu@contoh.example", "salah-sama-sekali", ip="127.0.0.21", user_agent="Firefox/140 uji")
    attempt(client, operator.email, "salah-sama-sekali", ip="127.0.0.22")
    attempt(client, operator.email, TEST_PASSWORD, ip="127.0.0.23")

    events = journal(db_session)
    assert [(event.outcome, event.user_id, event.ip) for event in events] == [
        ("unknown_email", None, "127.0.0.21"),
        ("wrong_password", operator.id, "127.0.0.22"),
        ("login_ok", operator.id, "127.0.0.23"),
    ]
    unknown = events[0]
    assert unknown.email_masked == "s***@contoh.example"  # what was typed is not kept
    assert unknown.user_agent == "Firefox/140 uji"
    assert unknown.regency_code is None
    assert events[1].regency_code == events[2].regency_code == "33.13"
    assert events[2].occurred_at is not None


def test_the_journal_is_scoped_to_the_regency_of_the_user(app, client, karanganyar, wonosobo, db_session, fake_clock):
    attempt(client, karanganyar.operator.email, "salah-sama-sekali")
    attempt(client, wonosobo.operator.email, "salah-sama-sekali")

    with app.test_request_context():
        set_scope(Scope.for_regency("33.07"))
        seen = db_session.scalars(sa.select(AuthEvent)).all()

    assert [event.user_id for event in seen] == [wonosobo.operator.id]


@pytest.mark.parametrize("email", ["", "bukan-email"])
def test_an_invalid_form_is_neither_counted_nor_journalled(client, db_session, fake_clock, email):
    response = attempt(client, email, "")

    assert response.status_code == 200
    assert journal(db_session) == []


def test_the_lock_is_stored_on_the_user(client, karanganyar, db_session, fake_clock):
    operator = karanganyar.operator
    lock(client, operator)

    db_session.expire_all()
    locked = db_session.get(User, operator.id)
    assert locked.is_locked(fake_clock.now())
    assert [event.outcome for event in journal(db_session, user_id=operator.id)][-2:] == [
        "wrong_password",
        "locked_out",
    ]


def test_the_journal_outlives_a_deleted_user(make_client, client, karanganyar, db_session, fake_clock):
    viewer_id, email = karanganyar.viewer.id, karanganyar.viewer.email
    attempt(client, email, "salah-sama-sekali")

    response = make_client(karanganyar.admin).post_form("/admin/user/delete/", {"id": viewer_id})

    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(User, viewer_id) is None
    kept = journal(db_session, outcome="wrong_password")
    assert [(event.user_id, event.email_masked) for event in kept] == [(None, "v***@karanganyar.example")]
