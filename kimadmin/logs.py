"""Structured logs: one JSON object per line, with a request id, and personal data masked.

The request id comes from the proxy's ``X-Request-ID`` when it looks sane, else is generated; it
is returned in the response header so an officer's "it failed at 10:42" can be found in the logs.
Phone numbers, NIK and e-mail addresses in log messages are masked by lokal-id's SamaranFilter
(UU 27/2022).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context, request
from lokal.samaran.logging import SamaranFilter
from werkzeug.wrappers import Response

_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# URL paths that carry a one-time secret (the password-reset link): masked in every log line.
_SECRET_PATH = re.compile(r"(/password-reset/)[^/?#\s\"']+", re.IGNORECASE)


def mask_secrets(text: str) -> str:
    """``/password-reset/<token>`` -> ``/password-reset/***`` anywhere in ``text``.

    The reset token is the credential of a reset link and lives in its path, so it would land in
    the access log (gunicorn's ``%(r)s``, see :mod:`kimadmin.gunicorn_logger`) and in these logs,
    readable by whoever reads logs, and usable until the link is spent or expires.
    """
    if "password-reset/" not in text.lower():
        return text  # the common case: no regex work
    return _SECRET_PATH.sub(r"\1***", text)


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry.update(
                request_id=request_id(), method=request.method, path=mask_secrets(request.path), ip=request.remote_addr
            )
            user_id = g.get("_login_user") and getattr(g._login_user, "id", None)
            if user_id:
                entry["user_id"] = user_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(app: Flask) -> None:
    """Log to stderr: JSON in production (``KIMADMIN_LOG_FORMAT=json``), text in development."""
    handler = logging.StreamHandler(sys.stderr)
    if app.config.get("KIMADMIN_LOG_FORMAT") == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SamaranFilter())
    root = logging.getLogger()
    if not any(getattr(h, "_kimadmin", False) for h in root.handlers):
        handler._kimadmin = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        root.setLevel(app.config.get("KIMADMIN_LOG_LEVEL", "INFO"))


def init_app(app: Flask) -> None:
    if not app.testing:
        configure(app)

    @app.before_request
    def _assign_request_id() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex

    @app.after_request
    def _return_request_id(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response
