"""Uploaded files (SK decree PDFs): checked by content, stored under random names, served in scope.

The rules, and why:

* a PDF is recognised by what it contains (the ``%PDF-`` header and a trailer that points at a
  cross-reference), never by its name or the browser's content type, both of which the sender
  chooses;
* at most :data:`MAX_PDF_BYTES`; the request limit (``MAX_CONTENT_LENGTH``) sits a little above
  it, so a slightly larger file gets a form message and a much larger one is cut off early;
* a file is written only after the form validated, under a random name that never overwrites
  (``O_EXCL``), and it follows the database transaction: a failed save removes the new file, a
  successful one removes the file it replaced (:func:`files_follow_transaction`). No orphan
  files, no rows pointing at a missing file;
* the stored name is never taken from a request: downloads look the row up through the scoped
  query (another regency's decree is a 404) and send the file as an attachment with
  ``nosniff`` and the original name sanitised.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from flask import abort, current_app, g, send_file
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response
from wtforms import FileField, ValidationError

log = logging.getLogger(__name__)

MAX_PDF_BYTES = 10 * 1024 * 1024
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|png|jpg)$")
MAX_LOGO_BYTES = 1024 * 1024
# Logos by content, not by name: PNG and JPEG only (no SVG: it can carry scripts).
IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": ("png", "image/png"), b"\xff\xd8\xff": ("jpg", "image/jpeg")}
_HEADER = re.compile(rb"^%PDF-[12]\.\d")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF", re.DOTALL)
_XREF_AT = re.compile(rb"\s*(?:xref\b|\d+\s+\d+\s+obj\b)")
T = TypeVar("T")


def upload_dir() -> Path:
    """The folder of stored files (``KIMADMIN_UPLOAD_DIR``, by default ``instance/uploads``)."""
    return Path(current_app.config["KIMADMIN_UPLOAD_DIR"])


def pdf_problem(data: bytes, max_bytes: int = MAX_PDF_BYTES) -> str | None:
    """What is wrong with ``data`` as an SK PDF (a translated sentence), or ``None`` if nothing.

    Not a full parser: the header, and a trailer whose ``startxref`` points at a cross-reference
    table or stream inside the file. That refuses renamed images, office documents and HTML, and
    truncated uploads, in bounded time, without a PDF library parsing untrusted input.
    """
    if not data:
        return _("The file is empty.")
    if len(data) > max_bytes:
        return _("The PDF is larger than %(size)d MB. Please scan it at a lower resolution.", size=max_bytes // 2**20)
    if not _HEADER.match(data):
        return _("This file is not a PDF. Only PDF files can be attached to a decree.")
    trailer = _STARTXREF.findall(data[-4096:])
    if not trailer:
        return _("This PDF is damaged or incomplete (it has no end). Please save or scan it again.")
    offset = int(trailer[-1])
    if offset >= len(data) or not _XREF_AT.match(data, offset):
        return _("This PDF is damaged (its table of contents is missing). Please save or scan it again.")
    return None


def image_kind(data: bytes) -> tuple[str, str] | None:
    """``(suffix, mimetype)`` of a PNG or JPEG by its first bytes, else ``None``."""
    return next((kind for magic, kind in IMAGE_TYPES.items() if data.startswith(magic)), None)


def logo_problem(data: bytes, max_bytes: int = MAX_LOGO_BYTES) -> str | None:
    """What is wrong with ``data`` as a KIM logo (a translated sentence), or ``None``."""
    if not data:
        return _("The file is empty.")
    if len(data) > max_bytes:
        return _("The logo is larger than %(size)d KB.", size=max_bytes // 1024)
    if image_kind(data) is None:
        return _("A logo must be a PNG or JPEG image.")
    return None


class PdfUploadField(FileField):
    """An optional SK PDF: validated by content on submit, kept in memory until the row is saved.

    It never writes to the model itself; the view stores ``pdf_bytes`` once every other rule has
    passed (:meth:`PendingFiles.save`).
    """

    max_bytes = MAX_PDF_BYTES
    pdf_bytes: bytes | None = None
    problem = staticmethod(pdf_problem)

    def process_formdata(self, valuelist: list[Any]) -> None:
        uploads = [value for value in valuelist if isinstance(value, FileStorage) and value.filename]
        self.data = uploads[0] if uploads else None

    def pre_validate(self, form: Any) -> None:
        self.pdf_bytes = None
        if self.data is None:
            return
        data = self.data.stream.read(self.max_bytes + 1)
        problem = self.problem(data, self.max_bytes)
        if problem:
            raise ValidationError(problem)
        self.pdf_bytes = data

    @property
    def original_name(self) -> str:
        return (self.data.filename or "")[-255:] if self.data is not None else ""

    def populate_obj(self, obj: Any, name: str) -> None:
        """Nothing: the file is stored by the view after the other rules passed."""


class LogoUploadField(PdfUploadField):
    """An optional KIM logo (PNG or JPEG by content, at most 1 MB); the bytes are in ``pdf_bytes``."""

    max_bytes = MAX_LOGO_BYTES
    problem = staticmethod(logo_problem)


class PendingFiles:
    """Files written and files to remove in one request, settled with its database transaction."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.written: list[Path] = []
        self.replaced: list[Path] = []

    def save(self, data: bytes, suffix: str = "pdf") -> str:
        """Write ``data`` under a new random name (never overwriting) and return the name.

        A folder that cannot be written (permissions, full disk) is a form message, and the
        transaction is rolled back: no row points at a file that is not there.
        """
        try:
            return self._write(data, suffix)
        except OSError:
            log.exception("could not store an upload in %s", self.folder)
            raise ValidationError(
                _("The file could not be stored (the upload folder is full or not writable). Nothing was saved.")
            ) from None

    def _write(self, data: bytes, suffix: str) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        while True:
            name = f"{secrets.token_hex(16)}.{suffix}"
            path = self.folder / name
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
            except FileExistsError:  # pragma: no cover - 128 random bits
                continue
            self.written.append(path)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            return name

    def remove_after_commit(self, name: str | None) -> None:
        path = stored_path(name)
        if path is not None:
            self.replaced.append(path)

    def commit(self) -> None:
        """The rows are saved: the files they no longer point at go."""
        _remove(self.replaced)
        self.written, self.replaced = [], []

    def rollback(self) -> None:
        """Nothing was saved: the files written for it go, the old ones stay."""
        _remove(self.written)
        self.written, self.replaced = [], []


def _remove(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.exception("could not remove uploaded file %s", path.name)


def pending_files() -> PendingFiles:
    """This request's pending files (see :func:`files_follow_transaction`)."""
    if "kim_pending_files" not in g:
        g.kim_pending_files = PendingFiles(upload_dir())
    return g.kim_pending_files


def files_follow_transaction(save: Callable[[], T]) -> T:
    """Run ``save`` (a Flask-Admin create/update/delete, which commits or rolls back and returns
    a falsy value on failure) and settle the files written or replaced meanwhile accordingly."""
    files = pending_files()
    try:
        result = save()
    except BaseException:
        files.rollback()
        raise
    if result:
        files.commit()
    else:
        files.rollback()
    return result


def stored_path(name: str | None) -> Path | None:
    """The path of a stored file name (as kept in the database), or ``None`` if it is not one."""
    if not name or not STORED_NAME.match(name):
        return None
    return upload_dir() / name


def download_name(original: str | None, fallback: str = "sk.pdf") -> str:
    """The original file name made safe for a Content-Disposition header (ASCII, no paths)."""
    name = secure_filename(original or "") or fallback
    return name if name.lower().endswith(".pdf") else f"{name}.pdf"


def send_pdf(name: str | None, original: str | None) -> Response:
    """Send a stored PDF as an attachment; 404 when the row has none or the file is missing."""
    path = stored_path(name)
    if path is None or not path.is_file():
        if name:
            log.error("stored PDF %s is missing", name)
        abort(404)
    response = send_file(path, mimetype="application/pdf", as_attachment=True, download_name=download_name(original))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def send_logo(name: str | None) -> Response:
    """Send a stored logo inline with its real type (checked again from its bytes); else 404."""
    path = stored_path(name)
    kind = image_kind(path.read_bytes()[:8]) if path is not None and path.is_file() else None
    if kind is None:
        abort(404)
    response = send_file(path, mimetype=kind[1])
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
