"""``flask kim backup`` / ``flask kim restore``: a round trip on SQLite and PostgreSQL, with uploads;
a broken backup changes nothing; a restore needs ``--yes``."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from kimadmin import backup, create_app
from kimadmin.extensions import db


@pytest.fixture(params=["tar filters", "no tar filters"])
def python_tarfile(request, monkeypatch):
    """Python 3.11.4+ extracts with tarfile's ``data`` filter; Debian 12's 3.11.2 has no filters."""
    if request.param == "no tar filters":
        trusting = tarfile.TarFile.extractall

        def extractall_of_3_11_2(self, path=".", members=None, *, numeric_owner=False):
            return trusting(self, path, members, numeric_owner=numeric_owner, filter="fully_trusted")

        monkeypatch.delattr(tarfile, "data_filter")
        monkeypatch.setattr(tarfile.TarFile, "extractall", extractall_of_3_11_2)
    return request.param


@pytest.fixture
def scratch(app, scratch_database_url, tmp_path):
    flask_app = create_app(
        {
            "KIMADMIN_ENV": "testing",
            "TESTING": True,
            "SECRET_KEY": "backup",
            "SQLALCHEMY_DATABASE_URI": scratch_database_url,
            "KIMADMIN_UPLOAD_DIR": str(tmp_path / "uploads"),
            "KIMADMIN_DISABLED_PLUGINS": app.config.get("KIMADMIN_DISABLED_PLUGINS"),
        }
    )
    with flask_app.app_context():
        upgrade(revision="heads")
        _sql("INSERT INTO role (name, rank, scope_level) VALUES ('operator', 1, 'regency')")
        _add_user(1, "kept@example.com")
        yield flask_app
        db.session.remove()
        db.engine.dispose()


def _link(name: str, target: str, hard: bool = False) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.LNKTYPE if hard else tarfile.SYMTYPE
    info.linkname = target
    return info


def _sql(statement: str, **params) -> None:
    with db.engine.begin() as conn:
        conn.execute(sa.text(statement), params)


def _add_user(user_id: int, email: str) -> None:
    _sql(
        "INSERT INTO user_account (id, email, full_name, password_hash, role_name, active, created_at,"
        " must_change_password, failed_login_count, session_version, totp_enabled)"
        " VALUES (:id, :email, 'X', 'x', 'operator', true, CURRENT_TIMESTAMP, false, 0, 1, false)",
        id=user_id,
        email=email,
    )


def _emails() -> list[str]:
    with db.engine.connect() as conn:
        return list(conn.execute(sa.text("SELECT email FROM user_account ORDER BY id")).scalars())


def _files(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_backup_and_restore_bring_back_the_database_and_the_uploads(scratch, tmp_path, python_tarfile):
    uploads = tmp_path / "uploads"
    (uploads / "decrees").mkdir(parents=True)
    (uploads / "decrees" / "sk-1.pdf").write_bytes(b"%PDF-1.4 original")
    archive = tmp_path / "backups" / "nightly.tar.gz"
    cli = scratch.test_cli_runner()

    made = cli.invoke(args=["kim", "backup", "--output", str(archive)])
    assert made.exit_code == 0, made.output
    assert archive.exists() and not archive.with_name(archive.name + ".partial").exists()

    # A bad day: a user deleted, another added, the PDF overwritten and a stray file written.
    _sql("DELETE FROM user_account WHERE id = 1")
    _add_user(2, "added-later@example.com")
    (uploads / "decrees" / "sk-1.pdf").write_bytes(b"%PDF-1.4 damaged")
    (uploads / "stray.pdf").write_bytes(b"stray")

    refused = cli.invoke(args=["kim", "restore", str(archive)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert _emails() == ["added-later@example.com"]  # nothing touched without confirmation

    restored = cli.invoke(args=["kim", "restore", str(archive), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert _emails() == ["kept@example.com"]
    assert _files(uploads) == {"decrees/sk-1.pdf": b"%PDF-1.4 original"}


def test_a_broken_backup_changes_nothing(scratch, tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "kept.pdf").write_bytes(b"kept")
    backend = sa.make_url(scratch.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    member = "database.dump" if backend == "postgresql" else "database.sqlite3"
    broken = tmp_path / "broken.tar.gz"
    with tarfile.open(broken, "w:gz") as archive:
        for name, data in {
            "manifest.json": json.dumps({"format": 1, "created_at": "x", "database": member, "backend": backend}),
            member: "this is not a database dump",
        }.items():
            info = tarfile.TarInfo(name)
            info.size = len(data.encode())
            archive.addfile(info, io.BytesIO(data.encode()))

    result = scratch.test_cli_runner().invoke(args=["kim", "restore", str(broken), "--yes"])

    assert result.exit_code != 0 and "Traceback" not in result.output
    assert _emails() == ["kept@example.com"]
    assert _files(uploads) == {"kept.pdf": b"kept"}


@pytest.mark.parametrize(
    "member",
    [
        tarfile.TarInfo("../../escaped.txt"),
        tarfile.TarInfo("/tmp/escaped.txt"),  # noqa: S108
        _link("uploads/link", "/etc/passwd"),
        _link("uploads/up", "../../escaped.txt", hard=True),
    ],
    ids=["dot-dot", "absolute", "symlink out", "hard link"],
)
def test_an_archive_with_paths_outside_is_refused(tmp_path, python_tarfile, member):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as archive:
        member.size = 0 if member.issym() or member.islnk() else 1
        archive.addfile(member, io.BytesIO(b"x"))
    database = tmp_path / "kept.db"
    database.write_bytes(b"")

    with pytest.raises(backup.BackupError, match="not a KIM Admin backup") as refused:
        backup.restore_backup(evil, f"sqlite:///{database}", tmp_path / "uploads")

    if python_tarfile == "no tar filters":  # refused by our own checks, before anything is written
        assert "refused member" in str(refused.value)
    assert not (tmp_path / "uploads").exists()


def test_the_archive_is_readable_by_its_owner_only(scratch, tmp_path):
    """It holds NIK and phone numbers: 0600 even under a permissive umask (cron's may be 0o002)."""
    archive = tmp_path / "backups" / "nightly.tar.gz"
    previous = os.umask(0)
    try:
        made = scratch.test_cli_runner().invoke(args=["kim", "backup", "--output", str(archive)])
    finally:
        os.umask(previous)

    assert made.exit_code == 0, made.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE(archive.parent.stat().st_mode) == 0o700


def test_pg_tools_get_the_password_in_their_environment_not_their_command_line(monkeypatch, tmp_path):
    """A command line is visible to every local user (``ps``); the environment is not."""
    calls = []

    def fake_run(command, **kwargs):
        calls.append((command, kwargs.get("env") or {}))
        for arg in command:  # pg_dump writes its file; pg_restore reads the archive
            if arg.startswith("--file="):
                Path(arg.removeprefix("--file=")).write_bytes(b"PGDMP fake")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(backup.subprocess, "run", fake_run)
    monkeypatch.setattr(backup.shutil, "which", lambda name: f"/usr/bin/{name}")
    url = "postgresql+psycopg://kimadmin:s3cr%40t-pw@db.example:5432/kimadmin"
    archive = backup.make_backup(url, tmp_path / "uploads", tmp_path / "b.tar.gz")
    backup.restore_backup(archive, url, tmp_path / "uploads")

    assert [command[0] for command, _ in calls] == ["pg_dump", "pg_restore"]
    for command, env in calls:
        assert not any("s3cr" in arg for arg in command), command
        assert any("kimadmin@db.example:5432/kimadmin" in arg for arg in command), command
        assert env["PGPASSWORD"] == "s3cr@t-pw"
