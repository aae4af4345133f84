"""The plugin's own Alembic branch: up and down on SQLite and PostgreSQL, and in step with the models.

Alembic runs against the kit's scratch database (``scratch_database_url``: a file for SQLite; a
database created next to the test database for PostgreSQL), never the shared test database.
"""

from __future__ import annotations

from pathlib import Path

from kimadmin.testing.migrations import branch_round_trip, model_drift

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
    assert "film_festival_0001" in trip.upgraded.heads and "0004" not in trip.upgraded.heads  # its dependency
    assert not TABLES & trip.downgraded.tables
    assert {"kim", "award", "plugin_activation"} <= trip.downgraded.tables  # the core is untouched
    assert "film_festival_0001" not in trip.downgraded.heads and trip.downgraded.heads  # the core (and others) stay
    assert trip.upgraded_again.tables >= TABLES and "film_festival_0001" in trip.upgraded_again.heads


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
