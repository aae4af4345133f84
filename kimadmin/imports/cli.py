"""``flask kim import KIND FILE --regency CODE [--dry-run]`` for IT staff onboarding a regency.

It prints the same preview as the Import screen (row errors, counts; personal data masked) and
exits with status 1, writing nothing, when any row has an error; with ``--dry-run`` it never
writes. A successful import is recorded in the history with the command line as its source.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask_babel import gettext as _

from ..extensions import db
from ..models.regions import Regency
from .kinds import KINDS
from .plan import Preview, build_preview
from .service import ImportFailed, run_import


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


@click.command("import")
@click.argument("kind", type=click.Choice(sorted(KINDS)))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--regency", "regency_code", required=True, help="Regency/city code, e.g. 33.13.")
@click.option("--dry-run", is_flag=True, help="Only check the file; write nothing.")
def import_command(kind: str, file: Path, regency_code: str, dry_run: bool) -> None:
    """Import a spreadsheet (.xlsx or .csv) of KIND into a regency."""
    regency = db.session.get(Regency, regency_code.strip())
    if regency is None:
        raise click.BadParameter(f"unknown regency {regency_code!r} (e.g. 33.13)", param_hint="--regency")
    preview = build_preview(KINDS[kind], file.read_bytes(), file.name, regency, db.session)
    echo_preview(preview)
    if not preview.ok:
        click.echo(_("Nothing was imported."), err=True)
        raise SystemExit(1)
    if dry_run:
        click.echo(_("Dry run: nothing was written."))
        return
    try:
        batch = run_import(preview, user_id=None, source="cli")
    except ImportFailed as exc:
        click.echo(_("The import failed and nothing was saved: %(reason)s", reason=str(exc)[:300]), err=True)
        raise SystemExit(2) from None
    click.echo(_("Imported as batch %(id)d.", id=batch.id))
