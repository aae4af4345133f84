"""The plugin's own Alembic branch: up and down on SQLite and PostgreSQL, and in step with the models.

Alembic runs against the kit's scratch database (``scratch_database_url``: a file for SQLite; a
database created next to the test database for PostgreSQL), never the shared test database.
"""

from __future__ import annotations

from pathlib import Path

from kimadmin.testing.migrations import branch_round_trip, model_drift

TABLES = {"socmed_training_session", "socmed_training_participant", "socmed_training_account_log"}
FIRST = "socmed_training_0001"
VERSIONS = Path(__file__).resolve().parents[1] / "migrations" / "versions"


def test_the_branch_upgrades_and_downgrades_alone(scratch_database_url):
    trip = branch_round_trip(scratch_database_url, "socmed_training")

    assert trip.upgraded.tables >= TABLES
    assert FIRST in trip.upgraded.heads and "0004" not in trip.upgraded.heads  # 0004 is its dependency only
    assert not TABLES & trip.downgraded.tables
    assert {"kim", "regency", "plugin_activation"} <= trip.downgraded.tables  # the core is untouched
    assert FIRST not in trip.downgraded.heads and trip.downgraded.heads  # the core (and other plugins) stay
    assert trip.upgraded_again.tables >= TABLES and FIRST in trip.upgraded_again.heads  # and back again


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
    assert model_drift(app, "socmed_training_") == []
