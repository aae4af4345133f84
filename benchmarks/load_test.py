"""Load test (``make load``): 50 simulated officers for 2 minutes against gunicorn + PostgreSQL.

Prepares a scratch PostgreSQL database with Jawa Tengah regions and the demo data, serves the app
with gunicorn (2 workers) on 127.0.0.1 with Redis for the rate limits as in production (database
``LOAD_REDIS_DB``, default 15, of the local Redis, flushed before and after), runs locust
headless (bounded in users and time), and writes throughput, p50/p95 and the error count to
``benchmarks/results/load.md``.
Target on the 2-core reference machine: 0 errors and p95 under 300 ms while the officers work.
The 50 logins at the start (argon2 is slow on purpose) are reported on their own; the working
figures are taken once everyone is logged in, for at least two minutes (``LOAD_DURATION`` is the
whole run: logins plus work).
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
DATABASE = "kimadmin_load"
PORT = 8765
USERS, SPAWN_RATE, DURATION = 50, 10, os.environ.get("LOAD_DURATION", "150s")
TARGET_P95_MS = 300
REDIS_URL = f"redis://127.0.0.1:6379/{int(os.environ.get('LOAD_REDIS_DB', '15'))}"


def _run(*args: str, env: dict[str, str], check: bool = True) -> None:
    subprocess.run(args, cwd=REPO, env=env, check=check)  # noqa: S603


def _wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own localhost server
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.5)


def _flush_redis() -> None:
    """Empty the load test's own Redis database (only that one: ``FLUSHDB``, not ``FLUSHALL``)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.flushdb()
    finally:
        client.close()


def main() -> int:
    sys.path.insert(0, str(REPO))
    from kimadmin.demo import DEMO_PASSWORD, DEMO_USERS

    _flush_redis()  # no counts left from an earlier run
    admin = sa.create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.exec_driver_sql(f"CREATE DATABASE {DATABASE}")
    env = {
        **os.environ,
        "KIMADMIN_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        "SESSION_COOKIE_SECURE": "0",
        "KIMADMIN_LOG_LEVEL": "WARNING",
        # The simulated officers use password logins only (no authenticator app in a load test).
        "KIMADMIN_2FA_REQUIRED_ROLES": "",
        # As in production: login limits shared by the workers through Redis (README "Production").
        "REDIS_URL": REDIS_URL,
    }
    bin_dir = REPO / ".venv" / "bin"
    gunicorn = None
    try:
        _run(str(bin_dir / "flask"), "--app", "app", "kim", "setup", "--province", "33", env=env)
        _run(str(bin_dir / "flask"), "--app", "app", "kim", "demo", "--allow-production", env=env)
        gunicorn = subprocess.Popen(  # noqa: S603
            [
                str(bin_dir / "gunicorn"),
                "-c",
                "gunicorn.conf.py",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--access-logfile",
                "/dev/null",
                "app:app",
            ],
            cwd=REPO,
            env=env,
        )
        _wait_for(f"http://127.0.0.1:{PORT}/readyz")
        logins = [user.email for user in DEMO_USERS if user.role in ("operator", "admin_kabupaten")]
        prefix = RESULTS / "load"
        locust_env = {
            **env,
            "LOAD_LOGINS": ",".join(logins),
            "LOAD_PASSWORD": DEMO_PASSWORD,
            "LOAD_USERS": str(USERS),
            "LOAD_LOGIN_STATS": str(RESULTS / "load_logins.json"),
        }
        _run(
            os.environ.get("LOCUST", shutil.which("locust") or "locust"),
            "-f",
            "benchmarks/load/locustfile.py",
            "--headless",
            "--only-summary",
            "-u",
            str(USERS),
            "-r",
            str(SPAWN_RATE),
            "-t",
            DURATION,
            "--stop-timeout",
            "10",
            "--host",
            f"http://127.0.0.1:{PORT}",
            "--csv",
            str(prefix),
            env=locust_env,
            check=False,  # locust exits 1 on any failed request: the report below says so
        )
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.dispose()
        _flush_redis()
    return report(RESULTS / "load_stats.csv", RESULTS / "load_logins.json", time.time())


def report(stats_csv: Path, logins_json: Path, ended: float) -> int:
    rows = list(csv.DictReader(stats_csv.open()))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    logins = json.loads(logins_json.read_text()) if logins_json.exists() else []
    steady_since = next((item["steady_since"] for item in logins if "steady_since" in item), None)
    worked = f"{ended - steady_since:.0f} s" if steady_since else "unknown (not every officer logged in)"
    lines = [
        "# Load test",
        "",
        f"{datetime.now(UTC):%Y-%m-%d}, {os.cpu_count()} CPUs (locust runs on the same machine), gunicorn 2 workers, "
        f"PostgreSQL, Redis, {USERS} simulated officers (locust headless; `make load`).",
        "",
        f"## Working (all {USERS} logged in, browsing and saving for {worked})",
        "",
        "| request | count | failures | req/s | p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if row["Request Count"] == "0":  # the login lines, reset once everyone was in
            continue
        lines.append(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} |"
        )
    if any("refused" in row["Name"] for row in rows):
        lines += [
            "",
            '"save refused": two officers saved the same KIM within seconds of each other; the second',
            "save is refused with the conflict view (version check), as designed. Not an error.",
        ]
    ok = steady_since is not None and int(total["Failure Count"]) == 0 and float(total["95%"]) < TARGET_P95_MS
    lines += [
        "",
        f"Target: 0 errors and p95 < {TARGET_P95_MS} ms: **{'met' if ok else 'NOT met'}**.",
        "",
        f"## Logging in ({USERS} officers within {USERS // SPAWN_RATE} s)",
        "",
        "Passwords are hashed with argon2 (64 MiB, 3 passes), which is slow on purpose; 50 logins at",
        "once queue behind each other on 2 cores. Reported apart, not part of the target.",
        "",
        "| request | count | failures | p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {item['name']} | {item['count']} | {item['failures']} | {item['p50']:.0f} | {item['p95']:.0f} |"
        for item in logins
        if "name" in item
    ]
    lines.append("")
    (RESULTS / "load.md").write_text("\n".join(lines))
    for stale in [*RESULTS.glob("load_*.csv"), logins_json]:
        stale.unlink(missing_ok=True)
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
