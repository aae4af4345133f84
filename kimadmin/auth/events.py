"""Write the login journal (:class:`~kimadmin.models.auth_events.AuthEvent`).

Rows are plain INSERTs on the request's session, committed by the caller together with whatever
else the attempt changed (a failure counter, a lock). They bypass the ORM flush, and so the tenancy
write check, on purpose: most events happen before anybody is logged in, and the row's regency is
copied from the user it is about, never taken from the request.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request

from ..extensions import db
from ..models.auth_events import AuthEvent
from . import clock

# Outcomes, as stored (a short vocabulary a future journal screen can translate and filter on).
# (Journal labels, not secrets: S105 is a false positive here.)
LOGIN_OK = "login_ok"
PASSWORD_OK = "password_ok"  # noqa: S105 - first step passed, second factor pending
WRONG_PASSWORD = "wrong_password"  # noqa: S105
UNKNOWN_EMAIL = "unknown_email"
INACTIVE = "inactive"
LOCKED = "locked"  # an attempt while the account is locked (the answer does not say so)
LOCKED_OUT = "locked_out"  # this failure locked the account
SECOND_FACTOR_FAILED = "second_factor_failed"
RECOVERY_CODE_USED = "recovery_code_used"
REAUTH_OK = "reauth_ok"
REAUTH_FAILED = "reauth_failed"
LOGOUT = "logout"
LOGOUT_EVERYWHERE = "logout_everywhere"
SESSION_EXPIRED = "session_expired"
PASSWORD_CHANGED = "password_changed"  # noqa: S105
PASSWORD_SET_BY_ADMIN = "password_set_by_admin"  # noqa: S105
RESET_LINK_ISSUED = "reset_link_issued"
RESET_LINK_USED = "reset_link_used"
UNLOCKED = "unlocked"
TOTP_ENABLED = "totp_enabled"
TOTP_DISABLED = "totp_disabled"
TOTP_RESET_BY_ADMIN = "totp_reset_by_admin"
RECOVERY_CODES_RENEWED = "recovery_codes_renewed"
THROTTLED = "throttled"  # refused by the rate limiter (429) before the password was checked


def mask_email(email: str | None) -> str | None:
    """``siti.rahayu@karanganyar.go.id`` -> ``s***@karanganyar.go.id``.

    Enough to recognise a mistyped address or a spraying attack, without keeping whatever was typed
    (sometimes a password) in the journal.
    """
    if not email:
        return None
    email = email.strip().lower()[:254]
    local, at, domain = email.partition("@")
    if not at:
        return (local[:1] + "***") if local else None
    return f"{local[:1]}***@{domain}"[:254]


def record(outcome: str, user: Any = None, email: str | None = None, actor: Any = None) -> None:
    """Add one journal row to the current transaction (the caller commits)."""
    ip = user_agent = None
    if has_request_context():
        ip = (request.remote_addr or "")[:45] or None
        user_agent = (request.user_agent.string or "")[:255] or None
    db.session.execute(
        sa.insert(AuthEvent.__table__).values(
            occurred_at=clock.now(),
            outcome=outcome,
            user_id=getattr(user, "id", None),
            actor_id=getattr(actor, "id", None),
            regency_code=getattr(user, "regency_code", None),
            email_masked=mask_email(email if email is not None else getattr(user, "email", None)),
            ip=ip,
            user_agent=user_agent,
        )
    )
