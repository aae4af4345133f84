"""The plugin's own Alembic branch: up and down on SQLite and PostgreSQL, and in step with the models.

Alembic runs against a scratch database (a file for SQLite; a database created next to the test
database for PostgreSQL), never the shared test database.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from kimadmin import create_app
from kimadmin.extensions import db

TABLES = {
    "film_festival_edition",
    "film_festival_criterion",
    "film_festival_submission",
    "film_festival_juror",
    "film_festival_score",
}
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


@pytest.fixture
def scratch_url(scratch_database_url: str) -> str:
    return scratch_database_url  # the kit's empty SQLite / PostgreSQL database


def tables_and_heads():
    inspector = sa.inspect(db.engine)
    names = set(inspector.get_table_names())
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
            assert "film_festival_0002" in heads and "0004" not in heads  # 0004 is its dependency

            downgrade(revision="film_festival@base")
            names, heads = tables_and_heads()
            assert not TABLES & names
            assert {"kim", "award", "plugin_activation"} <= names  # the core is untouched
            assert "film_festival_0002" not in heads and heads  # the core (and other plugins) stay

            upgrade(revision="heads")  # and back again
            names, heads = tables_and_heads()
            assert names >= TABLES and "film_festival_0002" in heads
        finally:
            db.session.remove()
            db.engine.dispose()


def test_the_first_revision_is_labelled_and_depends_on_the_core():
    (first,) = VERSIONS.glob("film_festival_0001_*.py")
    namespace: dict = {}
    exec(compile(first.read_text(), str(first), "exec"), namespace)  # noqa: S102 - our own migration file

    assert namespace["down_revision"] is None
    assert namespace["branch_labels"] == ("film_festival",)
    assert namespace["depends_on"] == "0004"


def test_the_migrations_match_the_models(app):
    """Autogenerate restricted to the plugin's tables (as ``-x plugin=film_festival``) finds nothing to do."""

    def only_festival(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
        return name.startswith("film_festival_") if type_ == "table" else True

    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": only_festival, "compare_type": True, "render_as_batch": True}
        )
        assert compare_metadata(context, db.metadata) == []


EDITION_COLUMNS = (
    "name, year, level, opens_on, closes_on, min_duration, max_duration, placing_labels, "
    "exclude_own_regency_jurors, created_at, updated_at"
)
EDITION_VALUES = "2026, 'provinsi', '2026-07-01', '2026-08-31', 0, 600, 'Juara I', false, '2026-07-01', '2026-07-01'"


def test_province_editions_go_down_and_regency_editions_come_back_with_their_province(app, scratch_url):
    """0002 down deletes the province's own editions (0001 has no place for them) and keeps the
    regencies'; up again fills ``province_code`` from the regency."""
    scratch = scratch_app(app, scratch_url)
    with scratch.app_context():
        try:
            upgrade(revision="heads")
            with db.engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO province (code, name) VALUES ('33', 'Jawa Tengah')")
                conn.exec_driver_sql(
                    "INSERT INTO regency (code, province_code, name, kind) "
                    "VALUES ('33.07', '33', 'Wonosobo', 'kabupaten')"
                )
                for name, regency in (("Festival Wonosobo", "'33.07'"), ("Festival Jawa Tengah", "NULL")):
                    conn.exec_driver_sql(
                        f"INSERT INTO film_festival_edition ({EDITION_COLUMNS}, regency_code, province_code) "  # noqa: S608
                        f"VALUES ('{name}', {EDITION_VALUES}, {regency}, '33')"
                    )
            downgrade(revision="film_festival_0001")
            with db.engine.connect() as conn:
                rows = conn.exec_driver_sql("SELECT name, regency_code FROM film_festival_edition").all()
            assert [tuple(row) for row in rows] == [("Festival Wonosobo", "33.07")]

            upgrade(revision="heads")
            with db.engine.connect() as conn:
                rows = conn.exec_driver_sql("SELECT name, province_code FROM film_festival_edition").all()
            assert [tuple(row) for row in rows] == [("Festival Wonosobo", "33")]
        finally:
            db.session.remove()
            db.engine.dispose()
