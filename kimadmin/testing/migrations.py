"""Test helpers for a plugin's Alembic branch: a scratch app, the round trip up and down, the drift.

A plugin's migrations are tested on a *scratch* database (the kit's ``scratch_database_url``
fixture: an empty SQLite file, or a PostgreSQL database created for the test and dropped after),
never on the shared test database the other tests run in::

    def test_the_branch_upgrades_and_downgrades_alone(scratch_database_url):
        trip = branch_round_trip(scratch_database_url, "bird_count")
        assert trip.upgraded.tables >= TABLES and not TABLES & trip.downgraded.tables

    def test_the_migrations_match_the_models(app):
        assert model_drift(app, "bird_count_") == []
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context

from .. import create_app
from ..extensions import db


def scratch_app(url: str, extra_plugins: str | None = None) -> Flask:
    """A second app on the database at ``url``, loading the same plugins as the test's app.

    ``extra_plugins`` defaults to the current app's ``KIMADMIN_EXTRA_PLUGINS`` (inside an app
    context; else the environment's, as for any app), so an out-of-tree plugin under test is
    found by the scratch app too.
    """
    if extra_plugins is None and has_app_context():
        extra_plugins = current_app.config.get("KIMADMIN_EXTRA_PLUGINS")
    config: dict[str, Any] = {
        "KIMADMIN_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "scratch",
        "SQLALCHEMY_DATABASE_URI": url,
    }
    if extra_plugins is not None:
        config["KIMADMIN_EXTRA_PLUGINS"] = extra_plugins
    return create_app(config)


@dataclass(frozen=True)
class Snapshot:
    """The tables of a database and the revisions in its ``alembic_version`` at one moment."""

    tables: set[str]
    heads: set[str]


def snapshot() -> Snapshot:
    """The current app's database: its table names and its Alembic heads."""
    tables = set(sa.inspect(db.engine).get_table_names())
    heads: set[str] = set()
    if "alembic_version" in tables:
        with db.engine.connect() as conn:
            heads = {row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
    return Snapshot(tables, heads)


@dataclass(frozen=True)
class RoundTrip:
    """What the database held after each step of :func:`branch_round_trip`."""

    upgraded: Snapshot  # ``upgrade heads``: the core and every plugin
    downgraded: Snapshot  # ``downgrade <branch>@base``: this branch removed, the rest untouched
    upgraded_again: Snapshot  # ``upgrade heads`` once more: the branch comes back


def branch_round_trip(url: str, branch: str, extra_plugins: str | None = None) -> RoundTrip:
    """Migrate an empty database to every head, remove ``branch`` alone, then migrate up again.

    The three snapshots let a test assert that the branch creates its tables, that its downgrade
    removes only them (the core and other plugins keep theirs and their heads), and that it can
    be installed again. Runs on a scratch app of its own; the shared test database is untouched.
    """
    from flask_migrate import downgrade, upgrade

    app = scratch_app(url, extra_plugins)
    with app.app_context():
        try:
            upgrade(revision="heads")
            upgraded = snapshot()
            downgrade(revision=f"{branch}@base")
            downgraded = snapshot()
            upgrade(revision="heads")
            return RoundTrip(upgraded, downgraded, snapshot())
        finally:
            db.session.remove()
            db.engine.dispose()


def model_drift(app: Flask, table_prefix: str) -> list[Any]:
    """Alembic's autogenerate diff between the migrated test database and the models, for the
    tables whose name starts with ``table_prefix`` only (as ``flask db migrate -x plugin=...``).

    An empty list means the plugin's migrations and models agree; anything else is what a new
    revision would have to do.
    """
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    def only_this_plugin(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        return bool(name and name.startswith(table_prefix)) if type_ == "table" else True

    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": only_this_plugin, "compare_type": True, "render_as_batch": True}
        )
        return list(compare_metadata(context, db.metadata))
