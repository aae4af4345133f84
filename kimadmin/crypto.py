"""Encryption of secrets at rest (TOTP secrets): a column type that stores Fernet tokens.

Why: a copy of the database (a backup on a laptop, a dump sent for support) must not be enough
to generate a user's second-factor codes. The key is not in the database: it is
``KIMADMIN_ENCRYPTION_KEYS`` (comma-separated Fernet keys; the first encrypts, all decrypt, so
a key can be rotated without locking anyone out), or else derived from ``SECRET_KEY`` with HKDF.
Whoever rotates ``SECRET_KEY`` without setting ``KIMADMIN_ENCRYPTION_KEYS`` to the old derived key
first makes the stored secrets unreadable (users then re-enrol; ``flask kim encryption-key``
prints the derived key to keep).
"""

from __future__ import annotations

import base64
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app

__all__ = ["EncryptedString", "InvalidToken", "SecretUnreadable", "derived_key", "encryption", "looks_encrypted"]

_INFO = b"kimadmin column encryption v1"


class SecretUnreadable(RuntimeError):
    """A stored secret cannot be decrypted with the configured keys (a rotated SECRET_KEY?)."""


def derived_key(secret_key: str) -> bytes:
    """The Fernet key derived from ``SECRET_KEY`` (used when no explicit key is configured)."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret_key.encode())
    return base64.urlsafe_b64encode(raw)


def encryption(app: Flask | None = None) -> MultiFernet:
    """The app's encryptor, built once per app from its configuration."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    cached = app.extensions.get("kimadmin_encryption")
    if cached is None:
        configured = [key.strip() for key in (app.config.get("KIMADMIN_ENCRYPTION_KEYS") or "").split(",")]
        keys = [key.encode() for key in configured if key] or [derived_key(app.config["SECRET_KEY"])]
        cached = app.extensions["kimadmin_encryption"] = MultiFernet([Fernet(key) for key in keys])
    return cached


def looks_encrypted(value: str) -> bool:
    """Fernet tokens start with version byte 0x80, ``gAAAAA`` in base64."""
    return value.startswith("gAAAAA")


class EncryptedString(sa.types.TypeDecorator):
    """A string column stored encrypted (Fernet: AES-128-CBC + HMAC-SHA256, random IV).

    Encrypted values are ~2.5x longer than the plain text: size the column for the token.
    """

    impl = sa.String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        return encryption().encrypt(str(value).encode()).decode("ascii")

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        try:
            return encryption().decrypt(value.encode("ascii")).decode()
        except InvalidToken as exc:
            raise SecretUnreadable(
                "a stored secret cannot be decrypted: check KIMADMIN_ENCRYPTION_KEYS / SECRET_KEY"
            ) from exc
