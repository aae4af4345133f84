"""Migrations match the models; errors are pages a person can read."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kimadmin import create_app
from kimadmin.extensions import db
from kimadmin.testing.db_faults import database_fails


def test_migrations_match_the_models(db_session):
    context = MigrationContext.configure(db_session.connection(), opts={"compare_type": True})

    assert compare_metadata(context, db.metadata) == []


def test_healthz_is_liveness_only_and_stays_200_when_the_database_fails(client, db_session):
    """A supervisor watching /healthz must not restart workers during a database outage."""
    with database_fails(db_session.get_bind().engine) as fault:
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert fault.passed == [] and fault.failed is None  # it did not even ask the database


def test_404_is_a_translated_page(client):
    response = client.get("/tidak-ada")

    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<html lang="id">' in html
    assert "404" in html


def test_out_of_scope_and_unknown_ids_look_the_same(make_client, karanganyar):
    client = make_client(karanganyar.operator)

    for bad_id in ("999999", "abc", "1 OR 1=1", "%00"):
        assert client.get(f"/admin/kim/details/?id={bad_id}").status_code == 404


def test_unexpected_error_shows_no_stack_trace(app):
    broken = create_app(
        {"KIMADMIN_ENV": "testing", "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    )

    @broken.route("/boom")
    def boom():
        raise RuntimeError("SELECT secret FROM internals")

    response = broken.test_client().get("/boom")

    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "SELECT secret" not in html and "Traceback" not in html and "RuntimeError" not in html


def test_secret_key_is_required_in_production(monkeypatch, tmp_path):
    import pytest

    from kimadmin.config import ConfigError, load_config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("KIMADMIN_ENV", "production")
    with pytest.raises(ConfigError):
        load_config(tmp_path)


def test_a_bare_db_upgrade_goes_to_every_head(app, scratch_database_url):
    """Core and each plugin have their own branch: ``flask db upgrade`` must not stop at "Multiple heads"."""
    from alembic.script import ScriptDirectory

    scratch = create_app(
        {
            "KIMADMIN_ENV": "testing",
            "TESTING": True,
            "SECRET_KEY": "scratch",
            "SQLALCHEMY_DATABASE_URI": scratch_database_url,
            "KIMADMIN_EXTRA_PLUGINS": app.config.get("KIMADMIN_EXTRA_PLUGINS"),
        }
    )
    result = scratch.test_cli_runner().invoke(args=["db", "upgrade"])

    assert result.exit_code == 0, result.output
    with scratch.app_context():
        config = scratch.extensions["migrate"].migrate.get_config()
        heads = set(ScriptDirectory.from_config(config).get_heads())
        with db.engine.connect() as conn:
            applied = set(conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars())
        db.engine.dispose()
    assert len(heads) > 1 and applied == heads
