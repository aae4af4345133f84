"""Error pages a person can read, and the health check."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from .extensions import db

log = logging.getLogger(__name__)
bp = Blueprint("system", __name__)


def _messages(code: int) -> tuple[str, str]:
    return {
        400: (_("Permintaan tidak valid"), _("Permintaan tidak dapat diproses. Periksa kembali isian Anda.")),
        403: (_("Akses ditolak"), _("Anda tidak memiliki izin untuk membuka halaman ini.")),
        404: (_("Halaman tidak ditemukan"), _("Halaman atau data yang Anda cari tidak ada.")),
        405: (_("Metode tidak diizinkan"), _("Halaman ini tidak menerima permintaan seperti itu.")),
        413: (_("Berkas terlalu besar"), _("Berkas yang dikirim melebihi batas ukuran.")),
        429: (_("Terlalu banyak permintaan"), _("Tunggu sebentar, lalu coba lagi.")),
        500: (_("Terjadi kesalahan"), _("Terjadi kesalahan pada server. Tim teknis telah dicatat; silakan coba lagi.")),
        503: (_("Layanan tidak tersedia"), _("Basis data sedang tidak dapat dihubungi. Silakan coba lagi sebentar.")),
    }.get(code, (_("Terjadi kesalahan"), ""))


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" or request.path.endswith("/ajax/lookup/")


def render_error(code: int, message: str | None = None) -> tuple[str | Response, int]:
    title, default = _messages(code)
    if _wants_json():
        return jsonify(error=title, message=message or default), code
    return render_template("errors/error.html", code=code, title=title, message=message or default), code


@bp.route("/healthz")
def healthz() -> tuple[Response, int]:
    try:
        db.session.execute(sa.text("SELECT 1"))
        return jsonify(status="ok", database="ok"), 200
    except sa.exc.SQLAlchemyError:
        log.exception("health check: database unreachable")
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[str | Response, int]:
        return render_error(400, _("Sesi formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi."))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str | Response, int] | HTTPException:
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(sa.exc.OperationalError)
    def _db_down(error: Exception) -> tuple[str | Response, int]:
        log.exception("database unavailable")
        db.session.rollback()
        return render_error(503)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[str | Response, int]:
        log.exception("unhandled error")
        db.session.rollback()
        return render_error(500)
