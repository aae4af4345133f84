"""``flask kim user ...``: lift a lockout, reset the second factor, or make a reset link, as the system.

For the one case the admin screens cannot handle: the only superadmin is locked out (too many
failures, a lost phone, a forgotten password) and nobody ranks above them. Whoever runs these
commands has the server already; each action is journalled in the login journal with no actor
(shown as the system), like the same action done by an admin on the user screen.
"""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app, url_for
from flask.cli import AppGroup

from ..extensions import db
from ..models.users import User
from . import events, reset, service, totp

user_group = AppGroup("user", help="Rescue a user's login (locked out, lost phone, forgotten password).")


def _user(email: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No user with e-mail {email.strip().lower()}.")
    return user


@user_group.command("unlock")
@click.argument("email")
def unlock_command(email: str) -> None:
    """Lift the login pause after repeated failures (the password stays the same)."""
    user = _user(email)
    service.unlock(user, None)
    db.session.commit()
    current_app.logger.warning("cli: login pause lifted user=%s", user.id)
    click.echo(f"{user.email} can log in again.")


@user_group.command("reset-2fa")
@click.argument("email")
def reset_two_factor_command(email: str) -> None:
    """Turn two-factor login off (lost phone); the user sets it up again; their sessions end."""
    user = _user(email)
    if not user.totp_enabled and not user.totp_secret:
        click.echo(f"{user.email} has no two-factor login; nothing changed.")
        return
    totp.disable(user)
    events.record(events.TOTP_RESET_BY_ADMIN, user)
    db.session.commit()
    current_app.logger.warning("cli: two-factor login reset user=%s", user.id)
    click.echo(f"Two-factor login of {user.email} is off; they set it up again at the next login if required.")


@user_group.command("reset-link")
@click.argument("email")
@click.option(
    "--base-url",
    default=None,
    help="Address of the site, e.g. https://kim.example.go.id (default: from SERVER_NAME).",
)
def reset_link_command(email: str, base_url: str | None) -> None:
    """Print a one-time password-reset link (valid KIMADMIN_RESET_LINK_HOURS); older links stop working."""
    config = current_app.config
    if not base_url and config.get("SERVER_NAME"):
        base_url = f"{config.get('PREFERRED_URL_SCHEME') or 'https'}://{config['SERVER_NAME']}"
        base_url += (config.get("APPLICATION_ROOT") or "/").rstrip("/")
    if not base_url:
        raise click.UsageError("Give --base-url https://your-site (or set SERVER_NAME): the link needs the address.")
    if not base_url.startswith(("https://", "http://")):
        raise click.BadParameter("must start with https:// (or http://)", param_hint="--base-url")
    user = _user(email)
    if not user.active:
        raise click.ClickException(f"{user.email} is deactivated: activate the account first.")
    token = reset.issue_token(user, None)
    events.record(events.RESET_LINK_ISSUED, user)
    db.session.commit()
    with current_app.test_request_context(base_url=base_url):  # only to build the URL
        link = url_for("auth.reset_password", token=token, _external=True)
    current_app.logger.warning("cli: password reset link made user=%s", user.id)
    click.echo(f"One-time link for {user.email}, valid {reset.valid_hours()} hours (it is not shown again):")
    click.echo(link)
