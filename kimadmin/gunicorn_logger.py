"""gunicorn's access log without one-time secrets: reset-link tokens in URL paths are masked.

``gunicorn.conf.py`` sets ``logger_class`` to :class:`MaskingLogger`. The access log format uses
``%(r)s`` (the request line), which would otherwise write ``/password-reset/<token>`` for every
visit of a reset link: anybody who can read the logs could set the user's password with it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from gunicorn.glogging import Logger

from .logs import mask_secrets


class MaskingLogger(Logger):
    """gunicorn's logger, with every access-log value passed through :func:`mask_secrets`.

    All atoms are masked (request line, path, referrer, ``{...}i``/``{...}e`` variables), so a
    changed ``access_log_format`` cannot bring the token back.
    """

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: mask_secrets(value) if isinstance(value, str) else value for key, value in atoms.items()}
