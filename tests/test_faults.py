"""Faults: the database goes away mid-run and comes back.

This test always runs against the machine's PostgreSQL (in its own database), on both CI runs:
it stops the PostgreSQL cluster, checks that users get a friendly 503 page and that nothing is
half-written, starts the cluster again and checks that the same app recovers without a restart
(``pool_pre_ping``).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from kimadmin import create_app
from kimadmin.extensions import db
from kimadmin.models import User
from kimadmin.testing import use_test_client
from kimadmin.testing.factories import make_user

SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432"
FAULT_DB = "kimadmin_faults"


def _cluster() -> tuple[str, str]:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    return version, "main"


def _pg_ctl(action: str) -> None:
    version, name = _cluster()
    subprocess.run(
        [
            "pg_ctlcluster",
            "--skip-systemctl-redirect",
            version,
            name,
            action,
            *(["-m", "fast"] if action == "stop" else []),
        ],
        check=True,
        capture_output=True,
    )


def _wait_until_ready(seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not _is_ready():
        if time.monotonic() > deadline:
            raise TimeoutError("PostgreSQL did not come back")
        time.sleep(0.5)


def _is_ready() -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode == 0


def _ensure_running() -> None:
    if not _is_ready():
        _pg_ctl("start")
    _wait_until_ready()


@pytest.fixture
def pg_app(tmp_path):
    admin = sa.create_engine(f"{SERVER_URL}/postgres", isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {FAULT_DB} WITH (FORCE)")
        conn.exec_driver_sql(f"CREATE DATABASE {FAULT_DB}")
    flask_app = create_app(
        {
            "KIMADMIN_ENV": "testing",
            "TESTING": True,
            "SECRET_KEY": "faults",
            "SQLALCHEMY_DATABASE_URI": f"{SERVER_URL}/{FAULT_DB}",
            "SESSION_COOKIE_SECURE": False,
        }
    )
    use_test_client(flask_app)
    from flask_migrate import upgrade

    from kimadmin.auth import permissions
    from kimadmin.regions_loader import load_regions

    with flask_app.app_context():
        upgrade(revision="heads")
        permissions.sync(db.session)
        with db.engine.begin() as conn:
            load_regions(conn, "33")
        make_user("operator", regency="33.13", email="operator@faults.example")
        db.session.commit()
        db.session.remove()
    try:
        yield flask_app
    finally:
        _ensure_running()
        with flask_app.app_context():
            db.engine.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {FAULT_DB} WITH (FORCE)")
        admin.dispose()


def test_database_outage_gives_a_friendly_503_and_the_app_recovers(pg_app):
    client = pg_app.test_client()
    client.login("operator@faults.example")
    assert client.get("/admin/kim/").status_code == 200
    token = client.csrf_token("/admin/")

    _pg_ctl("stop")
    try:
        health = client.get("/healthz")
        ready = client.get("/readyz")
        page = client.get("/admin/kim/")
        write = client.post("/admin/kim/new/", data={"name": "KIM Saat Padam", "csrf_token": token})
    finally:
        _ensure_running()

    # Liveness stays 200 (a supervisor must not restart workers that ride the outage out);
    # readiness says the database is gone.
    assert health.status_code == 200
    assert ready.status_code == 503
    assert ready.get_json()["database"] == "unreachable"
    for response in (page, write):
        body = response.get_data(as_text=True)
        assert response.status_code == 503, body[:500]
        assert "Traceback" not in body and "psycopg" not in body and "OperationalError" not in body

    # Same app object, no restart: pooled connections are checked and replaced.
    assert client.get("/readyz").status_code == 200
    assert client.get("/admin/kim/").status_code == 200
    with pg_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
        assert "KIM Saat Padam" not in client.get("/admin/kim/").get_data(as_text=True)
        db.session.remove()
