"""Settings read from the environment, with safe defaults for development.

Everything an operator may change lives here, so a deploy is configured by
environment variables alone (twelve-factor style) and tests pass a dict.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any


class ConfigError(RuntimeError):
    """Raised at start-up when a required setting is missing."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _dev_secret_key(instance_path: Path) -> str:
    """A random key kept in the instance folder, so dev sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load_config(instance_dir: str | Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config from the environment and ``overrides`` (tests)."""
    instance_path = Path(instance_dir)
    overrides = overrides or {}
    env = overrides.get("KIMADMIN_ENV", os.environ.get("KIMADMIN_ENV", "production"))
    development = env in {"development", "testing"}
    default_db = f"sqlite:///{instance_path / 'kimadmin.db'}"

    config: dict[str, Any] = {
        "KIMADMIN_ENV": env,
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", default_db),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        # Cookies: never readable from JS, not sent cross-site; Secure when served over HTTPS.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", not development),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", not development),
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_LIFETIME_SECONDS", 8 * 3600)),
        "WTF_CSRF_TIME_LIMIT": None,  # bound to the session instead; long forms must not expire
        "BABEL_DEFAULT_LOCALE": os.environ.get("BABEL_DEFAULT_LOCALE", "id"),
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("BABEL_DEFAULT_TIMEZONE", "Asia/Jakarta"),
        "KIMADMIN_LANGUAGES": {"id": "Bahasa Indonesia", "en": "English"},
        "KIMADMIN_PAGE_SIZE": int(os.environ.get("KIMADMIN_PAGE_SIZE", 20)),
        # The largest upload is a 10 MB SK PDF: a request a little larger still reaches the form
        # (which says the PDF is too large); anything bigger is refused before it is read (413).
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 12 * 1024 * 1024)),
        # Uploaded files (SK PDFs), stored under random names; back this folder up with the database.
        "KIMADMIN_UPLOAD_DIR": os.environ.get("KIMADMIN_UPLOAD_DIR", str(instance_path / "uploads")),
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto headers are trusted
        # (0 = none): the client's address for limits and logs, HTTPS for cookies and HSTS.
        "KIMADMIN_PROXY_FIX": int(os.environ.get("KIMADMIN_PROXY_FIX", 0)),
        # X-Forwarded-Host is trusted only when asked for: external URLs (password reset links)
        # are built from the host, and a proxy that passes a client's header through would let
        # that client choose it. Behind nginx sending `Host $host`, 0 is right.
        "KIMADMIN_PROXY_FIX_HOST": int(os.environ.get("KIMADMIN_PROXY_FIX_HOST", 0)),
        # Host names the app answers to (comma list; empty = any): others get 400, so a forged
        # Host header cannot reach a page or a link. Flask's TRUSTED_HOSTS.
        "TRUSTED_HOSTS": [h.strip() for h in os.environ.get("KIMADMIN_TRUSTED_HOSTS", "").split(",") if h.strip()]
        or None,
        "KIMADMIN_LOG_FORMAT": os.environ.get("KIMADMIN_LOG_FORMAT", "text" if development else "json"),
        "KIMADMIN_LOG_LEVEL": os.environ.get("KIMADMIN_LOG_LEVEL", "INFO"),
        "REDIS_URL": os.environ.get("REDIS_URL"),
        # Login protection, passwords, two-factor login and sessions (kimadmin/auth; README "Security").
        # Throttles count failed attempts only (Flask-Limiter syntax; Redis when REDIS_URL is set).
        "KIMADMIN_LOGIN_LIMIT_PER_IP": os.environ.get("KIMADMIN_LOGIN_LIMIT_PER_IP", "30 per 5 minutes; 100 per hour"),
        "KIMADMIN_LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("KIMADMIN_LOGIN_LIMIT_PER_ACCOUNT", "10 per 15 minutes"),
        "KIMADMIN_LOCKOUT_THRESHOLD": int(os.environ.get("KIMADMIN_LOCKOUT_THRESHOLD", 5)),
        "KIMADMIN_LOCKOUT_MINUTES": int(os.environ.get("KIMADMIN_LOCKOUT_MINUTES", 15)),
        "KIMADMIN_PASSWORD_MIN_LENGTH": int(os.environ.get("KIMADMIN_PASSWORD_MIN_LENGTH", 12)),
        "KIMADMIN_RESET_LINK_HOURS": int(os.environ.get("KIMADMIN_RESET_LINK_HOURS", 24)),
        "KIMADMIN_2FA_REQUIRED_ROLES": os.environ.get(
            "KIMADMIN_2FA_REQUIRED_ROLES", "" if development else "superadmin,admin_kabupaten"
        ),
        "KIMADMIN_SESSION_IDLE_MINUTES": int(os.environ.get("KIMADMIN_SESSION_IDLE_MINUTES", 30)),
        "KIMADMIN_REAUTH_MINUTES": int(os.environ.get("KIMADMIN_REAUTH_MINUTES", 15)),
        # Keys that encrypt TOTP secrets at rest (kimadmin/crypto.py); empty: derived from SECRET_KEY.
        "KIMADMIN_ENCRYPTION_KEYS": os.environ.get("KIMADMIN_ENCRYPTION_KEYS", ""),
        # Plugins: an allow-list (empty = every installed plugin), a kill switch, and strict loading
        # (a plugin that fails to load stops the app instead of being skipped).
        "KIMADMIN_PLUGINS": os.environ.get("KIMADMIN_PLUGINS"),
        "KIMADMIN_DISABLED_PLUGINS": os.environ.get("KIMADMIN_DISABLED_PLUGINS"),
        # Plugins given as importable module paths (a plugin under development, test fixtures).
        "KIMADMIN_EXTRA_PLUGINS": os.environ.get("KIMADMIN_EXTRA_PLUGINS"),
        "KIMADMIN_STRICT_PLUGINS": _bool("KIMADMIN_STRICT_PLUGINS", env == "testing"),
        # Flask-Admin: never show raw database errors; our base view translates them.
        "FLASK_ADMIN_RAISE_ON_VIEW_EXCEPTION": False,
    }
    config.update(overrides)

    if not config["SECRET_KEY"]:
        if config["KIMADMIN_ENV"] not in {"development", "testing"}:
            raise ConfigError(
                "SECRET_KEY must be set outside development "
                "(e.g. export SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))'))."
            )
        config["SECRET_KEY"] = _dev_secret_key(instance_path)

    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Flask-SQLAlchemy resolves relative SQLite paths against the instance folder.
        Path(instance_path).mkdir(parents=True, exist_ok=True)
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    return config
