"""Security headers on every response; scripts only from our origin or with the page's nonce."""

from __future__ import annotations

import re

import pytest

from kimadmin.testing.db_faults import database_fails
from kimadmin.testing.factories import KimFactory

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)([^>]*)>", re.IGNORECASE)


def csp_directives(response):
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.parametrize("path", ["/login", "/healthz", "/tidak-ada", "/static/css/kimadmin.css"])
def test_headers_on_anonymous_responses(client, path):
    response = client.get(path)

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    directives = csp_directives(response)
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: no HSTS


def admin_pages(app):
    """The home page and every list and create page the admin registered."""
    yield "/admin/"
    for rule in app.url_map.iter_rules():
        if rule.endpoint.endswith((".index_view", ".create_view")) and not rule.arguments:
            yield rule.rule


def test_every_inline_script_carries_the_nonce_of_the_header(app, make_client, karanganyar):
    from kimadmin.testing.plugins import enable_plugin

    for record in app.extensions["kimadmin_plugins"].active():  # plugins' pages are checked too
        enable_plugin(record.name, "33.13")
    KimFactory(regency="33.13")
    client = make_client(karanganyar.admin)
    checked = 0
    for path in admin_pages(app):
        response = client.get(path)
        if response.status_code == 403:  # e.g. read-only region screens have no create page
            continue
        assert response.status_code == 200, path
        assert_scripts_carry_nonce(response)
        checked += 1
    assert checked >= 8


def assert_scripts_carry_nonce(response):
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    html = response.get_data(as_text=True)
    for attributes in INLINE_SCRIPT.findall(html):
        assert f'nonce="{nonce}"' in attributes, attributes
    assert not re.search(r"\son[a-z]+=", html), "inline event handlers are blocked by the CSP"
    assert response.headers["Cache-Control"] == "no-store"


def test_nonce_changes_per_request(client):
    first = client.get("/login").headers["Content-Security-Policy"]
    second = client.get("/login").headers["Content-Security-Policy"]
    assert first != second


def test_hsts_over_https(client):
    response = client.get("/login", base_url="https://kimadmin.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_request_id_is_returned_and_a_sane_incoming_one_is_kept(client):
    generated = client.get("/healthz").headers["X-Request-ID"]
    kept = client.get("/healthz", headers={"X-Request-ID": "proxy-1234abcd"}).headers["X-Request-ID"]
    refused = client.get("/healthz", headers={"X-Request-ID": "<script>x</script>"}).headers["X-Request-ID"]

    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert kept == "proxy-1234abcd"
    assert refused != "<script>x</script>" and re.fullmatch(r"[0-9a-f]{32}", refused)


def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_readyz_is_503_when_the_database_is_unreachable(client, db_session):
    with database_fails(db_session.get_bind().engine):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}


def test_readyz_reports_unreachable_redis_as_degraded_not_down(app, client, monkeypatch):
    """Login limits fall back to each worker's memory without Redis: the app still serves."""
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "degraded", "database": "ok", "redis": "unreachable"}
