"""TOTP secrets are stored encrypted: unreadable in the database, readable by the app, rotatable."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from flask_migrate import downgrade, upgrade

from kimadmin import create_app
from kimadmin.crypto import SecretUnreadable, derived_key, encryption
from kimadmin.extensions import db
from kimadmin.models import User
from kimadmin.testing.factories import UserFactory

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def stored_secret(user_id: int) -> str:
    return db.session.execute(sa.text("SELECT totp_secret FROM user_account WHERE id = :id"), {"id": user_id}).scalar()


def test_the_secret_is_encrypted_in_the_database_and_plain_for_the_app(db_session):
    user = UserFactory(totp_secret=SECRET)
    db_session.flush()
    db_session.expire(user)

    raw = stored_secret(user.id)
    assert SECRET not in raw and raw.startswith("gAAAAA")
    assert user.totp_secret == SECRET
    # The same value encrypts differently each time (random IV): equal secrets do not show.
    assert encryption().encrypt(SECRET.encode()) != encryption().encrypt(SECRET.encode())


def test_keys_rotate_and_a_wrong_key_fails_loudly(app):
    old = derived_key(app.config["SECRET_KEY"]).decode()
    token = encryption(app).encrypt(SECRET.encode())
    new = Fernet.generate_key().decode()

    rotated = create_app({**_config(app), "KIMADMIN_ENCRYPTION_KEYS": f"{new},{old}"})
    assert encryption(rotated).decrypt(token).decode() == SECRET  # the old key still decrypts
    assert Fernet(new.encode()).decrypt(encryption(rotated).encrypt(b"x")) == b"x"  # the first encrypts

    other = create_app({**_config(app), "SECRET_KEY": "a different secret key"})
    column = User.__table__.c.totp_secret.type
    with other.app_context(), pytest.raises(SecretUnreadable):
        column.process_result_value(token.decode(), None)


def test_the_migration_encrypts_existing_secrets_and_the_downgrade_restores_them(app, scratch_database_url):
    scratch = create_app({**_config(app), "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with scratch.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO role (name, rank, scope_level) VALUES ('operator', 1, 'regency')"))
            conn.execute(
                sa.text(
                    "INSERT INTO user_account (id, email, full_name, password_hash, role_name, active, created_at,"
                    " must_change_password, failed_login_count, session_version, totp_enabled)"
                    " VALUES (1, 'a@example.com', 'A', 'x', 'operator', true, CURRENT_TIMESTAMP, false, 0, 1, true)"
                )
            )
            conn.execute(sa.text("UPDATE user_account SET totp_secret = :s"), {"s": SECRET})
        upgrade(revision="0005_totp")
        raw = _raw(scratch)
        assert raw != SECRET and encryption(scratch).decrypt(raw.encode()).decode() == SECRET
        downgrade(revision="0004")
        assert _raw(scratch) == SECRET
        db.engine.dispose()


def _raw(flask_app) -> str:
    with db.engine.connect() as conn:
        return conn.execute(sa.text("SELECT totp_secret FROM user_account WHERE id = 1")).scalar()


def _config(app) -> dict:
    return {
        "KIMADMIN_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "KIMADMIN_EXTRA_PLUGINS": app.config.get("KIMADMIN_EXTRA_PLUGINS"),
        "KIMADMIN_DISABLED_PLUGINS": app.config.get("KIMADMIN_DISABLED_PLUGINS"),
    }
