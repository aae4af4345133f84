"""The plugin's own Alembic branch: up and down on SQLite and PostgreSQL, and in step with the models.

Alembic runs against the kit's scratch database (``scratch_database_url``: a file for SQLite; a
database created next to the test database for PostgreSQL), never the shared test database.
"""

from __future__ import annotations

from pathlib import Path

from flask_migrate import downgrade, upgrade

from kimadmin.plugin_api import db
from kimadmin.testing.migrations import branch_round_trip, model_drift, scratch_app

TABLES = {
    "film_festival_edition",
    "film_festival_criterion",
    "film_festival_submission",
    "film_festival_juror",
    "film_festival_score",
}
VERSIONS = Path(__file__).resolve().parents[1] / "migrations" / "versions"


def test_the_branch_upgrades_and_downgrades_alone(scratch_database_url):
    trip = branch_round_trip(scratch_database_url, "film_festival")

    assert trip.upgraded.tables >= TABLES
    assert "film_festival_0002" in trip.upgraded.heads and "0004" not in trip.upgraded.heads  # its dependency
    assert not TABLES & trip.downgraded.tables
    assert {"kim", "award", "plugin_activation"} <= trip.downgraded.tables  # the core is untouched
    assert "film_festival_0002" not in trip.downgraded.heads and trip.downgraded.heads  # the core (and others) stay
    assert trip.upgraded_again.tables >= TABLES and "film_festival_0002" in trip.upgraded_again.heads


def test_the_first_revision_is_labelled_and_depends_on_the_core():
    (first,) = VERSIONS.glob("film_festival_0001_*.py")
    namespace: dict = {}
    exec(compile(first.read_text(), str(first), "exec"), namespace)  # noqa: S102 - our own migration file

    assert namespace["down_revision"] is None
    assert namespace["branch_labels"] == ("film_festival",)
    assert namespace["depends_on"] == "0004"


def test_the_migrations_match_the_models(app):
    """Autogenerate restricted to the plugin's tables (as ``-x plugin=film_festival``) finds nothing to do."""
    assert model_drift(app, "film_festival_") == []


EDITION_COLUMNS = (
    "name, year, level, opens_on, closes_on, min_duration, max_duration, placing_labels, "
    "exclude_own_regency_jurors, created_at, updated_at"
)
EDITION_VALUES = "2026, 'provinsi', '2026-07-01', '2026-08-31', 0, 600, 'Juara I', false, '2026-07-01', '2026-07-01'"


def test_province_editions_go_down_and_regency_editions_come_back_with_their_province(app, scratch_database_url):
    """0002 down deletes the province's own editions (0001 has no place for them) and keeps the
    regencies'; up again fills ``province_code`` from the regency."""
    scratch = scratch_app(scratch_database_url)
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
