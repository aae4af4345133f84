"""The plugin's own Alembic branch: up and down on SQLite and PostgreSQL, and in step with the models.

Alembic runs against the kit's scratch database (``scratch_database_url``: a file for SQLite; a
database created next to the test database for PostgreSQL), never the shared test database.
"""

from __future__ import annotations

from pathlib import Path

from kimadmin.testing.migrations import branch_round_trip, model_drift

TABLES = {"workshop_attendance_workshop", "workshop_attendance_registration"}
REVISION = "workshop_attendance_0001"
VERSIONS = Path(__file__).resolve().parents[1] / "migrations" / "versions"


def test_the_branch_upgrades_and_downgrades_alone(scratch_database_url):
    trip = branch_round_trip(scratch_database_url, "workshop_attendance")

    assert trip.upgraded.tables >= TABLES and REVISION in trip.upgraded.heads
    assert not TABLES & trip.downgraded.tables
    assert {"kim", "regency", "user_account", "plugin_activation"} <= trip.downgraded.tables  # the core is untouched
    others = trip.upgraded.heads - {REVISION}
    assert REVISION not in trip.downgraded.heads and others <= trip.downgraded.heads
    assert trip.upgraded_again.tables >= TABLES and REVISION in trip.upgraded_again.heads  # and back again


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
    assert model_drift(app, "workshop_attendance_") == []
