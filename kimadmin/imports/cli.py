"""``flask kim import KIND FILE --regency CODE [--by EMAIL] [--dry-run]`` for IT staff onboarding a regency.

It prints the same preview as the Import screen (row errors, counts; personal data masked) and
exits with status 1, writing nothing, when any row has an error; with ``--dry-run`` it never
writes. A successful import is recorded in the history with the command line as its source.

``--by`` names the officer the import is done for (a user of that regency, or a national user,
who may import the kind): the import batch and every audit entry carry that user instead of
"system", and the user's own scope applies to what is read and written, as on the screen.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app, g
from flask_babel import gettext as _

from ..extensions import db
from ..models.regions import Regency
from ..models.users import User
from ..tenancy import set_scope, unscoped
from .kinds import KINDS
from .plan import Preview, SheetKind, build_preview
from .service import ImportFailed, ImportOutOfDate, run_import


def echo_preview(preview: Preview) -> None:
    for problem in preview.problems:
        click.echo(problem, err=True)
    for note in preview.notes:
        click.echo(note)
    for row in preview.rows:
        for error in row.errors:
            click.echo(_("row %(row)d: %(message)s", row=row.number, message=error))
    counts = preview.counts
    click.echo(
        _(
            "%(create)d rows to create, %(update)d to update, %(skip)d unchanged or skipped, %(error)d with errors.",
            **counts,
        )
    )


def importing_user(email: str, regency: Regency, kind: SheetKind) -> User:
    """The active user named by ``--by``: of ``regency`` or national, allowed to import ``kind``."""
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active:
        raise click.BadParameter(_("no active user with the email %(email)s", email=email), param_hint="--by")
    if user.scope.level != "nation" and user.regency_code != regency.code:
        raise click.BadParameter(
            _("%(email)s is not a user of %(regency)s or a national user", email=email, regency=regency.name),
            param_hint="--by",
        )
    needed = ("import.run", f"{kind.permission}.create", f"{kind.permission}.edit")
    if not all(user.can(permission) for permission in needed):
        raise click.BadParameter(_("%(email)s may not import this kind of sheet", email=email), param_hint="--by")
    return user


@contextlib.contextmanager
def acting_as(user: User | None) -> Iterator[None]:
    """Run the import as ``user``, like a request of theirs would.

    Tenancy and audit read the user of the request (``current_user``, the request's scope), so
    a request context is opened with that user loaded and their scope set: the writes are
    checked against their scope and the audit entries name them. Without a user, nothing changes
    (the command line writes as "system", unscoped).
    """
    if user is None:
        yield
        return
    with current_app.test_request_context("/cli/import", environ_base={"REMOTE_ADDR": ""}):
        g._login_user = user  # what Flask-Login's current_user returns for this context
        set_scope(user.scope)
        yield


@click.command("import")
@click.argument("kind", type=click.Choice(sorted(KINDS)))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--regency", "regency_code", required=True, help="Regency/city code, e.g. 33.13.")
@click.option("--by", "by_email", help="Email of the officer the import is done for (recorded as its author).")
@click.option("--dry-run", is_flag=True, help="Only check the file; write nothing.")
def import_command(kind: str, file: Path, regency_code: str, by_email: str | None, dry_run: bool) -> None:
    """Import a spreadsheet (.xlsx or .csv) of KIND into a regency."""
    with unscoped():
        regency = db.session.get(Regency, regency_code.strip())
        if regency is None:
            raise click.BadParameter(f"unknown regency {regency_code!r} (e.g. 33.13)", param_hint="--regency")
        user = importing_user(by_email, regency, KINDS[kind]) if by_email else None
    with acting_as(user):
        _import(kind, file, regency, user, dry_run)


def _import(kind: str, file: Path, regency: Regency, user: User | None, dry_run: bool) -> None:
    preview = build_preview(KINDS[kind], file.read_bytes(), file.name, regency, db.session)
    echo_preview(preview)
    if not preview.ok:
        click.echo(_("Nothing was imported."), err=True)
        raise SystemExit(1)
    if dry_run:
        click.echo(_("Dry run: nothing was written."))
        return
    try:
        batch = run_import(preview, user_id=user.id if user else None, source="cli")
    except ImportOutOfDate as changed:
        echo_preview(changed.preview)
        click.echo(_("Nothing was imported."), err=True)
        raise SystemExit(1) from None
    except ImportFailed as exc:
        click.echo(_("The import failed and nothing was saved: %(reason)s", reason=str(exc)[:300]), err=True)
        raise SystemExit(2) from None
    click.echo(_("Imported as batch %(id)d.", id=batch.id))
