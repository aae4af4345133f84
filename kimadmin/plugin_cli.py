"""``flask kim plugins list|info|enable|disable`` for operators, and plugins' own commands."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from .extensions import db
from .models.regions import Regency
from .plugin_manager import PluginError, registry
from .plugin_service import regencies_enabled, set_enabled

plugins_group = AppGroup("plugins", help="Installed plugins and their per-regency switches.")


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


def register(app: Flask, kim_group: click.Group) -> None:
    kim_group.add_command(plugins_group)
    plugins = app.extensions["kimadmin_plugins"]
    for record in plugins.active():
        plugins.call_one(record.name, "kimadmin_cli", group=kim_group)
