"""The plugin's own Alembic branch: up and down on SQLite and PostgreSQL, and in step with the models.

Alembic runs against a scratch database (a file for SQLite; a database created next to the test
database for PostgreSQL), never the shared test database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from kimadmin import create_app
from kimadmin.plugin_api import db

TABLES = {"workshop_attendance_workshop", "workshop_attendance_registration"}
REVISION = "workshop_attendance_0001"
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
VERSIONS = Path(__file__).resolve().parents[1] / "migrations" / "versions"


def scratch_app(app, url):
    return create_app(
        {
            "KIMADMIN_ENV": "testing",
            "TESTING": True,
            "SECRET_KEY": "scratch",
            "SQLALCHEMY_DATABASE_URI": url,
            "KIMADMIN_EXTRA_PLUGINS": app.config.get("KIMADMIN_EXTRA_PLUGINS"),
        }
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    # Also on a SQLite run: the machine's PostgreSQL (CI has it) hosts the scratch database.
    test_url = os.environ.get("TEST_DATABASE_URL", "")
    server = sa.make_url(test_url if test_url.startswith("postgresql") else LOCAL_POSTGRES)
    name = f"{server.database}_wa_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


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
            assert names >= TABLES and REVISION in heads
            others = heads - {REVISION}

            downgrade(revision="workshop_attendance@base")
            names, heads = tables_and_heads()
            assert not TABLES & names
            assert {"kim", "regency", "user_account", "plugin_activation"} <= names  # the core is untouched
            assert REVISION not in heads and others <= heads

            upgrade(revision="heads")  # and back again
            names, heads = tables_and_heads()
            assert names >= TABLES and REVISION in heads
        finally:
            db.session.remove()
            db.engine.dispose()


def test_the_first_revision_is_labelled_and_depends_on_the_core():
    (first,) = VERSIONS.glob("workshop_attendance_0001_*.py")
    namespace: dict = {}
    exec(compile(first.read_text(), str(first), "exec"), namespace)  # noqa: S102 - our own migration file

    assert namespace["revision"] == REVISION
    assert namespace["down_revision"] is None
    assert namespace["branch_labels"] == ("workshop_attendance",)
    assert namespace["depends_on"] == "0004"


def test_the_migrations_match_the_models(app):
    """Autogenerate restricted to the plugin's tables (as ``-x plugin=workshop_attendance``) finds nothing to do."""

    def only_workshops(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
        return name.startswith("workshop_attendance_") if type_ == "table" else True

    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": only_workshops, "compare_type": True, "render_as_batch": True}
        )
        assert compare_metadata(context, db.metadata) == []
