"""The plugin's own Alembic branch: up and down on SQLite and PostgreSQL, and in step with the models.

Alembic runs against the kit's scratch database (a file for SQLite; a database created next to the
test database for PostgreSQL), never the shared test database.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from kimadmin import create_app  # the app factory: a scratch app on the scratch database
from kimadmin.plugin_api import db

TABLES = {"socmed_training_session", "socmed_training_participant", "socmed_training_account_log"}
FIRST = "socmed_training_0001"
VERSIONS = Path(__file__).resolve().parents[1] / "migrations" / "versions"


def scratch_app(app, url):  # type: ignore[no-untyped-def]
    return create_app(
        {
            "KIMADMIN_ENV": "testing",
            "TESTING": True,
            "SECRET_KEY": "scratch",
            "SQLALCHEMY_DATABASE_URI": url,
            "KIMADMIN_EXTRA_PLUGINS": app.config.get("KIMADMIN_EXTRA_PLUGINS"),
        }
    )


@pytest.fixture
def scratch_url(scratch_database_url: str) -> str:
    return scratch_database_url  # the kit's empty SQLite / PostgreSQL database


def tables_and_heads() -> tuple[set[str], set[str]]:
    names = set(sa.inspect(db.engine).get_table_names())
    with db.engine.connect() as conn:
        heads = {row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
    return names, heads


def test_the_branch_upgrades_and_downgrades_alone(app, scratch_url):
    scratch = scratch_app(app, scratch_url)
    with scratch.app_context():
        try:
            upgrade(revision="heads")
            names, heads = tables_and_heads()
            assert names >= TABLES
            assert FIRST in heads and "0004" not in heads  # 0004 is its dependency, not a head of its own

            downgrade(revision="socmed_training@base")
            names, heads = tables_and_heads()
            assert not TABLES & names
            assert {"kim", "regency", "plugin_activation"} <= names  # the core is untouched
            assert FIRST not in heads and heads  # the core (and other plugins) stay where they were

            upgrade(revision="heads")  # and back again
            names, heads = tables_and_heads()
            assert names >= TABLES and FIRST in heads
        finally:
            db.session.remove()
            db.engine.dispose()


def test_the_first_revision_is_labelled_and_depends_on_the_core():
    (first,) = VERSIONS.glob(f"{FIRST}_*.py")
    namespace: dict = {}
    exec(compile(first.read_text(), str(first), "exec"), namespace)  # noqa: S102 - our own migration file

    assert namespace["revision"] == FIRST
    assert namespace["down_revision"] is None
    assert namespace["branch_labels"] == ("socmed_training",)
    assert namespace["depends_on"] == "0004"


def test_the_migrations_match_the_models(app):
    """Autogenerate restricted to the plugin's tables (as ``-x plugin=socmed_training``) finds nothing to do."""

    def only_training(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
        return name.startswith("socmed_training_") if type_ == "table" else True

    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": only_training, "compare_type": True, "render_as_batch": True}
        )
        assert compare_metadata(context, db.metadata) == []
