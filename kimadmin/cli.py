"""``flask kim ...`` commands for operators and IT staff."""

from __future__ import annotations

import secrets
import sys
import time
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup
from flask_migrate import upgrade

from .auth import permissions
from .auth.passwords import hash_password
from .auth.policy import check_password
from .extensions import db
from .models.regions import Province, Regency
from .models.users import Role, User
from .regions_loader import UnknownProvinceError, load_regions, region_counts

kim = AppGroup("kim", help="KIM Admin commands.")


@kim.command("load-regions")
@click.option("--province", "province", default=None, help="Province code, e.g. 33 (default: all of Indonesia).")
def load_regions_command(province: str | None) -> None:
    """Load or update Kemendagri regions (idempotent)."""
    started = time.perf_counter()
    try:
        with db.engine.begin() as conn:
            result = load_regions(conn, province)
    except UnknownProvinceError as exc:
        raise click.BadParameter(str(exc), param_hint="--province") from None
    elapsed = time.perf_counter() - started
    click.echo(
        f"Regions loaded in {elapsed:.1f}s: {result.provinces} provinces, {result.regencies} regencies, "
        f"{result.districts} districts, {result.villages} villages ({result.changed} rows new or changed)."
    )


@kim.command("sync-permissions")
def sync_permissions_command() -> None:
    """Add missing roles and permissions (never removes a grant)."""
    created = permissions.sync(db.session)
    db.session.commit()
    click.echo(f"{created} new permissions.")


@kim.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.name for r in permissions.ROLES]))
@click.option("--regency", default=None, help="Regency code, e.g. 33.13 (for regency roles).")
@click.option("--province", default=None, help="Province code, e.g. 33 (for the provinsi role).")
@click.option("--name", "full_name", default="", help="Full name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(
    email: str, role: str, regency: str | None, province: str | None, full_name: str, password_stdin: bool
) -> None:
    """Create a user; prints a generated password unless --password-stdin is given."""
    permissions.sync(db.session)
    spec = permissions.ROLE_BY_NAME[role]
    if spec.scope_level == "regency" and not regency:
        raise click.UsageError(f"--regency is required for role {role}")
    if spec.scope_level == "province" and not province:
        raise click.UsageError(f"--province is required for role {role}")
    if regency and db.session.get(Regency, regency) is None:
        raise click.UsageError(f"Unknown regency {regency}; run `flask kim load-regions` first.")
    if province and db.session.get(Province, province) is None:
        raise click.UsageError(f"Unknown province {province}; run `flask kim load-regions` first.")
    email = email.strip().lower()
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise click.UsageError(f"A user with e-mail {email} already exists.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        problem = check_password(password, email, full_name)
        if problem is not None:
            raise click.UsageError(problem)
        generated = False
    else:
        password, generated = secrets.token_urlsafe(12), True
    db.session.add(
        User(
            email=email,
            full_name=full_name,
            password_hash=hash_password(password),
            role=db.session.get(Role, role),
            regency_code=regency if spec.scope_level == "regency" else None,
            province_code=province if spec.scope_level == "province" else None,
            must_change_password=True,  # the user chooses their own password at the first login
        )
    )
    db.session.commit()
    click.echo(f"Created {role} {email}" + (f" with password: {password}" if generated else "."))


@kim.command("setup")
@click.option("--province", default="33", show_default=True, help="Province whose regions to load ('all' for all).")
@click.option("--admin-email", default="admin@kimadmin.example", show_default=True)
def setup_command(province: str, admin_email: str) -> None:
    """First run: migrate, add roles, load regions and create the first superadmin."""
    upgrade(revision="heads")
    permissions.sync(db.session)
    db.session.commit()
    with db.engine.begin() as conn:
        load_regions(conn, None if province == "all" else province)
        counts = region_counts(conn)
    click.echo(f"Regions in database: {counts.regencies} regencies, {counts.villages} villages.")
    has_admin = db.session.scalar(sa.select(User.id).where(User.role_name == "superadmin").limit(1))
    if has_admin is None:
        password = secrets.token_urlsafe(12)
        db.session.add(
            User(
                email=admin_email,
                full_name="Superadmin",
                password_hash=hash_password(password),
                role=db.session.get(Role, "superadmin"),
                must_change_password=True,
            )
        )
        db.session.commit()
        click.echo(f"First superadmin: {admin_email} / {password}  (change it after logging in)")
    else:
        click.echo("A superadmin already exists; no user created.")


@kim.command("demo")
@click.option("--allow-production", is_flag=True, help="Load even when KIMADMIN_ENV is production.")
def demo_command(allow_production: bool) -> None:
    """Load the demo scenario (Karanganyar, Wonosobo) and demo users; running it again adds nothing."""
    from flask import current_app

    from .demo import load_demo

    # The demo users share a published password: never on a real installation by accident.
    if current_app.config["KIMADMIN_ENV"] == "production" and not allow_production:
        raise click.UsageError("Refusing to load demo data with KIMADMIN_ENV=production (see --allow-production).")
    if not sa.inspect(db.session.connection()).has_table("kim"):  # the session's own connection
        raise click.UsageError("The database has no tables yet: run `flask --app app kim setup` first.")
    started = time.perf_counter()
    try:
        result = load_demo(db.session)
        db.session.commit()  # one transaction: all of the demo or nothing
    except Exception:
        db.session.rollback()
        raise
    elapsed = time.perf_counter() - started
    if result.nothing_new:
        click.echo(
            f"Demo data already loaded; nothing changed ({elapsed:.1f}s). Existing accounts keep their password."
        )
    else:
        summary = ", ".join(f"{count} {name}" for name, count in sorted(result.created.items()))
        click.echo(f"Demo data loaded in {elapsed:.1f}s: {summary}.")
    rows = [("role", "regency/province", "e-mail", "password")]
    rows += [(login.role, login.region, login.email, login.password) for login in result.logins]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    click.echo("\nDemo logins (demo data only, never on a real installation):")
    for index, row in enumerate(rows):
        click.echo("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            click.echo("  " + "  ".join("-" * width for width in widths))


@kim.command("encryption-key")
@click.option("--new", "generate", is_flag=True, help="Print a new random key instead.")
def encryption_key_command(generate: bool) -> None:
    """Print the key that encrypts TOTP secrets (derived from SECRET_KEY unless configured).

    Before rotating SECRET_KEY, put this key in KIMADMIN_ENCRYPTION_KEYS (after a new one made
    with --new): the first key encrypts, every listed key still decrypts.
    """
    from cryptography.fernet import Fernet
    from flask import current_app

    from .crypto import derived_key

    if generate:
        click.echo(Fernet.generate_key().decode())
        return
    configured = current_app.config.get("KIMADMIN_ENCRYPTION_KEYS")
    click.echo(
        configured.split(",")[0].strip() if configured else derived_key(current_app.config["SECRET_KEY"]).decode()
    )


@kim.command("backup")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Archive to write (default: instance/backups/kimadmin-<date>-<time>.tar.gz).",
)
def backup_command(output: Path | None) -> None:
    """Back up the database (pg_dump, or SQLite's backup API) and the uploads in one archive."""
    from flask import current_app

    from .backup import BackupError, make_backup

    output = output or Path(current_app.instance_path) / "backups" / f"kimadmin-{time.strftime('%Y%m%d-%H%M%S')}.tar.gz"
    try:
        written = make_backup(
            current_app.config["SQLALCHEMY_DATABASE_URI"], Path(current_app.config["KIMADMIN_UPLOAD_DIR"]), output
        )
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written: {written} ({written.stat().st_size:,} bytes)")


@kim.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm: the database and uploads are replaced by the backup's.")
def restore_command(archive: Path, yes: bool) -> None:
    """Replace the database and the uploads with a backup (stop the app first).

    The database is restored in one transaction: if it fails, nothing changed.
    """
    from flask import current_app

    from .backup import BackupError, restore_backup

    if not yes:
        raise click.ClickException("Restoring replaces all data with the backup's. Run again with --yes to confirm.")
    db.engine.dispose()  # no pooled connection of ours holds a lock on what is dropped
    try:
        manifest = restore_backup(
            archive, current_app.config["SQLALCHEMY_DATABASE_URI"], Path(current_app.config["KIMADMIN_UPLOAD_DIR"])
        )
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored the backup of {manifest['created_at']}. Next: flask db upgrade (to the code's heads).")


def init_app(app: Flask) -> None:
    from .plugin_cli import register as register_plugin_commands

    register_plugin_commands(app, kim)
    from .auth.cli import user_group
    from .imports.cli import import_command

    kim.add_command(import_command)
    kim.add_command(user_group)
    app.cli.add_command(kim)
