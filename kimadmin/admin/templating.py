"""Flask-Admin's own templates, made to fit our Content-Security-Policy without copying them.

Flask-Admin marks inert links (the active tab, pagination's current page, dropdown toggles) with
``href="javascript:void(0)"``. Our CSP forbids ``javascript:`` URLs, so every click on one logs a
violation in the browser and security scanners report them. Copying each template to change one
attribute would freeze dozens of Flask-Admin files in our tree; instead the loader rewrites that
attribute when it reads a template of the Flask-Admin package. Bootstrap's dropdown and tab code
prevents the default action of ``href="#"`` links itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import flask_admin
from flask import Flask
from jinja2 import BaseLoader, Environment

__all__ = ["INERT_HREF", "install"]

_FLASK_ADMIN_DIR = str(Path(flask_admin.__file__).parent)
_JAVASCRIPT_HREF = 'href="javascript:void(0)"'
INERT_HREF = 'href="#"'


class InertLinksLoader(BaseLoader):
    """Wraps the app's loader; rewrites ``javascript:`` links of Flask-Admin's templates only."""

    def __init__(self, wrapped: BaseLoader) -> None:
        self.wrapped = wrapped

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self.wrapped.get_source(environment, template)
        if filename and filename.startswith(_FLASK_ADMIN_DIR):
            source = source.replace(_JAVASCRIPT_HREF, INERT_HREF)
        return source, filename, uptodate

    def list_templates(self) -> list[str]:
        return self.wrapped.list_templates()


def install(app: Flask) -> None:
    """Wrap ``app``'s template loader (idempotent)."""
    env: Any = app.jinja_env
    if not isinstance(env.loader, InertLinksLoader):
        env.loader = InertLinksLoader(env.loader)
