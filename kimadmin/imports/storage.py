"""The uploaded file, kept between preview and confirm.

The file is written under a random 128-bit name in ``instance/imports`` (``KIMADMIN_IMPORT_DIR``)
with a small JSON note of who uploaded it, for which regency and kind. A token from a request is
only ever used after matching :data:`TOKEN` (32 hex digits), so it cannot name another path; a
token of another user or regency, or older than :data:`PENDING_TTL`, reads as unknown (the view
answers 404). Confirming or starting a new upload removes expired files.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)

TOKEN = re.compile(r"^[0-9a-f]{32}$")
PENDING_TTL = 2 * 3600  # seconds


@dataclass(frozen=True)
class PendingImport:
    token: str
    user_id: int
    regency_code: str
    kind: str
    file_name: str
    created: float
    data: bytes


def import_dir() -> Path:
    configured = current_app.config.get("KIMADMIN_IMPORT_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "imports"


def _paths(token: str) -> tuple[Path, Path]:
    folder = import_dir()
    return folder / f"{token}.bin", folder / f"{token}.json"


def _write_new(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def save_pending(data: bytes, *, user_id: int, regency_code: str, kind: str, file_name: str) -> str:
    """Keep ``data`` for its uploader and return the token that names it."""
    remove_expired()
    folder = import_dir()
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    data_path, meta_path = _paths(token)
    meta = {
        "user_id": user_id,
        "regency_code": regency_code,
        "kind": kind,
        "file_name": file_name[-255:],
        "created": time.time(),
    }
    _write_new(data_path, data)
    _write_new(meta_path, json.dumps(meta).encode())
    return token


def load_pending(token: str | None, user_id: int, regency_code: str | None = None) -> PendingImport | None:
    """The upload named ``token`` if it is this user's (and regency's) and not expired; else ``None``."""
    if not token or not TOKEN.match(token):
        return None
    data_path, meta_path = _paths(token)
    try:
        meta = json.loads(meta_path.read_text())
        if meta["user_id"] != user_id or (regency_code is not None and meta["regency_code"] != regency_code):
            return None
        if time.time() - meta["created"] > PENDING_TTL:
            discard_pending(token)
            return None
        data = data_path.read_bytes()
    except (OSError, ValueError, KeyError):
        return None
    return PendingImport(
        token, meta["user_id"], meta["regency_code"], meta["kind"], meta["file_name"], meta["created"], data
    )


def discard_pending(token: str) -> None:
    if not TOKEN.match(token):
        return
    for path in _paths(token):
        path.unlink(missing_ok=True)


def remove_expired() -> None:
    folder = import_dir()
    if not folder.is_dir():
        return
    limit = time.time() - PENDING_TTL
    for path in folder.iterdir():
        try:
            if path.suffix in (".bin", ".json") and path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            log.warning("could not remove expired import file %s", path.name)
