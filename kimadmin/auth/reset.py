"""One-time password-reset links, made by an admin for a user of their own regency.

No e-mail server is assumed: the admin sees the link once and hands it over (chat, in person).
Only the SHA-256 of the 256-bit token is stored, so a database dump holds no usable link. A link
works once, for ``KIMADMIN_RESET_LINK_HOURS`` (24 by default); making a new one voids the older.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for

from ..extensions import db
from ..models.users import PasswordResetToken, User, as_utc
from . import clock


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def valid_hours() -> int:
    return int(current_app.config.get("KIMADMIN_RESET_LINK_HOURS", 24))


def issue(user: Any, admin: Any) -> str:
    """A new link for ``user`` (absolute URL, to show once); earlier unused links stop working."""
    return url_for("auth.reset_password", token=issue_token(user, admin), _external=True)


def issue_token(user: Any, admin: Any | None) -> str:
    """Store a new token for ``user`` (earlier unused ones are voided) and return it, to show once.

    ``admin`` is ``None`` when the system makes the link (``flask kim user reset-link``).
    """
    db.session.execute(
        sa.delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
    )
    token = secrets.token_urlsafe(32)
    now = clock.now()
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=_hash(token),
            created_by_id=getattr(admin, "id", None),
            created_at=now,
            expires_at=now + timedelta(hours=valid_hours()),
        )
    )
    return token


def find(token: str) -> PasswordResetToken | None:
    """The unused, unexpired link row for ``token`` whose user is active, else ``None``."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(
        sa.select(PasswordResetToken)
        .join(User, User.id == PasswordResetToken.user_id)
        .where(PasswordResetToken.token_hash == _hash(token), PasswordResetToken.used_at.is_(None))
        .where(User.active.is_(True))
    )
    if row is None or as_utc(row.expires_at) <= clock.now():
        return None
    return row


def spend(row: PasswordResetToken) -> bool:
    """Spend the link: ``True`` if this request did, ``False`` if it was used (or expired) meanwhile.

    One conditional ``UPDATE ... WHERE used_at IS NULL`` decides, by its row count, so two
    requests racing with the same link cannot both set a password (a read in :func:`find`, then a
    write, could). The user's other unused links are voided with it. The caller commits.
    """
    now = clock.now()
    result = db.session.execute(
        sa.update(PasswordResetToken)
        .where(
            PasswordResetToken.id == row.id,
            PasswordResetToken.used_at.is_(None),
            PasswordResetToken.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    db.session.execute(
        sa.update(PasswordResetToken)
        .where(PasswordResetToken.user_id == row.user_id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return True
