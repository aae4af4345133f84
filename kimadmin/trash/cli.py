"""``flask kim trash purge``: delete for good what has been in the trash longer than allowed."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from .service import purge_older_than, trash_days

trash = AppGroup("trash", help="The trash of deleted records.")


@trash.command("purge")
@click.option("--days", type=int, default=None, help="Purge what was deleted more than this many days ago.")
def purge_command(days: int | None) -> None:
    """Purge trash older than KIMADMIN_TRASH_DAYS (default 30) days, with its files.

    Each batch is purged on its own: one that cannot go is listed (exit status 1), the rest go.
    """
    days = trash_days(current_app.config) if days is None else days
    if days < 0:
        raise click.BadParameter("must be 0 or more", param_hint="--days")
    result = purge_older_than(days)
    tables = ", ".join(f"{count} {table}" for table, count in sorted(result.per_table.items()))
    click.echo(
        f"Purged {result.batches} trash batches older than {days} days: {result.rows} records"
        + (f" ({tables})" if tables else "")
        + f", {result.files} files."
    )
    for failure in result.failures:
        click.echo(f"Not purged: trash batch {failure.batch_id} ({failure.label}): {failure.reason}", err=True)
    if result.failures:
        # Non-zero so a scheduled purge that leaves batches behind is noticed.
        raise click.exceptions.Exit(1)
