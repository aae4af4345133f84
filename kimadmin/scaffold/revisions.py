"""Alembic revisions on a plugin's own branch, made through Alembic's command API.

A plugin keeps its migrations in ``<plugin>/migrations/versions`` on a branch labelled with its id,
so installing or removing it never rewrites the core's history. The first revision starts the
branch (``branch_labels=(<id>,)``) and ``depends_on`` the core's head(s), because its tables
reference core tables; later ones continue ``<id>@head``. Revision ids are ``<id>_0001``,
``<id>_0002``...: readable, and unique across plugins because the id is unique.

The core may briefly have several heads while parallel work is merged (each new core migration
revises the same parent until one merge revision joins them). A first plugin revision then
depends on **all** core heads: every one of them is an ancestor of the eventual merge, so the
dependency stays correct after the merge too.
"""

from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import Script, ScriptDirectory
from alembic.script.revision import RevisionError as AlembicRevisionError
from alembic.util import CommandError, to_tuple
from flask import current_app

from ..plugin_manager import registry

_INSTALLED_PARTS = {"site-packages", "dist-packages"}


class RevisionError(RuntimeError):
    """A plugin revision cannot be made (unknown plugin, installed copy, stale database...)."""


@dataclass(frozen=True)
class RevisionResult:
    """What was written: ``script`` is None when autogenerate found nothing to change."""

    script: Script | None
    first: bool
    depends_on: tuple[str, ...]


def plugin_versions_dir(plugin: str) -> Path:
    """``<plugin package>/migrations/versions`` of an installed, active plugin (it may not exist yet)."""
    record = registry().records.get(plugin)
    if record is None:
        raise RevisionError(f"No plugin named {plugin!r} (see `flask kim plugins list`).")
    if not record.active or record.module is None or record.module.__file__ is None:
        raise RevisionError(f"Plugin {plugin!r} is {record.status}: {record.reason or 'not loaded'}.")
    versions = Path(record.module.__file__).resolve().parent / "migrations" / "versions"
    if _INSTALLED_PARTS & set(versions.parts):
        raise RevisionError(
            f"Plugin {plugin!r} is installed in {versions.parents[2]}; a revision written there would be lost. "
            "Work on its source: `pip install -e <its folder>` or KIMADMIN_EXTRA_PLUGINS."
        )
    return versions


def alembic_config(plugin: str | None = None, versions: Path | None = None, autogenerate: bool = False) -> Config:
    """Flask-Migrate's Alembic config (core and plugin version locations, ``env.py``), plus:

    ``-x plugin=<id>`` so autogenerate compares only the plugin's tables; the plugin's versions
    folder even before it exists; and ruff as post-write hook where it is installed, so a new
    revision passes ``make lint`` as written.
    """
    migrate = current_app.extensions["migrate"].migrate
    config = migrate.get_config(
        x_arg=f"plugin={plugin}" if plugin else None, opts=["autogenerate"] if autogenerate else None
    )
    locations = [p for p in (config.get_main_option("version_locations") or "").split(os.pathsep) if p]
    if versions is not None and str(versions) not in locations:
        locations.append(str(versions))
        config.set_main_option("version_locations", os.pathsep.join(locations))
    if importlib.util.find_spec("ruff") is not None:
        root = str(Path(migrate.directory).resolve().parent)
        hooks = {
            "ruff_format": "format --quiet",
            "ruff_fix": "check --fix --quiet --exit-zero",  # import order; unused imports of an empty one
            "ruff_reformat": "format --quiet",  # the blank lines a removed import leaves
        }
        config.set_section_option("post_write_hooks", "hooks", ", ".join(hooks))
        for name, options in hooks.items():
            config.set_section_option("post_write_hooks", f"{name}.type", "module")
            config.set_section_option("post_write_hooks", f"{name}.module", "ruff")
            config.set_section_option("post_write_hooks", f"{name}.options", f"{options} REVISION_SCRIPT_FILENAME")
            config.set_section_option("post_write_hooks", f"{name}.cwd", root)
    return config


def core_versions_dir() -> Path:
    return Path(current_app.extensions["migrate"].directory).resolve() / "versions"


def core_heads(script: ScriptDirectory, core_dir: Path | None = None) -> tuple[str, ...]:
    """The core revisions no other core revision builds on (normally one; several before a merge)."""
    core_dir = (core_dir or core_versions_dir()).resolve()
    core = [rev for rev in script.walk_revisions() if Path(rev.path).resolve().parent == core_dir]
    parents = {parent for rev in core for parent in to_tuple(rev.down_revision, default=())}
    heads = tuple(sorted(rev.revision for rev in core if rev.revision not in parents))
    if not heads:
        raise RevisionError(f"No core migrations found in {core_dir}.")
    return heads


def branch_revisions(script: ScriptDirectory, versions: Path) -> list[Script]:
    """The revisions stored in a plugin's versions folder."""
    return [rev for rev in script.walk_revisions() if Path(rev.path).resolve().parent == versions]


def next_revision_id(plugin: str, existing: list[Script]) -> str:
    numbers = [int(m.group(1)) for rev in existing if (m := re.fullmatch(rf"{plugin}_(\d+)", rev.revision))]
    return f"{plugin}_{max(numbers, default=0) + 1:04d}"


def make_revision(plugin: str, message: str, autogenerate: bool = False) -> RevisionResult:
    """Write the plugin's next revision: the branch's first (labelled, depending on the core's
    head(s)) or one on ``<plugin>@head``. Autogenerate needs the database at ``heads``."""
    versions = plugin_versions_dir(plugin)
    config = alembic_config(plugin, versions, autogenerate)
    try:
        script = ScriptDirectory.from_config(config)
        existing = branch_revisions(script, versions)
        if existing and not any(plugin in rev.branch_labels for rev in existing):
            raise RevisionError(f"The revisions in {versions} carry no branch label {plugin!r}; fix the first one.")
        first = not existing
        depends_on = core_heads(script) if first else ()
        written = command.revision(
            config,
            message=message,
            autogenerate=autogenerate,
            head="base" if first else f"{plugin}@head",
            branch_label=plugin if first else None,
            version_path=str(versions),
            rev_id=next_revision_id(plugin, existing),
            depends_on=list(depends_on) or None,
        )
    except (CommandError, AlembicRevisionError) as exc:  # a stale database, a broken revision graph
        hint = " Run `flask --app app db upgrade heads` first." if "not up to date" in str(exc) else ""
        raise RevisionError(f"{exc}{hint}") from exc
    if isinstance(written, list):  # autogenerate found no change: Alembic wrote nothing
        written = written[0] if written else None
    return RevisionResult(written, first, depends_on)
