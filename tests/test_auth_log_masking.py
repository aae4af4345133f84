"""Password-reset tokens never reach the logs: gunicorn's access log and the app's JSON log."""

from __future__ import annotations

import json
import logging
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config

from kimadmin.gunicorn_logger import MaskingLogger
from kimadmin.logs import JsonFormatter, mask_secrets

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "q3Jx0Yb7cW9-rahasia_TokenUji123"


def production_logger(tmp_path: Path) -> tuple[Config, Path]:
    """gunicorn's configuration as ``gunicorn app:app`` builds it from gunicorn.conf.py."""
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cfg = Config()
    for name in ("access_log_format", "logger_class"):
        cfg.set(name, settings[name])
    log_file = tmp_path / "access.log"
    cfg.set("accesslog", str(log_file))
    return cfg, log_file


def log_request(cfg: Config, path: str, query: str = "") -> None:
    logger = cfg.logger_class(cfg)
    raw_uri = path + (f"?{query}" if query else "")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": raw_uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.5",
        "HTTP_REFERER": f"https://kim.example{raw_uri}",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[("X-Request-ID", "abc123def456")])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    logger.access(response, request, environ, timedelta(milliseconds=7))
    for handler in logger.access_log.handlers:
        handler.flush()


def test_gunicorn_conf_uses_the_masking_logger(tmp_path):
    cfg, _log_file = production_logger(tmp_path)

    assert cfg.logger_class is MaskingLogger


def test_the_access_log_masks_the_reset_token(tmp_path):
    cfg, log_file = production_logger(tmp_path)

    log_request(cfg, f"/password-reset/{TOKEN}")
    log_request(cfg, "/admin/kim/", "page=2")

    lines = log_file.read_text().splitlines()
    assert TOKEN not in log_file.read_text()
    assert '"GET /password-reset/*** HTTP/1.1" 200' in lines[0]
    assert '"GET /admin/kim/?page=2 HTTP/1.1" 200' in lines[1]  # other paths unchanged
    assert "rid=abc123def456" in lines[1]


def test_the_app_log_masks_the_reset_token(app):
    record = logging.LogRecord("kimadmin", logging.WARNING, __file__, 1, "throttled", None, None)

    with app.test_request_context(f"/password-reset/{TOKEN}"):
        line = JsonFormatter().format(record)

    assert TOKEN not in line
    assert json.loads(line)["path"] == "/password-reset/***"


def test_masking_finds_the_token_anywhere_and_keeps_the_rest():
    assert mask_secrets(f"POST http://kim.example/Password-Reset/{TOKEN}?x=1 HTTP/1.1") == (
        "POST http://kim.example/Password-Reset/***?x=1 HTTP/1.1"
    )
    assert mask_secrets("/account/password") == "/account/password"
