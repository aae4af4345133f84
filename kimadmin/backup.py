"""Backups and restores: ``flask kim backup`` and ``flask kim restore``.

A backup is one ``.tar.gz`` holding the database and the uploads folder, because an SK record
without its PDF (or a PDF without its record) is half a backup. PostgreSQL is dumped with
``pg_dump --format=custom`` and restored with ``pg_restore --clean --if-exists
--single-transaction`` (all or nothing: a failed restore leaves the database as it was); SQLite
is copied with its online backup API. The restore refuses to run without ``--yes``.

An archive holds personal data (NIK, phone numbers): it is created mode 0600 from its first byte,
and the database password goes to ``pg_dump``/``pg_restore`` through ``PGPASSWORD`` in the child's
environment, never on its command line (where ``ps`` on the same host would show it).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

__all__ = ["BackupError", "make_backup", "restore_backup"]

FORMAT_VERSION = 1


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why."""


def make_backup(database_url: str, upload_dir: Path, output: Path) -> Path:
    """Write ``output`` (a .tar.gz): ``manifest.json``, ``database.dump`` or ``database.sqlite3``,
    and ``uploads/``. Returns the path written."""
    url = sa.make_url(database_url)
    output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if url.get_backend_name() == "postgresql":
            member = "database.dump"
            _run(["pg_dump", "--format=custom", "--no-owner", f"--file={work / member}", _libpq(url)], _pg_env(url))
        elif url.get_backend_name() == "sqlite":
            member = "database.sqlite3"
            with sqlite3.connect(_sqlite_path(url)) as source, sqlite3.connect(work / member) as target:
                source.backup(target)
        else:
            raise BackupError(f"unsupported database: {url.get_backend_name()}")
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(),
            "database": member,
            "backend": url.get_backend_name(),
        }
        partial = output.with_name(output.name + ".partial")
        partial.unlink(missing_ok=True)  # a leftover of a crashed run may have a looser mode
        # Created 0600 before anything is written, whatever the umask: never readable by others.
        with (
            os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz") as archive,
        ):
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
            archive.add(work / member, arcname=member)
            if upload_dir.is_dir():
                archive.add(upload_dir, arcname="uploads")
        partial.replace(output)  # never a half-written backup under the final name
    return output


def restore_backup(archive_path: Path, database_url: str, upload_dir: Path) -> dict:
    """Restore the database and the uploads from a backup made by :func:`make_backup`.

    The database is restored first, in one transaction; the uploads folder is replaced only
    after that succeeded (the old folder is kept as ``<folder>.before-restore`` until then).
    """
    url = sa.make_url(database_url)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        try:
            with tarfile.open(archive_path, "r:gz") as archive:
                _extract(archive, work)
            manifest = json.loads((work / "manifest.json").read_text())
        except (tarfile.TarError, OSError, ValueError) as exc:
            raise BackupError(f"not a KIM Admin backup: {exc}") from exc
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"unknown backup format {manifest.get('format')!r}")
        if manifest["backend"] != url.get_backend_name():
            raise BackupError(f"the backup is of {manifest['backend']}, the database is {url.get_backend_name()}")
        dump = work / manifest["database"]
        if manifest["backend"] == "postgresql":
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--exit-on-error",
                    f"--dbname={_libpq(url)}",
                    str(dump),
                ],
                _pg_env(url),
            )
        else:
            with sqlite3.connect(dump) as source, sqlite3.connect(_sqlite_path(url)) as target:
                source.backup(target)
        _replace_uploads(work / "uploads", upload_dir)
    return manifest


def _extract(archive: tarfile.TarFile, target: Path) -> None:
    """Unpack ``archive`` into ``target``, refusing absolute paths, ``..``, links and devices.

    Python 3.11.4+ does it with the ``data`` filter. Debian 12's system Python is 3.11.2, which
    has no filters (``extractall(filter=...)`` is a TypeError there): the same refusals by hand,
    for the only members a backup has, files and folders.
    """
    if hasattr(tarfile, "data_filter"):
        archive.extractall(target, filter="data")
        return
    root = target.resolve()
    members = archive.getmembers()
    for member in members:
        destination = (root / member.name).resolve()
        if not (member.isfile() or member.isdir()) or (destination != root and root not in destination.parents):
            raise tarfile.TarError(f"refused member {member.name!r}")
        member.mode &= 0o755  # no set-uid, set-gid or sticky bits, as the data filter
    archive.extractall(target, members=members)  # noqa: S202 - every member checked above


def _replace_uploads(restored: Path, upload_dir: Path) -> None:
    previous = upload_dir.with_name(upload_dir.name + ".before-restore")
    if previous.exists():
        shutil.rmtree(previous)
    if upload_dir.exists():
        upload_dir.rename(previous)
    if restored.is_dir():
        shutil.copytree(restored, upload_dir)
    else:
        upload_dir.mkdir(parents=True)
    if previous.exists():
        shutil.rmtree(previous)


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)")
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=env)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def _libpq(url: sa.URL) -> str:
    """The SQLAlchemy URL as libpq understands it (no ``+psycopg`` driver suffix) and without the
    password, which :func:`_pg_env` passes instead: a command line is visible to every local user."""
    bare = sa.URL.create("postgresql", url.username, None, url.host, url.port, url.database, url.query)
    return bare.render_as_string(hide_password=False)


def _pg_env(url: sa.URL) -> dict[str, str]:
    """The child's environment: ours plus ``PGPASSWORD`` when the URL has a password."""
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return env


def _sqlite_path(url: sa.URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return url.database


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))
