"""``flask kim plugins list|info|enable|disable`` for operators, ``flask kim plugins revision`` and
``flask kim plugin new`` for plugin developers, and plugins' own commands."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .extensions import db
from .models.regions import Regency
from .plugin_manager import PluginError, registry
from .plugin_service import regencies_enabled, set_enabled

plugins_group = AppGroup("plugins", help="Installed plugins and their per-regency switches.")
plugin_group = AppGroup("plugin", help="Develop a plugin: `flask kim plugin new NAME`.")


@plugins_group.command("list")
def list_command() -> None:
    """Every plugin found, its status and in how many regencies it is on."""
    counts = regencies_enabled()
    for record in sorted(registry().records.values(), key=lambda r: r.name):
        version = record.manifest.version if record.manifest else "-"
        line = f"{record.name:24} {version:10} {record.status:8} on in {counts.get(record.name, 0)} regencies"
        click.echo(line + (f"  ({record.reason})" if record.reason else ""))


@plugins_group.command("info")
@click.argument("name")
def info_command(name: str) -> None:
    record = registry().records.get(name)
    if record is None:
        raise click.UsageError(f"No plugin named {name!r}.")
    manifest = record.manifest
    click.echo(f"name:        {record.name}")
    click.echo(f"source:      {record.source}")
    click.echo(f"status:      {record.status}" + (f" ({record.reason})" if record.reason else ""))
    if manifest is not None:
        click.echo(f"version:     {manifest.version}")
        click.echo(f"title:       {manifest.title}")
        click.echo(f"description: {manifest.description}")
        click.echo(f"requires:    {', '.join(manifest.requires) or '-'}")
    click.echo(f"permissions: {', '.join(sorted(record.permissions)) or '-'}")
    click.echo(f"migrations:  {record.migrations_dir or '-'}")


def _switch(name: str, regency: str, enabled: bool) -> None:
    if db.session.get(Regency, regency) is None:
        raise click.UsageError(f"Unknown regency {regency}; run `flask kim load-regions` first.")
    try:
        changed = set_enabled(name, regency, enabled)
    except PluginError as exc:
        raise click.UsageError(str(exc)) from exc
    db.session.commit()
    state = "on" if enabled else "off"
    click.echo(f"{name} is {state} for {regency}" + ("" if changed else " (unchanged)"))


@plugins_group.command("enable")
@click.argument("name")
@click.option("--regency", required=True, help="Regency code, e.g. 33.07")
def enable_command(name: str, regency: str) -> None:
    _switch(name, regency, True)


@plugins_group.command("disable")
@click.argument("name")
@click.option("--regency", required=True, help="Regency code, e.g. 33.07")
def disable_command(name: str, regency: str) -> None:
    """Switch a plugin off for a regency; its data is kept."""
    _switch(name, regency, False)


@plugins_group.command("revision")
@click.argument("name")
@click.option("-m", "--message", required=True, help="What the revision changes.")
@click.option("--autogenerate", is_flag=True, help="Compare the plugin's tables with its models (database at heads).")
def revision_command(name: str, message: str, autogenerate: bool) -> None:
    """New Alembic revision on the plugin's own branch, in its migrations/versions folder.

    The branch's first revision is labelled NAME and depends on the core's head(s); later ones
    continue NAME@head.
    """
    from .scaffold.revisions import RevisionError, make_revision

    try:
        result = make_revision(name, message, autogenerate)
    except RevisionError as exc:
        raise click.ClickException(str(exc)) from exc
    if result.script is None:
        click.echo(f"No changes in the tables of {name}: no revision written.")
        return
    click.echo(f"Wrote {result.script.path}")
    if result.first:
        click.echo(f"First revision of branch {name!r}, depends on the core's {', '.join(result.depends_on)}.")
    else:
        click.echo(f"Revises {result.script.down_revision}.")
    click.echo("Next: review it, then `flask --app app db upgrade heads`.")


@plugin_group.command("new")
@click.argument("name")
@click.option(
    "--path",
    "parent",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to create NAME/ in (default: the in-tree plugins/ folder).",
)
def new_command(name: str, parent: Path | None) -> None:
    """Write a working plugin NAME (model, screen, permissions, card, catalogue, migration, tests)."""
    from alembic.script import ScriptDirectory

    from .scaffold import ScaffoldError, exclude_from_core_catalogue, render_plugin, validate_name
    from .scaffold.revisions import RevisionError, alembic_config, core_heads

    plugins = registry()
    repo = Path(current_app.extensions["migrate"].directory).resolve().parent
    in_tree = parent is None
    parent = (repo / "plugins") if parent is None else parent.resolve()
    prefixes = plugins.table_prefixes()
    core_names = {table for table in db.metadata.tables if not table.startswith(prefixes)}
    core_names |= {bp for bp in current_app.blueprints if plugins.owner_of(bp) is None}
    try:
        validate_name(name, set(plugins.records), core_names)
        if not in_tree and importlib.util.find_spec(name) is not None:
            raise ScaffoldError(f"A Python module named {name!r} already exists; choose another id.")
        depends_on = core_heads(ScriptDirectory.from_config(alembic_config()))
        files = render_plugin(name, parent, depends_on)
    except (ScaffoldError, RevisionError) as exc:
        raise click.ClickException(str(exc)) from exc
    target = parent / name
    click.echo(f"Created plugin {name!r} in {target} ({len(files)} files).")
    if in_tree and exclude_from_core_catalogue(repo / "babel.cfg", name):
        click.echo(f"Added [ignore: plugins/{name}/**] to babel.cfg: the plugin keeps its own catalogue.")
    click.echo(f"Its first migration ({name}_0001) depends on the core's {', '.join(depends_on)}. Next steps:")
    if not in_tree:
        click.echo(f"  export PYTHONPATH={parent} KIMADMIN_EXTRA_PLUGINS={name}   # load it from {parent}")
    click.echo(f"  flask --app app db upgrade heads             # creates its table (branch {name})")
    click.echo("  flask --app app kim sync-permissions         # grants its permissions to the default roles")
    click.echo(f"  flask --app app kim plugins enable {name} --regency 33.07")
    click.echo(f"  KIMADMIN_ENV=testing python -m pytest {target / 'tests'}")
    click.echo(f"  after changing {target / 'models.py'}:")
    click.echo(f"  flask --app app kim plugins revision {name} -m 'what changed' --autogenerate")
    click.echo("  Guide: docs/plugins.md")


plugins_group.add_command(new_command)  # also `flask kim plugins new`


def register(app: Flask, kim_group: click.Group) -> None:
    kim_group.add_command(plugins_group)
    kim_group.add_command(plugin_group)
    plugins = app.extensions["kimadmin_plugins"]
    for record in plugins.active():
        plugins.call_one(record.name, "kimadmin_cli", group=kim_group)
