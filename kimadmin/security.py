"""HTTP security headers, the Content-Security-Policy with per-request nonces, and proxy trust.

Scripts run only from our own origin or with this request's nonce (Flask-Admin's few inline
scripts carry it through ``Admin(csp_nonce_generator=...)``); no ``unsafe-inline`` for scripts.
Inline ``style`` attributes in Flask-Admin's templates still need ``'unsafe-inline'`` for styles,
which cannot run code.
"""

from __future__ import annotations

import secrets

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response


def csp_nonce() -> str:
    """This request's CSP nonce (one per request, shared by every script tag of the page)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def _set_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if not (request.endpoint or "").endswith("static"):
        # Pages show tenant data: never keep them in shared caches (error pages neither, e.g. a
        # 405 or 404 that matched no endpoint).
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    """Trust the reverse proxy's headers as far as configured, and set the headers on responses."""
    hops = int(app.config.get("KIMADMIN_PROXY_FIX") or 0)
    host_hops = int(app.config.get("KIMADMIN_PROXY_FIX_HOST") or 0)
    if hops or host_hops:
        # X-Forwarded-For/-Proto: real client IP (rate limits, logs) and HTTPS detection (secure
        # cookies, HSTS). X-Forwarded-Host only when configured apart: it decides the host of
        # external links, and the Host header nginx passes is already the right one.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=host_hops)  # type: ignore[method-assign]
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(_set_headers)
