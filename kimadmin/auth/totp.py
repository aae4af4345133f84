"""Two-factor login with TOTP (RFC 6238: 6 digits, 30 seconds) and one-time recovery codes.

The QR code is drawn here (segno, inline SVG): the secret never leaves the server for a QR
service. A code is accepted once: its time step is remembered (``User.totp_last_step``) and an
older or equal step is refused, so a code read over a shoulder cannot be replayed. Recovery codes
are 12 characters from a 31-letter alphabet (59 random bits), stored as SHA-256 and each usable once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models.users import RecoveryCode, User
from . import clock, sessions

ISSUER = "KIM Admin"
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed from paper
_RECOVERY_LENGTH = 12
_DRIFT_STEPS = (0, -1, 1)  # the current 30 s step, and one either side for phone clocks

TOTP = "totp"
RECOVERY = "recovery"


def required_roles() -> frozenset[str]:
    """Roles that must use a second factor (``KIMADMIN_2FA_REQUIRED_ROLES``, comma-separated)."""
    value = current_app.config.get("KIMADMIN_2FA_REQUIRED_ROLES") or ()
    if isinstance(value, str):
        value = value.split(",")
    return frozenset(role.strip() for role in value if role and role.strip())


def required_for(user: Any) -> bool:
    return user.role_name in required_roles()


def new_secret() -> str:
    return pyotp.random_base32()  # 32 base32 characters, 160 bits


def provisioning_uri(user: Any) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """The ``otpauth://`` URI as an inline SVG QR code (no script, no external image)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff", border=4)
    return Markup(svg)  # noqa: S704 - segno's own markup; the URI is only encoded as modules, not as text


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def matching_step(secret: str, code: str) -> int | None:
    """The time step ``code`` belongs to (now, or one step either side), or ``None``."""
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(clock.now())
    for offset in _DRIFT_STEPS:
        step = current + offset
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify_totp(user: Any, code: str, secret: str | None = None) -> bool:
    """Check a TOTP code once: on success its step is recorded on the user (the caller commits).

    The step is spent with one conditional ``UPDATE ... WHERE totp_last_step < :step`` whose row
    count decides: two requests racing with the same code (or a stale copy of the user) cannot
    both pass, as a read-then-write could. PostgreSQL makes the second UPDATE wait for the first
    transaction and then re-check the condition; SQLite serialises writers.
    """
    secret = secret or user.totp_secret
    if not secret:
        return False
    step = matching_step(secret, code)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    result = db.session.execute(
        sa.update(User)
        .where(User.id == user.id)
        .where(sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)  # the row has it already: no second write
    return True


def _normalise_recovery(code: str) -> str:
    return "".join(char for char in code.upper() if char.isalnum())


def _hash_recovery(code: str) -> str:
    return hashlib.sha256(_normalise_recovery(code).encode()).hexdigest()


def use_recovery_code(user: Any, code: str) -> bool:
    """Spend one unused recovery code of ``user`` (the caller commits).

    One conditional ``UPDATE ... WHERE used_at IS NULL``; its row count says whether this request
    spent the code, so the same code used twice at once logs in only once.
    """
    if len(_normalise_recovery(code)) != _RECOVERY_LENGTH:
        return False
    result = db.session.execute(
        sa.update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_recovery(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount >= 1


def verify_second_factor(user: Any, code: str) -> str | None:
    """``"totp"`` or ``"recovery"`` for a valid code (now spent), ``None`` otherwise."""
    code = (code or "").strip()
    if not user.totp_enabled or not code:
        return None
    if verify_totp(user, code):
        return TOTP
    if use_recovery_code(user, code):
        return RECOVERY
    return None


def remaining_recovery_codes(user: Any) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def new_recovery_codes(user: Any) -> list[str]:
    """Replace the user's recovery codes by :data:`RECOVERY_CODE_COUNT` new ones; shown once."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4)))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash_recovery(raw)))
    return codes


def enable(user: Any, code: str) -> list[str] | None:
    """Confirm enrolment with a first code: TOTP on, new recovery codes (returned), other sessions end."""
    if user.totp_enabled or not user.totp_secret or not verify_totp(user, code):
        return None
    user.totp_enabled = True
    sessions.end_all(user)
    return new_recovery_codes(user)


def disable(user: Any) -> None:
    """Remove the second factor (by the user, or an admin's reset); the user's sessions end."""
    user.totp_enabled = False
    user.totp_secret = None
    user.totp_last_step = None
    sessions.end_all(user)
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
